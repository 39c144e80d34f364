"""The basemap and the toggled layers, drawn on the snapshot's map axes.

Countries, rivers and place names come from the offline context files; the layers
(border, zones, bases) from the layer registry. Each GeoJSON file is read and projected to
Web Mercator once per modification time and cached; before plotting, geometries are
simplified to about a pixel (the context is also clipped to the view), so a
continent-wide figure stays fast.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import matplotlib
from matplotlib.patches import Circle

from dashboard.export.extent import _TO_LONLAT, _TO_MERCATOR, BBox
from dashboard.export.labels import CENTRED, LabelLayer
from dashboard.layers import CONTEXT_DIR, LAYERS, layer_path, read_geojson

MIN_LABELLED_COUNTRY_SHARE = 0.004  # smaller countries (in view) stay unlabelled, their names would collide

LAND = "#f4f1ea"
SEA = "#dce8f2"
BORDER_GREY = "#9a9a9a"
RIVER = "#6a9fd4"


@lru_cache(maxsize=16)
def _mercator_frame(path: Path, _mtime: float) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame.from_features(read_geojson(path)["features"], crs="EPSG:4326")
    return frame.to_crs("EPSG:3857")


def mercator_frame(path: Path) -> gpd.GeoDataFrame:
    """A GeoJSON file in Web Mercator, read once per modification time (callers must not mutate it)."""
    return _mercator_frame(Path(path), Path(path).stat().st_mtime)


def _in_view(frame: gpd.GeoDataFrame, extent: BBox, tolerance: float) -> gpd.GeoSeries:
    """The frame's geometries clipped to a padded extent and simplified to about a pixel."""
    x0, y0, x1, y1 = extent
    pad = 0.05 * (x1 - x0)
    view = frame.cx[x0 - pad:x1 + pad, y0 - pad:y1 + pad]
    clipped = view.geometry.clip_by_rect(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    clipped = clipped[~clipped.is_empty]
    return clipped.simplify(tolerance)


def _draw_basemap(ax, extent: BBox, tolerance: float, labels: LabelLayer) -> None:
    ax.set_facecolor(SEA)
    countries = mercator_frame(CONTEXT_DIR / "countries.geojson")
    land = _in_view(countries, extent, tolerance)
    if len(land):
        land.plot(ax=ax, facecolor=LAND, edgecolor=BORDER_GREY, linewidth=0.6, zorder=1, aspect=None)
    rivers = _in_view(mercator_frame(CONTEXT_DIR / "rivers.geojson"), extent, tolerance)
    if len(rivers):
        rivers.plot(ax=ax, color=RIVER, linewidth=0.8, zorder=2, aspect=None)
    x0, y0, x1, y1 = extent
    view_area = (x1 - x0) * (y1 - y0)
    for row in countries.itertuples():
        lx, ly = _TO_MERCATOR.transform(float(row.label_x), float(row.label_y))
        if x0 < lx < x1 and y0 < ly < y1 and row.geometry.area > MIN_LABELLED_COUNTRY_SHARE * view_area:
            labels.add_label(ax, str(row.name).upper(), (lx, ly), rank=3, positions=CENTRED, color="#8a8a8a",
                             style="italic", zorder=3, bbox=None, gid="snapshot-country-name")
    places = mercator_frame(CONTEXT_DIR / "places.geojson")
    for row in places.itertuples():
        if row.kind in ("country", "province", "site"):
            continue
        px, py = row.geometry.x, row.geometry.y
        if not (x0 < px < x1 and y0 < py < y1):
            continue
        ax.plot(px, py, "o", markersize=2.5, color="#333333", zorder=3)
        labels.add_marker(px, py, 1.6)
        rank = 1 if row.kind == "capital" else 2 if row.kind == "city" else 4
        # Capitals and cities stay named in a dense view, over the events' dots (labels.place_labels).
        labels.add_label(ax, str(row.name), (px, py), rank=rank, over_dots=rank <= 2,
                         color="#333333", fontweight="bold" if row.kind == "capital" else "normal", zorder=9,
                         gid="snapshot-place")


def _draw_layer(ax, layer_id: str, extent: BBox, tolerance: float, labels: LabelLayer) -> None:
    layer = LAYERS[layer_id]
    frame = mercator_frame(layer_path(layer_id))
    for row in frame.itertuples():
        geometry = row.geometry
        kind = str(getattr(row, "kind", "") or "")
        if geometry.geom_type in ("Polygon", "MultiPolygon"):
            dashed = kind.startswith("candidate_zone")
            gpd.GeoSeries([geometry]).simplify(tolerance / 2).plot(
                ax=ax, facecolor=matplotlib.colors.to_rgba(layer.color, 0.08 if dashed else 0.18),
                edgecolor=layer.color, linewidth=1.2, linestyle="--" if dashed else "-", zorder=4, aspect=None)
        elif geometry.geom_type in ("LineString", "MultiLineString"):
            gpd.GeoSeries([geometry]).simplify(tolerance / 2).plot(
                ax=ax, color=layer.color, linewidth=2.2, zorder=5, aspect=None)
        elif geometry.geom_type == "Point":
            lat = _TO_LONLAT.transform(geometry.x, geometry.y)[1]
            uncertainty = float(getattr(row, "uncertainty_km", 0) or 0)
            if uncertainty >= 10:
                ax.add_patch(Circle((geometry.x, geometry.y), uncertainty * 1000 / math.cos(math.radians(lat)),
                                    facecolor=matplotlib.colors.to_rgba(layer.color, 0.05), edgecolor=layer.color,
                                    linewidth=0.8, linestyle="--", zorder=4))
            former = getattr(row, "status", None) == "former"
            ax.plot(geometry.x, geometry.y, "s", markersize=6.5, markeredgewidth=1.6, markeredgecolor=layer.color,
                    markerfacecolor="white" if former else layer.color, zorder=6)
            labels.add_marker(geometry.x, geometry.y, 4.6)  # the square's half diagonal
