"""File contents per export format: PNG, PDF, standalone HTML, GeoJSON, CSV.

The interface and the command line both ask for "the bytes of this view in that
format"; ``export_bytes`` answers, handing each format to its maker (figure for PNG and
PDF, tables for GeoJSON and CSV). The standalone interactive HTML is made here, from the
same folium map the dashboard shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from dashboard.export.extent import check_bbox
from dashboard.export.markers import IMPORT_COLOR_COLUMN
from dashboard.export.figure import render_snapshot_pdf, render_snapshot_png, render_snapshot_svg
from dashboard.export.naming import snapshot_title
from dashboard.export.tables import events_csv, events_geojson
from dashboard.filters import ViewState
from dashboard.formatting import escape
from dashboard.mapping import build_map, standalone_html

FORMATS = {  # extension -> MIME type
    "png": "image/png",
    "pdf": "application/pdf",
    "svg": "image/svg+xml",
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
    imported: Sequence = (),
) -> bytes:
    """The interactive map as one self-contained HTML file that opens with no internet.

    ``imported``: (dataset layer, colour) pairs (dashboard.aggregate.ImportedLayer), drawn as
    the app draws them: their rows, or counts per grid cell when too many match.
    """
    from dashboard.aggregate import build_grid_group  # noqa: PLC0415

    m = build_map(events, articles, list(layer_ids), selected=selected,
                  bounds=check_bbox(bbox) if bbox is not None else None,
                  imports={layer.name: layer.rows for layer, _ in imported if not layer.aggregated})
    for layer, color in imported:
        if layer.aggregated:
            build_grid_group(layer, color).add_to(m)
    # The page's own title slot: a value the template prints, never a template itself (a
    # folium.Element(f"<title>…") would run "{{ … }}" in the search text on the server).
    m.get_root().title = escape(title)
    return standalone_html(m).encode("utf-8")


def export_bytes(fmt: str, events: pd.DataFrame, articles: dict[str, dict], state: ViewState, *,
                 bbox: Sequence[float] | None = None, size: str = "slide", label_sources: bool = True,
                 imported: Sequence = (), fit_events: bool = False) -> bytes:
    """The file contents for one format (png, pdf, html, geojson, csv) of already filtered events.

    ``imported``: (dataset layer, colour) pairs (dashboard.aggregate.ImportedLayer) in the
    view; their rows join the events, and layers aggregated into grid cells are drawn as counts.
    """
    title = snapshot_title(state)
    rows = [layer.rows for layer, _ in imported if not layer.aggregated and len(layer.rows)]
    if fmt in ("png", "pdf", "svg"):  # pictures draw each dataset's rows in its own colour (IMPORT_COLOR_COLUMN)
        rows = [layer.rows.assign(**{IMPORT_COLOR_COLUMN: color}) for layer, color in imported
                if not layer.aggregated and len(layer.rows)]
    grids = [(layer, color) for layer, color in imported if layer.aggregated]
    if fmt == "html":
        return snapshot_html(events, articles, state.layers, title=title, bbox=bbox, imported=imported)
    if rows:
        events = pd.concat([events, *rows], ignore_index=True)
    if fmt == "png":
        return render_snapshot_png(events, articles, state.layers, title=title, bbox=bbox, size=size,
                                   label_sources=label_sources, grids=grids, fit_events=fit_events)
    if fmt == "pdf":
        return render_snapshot_pdf(events, articles, state.layers, title=title, bbox=bbox, size=size,
                                   label_sources=label_sources, grids=grids, fit_events=fit_events)
    if fmt == "svg":
        return render_snapshot_svg(events, articles, state.layers, title=title, bbox=bbox, size=size,
                                   label_sources=label_sources, grids=grids, fit_events=fit_events)
    if fmt == "geojson":
        return events_geojson(events)
    if fmt == "csv":
        return events_csv(events, articles)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
