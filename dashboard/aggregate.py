"""Imported layers too large to draw one by one: counts per grid cell instead of points.

A browser map stays usable up to some tens of thousands of points. Measured with
``python -m benchmarks.browser_points`` (headless Chromium on the 2-core development machine,
under load): 10,000 clustered points 1.0 MB, drawn in 2.6 s, a zoom step 1.1 s; 20,000:
1.6 MB, 4.2 s, 2.3 s; 50,000: 3.3 MB, 7.0 s; 100,000: 6.2 MB, 27 s. Beyond 20,000 a layer's
matching rows are counted per square cell by the store (a SQL ``GROUP BY``, so no row becomes
a Python object) and the map draws one shaded square per cell with its count, and says so.
The snapshot exports use the same cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
import pandas as pd

from dashboard.assets import localize
from dashboard.filters import ViewState

# Above this many matching rows a layer is drawn as grid-cell counts: past it the page takes
# several seconds to draw and each zoom over two (see the module docstring).
AGGREGATE_ABOVE = 20_000
# About this many cells across the wider side of the rows' extent.
CELLS_ACROSS = 60
_NICE_SIZES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)


@dataclass
class ImportedLayer:
    """What one imported dataset shows in a view: its rows, or its grid cells when too many."""

    name: str
    total: int  # rows in the dataset
    matching: int  # rows in the view
    rows: pd.DataFrame | None = None  # when drawn one by one
    cells: pd.DataFrame | None = None  # lon, lat (cell's south-west corner), count: when aggregated
    cell_deg: float | None = None
    points_only: bool = False  # rows hold only id, lon, lat and category (enough for a compact cluster)

    @property
    def aggregated(self) -> bool:
        return self.cells is not None

    def caption(self) -> str:
        text = f"{self.name}: {self.matching:,} of {self.total:,} imported events"
        if self.aggregated:
            text += (f", shown as counts per {self.cell_deg:g}° grid cell (more than {AGGREGATE_ABOVE:,} "
                     "match: too many to draw one by one; narrow the window or filters to see them)")
        return text


def cell_size(extent: tuple[float, float, float, float] | None) -> float:
    """A round cell size (degrees) giving about :data:`CELLS_ACROSS` cells over the extent."""
    if extent is None:
        return 1.0
    span = max(extent[2] - extent[0], extent[3] - extent[1], 1e-9)
    wanted = span / CELLS_ACROSS
    return next((size for size in _NICE_SIZES if size >= wanted), _NICE_SIZES[-1])


def imported_layer(store, name: str, total: int, state: ViewState, limit: int | None = AGGREGATE_ABOVE,
                   points_above: int | None = None) -> ImportedLayer:
    """The view of one dataset: its rows when at most ``limit`` match (always for None), else grid counts.

    Above ``points_above`` matching rows only the columns a compact cluster draws are read
    (the live map draws that many as dots without cards, see mapping.MAX_DETAILED_EVENTS).
    """
    matching, extent = store.count_and_extent(name, state)  # one pass over the view's rows
    if points_above is not None and matching > points_above and (limit is None or matching <= limit):
        return ImportedLayer(name, total, matching, rows=store.points(name, state), points_only=True)
    if limit is None or matching <= limit:
        return ImportedLayer(name, total, matching, rows=store.rows(name, state))
    size = cell_size(extent)
    return ImportedLayer(name, total, matching, cells=store.grid(name, state, size), cell_deg=size)


def build_grid_group(layer: ImportedLayer, color: str) -> folium.FeatureGroup:
    """One square per cell, shaded by its count (log scale), with the count as tooltip."""
    group = folium.FeatureGroup(name=layer.name)
    cells = layer.cells
    top = math.log1p(float(cells["count"].max())) if len(cells) else 1.0
    size = float(layer.cell_deg)
    features = []
    for lon, lat, count in cells.itertuples(index=False):
        lon, lat, count = float(lon), float(lat), int(count)
        features.append({
            "type": "Feature",
            "properties": {"count": count, "opacity": round(0.08 + 0.5 * math.log1p(count) / top, 3),
                           "tip": f"{count:,} events"},
            "geometry": {"type": "Polygon", "coordinates": [[
                [round(lon, 5), round(lat, 5)], [round(lon + size, 5), round(lat, 5)],
                [round(lon + size, 5), round(lat + size, 5)], [round(lon, 5), round(lat + size, 5)],
                [round(lon, 5), round(lat, 5)]]]},
        })
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda feature: {"color": color, "weight": 0.5, "fillColor": color,
                                        "fillOpacity": feature["properties"]["opacity"],
                                        "className": "event-grid-cell"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        control=False,
    ).add_to(group)
    localize(group)  # streamlit-folium adds groups after the base map was localized
    return group
