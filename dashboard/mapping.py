"""Building the folium map: a fixed basemap plus layers and events as feature groups.

The basemap (countries, rivers, places, legend) never changes between reruns, so
streamlit-folium does not remount the map; layers and events travel as feature groups
(``feature_group_to_add``), which it swaps in place. Every string from data reaches the
browser already HTML-escaped (see formatting.event_card_html).
"""

from __future__ import annotations

import json
from functools import lru_cache

import folium
import numpy as np
import pandas as pd
import shapely
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from shapely.geometry import mapping, shape

from dashboard.assets import asset_text, localize
from dashboard.events import CATEGORIES
from dashboard.formatting import escape, event_card_html, format_event_date
from dashboard.layers import CONTEXT_ATTRIBUTION, LAYERS, load_context, load_layer

CENTER = (37.6, 69.0)  # the Tajik–Afghan border region
ZOOM = 6
# Above this many events a layer is drawn as a fast cluster without per-event popups,
# which keeps the payload small (the table still lists them).
MAX_DETAILED_EVENTS = 1500
# Display-only simplification (degrees, ~100 m); the stored layers are never simplified.
DISPLAY_TOLERANCE = {"border": 0.001, "panjshir": 0.0, "kharb_maydon": 0.001, "base_201": 0.0}
BASEMAP_TOLERANCE = 0.05
APPROXIMATE = ("province", "country", "region")
# Rings wider than this would cover whole countries and hide the map; those events are
# drawn hollow instead, and their card states the uncertainty.
MAX_RING_KM = 250

CATEGORY_COLORS: dict[str, str] = dict(zip(CATEGORIES, [
    "#e6550d",  # military_exercise
    "#843c39",  # deployment
    "#d6616b",  # military_aid
    "#3182bd",  # diplomacy
    "#6baed6",  # statement
    "#a50f15",  # armed_conflict
    "#000000",  # attack
    "#31a354",  # territorial_control
    "#756bb1",  # legal_designation
    "#9e9ac8",  # political
    "#bcbd22",  # economy
    "#17becf",  # humanitarian
    "#7f7f7f",  # other
]))
IMPORT_COLORS = ["#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def import_color(index: int) -> str:
    """The colour of the index-th imported dataset (colours repeat after six datasets)."""
    return IMPORT_COLORS[index % len(IMPORT_COLORS)]

_EVENT_JS = JsCode(
    """function(feature, layer) {
        var p = feature.properties;  // folium applies p.style itself
        layer.bindPopup(p.card, {maxWidth: 380});
        layer.bindTooltip(p.tip);
    }"""
)


@lru_cache(maxsize=16)
def _display_copy(kind: str, name: str, tolerance: float) -> dict:
    """A simplified, rounded copy of a layer or context file, made once per process.

    Context files keep only their names (the basemap needs nothing else) and ~100 m
    precision, which keeps the map payload small.
    """
    collection = load_layer(name) if kind == "layer" else load_context(name)
    decimals = 5 if kind == "layer" else 3
    features = []
    for item in collection["features"]:
        geometry = shape(item["geometry"])
        if tolerance:
            geometry = shapely.simplify(geometry, tolerance, preserve_topology=True)
        geometry = shapely.transform(geometry, lambda xy: xy.round(decimals))
        props = item["properties"] if kind == "layer" else {"name": item["properties"]["name"]}
        features.append({"type": "Feature", "properties": props, "geometry": mapping(geometry)})
    return {"type": "FeatureCollection", "features": features}


def _tooltip_text(props: dict) -> str:
    return f"<b>{escape(props['name'])}</b><br>{escape(props['description'][:160])}…"


_PLACE_CSS = """<style>
.place-icon { overflow: visible; }
.place-label { position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
  font: 11px/1 sans-serif; color: #333; text-shadow: 0 0 3px #fff, 0 0 3px #fff; pointer-events: auto; }
.place-label::before { content: ""; display: inline-block; width: 4px; height: 4px; border-radius: 50%;
  background: #333; margin-right: 3px; vertical-align: middle; }
.country-label { font: 600 12px/1 sans-serif; letter-spacing: .12em; text-transform: uppercase; color: #8a8178; }
.country-label::before { display: none; }
</style>"""


def build_base_map(online_tiles: bool = False) -> folium.Map:
    """The fixed part of the map: vector basemap, optional web tiles, attribution."""
    m = folium.Map(location=CENTER, zoom_start=ZOOM, tiles=None, control_scale=True)
    # The cluster plugin needs the map's maxZoom, which folium sets only through a tile layer.
    m.options.update(min_zoom=2, max_zoom=14)
    folium.GeoJson(
        _display_copy("context", "countries", BASEMAP_TOLERANCE),
        name="Countries",
        style_function=lambda _f: {
            "color": "#8a8a8a", "weight": 1,
            "fillColor": "#f2efe9", "fillOpacity": 0.0 if online_tiles else 1.0,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        control=False,
    ).add_to(m)
    if online_tiles:
        # Drawn above the land fill; if tiles cannot load, the vector outlines still show.
        folium.TileLayer("OpenStreetMap", control=False).add_to(m)
    folium.GeoJson(
        _display_copy("context", "rivers", 0.005),
        name="Rivers",
        style_function=lambda _f: {"color": "#6a9fd4", "weight": 1.5},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        control=False,
    ).add_to(m)
    places = folium.FeatureGroup(name="Places", control=False)
    for item in load_context("places")["features"]:
        props = item["properties"]
        if props["kind"] in ("province", "site"):
            continue
        lon, lat = item["geometry"]["coordinates"]
        is_country = props["kind"] == "country"
        css = "place-label country-label" if is_country else "place-label"
        folium.Marker(
            (lat, lon),
            icon=folium.DivIcon(html=f'<div class="{css}">{escape(props["name"])}</div>', class_name="place-icon",
                                icon_size=(0, 0)),
            tooltip=escape(", ".join(props["aliases"])) if props["aliases"] else None,
            interactive=bool(props["aliases"]),
        ).add_to(places)
    places.add_to(m)
    m.get_root().header.add_child(folium.Element(_PLACE_CSS))
    credits = [layer.attribution for layer in LAYERS.values()] + [CONTEXT_ATTRIBUTION]
    names = [name.strip() for credit in credits for name in credit.replace(";", ",").split(",")]
    attribution = escape("Map data: " + "; ".join(dict.fromkeys(names)))
    _AddAttribution(attribution).add_to(m)
    localize(m)
    return m


class _AddAttribution(folium.MacroElement):
    """Credits every data source in Leaflet's attribution box."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "AddAttribution"
        self.text = text


def build_layer_groups(layer_ids) -> list[folium.FeatureGroup]:
    """One feature group per toggled-on layer, in the registry's order."""
    groups = []
    for layer_id in LAYERS:
        if layer_id not in layer_ids:
            continue
        layer = LAYERS[layer_id]
        group = folium.FeatureGroup(name=layer.label)
        collection = _display_copy("layer", layer_id, DISPLAY_TOLERANCE[layer_id])
        for item in collection["features"]:
            _layer_feature(layer_id, layer.color, item).add_to(group)
        localize(group)
        groups.append(group)
    return groups


def _layer_feature(layer_id: str, color: str, item: dict):
    props = item["properties"]
    tooltip = folium.Tooltip(_tooltip_text(props), sticky=True)
    lon_lat = item["geometry"]["coordinates"]
    if item["geometry"]["type"] != "Point":
        dashed = props.get("kind", "").startswith("candidate_zone")
        style = {"color": color, "weight": 3 if layer_id == "border" else 2,
                 "fillOpacity": 0.08 if dashed else 0.15, "dashArray": "6 4" if dashed else None,
                 "className": f"layer-{layer_id}"}
        return folium.GeoJson(item, style_function=lambda _f, s=style: s, tooltip=tooltip)
    group = folium.FeatureGroup(control=False)
    former = props.get("status") == "former"
    if props.get("uncertainty_km", 0) >= 10:
        folium.Circle((lon_lat[1], lon_lat[0]), radius=props["uncertainty_km"] * 1000, color=color, weight=1,
                      dash_array="4 4", fill=True, fill_opacity=0.05, class_name=f"layer-{layer_id}").add_to(group)
    folium.CircleMarker(
        (lon_lat[1], lon_lat[0]), radius=8, color=color, weight=3, dash_array="3 3" if former else None,
        fill=True, fill_color="#ffffff" if former else color, fill_opacity=1, tooltip=tooltip,
        class_name=f"layer-{layer_id}",
    ).add_to(group)
    return group


def _event_style(row, color: str) -> dict:
    approximate = row.location_precision in APPROXIMATE
    unreviewed = getattr(row, "review_status", "reviewed") == "unreviewed"
    return {
        "color": color, "weight": 2.5, "radius": 7, "fill": True,
        "fillColor": "#ffffff" if approximate else color, "fillOpacity": 0.9,
        "dashArray": "3 3" if unreviewed else None,
        "className": "event-marker" + (" event-unreviewed" if unreviewed else ""),
    }


def build_event_group(
    events: pd.DataFrame,
    articles: dict[str, dict],
    *,
    name: str = "Events",
    color: str | None = None,
    selected: str | None = None,
) -> folium.FeatureGroup:
    """Events as one clustered GeoJSON layer (colour by category unless ``color`` is fixed).

    Many events at one place stay reachable: the cluster spiderfies them on click.
    """
    group = folium.FeatureGroup(name=name)
    if len(events) > MAX_DETAILED_EVENTS:
        _fast_cluster(events, color).add_to(group)
        localize(group)
        return group
    rings = folium.FeatureGroup(control=False)
    features = []
    for row in events.itertuples(index=False):
        row_color = color or CATEGORY_COLORS.get(row.category, "#7f7f7f")
        props = row._asdict()
        distance = props.get("distance_to_border_km")
        card = event_card_html(props, articles, None if distance is None or pd.isna(distance) else distance)
        tip = escape(f"{row.title} — {format_event_date(row.date_start, row.date_end, row.date_precision)}")
        features.append({
            "type": "Feature",
            "id": row.id,
            "properties": {"card": card, "tip": tip, "style": _event_style(row, row_color)},
            "geometry": {"type": "Point", "coordinates": [round(row.lon, 5), round(row.lat, 5)]},
        })
        is_selected = row.id == selected
        if row.location_precision != "site" and (row.uncertainty_km <= MAX_RING_KM or is_selected) and row.uncertainty_km >= 5:
            folium.Circle(
                (row.lat, row.lon), radius=row.uncertainty_km * 1000, color=row_color,
                weight=2 if is_selected else 1, dash_array="4 6", fill=is_selected, fill_opacity=0.06,
                class_name="event-uncertainty",
            ).add_to(rings)
    cluster = MarkerCluster(
        name=name, control=False,
        options={"maxClusterRadius": 25, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False},
    )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=7),
        on_each_feature=_EVENT_JS,
        control=False,
    ).add_to(cluster)
    rings.add_to(group)
    cluster.add_to(group)
    if selected is not None and (events["id"] == selected).any():
        row = events.loc[events["id"] == selected].iloc[0]
        folium.CircleMarker(
            (row["lat"], row["lon"]), radius=13, color="#ffd400", weight=4, fill=False,
            class_name="event-selected", interactive=False,
        ).add_to(group)
    localize(group)  # streamlit-folium adds groups after the base map was localized
    return group


def _fast_cluster(events: pd.DataFrame, color: str | None) -> MarkerCluster:
    """Many events as compact integer arrays; the markers are built in the browser."""
    palette = [color] if color else list(CATEGORY_COLORS.values())
    if color:
        codes = np.zeros(len(events), dtype=int)
    else:
        index = {c: i for i, c in enumerate(CATEGORY_COLORS)}
        codes = events["category"].map(index).fillna(len(index) - 1).to_numpy(dtype=int)
    return _CompactCluster(
        lat=np.round(events["lat"].to_numpy() * 1e4).astype(int),
        lon=np.round(events["lon"].to_numpy() * 1e4).astype(int),
        codes=codes, palette=palette,
    )


class _CompactCluster(MarkerCluster):
    """A marker cluster fed with three integer arrays (lat×1e4, lon×1e4, colour index).

    folium's FastMarkerCluster validates every point in Python and writes nested lists,
    which costs about a second and 2.5 MB for 100,000 events; this costs a fraction of both.
    """

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup({{ this.options|tojavascript }});
        (function (cluster, d, colors) {
            var markers = new Array(d.lat.length);
            for (var i = 0; i < d.lat.length; i++) {
                var c = colors[d.code[i]];
                markers[i] = L.circleMarker([d.lat[i] / 1e4, d.lon[i] / 1e4],
                    {radius: 5, weight: 1, color: c, fillColor: c, fillOpacity: 0.8, className: "event-dot"});
            }
            cluster.addLayers(markers);
        })({{ this.get_name() }}, {{ this.data }}, {{ this.palette|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, *, lat: np.ndarray, lon: np.ndarray, codes: np.ndarray, palette: list[str]):
        super().__init__(control=False, options={"chunkedLoading": True, "showCoverageOnHover": False})
        self._name = "CompactCluster"
        self.data = json.dumps({"lat": lat.tolist(), "lon": lon.tolist(), "code": codes.tolist()}, separators=(",", ":"))
        self.palette = palette


def build_legend() -> folium.MacroElement:
    return _Legend()


class _Legend(folium.MacroElement):
    """A static Leaflet control: categories, layers and what hollow and dashed mean."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: 'bottomright'});  // popups open upwards, over the top
            legend.onAdd = function () {
                var div = L.DomUtil.create('details', 'map-legend');
                div.open = true;
                div.innerHTML = '<summary style="cursor:pointer;font-weight:600">Legend</summary>' + {{ this.html|tojson }};
                div.style.cssText = 'background:rgba(255,255,255,.92);padding:4px 8px;font:10.5px/1.3 sans-serif;'
                    + 'border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-height:60vh;overflow:auto;'
                    + 'column-count:2;column-gap:10px;max-width:330px';
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}"""
    )

    def __init__(self):
        super().__init__()
        self._name = "Legend"
        dot = '<span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:{};margin-right:4px"></span>'
        line = '<span style="display:inline-block;width:14px;height:3px;background:{};margin:0 4px 3px 0"></span>'
        rows = ["<b>Events</b>"] + [dot.format(c) + escape(k.replace("_", " ")) for k, c in CATEGORY_COLORS.items() if k != "other"]
        rows += [
            '<span style="display:inline-block;width:8px;height:8px;border-radius:50%;border:2px solid #555;margin-right:4px"></span>hollow: approximate place',
            '<span style="display:inline-block;width:12px;height:12px;border-radius:50%;border:1px dashed #555;margin-right:4px"></span>dashed ring: uncertainty',
            "<b>Layers</b>",
        ] + [line.format(layer.color) + escape(layer.label) for layer in LAYERS.values()]
        self.html = "".join(f'<div style="break-inside:avoid">{row}</div>' for row in rows)


def build_map(
    events: pd.DataFrame,
    articles: dict[str, dict],
    layer_ids,
    *,
    selected: str | None = None,
    online_tiles: bool = False,
    imports: dict[str, pd.DataFrame] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """The whole interactive map as one folium.Map (for standalone HTML and benchmarks)."""
    m = build_base_map(online_tiles)
    build_legend().add_to(m)
    for group in build_layer_groups(layer_ids):
        group.add_to(m)
    for index, (name, frame) in enumerate((imports or {}).items()):
        build_event_group(frame, {}, name=name, color=import_color(index)).add_to(m)
    build_event_group(events, articles, selected=selected).add_to(m)
    if bounds:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return m  # the base map and every group were localized when built


def standalone_html(m: folium.Map) -> str:
    """The map as one self-contained HTML file that opens offline (assets inlined)."""
    localize(m, inline=True)
    html = m.get_root().render()
    for name in ("leaflet", "markerclusterjs"):
        html = html.replace(f'<script src="inline:{name}"></script>', f"<script>{asset_text(name)}</script>")
    for name in ("leaflet_css", "markerclustercss", "markerclusterdefaultcss"):
        html = html.replace(f'<link rel="stylesheet" href="inline:{name}"/>', f"<style>{asset_text(name)}</style>")
    return html
