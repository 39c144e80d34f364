"""The import itself: check the name and format, read the file, map it, write it.

:func:`import_dataset` is the one entry point the command line, the app's import panel and
the benchmarks call. It chooses the format (detected when "auto"), hands the file to the
format's mapping a chunk of rows at a time, drops duplicate ids and hands each chunk to the
store (:func:`dashboard.store.imported_datasets`), which makes the new dataset visible only
once every chunk is written; it returns an :class:`ImportReport`. Memory stays flat however
long a CSV file is (GeoJSON files are parsed whole).
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from pathlib import Path

from dashboard.imports.acled import _map_acled
from dashboard.imports.generic import _map_generic
from dashboard.imports.geojson import _import_geojson
from dashboard.imports import reading
from dashboard.imports.reading import _checked_input, _read_csv_chunks, detect_format
from dashboard.imports.report import DatasetImportError, ImportReport, _one_line
from dashboard.imports.rows import _drop_duplicate_ids
from dashboard.imports.settings import COLUMN_GUESSES, FORMATS, MAX_FILE_BYTES, NAME_PATTERN
from dashboard.imports.ucdp import _map_ucdp
from dashboard.store import imported_datasets

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
    replace: bool = True,
) -> ImportReport:
    """Map a dataset file (a path, or the bytes of an upload) to events and store them as dataset NAME.

    ``columns`` names the generic CSV/GeoJSON fields: keys ``lat``, ``lon``, ``date``,
    ``end_date``, ``title``, ``id``. ``source_label`` names bytes in messages (e.g. the
    uploaded file's name); it is never used as a path. With ``replace`` false an existing
    dataset NAME is refused. Raises DatasetImportError.
    """
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
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
    rows_read, imported, rejected, seen = 0, 0, [], set()
    writer = None
    try:
        store = imported_datasets(imports_dir)
        if not replace and _exists(store, name):
            raise DatasetImportError(f"dataset {name!r} already exists; choose another name or replace it")
        with _no_cycle_collection():
            for chunk_rows, features, chunk_rejected in _mapped_chunks(data, label, format, name, columns or {}):
                features, chunk_rejected = _drop_duplicate_ids(features, chunk_rejected, seen)
                rows_read += chunk_rows
                rejected.extend(chunk_rejected)
                if features:
                    writer = writer or store.writer(name)
                    writer.write(features)
                    imported += len(features)
        if not imported:
            first = f"; first problem: {min(rejected, key=lambda item: item.row)}" if rejected else ""
            raise DatasetImportError(f"{label}: no valid rows to import (read {rows_read:,}){first}")
        path = writer.commit()
        writer = None
    except OSError as error:
        raise DatasetImportError(f"{label}: cannot write dataset {name!r}: {_one_line(error)}") from None
    finally:
        if writer is not None:
            writer.abort()
    rejected.sort(key=lambda item: item.row)
    return ImportReport(name=name, source=label, format=format, path=path, rows_read=rows_read,
                        imported=imported, rejected=rejected)


@contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector while chunks are mapped and written.

    A chunk creates hundreds of thousands of small dicts and lists, which set off collections
    that walk every live object again and again: about half the import time, for nothing, as
    a chunk's objects are freed by reference counting when the next chunk replaces them.
    The collector is switched back on afterwards (if it was on), and one pass collects any
    cycles left over.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def _exists(store, name: str) -> bool:
    """Whether dataset NAME is stored (for a folder: its file, without reading any other)."""
    directory = getattr(store, "directory", None)
    if directory is not None:
        return any((Path(directory) / f"{name}{suffix}").exists() for suffix in (".parquet", ".geojson"))
    return name in store.names()


def _mapped_chunks(data, label: str, format: str, name: str, columns: dict):
    """(rows read, features, rejected rows) for each chunk of the file, in order."""
    if format == "geojson":
        rows_read, features, rejected = _import_geojson(data, label, name, columns)
        yield rows_read, features, rejected
        return
    for table in _read_csv_chunks(data, label, format, reading.CHUNK_ROWS):
        features, rejected = _FORMAT_MAPPERS[format](table, label, name, columns)
        yield len(table), features, rejected
