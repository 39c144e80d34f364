"""Building the folium map: a fixed basemap plus layers and events as feature groups.

The basemap (countries, rivers, places, legend) never changes between reruns, so
streamlit-folium does not remount the map; layers and events travel as feature groups
(``feature_group_to_add``), which it swaps in place. Every string from data reaches the
browser already HTML-escaped (see formatting.event_card_html).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import folium
import numpy as np
import pandas as pd
import shapely
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from shapely.geometry import mapping, shape

from dashboard.assets import asset_text, inline_stylesheets, localize
from dashboard.elements import LiteralHtml, LiteralMacroElement  # noqa: F401 - LiteralHtml re-exported
from dashboard.formatting import escape, event_card_html, format_event_date
from dashboard.map_overlays import Declutter, build_overlays
from dashboard.layers import CONTEXT_ATTRIBUTION, LAYERS, load_context, load_layer
from dashboard.zone_bands import zone_of
from dashboard.symbology import (  # noqa: F401 - CATEGORY_COLORS, IMPORT_COLORS, import_color re-exported
    CATEGORY_COLORS, CLUSTER_COLOR, CLUSTER_FILL, IMPORT_COLORS, MAX_RING_KM, category_color, country_badge_groups,
    import_color, is_approximate, is_country_level, region_of_interest, ring_km,
)

# Above this many events a layer is drawn as a fast cluster without per-event popups,
# which keeps the payload small (the table still lists them).
MAX_DETAILED_EVENTS = 1500
# Display-only simplification (degrees, ~100 m); the stored layers are never simplified.
DISPLAY_TOLERANCE = {"border": 0.001, "panjshir": 0.0, "kharb_maydon": 0.001, "base_201": 0.0}
BASEMAP_TOLERANCE = 0.05
# A clicked marker's tooltip ends with this reference; the app reads the event id from it.
EVENT_REF = re.compile(r"\[event:([^\]]+)\]\s*$")


def event_id_from_tooltip(text: str | None) -> str | None:
    """The event id in a clicked marker's tooltip text (st_folium's last_object_clicked_tooltip)."""
    match = EVENT_REF.search(text or "")
    return match.group(1) if match else None


_EVENT_JS = JsCode(
    """function(feature, layer) {
        var p = feature.properties;  // folium applies p.style itself
        if (p.card) layer.bindPopup(p.card, {maxWidth: 380});  // the app shows the card beside the map instead
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
        # folium's GeoJsonTooltip writes property values into the page as HTML: names go encoded.
        props = item["properties"] if kind == "layer" else {"name": escape(item["properties"]["name"])}
        features.append({"type": "Feature", "properties": props, "geometry": mapping(geometry)})
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=8)
def _display_json(name: str, tolerance: float) -> str:
    """A context file's display copy as JSON text, serialized once per process (names already encoded)."""
    return json.dumps(_display_copy("context", name, tolerance), separators=(",", ":"))


class _StaticGeoJson(LiteralMacroElement):
    """A basemap GeoJSON with one style and its names as tooltips, in its own pane under everything else.

    Its JSON is made once per process; folium's GeoJson would serialize it again and compile
    its tooltip templates on every rerun (about 40 ms each for countries and rivers).
    """

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        if (!{{ this._parent.get_name() }}.getPane('basemap')) {
            // Above web tiles (200), beneath the layers and markers (400) and the border zones (390).
            {{ this._parent.get_name() }}.createPane('basemap').style.zIndex = 250;
        }
        L.geoJSON({{ this.data_json }}, {
            pane: 'basemap',
            style: function () { return {{ this.style|tojson }}; },
            onEachFeature: function (feature, layer) {
                if (feature.properties && feature.properties.name) layer.bindTooltip(feature.properties.name, {sticky: true});
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, data_json: str, style: dict):
        super().__init__()
        self._name = "StaticGeoJson"
        self.data_json = data_json  # names encoded by _display_copy; json.dumps escapes quotes
        self.style = style


def _tooltip_text(props: dict) -> str:
    return f"<b>{escape(props['name'])}</b><br>{escape(props['description'][:160])}…"


# Place labels sit next to their dot; map_overlays.DECLUTTER_JS picks the side that covers
# no marker and no other label, or hides the label (lower ranks give way first).
_MAP_CSS = """<style>
.place-icon, .badge-icon { overflow: visible; }
.place-dot { position: absolute; left: -2px; top: -2px; width: 4px; height: 4px; border-radius: 50%; background: #333; }
.place-label { position: absolute; left: 0; top: 0; white-space: nowrap; font: 11px/1.1 sans-serif; color: #333;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; transform: translate(5px, -50%); visibility: hidden; }
.place-label.pos-l { transform: translate(calc(-100% - 5px), -50%); }
.place-label.pos-a { transform: translate(-50%, calc(-100% - 4px)); }
.place-label.pos-b { transform: translate(-50%, 4px); }
.place-label.pos-R { transform: translate(19px, -50%); }
.place-label.pos-L { transform: translate(calc(-100% - 19px), -50%); }
.place-label.pos-A { transform: translate(-50%, calc(-100% - 18px)); }
.place-label.pos-B { transform: translate(-50%, 18px); }
.place-label.pos-c, .country-label { transform: translate(-50%, -50%); }
.place-label.capital { font-weight: 600; }
.country-label { font: 600 11px/1 sans-serif; letter-spacing: .12em; text-transform: uppercase; color: #8a8178; }
.country-badge { position: absolute; transform: translate(-50%, -50%); white-space: nowrap; cursor: pointer;
  font: 600 12px/1 sans-serif; color: #fff; background: rgba(51,51,51,.88); border: 2px solid #fff;
  border-radius: 11px; padding: 3px 8px; box-shadow: 0 1px 3px rgba(0,0,0,.4); }
.country-badge.selected { outline: 3px solid #ffd400; }
.marker-cluster.event-cluster { background: rgba(255,255,255,.55); }
.marker-cluster.event-cluster div { background: CLUSTER_FILL; border: 2px solid CLUSTER_RING; color: CLUSTER_RING; font-weight: 700;
  margin: 2px; box-sizing: border-box; }
.leaflet-control-attribution { max-width: 45%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  font-size: 10px; cursor: help; }
.leaflet-control-attribution:hover { white-space: normal; max-width: 70%; }
.leaflet-control-scale-line { font-size: 11px; background: rgba(255,255,255,.85); }
</style>""".replace("CLUSTER_FILL", CLUSTER_FILL).replace("CLUSTER_RING", CLUSTER_COLOR)
_LABEL_RANK = {"capital": 1, "city": 2, "country": 3, "town": 4}


@lru_cache(maxsize=1)
def _place_label_rows() -> list[list]:
    """[lat, lon, label html, tooltip or ""] for every labelled place (read once per process)."""
    rows = []
    for item in load_context("places")["features"]:
        props = item["properties"]
        if props["kind"] not in _LABEL_RANK:
            continue
        lon, lat = item["geometry"]["coordinates"]
        is_country = props["kind"] == "country"
        css = f'place-label {props["kind"]}-label' + (" pos-c" if is_country else "")
        dot = "" if is_country else '<span class="place-dot"></span>'
        html = f'{dot}<div class="{css}" data-rank="{_LABEL_RANK[props["kind"]]}">{escape(props["name"])}</div>'
        rows.append([lat, lon, html, escape(", ".join(props["aliases"])) if props["aliases"] else ""])
    return rows


class _PlaceLabels(LiteralMacroElement):
    """Place names as Leaflet div icons, built in the browser from one list (one element, not dozens:
    each folium element costs a template render on every rerun)."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        (function (map, rows) {
            var group = L.featureGroup();
            rows.forEach(function (r) {
                var marker = L.marker([r[0], r[1]], {icon: L.divIcon({html: r[2], className: 'place-icon', iconSize: [0, 0]}),
                                                     interactive: !!r[3], keyboard: false});
                if (r[3]) marker.bindTooltip(r[3]);
                group.addLayer(marker);
            });
            group.addTo(map);
        })({{ this._parent.get_name() }}, {{ this.rows|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, rows: list[list]):
        super().__init__()
        self._name = "PlaceLabels"
        self.rows = rows


def build_base_map(online_tiles: bool = False) -> folium.Map:
    """The fixed part of the map: vector basemap, optional web tiles, place labels, attribution.

    It opens on the region of interest (symbology.region_of_interest), as the snapshots do.
    """
    minlon, minlat, maxlon, maxlat = region_of_interest()
    m = folium.Map(location=((minlat + maxlat) / 2, (minlon + maxlon) / 2), zoom_start=6, tiles=None,
                   control_scale=True)
    _fit_without_animation(m, [[minlat, minlon], [maxlat, maxlon]])
    # The cluster plugin needs the map's maxZoom, which folium sets only through a tile layer.
    m.options.update(min_zoom=2, max_zoom=14)
    _StaticGeoJson(_display_json("countries", BASEMAP_TOLERANCE), {
        "color": "#8a8a8a", "weight": 1, "fillColor": "#f2efe9", "fillOpacity": 0.0 if online_tiles else 1.0,
    }).add_to(m)
    if online_tiles:
        # Drawn above the land fill; if tiles cannot load, the vector outlines still show.
        folium.TileLayer("OpenStreetMap", control=False).add_to(m)
    _StaticGeoJson(_display_json("rivers", 0.005), {"color": "#6a9fd4", "weight": 1.5}).add_to(m)
    _PlaceLabels(_place_label_rows()).add_to(m)

    m.get_root().header.add_child(LiteralHtml(inline_stylesheets() + _MAP_CSS))
    credits = [layer.attribution for layer in LAYERS.values()] + [CONTEXT_ATTRIBUTION]
    names = [name.strip() for credit in credits for name in credit.replace(";", ",").split(",")]
    attribution = escape("Map data: " + "; ".join(dict.fromkeys(names)))
    _AddAttribution(attribution).add_to(m)
    Declutter().add_to(m)
    localize(m)
    return m


def _fit_without_animation(m: folium.Map, bounds: list[list[float]]) -> None:
    """Open on ``bounds`` at once: an animated fit hides every marker for Leaflet's 0.25 s zoom."""
    fit = folium.map.FitBounds(bounds)
    fit.options["animate"] = False
    fit.add_to(m)


class _AddAttribution(LiteralMacroElement):
    """Credits every data source in Leaflet's attribution box."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix('<a href="https://leafletjs.com" title="Leaflet">Leaflet</a>');
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
        group = folium.FeatureGroup(name=LAYERS[layer_id].label)
        _LayerScript(_layer_json(layer_id)).add_to(group)
        groups.append(group)
    return groups


@lru_cache(maxsize=16)
def _layer_json(layer_id: str) -> str:
    """A layer's display copy with each feature's style and tooltip, as JSON made once per process."""
    color = LAYERS[layer_id].color
    features = []
    for item in _display_copy("layer", layer_id, DISPLAY_TOLERANCE[layer_id])["features"]:
        props = item["properties"]
        drawn: dict = {"tip": _tooltip_text(props)}
        if item["geometry"]["type"] != "Point":
            dashed = props.get("kind", "").startswith("candidate_zone")
            drawn["style"] = {"color": color, "weight": 3 if layer_id == "border" else 2,
                              "fillOpacity": 0.08 if dashed else 0.15, "dashArray": "6 4" if dashed else None,
                              "className": f"layer-{layer_id}"}
        else:
            former = props.get("status") == "former"
            drawn["marker"] = {"radius": 8, "color": color, "weight": 3, "dashArray": "3 3" if former else None,
                               "fill": True, "fillColor": "#ffffff" if former else color, "fillOpacity": 1,
                               "className": f"layer-{layer_id}"}
            if props.get("uncertainty_km", 0) >= 10:
                drawn["zone"] = {"radius": props["uncertainty_km"] * 1000, "color": color, "weight": 1,
                                 "dashArray": "4 4", "fill": True, "fillOpacity": 0.05, "interactive": False,
                                 "className": f"layer-{layer_id} layer-zone"}
        features.append({"type": "Feature", "properties": drawn, "geometry": item["geometry"]})
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


class _LayerScript(LiteralMacroElement):
    """A layer drawn in the browser from its prepared JSON (one element instead of one per feature)."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        (function (group, data) {
            L.geoJSON(data, {
                style: function (f) { return f.properties.style; },
                pointToLayer: function (f, latlng) {
                    if (f.properties.zone) L.circle(latlng, f.properties.zone).addTo(group);
                    return L.circleMarker(latlng, f.properties.marker);
                },
                onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.tip, {sticky: true}); }
            }).addTo(group);
        })({{ this._parent.get_name() }}, {{ this.data_json }});
        {% endmacro %}"""
    )

    def __init__(self, data_json: str):
        super().__init__()
        self._name = "LayerScript"
        self.data_json = data_json  # tooltips encoded by _tooltip_text


def _event_style(row, color: str) -> dict:
    unreviewed = getattr(row, "review_status", "reviewed") == "unreviewed"
    return {
        "color": color, "weight": 2.5, "radius": 7, "fill": True,
        "fillColor": "#ffffff" if is_approximate(row.location_precision, row.uncertainty_km) else color,
        "fillOpacity": 0.9, "dashArray": "3 3" if unreviewed else None,
        "className": "event-marker" + (" event-unreviewed" if unreviewed else ""),
    }


_CLUSTER_ICON = """function (cluster) {
    var n = cluster.getChildCount(), size = n < 10 ? 28 : n < 100 ? 34 : 40;
    return L.divIcon({html: '<div style="width:' + (size - 4) + 'px;height:' + (size - 4) + 'px;line-height:'
        + (size - 8) + 'px"><span>' + n + '</span></div>', className: 'marker-cluster event-cluster',
        iconSize: L.point(size, size)});
}"""


def event_tooltip(row) -> str:
    """Title and date, and a hidden reference that a click hands back to the app (see EVENT_REF).

    An event placed in a border zone says so: its marker only stands at the border's midpoint.
    """
    when = format_event_date(row.date_start, row.date_end, row.date_precision)
    zone = zone_of(getattr(row, "place", None))
    where = (f"<br><i>Somewhere in the {zone.band_km:g} km border zone ({escape(zone.side)}, the tinted band); "
             "the marker is at the border's midpoint</i>") if zone else ""
    return f'{escape(row.title)} — {escape(when)}{where}<span hidden> [event:{escape(row.id)}]</span>'


DRAWN_COLUMNS = ("id", "title", "category", "date_start", "date_end", "date_precision", "place", "country",
                 "location_precision", "uncertainty_km", "review_status", "lon", "lat")


def _country_level(events: pd.DataFrame) -> pd.Series:
    if "location_precision" not in events:
        return pd.Series(False, index=events.index)
    return events["location_precision"].map(is_country_level).astype(bool)


def build_event_group(
    events: pd.DataFrame,
    articles: dict[str, dict],
    *,
    name: str = "Events",
    color: str | None = None,
    selected: str | None = None,
    popups: bool = True,
) -> folium.FeatureGroup:
    """Events as one clustered GeoJSON layer (colour by category unless ``color`` is fixed).

    ``popups=False`` leaves the card out (the app shows it beside the map when a click selects
    the event, which also keeps the payload small).

    Many events at one place stay reachable: the cluster spiderfies them on click. Events
    placed only at country level are not points: they are counted on one badge per country.
    """
    group = folium.FeatureGroup(name=name)
    if len(events) > MAX_DETAILED_EVENTS:
        _fast_cluster(events, color).add_to(group)
        localize(group)
        return group
    if not popups:  # pandas is much faster on the few columns markers and badges need
        events = events[[c for c in DRAWN_COLUMNS if c in events.columns]]
    country_level = _country_level(events)
    if country_level.any():
        country_badges(events[country_level], selected=selected).add_to(group)
    events = events[~country_level]
    rings = []
    features = []
    for row in events.itertuples(index=False):
        row_color = color or category_color(row.category)
        props = row._asdict()
        distance = props.get("distance_to_border_km")
        card = event_card_html(props, articles, None if distance is None or pd.isna(distance) else distance) if (
            popups) else ""
        features.append({
            "type": "Feature",
            "id": row.id,
            "properties": {"card": card, "tip": event_tooltip(row), "style": _event_style(row, row_color)},
            "geometry": {"type": "Point", "coordinates": [round(row.lon, 5), round(row.lat, 5)]},
        })
        is_selected = row.id == selected
        radius_km = ring_km(row.location_precision, row.uncertainty_km, selected=is_selected,
                            zone=zone_of(getattr(row, "place", None)) is not None)
        if radius_km:
            rings.append([round(row.lat, 5), round(row.lon, 5), round(radius_km * 1000, 1), row_color, is_selected])
    cluster = MarkerCluster(
        name=name, control=False, icon_create_function=_CLUSTER_ICON,
        options={"maxClusterRadius": 25, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False},
    )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=7),
        on_each_feature=_EVENT_JS,
        control=False,
    ).add_to(cluster)
    _Rings(rings).add_to(group)
    cluster.add_to(group)
    if selected is not None and (events["id"] == selected).any():
        row = events.loc[events["id"] == selected].iloc[0]
        folium.CircleMarker(
            (row["lat"], row["lon"]), radius=13, color="#ffd400", weight=4, fill=False,
            class_name="event-selected", interactive=False,
        ).add_to(group)
    localize(group)  # streamlit-folium adds groups after the base map was localized
    return group


class _Rings(LiteralMacroElement):
    """Dashed uncertainty rings (symbology.ring_km), built in the browser from one list."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.addLayer(L.featureGroup({{ this.rings|tojson }}.map(function (r) {
            return L.circle([r[0], r[1]], {radius: r[2], color: r[3], weight: r[4] ? 2 : 1, dashArray: '4 6',
                                          fill: r[4], fillOpacity: 0.06, className: 'event-uncertainty',
                                          interactive: false});
        })));
        {% endmacro %}"""
    )

    def __init__(self, rings: list[list]):
        super().__init__()
        self._name = "Rings"
        self.rings = rings


def country_badges(events: pd.DataFrame, *, selected: str | None = None) -> "_CountryBadges":
    """One badge per country ("Russia · 9") at the country's label point; its popup lists the events."""
    badges = []
    for iso, name, lon, lat, frame in country_badge_groups(events):
        items = "".join(
            f"<li>{escape(format_event_date(r.date_start, r.date_end, r.date_precision))} — {escape(r.title)}</li>"
            for r in frame.itertuples(index=False))
        popup = (f'<div class="badge-list"><b>{escape(name)}: {len(frame)} event{"s" if len(frame) != 1 else ""} '
                 f'placed only at country level</b><ol style="padding-left:18px;margin:4px 0">{items}</ol>'
                 "<small>Select one in the table to read its card.</small></div>")
        css = "country-badge" + (" selected" if selected is not None and (frame["id"] == selected).any() else "")
        label = (f'<div class="{css}" data-country="{escape(iso)}" data-count="{len(frame)}">'
                 f'{escape(name)} · {len(frame)}</div>')
        badges.append([round(lat, 4), round(lon, 4), label, popup])
    return _CountryBadges(badges)


class _CountryBadges(LiteralMacroElement):
    """Badges as Leaflet div-icon markers with popups (folium's Popup would need jQuery)."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.addLayer(L.featureGroup({{ this.badges|tojson }}.map(function (b) {
            return L.marker([b[0], b[1]], {icon: L.divIcon({html: b[2], className: 'badge-icon', iconSize: [0, 0]}),
                                           riseOnHover: true, zIndexOffset: 500})
                    .bindPopup(b[3], {maxWidth: 380});
        })));
        {% endmacro %}"""
    )

    def __init__(self, badges: list[list]):
        super().__init__()
        self._name = "CountryBadges"
        self.badges = badges


def _fast_cluster(events: pd.DataFrame, color: str | None) -> MarkerCluster:
    """Many events as compact integer arrays; the markers are built in the browser."""
    palette = [color] if color else list(CATEGORY_COLORS.values())
    if color:
        codes = np.zeros(len(events), dtype=int)
    else:
        index = {c: i for i, c in enumerate(CATEGORY_COLORS)}
        codes = events["category"].map(index).fillna(index["other"]).to_numpy(dtype=int)
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
        {{ this.get_name() }}.options.iconCreateFunction = {{ this.icon_js }};
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
        self.icon_js = _CLUSTER_ICON


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
    for group in build_layer_groups(layer_ids):
        group.add_to(m)
    import_colors = {}
    for index, (name, frame) in enumerate((imports or {}).items()):
        import_colors[name] = import_color(index)
        build_event_group(frame, {}, name=name, color=import_colors[name]).add_to(m)
    build_event_group(events, articles, selected=selected).add_to(m)
    build_overlays(events, layer_ids, import_colors).add_to(m)
    if bounds:
        _fit_without_animation(m, [[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return m  # the base map and every group were localized when built


def standalone_html(m: folium.Map) -> str:
    """The map as one self-contained HTML file that opens offline (assets inlined)."""
    localize(m, inline=True)
    html = m.get_root().render()
    for name in ("leaflet", "markerclusterjs"):
        html = html.replace(f'<script src="inline:{name}"></script>', f"<script>{asset_text(name)}</script>")
    return html
