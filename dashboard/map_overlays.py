"""What the live map says about itself: legend, out-of-view notice and label placement.

The legend and the notice change with the filters, so they travel in a feature group
(streamlit-folium evaluates its script on every rerun, without remounting the map); each
evaluation replaces the previous control. Label placement (``Declutter``) is part of the
fixed base map and runs in the browser whenever markers or the zoom change.
Every string from data is escaped (formatting.escape) before it reaches the page.
"""

from __future__ import annotations

import folium
import pandas as pd

from dashboard.elements import LiteralMacroElement
from dashboard.formatting import escape
from dashboard.layers import LAYERS
from dashboard.zone_bands import ZoneBand, bands_geojson, leaflet_style, zone_bands
from dashboard.symbology import (
    BADGE_COLOR,
    CATEGORY_COLORS,
    CLUSTER_COLOR,
    CLUSTER_FILL,
    ZONE_BAND_COLOR,
    category_color,
    country_badge_groups,
    is_approximate,
    is_country_level,
    ring_km,
)

# Label placement: labels are tried right, left, above and below their dot (near, then far), highest rank
# first (capitals, cities, countries, towns); a label that would cover a marker, a control
# or an already placed label is hidden. Re-run (debounced) after zooms and layer changes.
DECLUTTER_JS = """
(function (map) {
    function boxes(selector, skip) {
        var found = [];
        map.getContainer().querySelectorAll(selector).forEach(function (el) {
            if (el === skip) return;
            var r = el.getBoundingClientRect();
            if (r.width > 0 && r.height > 0) found.push(r);
        });
        return found;
    }
    function overlaps(a, b, pad) {
        return a.left < b.right + pad && b.left < a.right + pad && a.top < b.bottom + pad && b.top < a.bottom + pad;
    }
    function declutter() {
        var obstacles = boxes('path.event-marker, path.layer-base_201:not(.layer-zone), .marker-cluster, .country-badge, '
            + '.event-selected, .leaflet-control');
        var labels = Array.prototype.slice.call(map.getContainer().querySelectorAll('.place-label'));
        labels.sort(function (a, b) { return (+a.dataset.rank) - (+b.dataset.rank); });
        labels.forEach(function (label) { label.style.visibility = 'hidden'; });
        var placed = [];
        labels.forEach(function (label) {
            var dots = boxes('.place-dot', label.previousElementSibling);
            var sides = label.classList.contains('country-label') ? ['c'] : ['r', 'l', 'a', 'b', 'R', 'L', 'A', 'B'];
            for (var i = 0; i < sides.length; i++) {
                label.classList.remove('pos-r', 'pos-l', 'pos-a', 'pos-b', 'pos-R', 'pos-L', 'pos-A', 'pos-B');
                if (sides[i] !== 'c') label.classList.add('pos-' + sides[i]);
                var r = label.getBoundingClientRect();
                var blocked = obstacles.concat(dots).some(function (o) { return overlaps(r, o, 1); })
                    || placed.some(function (p) { return overlaps(r, p, 2); });
                if (!blocked) { label.style.visibility = 'visible'; placed.push(r); return; }
            }
        });
    }
    var timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(declutter, 150); }
    window.declutterLabels = declutter;
    map.on('zoomend layeradd layerremove resize', later);
    map.whenReady(later);
})(%s);
"""


class Declutter(LiteralMacroElement):
    """Places or hides the base map's place labels in the browser (see DECLUTTER_JS)."""

    _template = folium.elements.Template(
        "{% macro script(this, kwargs) %}" + DECLUTTER_JS % "{{ this._parent.get_name() }}" + "{% endmacro %}"
    )

    def __init__(self):
        super().__init__()
        self._name = "Declutter"


def _swatch_dot(color: str, hollow: bool = False) -> str:
    fill = "#fff" if hollow else color
    return (f'<span style="display:inline-block;width:9px;height:9px;border-radius:50%;background:{fill};'
            f'border:2px solid {color};margin-right:5px;vertical-align:-1px"></span>')


def _zone_swatch(band: ZoneBand) -> str:
    style = leaflet_style(band)
    r, g, b = (int(ZONE_BAND_COLOR[i:i + 2], 16) for i in (1, 3, 5))
    return (f'<span style="display:inline-block;width:14px;height:8px;background:rgba({r},{g},{b},{style["fillOpacity"]});'
            f'border:1px {"dashed" if style["dashArray"] else "solid"} {ZONE_BAND_COLOR};margin-right:4px;'
            'vertical-align:0"></span>')


def legend_rows(events: pd.DataFrame, layer_ids, import_colors: dict[str, str]) -> list[str]:
    """Legend entries (HTML) for exactly what is drawn: categories present, symbols used, layers on, imports."""
    country = events["location_precision"].map(is_country_level).astype(bool) if len(events) else pd.Series(dtype=bool)
    points = events[~country] if len(events) else events
    rows: list[str] = []
    present = set(points["category"]) if len(points) else set()
    if present:
        rows.append("<b>Events</b>")
        rows += [_swatch_dot(color) + escape(name.replace("_", " ")) for name, color in CATEGORY_COLORS.items()
                 if name in present]
    if len(points):
        if any(is_approximate(p, u) for p, u in zip(points["location_precision"], points["uncertainty_km"])):
            rows.append(_swatch_dot("#555", hollow=True) + "hollow: approximate place")
        if any(ring_km(p, u) for p, u in zip(points["location_precision"], points["uncertainty_km"])):
            rows.append('<span style="display:inline-block;width:12px;height:12px;border-radius:50%;'
                        'border:1px dashed #555;margin-right:4px;vertical-align:-2px"></span>dashed ring: uncertainty')
        if "review_status" in points and (points["review_status"] == "unreviewed").any():
            rows.append('<span style="display:inline-block;width:9px;height:9px;border-radius:50%;'
                        'border:2px dashed #555;margin-right:5px"></span>dashed outline: unreviewed')
        rows.append(f'<span style="display:inline-block;min-width:14px;height:14px;border-radius:50%;'
                    f'background:{CLUSTER_FILL};border:2px solid {CLUSTER_COLOR};color:{CLUSTER_COLOR};'
                    f'font-size:9px;text-align:center;line-height:14px;margin-right:4px">3</span>events at one place')
    if country.any():
        rows.append(f'<span style="display:inline-block;background:{BADGE_COLOR};color:#fff;border-radius:8px;'
                    'padding:0 5px;margin-right:4px;font-size:9px">Russia · 9</span>placed only by country')
    rows += [_zone_swatch(band) + escape(band.legend_label) for band in zone_bands(points)]
    shown_layers = [LAYERS[layer_id] for layer_id in LAYERS if layer_id in set(layer_ids)]
    if shown_layers:
        rows.append("<b>Layers</b>")
        rows += [f'<span style="display:inline-block;width:14px;height:3px;background:{layer.color};'
                 f'margin:0 4px 3px 0"></span>{escape(layer.label)}' for layer in shown_layers]
    if import_colors:
        rows.append("<b>Imported</b>")
        rows += [_swatch_dot(color) + escape(name) for name, color in import_colors.items()]
    return rows


def out_of_view_points(events: pd.DataFrame) -> list[list]:
    """[lat, lon, escaped place name, number of events] for each drawn point and badge."""
    if not len(events):
        return []
    country = events["location_precision"].map(is_country_level).astype(bool)
    points = [[round(float(lat), 4), round(float(lon), 4), escape(place), 1]
              for lat, lon, place in zip(events.loc[~country, "lat"], events.loc[~country, "lon"],
                                         events.loc[~country, "place"])]
    points += [[round(lat, 4), round(lon, 4), escape(name), len(frame)]
               for _iso, name, lon, lat, frame in country_badge_groups(events[country])]
    return points


OVERLAY_COLUMNS = ("id", "category", "place", "country", "lat", "lon", "location_precision", "uncertainty_km",
                   "review_status", "date_start")


class _Legend(LiteralMacroElement):
    """A collapsible legend control (collapsed at first), replaced on every rerun."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
            var previous = window.__mapLegend;
            var open = previous ? previous.getContainer().open : false;
            if (previous) previous.remove();
            var legend = L.control({position: 'bottomright'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('details', 'map-legend');
                div.open = open;
                div.innerHTML = '<summary style="cursor:pointer;font-weight:600">Legend</summary>' + {{ this.html|tojson }};
                div.style.cssText = 'background:rgba(255,255,255,.94);padding:4px 8px;font:11px/1.35 sans-serif;'
                    + 'border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-height:50vh;overflow:auto;max-width:240px';
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
            window.__mapLegend = legend;
        })({{ this._parent._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, rows: list[str]):
        super().__init__()
        self._name = "Legend"
        self.html = "".join(f"<div>{row}</div>" for row in rows)


class _OutOfView(LiteralMacroElement):
    """'3 more outside this view: Moscow, Ningxia, Doha — show all', updated after every pan or zoom."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        (function (map, points) {
            if (window.__outOfView) { window.__outOfView.control.remove(); map.off('moveend', window.__outOfView.update); }
            var control = L.control({position: 'topright'});
            control.onAdd = function () {
                var div = L.DomUtil.create('div', 'out-of-view');
                div.style.cssText = 'background:rgba(255,255,255,.94);padding:4px 8px;font:12px/1.3 sans-serif;'
                    + 'border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:320px';
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo(map);
            function showAll() {
                var bounds = L.latLngBounds(points.map(function (p) { return [p[0], p[1]]; }));
                map.fitBounds(bounds.pad(0.08), {maxZoom: 7});
            }
            function update() {
                var view = map.getBounds(), count = 0, names = [];
                points.forEach(function (p) {
                    if (!view.contains([p[0], p[1]])) {
                        count += p[3];
                        if (names.indexOf(p[2]) < 0) names.push(p[2]);
                    }
                });
                var div = control.getContainer();
                div.style.display = count ? '' : 'none';
                if (!count) return;
                var listed = names.slice(0, 3).join(', ') + (names.length > 3 ? ' and ' + (names.length - 3) + ' more places' : '');
                div.innerHTML = '<span class="out-of-view-text">' + count + ' more outside this view: ' + listed
                    + '</span> — <a href="#" class="out-of-view-all">show all</a>';
                div.querySelector('.out-of-view-all').onclick = function (e) { e.preventDefault(); showAll(); };
            }
            map.on('moveend', update);
            window.__outOfView = {control: control, update: update};
            update();
        })({{ this._parent._parent.get_name() }}, {{ this.points|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, points: list[list]):
        super().__init__()
        self._name = "OutOfView"
        self.points = points


class _ZoneBands(LiteralMacroElement):
    """The border zones of the events shown, as tinted bands in their own pane beneath layers and markers
    (never clickable: a click on the map still reaches the marker or does nothing)."""

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        (function (map, group, data) {
            var pane = map.getPane('zone-bands') || map.createPane('zone-bands');
            pane.style.zIndex = 390;  // under the overlay pane (400): layers and markers stay on top
            pane.style.pointerEvents = 'none';
            L.geoJSON(data, {pane: 'zone-bands', interactive: false, style: function (f) { return f.properties.style; }})
                .addTo(group);
        })({{ this._parent._parent.get_name() }}, {{ this._parent.get_name() }}, {{ this.data_json }});
        {% endmacro %}"""
    )

    def __init__(self, bands: list[ZoneBand]):
        super().__init__()
        self._name = "ZoneBands"
        self.data_json = bands_geojson(bands)  # geometry, zone ids and styles only


def build_overlays(events: pd.DataFrame, layer_ids, import_colors: dict[str, str] | None = None) -> folium.FeatureGroup:
    """The legend, the out-of-view notice and the border zones of the events drawn, as one feature group."""
    group = folium.FeatureGroup(name="Map notes", control=False)
    events = events[[c for c in OVERLAY_COLUMNS if c in events.columns]]  # pandas is faster on few columns
    country = events["location_precision"].map(is_country_level).astype(bool) if len(events) else None
    bands = zone_bands(events[~country] if country is not None else events)
    if bands:
        _ZoneBands(bands).add_to(group)
    _Legend(legend_rows(events, layer_ids, import_colors or {})).add_to(group)
    _OutOfView(out_of_view_points(events)).add_to(group)
    return group


# The map reports its view (st_folium's component value, key VIEW_KEY) only while an export of the current view is
# chosen: then after each pan or zoom (one rerun each), else never. st_folium fixes its returned_objects when the
# map is first drawn, so its own "bounds" cannot be switched on later; this uses its public window.Streamlit.
VIEW_KEY = "view_bounds"


class _ViewReport(LiteralMacroElement):
    """Reports the map's bounds now and after every move while ``active`` (a view already reported is not sent
    again: redrawing the groups after a selection is no new view); removes its handler otherwise.

    A report carries st_folium's own value as it stands (the last clicked tooltip) and leaves that as
    st_folium's previous value, so st_folium's own move handler finds nothing new to send; the app
    reads a value with the view as a report, never as a click.
    """

    _template = folium.elements.Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
            if (window.__viewReport) { map.off('moveend', window.__viewReport); window.__viewReport = null; }
            {% if this.active %}
            var timer = null;
            function report() {
                clearTimeout(timer);
                timer = setTimeout(function () {
                    var global = window.__GLOBAL_DATA__, b = map.getBounds();
                    if (!global || !window.Streamlit) return;
                    var bounds = {_southWest: {lat: b.getSouth(), lng: b.getWest()},
                                  _northEast: {lat: b.getNorth(), lng: b.getEast()}};
                    if (JSON.stringify(bounds) === window.__viewReported) return;  // the app has this view
                    window.__viewReported = JSON.stringify(bounds);
                    var own = {last_object_clicked_tooltip: global.last_object_clicked_tooltip};
                    var data = Object.assign({}, own);
                    data[{{ this.key|tojson }}] = bounds;
                    global.previous_data = own;
                    window.Streamlit.setComponentValue(data);
                }, 300);
            }
            window.__viewReport = report;
            map.on('moveend', report);
            report();  // the view the user sees now
            {% endif %}
        })({{ this._parent._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, active: bool):
        super().__init__()
        self._name = "ViewReport"
        self.active = bool(active)
        self.key = VIEW_KEY


def view_report_group(active: bool) -> folium.FeatureGroup:
    """A feature group that makes the map report its view (``VIEW_KEY``) while ``active``; see _ViewReport."""
    group = folium.FeatureGroup(name="View report", control=False)
    _ViewReport(active).add_to(group)
    return group


__all__ = ["DECLUTTER_JS", "VIEW_KEY", "Declutter", "build_overlays", "category_color", "legend_rows", "out_of_view_points",
           "view_report_group"]
