"""Map furniture around the snapshot: title, subtitle, legend, source list, scale bar, north arrow.

These are what let a reader trust a figure taken out of the dashboard: what it shows and
leaves out, what the symbols mean, where each number on the map comes from, the scale and
the orientation. Text is measured with the real font, and what does not fit is cut
visibly (a marked title, a counted rest of the source list), never silently.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend_handler import HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch
from matplotlib_scalebar.scalebar import ScaleBar

from dashboard.events import CATEGORIES
from dashboard.export.extent import _TO_LONLAT, BBox
from dashboard.export.labels import MIN_FONT_PT
from dashboard.export.markers import IMPORT_COLOR_COLUMN
from dashboard.export.zone_bands import zone_legend_handles
from dashboard.formatting import format_event_date
from dashboard.layers import LAYERS
from dashboard.symbology import BADGE_COLOR, category_color, is_approximate, is_country_level, ring_km


COLUMN_X = 0.655  # left edge of the column beside the map (legend, then sources)


def _draw_scale_bar(ax, extent: BBox):
    """One mercator metre is cos(latitude) real metres: the bar is true at the map's centre."""
    centre_lat = _TO_LONLAT.transform((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2)[1]
    metres_per_unit = math.cos(math.radians(centre_lat))
    bar = ScaleBar(metres_per_unit, units="m", location="lower left", box_alpha=0.8, font_properties={"size": MIN_FONT_PT},
                   fixed_value=nice_length_km((extent[2] - extent[0]) * metres_per_unit / 1000 * 0.2),
                   fixed_units="km")
    bar.set_gid("snapshot-scalebar")
    bar.set_zorder(9.5)  # above the events' markers: the scale stays readable in a dense view
    ax.add_artist(bar)
    return bar


def nice_length_km(target_km: float) -> float:
    """The largest 1, 2 or 5 × 10^n km not above ``target_km`` (kilometres even at continent scale)."""
    base = 10 ** math.floor(math.log10(target_km))
    return max(step * base for step in (1, 2, 5) if step * base <= target_km)


def _draw_north_arrow(ax):
    return ax.annotate("N", xy=(0.955, 0.95), xytext=(0.955, 0.84), xycoords="axes fraction", ha="center", va="center",
                fontsize=10, fontweight="bold", zorder=10, gid="snapshot-north-arrow",
                arrowprops={"facecolor": "#222222", "edgecolor": "#222222", "width": 3, "headwidth": 9,
                            "headlength": 8, "shrink": 0.0})


_SAMPLE = "Russia’s Taliban engagement: talks in Moscow, drills near the border — AFP, 17 Aug 2021 (0123)"


def _chars_that_fit(fig: Figure, width_fraction: float, fontsize: float, weight: str = "normal") -> int:
    """How many characters of ordinary text fit in a share of the figure's width, measured with the real font."""
    renderer = fig.canvas.get_renderer()
    width, _height, _descent = renderer.get_text_width_height_descent(
        _SAMPLE, FontProperties(size=fontsize, weight=weight), ismath=False)
    return max(int(width_fraction * fig.bbox.width / (width / len(_SAMPLE))), 10)


def _draw_header(fig: Figure, title: str, events: pd.DataFrame, layer_ids: list[str], *, rings_omitted: bool,
                 labels_omitted: bool, outside_count: int) -> None:
    """Title (at most two lines, a cut is marked) and a subtitle that says what the map shows and leaves out."""
    lines = textwrap.wrap(title, width=_chars_that_fit(fig, 0.97, 15, "bold")) or [""]
    if len(lines) > 2:  # never silently: the cut is marked
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width=len(lines[0]), placeholder=" …")]
    fig.text(0.015, 0.965, "\n".join(lines), fontsize=15, fontweight="bold", va="top", parse_math=False,
             gid="snapshot-title")
    count = f"{len(events):,} event{'s' if len(events) != 1 else ''} shown"
    if len(events):
        first, last = events["date_start"].min(), events["date_end"].max()
        span = format_event_date(first, last, "range")
        if first.year == last.year and span == f"{first.year}–{last.year}":
            span = str(first.year)
        count += f" (dated {span})"
    if outside_count:
        count += f", {outside_count:,} more outside this view"
    subtitle = count  # the layers are named in the legend
    if rings_omitted:
        subtitle += " · uncertainty rings omitted at this number of events"
    if labels_omitted:
        subtitle += " · markers not numbered at this number of events"
    title_line = 15 * 1.25 / 72 / fig.get_figheight()  # one title line as a figure fraction
    subtitle = textwrap.shorten(subtitle, width=_chars_that_fit(fig, 0.97, 10), placeholder=" …")
    fig.text(0.015, 0.965 - title_line * len(lines) - 0.008, subtitle, fontsize=10, color="#444444", va="top",
             parse_math=False, gid="snapshot-subtitle")


def imported_mask(events: pd.DataFrame) -> np.ndarray:
    """True for the imported rows drawn in their dataset's colour."""
    if IMPORT_COLOR_COLUMN not in events or not len(events):
        return np.zeros(len(events), bool)
    return events[IMPORT_COLOR_COLUMN].map(lambda value: isinstance(value, str)).to_numpy(bool)


def imported_colors(events: pd.DataFrame) -> dict[str, str]:
    """Each imported dataset among ``events`` and its colour, in order of appearance."""
    mask = imported_mask(events)
    if not mask.any():
        return {}
    names = events["dataset"] if "dataset" in events else events["id"].str.split(":").str[0]
    return dict(zip(names[mask], events.loc[mask, IMPORT_COLOR_COLUMN]))


def _draw_legend(fig: Figure, events: pd.DataFrame, layer_ids: list[str], zone_bands=(), *, rings: bool = True):
    """What is drawn, as on the live map: categories of the points, the symbols used, the border zones
    of the events, the toggled layers."""
    country = events["location_precision"].map(is_country_level).to_numpy(bool) if len(events) else np.zeros(0, bool)
    points = events[~country] if len(events) else events
    imported = imported_mask(points)
    present = list(dict.fromkeys(points.loc[~imported, "category"])) if len(points) else []
    handles = [Line2D([], [], marker="o", linestyle="", markersize=6, markerfacecolor=category_color(c),
                      markeredgecolor=category_color(c), label=c.replace("_", " "))
               for c in CATEGORIES if c in present]
    precisions = list(zip(points["location_precision"], points["uncertainty_km"])) if len(points) else []
    if any(is_approximate(p, u) for p, u in precisions):
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=6, markerfacecolor="white",
                              markeredgecolor="#555555", markeredgewidth=1.5, label="hollow: approximate place"))
    if rings and any(ring_km(p, u) for p, u in precisions):
        handles.append(Circle((0, 0), 1, facecolor="none", edgecolor="#555555", linewidth=0.8, linestyle="--",
                              label="dashed ring: uncertainty"))
    for name, color in imported_colors(points).items():  # one line per imported dataset, in its colour
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=6, markerfacecolor=color,
                              markeredgecolor=color, label=f"{name} (imported dataset)"))
    if country.any():
        handles.append(Line2D([], [], marker="s", linestyle="", markersize=8, color=BADGE_COLOR,
                              label="badge: events placed only by country"))
    handles += zone_legend_handles(list(zone_bands))
    handler_map = {Circle: HandlerPatch(patch_func=_ring_handle)}
    if "review_status" in events and (events["review_status"] == "unreviewed").any():
        unreviewed = Circle((0, 0), 1, facecolor="white", edgecolor="#555555", linewidth=1.5,
                            linestyle=(0, (2, 1.2)), label="dashed outline: unreviewed")
        handles.append(unreviewed)
        handler_map[unreviewed] = HandlerPatch(patch_func=_marker_handle)
    for layer_id in layer_ids:
        layer = LAYERS[layer_id]
        if layer_id == "border":
            handles.append(Line2D([], [], color=layer.color, linewidth=2.2, label=layer.label))
        elif layer_id == "base_201":
            handles.append(Line2D([], [], marker="s", linestyle="", markersize=6, color=layer.color, label=layer.label))
        else:
            handles.append(Patch(facecolor=matplotlib.colors.to_rgba(layer.color, 0.18), edgecolor=layer.color,
                                 label=layer.label))
    # Two columns when there are many entries and every label fits half the column's width.
    half = _chars_that_fit(fig, (0.99 - COLUMN_X) / 2, MIN_FONT_PT) - 4  # minus the symbol
    ncols = 2 if len(handles) > 10 and max(len(h.get_label()) for h in handles) <= half else 1
    legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(COLUMN_X - 0.005, 0.86), frameon=False,
                        fontsize=MIN_FONT_PT, title="Legend", title_fontsize=10, alignment="left",
                        ncols=ncols, handletextpad=0.4, columnspacing=0.8, handler_map=handler_map)
    legend.set_gid("snapshot-legend")
    legend.get_title().set_fontweight("bold")
    return legend


def _ring_handle(legend, orig_handle, xdescent, ydescent, width, height, fontsize):
    return Circle((width / 2 - xdescent, height / 2 - ydescent), height * 0.75)


def _marker_handle(legend, orig_handle, xdescent, ydescent, width, height, fontsize):
    return Circle((width / 2 - xdescent, height / 2 - ydescent), height * 0.4)


def _draw_source_list(fig: Figure, legend, entries: list[str], *, numbered: bool) -> None:
    """The numbered sources under the legend; what does not fit is counted, not cut mid-line."""
    renderer = fig.canvas.get_renderer()
    legend_box = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted())
    top = legend_box.y0 - 0.025
    bottom = 0.075
    fontsize = MIN_FONT_PT
    line_height = fontsize * 1.3 / 72 / fig.get_figheight()  # figure fraction per line
    width_chars = _chars_that_fit(fig, 0.99 - COLUMN_X, fontsize)
    budget = max(int((top - bottom) / line_height) - 1, 1)
    lines: list[str] = []
    shown = 0
    for number, entry in enumerate(entries, start=1):
        wrapped = textwrap.wrap(f"{number}. {entry}", width=width_chars, subsequent_indent="    ")
        if len(lines) + len(wrapped) > budget - (1 if number < len(entries) else 0):
            break
        lines += wrapped
        shown = number
    if shown < len(entries):
        lines.append(f"… and {len(entries) - shown} more (see the CSV export)")
    if not entries:
        lines = ["No events in this view."]
    fig.text(COLUMN_X, top, "Sources (numbers on the map)" if numbered else "Sources", fontsize=10, fontweight="bold", va="top",
             gid="snapshot-sources-heading")
    fig.text(COLUMN_X, top - 0.035, "\n".join(lines), fontsize=fontsize, va="top", linespacing=1.3,
             parse_math=False, gid="snapshot-sources")
