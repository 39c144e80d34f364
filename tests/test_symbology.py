"""One symbology for the live map and the snapshots: palette distances, rings, approximate, extent."""

from __future__ import annotations

import itertools

import pytest

from dashboard.export import DEFAULT_BBOX
from dashboard.layers import LAYERS, load_context, load_layer
from dashboard.symbology import (
    CATEGORY_COLORS,
    CLUSTER_COLOR,
    IMPORT_COLORS,
    MAX_RING_KM,
    MIN_PALETTE_DISTANCE,
    color_distance,
    is_approximate,
    region_of_interest,
    ring_km,
)

STOCK_CLUSTER_COLORS = ("#b5e28c", "#f1d357", "#fd9c73")  # Leaflet.markercluster's default green/yellow/orange


def test_colour_distance_is_ciede2000():
    # Reference pairs from Sharma, Wu & Dalal (2005) are in Lab; these sRGB checks bracket the scale.
    assert color_distance("#ff0000", "#00ff00") == pytest.approx(86.61, abs=0.05)
    assert color_distance("#000000", "#ffffff") == pytest.approx(100.0, abs=0.05)
    assert color_distance("#336699", "#336699") == 0


@pytest.mark.parametrize("color", [*IMPORT_COLORS, CLUSTER_COLOR])
def test_import_and_cluster_colours_are_distinct_from_every_category(color):
    nearest = min(CATEGORY_COLORS.values(), key=lambda c: color_distance(color, c))
    assert color_distance(color, nearest) > MIN_PALETTE_DISTANCE, (color, nearest)


def test_import_and_cluster_colours_are_distinct_from_each_other():
    for a, b in itertools.combinations([*IMPORT_COLORS, CLUSTER_COLOR], 2):
        assert color_distance(a, b) > MIN_PALETTE_DISTANCE, (a, b)


def test_the_old_colours_would_have_failed():
    """The check has teeth: the stock cluster green and the old import orange read as categories."""
    assert color_distance("#ff7f0e", CATEGORY_COLORS["military_exercise"]) < MIN_PALETTE_DISTANCE
    assert any(color_distance(STOCK_CLUSTER_COLORS[0], c) < 20 for c in CATEGORY_COLORS.values())


def test_rings_and_approximate_places():
    assert ring_km("city", 8) == 8 and ring_km("province", 60) == 60
    assert ring_km("site", 20) == 0  # a site is exact
    assert ring_km("country", 100) == 0  # countries are badges, never a ring
    assert ring_km("city", 3) == 0  # smaller than a marker
    assert ring_km("province", MAX_RING_KM + 1) == 0 and ring_km("province", MAX_RING_KM + 1, selected=True) > 0
    assert not is_approximate("city", 8) and not is_approximate("site", 0)
    assert is_approximate("province", 30) and is_approximate("country", 500) and is_approximate("city", 40)


def _inside(bbox, lon, lat):
    return bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def test_default_extent_is_the_region_of_interest_for_both_renderers():
    roi = region_of_interest()
    assert DEFAULT_BBOX == roi
    kabul = next(f for f in load_context("places")["features"] if f["properties"]["name"] == "Kabul")
    assert _inside(roi, *kabul["geometry"]["coordinates"])
    for layer_id in LAYERS:
        from shapely.geometry import shape

        for feature in load_layer(layer_id)["features"]:
            minlon, minlat, maxlon, maxlat = shape(feature["geometry"]).bounds
            assert _inside(roi, minlon, minlat) and _inside(roi, maxlon, maxlat), layer_id
    # A focus, not a continent: Moscow is outside.
    assert not _inside(roi, 37.6, 55.75)
    assert roi[2] - roi[0] < 12 and roi[3] - roi[1] < 8


def test_live_map_opens_on_the_region_of_interest():
    from dashboard.mapping import build_base_map

    html = build_base_map().get_root().render()
    minlon, minlat, maxlon, maxlat = region_of_interest()
    assert f"[[{minlat}, {minlon}], [{maxlat}, {maxlon}]]" in html
