"""The snapshot figure and its PNG and PDF renders.

``build_snapshot_figure`` puts the map together in an order that can be read at a glance:
pick the extent, keep the events inside it, draw the basemap, the layers and the events,
then the furniture (the drawing itself lives in basemap, markers and furniture). The size
presets set its pixels and dpi. The renders hold the render lock: matplotlib is not
thread-safe, so snapshots from concurrent Streamlit sessions take turns.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Iterable, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from dashboard.export.basemap import _draw_basemap, _draw_layer
from dashboard.export.extent import (
    _TO_MERCATOR,
    DEFAULT_BBOX,
    _fit_extent,
    _match_aspect,
    _mercator_bbox,
    check_bbox,
)
from dashboard.export.grids import draw_grids, grid_note
from dashboard.export.furniture import (
    _chars_that_fit,
    _draw_header,
    _draw_legend,
    _draw_north_arrow,
    _draw_scale_bar,
    _draw_source_list,
)
from dashboard.export.inset import draw_overview_inset, outside_note
from dashboard.export.labels import MIN_FONT_PT, LabelLayer, place_labels
from dashboard.export.markers import _draw_events, _ring_radii, badge_positions, country_level_mask, is_dense
from dashboard.export.sources import attributions, cited_sources, imported_credits
from dashboard.export.zone_bands import draw_zone_bands
from dashboard.layers import LAYERS
from dashboard.mapping import MAX_DETAILED_EVENTS
from dashboard.zone_bands import zone_bands

# name -> (width px, height px, dpi). The dpi sets how big text and markers come out.
SIZE_PRESETS: dict[str, tuple[int, int, int]] = {
    "slide": (1600, 1000, 160),  # 10 × 6.25 in, 16:10 slide
    "a4": (3508, 2480, 300),  # A4 landscape at 300 dpi
}
SIZE_LABELS = {"slide": "Slide (1600×1000 px)", "a4": "A4 landscape (300 dpi)"}
MAX_LABELLED_EVENTS = 400  # above this, source numbers next to markers are unreadable


def _size(size: str) -> tuple[int, int, int]:
    """(width px, height px, dpi) for a preset name or 'WIDTHxHEIGHT'."""
    if size in SIZE_PRESETS:
        return SIZE_PRESETS[size]
    try:
        width, height = (int(v) for v in size.lower().split("x"))
    except ValueError:
        raise ValueError(f"size {size!r}: use {', '.join(SIZE_PRESETS)} or WIDTHxHEIGHT in pixels") from None
    for name, (w, h, dpi) in SIZE_PRESETS.items():
        if (w, h) == (width, height):
            return SIZE_PRESETS[name]
    if not (400 <= width <= 10000 and 300 <= height <= 10000):
        raise ValueError(f"size {size!r}: width 400–10000 and height 300–10000 pixels")
    return width, height, max(72, round(width / 10))  # about 10 inches wide, like the slide preset


def build_snapshot_figure(
    events: pd.DataFrame,
    articles: dict[str, dict],
    layer_ids: Iterable[str],
    *,
    title: str,
    bbox: Sequence[float] | None = None,
    size: str = "slide",
    label_sources: bool = True,
    grids: Sequence = (),
    fit_events: bool = False,
) -> Figure:
    """The snapshot as a matplotlib Figure (not yet rasterized, so tests can inspect its artists).

    ``bbox`` (minlon, minlat, maxlon, maxlat) is the on-screen extent; without it the map
    shows the region of interest, as the live map opens (``fit_events`` fits the events instead). The extent grows to fill the map frame, never shrinks. ``grids`` are
    (aggregated imported layer, colour) pairs drawn as counts per cell (dashboard.export.grids).
    """
    width_px, height_px, dpi = _size(size)
    layer_ids = [layer_id for layer_id in LAYERS if layer_id in set(layer_ids)]
    # The Agg canvas is attached only once the map is drawn: geopandas calls draw_idle() after
    # every plot, which an attached Agg canvas would honour with a full render each time.
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    map_box = (0.015, 0.1, 0.625, 0.755)  # left, bottom, width, height in figure fractions
    ax = fig.add_axes(map_box)
    ax.set_gid("snapshot-map")

    x, y = _TO_MERCATOR.transform(events["lon"].to_numpy(float), events["lat"].to_numpy(float)) if len(events) else (
        np.zeros(0), np.zeros(0))
    x, y = badge_positions(events, np.asarray(x, float), np.asarray(y, float))
    if bbox is not None:
        extent = _mercator_bbox(check_bbox(bbox))
    elif fit_events and len(events):
        extent = _fit_extent(x, y, _ring_radii(events) if len(events) <= MAX_DETAILED_EVENTS else np.zeros(len(x)))
    elif grids and not len(events):
        extent = _grid_extent(grids)
    else:
        extent = _mercator_bbox(DEFAULT_BBOX)  # the region of interest, as the live map opens
    extent = _match_aspect(extent, (map_box[2] * width_px) / (map_box[3] * height_px))
    tolerance = (extent[2] - extent[0]) / (map_box[2] * width_px)  # about one pixel
    # Events inside the frame are drawn, counted and cited; those outside go to the overview inset
    # and are named under the map, so nothing is silently dropped.
    inside = (x >= extent[0]) & (x <= extent[2]) & (y >= extent[1]) & (y <= extent[3])
    outside = events[~inside]
    outside_xy = (x[~inside], y[~inside])
    events, x, y = events[inside], x[inside], y[inside]

    labels = LabelLayer()
    _draw_basemap(ax, extent, tolerance, labels)
    # The zones of the events placed "near the border", beneath the layers (their markers sit at its midpoint).
    bands = zone_bands(events[~country_level_mask(events)])
    draw_zone_bands(ax, bands)
    for layer_id in layer_ids:
        _draw_layer(ax, layer_id, extent, tolerance, labels)
    draw_grids(ax, grids)
    sources = cited_sources(events, articles)
    detailed = len(events) <= MAX_DETAILED_EVENTS
    dense = is_dense(events)  # dots without rings; the names of capitals and cities may lie over them
    numbered = label_sources and len(events) <= MAX_LABELLED_EVENTS
    _draw_events(ax, events, x, y, detailed=detailed, dense=dense, numbers=sources.numbers if numbered else None,
                 labels=labels)

    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#555555")
        spine.set_linewidth(0.8)
    labels.fixed.append(_draw_scale_bar(ax, extent))
    labels.fixed.append(_draw_north_arrow(ax))
    if len(outside):
        names = [(*label.artist.xy, label.rank) for label in labels.labels if label.over_dots]  # capitals, cities
        labels.fixed.append(draw_overview_inset(fig, ax, extent, outside, *outside_xy, x, y, keep_clear=names))

    canvas = FigureCanvasAgg(fig)
    place_labels(ax, labels, canvas.get_renderer())
    _draw_header(fig, title, events, layer_ids, rings_omitted=dense,
                 labels_omitted=label_sources and not numbered, outside_count=len(outside))
    legend = _draw_legend(fig, events, layer_ids, bands, rings=not dense)
    _draw_source_list(fig, legend, sources.entries, numbered=numbered)
    margin = [imported_credits(events)] if imported_credits(events) else []  # the datasets drawn, first
    margin += [outside_note(outside)] if len(outside) else []
    if grids:
        margin.append(grid_note(grids))
    if margin:
        width = _chars_that_fit(fig, 0.62, MIN_FONT_PT)
        lines = textwrap.wrap(" · ".join(margin), width=width)
        if len(lines) > 2:  # the cut is marked; the CSV export lists every event
            lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width=width, placeholder=" …")]
        fig.text(0.015, 0.084, "\n".join(lines), fontsize=MIN_FONT_PT, color="#444444", va="top", linespacing=1.15,
                 parse_math=False, gid="snapshot-outside")
    credits = "Map data: " + "; ".join(attributions(layer_ids))
    fig.text(0.015, 0.02, credits, fontsize=MIN_FONT_PT, color="#444444", va="center", parse_math=False,
             gid="snapshot-attribution", wrap=True)
    fig.text(0.985, 0.02, "Web Mercator (EPSG:3857)", fontsize=MIN_FONT_PT, color="#777777", ha="right", va="center")
    _literal_text(fig)
    return fig


def _grid_extent(grids) -> tuple[float, float, float, float]:
    """The mercator extent of aggregated layers' cells (when there are no single events to fit)."""
    cells = [(layer.cells, layer.cell_deg) for layer, _ in grids if layer.cells is not None and len(layer.cells)]
    if not cells:
        return _mercator_bbox(DEFAULT_BBOX)
    lon0 = min(float(c["lon"].min()) for c, _ in cells)
    lat0 = min(float(c["lat"].min()) for c, _ in cells)
    lon1 = max(float(c["lon"].max()) + size for c, size in cells)
    lat1 = max(float(c["lat"].max()) + size for c, size in cells)
    return _mercator_bbox((lon0, max(lat0, -85.0), lon1, min(lat1, 85.0)))


def _literal_text(fig: Figure) -> None:
    """Every text on the figure is drawn as written: "$x^2$" in a title or a place name stays
    those five characters, never mathtext (which would also fail the render on bad TeX)."""
    for text in fig.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)


# Matplotlib is not thread-safe and Streamlit serves each session (and each deferred
# download) on its own thread: renders take turns.
_RENDER_LOCK = threading.Lock()


def _save(fig: Figure, fmt: str, title: str, credits: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Title": title, "Author": credits} if fmt == "pdf" else {"Title": title, "Source": credits}
    # SVG keeps its text as text (fonttype none), so designers can edit the labels; the PDF embeds
    # TrueType fonts (42), whose true metrics PDF readers use to measure and select words.
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, metadata=metadata)
    return buffer.getvalue()


def render_snapshot_png(
    events: pd.DataFrame,
    articles: dict[str, dict],
    layer_ids: Iterable[str],
    *,
    title: str,
    bbox: Sequence[float] | None = None,
    size: str = "slide",
    label_sources: bool = True,
    grids: Sequence = (),
    fit_events: bool = False,
) -> bytes:
    """The snapshot as PNG bytes of exactly the preset's pixel size."""
    return _render("png", events, articles, layer_ids, title=title, bbox=bbox, size=size, label_sources=label_sources,
                   grids=grids, fit_events=fit_events)


def render_snapshot_pdf(
    events: pd.DataFrame,
    articles: dict[str, dict],
    layer_ids: Iterable[str],
    *,
    title: str,
    bbox: Sequence[float] | None = None,
    size: str = "a4",
    label_sources: bool = True,
    grids: Sequence = (),
    fit_events: bool = False,
) -> bytes:
    """The snapshot as a one-page vector PDF (A4 landscape, or the slide's aspect)."""
    return _render("pdf", events, articles, layer_ids, title=title, bbox=bbox, size=size, label_sources=label_sources,
                   grids=grids, fit_events=fit_events)


def render_snapshot_svg(
    events: pd.DataFrame,
    articles: dict[str, dict],
    layer_ids: Iterable[str],
    *,
    title: str,
    bbox: Sequence[float] | None = None,
    size: str = "slide",
    label_sources: bool = True,
    grids: Sequence = (),
    fit_events: bool = False,
) -> bytes:
    """The snapshot as SVG with its text kept as <text> elements (for designers)."""
    return _render("svg", events, articles, layer_ids, title=title, bbox=bbox, size=size, label_sources=label_sources,
                   grids=grids, fit_events=fit_events)


def _render(fmt: str, events, articles, layer_ids, *, title, bbox, size, label_sources, grids=(), fit_events=False) -> bytes:
    layer_ids = list(layer_ids)
    with _RENDER_LOCK:
        fig = build_snapshot_figure(events, articles, layer_ids, title=title, bbox=bbox, size=size,
                                    label_sources=label_sources, grids=grids, fit_events=fit_events)
        return _save(fig, fmt, title, "Map data: " + "; ".join(attributions(layer_ids)))
