"""Events placed in a border zone are drawn with the zone's band, on the right side, on the live map and in snapshots."""

from __future__ import annotations

import json

import pandas as pd
import shapely
from shapely.geometry import shape

from dashboard.data import load_curated_events
from dashboard.layers import load_context
from dashboard.map_overlays import build_overlays, legend_rows
from dashboard.zone_bands import bands_geojson, zone_bands

TJK_SIDE = "Tajik–Afghan border, Tajik side"
AFG_SIDE = "Tajik–Afghan border, Afghan side"
EITHER = "Tajik–Afghan border (either side)"


def countries() -> dict:
    return {f["properties"]["iso_a3"]: shape(f["geometry"]) for f in load_context("countries")["features"]}


def zone_events(*places: str) -> pd.DataFrame:
    events, _ = load_curated_events()
    by_place = {place: events[events["place"] == place].iloc[0] for place in set(places)}
    return pd.DataFrame([by_place[place] for place in places]).reset_index(drop=True)


def test_each_band_lies_on_its_side_of_the_border_and_counts_its_events():
    bands = {band.name: band for band in zone_bands(zone_events(TJK_SIDE, TJK_SIDE, AFG_SIDE, EITHER))}
    assert {name: (band.side, band.count) for name, band in bands.items()} == {
        TJK_SIDE: ("Tajik side", 2), AFG_SIDE: ("Afghan side", 1), EITHER: ("either side", 1)}
    assert bands[TJK_SIDE].legend_label == "Border zone, Tajik side: 2 events"
    assert bands[AFG_SIDE].legend_label == "Border zone, Afghan side: 1 event"
    shapes = countries()
    for name, iso, other in ((TJK_SIDE, "TJK", "AFG"), (AFG_SIDE, "AFG", "TJK")):
        band = bands[name].geometry
        assert band.intersection(shapes[iso]).area / band.area > 0.97  # simplified by ~1 km, still on its side
        assert band.intersection(shapes[other]).area / band.area < 0.03
    either = bands[EITHER].geometry
    assert min(either.intersection(shapes[iso]).area / either.area for iso in ("TJK", "AFG")) > 0.3


def test_a_view_without_zone_placed_events_has_no_band_and_no_legend_line():
    events, _ = load_curated_events()
    elsewhere = events[~events["place"].isin([TJK_SIDE, AFG_SIDE, EITHER])]
    assert zone_bands(elsewhere) == []
    assert not any("Border zone" in row for row in legend_rows(elsewhere, [], {}))
    html = _render(build_overlays(elsewhere, []))
    assert "zone-band" not in html


def test_the_live_map_sends_the_simplified_band_with_its_legend_line():
    events = zone_events(TJK_SIDE)
    html = _render(build_overlays(events, ["border"]))
    assert "zone-band" in html and "Border zone, Tajik side: 1 event" in html
    payload = bands_geojson(zone_bands(events))
    assert len(payload) < 3000  # ~1 km simplification; the source zone has 281 vertices
    geometry = shape(json.loads(payload)["features"][0]["geometry"])
    assert shapely.get_num_coordinates(geometry) < 200


def _render(group) -> str:
    import folium

    holder = folium.Map(tiles=None)
    group.add_to(holder)
    return holder.get_root().render()


def test_the_snapshot_draws_the_band_beneath_the_markers_with_its_legend_line():
    from matplotlib.colors import to_rgba

    from dashboard.export import build_snapshot_figure, render_snapshot_svg
    from dashboard.symbology import ZONE_BAND_COLOR

    events = zone_events(TJK_SIDE)
    _, articles = load_curated_events()
    fig = build_snapshot_figure(events, articles, ["border"], title="t")
    ax = fig.axes[0]
    band = [c for c in ax.collections if c.get_gid() == "snapshot-zone-tajik_afghan_border_tjk_side"]
    assert len(band) == 1
    assert to_rgba(band[0].get_facecolor()[0])[:3] == to_rgba(ZONE_BAND_COLOR)[:3]
    dots = [c for c in ax.collections if c.get_gid() == "snapshot-events"][0]
    assert band[0].get_zorder() < dots.get_zorder()
    # The band covers the frame's extent along the border: most of its path is inside the frame.
    x0, x1 = ax.get_xlim()
    vertices = band[0].get_paths()[0].vertices
    assert vertices[:, 0].min() < x0 + 0.2 * (x1 - x0) and vertices[:, 0].max() > x1 - 0.2 * (x1 - x0)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Border zone, Tajik side: 1 event" in legend
    svg = render_snapshot_svg(events, articles, ["border"], title="t").decode()
    assert 'id="snapshot-zone-tajik_afghan_border_tjk_side"' in svg and "Border zone, Tajik side: 1 event" in svg


def test_a_zone_placed_marker_says_where_it_may_be_and_has_no_ring_around_the_midpoint():
    import re

    from dashboard.mapping import build_event_group, event_tooltip
    from dashboard.symbology import ring_km

    events = zone_events(TJK_SIDE)
    row = next(events.itertuples(index=False))
    text = re.sub("<[^>]+>", "", event_tooltip(row))
    assert "Somewhere in the 30 km border zone (Tajik side, the tinted band)" in text
    assert ring_km(row.location_precision, row.uncertainty_km, selected=True) > 0  # the rule alone would draw one
    html = _render(build_event_group(events, {}, selected=row.id, popups=False))
    rings = re.search(r"\.addLayer\(L\.featureGroup\((\[.*?\])\.map", html, re.S)
    assert rings and json.loads(rings.group(1)) == []  # the band is drawn instead (build_overlays)
    ordinary = load_curated_events()[0].query("place == 'Kabul' and location_precision == 'city'").head(1)
    assert "border zone" not in event_tooltip(next(ordinary.itertuples(index=False)))
