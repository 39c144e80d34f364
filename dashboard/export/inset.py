"""The overview inset: where the events outside the frame are, with the frame drawn on it.

A snapshot focused on the region of interest still accounts for every event: those outside
the frame appear as dots on a small locator map in the corner with the fewest markers,
and are named under the map (``outside_note``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from dashboard.export.basemap import BORDER_GREY, LAND, SEA, _in_view, mercator_frame
from dashboard.export.extent import BBox, _match_aspect
from dashboard.layers import CONTEXT_DIR
from dashboard.symbology import BADGE_COLOR, country_badge_groups, is_country_level, marker_colors

INSET_WIDTH = 0.3  # share of the map's width
FRAME_COLOR = "#c0392b"


def _corner(ax_extent: BBox, inside_x: np.ndarray, inside_y: np.ndarray, width: float, height: float,
            keep_clear: Sequence[tuple[float, float, int]] = ()) -> tuple[float, float]:
    """Lower-right or upper-left (the scale bar and north arrow hold the other two): the one that hides
    the fewest capitals, then cities (``keep_clear``: x, y, rank 1 or 2), then events."""
    x0, y0, x1, y1 = ax_extent
    corners = {(1 - width - 0.012, 0.012): None, (0.012, 1 - height - 0.012): None}
    places = np.array(keep_clear, float).reshape(-1, 3)
    best, fewest = None, None
    for fx, fy in corners:
        cx0, cx1 = x0 + fx * (x1 - x0), x0 + (fx + width) * (x1 - x0)
        cy0, cy1 = y0 + fy * (y1 - y0), y0 + (fy + height) * (y1 - y0)

        def covered(px, py):
            return (px >= cx0) & (px <= cx1) & (py >= cy0) & (py <= cy1)

        hidden_places = covered(places[:, 0], places[:, 1])
        count = (int((hidden_places & (places[:, 2] <= 1)).sum()), int(hidden_places.sum()),
                 int(covered(inside_x, inside_y).sum()))
        if fewest is None or count < fewest:
            best, fewest = (fx, fy), count
    return best


def draw_overview_inset(fig, ax, extent: BBox, outside: pd.DataFrame, out_x: np.ndarray, out_y: np.ndarray,
                        inside_x: np.ndarray, inside_y: np.ndarray, keep_clear: Sequence[tuple[float, float, int]] = ()):
    """A locator map inside the main map's corner; returns its axes (labels keep clear of it)."""
    xs = np.concatenate([out_x, [extent[0], extent[2]]])
    ys = np.concatenate([out_y, [extent[1], extent[3]]])
    span = max(xs.max() - xs.min(), ys.max() - ys.min()) * 0.08
    pos = ax.get_position()
    aspect_box = (INSET_WIDTH * pos.width * fig.get_figwidth()) / (INSET_WIDTH * 0.75 * pos.width * fig.get_figwidth())
    view = _match_aspect((xs.min() - span, ys.min() - span, xs.max() + span, ys.max() + span), aspect_box)
    width, height = INSET_WIDTH, INSET_WIDTH * 0.75 * pos.width * fig.get_figwidth() / (pos.height * fig.get_figheight())
    fx, fy = _corner(extent, inside_x, inside_y, width, height, keep_clear)
    inset = fig.add_axes((pos.x0 + fx * pos.width, pos.y0 + fy * pos.height, width * pos.width, height * pos.height))
    inset.set_gid("snapshot-overview")
    inset.set_facecolor(SEA)
    tolerance = (view[2] - view[0]) / 300
    land = _in_view(mercator_frame(CONTEXT_DIR / "countries.geojson"), view, tolerance)
    if len(land):
        land.plot(ax=inset, facecolor=LAND, edgecolor=BORDER_GREY, linewidth=0.3, aspect=None)
    inset.add_patch(Rectangle((extent[0], extent[1]), extent[2] - extent[0], extent[3] - extent[1], fill=False,
                              edgecolor=FRAME_COLOR, linewidth=1.4, zorder=5, gid="snapshot-overview-frame"))
    country = outside["location_precision"].map(is_country_level).to_numpy(bool)
    colors = [BADGE_COLOR if flag else color for flag, color in zip(country, marker_colors(outside))]
    inset.scatter(out_x, out_y, s=14, c=colors, edgecolors="white", linewidths=0.5, zorder=6,
                  marker="o", gid="snapshot-overview-events")
    inset.set_xlim(view[0], view[2])
    inset.set_ylim(view[1], view[3])
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    for spine in inset.spines.values():
        spine.set_edgecolor("#555555")
        spine.set_linewidth(0.8)
    return inset


def outside_names(outside: pd.DataFrame) -> list[tuple[str, int]]:
    """(place or country, number of events) for the events outside the frame, most first."""
    country = outside["location_precision"].map(is_country_level).astype(bool)
    counts = Counter(outside.loc[~country, "place"].astype(str))
    for _iso, name, _lon, _lat, frame in country_badge_groups(outside[country]):
        counts[name] += len(frame)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def outside_note(outside: pd.DataFrame) -> str:
    """'Outside the frame (overview inset): Russia 7, Moscow 3, Ningxia 1' — nothing silently dropped."""
    named = ", ".join(f"{name} {count}" for name, count in outside_names(outside))
    return f"{len(outside):,} outside the frame (see the overview): {named}"
