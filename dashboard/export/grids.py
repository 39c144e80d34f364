"""Imported layers too large to draw one by one, on the snapshot: shaded grid cells with counts.

The same cells as the interactive map (:mod:`dashboard.aggregate`): one square per cell,
darker where more events fall (log scale), so a million rows print as a readable density
map; the figure says which layers are aggregated and at what cell size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba

from dashboard.aggregate import ImportedLayer
from dashboard.export.extent import _TO_MERCATOR


def draw_grids(ax, grids: Sequence[tuple[ImportedLayer, str]]) -> None:
    """Each aggregated layer as squares in its colour, opacity by count (beneath the curated events)."""
    for layer, color in grids:
        cells = layer.cells
        if cells is None or not len(cells):
            continue
        size = float(layer.cell_deg)
        lon, lat = cells["lon"].to_numpy(float), cells["lat"].to_numpy(float)
        corners_lon = np.stack([lon, lon + size, lon + size, lon], axis=1)
        corners_lat = np.clip(np.stack([lat, lat, lat + size, lat + size], axis=1), -85, 85)
        x, y = _TO_MERCATOR.transform(corners_lon, corners_lat)
        top = math.log1p(float(cells["count"].max()))
        alpha = 0.08 + 0.5 * np.log1p(cells["count"].to_numpy(float)) / top
        faces = [to_rgba(color, a) for a in alpha]
        ax.add_collection(PolyCollection(np.stack([x, y], axis=2), facecolors=faces, edgecolors=to_rgba(color, 0.6),
                                         linewidths=0.3, zorder=3.4, gid="snapshot-grid-cells"))


def grid_note(grids: Sequence[tuple[ImportedLayer, str]]) -> str:
    """One line saying which layers are drawn as counts, for the figure's foot."""
    return "; ".join(f"{layer.name}: {layer.matching:,} events shown as counts per {layer.cell_deg:g}° cell"
                     for layer, _color in grids)
