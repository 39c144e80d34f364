"""The "Import a dataset" panel: upload, format, name, column pickers, and the import report.

The app calls :func:`render_import_panel` (e.g. inside an expander in the sidebar). Errors
are shown, never raised, so a bad upload cannot stop the app. File text reaches the page
only through ``st.dataframe`` (plain text cells) or markdown-escaped messages.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.formatting import markdown_text
from dashboard.imports import (
    MAX_FILE_BYTES,
    DatasetImportError,
    ImportReport,
    detect_format,
    guess_columns,
    import_dataset,
    read_csv_header,
)

FORMAT_LABELS = {
    "auto": "Detect automatically",
    "acled": "ACLED export (CSV)",
    "ucdp": "UCDP GED (CSV)",
    "csv": "Other CSV (choose the columns)",
    "geojson": "GeoJSON points",
}
NO_COLUMN = "(none)"
# Rejected rows listed in the table; the count above it is always complete.
MAX_REJECTED_SHOWN = 500


def render_import_panel(
    imports_dir: str | Path | None = None, *, max_bytes: int = MAX_FILE_BYTES, key: str = "dataset_import"
) -> ImportReport | None:
    """Draw the import form; on a successful import return its report (else None).

    The new layer appears on the next rerun: the store lists it from then on.
    """
    upload = st.file_uploader(
        "Dataset file (ACLED, UCDP GED, CSV or GeoJSON; or a .zip/.gz holding one)",
        type=["csv", "geojson", "json", "zip", "gz"], key=f"{key}_file",
        help=f"Up to {max_bytes / 1e6:,.0f} MB. Text is stored exactly as in the file.",
    )
    chosen_format = st.selectbox("Format", list(FORMAT_LABELS), format_func=FORMAT_LABELS.get, key=f"{key}_format")
    name = st.text_input(
        "Layer name", key=f"{key}_name", placeholder="e.g. acled_afg_2021", max_chars=40,
        help="1–40 lower-case letters, digits, '_' or '-'. Importing the same name again replaces that layer.",
    )
    if upload is None:
        st.caption("Choose a file to import it as a new map layer.")
        return None

    data = upload.getvalue()
    columns: dict[str, str] = {}
    try:
        effective = detect_format(data, upload.name) if chosen_format == "auto" else chosen_format
        if effective == "csv":
            columns = _column_pickers(read_csv_header(data, upload.name), key)
    except DatasetImportError as error:
        st.error(markdown_text(str(error)))
        return None

    if not st.button("Import", key=f"{key}_go", type="primary"):
        return None
    try:
        report = import_dataset(data, format=chosen_format, name=name.strip(), imports_dir=imports_dir,
                                columns=columns, max_bytes=max_bytes, source_label=upload.name)
    except DatasetImportError as error:
        st.error(markdown_text(f"Not imported. {error}"))
        return None
    _show_report(report)
    return report


def _column_pickers(header: list[str], key: str) -> dict[str, str]:
    """Select boxes for the generic CSV columns, preset to the best guesses."""
    guesses = guess_columns(header)
    st.caption("Which columns hold the coordinates, the date and the title?")
    chosen = {}
    left, right = st.columns(2)
    for slot, (role, label, required) in zip(
        [left, right, left, right],
        [("lat", "Latitude", True), ("lon", "Longitude", True), ("date", "Date", True), ("title", "Title", False)],
    ):
        options = header if required else [NO_COLUMN, *header]
        default = guesses.get(role)
        index = options.index(default) if default in options else 0
        value = slot.selectbox(label, options, index=index, key=f"{key}_{role}")
        if value and value != NO_COLUMN:
            chosen[role] = value
    return chosen


def _show_report(report: ImportReport) -> None:
    st.success(markdown_text(
        f"Imported {report.imported:,} of {report.rows_read:,} rows as layer '{report.name}'"
        + (f"; {len(report.rejected):,} rejected (listed below)." if report.rejected else ".")
    ))
    if report.rejected:
        shown = report.rejected[:MAX_REJECTED_SHOWN]
        st.dataframe(
            pd.DataFrame({"row": [r.row for r in shown], "field": [r.field for r in shown],
                          "reason": [r.reason for r in shown]}),
            hide_index=True, width="stretch",
        )
        if len(report.rejected) > MAX_REJECTED_SHOWN:
            st.caption(f"First {MAX_REJECTED_SHOWN} of {len(report.rejected):,} rejected rows shown.")
