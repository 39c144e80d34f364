"""Importing conflict-event datasets (ACLED, UCDP GED, generic CSV, GeoJSON) as map layers.

Each import maps a file to the event schema (dashboard/events.py) and writes
dataset NAME to the store (:mod:`dashboard.store`: ``<imports_dir>/NAME.parquet`` on one machine,
PostGIS for a team); each dataset is drawn as its own layer. Imported files are
where bad input and hostile text come from, so:

* every string is stored exactly as the file gave it (escaping happens only on display);
* a row that cannot be mapped is rejected with its row number, field and reason, and the
  valid rows are imported; a file with no valid row is an error;
* a failed import changes no existing dataset (written aside, then swapped in at once);
* NAME must match ``NAME_PATTERN``; an uploaded file's own name never becomes a path.

Row numbers count data records from 1 (the header is not a row; a quoted field with
newlines is still one row). GeoJSON features are numbered from 1 too.

Mappings (documented here and in the report the importer prints):

* ACLED ``event_type``/``sub_event_type`` -> category: see ``ACLED_CATEGORIES``;
  ``geo_precision`` and ``time_precision`` -> see ``ACLED_GEO_PRECISION`` and
  ``acled._acled_dates``.
* UCDP GED ``type_of_violence`` -> category: see ``UCDP_CATEGORIES``; ``where_prec`` -> see
  ``UCDP_WHERE_PREC``; when ``where_prec`` is absent the precision is inferred from
  ``where_coordinates`` (see ``ucdp._ucdp_precision_from_name``) and the event says so.
* Generic CSV / GeoJSON: the lat/lon/date/title columns are named by the user (with guesses);
  ``category`` is kept when it is one of ours, otherwise "other".

What lives where (read in this order; each module depends only on those above it):

* ``report.py``: ``DatasetImportError``, ``RejectedRow``, ``ImportReport``;
* ``settings.py``: ``NAME_PATTERN``, ``MAX_FILE_BYTES``, ``FORMATS``, ``COLUMN_GUESSES``,
  ``imports_dir_default``;
* ``reading.py``: size limit, UTF-8 decoding, CSV parsing, ``detect_format``, ``read_csv_header``;
* ``rows.py``: per-row checks shared by every format (coordinates, dates, countries, ids) and
  the validation that turns checked rows into features;
* ``acled.py``, ``ucdp.py``, ``generic.py`` (``guess_columns``), ``geojson.py``: one mapping each;
* ``pipeline.py``: ``import_dataset``, which ties the steps together;
* ``cli.py`` (run by ``__main__.py``): ``main``, the command line.

Usage: ``python -m dashboard.imports FILE --name NAME [--replace] [--format auto|acled|ucdp|csv|geojson]
[--lat-column C --lon-column C --date-column C --title-column C]``. FILE may be a ``.zip`` or ``.gz``
holding one CSV or GeoJSON file (ACLED and UCDP ship that way). An existing NAME is replaced only
with ``--replace`` (the app's panel replaces, as it says).
"""

from __future__ import annotations

from dashboard.imports.acled import ACLED_CATEGORIES, ACLED_GEO_PRECISION
from dashboard.imports.cli import main
from dashboard.imports.generic import GENERIC_PRECISION, guess_columns
from dashboard.imports.pipeline import import_dataset
from dashboard.imports.reading import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, detect_format, read_csv_header
from dashboard.imports.report import REPORT_ROW_LIMIT, DatasetImportError, ImportReport, RejectedRow
from dashboard.imports.rows import COUNTRY_ALIASES, DATE_FORMATS
from dashboard.imports.settings import (
    COLUMN_GUESSES,
    DEFAULT_IMPORTS_DIR,
    FORMATS,
    MAX_FILE_BYTES,
    NAME_PATTERN,
    imports_dir_default,
)
from dashboard.imports.ucdp import UCDP_CATEGORIES, UCDP_WHERE_PREC

__all__ = [
    "ACLED_CATEGORIES",
    "ACLED_GEO_PRECISION",
    "COLUMN_GUESSES",
    "COUNTRY_ALIASES",
    "DATE_FORMATS",
    "DEFAULT_IMPORTS_DIR",
    "FORMATS",
    "GENERIC_PRECISION",
    "MAX_FILE_BYTES",
    "NAME_PATTERN",
    "OPTIONAL_COLUMNS",
    "REPORT_ROW_LIMIT",
    "REQUIRED_COLUMNS",
    "UCDP_CATEGORIES",
    "UCDP_WHERE_PREC",
    "DatasetImportError",
    "ImportReport",
    "RejectedRow",
    "detect_format",
    "guess_columns",
    "import_dataset",
    "imports_dir_default",
    "main",
    "read_csv_header",
]
