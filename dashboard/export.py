"""Map snapshots: what the user sees, as PNG, PDF, standalone HTML, GeoJSON and CSV.

The PNG and PDF are drawn on the server with geopandas/matplotlib (Agg, no internet) in
Web Mercator, so they look like the interactive map: the same layers and colours, the
same filtered events, the same extent. Every figure carries what a reader needs to trust
it: title with dates and filters, legend, scale bar, north arrow, data attribution and a
numbered list of the cited articles (markers carry those numbers).

Also a command line for automation (formats follow the --out extension)::

    python -m dashboard.export --start 2021-08-01 --end 2021-10-31 \\
        --layers border,panjshir,kharb_maydon,base_201 --size a4 --out figure.png

CSV and formula injection: spreadsheet programs run a cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula (``=HYPERLINK(...)`` can leak data
or mislead). Text cells that begin with one of these get a leading single quote ``'``,
as OWASP recommends; Excel hides the quote and shows the text. Numbers (lon, lat,
uncertainty) are never prefixed. The GeoJSON keeps every string exactly as stored.
The CSV is UTF-8 with a byte-order mark so Excel reads Cyrillic and Dari names correctly.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import escape
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # server-side rendering, never a window

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend_handler import HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch
from matplotlib_scalebar.scalebar import ScaleBar
from pyproj import Transformer

from dashboard.events import CATEGORIES
from dashboard.filters import ViewState, ViewStateError, filter_events, parse_date, split_list
from dashboard.formatting import format_event_date
from dashboard.layers import CONTEXT_ATTRIBUTION, CONTEXT_DIR, LAYERS, layer_path, read_geojson
from dashboard.mapping import APPROXIMATE, CATEGORY_COLORS, MAX_DETAILED_EVENTS, MAX_RING_KM, build_map, standalone_html

# name -> (width px, height px, dpi). The dpi sets how big text and markers come out.
SIZE_PRESETS: dict[str, tuple[int, int, int]] = {
    "slide": (1600, 1000, 160),  # 10 × 6.25 in, 16:10 slide
    "a4": (3508, 2480, 300),  # A4 landscape at 300 dpi
}
SIZE_LABELS = {"slide": "Slide (1600×1000 px)", "a4": "A4 landscape (300 dpi)"}
FORMATS = {  # extension -> MIME type
    "png": "image/png",
    "pdf": "application/pdf",
    "html": "text/html",
    "geojson": "application/geo+json",
    "csv": "text/csv",
}
# The region the interactive map opens on, used when there is neither a bbox nor an event.
DEFAULT_BBOX = (64.0, 33.5, 75.5, 41.0)
FIT_MARGIN = 0.12  # share of the events' span added on every side
MIN_EXTENT_KM = 400.0  # a single event still shows its surroundings
MAX_MERCATOR_LAT = 85.0
MAX_LABELLED_EVENTS = 400
MIN_LABELLED_COUNTRY_SHARE = 0.004  # smaller countries (in view) stay unlabelled, their names would collide  # above this, source numbers next to markers are unreadable
SEPARATOR = " | "  # joins several sources in one CSV cell
ACTOR_SEPARATOR = "; "
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

LAND = "#f4f1ea"
SEA = "#dce8f2"
BORDER_GREY = "#9a9a9a"
RIVER = "#6a9fd4"

_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
_TO_LONLAT = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)

BBox = tuple[float, float, float, float]


# ---------------------------------------------------------------- titles and file names


def _date_text(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def snapshot_title(state: ViewState) -> str:
    """'Events 1 Aug 2021 – 31 Oct 2021 · categories: diplomacy · search: “kabul”' — all active filters."""
    if state.start and state.end:
        when = f"{_date_text(state.start)} – {_date_text(state.end)}"
    elif state.start:
        when = f"from {_date_text(state.start)}"
    elif state.end:
        when = f"until {_date_text(state.end)}"
    else:
        when = "all dates"
    parts = [f"Events, {when}"]
    if state.categories:
        parts.append("categories: " + ", ".join(c.replace("_", " ") for c in state.categories))
    if state.actors:
        parts.append("actors: " + ", ".join(state.actors))
    if state.articles:
        parts.append("articles: " + ", ".join(state.articles))
    if state.review:
        parts.append("review: " + ", ".join(state.review))
    if state.q:
        parts.append(f"search: “{state.q}”")
    return " · ".join(parts)


def export_filename(state: ViewState, ext: str) -> str:
    """'events_2021-08-01_2021-08-31.png': the date range travels with the file."""
    start = state.start.isoformat() if state.start else "earliest"
    end = state.end.isoformat() if state.end else "latest"
    return f"events_{start}_{end}.{ext.lstrip('.')}"


# ---------------------------------------------------------------- extents


def check_bbox(bbox: Sequence[float]) -> BBox:
    """A valid (minlon, minlat, maxlon, maxlat) or ValueError with one readable line."""
    if len(bbox) != 4:
        raise ValueError(f"bbox needs 4 numbers minlon,minlat,maxlon,maxlat, got {len(bbox)}")
    minlon, minlat, maxlon, maxlat = (float(v) for v in bbox)
    if not all(math.isfinite(v) for v in (minlon, minlat, maxlon, maxlat)):
        raise ValueError("bbox values must be finite numbers")
    if not (-180 <= minlon < maxlon <= 180):
        raise ValueError(f"bbox longitudes must satisfy -180 <= minlon < maxlon <= 180, got {minlon}, {maxlon}")
    if not (-90 <= minlat < maxlat <= 90):
        raise ValueError(f"bbox latitudes must satisfy -90 <= minlat < maxlat <= 90, got {minlat}, {maxlat}")
    return minlon, minlat, maxlon, maxlat


def parse_bbox(text: str) -> BBox:
    """'minlon,minlat,maxlon,maxlat' from the command line; ViewStateError on bad input."""
    try:
        values = [float(part) for part in text.split(",")]
        return check_bbox(values)
    except ValueError as error:
        raise ViewStateError(f"--bbox {text!r}: {error}" if "bbox" in str(error) else
                             f"--bbox {text!r} is not four numbers minlon,minlat,maxlon,maxlat") from None


def bbox_from_bounds(bounds) -> BBox | None:
    """The bbox from st_folium's ``bounds`` ({'_southWest': {lat, lng}, '_northEast': …}) or a 4-sequence.

    Leaflet reports longitudes beyond ±180 when the world wraps; they are clamped.
    Returns None when the map has not reported bounds yet.
    """
    if not bounds:
        return None
    if isinstance(bounds, dict):
        try:
            south_west, north_east = bounds["_southWest"], bounds["_northEast"]
            values = [south_west["lng"], south_west["lat"], north_east["lng"], north_east["lat"]]
        except (KeyError, TypeError):
            return None
    else:
        values = list(bounds)
    if any(v is None for v in values):
        return None
    minlon, minlat, maxlon, maxlat = (float(v) for v in values)
    minlon, maxlon = max(minlon, -180.0), min(maxlon, 180.0)
    minlat, maxlat = max(minlat, -MAX_MERCATOR_LAT), min(maxlat, MAX_MERCATOR_LAT)
    try:
        return check_bbox((minlon, minlat, maxlon, maxlat))
    except ValueError:
        return None


def _mercator_bbox(bbox: BBox) -> BBox:
    minlon, minlat, maxlon, maxlat = bbox
    minlat, maxlat = max(minlat, -MAX_MERCATOR_LAT), min(maxlat, MAX_MERCATOR_LAT)
    (x0, x1), (y0, y1) = _TO_MERCATOR.transform([minlon, maxlon], [minlat, maxlat])
    return x0, y0, x1, y1


def _fit_extent(x: np.ndarray, y: np.ndarray, radius: np.ndarray) -> BBox:
    """Mercator extent around the events and their drawn rings with a margin, never smaller than MIN_EXTENT_KM."""
    x0, x1, y0, y1 = (x - radius).min(), (x + radius).max(), (y - radius).min(), (y + radius).max()
    centre_lat = _TO_LONLAT.transform((x0 + x1) / 2, (y0 + y1) / 2)[1]
    min_span = MIN_EXTENT_KM * 1000 / math.cos(math.radians(centre_lat))  # mercator units stretch with latitude
    half_w = max((x1 - x0) * (1 + 2 * FIT_MARGIN), min_span) / 2
    half_h = max((y1 - y0) * (1 + 2 * FIT_MARGIN), min_span) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _match_aspect(extent: BBox, aspect: float) -> BBox:
    """Grow the extent (never shrink it) so it fills an axes of width/height ``aspect``."""
    x0, y0, x1, y1 = extent
    width, height = x1 - x0, y1 - y0
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


# ---------------------------------------------------------------- cached geodata


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


def attributions(layer_ids: Iterable[str]) -> list[str]:
    """Every data credit for the basemap and the toggled layers, from their files' properties."""
    paths = [CONTEXT_DIR / f"{name}.geojson" for name in ("countries", "rivers", "places")]
    paths += [layer_path(layer_id) for layer_id in LAYERS if layer_id in set(layer_ids)]
    credits: list[str] = []
    for path in paths:
        features = read_geojson(path)["features"]
        found = [f["properties"].get("attribution") for f in features if f["properties"].get("attribution")]
        if not found:  # a file without attribution properties: fall back to the registry's credit
            found = [CONTEXT_ATTRIBUTION] if path.parent == CONTEXT_DIR else [LAYERS[path.stem].attribution]
        for text in found:
            for part in text.replace(";", ",").split(","):
                if part.strip():
                    credits.append(part.strip())
    return list(dict.fromkeys(credits))


# ---------------------------------------------------------------- sources


@dataclass(frozen=True)
class CitedSources:
    entries: list[str]  # the numbered list, entry i is number i + 1
    numbers: list[list[int]]  # per event (in frame order), the numbers of its sources


def cited_sources(events: pd.DataFrame, articles: dict[str, dict]) -> CitedSources:
    """Number the articles (and dataset citations) the events cite, oldest article first."""
    keys: dict[str, str] = {}
    for sources in events["sources"] if len(events) else []:
        for source in sources:
            key = _source_key(source)
            if key and key not in keys:
                keys[key] = _source_entry(source, articles)
    ordered = sorted(keys, key=lambda k: (k.startswith("citation:"), _published(k, articles), keys[k]))
    number_of = {key: index + 1 for index, key in enumerate(ordered)}
    numbers = [sorted({number_of[_source_key(s)] for s in sources if _source_key(s)})
               for sources in (events["sources"] if len(events) else [])]
    return CitedSources([keys[k] for k in ordered], numbers)


def _source_key(source: dict) -> str | None:
    if source.get("article"):
        return "article:" + source["article"]
    if source.get("citation"):
        return "citation:" + source["citation"]
    return None


def _published(key: str, articles: dict[str, dict]) -> str:
    return str(articles.get(key.removeprefix("article:"), {}).get("published") or "")


def _published_text(article: dict) -> str:
    """The publication date at its stated precision ('Aug 2021' for a month-precision date)."""
    published = article.get("published")
    if not published:
        return ""
    precision = article.get("published_precision", "day")
    try:
        day = date.fromisoformat(str(published))
    except ValueError:
        return str(published)
    return format_event_date(day, day, precision if precision in ("day", "month", "year") else "day")


def _source_entry(source: dict, articles: dict[str, dict]) -> str:
    if source.get("article"):
        article = articles.get(source["article"], {})
        where_when = ", ".join(p for p in (article.get("outlet"), _published_text(article)) if p)
        return str(article.get("title") or source["article"]) + (f" — {where_when}" if where_when else "")
    return str(source.get("citation"))


# ---------------------------------------------------------------- the figure


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
) -> Figure:
    """The snapshot as a matplotlib Figure (not yet rasterized, so tests can inspect its artists).

    ``bbox`` (minlon, minlat, maxlon, maxlat) is the on-screen extent; without it the map
    fits the events. The extent grows to fill the map frame, never shrinks.
    """
    width_px, height_px, dpi = _size(size)
    layer_ids = [layer_id for layer_id in LAYERS if layer_id in set(layer_ids)]
    # The Agg canvas is attached only once the map is drawn: geopandas calls draw_idle() after
    # every plot, which an attached Agg canvas would honour with a full render each time.
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    map_box = (0.015, 0.075, 0.645, 0.78)  # left, bottom, width, height in figure fractions
    ax = fig.add_axes(map_box)
    ax.set_gid("snapshot-map")

    x, y = _TO_MERCATOR.transform(events["lon"].to_numpy(float), events["lat"].to_numpy(float)) if len(events) else (
        np.zeros(0), np.zeros(0))
    x, y = np.asarray(x), np.asarray(y)
    if bbox is not None:
        extent = _mercator_bbox(check_bbox(bbox))
    elif len(events):
        extent = _fit_extent(x, y, _ring_radii(events) if len(events) <= MAX_DETAILED_EVENTS else np.zeros(len(x)))
    else:
        extent = _mercator_bbox(DEFAULT_BBOX)
    extent = _match_aspect(extent, (map_box[2] * width_px) / (map_box[3] * height_px))
    tolerance = (extent[2] - extent[0]) / (map_box[2] * width_px)  # about one pixel
    # Only events inside the frame are drawn, counted and cited; the count says how many are left out.
    inside = (x >= extent[0]) & (x <= extent[2]) & (y >= extent[1]) & (y <= extent[3])
    outside_count = int((~inside).sum())
    events, x, y = events[inside], x[inside], y[inside]

    _draw_basemap(ax, extent, tolerance)
    for layer_id in layer_ids:
        _draw_layer(ax, layer_id, extent, tolerance)
    sources = cited_sources(events, articles)
    detailed = len(events) <= MAX_DETAILED_EVENTS
    numbered = label_sources and len(events) <= MAX_LABELLED_EVENTS
    _draw_events(ax, events, x, y, detailed=detailed, numbers=sources.numbers if numbered else None)

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
    _draw_scale_bar(ax, extent)
    _draw_north_arrow(ax)

    FigureCanvasAgg(fig)
    _draw_header(fig, title, events, layer_ids, rings_omitted=not detailed,
                 labels_omitted=label_sources and not numbered, outside_count=outside_count)
    legend = _draw_legend(fig, events, layer_ids)
    _draw_source_list(fig, legend, sources.entries, numbered=numbered)
    credits = "Map data: " + "; ".join(attributions(layer_ids))
    fig.text(0.015, 0.03, credits, fontsize=6.5, color="#444444", va="center", parse_math=False,
             gid="snapshot-attribution", wrap=True)
    fig.text(0.985, 0.03, "Web Mercator (EPSG:3857)", fontsize=6.5, color="#777777", ha="right", va="center")
    return fig


def _draw_basemap(ax, extent: BBox, tolerance: float) -> None:
    ax.set_facecolor(SEA)
    countries = mercator_frame(CONTEXT_DIR / "countries.geojson")
    land = _in_view(countries, extent, tolerance)
    if len(land):
        land.plot(ax=ax, facecolor=LAND, edgecolor=BORDER_GREY, linewidth=0.6, zorder=1, aspect=None)
    rivers = _in_view(mercator_frame(CONTEXT_DIR / "rivers.geojson"), extent, tolerance)
    if len(rivers):
        rivers.plot(ax=ax, color=RIVER, linewidth=0.8, zorder=2, aspect=None)
    x0, y0, x1, y1 = extent
    halo = [patheffects.withStroke(linewidth=2, foreground="white")]
    view_area = (x1 - x0) * (y1 - y0)
    for row in countries.itertuples():
        lx, ly = _TO_MERCATOR.transform(float(row.label_x), float(row.label_y))
        if x0 < lx < x1 and y0 < ly < y1 and row.geometry.area > MIN_LABELLED_COUNTRY_SHARE * view_area:
            ax.text(lx, ly, str(row.name).upper(), fontsize=7.5, color="#8a8a8a", ha="center", va="center",
                    style="italic", zorder=3, clip_on=True, parse_math=False)
    places = mercator_frame(CONTEXT_DIR / "places.geojson")
    for row in places.itertuples():
        if row.kind in ("country", "province", "site"):
            continue
        px, py = row.geometry.x, row.geometry.y
        if not (x0 < px < x1 and y0 < py < y1):
            continue
        ax.plot(px, py, "o", markersize=2.5, color="#333333", zorder=3)
        ax.annotate(str(row.name), (px, py), xytext=(3, 2), textcoords="offset points", fontsize=6.5,
                    color="#333333", fontweight="bold" if row.kind == "capital" else "normal",
                    path_effects=halo, zorder=6.5, annotation_clip=True, clip_on=True, parse_math=False)


def _draw_layer(ax, layer_id: str, extent: BBox, tolerance: float) -> None:
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


def _draw_scale_bar(ax, extent: BBox) -> None:
    """One mercator metre is cos(latitude) real metres: the bar is true at the map's centre."""
    centre_lat = _TO_LONLAT.transform((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2)[1]
    metres_per_unit = math.cos(math.radians(centre_lat))
    bar = ScaleBar(metres_per_unit, units="m", location="lower left", box_alpha=0.8, font_properties={"size": 7},
                   fixed_value=nice_length_km((extent[2] - extent[0]) * metres_per_unit / 1000 * 0.2),
                   fixed_units="km")
    bar.set_gid("snapshot-scalebar")
    ax.add_artist(bar)


def nice_length_km(target_km: float) -> float:
    """The largest 1, 2 or 5 × 10^n km not above ``target_km`` (kilometres even at continent scale)."""
    base = 10 ** math.floor(math.log10(target_km))
    return max(step * base for step in (1, 2, 5) if step * base <= target_km)


def _draw_north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.955, 0.95), xytext=(0.955, 0.84), xycoords="axes fraction", ha="center", va="center",
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
    lines = textwrap.wrap(title, width=_chars_that_fit(fig, 0.97, 14, "bold")) or [""]
    if len(lines) > 2:  # never silently: the cut is marked
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width=len(lines[0]), placeholder=" …")]
    fig.text(0.015, 0.965, "\n".join(lines), fontsize=14, fontweight="bold", va="top", parse_math=False,
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
    title_line = 14 * 1.25 / 72 / fig.get_figheight()  # one title line as a figure fraction
    subtitle = textwrap.shorten(subtitle, width=_chars_that_fit(fig, 0.97, 8), placeholder=" …")
    fig.text(0.015, 0.965 - title_line * len(lines) - 0.008, subtitle, fontsize=8, color="#444444", va="top",
             parse_math=False, gid="snapshot-subtitle")


def _draw_legend(fig: Figure, events: pd.DataFrame, layer_ids: list[str]):
    """Categories present, what hollow and dashed mean, and the toggled layers."""
    present = list(dict.fromkeys(events["category"])) if len(events) else []
    handles = [Line2D([], [], marker="o", linestyle="", markersize=6, markerfacecolor=CATEGORY_COLORS.get(c, "#7f7f7f"),
                      markeredgecolor=CATEGORY_COLORS.get(c, "#7f7f7f"), label=c.replace("_", " "))
               for c in CATEGORIES if c in present]
    handles += [
        Line2D([], [], marker="o", linestyle="", markersize=6, markerfacecolor="white", markeredgecolor="#555555",
               markeredgewidth=1.5, label="hollow: approximate place"),
        Circle((0, 0), 1, facecolor="none", edgecolor="#555555", linewidth=0.8, linestyle="--",
               label="dashed ring: uncertainty"),
    ]
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
    legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.675, 0.86), frameon=False,
                        fontsize=7, title="Legend", title_fontsize=8, alignment="left",
                        ncols=2 if len(handles) > 18 else 1, handletextpad=0.4, columnspacing=0.8,
                        handler_map=handler_map)
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
    fontsize = 6.5
    line_height = fontsize * 1.3 / 72 / fig.get_figheight()  # figure fraction per line
    width_chars = _chars_that_fit(fig, 0.30, fontsize)
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
    fig.text(0.68, top, "Sources (numbers on the map)" if numbered else "Sources", fontsize=8, fontweight="bold", va="top",
             gid="snapshot-sources-heading")
    fig.text(0.68, top - 0.035, "\n".join(lines), fontsize=fontsize, va="top", linespacing=1.3,
             parse_math=False, gid="snapshot-sources")


# Matplotlib is not thread-safe and Streamlit serves each session (and each deferred
# download) on its own thread: renders take turns.
_RENDER_LOCK = threading.Lock()


def _save(fig: Figure, fmt: str, title: str, credits: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Title": title, "Author": credits} if fmt == "pdf" else {"Title": title, "Source": credits}
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
) -> bytes:
    """The snapshot as PNG bytes of exactly the preset's pixel size."""
    return _render("png", events, articles, layer_ids, title=title, bbox=bbox, size=size, label_sources=label_sources)


def render_snapshot_pdf(
    events: pd.DataFrame,
    articles: dict[str, dict],
    layer_ids: Iterable[str],
    *,
    title: str,
    bbox: Sequence[float] | None = None,
    size: str = "a4",
    label_sources: bool = True,
) -> bytes:
    """The snapshot as a one-page vector PDF (A4 landscape, or the slide's aspect)."""
    return _render("pdf", events, articles, layer_ids, title=title, bbox=bbox, size=size, label_sources=label_sources)


def _render(fmt: str, events, articles, layer_ids, *, title, bbox, size, label_sources) -> bytes:
    layer_ids = list(layer_ids)
    with _RENDER_LOCK:
        fig = build_snapshot_figure(events, articles, layer_ids, title=title, bbox=bbox, size=size,
                                    label_sources=label_sources)
        return _save(fig, fmt, title, "Map data: " + "; ".join(attributions(layer_ids)))


# ---------------------------------------------------------------- interactive HTML


def snapshot_html(
    events: pd.DataFrame,
    articles: dict[str, dict],
    layer_ids: Iterable[str],
    *,
    title: str = "Events",
    bbox: Sequence[float] | None = None,
    selected: str | None = None,
) -> bytes:
    """The interactive map as one self-contained HTML file that opens with no internet."""
    m = build_map(events, articles, list(layer_ids), selected=selected,
                  bounds=check_bbox(bbox) if bbox is not None else None)
    import folium  # noqa: PLC0415 - only needed here

    m.get_root().header.add_child(folium.Element(f"<title>{escape(title)}</title>"))
    return standalone_html(m).encode("utf-8")


# ---------------------------------------------------------------- data exports


_INTERNAL_COLUMNS = {"_search", "lon", "lat"}


def _plain(value):
    """JSON-ready Python values: dates as YYYY-MM-DD, NaN as None, numpy scalars unwrapped."""
    if value is pd.NaT or value is None:
        return None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _property_columns(events: pd.DataFrame) -> list[str]:
    return [c for c in events.columns if c not in _INTERNAL_COLUMNS]


def events_geojson(events: pd.DataFrame) -> bytes:
    """The events as an RFC 7946 FeatureCollection with every property, strings exactly as stored."""
    columns = _property_columns(events)
    features = []
    for record in events.to_dict("records"):
        features.append({
            "type": "Feature",
            "properties": {column: _plain(record[column]) for column in columns},
            "geometry": {"type": "Point", "coordinates": [float(record["lon"]), float(record["lat"])]},
        })
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


def _safe_cell(value) -> str | float | int:
    """Text that a spreadsheet would run as a formula gets a leading single quote."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


CSV_SOURCE_COLUMNS = ["source_articles", "source_titles", "source_outlets", "source_dates", "source_quotes",
                      "source_citations", "source_urls"]


def events_csv(events: pd.DataFrame, articles: dict[str, dict]) -> bytes:
    """One row per event, one column per property; sources flattened with ' | ', actors with '; '.

    Safe to open in Excel (see the module docstring on formula injection).
    """
    columns = [c for c in _property_columns(events) if c not in ("sources", "actors")]
    header = columns[:1] + ["lon", "lat"] + columns[1:] + ["actors"] + CSV_SOURCE_COLUMNS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for record in events.to_dict("records"):
        sources = _plain(record.get("sources")) or []
        cited = [articles.get(s.get("article") or "", {}) for s in sources]
        flat = {
            "actors": ACTOR_SEPARATOR.join(_plain(record.get("actors")) or []),
            "source_articles": [s.get("article") or "" for s in sources],
            "source_titles": [a.get("title") or "" for a in cited],
            "source_outlets": [a.get("outlet") or "" for a in cited],
            "source_dates": [str(a.get("published") or "") for a in cited],
            "source_quotes": [s.get("quote") or "" for s in sources],
            "source_citations": [s.get("citation") or "" for s in sources],
            "source_urls": [s.get("url") or a.get("url") or "" for s, a in zip(sources, cited)],
        }
        row = []
        for column in header:
            if column in flat:
                value = flat[column]
                row.append(_safe_cell(SEPARATOR.join(value) if isinstance(value, list) else value))
            else:
                row.append(_safe_cell(record.get(column)))
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------- command line


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument on one line (exit status 2), without the usage block."""

    def error(self, message: str):  # noqa: D102 - argparse API
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m dashboard.export",
                     description="Export the map and events of one view as PNG, PDF, HTML, GeoJSON or CSV.")
    parser.add_argument("--start", help="first day, YYYY-MM-DD")
    parser.add_argument("--end", help="last day, YYYY-MM-DD")
    parser.add_argument("--layers", default=",".join(LAYERS), help=f"comma-separated, from {', '.join(LAYERS)}")
    parser.add_argument("--categories", help="comma-separated categories (default: all)")
    parser.add_argument("--actors", help="comma-separated actors (default: all)")
    parser.add_argument("--q", default="", help="text search in titles, summaries, places and quotes")
    parser.add_argument("--bbox", help="minlon,minlat,maxlon,maxlat (default: fit the events)")
    parser.add_argument("--size", default="slide", help="slide (1600x1000), a4 (3508x2480 at 300 dpi) or WxH")
    parser.add_argument("--no-numbers", action="store_true", help="do not number the markers by source")
    parser.add_argument("--events-file", type=Path, help="events GeoJSON (default: geodata/events.geojson)")
    parser.add_argument("--articles-file", type=Path, help="articles JSON (default: seeds/articles.json)")
    parser.add_argument("--out", required=True, type=Path, help="output file; the extension picks the format")
    return parser


def state_from_args(args: argparse.Namespace) -> ViewState:
    """The view the command line asks for; ViewStateError (one line) on bad values."""
    values: dict = {"layers": split_list(args.layers), "q": args.q or ""}
    if args.start:
        values["start"] = parse_date(args.start, "--start")
    if args.end:
        values["end"] = parse_date(args.end, "--end")
    categories = split_list(args.categories)
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        raise ViewStateError(f"unknown category {unknown[0]!r}; choose from {', '.join(CATEGORIES)}")
    values["categories"] = categories
    values["actors"] = split_list(args.actors)
    return ViewState(**values)


def export_bytes(fmt: str, events: pd.DataFrame, articles: dict[str, dict], state: ViewState, *,
                 bbox: Sequence[float] | None = None, size: str = "slide", label_sources: bool = True) -> bytes:
    """The file contents for one format (png, pdf, html, geojson, csv) of already filtered events."""
    title = snapshot_title(state)
    if fmt == "png":
        return render_snapshot_png(events, articles, state.layers, title=title, bbox=bbox, size=size,
                                   label_sources=label_sources)
    if fmt == "pdf":
        return render_snapshot_pdf(events, articles, state.layers, title=title, bbox=bbox, size=size,
                                   label_sources=label_sources)
    if fmt == "html":
        return snapshot_html(events, articles, state.layers, title=title, bbox=bbox)
    if fmt == "geojson":
        return events_geojson(events)
    if fmt == "csv":
        return events_csv(events, articles)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file next to ``path`` and rename it: no partial file, ever."""
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    out: Path = args.out
    fmt = out.suffix.lower().lstrip(".")
    try:
        if fmt not in FORMATS:
            raise ViewStateError(f"--out {str(out)!r}: unknown extension; use .{', .'.join(FORMATS)}")
        if not out.parent.is_dir():
            raise ViewStateError(f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist")
        if out.is_dir():
            raise ViewStateError(f"--out {str(out)!r} is a folder")
        state = state_from_args(args)
        bbox = parse_bbox(args.bbox) if args.bbox else None
        _size(args.size)
    except (ViewStateError, ValueError) as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")

    from dashboard.data import load_curated_events  # noqa: PLC0415 - reads the border only when needed

    try:
        kwargs = {k: v for k, v in (("events_path", args.events_file), ("articles_path", args.articles_file)) if v}
        events, articles = load_curated_events(**kwargs)
    except (OSError, ValueError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        more = len(str(error).splitlines()) - 1
        parser.exit(1, f"{parser.prog}: error: cannot load events: {first_line}"
                       f"{f' (and {more} more problems)' if more > 0 else ''}\n")
    shown = filter_events(events, state)
    data = export_bytes(fmt, shown, articles, state, bbox=bbox, size=args.size, label_sources=not args.no_numbers)
    try:
        write_atomically(out, data)
    except OSError as error:
        parser.exit(1, f"{parser.prog}: error: cannot write {str(out)!r}: {error.strerror or error}\n")
    print(f"wrote {out} ({len(shown)} events, {len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
