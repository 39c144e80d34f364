"""The importer's fixed settings: allowed dataset names, the size limit, formats, folders.

These few values are read by the entry point, by the generic column mapping and by the
loader the app uses, so they live in one place of their own rather than in any one step.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from dashboard.events import ROOT

# \Z, not $: "$" also matches before a final newline, so "nl\n" would pass.
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}\Z")
# Larger files are refused before reading: a 200 MB CSV is ~1 million ACLED rows, far more
# than a browser map can show, and it bounds the server's memory per upload.
MAX_FILE_BYTES = 200 * 1024 * 1024
DEFAULT_IMPORTS_DIR = ROOT / "geodata" / "imports"
FORMATS = ("auto", "acled", "ucdp", "csv", "geojson")

# Column-name guesses for generic CSV and GeoJSON properties (first match wins).
COLUMN_GUESSES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "date": ("date", "event_date", "date_start", "start_date"),
    "end_date": ("date_end", "end_date"),
    "title": ("title", "name", "event", "headline", "event_type"),
    "id": ("id", "event_id", "event_id_cnty"),
}


def imports_dir_default() -> Path:
    """``$DASHBOARD_IMPORTS_DIR`` when set, else geodata/imports (read at call time, for tests)."""
    return Path(os.environ.get("DASHBOARD_IMPORTS_DIR") or DEFAULT_IMPORTS_DIR)
