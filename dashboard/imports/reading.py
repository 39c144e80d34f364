"""Reading an input file: the size limit, UTF-8 decoding, CSV parsing and format detection.

Nothing here knows what an event is. It turns a path or the bytes of an upload into a
table of exact strings (no NA guessing, no trimming), refuses empty, oversized, non-UTF-8
and malformed files with a one-line :class:`DatasetImportError`, notes CSV records with the
wrong number of fields as rejected rows, and tells ACLED, UCDP, generic CSV and GeoJSON
apart by their first bytes and column names.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd

from dashboard.imports.report import DatasetImportError, RejectedRow, _decode_problem, _one_line
from dashboard.imports.settings import MAX_FILE_BYTES
from dashboard.inputs import InputError, unpack

# A header is a short list of names; a 3 MB first line of 1.5 million columns took pandas minutes.
MAX_HEADER_BYTES = 64 * 1024
MAX_COLUMNS = 2_000

REQUIRED_COLUMNS = {
    "acled": ("event_date", "event_type", "actor1", "latitude", "longitude", "geo_precision", "time_precision"),
    "ucdp": ("date_start", "date_end", "latitude", "longitude", "side_a", "side_b"),
}
OPTIONAL_COLUMNS = {
    "acled": ("event_id_cnty", "sub_event_type", "actor2", "notes", "source", "location", "admin1", "admin2",
              "country", "fatalities"),
    "ucdp": ("id", "where_prec", "where_coordinates", "best", "source_article", "source_office", "country",
             "type_of_violence", "adm_1", "conflict_name"),
}


def _checked_input(source: str | os.PathLike | bytes, label: str, max_bytes: int) -> bytes | Path:
    """The file's bytes or path, once it is known to exist, be non-empty and within the limit."""
    if isinstance(source, (bytes, bytearray)):
        size = len(source)
        data: bytes | Path = bytes(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as error:
            raise DatasetImportError(f"{label}: cannot read: {error.strerror or error}") from None
        if not path.is_file():
            raise DatasetImportError(f"{label}: not a file")
        data = path
    if size == 0:
        raise DatasetImportError(f"{label}: the file is empty")
    if size > max_bytes:
        raise DatasetImportError(
            f"{label}: the file is {size / 1e6:,.1f} MB, over the {max_bytes / 1e6:,.1f} MB import limit "
            "(python -m dashboard.imports takes --max-mb for a larger file)"
        )
    data = _unpacked(data, label, max_bytes)
    _check_first_line(data, label)
    return data


def _unpacked(data: bytes | Path, label: str, max_bytes: int = MAX_FILE_BYTES) -> bytes | Path:
    """The one file inside a .zip or .gz (ACLED and UCDP ship that way); anything else unchanged."""
    if _head(data, 4)[:2] not in (b"PK", b"\x1f\x8b"):
        return data
    packed = data if isinstance(data, bytes) else data.read_bytes()
    try:
        inner, _name = unpack(packed, label, max_bytes)
    except InputError as error:
        raise DatasetImportError(str(error)) from None
    if not inner.strip():
        raise DatasetImportError(f"{label}: the file inside is empty")
    return inner


def _check_first_line(data: bytes | Path, label: str) -> None:
    """Refuse a CSV header too long or too wide to parse quickly (checked before any parsing)."""
    head = _head(data, MAX_HEADER_BYTES + 1).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return
    line = head.split(b"\n", 1)[0]
    if len(line) > MAX_HEADER_BYTES:
        raise DatasetImportError(f"{label}: the first line is longer than {MAX_HEADER_BYTES // 1024} KB; "
                                 "a CSV header is a short list of column names")
    columns = line.count(b",") + 1
    if columns > MAX_COLUMNS:
        raise DatasetImportError(f"{label}: the header has {columns:,} columns; the limit is {MAX_COLUMNS:,}")


def _head(data: bytes | Path, size: int = 4096) -> bytes:
    if isinstance(data, bytes):
        return data[:size]
    with open(data, "rb") as handle:
        return handle.read(size)


def detect_format(data: bytes | Path, label: str = "file") -> str:
    """'geojson' for JSON text, else 'acled' / 'ucdp' by their column names, else 'csv'."""
    data = _unpacked(data, label)
    head = _head(data).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{") or (isinstance(data, Path) and data.suffix.lower() in (".geojson", ".json")):
        return "geojson"
    header = set(_header_map(data, label))
    if {"event_type", "actor1", "event_date"} <= header:
        return "acled"
    if {"side_a", "side_b", "date_start"} <= header:
        return "ucdp"
    return "csv"


def read_csv_header(data: bytes | Path, label: str = "file") -> list[str]:
    """The CSV's column names as written in the file (for the column pickers)."""
    data = _unpacked(data, label)
    _check_first_line(data, label)
    return list(_header_map(data, label).values())


def _header_map(data: bytes | Path, label: str) -> dict[str, str]:
    """lower-cased, trimmed column name -> the name as written in the file."""
    try:
        header = pd.read_csv(_csv_input(data), nrows=0, encoding="utf-8-sig", dtype=str)
    except UnicodeDecodeError as error:
        raise DatasetImportError(f"{label}: not UTF-8 text ({_decode_problem(error)}); save it as UTF-8") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise DatasetImportError(f"{label}: malformed CSV header: {_one_line(error)}") from None
    mapping: dict[str, str] = {}
    for column in header.columns:
        mapping.setdefault(str(column).strip().lower(), column)
    return mapping


def _csv_input(data: bytes | Path):
    return io.BytesIO(data) if isinstance(data, bytes) else data



CHUNK_ROWS = 20_000  # rows mapped and written at a time: memory stays flat however long the file is


def _read_csv(data: bytes | Path, label: str, format: str) -> pd.DataFrame:
    """The needed columns as exact strings (no NA guessing, no trimming), renamed lower-case."""
    chunks = list(_read_csv_chunks(data, label, format, chunk_rows=None))
    return chunks[0]


def _read_csv_chunks(data: bytes | Path, label: str, format: str, chunk_rows: int | None = CHUNK_ROWS):
    """:func:`_read_csv` a chunk of ``chunk_rows`` rows at a time (all at once for None).

    Each chunk has a ``_row`` column with its rows' numbers in the file (from 1) and, in
    ``attrs["malformed"]``, its records with the wrong number of fields.
    """
    header = _header_map(data, label)
    if format in REQUIRED_COLUMNS:
        missing = [column for column in REQUIRED_COLUMNS[format] if column not in header]
        if missing:
            raise DatasetImportError(
                f"{label}: missing column {', '.join(repr(m) for m in missing)} for the {format.upper()} format "
                f"(found: {', '.join(list(header)[:30]) or 'none'})"
            )
        wanted = [header[c] for c in (*REQUIRED_COLUMNS[format], *OPTIONAL_COLUMNS[format]) if c in header]
    else:
        wanted = list(header.values())
    malformed = _wrong_length_rows(data, len(header), label)
    try:
        reader = pd.read_csv(
            _csv_input(data), usecols=wanted, dtype=str, keep_default_na=False, na_filter=False,
            encoding="utf-8-sig", skip_blank_lines=True, chunksize=chunk_rows,
        )
        chunks = [reader] if chunk_rows is None else reader
        first = 1
        for table in chunks:
            table.columns = [str(c).strip().lower() for c in table.columns]
            table = table.loc[:, ~table.columns.duplicated()].fillna("")
            table.index = range(len(table))
            table["_row"] = range(first, first + len(table))
            table.attrs["malformed"] = {row: item for row, item in malformed.items() if first <= row < first + len(table)}
            first += len(table)
            yield table
    except UnicodeDecodeError as error:
        raise DatasetImportError(f"{label}: not UTF-8 text ({_decode_problem(error)}); save it as UTF-8") from None
    except (pd.errors.ParserError, ValueError) as error:
        raise DatasetImportError(f"{label}: malformed CSV: {_one_line(error)}") from None


def _wrong_length_rows(data: bytes | Path, expected: int, label: str = "file") -> dict[int, RejectedRow]:
    """Records with more or fewer fields than the header (pandas silently trims them when
    reading selected columns). One streaming pass, so memory stays flat."""
    source = io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")
    problems: dict[int, RejectedRow] = {}
    row = 0
    with source, io.TextIOWrapper(source, encoding="utf-8-sig", newline="") as text:
        records = (record for record in csv.reader(text) if record)
        try:
            next(records, None)  # the header
            for row, record in enumerate(records, start=1):
                if len(record) != expected:
                    problems[row] = RejectedRow(row, "(row)", f"has {len(record)} fields; the header has {expected}")
        except csv.Error as error:  # e.g. a field over csv.field_size_limit() (128 KB)
            raise DatasetImportError(f"{label}: row {row + 1}: {_one_line(error)} "
                                     f"(the limit is {csv.field_size_limit() // 1024} KB per field)") from None
        except UnicodeDecodeError as error:
            raise DatasetImportError(f"{label}: not UTF-8 text ({_decode_problem(error)}); save it as UTF-8") from None
    return problems
