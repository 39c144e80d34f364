"""The events on the snapshot: markers, uncertainty rings and source numbers.

The markers follow the interactive map's conventions (colour by category, hollow when the
place is approximate, a dashed ring for the uncertainty, a dashed outline when unreviewed)
so a printed figure reads like the screen. Events at the same place share one label with
all their source numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import PatchCollection
from matplotlib.patches import Circle

from dashboard.mapping import APPROXIMATE, CATEGORY_COLORS, MAX_RING_KM


def _ring_radii(events: pd.DataFrame) -> np.ndarray:
    """Uncertainty ring radius per event in mercator units (0: no ring), as on the interactive map."""
    km = events["uncertainty_km"].to_numpy(float)
    ringed = (events["location_precision"] != "site").to_numpy() & (km <= MAX_RING_KM) & (km > 0)
    stretch = 1 / np.cos(np.radians(events["lat"].to_numpy(float)))  # mercator metres per true metre
    return np.where(ringed, km * 1000 * stretch, 0.0)


def _draw_events(ax, events: pd.DataFrame, x: np.ndarray, y: np.ndarray, *, detailed: bool,
                 numbers: list[list[int]] | None) -> None:
    """Markers coloured by category, hollow when approximate, dashed ring for the uncertainty."""
    if not len(events):
        return
    colors = [CATEGORY_COLORS.get(c, CATEGORY_COLORS["other"]) for c in events["category"]]
    approximate = events["location_precision"].isin(APPROXIMATE).to_numpy()
    faces = ["white" if hollow else color for hollow, color in zip(approximate, colors)]
    if detailed:
        radii = _ring_radii(events)
        ringed = np.flatnonzero(radii)
        if len(ringed):
            ax.add_collection(PatchCollection(
                [Circle((x[i], y[i]), radii[i]) for i in ringed], facecolors="none",
                edgecolors=[colors[i] for i in ringed],
                linewidths=0.8, linestyles="--", zorder=7, gid="snapshot-uncertainty"))
    # Unreviewed (machine-extracted) events get a dashed outline, as on the interactive map.
    unreviewed = (events["review_status"] == "unreviewed").to_numpy() if "review_status" in events else (
        np.zeros(len(events), bool))
    # Thousands of dots would bury the layers: then they are small and drawn beneath them.
    ax.scatter(x, y, s=42 if detailed else 8, c=faces, edgecolors=colors, linewidths=1.6 if detailed else 0.4,
               linestyles=[(0, (2, 1.2)) if flag else "solid" for flag in unreviewed],
               zorder=8 if detailed else 3.5, gid="snapshot-events")
    if numbers:
        halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
        for (xi, yi), place_numbers in _numbers_by_place(x, y, numbers).items():
            ax.annotate(",".join(map(str, place_numbers)), (xi, yi), xytext=(4, 3), textcoords="offset points",
                        fontsize=6.5, color="#111111", path_effects=halo, zorder=9, annotation_clip=True,
                        clip_on=True, gid="snapshot-event-label")


def _numbers_by_place(x: np.ndarray, y: np.ndarray, numbers: list[list[int]]) -> dict[tuple[float, float], list[int]]:
    """One label per map position: events at the same place (within ~100 m) share their source numbers."""
    places: dict[tuple[float, float], set[int]] = {}
    for xi, yi, event_numbers in zip(x, y, numbers):
        if event_numbers:
            places.setdefault((round(float(xi), -2), round(float(yi), -2)), set()).update(event_numbers)
    return {position: sorted(found) for position, found in places.items()}
