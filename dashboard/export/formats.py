"""File contents per export format: PNG, PDF, standalone HTML, GeoJSON, CSV.

The interface and the command line both ask for "the bytes of this view in that
format"; ``export_bytes`` answers, handing each format to its maker (figure for PNG and
PDF, tables for GeoJSON and CSV). The standalone interactive HTML is made here, from the
same folium map the dashboard shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

import pandas as pd

from dashboard.export.extent import check_bbox
from dashboard.export.figure import render_snapshot_pdf, render_snapshot_png
from dashboard.export.naming import snapshot_title
from dashboard.export.tables import events_csv, events_geojson
from dashboard.filters import ViewState
from dashboard.mapping import build_map, standalone_html

FORMATS = {  # extension -> MIME type
    "png": "image/png",
    "pdf": "application/pdf",
    "html": "text/html",
    "geojson": "application/geo+json",
    "csv": "text/csv",
}


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
