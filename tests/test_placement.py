"""The placement rules (dashboard/placement.py): sentences, seats, zones, schema, cards, datasets."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import shapely
from pydantic import ValidationError
from shapely.geometry import shape

from dashboard.data import border_utm, load_curated_events
from dashboard.events import EventProperties
from dashboard.filters import ViewState
from dashboard.formatting import event_card_html, events_table
from dashboard.gazetteer import load_gazetteer
from dashboard.imports import import_dataset
from dashboard.geo import distances_to_line_km
from dashboard.placement import (
    ACLED_GEO_PRECISION,
    SEATS_PATH,
    UCDP_WHERE_PREC,
    ZONES_PATH,
    find_seat,
    find_zone,
    load_zones,
    place_text,
    placement_problems,
    read_seats,
)
from dashboard.store import imported_datasets

ROOT = Path(__file__).resolve().parent.parent
TJK_SIDE, AFG_SIDE, EITHER = ("Tajik–Afghan border, Tajik side", "Tajik–Afghan border, Afghan side",
                              "Tajik–Afghan border (either side)")


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


# --- the rules on short sentences ----------------------------------------------------------

# (sentence, date of the event or None, expected place or None, basis, precision)
RULES = [
    # 1. a place named in the text
    ("Russian troops held drills at Kharb-Maidon on Tuesday.", None, "Kharb-Maydon", "explicit", "site"),
    ("Fighting broke out in Kunduz overnight.", None, "Kunduz", "explicit", "city"),
    ("Clashes continued in Panjsher province.", None, "Panjshir", "explicit", "province"),
    ("The Kremlin said talks in Doha went well.", date(2021, 3, 1), "Doha", "explicit", "city"),
    ("Zhirnov said Kabul was calm.", date(2021, 8, 20), "Kabul", "explicit", "city"),
    # 2. a line or zone named in the text
    ("Soldiers were deployed near the Tajik-Afghan border.", None, EITHER, "explicit", "region"),
    ("Drills took place in Tajikistan near the Tajik–Afghan border.", None, TJK_SIDE, "explicit", "region"),
    ("Troops gathered on the Afghan side of the border.", None, AFG_SIDE, "explicit", "region"),
    ("Russia sent tanks to Tajikistan, near the border with Afghanistan.", None, TJK_SIDE, "explicit", "region"),
    ("The Taliban moved units to the northern border.", date(2021, 10, 1), AFG_SIDE, "explicit", "region"),
    ("Lavrov spoke about the Tajik-Afghan border.", date(2021, 7, 1), EITHER, "explicit", "region"),
    # 3. a speaker or institution with a seat
    ("Lavrov said the talks were useful.", date(2021, 7, 9), "Moscow", "inferred", "city"),
    ("The Kremlin said it was watching closely.", date(2021, 8, 16), "Moscow", "inferred", "city"),
    ("Peskov told reporters that nothing had changed.", date(2021, 8, 23), "Moscow", "inferred", "city"),
    ("A Taliban spokesman said the group controls the north.", date(2021, 9, 1), "Kabul", "inferred", "city"),
    ("The Tajik Defence Ministry announced new checkpoints.", date(2021, 7, 5), "Dushanbe", "inferred", "city"),
    ("Mirziyoyev spoke about trade.", date(2021, 8, 1), "Tashkent", "inferred", "city"),
    ("Imran Khan called Putin about the crisis.", date(2021, 8, 26), "Islamabad", "inferred", "city"),
    ("The Central Military District said the drills were over.", date(2021, 8, 10), "Yekaterinburg", "inferred",
     "city"),
    # A seat holds only while the institution sits there.
    ("A Taliban spokesman said the group controls the north.", date(2021, 7, 1), None, None, None),
    ("Imran Khan said the economy would grow.", date(2023, 1, 1), None, None, None),
    # 4. only a country
    ("Pakistan closed the crossing.", None, "Pakistan", "explicit", "country"),
    ("Refugees arrived in Uzbekistan.", None, "Uzbekistan", "explicit", "country"),
    ("Russian officials were worried.", None, "Russia", "explicit", "country"),
    # The Afghan border of Turkmenistan is no line we hold: the country it is.
    ("Turkmen border guards reinforced the Afghan border.", None, "Turkmenistan", "explicit", "country"),
    # nothing at all
    ("Nothing happened here.", None, None, None, None),
]


@pytest.mark.parametrize(("sentence", "day", "place", "basis", "precision"), RULES)
def test_the_rules_place_short_sentences(gazetteer, sentence, day, place, basis, precision):
    placement = place_text(sentence, gazetteer, on=day)
    if place is None:
        assert placement is None
        return
    assert (placement.place.name, placement.basis, placement.location_precision) == (place, basis, precision)
    if basis == "inferred":
        assert placement.note.startswith("seat of") and placement.match.text in sentence
    if precision == "region":
        assert "zone within 30 km of the Tajik–Afghan border" in placement.note


def test_the_seat_named_first_in_the_text_wins():
    seat, named = find_seat("Imran Khan's call with Putin", date(2021, 8, 26))
    assert (seat.seat, named.group()) == ("Islamabad", "Imran Khan")
    seat, named = find_seat("Putin's envoy Kabulov said", date(2021, 8, 16))
    assert (seat.seat, named.group()) == ("Moscow", "Putin's envoy")
    assert find_seat("Putin’s envoy said", None)[1].group() == "Putin’s envoy"  # typographic apostrophe


def test_zone_sides_follow_the_words_of_the_text():
    assert find_zone("the Tajik side of the Afghan border").zone == "tjk_side"
    assert find_zone("Afghanistan–Tajikistan border").zone == "either_side"
    assert find_zone("Tajikistan's southern border").zone == "tjk_side"
    assert find_zone("a new bridge across the river") is None
    assert find_zone("the Afghan border with Iran") is None  # no Tajik context: not our line


# --- seats and zones are data ---------------------------------------------------------------

def test_every_seat_is_a_gazetteer_place_with_a_source(gazetteer):
    seats = read_seats()
    assert len(seats) >= 10
    for seat in seats:
        assert seat.seat in gazetteer.by_name, seat.institution
        assert seat.source and seat.aliases
        assert seat.valid_from is None or seat.valid_to is None or seat.valid_from < seat.valid_to


def test_a_malformed_seat_row_is_named(tmp_path):
    path = tmp_path / "seats.csv"
    rows = SEATS_PATH.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([rows[0], rows[1], "Nobody,,Moscow,,,somewhere"]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"row 3: institution, aliases, seat and source are required"):
        read_seats(path)
    path.write_text("\n".join([rows[0], "X,Y,Moscow,21-08-2021,,s"]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2"):
        read_seats(path)


def test_the_zones_build_reproduces_the_committed_file(tmp_path):
    out = tmp_path / "zones.geojson"
    subprocess.run([sys.executable, str(ROOT / "geodata" / "build_zones.py"), "--out", str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == ZONES_PATH.read_bytes(), "run python geodata/build_zones.py"


def test_zones_hug_the_border_on_their_side():
    collection = json.loads(ZONES_PATH.read_text(encoding="utf-8"))
    countries = {f["properties"]["iso_a3"]: shape(f["geometry"])
                 for f in json.loads((ROOT / "geodata" / "context" / "countries.geojson").read_text())["features"]}
    for feature in collection["features"]:
        props = feature["properties"]
        polygon = shape(feature["geometry"])
        assert polygon.is_valid and not polygon.is_empty
        sides = shapely.union_all([countries[s] for s in props["sides"]])
        assert polygon.difference(sides).area < 1e-5, props["id"]  # clipped to its countries (4-decimal slivers)
        # Every corner of the zone is within the band of the border (plus simplification).
        coords = shapely.get_coordinates(polygon)
        assert distances_to_line_km(coords[:, 0], coords[:, 1], border_utm()).max() <= props["band_km"] + 1
        # The representative point is on the border, and the uncertainty covers the whole zone.
        [on_line] = distances_to_line_km([props["point"][0]], [props["point"][1]], border_utm())
        assert on_line < 0.1
        assert props["uncertainty_km"] >= 300 and props["kind"] == "zone"
    zones = load_zones()
    assert {z.place.country for z in zones.values()} == {"TJK", "AFG"}


# --- schema ------------------------------------------------------------------------------------

def _props(**changes) -> dict:
    props = {
        "id": "e1", "title": "t", "category": "statement", "actors": [], "date_start": "2021-08-16",
        "date_end": "2021-08-16", "date_precision": "day", "date_basis": "explicit", "place": "Moscow",
        "country": "RUS", "location_precision": "city", "location_basis": "explicit", "uncertainty_km": 20.0,
        "sources": [{"article": "a", "quote": "Lavrov said so."}], "review_status": "reviewed",
    }
    props.update(changes)
    return {key: value for key, value in props.items() if value is not None}


@pytest.mark.parametrize(("changes", "message"), [
    ({"location_basis": None}, "Field required"),
    ({"location_basis": "guessed"}, "Input should be 'explicit', 'inferred' or 'external'"),
    ({"location_basis": "inferred"}, "an inferred place needs a location_note"),
    ({"location_basis": "external", "location_note": "TASS said so"}, "names its source"),
])
def test_schema_checks_the_location_basis(changes, message):
    with pytest.raises(ValidationError, match=message):
        EventProperties.model_validate(_props(**changes))


def test_schema_accepts_each_basis_with_what_it_needs():
    for changes in ({}, {"location_basis": "inferred", "location_note": "seat of the Kremlin"},
                    {"location_basis": "external", "location_note": "Source: TASS, 10 Aug 2021"}):
        assert EventProperties.model_validate(_props(**changes)).location_basis == (changes.get("location_basis")
                                                                                    or "explicit")


def test_curation_checks_that_the_basis_matches_the_quotes(gazetteer):
    assert placement_problems(_props(), gazetteer) == [
        "location_basis: explicit, but no quote names 'Moscow'; use 'inferred' or 'external' with a location_note"]
    seat = _props(location_basis="inferred", location_note="seat of the Russian Ministry of Foreign Affairs")
    assert placement_problems(seat, gazetteer) == []
    wrong_seat = _props(location_basis="inferred", location_note="seat of somebody", place="Kabul", country="AFG",
                        uncertainty_km=10.0)
    assert "the quotes name no institution seated in 'Kabul'" in placement_problems(wrong_seat, gazetteer)[0]
    country = _props(place="Russia", location_precision="city", uncertainty_km=2500.0,
                     sources=[{"article": "a", "quote": "Russia said so."}])
    assert placement_problems(country, gazetteer) == [
        "location_precision: 'city' but 'Russia' is a country ('country')"]
    zone = _props(place=EITHER, country="TJK", location_precision="region", uncertainty_km=360.0,
                  sources=[{"article": "a", "quote": "drills near the Afghan side of the border"}])
    assert "no quote names the zone" in placement_problems(zone, gazetteer)[0]


# --- cards and tables --------------------------------------------------------------------------

def test_no_card_shows_a_distance_for_a_country_level_or_zone_event():
    events, articles = load_curated_events()
    coarse = events[~events["location_precision"].isin(["site", "city", "province"])]
    assert len(coarse) >= 20 and set(coarse["location_precision"]) == {"country", "region"}
    for _, row in coarse.iterrows():
        html = event_card_html(row.to_dict(), articles, 123.4)  # even when a caller passes one
        assert "km from the Tajik–Afghan border" not in html, row["id"]
        assert "Distance to the Tajik–Afghan border not given" in html, row["id"]
        if row["location_precision"] == "country":
            assert "only the country is known" in html
        else:
            assert "a zone along the border" in html
    table = events_table(events, articles)
    assert table.loc[table["id"].isin(coarse["id"]), "to border, km"].isna().all()


def test_cards_say_how_the_place_was_chosen():
    events, articles = load_curated_events()
    by_id = events.set_index("id")
    lavrov = event_card_html(by_id.loc["2021-07-lavrov-taliban-powerful-force"].to_dict(), articles, 2000.0)
    assert "Placed at Moscow: seat of the Russian Ministry of Foreign Affairs" in lavrov
    assert "km from the Tajik–Afghan border" in lavrov  # a city: the distance is meaningful
    kandahar = event_card_html(by_id.loc["1995-08-03-il76-forced-landing-kandahar"].to_dict(), articles, 400.0)
    assert "Placed at Kandahar: named in the source<" in kandahar  # no "(nan)" from an empty note
    drills = event_card_html(by_id.loc["2021-08-russia-tajikistan-uzbekistan-drills-near-afghan-border"].to_dict(),
                             articles, 20.0)
    assert "from an outside source: Source: TASS" in drills


def test_curated_counts_by_precision_and_basis():
    events, _ = load_curated_events()
    counts = events.groupby(["location_precision", "location_basis"]).size().to_dict()
    # Statements by officials sit at their seat, inferred; nothing is placed by external
    # knowledge without naming a source (the schema enforces the note).
    assert counts[("city", "inferred")] >= 15
    assert set(events["location_basis"]) == {"explicit", "inferred", "external"}
    assert (events["location_precision"] == "country").sum() < 43  # 43 before the rules


# --- datasets -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "precision"), [("1", "city"), ("2", "city"), ("3", "province"), ("4", "province"),
                                                  ("5", "province"), ("6", "country"), ("7", "country")])
def test_ucdp_where_prec_maps_onto_the_rules(code, precision):
    kind, uncertainty, note = UCDP_WHERE_PREC[code]
    assert kind == precision and f"where_prec {code}" in note
    assert uncertainty >= {"city": 1, "province": 10, "country": 50}[kind]


@pytest.mark.parametrize(("code", "precision"), [("1", "city"), ("2", "city"), ("3", "country")])
def test_acled_geo_precision_maps_onto_the_rules(code, precision):
    assert ACLED_GEO_PRECISION[code][0] == precision


def _ucdp_csv(path: Path, codes: list[str]) -> Path:
    header = ["id", "date_start", "date_end", "latitude", "longitude", "where_prec", "where_coordinates", "side_a",
              "side_b", "best", "source_article", "country", "type_of_violence"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n, code in enumerate(codes, start=1):
            writer.writerow([str(n), "2021-08-14", "2021-08-14", "36.7", "68.9", code, f"place {n}", "A", "B", "1",
                             "a report", "Afghanistan", "1"])
    return path


def test_imported_ucdp_rows_get_precision_basis_and_no_distance_at_country_level(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_IMPORTS_DIR", str(tmp_path / "imports"))
    import_dataset(_ucdp_csv(tmp_path / "ged.csv", list("1234567")), format="ucdp", name="ged")
    frame = imported_datasets().rows("ged", ViewState()).sort_values("id")
    assert list(frame["location_precision"]) == ["city", "city", "province", "province", "province", "country",
                                                 "country"]
    assert set(frame["location_basis"]) == {"explicit"}
    assert frame["distance_to_border_km"].isna().tolist() == [False] * 5 + [True] * 2
    for _, row in frame[frame["location_precision"] == "country"].iterrows():
        html = event_card_html(row.to_dict(), {}, row["distance_to_border_km"])
        assert "only the country is known" in html and "km from the Tajik" not in html


REAL_UCDP = ROOT.parent / "shared" / "real-data" / "ucdp_ged231_afghanistan_2020_subset.csv"


@pytest.mark.skipif(not REAL_UCDP.exists(), reason=f"real UCDP sample not present at {REAL_UCDP}")
def test_real_ucdp_country_aggregates_are_country_level_without_a_distance(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_IMPORTS_DIR", str(tmp_path / "imports"))
    import_dataset(REAL_UCDP, format="auto", name="ucdp_real")
    frame = imported_datasets().rows("ucdp_real", ViewState())
    country = frame[frame["location_precision"] == "country"]
    assert len(country) == 12 and set(country["place"]) == {"Afghanistan"}  # the README's 12 aggregates
    assert country["distance_to_border_km"].isna().all()
    assert frame.loc[frame["location_precision"] != "country", "distance_to_border_km"].notna().all()
    assert set(frame["location_basis"]) == {"explicit"}


def test_an_event_file_from_before_location_basis_imports_as_events(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_IMPORTS_DIR", str(tmp_path / "imports"))
    old = _props(id="old-1", review_status="imported", sources=[{"citation": "an old export", "quote": "q"}],
                 location_basis=None, extra_field="kept")
    data = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.6, 55.75]}, "properties": old}]})
    import_dataset(data.encode(), format="geojson", name="old")
    (row,) = imported_datasets().features("old")
    assert row["properties"]["location_basis"] == "explicit"
    assert row["properties"]["extra_field"] == "kept"  # kept as an event, not re-mapped as a generic row
