"""geodata/events.geojson: the curated events, their quotes, dates, places and the build that makes them."""

from __future__ import annotations

import copy
import csv
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` (not `python -m pytest`) does not put the repo root on sys.path
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "geodata"))

import build_events  # noqa: E402
from dashboard.events import (  # noqa: E402
    CATEGORIES,
    EventValidationError,
    load_articles,
    read_events_file,
    validate_feature_collection,
)
from dashboard.validate import find_quote_problems, main as validate_main, normalize_whitespace  # noqa: E402
from dashboard.placement import load_zones  # noqa: E402

SEEDS = ROOT / "seeds"
EVENTS = ROOT / "geodata" / "events.geojson"
SOURCE = ROOT / "geodata" / "events_source.json"
GAZETTEER = ROOT / "geodata" / "gazetteer.csv"
PLACES = ROOT / "geodata" / "context" / "places.geojson"
COUNTRIES = ROOT / "geodata" / "context" / "countries.geojson"

# One spelling per actor (the list and meanings are in the curation report).
ACTORS = {
    "Taliban", "Russia", "United States", "Soviet Union", "Afghan government", "NRF", "Mujahideen",
    "Northern Alliance", "al-Qaeda", "ISIS-K", "IMU", "Chechen rebels", "CSTO", "Central Asian states",
    "Tajikistan", "Uzbekistan", "Kyrgyzstan", "Kazakhstan", "Belarus", "Ukraine", "China", "Pakistan",
    "India", "Iran",
}
KIND_TO_PRECISION = {"capital": "city", "city": "city", "town": "city", "site": "site",
                     "province": "province", "country": "country"}


@pytest.fixture(scope="module")
def articles() -> dict[str, dict]:
    return load_articles()


@pytest.fixture(scope="module")
def collection(articles) -> dict:
    return read_events_file(EVENTS, article_ids=set(articles))


@pytest.fixture(scope="module")
def props(collection) -> list[dict]:
    return [f["properties"] for f in collection["features"]]


@pytest.fixture(scope="module")
def gazetteer() -> dict[str, dict]:
    rows = {}
    with open(GAZETTEER, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for key in [row["name"], *(a.strip() for a in row["aliases"].split(";") if a.strip())]:
                rows.setdefault(key, row)
    return rows


# --- the committed events -------------------------------------------------------------------

def test_every_source_event_is_in_the_file_once_and_the_readme_counts_them(props):
    source_ids = [event["id"] for event in json.loads(SOURCE.read_text(encoding="utf-8"))["events"]]
    assert sorted(p["id"] for p in props) == sorted(source_ids)  # none dropped, none doubled, none added
    stated = re.search(r"\*\*(\d+) dated events\*\*", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert stated and int(stated.group(1)) == len(source_ids)


def test_every_quote_is_verbatim(collection):
    assert find_quote_problems(collection, SEEDS) == []


def test_all_events_are_reviewed_and_categorized(props):
    for p in props:
        assert p["review_status"] == "reviewed", p["id"]
        assert p["category"] in CATEGORIES, p["id"]


def test_ids_are_unique_slugs(props):
    ids = [p["id"] for p in props]
    assert len(ids) == len(set(ids))
    for p in props:
        assert p["id"] == p["id"].lower() and " " not in p["id"], p["id"]
        assert p["id"][:4] == p["date_start"][:4], f"{p['id']}: the slug starts with the start year"


def test_every_article_contributes_events(props, articles):
    counts = Counter(s["article"] for p in props for s in p["sources"])
    assert set(counts) == set(articles)
    assert min(counts.values()) >= 5, counts


def test_one_source_per_article_per_event(props):
    for p in props:
        cited = [s["article"] for s in p["sources"]]
        assert len(cited) == len(set(cited)), f"{p['id']}: an article is cited twice; use one quote per article"


def test_date_precision_matches_the_dates(props):
    for p in props:
        start, end = date.fromisoformat(p["date_start"]), date.fromisoformat(p["date_end"])
        assert start <= end, p["id"]
        if p["date_precision"] == "day":
            assert start == end, p["id"]
        elif p["date_precision"] == "range":
            assert start < end, f"{p['id']}: a one-day range should be a day"
        assert date(1979, 1, 1) <= start and end <= date(2021, 12, 31), p["id"]


def test_inferred_and_relative_dates_are_explained(props):
    for p in props:
        if p["date_basis"] in ("inferred", "relative"):
            assert p.get("date_note") and len(p["date_note"].split()) >= 4, p["id"]


def test_actors_use_one_spelling(props):
    unknown = {a for p in props for a in p["actors"]} - ACTORS
    assert not unknown, f"actors outside the vocabulary: {sorted(unknown)}"


def test_no_two_events_are_the_same_event(props):
    # Two statements placed at one seat on one day are two events when different institutions
    # made them (the seat note names the institution and how the text named it).
    keys = Counter((p["date_start"], p["date_end"], p["place"], p["category"],
                    p.get("location_note") if p["location_basis"] == "inferred" else None) for p in props)
    assert [k for k, n in keys.items() if n > 1] == []
    quotes = Counter(normalize_whitespace(s["quote"]) for p in props for s in p["sources"])
    assert [q for q, n in quotes.items() if n > 1] == []


def test_places_are_in_the_gazetteer_with_its_uncertainty(props, gazetteer):
    zones = {zone.place.name: zone.place for zone in load_zones().values()}
    for p in props:
        if p["place"] in zones:  # a border zone (geodata/build_zones.py): a region-sized place
            zone = zones[p["place"]]
            assert (p["country"], p["uncertainty_km"], p["location_precision"]) == (
                zone.country, zone.uncertainty_km, "region"), p["id"]
            continue
        row = gazetteer.get(p["place"])
        assert row is not None, f"{p['id']}: place {p['place']!r} is not in geodata/gazetteer.csv"
        assert p["country"] == row["country"], p["id"]
        assert p["uncertainty_km"] == float(row["uncertainty_km"]), p["id"]
        assert p["location_precision"] == KIND_TO_PRECISION[row["kind"]], p["id"]


def test_coordinates_are_the_gazetteer_points(collection):
    index = build_events.load_places(PLACES)
    stale = sorted({f["properties"]["place"] for f in collection["features"]} - set(index))
    assert not stale, (f"{PLACES} has no point for {stale}: rebuild it from geodata/gazetteer.csv "
                       "with python geodata/build_layers.py")
    for feature in collection["features"]:
        expected = [round(v, 6) for v in index[feature["properties"]["place"]]["coordinates"]]
        assert feature["geometry"]["coordinates"] == expected, feature["properties"]["id"]


def test_points_lie_inside_their_country(collection):
    if not COUNTRIES.is_file():
        pytest.skip(f"{COUNTRIES} is not present")
    geopandas = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    countries = geopandas.read_file(COUNTRIES)
    zone_sides = {zone.place.name: list(zone.sides) for zone in load_zones().values()}
    outside = []
    for feature in collection["features"]:
        p = feature["properties"]
        # A border zone's point lies on the border line itself: it may fall on either side of
        # Natural Earth's coarser outline, so it is checked against the zone's countries, with slack.
        sides = zone_sides.get(p["place"], [p["country"]])
        shapes = countries[countries["iso_a3"].isin(sides)]
        point = Point(feature["geometry"]["coordinates"])
        slack = 0.05 if p["place"] in zone_sides else 0.0  # Natural Earth 1:50m is ~km off the OSM line
        if shapes.empty or not shapes.geometry.union_all().buffer(slack).covers(point):
            outside.append(f"{p['id']} ({p['country']})")
    assert not outside, outside


def test_build_reproduces_the_committed_file():
    built = build_events.render(build_events.build_collection(SOURCE, PLACES))
    assert built == EVENTS.read_text(encoding="utf-8"), "run python geodata/build_events.py"


def test_built_features_are_sorted_and_rounded(collection):
    keys = [(f["properties"]["date_start"], f["properties"]["id"]) for f in collection["features"]]
    assert keys == sorted(keys)
    for feature in collection["features"]:
        for value in feature["geometry"]["coordinates"]:
            assert value == round(value, 6)


# --- build_events failure modes ----------------------------------------------------------------

def _write_source(tmp_path: Path, events: list[dict]) -> Path:
    path = tmp_path / "events_source.json"
    path.write_text(json.dumps({"about": "test", "events": events}), encoding="utf-8")
    return path


def _first_source_event() -> dict:
    return copy.deepcopy(build_events.load_source(SOURCE)[0])


def test_build_fails_on_an_unknown_place(tmp_path):
    event = _first_source_event()
    event["place"] = "Atlantis"
    with pytest.raises(build_events.BuildError) as error:
        build_events.build_collection(_write_source(tmp_path, [event]), PLACES)
    assert event["id"] in str(error.value) and "place" in str(error.value) and "Atlantis" in str(error.value)


def test_build_fails_on_a_country_or_uncertainty_that_disagrees_with_the_gazetteer(tmp_path):
    event = _first_source_event()
    event["country"], event["uncertainty_km"] = "ZZZ", 1.0
    with pytest.raises(build_events.BuildError) as error:
        build_events.build_collection(_write_source(tmp_path, [event]), PLACES)
    assert len(error.value.problems) == 2
    assert all(event["id"] in problem for problem in error.value.problems)


def test_build_refuses_coordinates_in_the_source(tmp_path):
    event = _first_source_event()
    event["coordinates"] = [0, 0]
    with pytest.raises(build_events.BuildError, match="coordinates"):
        build_events.build_collection(_write_source(tmp_path, [event]), PLACES)


def test_build_uses_an_alias_and_the_places_point(tmp_path):
    places = json.loads(PLACES.read_text(encoding="utf-8"))
    place = next(f for f in places["features"] if f["properties"]["aliases"])
    event = _first_source_event()
    event.update(place=place["properties"]["aliases"][0], country=place["properties"]["country"],
                 uncertainty_km=place["properties"]["uncertainty_km"],
                 location_precision=KIND_TO_PRECISION[place["properties"]["kind"]],
                 location_basis="inferred", location_note="a test: the quote does not name this place")
    built = build_events.build_collection(_write_source(tmp_path, [event]), PLACES)
    assert built["features"][0]["geometry"]["coordinates"] == [round(v, 6) for v in place["geometry"]["coordinates"]]


# --- schema failure modes (dashboard.events) ------------------------------------------------------

ARTICLE = "002_6a4053b3925a4b14"


def _event(**changes) -> dict:
    props = {
        "id": "test-event", "title": "A test event", "summary": "", "category": "diplomacy",
        "actors": ["Russia"], "date_start": "2021-10-20", "date_end": "2021-10-20",
        "date_precision": "day", "date_basis": "explicit", "place": "Moscow", "country": "RUS",
        "location_precision": "city", "location_basis": "explicit", "uncertainty_km": 20.0,
        "sources": [{"article": ARTICLE, "quote": "international talks on Afghanistan on Oct. 20"}],
        "review_status": "reviewed",
    }
    props.update(changes)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [37.61781, 55.75204]}}
    ]}


def _problems(collection: dict, article_ids=frozenset({ARTICLE})) -> list[str]:
    with pytest.raises(EventValidationError) as error:
        validate_feature_collection(collection, source_name="test.geojson", article_ids=set(article_ids))
    return error.value.problems


def test_a_valid_event_passes():
    assert len(validate_feature_collection(_event(), source_name="t", article_ids={ARTICLE})) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "riot"}, "category"),
        ({"date_start": "2021-10-21", "date_end": "2021-10-20"}, "date_start"),
        ({"date_precision": "month", "date_start": "2021-10-01", "date_end": "2021-10-30"}, "month"),
        ({"date_precision": "year", "date_start": "2021-01-01", "date_end": "2021-06-30"}, "year"),
        ({"date_basis": "inferred"}, "date_note"),
        ({"location_precision": "country", "uncertainty_km": 20.0}, "uncertainty_km"),
        ({"sources": [{"article": ARTICLE}]}, "sources.0.quote"),
        ({"sources": [{"article": ARTICLE, "quote": ""}]}, "sources.0.quote"),
        ({"sources": []}, "sources"),
    ],
)
def test_schema_rejects(changes, field):
    problems = _problems(_event(**changes))
    assert problems, changes
    assert all("test-event" in p for p in problems), problems
    assert any(field in p for p in problems), problems


def test_schema_rejects_an_unknown_article_naming_event_and_field():
    problems = _problems(_event(sources=[{"article": "999_unknown", "quote": "x"}]))
    assert problems == ["test.geojson: event test-event: sources.0.article: unknown article '999_unknown'"]


def test_month_precision_that_spans_its_month_passes():
    ok = _event(date_precision="month", date_start="2021-02-01", date_end="2021-02-28")
    assert validate_feature_collection(ok, source_name="t", article_ids={ARTICLE})


# --- quote check and the validate command ---------------------------------------------------------

def test_quote_check_accepts_whitespace_differences_only(collection):
    ok = _event(sources=[{"article": ARTICLE, "quote": "international   talks on\nAfghanistan on Oct. 20"}])
    assert find_quote_problems(ok, SEEDS) == []
    curly = _event(sources=[{"article": ARTICLE, "quote": "Russia’s Ambassador to Afghanistan"}])  # text has '
    problems = find_quote_problems(curly, SEEDS, source_name="x.geojson")
    assert len(problems) == 1 and "test-event" in problems[0] and "sources.0.quote" in problems[0]
    missing = _event(sources=[{"article": "999_unknown", "quote": "x"}])
    assert "sources.0.article" in find_quote_problems(missing, SEEDS)[0]


def test_validate_command_passes_on_the_committed_files(capsys):
    assert validate_main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and "events" in out


def test_validate_command_reports_a_tampered_quote(tmp_path, capsys):
    data = json.loads(EVENTS.read_text(encoding="utf-8"))
    target = data["features"][3]["properties"]
    target["sources"][0]["quote"] += " (words the article never wrote)"
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert validate_main(["--events", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"event {target['id']}: sources.0.quote" in err


def test_validate_command_reports_an_event_after_its_article(tmp_path, capsys):
    data = json.loads(EVENTS.read_text(encoding="utf-8"))
    target = next(f["properties"] for f in data["features"] if f["properties"]["id"] == "2021-08-17-taliban-patrol-kabul")
    target["date_start"] = target["date_end"] = "2021-08-18"
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert validate_main(["--events", str(path)]) == 1
    assert "2021-08-17-taliban-patrol-kabul: date_start" in capsys.readouterr().err
