"""The folium map: offline assets, layers, escaped events and a small payload."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Geod

from dashboard.data import load_curated_events
from dashboard.mapping import MAX_DETAILED_EVENTS, build_event_group, build_layer_groups, build_map, standalone_html
from benchmarks.synthetic import synthetic_events

ROOT = Path(__file__).resolve().parent.parent
GEOD = Geod(ellps="WGS84")
ALL_LAYERS = ("border", "panjshir", "kharb_maydon", "base_201")
RING = re.compile(r'\[-?[\d.]+, -?[\d.]+, ([\d.]+), "#[0-9a-f]{6}", (true|false)\]')  # mapping._Rings rows


def _links(html: str) -> set[str]:
    return set(re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html))


def test_map_loads_every_asset_from_this_server():
    events, articles = load_curated_events()
    html = build_map(events, articles, ALL_LAYERS).get_root().render()
    links = _links(html)
    assert links and all(link.startswith("/app/static/vendor/") for link in links), links


def test_leaflet_css_is_in_the_map_header_before_the_map_script():
    """streamlit-folium loads stylesheet links after the scripts and does not wait for them."""
    from dashboard.assets import URL_PREFIX, VENDOR_DIR, ensure_static_assets
    from dashboard.mapping import build_base_map

    ensure_static_assets()
    html = build_base_map().get_root().render()
    assert "<link" not in html
    header, script = html.split("</head>", 1)
    assert ".leaflet-pane" in header and ".marker-cluster-small" in header and "L.map(" in script
    images = re.findall(r"url\((/[^)]+)\)", header)
    assert images and all((VENDOR_DIR / image.removeprefix(URL_PREFIX + "/")).is_file() for image in images), images


def test_the_map_opens_on_its_extent_without_a_zoom_animation():
    """An animated fit hid every marker for Leaflet's 0.25 s zoom on page open."""
    from dashboard.mapping import build_base_map

    html = build_base_map().get_root().render()
    assert re.search(r"fitBounds\(\s*\[\[[^]]+\], \[[^]]+\]\],\s*\{\"animate\": false\}", html)


def test_feature_groups_added_later_are_also_local():
    """streamlit-folium adds feature groups after the base map: they must not bring CDN links back."""
    events, articles = load_curated_events()
    groups = build_layer_groups(ALL_LAYERS) + [build_event_group(events, articles)]
    for element in (item for group in groups for item in _walk(group)):
        for _name, url in getattr(element, "default_js", []) + getattr(element, "default_css", []):
            assert url.startswith("/app/static/vendor/"), url


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def test_layer_toggles_choose_the_groups():
    names = [group.layer_name for group in build_layer_groups(("panjshir", "base_201"))]
    assert names == ["Panjshir province", "Russia's 201st base sites"]
    assert build_layer_groups(()) == []


def test_event_text_reaches_the_map_escaped():
    frame = synthetic_events(3)
    frame.loc[0, "title"] = "<script>alert('x')</script>"
    frame.loc[1, "summary"] = "<img src=x onerror=alert(1)>"
    html = build_map(frame, {}, ()).get_root().render()
    assert "<script>alert('x')" not in html and "<img src=x" not in html
    assert "\\u0026lt;script\\u0026gt;alert" in html or "&lt;script&gt;alert" in html


def test_many_events_use_the_compact_cluster():
    many = synthetic_events(MAX_DETAILED_EVENTS + 1)
    html = build_map(many, {}, ()).get_root().render()
    assert "L.markerClusterGroup" in html and "Synthetic event" not in html  # no per-event popups
    assert len(html) < 1_000_000


def _popup_cards(html: str) -> list[str]:
    """The popup HTML of every event, decoded from the JSON string literals in the page's script."""
    return [json.loads(literal) for literal in re.findall(r'"card": ("(?:[^"\\]|\\.)*")', html)]


def test_standalone_html_inlines_leaflet_and_every_popup_has_its_escaped_title():
    events, articles = load_curated_events()
    points = events[events["location_precision"] != "country"]  # country-level events share a badge, not a card
    quoted = points[points["title"].str.contains("'")]  # titles that escaping changes
    chosen = pd.concat([points.head(2), quoted.head(3)])
    html = standalone_html(build_map(chosen, articles, ALL_LAYERS))
    assert not _links(html), _links(html)
    assert "L.map(" in html and "Leaflet" in html
    cards = _popup_cards(html)
    assert len(cards) == len(chosen) == 5 and len(quoted) >= 3
    for title in chosen["title"]:
        assert sum(f"<b>{escape(title, quote=True)}</b>" in card for card in cards) == 1, title


def test_selected_event_gets_a_highlight_and_its_ring():
    events, articles = load_curated_events()
    wide = events[(events["location_precision"] == "province") & (events["uncertainty_km"] > 0)].iloc[0]
    html = build_map(events, articles, (), selected=wide["id"]).get_root().render()
    assert '"className": "event-selected"' in html
    rings = {float(r): selected for r, selected in RING.findall(html)}
    assert rings[wide["uncertainty_km"] * 1000] == "true"  # its ring, drawn as the selected one


def test_country_level_events_are_badges_not_points():
    """One badge per country with its count; no point and no ring for a country-level event."""
    events, articles = load_curated_events()
    country = events[events["location_precision"] == "country"]
    group = build_event_group(events, articles, selected=country["id"].iloc[0])
    html = build_map(events, articles, ()).get_root().render()
    for iso, count in country.groupby("country").size().items():
        assert f'data-country=\\"{iso}\\" data-count=\\"{count}\\"' in html, iso
    point_ids = set(re.findall(r'"id": "([^"]+)", "properties": \{"card"', html))
    assert point_ids == set(events.loc[events["location_precision"] != "country", "id"])
    rings = [float(r) for r, _selected in RING.findall(html)]
    assert rings and max(rings) <= 250_000  # no country-sized ring
    selected_html = build_map(events, articles, (), selected=country["id"].iloc[0]).get_root().render()
    assert "country-badge selected" in selected_html and group is not None


def test_clicked_tooltip_names_its_event():
    from dashboard.mapping import event_id_from_tooltip, event_tooltip

    row = synthetic_events(1).iloc[0]
    text = re.sub("<[^>]+>", "", event_tooltip(row))  # what the browser's textContent gives back
    assert event_id_from_tooltip(text) == row["id"]
    assert event_id_from_tooltip("Afghanistan") is None and event_id_from_tooltip(None) is None


def _border_points_every_50_m() -> np.ndarray:
    """The border layer's vertices plus geodesic points at most 50 m apart along every segment."""
    layer = json.loads((ROOT / "geodata" / "layers" / "tajik_afghan_border.geojson").read_text(encoding="utf-8"))
    points = []
    for feature in layer["features"]:
        geometry = feature["geometry"]
        lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
        for line in lines:
            for (lon1, lat1), (lon2, lat2) in zip(line, line[1:]):
                points.append((lon1, lat1))
                between = int(GEOD.inv(lon1, lat1, lon2, lat2)[2] // 50)
                if between:
                    points += GEOD.npts(lon1, lat1, lon2, lat2, between)
            points.append(tuple(line[-1]))
    return np.array(points)


def test_distance_to_border_agrees_with_a_brute_force_geodesic_search():
    """Every event's distance, against the nearest of the border's points 50 m apart measured on the
    ellipsoid one by one (no projection, no spatial index), and Dushanbe against geodata/README.md."""
    events, _ = load_curated_events()
    events = events[events["location_precision"].isin(["site", "city", "province"])]  # others have no distance
    border = _border_points_every_50_m()
    for (lon, lat), at_place in events.groupby(["lon", "lat"])["distance_to_border_km"]:
        metres = GEOD.inv(np.full(len(border), lon), np.full(len(border), lat), border[:, 0], border[:, 1])[2]
        nearest_km = metres.min() / 1000
        # The true nearest point lies between two of these points: at most 25 m closer.
        assert ((nearest_km - 0.026 <= at_place) & (at_place <= nearest_km + 0.001)).all(), (lon, lat, nearest_km)
    dushanbe = events.loc[events["place"] == "Dushanbe", "distance_to_border_km"]
    assert not dushanbe.empty and (dushanbe.round(1) == 123.8).all()  # the 201st base HQ row of geodata/README.md


def test_distance_to_border_is_computed_for_every_point_at_least_province_precise():
    events, _ = load_curated_events()
    fine = events["location_precision"].isin(["site", "city", "province"])
    assert events.loc[fine, "distance_to_border_km"].notna().all()
    # A country's label point or a border zone's midpoint has no meaningful distance.
    assert (~fine).any() and events.loc[~fine, "distance_to_border_km"].isna().all()
    kabul = events[events["place"] == "Kabul"]
    assert not kabul.empty and (kabul["distance_to_border_km"].round(1) == 284.7).all()
    assert pd.api.types.is_float_dtype(events["distance_to_border_km"])


def test_tiles_are_an_online_option_over_the_vector_basemap():
    from dashboard.mapping import build_base_map

    offline = build_base_map().get_root().render()
    online = build_base_map(online_tiles=True).get_root().render()
    assert "tile.openstreetmap.org" not in offline and "L.tileLayer" not in offline
    assert "tile.openstreetmap.org" in online
    # The country outlines stay above the tiles as a fallback; only their land fill is dropped.
    assert '"fillOpacity": 1.0' in offline and '"fillOpacity": 0.0' in online
