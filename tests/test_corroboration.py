"""Corroboration: imported rows that plausibly record an article's event, matched by one join in the store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pyproj import Geod

from dashboard import corroboration
from dashboard.corroboration import (
    DAYS_WINDOW,
    DISTANCE_KM,
    MAX_EVENT_UNCERTAINTY_KM,
    MAX_RANGE_DAYS,
    NEVER_CORROBORATING_PRECISIONS,
    corroborate,
    why_not_compared,
)
from dashboard.filters import CORROBORATION_CHOICES, ViewState
from dashboard.imports import import_dataset
from dashboard.store import imported_datasets
from test_imports import write_csv

KABUL = (69.17233, 34.52813)
MOSCOW = (37.61781, 55.75204)
GEOD = Geod(ellps="WGS84")
UCDP_COLUMNS = ["id", "date_start", "date_end", "latitude", "longitude", "where_prec", "where_coordinates",
                "side_a", "side_b", "best", "source_article", "country", "type_of_violence"]


def away(km: float, bearing: float = 90.0, origin=KABUL) -> tuple[float, float]:
    """The point ``km`` from ``origin`` along ``bearing`` (degrees), on the WGS84 ellipsoid."""
    lon, lat, _ = GEOD.fwd(origin[0], origin[1], bearing, km * 1000)
    return round(lon, 6), round(lat, 6)


def row(row_id: str, start: str, point=KABUL, end: str | None = None, where_prec: str = "1") -> list[str]:
    return [row_id, start, end or start, str(point[1]), str(point[0]), where_prec, "Kabul city",
            "Government of Afghanistan", "Taleban", "4", f"Pajhwok,{start},report {row_id}", "Afghanistan", "1"]


def event(event_id: str, start: str, end: str | None = None, *, date_precision: str = "day",
          location_precision: str = "city", uncertainty_km: float = 10.0, point=KABUL) -> dict:
    return {"id": event_id, "date_start": pd.Timestamp(start), "date_end": pd.Timestamp(end or start),
            "date_precision": date_precision, "location_precision": location_precision,
            "uncertainty_km": uncertainty_km, "lon": point[0], "lat": point[1]}


def imported(tmp_path, rows: list[list[str]], name: str = "ged"):
    import_dataset(write_csv(tmp_path / f"{name}.csv", UCDP_COLUMNS, rows), format="ucdp", name=name)
    return imported_datasets()


def matches(store, events: list[dict], names=("ged",)) -> dict[str, list[tuple]]:
    result = corroborate(store, names, pd.DataFrame(events))
    return {event_id: [(m["id"], m["distance_km"], m["days_apart"]) for m in items]
            for event_id, items in result.by_event.items()}


def test_a_row_5_km_away_on_the_same_day_corroborates_and_far_late_or_country_rows_do_not(tmp_path, backend):
    store = imported(tmp_path, [
        row("near", "2021-08-26", away(5)),
        row("far", "2021-08-26", away(300)),
        row("late", "2021-09-05", away(5)),
        row("country", "2021-08-26", KABUL, where_prec="6"),  # UCDP: only the country is known
    ])
    result = corroborate(store, ["ged"], pd.DataFrame([event("airport", "2021-08-26")]))
    assert result.by_event == {"airport": [{"dataset": "ged", "id": "ged:near", "distance_km": 5.0, "days_apart": 0}]}
    assert result.by_row == {"ged:near": [{"event": "airport", "distance_km": 5.0, "days_apart": 0}]}


def test_a_country_level_event_is_never_corroborated(tmp_path, imports_dir):
    store = imported(tmp_path, [row("same", "2021-08-26", KABUL), row("near", "2021-08-26", away(5))])
    country = event("afg", "2021-08-26", location_precision="country", uncertainty_km=500.0)
    assert matches(store, [country]) == {}
    assert why_not_compared(country) == "it is located only to the country"


def test_days_window(tmp_path, imports_dir):
    assert DAYS_WINDOW == 3
    store = imported(tmp_path, [row("before3", "2021-08-20"), row("after3", "2021-08-29"),
                                row("before4", "2021-08-19"), row("after4", "2021-08-30")])
    found = matches(store, [event("range", "2021-08-23", "2021-08-26", date_precision="range")])
    assert found == {"range": [("ged:after3", 0.0, 3), ("ged:before3", 0.0, 3)]}


def test_distance_is_the_fixed_radius_plus_the_events_uncertainty(tmp_path, imports_dir):
    assert DISTANCE_KM == 50.0
    store = imported(tmp_path, [row("in", "2021-08-26", away(DISTANCE_KM + 10 - 1, 0)),
                                row("out", "2021-08-26", away(DISTANCE_KM + 10 + 1, 180)),
                                row("in_for_wider", "2021-08-26", away(DISTANCE_KM + 30, 270))])
    found = matches(store, [event("ten", "2021-08-26", uncertainty_km=10.0),
                            event("thirty", "2021-08-26", uncertainty_km=30.5)])
    assert [m[0] for m in found["ten"]] == ["ged:in"]
    assert found["ten"][0][1] == pytest.approx(59.0, abs=0.5)  # the great-circle distance, in km
    assert sorted(m[0] for m in found["thirty"]) == ["ged:in", "ged:in_for_wider", "ged:out"]


def test_events_located_more_coarsely_than_the_limit_are_not_compared(tmp_path, imports_dir):
    assert MAX_EVENT_UNCERTAINTY_KM == 50.0
    store = imported(tmp_path, [row("near", "2021-08-26", away(5))])
    at_limit = event("fifty", "2021-08-26", location_precision="province", uncertainty_km=50.0)
    beyond = event("fifty-one", "2021-08-26", location_precision="province", uncertainty_km=51.0)
    assert list(matches(store, [at_limit, beyond])) == ["fifty"]
    assert why_not_compared(at_limit) is None
    assert why_not_compared(beyond) == "it is located only to ±51 km (more than 50 km)"


def test_date_ranges_longer_than_the_limit_are_not_compared_on_either_side(tmp_path, imports_dir):
    assert MAX_RANGE_DAYS == 31
    store = imported(tmp_path, [row("31", "2021-08-01", end="2021-08-31"), row("32", "2021-08-01", end="2021-09-01")])
    span31 = event("span31", "2021-08-10", "2021-09-09", date_precision="range")
    span32 = event("span32", "2021-08-10", "2021-09-10", date_precision="range")
    month = event("month", "2021-08-01", "2021-08-31", date_precision="month")
    assert matches(store, [span31, span32, month]) == {"span31": [("ged:31", 0.0, 0)]}
    assert why_not_compared(span32) == "its dates span 32 days (more than 31)"
    assert why_not_compared(month) == "it is dated only to the month"


@pytest.mark.parametrize("where_prec, precision", [("6", "country"), ("7", "country")])  # 7: waters or airspace
def test_rows_at_country_or_region_precision_never_corroborate(tmp_path, imports_dir, where_prec, precision):
    assert precision in NEVER_CORROBORATING_PRECISIONS
    store = imported(tmp_path, [row("coarse", "2021-08-26", KABUL, where_prec=where_prec)])
    assert store.rows("ged", ViewState())["location_precision"].tolist() == [precision]
    assert matches(store, [event("airport", "2021-08-26")]) == {}


def test_several_datasets_and_events_are_matched_in_one_pass_nearest_first(tmp_path, backend):
    imported(tmp_path, [row("a1", "2021-08-27", away(20)), row("a2", "2021-08-26", away(30))], name="first")
    store = imported(tmp_path, [row("b1", "2021-08-26", away(3)), row("m1", "2021-10-20", away(2, origin=MOSCOW))],
                     name="second")
    result = corroborate(store, ["first", "second"], pd.DataFrame([
        event("kabul", "2021-08-26"), event("moscow", "2021-10-20", point=MOSCOW), event("none", "2020-01-01")]))
    assert [(m["dataset"], m["id"], m["days_apart"]) for m in result.matches("kabul")] == [
        ("second", "second:b1", 0), ("first", "first:a2", 0), ("first", "first:a1", 1)]
    assert [m["id"] for m in result.matches("moscow")] == ["second:m1"]
    assert result.matches("none") == [] and result.corroborated(["kabul", "none"]) == [True, False]
    assert result.by_row["first:a1"] == [{"event": "kabul", "distance_km": 20.0, "days_apart": 1}]


def test_no_dataset_means_no_corroboration_column_and_no_match_means_an_empty_list(tmp_path, imports_dir):
    events = pd.DataFrame([event("kabul", "2021-08-26"), event("afg", "2021-08-26", location_precision="country",
                                                               uncertainty_km=500.0)])
    assert "corroborated_by" not in corroboration.with_corroboration(events, corroborate(None, [], events))
    store = imported(tmp_path, [row("old", "2020-01-01")])
    marked = corroboration.with_corroboration(events, corroborate(store, ["ged"], events))
    assert marked["corroborated_by"].tolist() == [[], []]


def test_the_rules_sentence_names_every_threshold():
    text = corroboration.rules_text()
    for value in (f"{DAYS_WINDOW} days", f"{DISTANCE_KM:g} km", f"±{MAX_EVENT_UNCERTAINTY_KM:g} km",
                  f"{MAX_RANGE_DAYS} days", "country or region"):
        assert value in text


def test_the_join_finds_exactly_what_a_brute_force_check_of_every_pair_finds(tmp_path, backend):
    """Bucketing by cell and week must not lose a pair at a bucket's edge (random rows and events near Kabul)."""
    import numpy as np

    rng = np.random.default_rng(7)
    days = pd.Timestamp("2021-08-01") + pd.to_timedelta(rng.integers(0, 60, 400), unit="D")
    spans = rng.choice([0, 0, 6, 30, 40], 400)
    points = [away(float(km), float(bearing)) for km, bearing in zip(rng.uniform(0, 150, 400), rng.uniform(0, 360, 400))]
    rows = [row(str(i), f"{day:%Y-%m-%d}", point, end=f"{day + pd.Timedelta(days=int(span)):%Y-%m-%d}",
                where_prec=str(rng.choice(["1", "2", "3", "6"])))
            for i, (day, span, point) in enumerate(zip(days, spans, points))]
    store = imported(tmp_path, rows)
    events = [event(f"e{i}", f"{day:%Y-%m-%d}", f"{day + pd.Timedelta(days=int(span)):%Y-%m-%d}",
                    date_precision="range" if span else "day", uncertainty_km=float(u),
                    point=away(float(km), float(bearing)))
              for i, (day, span, u, km, bearing) in enumerate(zip(
                  pd.Timestamp("2021-08-01") + pd.to_timedelta(rng.integers(0, 60, 40), unit="D"),
                  rng.choice([0, 3, 20], 40), rng.choice([2.0, 10.0, 50.0], 40), rng.uniform(0, 100, 40),
                  rng.uniform(0, 360, 40)))]
    stored_rows = store.rows("ged", ViewState())
    expected = set()
    for e in events:
        for r in stored_rows.itertuples():
            if r.location_precision in NEVER_CORROBORATING_PRECISIONS or (r.date_end - r.date_start).days >= MAX_RANGE_DAYS:
                continue
            gap = max(0, (r.date_start - e["date_end"]).days, (e["date_start"] - r.date_end).days)
            if gap <= DAYS_WINDOW and haversine_km(e["lon"], e["lat"], r.lon, r.lat) <= DISTANCE_KM + e["uncertainty_km"]:
                expected.add((e["id"], r.id))
    found = {(event_id, m["id"]) for event_id, items in corroborate(store, ["ged"], pd.DataFrame(events)).by_event.items()
             for m in items}
    assert len(expected) > 50 and found == expected


def haversine_km(lon1, lat1, lon2, lat2) -> float:
    import math

    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * corroboration.EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def test_exports_carry_corroborated_by_only_when_datasets_are_included(tmp_path, imports_dir, capsys):
    import csv
    import json

    from dashboard.export import main

    imported(tmp_path, [row("airport", "2021-08-26", away(5)), row("elsewhere", "2021-08-26", away(300))])
    view = ["--start", "2021-08-20", "--end", "2021-08-31"]
    geojson, table, plain = tmp_path / "v.geojson", tmp_path / "v.csv", tmp_path / "plain.geojson"
    assert main([*view, "--imports", "ged", "--out", str(geojson)]) == 0
    assert main([*view, "--imports", "ged", "--out", str(table)]) == 0
    assert main([*view, "--out", str(plain)]) == 0

    features = {f["properties"]["id"]: f["properties"] for f in json.loads(geojson.read_text("utf-8"))["features"]}
    assert features["2021-08-26-kabul-airport-attack"]["corroborated_by"] == [
        {"dataset": "ged", "id": "ged:airport", "distance_km": 5.0, "days_apart": 0}]
    assert features["2021-08-25-zhirnov-russia-ready-to-invest-in-mining"]["corroborated_by"] == [
        {"dataset": "ged", "id": "ged:airport", "distance_km": 5.0, "days_apart": 1}]
    assert features["2021-08-28-kabulov-taliban-learned-lessons"]["corroborated_by"] == []  # Russia, country level
    assert {"ged:airport", "ged:elsewhere"} <= set(features)  # the rows themselves, review_status imported
    assert features["ged:airport"]["review_status"] == "imported" and "corroborated_by" not in features["ged:airport"]

    rows = {r["id"]: r for r in csv.DictReader(table.read_text("utf-8-sig").splitlines())}
    assert json.loads(rows["2021-08-26-kabul-airport-attack"]["corroborated_by"]) == [
        {"dataset": "ged", "id": "ged:airport", "distance_km": 5.0, "days_apart": 0}]
    assert rows["2021-08-28-kabulov-taliban-learned-lessons"]["corroborated_by"] == "[]"

    plain_features = json.loads(plain.read_text("utf-8"))["features"]
    assert plain_features and all("corroborated_by" not in f["properties"] for f in plain_features)


def test_a_card_explains_honestly_why_nothing_matches(tmp_path, imports_dir):
    store = imported(tmp_path, [row("last_year", "2020-12-31", away(3)), row("far", "2021-08-27", away(400))])
    airport = event("airport", "2021-08-26")
    assert corroborate(store, ["ged"], pd.DataFrame([airport])).matches("airport") == []
    miss = corroboration.near_miss(store, "ged", airport)
    assert miss.nearest_in_place == {"id": "ged:last_year", "distance_km": 3.0, "days_apart": 238}
    assert miss.nearest_in_time == {"id": "ged:far", "distance_km": pytest.approx(400, abs=1.5), "days_apart": 1}
    assert corroboration.no_match_text("ged", airport, miss) == (
        "No row in ged matches: none lies both within 3 days of the event's dates and within 60 km of its place. "
        "Nearest in time within 60 km: ged:last_year, 238 days apart. "
        f"Nearest in place within 3 days: ged:far, {miss.nearest_in_time['distance_km']:,.0f} km away.")
    nothing = corroboration.NearMiss(None, None)
    assert "No row lies within 60 km of it within 10 years of its dates." in corroboration.no_match_text("ged", airport, nothing)
    assert "No row is dated within 3 days of the event" in corroboration.no_match_text("ged", airport, nothing)


def test_the_corroboration_filter_keeps_corroborated_or_uncorroborated_events(tmp_path, imports_dir):
    store = imported(tmp_path, [row("near", "2021-08-26", away(5))])
    events = pd.DataFrame([event("airport", "2021-08-26"), event("later", "2021-10-01")])
    result = corroborate(store, ["ged"], events)
    keep = corroboration.filter_by_corroboration
    assert list(keep(events, result, "corroborated")["id"]) == ["airport"]
    assert list(keep(events, result, "uncorroborated")["id"]) == ["later"]
    assert list(keep(events, result, "")["id"]) == ["airport", "later"]
    assert list(keep(events, corroborate(store, [], events), "corroborated")["id"]) == ["airport", "later"]
    assert set(corroboration.CORROBORATION_FILTERS.values()) == {"", *CORROBORATION_CHOICES}


def test_the_table_lists_imported_rows_with_their_dataset_and_events_with_their_corroboration(tmp_path,
                                                                                               imports_dir):
    from dashboard.data import load_curated_events
    from dashboard.formatting import event_card_html, events_table

    store = imported(tmp_path, [row("near", "2021-08-26", away(5)), row("country", "2021-08-26", where_prec="6")])
    curated, articles = load_curated_events()
    kabul = curated[curated["id"].isin(["2021-08-26-kabul-airport-attack", "2021-08-17-taliban-patrol-kabul"])]
    marked = corroboration.with_corroboration(kabul, corroborate(store, ["ged"], kabul))
    rows = store.rows("ged", ViewState())
    table = events_table(pd.concat([marked, rows], ignore_index=True), articles).set_index("id")
    assert table.loc["2021-08-26-kabul-airport-attack", "corroborated by"] == "1 row (ged)"
    assert table.loc["2021-08-17-taliban-patrol-kabul", "corroborated by"] == "none"
    assert table.loc["ged:near", ["dataset", "status", "corroborated by"]].tolist() == ["ged", "imported", ""]
    assert table.loc["2021-08-26-kabul-airport-attack", "dataset"] == ""

    card = event_card_html(rows.iloc[1].to_dict(), {})
    assert "Imported row <span class=\"ev-row-id\">ged:country</span> of dataset <b>ged</b>" in card
    assert "Location precision: country — UCDP where_prec 6" in card
    assert "Actors: Government of Afghanistan; Taleban" in card and "Deaths (best estimate): 4" in card
    assert "report country" in card  # the dataset's own source text


def test_a_row_is_read_by_its_id_whatever_the_view(tmp_path, backend):
    from dashboard.ui_corroboration import imported_row

    store = imported(tmp_path, [row("a", "2020-01-01"), row("b", "2021-08-26", away(5))])
    assert list(store.rows_by_id("ged", ["ged:b", "ged:nope"])["id"]) == ["ged:b"]
    assert imported_row(store, ["ged"], "ged:a")["date_start"] == pd.Timestamp("2020-01-01")
    assert imported_row(store, ["other"], "ged:a") is None  # a dataset whose layer is off
    assert imported_row(store, ["ged"], "ged:missing") is None


def test_the_table_lists_rows_only_of_layers_drawn_with_their_cards(tmp_path, imports_dir):
    from dashboard.aggregate import imported_layer
    from dashboard.ui_corroboration import listed_rows, unlisted_notes

    store = imported(tmp_path, [row(str(i), "2021-08-26", away(i)) for i in range(1, 6)])
    view = ViewState()
    layers = {"ged": imported_layer(store, "ged", 5, view)}
    assert [list(frame["id"]) for frame in listed_rows(layers)] == [[f"ged:{i}" for i in range(1, 6)]]
    assert unlisted_notes(layers) == []
    for many in (imported_layer(store, "ged", 5, view, points_above=3), imported_layer(store, "ged", 5, view, limit=3)):
        assert listed_rows({"ged": many}) == []
        assert unlisted_notes({"ged": many}) == [
            "ged: 5 rows in this view are on the map but too many to list here; narrow the window or the filters "
            "to list them."]


def test_the_apps_export_includes_the_rows_and_the_corroboration(tmp_path, imports_dir):
    import json

    from dashboard.data import load_curated_events
    from dashboard.filters import filter_events
    from dashboard.ui_export import export_downloads

    store = imported(tmp_path, [row("near", "2021-08-26", away(5))])
    events, articles = load_curated_events()
    view = ViewState(start=pd.Timestamp("2021-08-26").date(), end=pd.Timestamp("2021-08-26").date())
    shown = corroboration.with_corroboration(filter_events(events, view), corroborate(store, ["ged"], events))
    downloads = {d.label: d for d in export_downloads(shown, articles, view, imported=["ged"])}
    features = {f["properties"]["id"]: f["properties"]
                for f in json.loads(downloads["Download GeoJSON"].make_data())["features"]}
    assert features["ged:near"]["review_status"] == "imported"
    assert features["2021-08-26-kabul-airport-attack"]["corroborated_by"][0]["id"] == "ged:near"
    assert b"ged:near" in downloads["Download CSV"].make_data()


def test_pictures_draw_imported_rows_in_their_datasets_colour_with_a_legend_line_and_a_credit(tmp_path, imports_dir):
    from matplotlib.colors import to_hex

    from dashboard.aggregate import imported_layer
    from dashboard.data import load_curated_events
    from dashboard.export import build_snapshot_figure, cited_sources
    from dashboard.export.markers import IMPORT_COLOR_COLUMN

    store = imported(tmp_path, [row("a", "2021-08-26", away(5)), row("b", "2021-08-26", away(40))])
    events, articles = load_curated_events()
    view = ViewState(start=pd.Timestamp("2021-08-26").date(), end=pd.Timestamp("2021-08-26").date())
    curated = events[events["id"] == "2021-08-26-kabul-airport-attack"]
    layer = imported_layer(store, "ged", 2, view)
    both = pd.concat([curated, layer.rows.assign(**{IMPORT_COLOR_COLUMN: "#e6007e"})], ignore_index=True)
    fig = build_snapshot_figure(both, articles, [], title="t", bbox=(67.0, 33.0, 71.0, 36.0))
    dots = [c for c in fig.axes[0].collections if c.get_gid() == "snapshot-events"][0]
    assert sorted(to_hex(c) for c in dots.get_edgecolors()) == ["#000000", "#e6007e", "#e6007e"]  # attack is black
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "ged (imported dataset)" in legend and "armed conflict" not in legend  # rows: no category line
    notes = [t.get_text() for t in fig.texts if t.get_gid() == "snapshot-outside"]
    assert notes and notes[0].startswith("Imported data: ged (2 rows drawn)")
    sources = cited_sources(both, articles)
    assert sources.numbers[1:] == [[], []] and len(sources.entries) == len(curated["sources"].iloc[0])


def test_the_overview_inset_draws_imported_rows_outside_the_frame_in_their_datasets_colour(tmp_path, imports_dir):
    from matplotlib.colors import to_hex

    from dashboard.aggregate import imported_layer
    from dashboard.data import load_curated_events
    from dashboard.export import build_snapshot_figure, render_snapshot_svg
    from dashboard.export.markers import IMPORT_COLOR_COLUMN
    from dashboard.symbology import category_color

    # Two rows in Moscow (outside the default frame) beside an article's event in Moscow.
    store = imported(tmp_path, [row("m1", "2021-08-26", away(3, origin=MOSCOW)),
                                row("m2", "2021-08-26", away(8, origin=MOSCOW))])
    events, articles = load_curated_events()
    view = ViewState(start=pd.Timestamp("2021-08-26").date(), end=pd.Timestamp("2021-08-26").date())
    moscow = events[(events["place"] == "Moscow") & (events["location_precision"] != "country")].head(1)
    assert len(moscow) == 1
    layer = imported_layer(store, "ged", 2, view)
    both = pd.concat([moscow, layer.rows.assign(**{IMPORT_COLOR_COLUMN: "#e6007e"})], ignore_index=True)
    fig = build_snapshot_figure(both, articles, [], title="t")  # the default frame: the region of interest
    inset = next(a for a in fig.axes if a.get_gid() == "snapshot-overview")
    dots = next(c for c in inset.collections if c.get_gid() == "snapshot-overview-events")
    category = to_hex(category_color(moscow["category"].iloc[0]))
    assert sorted(to_hex(c) for c in dots.get_facecolors()) == sorted([category, "#e6007e", "#e6007e"])
    svg = render_snapshot_svg(both, articles, [], title="t").decode()
    group = svg[svg.index('id="snapshot-overview-events"'):]
    assert group[:group.index("</g>\n   </g>")].count("fill: #e6007e") == 2  # the written file, not just the figure


def test_the_corroboration_filter_travels_in_the_url(tmp_path, imports_dir):
    from streamlit.testing.v1 import AppTest

    imported(tmp_path, [row("near", "2021-08-26", away(5))])
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py"), default_timeout=60)
    app.query_params["corroboration"] = "corroborated"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.sidebar.radio(key="corroboration_filter").value == "corroborated only"
    listed = set(app.session_state["_table_ids"])  # the table's rows
    assert "2021-08-26-kabul-airport-attack" in listed
    assert "2021-08-17-taliban-patrol-kabul" not in listed  # not corroborated: left out
    assert app.query_params["corroboration"] == "corroborated"

    app.sidebar.radio(key="corroboration_filter").set_value("all events").run()
    assert "corroboration" not in app.query_params
