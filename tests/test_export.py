"""Map snapshots and data exports: real renders of small events built here, inspected for content."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import date

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgba
from PIL import Image

from dashboard.data import prepare_events
from dashboard.events import validate_feature_collection
from dashboard.export import (
    CSV_SOURCE_COLUMNS,
    MIN_EXTENT_KM,
    attributions,
    bbox_from_bounds,
    build_snapshot_figure,
    check_bbox,
    cited_sources,
    events_csv,
    events_geojson,
    nice_length_km,
    export_filename,
    render_snapshot_pdf,
    render_snapshot_png,
    snapshot_html,
    snapshot_title,
)
from dashboard.filters import ViewState
from dashboard.layers import LAYERS
from dashboard.symbology import CATEGORY_COLORS

HOSTILE_TITLE = "<script>alert(1)</script> talks"
HOSTILE_QUOTE = '=HYPERLINK("http://evil.example/?leak","click me")'

ARTICLES = {
    "art-b": {"id": "art-b", "title": "Russia holds drills near Afghan border", "outlet": "Outlet B",
              "published": "2021-08-05", "url": "https://example.org/b"},
    "art-a": {"id": "art-a", "title": "Taliban delegation in Moscow", "outlet": "Outlet A",
              "published": "2021-07-09", "url": "https://example.org/a"},
}


def _feature(event_id, lon, lat, **props):
    base = {
        "id": event_id, "title": f"Event {event_id}", "summary": "", "category": "diplomacy",
        "actors": ["Russia", "Taliban"], "date_start": "2021-08-10", "date_end": "2021-08-10",
        "date_precision": "day", "date_basis": "explicit", "place": "Dushanbe", "country": "TJK",
        "location_precision": "city", "location_basis": "explicit", "uncertainty_km": 8.0,
        "sources": [{"article": "art-a", "quote": "A quote."}], "review_status": "reviewed",
    }
    base.update(props)
    return {"type": "Feature", "properties": base, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def _events(features):
    collection = {"type": "FeatureCollection", "features": features}
    validate_feature_collection(collection, source_name="test", article_ids=set(ARTICLES))  # schema-valid input
    return prepare_events(collection)


@pytest.fixture(scope="module")
def events():
    return _events([
        _feature("dushanbe-city", 68.78, 38.54),
        _feature("kharb-site", 68.64, 37.45, category="military_exercise", location_precision="site",
                 uncertainty_km=0, sources=[{"article": "art-b", "quote": "Drills."}]),
        _feature("panjshir-province", 69.88, 35.52, category="armed_conflict", location_precision="province",
                 uncertainty_km=60, sources=[{"article": "art-a", "quote": "Fighting."},
                                             {"article": "art-b", "quote": "More."}]),
        _feature("afghanistan-country", 66.5, 34.16, category="statement", location_precision="country", country="AFG",
                 uncertainty_km=400, title=HOSTILE_TITLE,
                 sources=[{"article": "art-b", "quote": HOSTILE_QUOTE}]),
        _feature("dataset-row", 69.2, 34.5, category="attack", review_status="imported",
                 sources=[{"citation": "-Imported dataset v1", "quote": "+1 casualty"}],
                 actors=["@taliban_handle"]),
    ])


ALL_LAYERS = list(LAYERS)
TITLE = "Events, 1 Aug 2021 – 31 Aug 2021"


def _texts(fig, gid):
    return [t.get_text() for t in fig.findobj(lambda a: getattr(a, "get_gid", lambda: None)() == gid)
            if hasattr(t, "get_text")]


# ---------------------------------------------------------------- PNG and figure


@pytest.mark.parametrize(("size", "expected"), [("slide", (1600, 1000)), ("a4", (3508, 2480))])
def test_png_has_exact_pixel_size_and_real_content(events, size, expected):
    png = render_snapshot_png(events, ARTICLES, ALL_LAYERS, title=TITLE, size=size)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == expected
    rgb = image.convert("RGB")
    assert np.asarray(rgb).std() > 20
    assert len(rgb.getcolors(maxcolors=1 << 24)) > 200  # distinct colours


def test_png_shows_the_event_colours(events):
    png = render_snapshot_png(events, ARTICLES, [], title=TITLE)
    pixels = {colour for _count, colour in Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 24)}
    for category in ("diplomacy", "military_exercise", "attack"):
        rgb = tuple(round(v * 255) for v in to_rgba(CATEGORY_COLORS[category])[:3])
        assert rgb in pixels, category


def test_figure_has_title_legend_sources_attribution_scale_and_north_arrow(events):
    fig = build_snapshot_figure(events, ARTICLES, ALL_LAYERS, title=TITLE, fit_events=True)
    assert _texts(fig, "snapshot-title") == [TITLE]
    assert "5 events shown" in _texts(fig, "snapshot-subtitle")[0]
    legend = next(a for a in fig.legends if a.get_gid() == "snapshot-legend")
    labels = [t.get_text() for t in legend.get_texts()]
    for expected in ("diplomacy", "military exercise", "armed conflict", "attack", "badge: events placed only by country",
                     "hollow: approximate place", "dashed ring: uncertainty", *(l.label for l in LAYERS.values())):
        assert expected in labels
    assert "economy" not in labels  # only the categories shown
    assert "statement" not in labels  # its only event is counted on a country badge, not drawn as a point
    sources = " ".join(_texts(fig, "snapshot-sources")[0].split())  # undo the wrapping
    # oldest article first, then dataset citations
    assert sources.index("1. Taliban delegation in Moscow — Outlet A, 9 Jul 2021") < sources.index(
        "2. Russia holds drills near Afghan border — Outlet B, 5 Aug 2021") < sources.index("3. -Imported dataset v1")
    credits = _texts(fig, "snapshot-attribution")[0]
    for credit in ("Natural Earth", "© OpenStreetMap contributors", "geoBoundaries", "GeoNames (geonames.org)"):
        assert credit in credits
    assert _texts(fig, "snapshot-north-arrow") == ["N"]
    assert _texts(fig, "snapshot-sources-heading") == ["Sources (numbers on the map)"]
    assert fig.findobj(lambda a: getattr(a, "get_gid", lambda: None)() == "snapshot-scalebar")


def test_markers_are_numbered_by_their_sources(events):
    fig = build_snapshot_figure(events, ARTICLES, [], title=TITLE, fit_events=True)
    labels = sorted(_texts(fig, "snapshot-event-label"))
    # art-a is 1, art-b is 2, the dataset citation is 3
    assert labels == sorted(["1", "2", "1,2", "2", "3"])
    unlabelled = build_snapshot_figure(events, ARTICLES, [], title=TITLE, label_sources=False, fit_events=True)
    assert _texts(unlabelled, "snapshot-event-label") == []


def test_events_at_one_place_share_one_label():
    same_place = _events([
        _feature("first", 69.17, 34.53),
        _feature("second", 69.17, 34.53, sources=[{"article": "art-b", "quote": "Again."}]),
    ])
    fig = build_snapshot_figure(same_place, ARTICLES, [], title=TITLE)
    assert _texts(fig, "snapshot-event-label") == ["1,2"]


def test_unreviewed_events_have_a_dashed_outline_and_a_legend_entry(events):
    mixed = events.assign(review_status=["unreviewed", "reviewed", "reviewed", "reviewed", "imported"])
    fig = build_snapshot_figure(mixed, ARTICLES, [], title=TITLE)
    ax = next(a for a in fig.axes if a.get_gid() == "snapshot-map")
    scatter = next(c for c in ax.collections if c.get_gid() == "snapshot-events")
    dashes = [pattern for _offset, pattern in scatter.get_linestyles()]
    assert dashes[0] is not None and all(pattern is None for pattern in dashes[1:])
    assert "dashed outline: unreviewed" in [t.get_text() for t in fig.legends[0].get_texts()]
    reviewed_only = build_snapshot_figure(events, ARTICLES, [], title=TITLE)
    assert "dashed outline: unreviewed" not in [t.get_text() for t in reviewed_only.legends[0].get_texts()]


@pytest.mark.parametrize("size", ["slide", "a4"])
def test_long_titles_wrap_inside_the_figure_and_mark_a_cut(events, size):
    long_title = "Events, 1 Aug 2021 – 31 Oct 2021 · " + " · ".join(f"filter number {i}: value" for i in range(40))
    fig = build_snapshot_figure(events, ARTICLES, [], title=long_title, size=size)
    fig.canvas.draw()
    title = fig.findobj(lambda a: getattr(a, "get_gid", lambda: None)() == "snapshot-title")[0]
    assert title.get_window_extent().x1 <= fig.bbox.width
    assert title.get_text().count("\n") == 1 and title.get_text().endswith("…")


def test_markers_are_hollow_when_approximate_and_ringed_as_on_the_map(events):
    fig = build_snapshot_figure(events, ARTICLES, [], title=TITLE, fit_events=True)
    ax = next(a for a in fig.axes if a.get_gid() == "snapshot-map")
    scatter = next(c for c in ax.collections if c.get_gid() == "snapshot-events")
    faces = [to_hex(c) for c in scatter.get_facecolors()]
    edges = [to_hex(c) for c in scatter.get_edgecolors()]
    points = events[events["location_precision"] != "country"]
    by_id = dict(zip(points["id"], zip(faces, edges)))
    assert by_id["dushanbe-city"] == (CATEGORY_COLORS["diplomacy"], CATEGORY_COLORS["diplomacy"])
    assert by_id["panjshir-province"] == ("#ffffff", CATEGORY_COLORS["armed_conflict"])
    # A country-level event is no point at all: it is counted on its country's badge.
    assert "afghanistan-country" not in by_id and len(faces) == len(points)
    assert _texts(fig, "snapshot-country-badge") == ["Afghanistan · 1"]
    rings = next(c for c in ax.collections if c.get_gid() == "snapshot-uncertainty")
    # rings: city 8 km, province 60 km, dataset city 8 km; not the site, not the 400 km country
    assert sorted(to_hex(c) for c in rings.get_edgecolors()) == sorted(
        [CATEGORY_COLORS["diplomacy"], CATEGORY_COLORS["armed_conflict"], CATEGORY_COLORS["attack"]])
    assert all(style[1] is not None for style in rings.get_linestyles())  # dashed


def _map_extent_lonlat(fig):
    from pyproj import Transformer

    ax = next(a for a in fig.axes if a.get_gid() == "snapshot-map")
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    lon, lat = Transformer.from_crs(3857, 4326, always_xy=True).transform([x0, x1], [y0, y1])
    return lon[0], lat[0], lon[1], lat[1]


def test_extent_covers_the_requested_bbox_and_fills_the_frame(events):
    bbox = (66.0, 34.0, 72.0, 39.5)
    minlon, minlat, maxlon, maxlat = _map_extent_lonlat(build_snapshot_figure(events, ARTICLES, [], title=TITLE,
                                                                              bbox=bbox))
    tol = 1e-9
    assert minlon <= 66.0 + tol and minlat <= 34.0 + tol and maxlon >= 72.0 - tol and maxlat >= 39.5 - tol
    # grown only on one axis, to match the frame's aspect
    assert (math.isclose(minlon, 66.0, abs_tol=1e-6) and math.isclose(maxlon, 72.0, abs_tol=1e-6)) or (
        math.isclose(minlat, 34.0, abs_tol=1e-6) and math.isclose(maxlat, 39.5, abs_tol=1e-6))


@pytest.mark.parametrize("bbox", [(68, 37, 68.0000001, 37.0000001), (0, 86, 10, 90), (70, 35, 70.0000001, 35.0000001)])
def test_a_degenerate_bbox_is_grown_to_a_frame_that_draws(events, bbox):
    """A bbox of centimetres (or one squeezed to nothing at the Mercator limit) once kept the
    drawing busy for minutes; the frame is now at least 2 km each way around its centre."""
    minlon, minlat, maxlon, maxlat = _map_extent_lonlat(build_snapshot_figure(events, ARTICLES, list(LAYERS),
                                                                              title=TITLE, bbox=bbox))
    assert maxlon - minlon >= 0.018 and maxlat - minlat >= 0.005
    assert minlon <= bbox[0] <= maxlon
    png = render_snapshot_png(events, ARTICLES, list(LAYERS), title=TITLE, bbox=bbox)
    assert Image.open(io.BytesIO(png)).size == (1600, 1000)


def test_only_events_inside_the_view_are_drawn_counted_and_cited(events):
    # Dushanbe and Kharb-Maydon only; the southern events (and the dataset citation) are outside
    fig = build_snapshot_figure(events, ARTICLES, [], title=TITLE, bbox=(68.0, 37.0, 69.5, 39.0))
    assert "2 events shown" in _texts(fig, "snapshot-subtitle")[0]
    assert "3 more outside this view" in _texts(fig, "snapshot-subtitle")[0]
    sources = " ".join(_texts(fig, "snapshot-sources")[0].split())
    assert "Taliban delegation in Moscow" in sources and "Imported dataset" not in sources
    ax = next(a for a in fig.axes if a.get_gid() == "snapshot-map")
    assert len(next(c for c in ax.collections if c.get_gid() == "snapshot-events").get_offsets()) == 2


def test_fit_to_events_includes_every_event_with_a_margin(events):
    minlon, minlat, maxlon, maxlat = _map_extent_lonlat(build_snapshot_figure(events, ARTICLES, [], title=TITLE,
                                                                              fit_events=True))
    assert minlon < events["lon"].min() - 0.2 and maxlon > events["lon"].max() + 0.2
    assert minlat < events["lat"].min() - 0.2 and maxlat > events["lat"].max() + 0.2


def test_single_event_gets_a_minimum_extent(events):
    one = events[events["id"] == "kharb-site"]
    minlon, minlat, maxlon, maxlat = _map_extent_lonlat(build_snapshot_figure(one, ARTICLES, [], title=TITLE,
                                                                              fit_events=True))
    height_km = (maxlat - minlat) * 111.2
    assert MIN_EXTENT_KM * 0.95 <= height_km < MIN_EXTENT_KM * 2
    assert minlon < 68.64 < maxlon and minlat < 37.45 < maxlat


def test_scale_bar_is_corrected_for_latitude(events):
    fig = build_snapshot_figure(events, ARTICLES, [], title=TITLE, bbox=(66.0, 34.0, 72.0, 39.5))
    bar = fig.findobj(lambda a: getattr(a, "get_gid", lambda: None)() == "snapshot-scalebar")[0]
    _minlon, minlat, _maxlon, maxlat = _map_extent_lonlat(fig)
    # dx (true metres per mercator metre) is cos(latitude) at the map's centre, about 0.8 here
    assert 0.75 < bar.dx < 0.83
    assert bar.fixed_units == "km" and bar.fixed_value == 100  # 20 % of a ~550 km wide map, rounded down
    assert math.cos(math.radians(maxlat)) < bar.dx < math.cos(math.radians(minlat))


def test_no_events_still_draws_a_map_with_a_note():
    empty = _events([])
    fig = build_snapshot_figure(empty, ARTICLES, ["border"], title="Events, all dates")
    assert "No events in this view." in _texts(fig, "snapshot-sources")[0]
    png = render_snapshot_png(empty, ARTICLES, ["border"], title="Events, all dates")
    assert Image.open(io.BytesIO(png)).size == (1600, 1000)


def test_dollar_signs_in_titles_are_text_not_mathtext(events):
    fig = build_snapshot_figure(events, ARTICLES, [], title="Aid worth $5 million and $10 million")
    title = fig.findobj(lambda a: getattr(a, "get_gid", lambda: None)() == "snapshot-title")[0]
    assert title.get_parse_math() is False
    render_snapshot_png(events, ARTICLES, [], title="Aid worth $5 million and $10 million")  # does not raise


def test_bad_bbox_and_size_are_refused(events):
    with pytest.raises(ValueError, match="longitudes"):
        build_snapshot_figure(events, ARTICLES, [], title=TITLE, bbox=(72, 34, 66, 39))
    with pytest.raises(ValueError, match="size"):
        build_snapshot_figure(events, ARTICLES, [], title=TITLE, size="huge")


# ---------------------------------------------------------------- PDF


def test_pdf_is_one_a4_landscape_page(events):
    pdf = render_snapshot_pdf(events, ARTICLES, ALL_LAYERS, title=TITLE, size="a4")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    width, height = float(box.group(1)), float(box.group(2))
    assert width == pytest.approx(842, abs=1) and height == pytest.approx(595, abs=1)  # A4 in points


# ---------------------------------------------------------------- GeoJSON and CSV


def test_geojson_round_trips_with_exactly_the_events_and_exact_strings(events):
    data = events_geojson(events)
    frame = gpd.read_file(io.BytesIO(data))
    assert list(frame["id"]) == list(events["id"])
    assert np.allclose(frame.geometry.x, events["lon"]) and np.allclose(frame.geometry.y, events["lat"])
    collection = json.loads(data)
    props = {f["properties"]["id"]: f["properties"] for f in collection["features"]}
    assert props["afghanistan-country"]["title"] == HOSTILE_TITLE
    assert props["afghanistan-country"]["sources"][0]["quote"] == HOSTILE_QUOTE
    assert props["dushanbe-city"]["date_start"] == "2021-08-10"
    assert props["dushanbe-city"]["actors"] == ["Russia", "Taliban"]
    assert "_search" not in props["dushanbe-city"]
    # and it is still valid against the event schema
    validate_feature_collection(collection, source_name="export", article_ids=set(ARTICLES))


def test_geojson_of_no_events_is_an_empty_collection():
    assert json.loads(events_geojson(_events([]))) == {"type": "FeatureCollection", "features": []}


def _csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_provenance_columns_and_one_row_per_event(events):
    rows = _csv_rows(events_csv(events, ARTICLES))
    assert [r["id"] for r in rows] == list(events["id"])
    for column in ("title", "category", "date_start", "date_end", "date_precision", "date_basis", "place",
                   "country", "location_precision", "uncertainty_km", "review_status", "lon", "lat",
                   "actors", *CSV_SOURCE_COLUMNS):
        assert column in rows[0], column
    province = next(r for r in rows if r["id"] == "panjshir-province")
    assert province["source_articles"] == "art-a | art-b"
    assert province["source_titles"] == "Taliban delegation in Moscow | Russia holds drills near Afghan border"
    assert province["source_outlets"] == "Outlet A | Outlet B"
    assert province["source_quotes"] == "Fighting. | More."
    assert province["source_urls"] == "https://example.org/a | https://example.org/b"
    assert province["actors"] == "Russia; Taliban"
    assert float(province["lon"]) == pytest.approx(69.88)


def test_csv_neutralises_formulas_and_keeps_html_as_plain_text(events):
    rows = {r["id"]: r for r in _csv_rows(events_csv(events, ARTICLES))}
    hostile = rows["afghanistan-country"]
    assert hostile["title"] == HOSTILE_TITLE  # CSV is not HTML: kept verbatim
    assert hostile["source_quotes"] == "'" + HOSTILE_QUOTE
    dataset = rows["dataset-row"]
    assert dataset["source_citations"] == "'-Imported dataset v1"
    assert dataset["source_quotes"] == "'+1 casualty"
    assert dataset["actors"] == "'@taliban_handle"
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows.values() for value in row.values())


def test_csv_does_not_prefix_negative_numbers():
    west = _events([_feature("london", -0.1276, 51.5072, country="GBR")])
    row = _csv_rows(events_csv(west, ARTICLES))[0]
    assert row["lon"] == "-0.1276"


# ---------------------------------------------------------------- HTML


def test_standalone_html_is_offline_and_contains_the_escaped_events(events):
    html = snapshot_html(events, ARTICLES, ALL_LAYERS, title=TITLE, bbox=(66.0, 34.0, 72.0, 39.5)).decode()
    assert not re.search(r"<script[^>]+src=[\"']?https?:", html)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", html)
    assert "L.map" in html and "markerClusterGroup" in html  # Leaflet and the cluster plugin are inlined
    assert "Event dushanbe-city" in html
    # the card travels as JSON: "&lt;script&gt;" with & < > written as \u0026 \u003c \u003e
    assert "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt; talks" in html
    assert "<script>alert(1)" not in html
    assert f"<title>{TITLE}</title>" in html


# ---------------------------------------------------------------- titles, names, bounds


def test_title_and_file_name_carry_dates_and_filters():
    state = ViewState(start=date(2021, 8, 1), end=date(2021, 8, 31), categories=("diplomacy", "military_aid"),
                      actors=("Taliban",), q="Kabul")
    title = snapshot_title(state)
    assert title.startswith("Events, 1 Aug 2021 – 31 Aug 2021")
    assert "categories: diplomacy, military aid" in title and "actors: Taliban" in title and "“Kabul”" in title
    assert export_filename(state, "png") == "events_2021-08-01_2021-08-31.png"
    assert export_filename(ViewState(end=date(2021, 8, 31)), ".csv") == "events_earliest_2021-08-31.csv"
    assert snapshot_title(ViewState()) == "Events, all dates"


def test_bounds_from_st_folium_are_read_and_clamped():
    bounds = {"_southWest": {"lat": 33.1, "lng": 60.5}, "_northEast": {"lat": 41.2, "lng": 77.25}}
    assert bbox_from_bounds(bounds) == (60.5, 33.1, 77.25, 41.2)
    wrapped = {"_southWest": {"lat": -89.0, "lng": -200.0}, "_northEast": {"lat": 89.0, "lng": 250.0}}
    assert bbox_from_bounds(wrapped) == (-180.0, -85.0, 180.0, 85.0)
    assert bbox_from_bounds(None) is None
    assert bbox_from_bounds({}) is None
    assert bbox_from_bounds((60, 30, 70, 40)) == (60.0, 30.0, 70.0, 40.0)
    with pytest.raises(ValueError):
        check_bbox((60, 40, 70, 30))


def test_attributions_come_from_the_files_of_the_basemap_and_toggled_layers():
    basemap = set(attributions([]))
    assert {"Natural Earth", "GeoNames (geonames.org)"} <= basemap
    # places.geojson includes points derived from OSM/geoBoundaries layers (Kharb-Maydon, Khatlon)
    assert "© OpenStreetMap contributors" in basemap
    assert set(attributions(["border", "panjshir"])) == basemap | {"geoBoundaries"}


def test_cited_sources_number_articles_oldest_first(events):
    cited = cited_sources(events, ARTICLES)
    assert cited.entries[0].startswith("Taliban delegation in Moscow")
    assert dict(zip(events["id"], cited.numbers))["panjshir-province"] == [1, 2]


def test_article_dates_are_shown_at_their_precision(events):
    month_only = {**ARTICLES, "art-a": {**ARTICLES["art-a"], "published": "2021-07-01", "published_precision": "month"}}
    assert cited_sources(events, month_only).entries[0] == "Taliban delegation in Moscow — Outlet A, Jul 2021"


def test_scale_bar_lengths_are_round_kilometres():
    assert [nice_length_km(v) for v in (0.7, 3, 140, 260, 999, 1200)] == [0.5, 2, 100, 200, 500, 1000]


# ---------------------------------------------------------------- the app's export panel


def _panel_script(events, articles, state, bounds):
    from dashboard.ui_export import render_export_panel

    render_export_panel(events, articles, state, bounds)


def test_export_panel_draws_the_six_download_buttons_and_a_size_choice(events):
    from streamlit.testing.v1 import AppTest

    state = ViewState(start=date(2021, 8, 1), end=date(2021, 8, 31))
    bounds = {"_southWest": {"lat": 34.0, "lng": 66.0}, "_northEast": {"lat": 39.5, "lng": 72.0}}
    app = AppTest.from_function(_panel_script, kwargs={"events": events, "articles": ARTICLES, "state": state,
                                                       "bounds": bounds}, default_timeout=30).run()
    assert not app.exception
    assert [b.label for b in app.get("download_button")] == [
        "Download PNG", "Download PDF", "Download SVG", "Download HTML", "Download GeoJSON", "Download CSV"]
    size = app.radio(key="export_size")
    assert size.options == ["Slide (1600×1000 px)", "A4 landscape (300 dpi)"] and size.value == "slide"
    size.set_value("a4").run()
    assert not app.exception and app.radio(key="export_size").value == "a4"
    assert "5 events" in app.caption[0].value
    extent = app.radio(key="export_extent")
    assert extent.options == ["Region of interest", "Current map view", "Fit to events"]
    assert extent.value == "Region of interest"  # the map reports no view (and pans cause no rerun) until asked
    extent.set_value("Current map view").run()
    assert not app.exception
    assert any(c.value.startswith("Map view: 66.00–72.00°E, 34.00–39.50°N") for c in app.caption)


def _follows_script():
    import streamlit as st

    from dashboard.ui_export import follows_map_view

    st.caption(f"follows: {follows_map_view()}")


def test_export_panel_says_when_the_map_has_not_reported_its_view_yet(events):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_panel_script, kwargs={"events": events, "articles": ARTICLES, "state": ViewState(),
                                                       "bounds": None}, default_timeout=30).run()
    assert not app.exception and len(app.get("download_button")) == 6
    app.radio(key="export_extent").set_value("Current map view").run()
    assert any("Waiting for the map to report its view" in c.value for c in app.caption)
    with_view = AppTest.from_function(_follows_script, default_timeout=30).run()
    assert [c.value for c in with_view.caption][-1] == "follows: False"
    with_view.session_state["export_extent"] = "Current map view"
    assert [c.value for c in with_view.run().caption][-1] == "follows: True"  # the app asks the map for its view


def test_export_downloads_make_the_right_files_lazily(events):
    from dashboard.ui_export import export_downloads

    state = ViewState(start=date(2021, 8, 1), end=date(2021, 8, 31), layers=("border",))
    downloads = {d.label: d for d in export_downloads(events, ARTICLES, state, bbox=(66.0, 34.0, 72.0, 39.5),
                                                      size="a4", label_sources=False)}
    assert {d.file_name for d in downloads.values()} == {
        f"events_2021-08-01_2021-08-31.{ext}" for ext in ("png", "pdf", "svg", "html", "geojson", "csv")}
    assert downloads["Download PNG"].mime == "image/png"
    assert Image.open(io.BytesIO(downloads["Download PNG"].make_data())).size == (3508, 2480)
    assert downloads["Download PDF"].make_data().startswith(b"%PDF")
    assert b"<svg" in downloads["Download SVG"].make_data()[:2000]
    assert b"[[34.0, 66.0], [39.5, 72.0]]" in downloads["Download HTML"].make_data()  # the same view
    assert [f["properties"]["id"] for f in json.loads(downloads["Download GeoJSON"].make_data())["features"]] == list(
        events["id"])
    assert len(_csv_rows(downloads["Download CSV"].make_data())) == len(events)


def test_standalone_html_draws_in_a_browser_with_no_network(events, browser, tmp_path):
    path = tmp_path / "map.html"
    path.write_bytes(snapshot_html(events, ARTICLES, ALL_LAYERS, title=TITLE, bbox=(60.0, 30.0, 76.0, 42.0)))
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(path.as_uri())
        page.locator(".leaflet-container").wait_for(timeout=10_000)
        page.wait_for_timeout(500)
        assert errors == []
        assert [url for url in requests if not url.startswith(("file:", "data:", "about:", "blob:"))] == []
        assert page.title() == TITLE
        drawn = page.locator("path.event-marker").count() + page.locator(".marker-cluster").count()
        assert drawn >= 3  # clustered or not, the events are on the map
        assert page.locator(".layer-border").count() >= 1
    finally:
        page.close()


def test_many_events_drop_rings_and_numbers_and_say_so():
    from benchmarks.synthetic import synthetic_events

    many = synthetic_events(2000)
    fig = build_snapshot_figure(many, {}, [], title=TITLE, bbox=(60.0, 29.0, 76.0, 41.0))
    subtitle = _texts(fig, "snapshot-subtitle")[0]
    assert "2,000 events shown" in subtitle
    assert "uncertainty rings omitted" in subtitle and "markers not numbered" in subtitle
    ax = next(a for a in fig.axes if a.get_gid() == "snapshot-map")
    assert [c.get_gid() for c in ax.collections].count("snapshot-uncertainty") == 0
    assert _texts(fig, "snapshot-event-label") == []
    assert "1. synthetic" in _texts(fig, "snapshot-sources")[0]  # dataset citations are still listed
    assert _texts(fig, "snapshot-sources-heading") == ["Sources"]
