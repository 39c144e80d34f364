"""The export panel: one click gives the current view as PNG, PDF, HTML, GeoJSON or CSV.

Files are made only when a button is clicked (``data`` is a callable), so an ordinary
rerun of the app never pays for a render. Button labels are stable ("Download PNG", …)
so browser tests can find them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.export import FORMATS, SIZE_LABELS, SIZE_PRESETS, bbox_from_bounds, export_bytes, export_filename
from dashboard.filters import ViewState
from dashboard.formatting import markdown_text

REGION_OF_INTEREST = "Region of interest"
CURRENT_VIEW = "Current map view"
FIT_TO_EVENTS = "Fit to events"
EXTENTS = [REGION_OF_INTEREST, CURRENT_VIEW, FIT_TO_EVENTS]
FORMAT_LABELS = {"png": "PNG", "pdf": "PDF", "svg": "SVG", "html": "HTML", "geojson": "GeoJSON", "csv": "CSV"}
FORMAT_HELP = {
    "png": "Figure for slides and reports: layers, events, legend, scale bar and numbered sources.",
    "pdf": "The same figure as a one-page vector PDF.",
    "svg": "The same figure as SVG with its text kept as text, for designers.",
    "html": "The interactive map as one file that opens offline.",
    "geojson": "The shown events with every property and source, strings exactly as stored.",
    "csv": "One row per event; cells starting with = + - @ get a leading ' so spreadsheets do not run them.",
}


@dataclass(frozen=True)
class Download:
    label: str  # "Download PNG"
    file_name: str  # "events_2021-08-01_2021-08-31.png"
    mime: str
    make_data: Callable[[], bytes]  # called only when the user clicks
    help: str


def imported_layers(names: Sequence[str], state: ViewState, fmt: str) -> list:
    """(layer, colour) for each named dataset, read when a file is made: every matching row for
    GeoJSON and CSV, grid counts in pictures when too many match (as the command line does)."""
    if not names:
        return []
    from dashboard.aggregate import AGGREGATE_ABOVE, imported_layer  # noqa: PLC0415
    from dashboard.store import imported_datasets  # noqa: PLC0415
    from dashboard.symbology import import_color  # noqa: PLC0415

    store = imported_datasets()
    available = store.names()
    colours = {name: import_color(index) for index, name in enumerate(available)}  # as in the app's sidebar
    limit = None if fmt in ("geojson", "csv") else AGGREGATE_ABOVE
    return [(imported_layer(store, name, available[name], state, limit=limit), colours[name])
            for name in names if name in available]


def export_downloads(
    events: pd.DataFrame,
    articles: dict[str, dict],
    state: ViewState,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    size: str = "slide",
    label_sources: bool = True,
    fit_events: bool = False,
    imported: Sequence = (),
) -> list[Download]:
    """One download per format for the shown events, each with a lazy maker of its bytes."""
    downloads = []
    for fmt, mime in FORMATS.items():
        def make(fmt: str = fmt) -> bytes:
            return export_bytes(fmt, events, articles, state, bbox=bbox, size=size, label_sources=label_sources,
                                fit_events=fit_events, imported=imported_layers(imported, state, fmt))

        downloads.append(Download(f"Download {FORMAT_LABELS[fmt]}", export_filename(state, fmt), mime, make,
                                  FORMAT_HELP[fmt]))
    return downloads


def follows_map_view(key: str = "export") -> bool:
    """True while the user has chosen to export the map's current view: only then does the map report its view
    (one rerun per pan or zoom); otherwise panning never reruns the page."""
    return st.session_state.get(f"{key}_extent") == CURRENT_VIEW


def render_export_panel(
    events: pd.DataFrame,
    articles: dict[str, dict],
    state: ViewState,
    bounds=None,
    *,
    key: str = "export",
    imported: Sequence = (),
) -> None:
    """Draw the export controls for the filtered ``events`` shown in ``state``.

    ``bounds`` is the map's last reported view (st_folium's bounds format, or a minlon, minlat,
    maxlon, maxlat tuple); the map reports it only while "Current map view" is chosen
    (``follows_map_view``). Until it has, that figure shows the region of interest the map opens on.
    ``imported``: the names of the datasets whose layer is on; their rows in the view (or grid
    counts, in pictures) are part of every file.
    """
    bbox = bbox_from_bounds(bounds)
    st.markdown("**Export this view**")
    size = st.radio("Figure size", list(SIZE_PRESETS), format_func=SIZE_LABELS.get, horizontal=True,
                    key=f"{key}_size")
    extent = st.radio("Figure extent", EXTENTS, horizontal=True, key=f"{key}_extent",
                      help="The region of interest the map opens on; the view you see on the map (the page then "
                           "updates after each pan or zoom, so the figure follows it); or the smallest view that "
                           "shows every event.")
    if extent == CURRENT_VIEW:
        st.caption(f"Map view: {_describe(bbox)} · updated after each pan or zoom while this is chosen" if bbox else
                   "Waiting for the map to report its view; until then figures show the region of interest.")
    label_sources = st.checkbox("Number markers by their sources", value=True, key=f"{key}_numbers")
    rows = " + imported rows of " + ", ".join(imported) if imported else ""
    st.caption(markdown_text(f"{len(events):,} event{'s' if len(events) != 1 else ''}{rows} · ")
               + f"{len(state.layers)} layer{'s' if len(state.layers) != 1 else ''} · files are made when you click")
    downloads = export_downloads(events, articles, state, bbox=bbox if extent == CURRENT_VIEW else None,
                                 size=size, label_sources=label_sources, fit_events=extent == FIT_TO_EVENTS,
                                 imported=imported)
    # A horizontal flex row: the buttons keep their full labels and wrap in a narrow column.
    row = st.container(horizontal=True, gap="small")
    for download in downloads:
        row.download_button(download.label, data=download.make_data, file_name=download.file_name,
                            mime=download.mime, on_click="ignore", help=download.help,
                            key=f"{key}_{download.file_name.rsplit('.', 1)[1]}", width="content")


def _describe(bbox: tuple[float, float, float, float]) -> str:
    """'66.00–72.00°E, 34.00–39.50°N' (west and south as negative degrees)."""
    minlon, minlat, maxlon, maxlat = bbox
    return f"{minlon:.2f}–{maxlon:.2f}°E, {minlat:.2f}–{maxlat:.2f}°N"
