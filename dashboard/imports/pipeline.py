"""The import itself: check the name and format, read the file, map it, write it.

:func:`import_dataset` is the one entry point the command line, the app's import panel and
the benchmarks call. It chooses the format (detected when "auto"), hands the file to the
format's mapping, drops duplicate ids and writes ``NAME.geojson`` atomically, returning an
:class:`ImportReport`.
"""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.imports.acled import _map_acled
from dashboard.imports.generic import _map_generic
from dashboard.imports.geojson import _import_geojson
from dashboard.imports.reading import _checked_input, _read_csv, detect_format
from dashboard.imports.report import DatasetImportError, ImportReport
from dashboard.imports.rows import _drop_duplicate_ids
from dashboard.imports.settings import COLUMN_GUESSES, FORMATS, MAX_FILE_BYTES, NAME_PATTERN, imports_dir_default
from dashboard.imports.storage import _write_atomically
from dashboard.imports.ucdp import _map_ucdp

_FORMAT_MAPPERS = {"acled": _map_acled, "ucdp": _map_ucdp, "csv": _map_generic}


def import_dataset(
    source: str | os.PathLike | bytes,
    *,
    format: str = "auto",
    name: str,
    imports_dir: str | os.PathLike | None = None,
    columns: dict[str, str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    source_label: str | None = None,
) -> ImportReport:
    """Map a dataset file (a path, or the bytes of an upload) to events and write NAME.geojson.

    ``columns`` names the generic CSV/GeoJSON fields: keys ``lat``, ``lon``, ``date``,
    ``end_date``, ``title``, ``id``. ``source_label`` names bytes in messages (e.g. the
    uploaded file's name); it is never used as a path. Raises DatasetImportError.
    """
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise DatasetImportError(
            f"dataset name {name!r} is not allowed: use 1–40 lower-case letters, digits, '_' or '-', "
            "starting with a letter or digit"
        )
    if format not in FORMATS:
        raise DatasetImportError(f"unknown format {format!r}; choose from {', '.join(FORMATS)}")
    unknown = set(columns or {}) - set(COLUMN_GUESSES)
    if unknown:
        raise DatasetImportError(f"unknown column role {sorted(unknown)[0]!r}; use {', '.join(COLUMN_GUESSES)}")
    label = source_label or (str(source) if not isinstance(source, bytes) else "uploaded file")
    data = _checked_input(source, label, max_bytes)
    if format == "auto":
        format = detect_format(data, label)
    if format == "geojson":
        rows_read, features, rejected = _import_geojson(data, label, name, columns or {})
    else:
        table = _read_csv(data, label, format)
        rows_read = len(table)
        features, rejected = _FORMAT_MAPPERS[format](table, label, name, columns or {})
    features, rejected = _drop_duplicate_ids(features, rejected)
    if not features:
        first = f"; first problem: {rejected[0]}" if rejected else ""
        raise DatasetImportError(f"{label}: no valid rows to import (read {rows_read:,}){first}")
    target_dir = Path(imports_dir) if imports_dir is not None else imports_dir_default()
    path = _write_atomically(target_dir, name, features, label)
    rejected.sort(key=lambda item: item.row)
    return ImportReport(name=name, source=label, format=format, path=path, rows_read=rows_read,
                        imported=len(features), rejected=rejected)
