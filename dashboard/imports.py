"""Importing conflict-event datasets (ACLED, UCDP GED, generic CSV, GeoJSON) as map layers.

Each import maps a file to the event schema (dashboard/events.py) and writes
``<imports_dir>/NAME.geojson``; each such file is drawn as its own layer. Imported files are
where bad input and hostile text come from, so:

* every string is stored exactly as the file gave it (escaping happens only on display);
* a row that cannot be mapped is rejected with its row number, field and reason, and the
  valid rows are imported; a file with no valid row is an error;
* a failed import changes no existing file (temp file in the same folder, then os.replace);
* NAME must match ``NAME_PATTERN``; an uploaded file's own name never becomes a path.

Row numbers count data records from 1 (the header is not a row; a quoted field with
newlines is still one row). GeoJSON features are numbered from 1 too.

Mappings (documented here and in the report the importer prints):

* ACLED ``event_type``/``sub_event_type`` -> category: see ``ACLED_CATEGORIES``;
  ``geo_precision`` and ``time_precision`` -> see ``ACLED_GEO_PRECISION`` and
  ``_acled_dates``.
* UCDP GED ``type_of_violence`` -> category: see ``UCDP_CATEGORIES``; ``where_prec`` -> see
  ``UCDP_WHERE_PREC``; when ``where_prec`` is absent the precision is inferred from
  ``where_coordinates`` (see ``_ucdp_precision_from_name``) and the event says so.
* Generic CSV / GeoJSON: the lat/lon/date/title columns are named by the user (with guesses);
  ``category`` is kept when it is one of ours, otherwise "other".

Usage: ``python -m dashboard.imports FILE --name NAME [--format auto|acled|ucdp|csv|geojson]
[--lat-column C --lon-column C --date-column C --title-column C]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pydantic import ValidationError

from dashboard.events import (
    CATEGORIES,
    MIN_UNCERTAINTY_KM,
    ROOT,
    EventProperties,
    EventValidationError,
    validate_feature_collection,
)
from dashboard.layers import load_context

log = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Larger files are refused before reading: a 200 MB CSV is ~1 million ACLED rows, far more
# than a browser map can show, and it bounds the server's memory per upload.
MAX_FILE_BYTES = 200 * 1024 * 1024
DEFAULT_IMPORTS_DIR = ROOT / "geodata" / "imports"
FORMATS = ("auto", "acled", "ucdp", "csv", "geojson")
# How many rejected rows the printed report lists one by one (the count is always given).
REPORT_ROW_LIMIT = 50

# Column-name guesses for generic CSV and GeoJSON properties (first match wins).
COLUMN_GUESSES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "date": ("date", "event_date", "date_start", "start_date"),
    "end_date": ("date_end", "end_date"),
    "title": ("title", "name", "event", "headline", "event_type"),
    "id": ("id", "event_id", "event_id_cnty"),
}

# ACLED: (event_type, sub_event_type or "*") -> our category; anything not listed -> "other".
ACLED_CATEGORIES: dict[tuple[str, str], str] = {
    ("battles", "government regains territory"): "territorial_control",
    ("battles", "non-state actor overtakes territory"): "territorial_control",
    ("battles", "*"): "armed_conflict",
    ("explosions/remote violence", "*"): "attack",
    ("violence against civilians", "*"): "attack",
    ("protests", "*"): "political",
    ("riots", "*"): "political",
    ("strategic developments", "agreement"): "diplomacy",
    ("strategic developments", "headquarters or base established"): "deployment",
    ("strategic developments", "non-violent transfer of territory"): "territorial_control",
}
# ACLED geo_precision -> (location_precision, uncertainty_km, note). 1 = the town/site itself;
# 2 = near a town or only the district known; 3 = only the province/region known.
ACLED_GEO_PRECISION: dict[str, tuple[str, float, str]] = {
    "1": ("city", 2.0, "ACLED geo_precision 1: the named town or site"),
    "2": ("city", 25.0, "ACLED geo_precision 2: near a town or within a district (about ±25 km)"),
    "3": ("province", 100.0, "ACLED geo_precision 3: only the province or region is known; point at its centre"),
}

# UCDP GED type_of_violence (codes or the labels some exports use) -> our category.
UCDP_CATEGORIES: dict[str, str] = {
    "1": "armed_conflict", "state": "armed_conflict", "state-based": "armed_conflict",
    "2": "armed_conflict", "non-state": "armed_conflict",
    "3": "attack", "one-sided": "attack",
}
# UCDP GED codebook where_prec -> (location_precision, uncertainty_km, note).
UCDP_WHERE_PREC: dict[str, tuple[str, float, str]] = {
    "1": ("city", 2.0, "UCDP where_prec 1: exact location"),
    "2": ("city", 25.0, "UCDP where_prec 2: within about 25 km of a known point"),
    "3": ("province", 50.0, "UCDP where_prec 3: only the district (second-order unit) is known"),
    "4": ("province", 100.0, "UCDP where_prec 4: only the province (first-order unit) is known"),
    "5": ("province", 100.0, "UCDP where_prec 5: estimated along a border, road or river, or between places"),
    "6": ("country", 300.0, "UCDP where_prec 6: only the country is known; country-level point at a centroid"),
    "7": ("region", 300.0, "UCDP where_prec 7: international waters or airspace"),
}

GENERIC_PRECISION = ("city", 5.0, "precision not stated in the file; assumed town-level (±5 km)")
# Country names in datasets that differ from Natural Earth's.
COUNTRY_ALIASES = {"russian federation": "RUS", "iran (islamic republic of)": "IRN", "kyrgyz republic": "KGZ"}


class DatasetImportError(ValueError):
    """An import that cannot proceed; the message is one line naming the file (and row, field)."""


@dataclass(frozen=True)
class RejectedRow:
    row: int  # 1-based data record (or feature) number
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did: rows read, imported and rejected (each with row, field and reason)."""

    name: str
    source: str
    format: str
    path: Path | None
    rows_read: int
    imported: int
    rejected: list[RejectedRow] = field(default_factory=list)

    def lines(self, limit: int = REPORT_ROW_LIMIT) -> list[str]:
        head = (f"{self.source} ({self.format}) -> {self.path}: read {self.rows_read:,} rows, "
                f"imported {self.imported:,}, rejected {len(self.rejected):,}")
        rows = [f"  {self.source}: {item}" for item in self.rejected[:limit]]
        if len(self.rejected) > limit:
            rows.append(f"  … and {len(self.rejected) - limit:,} more rejected rows")
        return [head, *rows]

    def __str__(self) -> str:
        return "\n".join(self.lines())


# --------------------------------------------------------------------------- entry point


def imports_dir_default() -> Path:
    """``$DASHBOARD_IMPORTS_DIR`` when set, else geodata/imports (read at call time, for tests)."""
    return Path(os.environ.get("DASHBOARD_IMPORTS_DIR") or DEFAULT_IMPORTS_DIR)


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
            f"{label}: the file is {size / 1e6:,.1f} MB, over the {max_bytes / 1e6:,.1f} MB import limit"
        )
    return data


def _head(data: bytes | Path, size: int = 4096) -> bytes:
    if isinstance(data, bytes):
        return data[:size]
    with open(data, "rb") as handle:
        return handle.read(size)


def detect_format(data: bytes | Path, label: str = "file") -> str:
    """'geojson' for JSON text, else 'acled' / 'ucdp' by their column names, else 'csv'."""
    head = _head(data).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{") or (isinstance(data, Path) and data.suffix.lower() in (".geojson", ".json")):
        return "geojson"
    header = set(_header_map(data, label))
    if {"event_type", "actor1", "event_date"} <= header:
        return "acled"
    if {"side_a", "side_b", "date_start"} <= header:
        return "ucdp"
    return "csv"


# --------------------------------------------------------------------------- CSV reading


def read_csv_header(data: bytes | Path, label: str = "file") -> list[str]:
    """The CSV's column names as written in the file (for the column pickers)."""
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


def _decode_problem(error: UnicodeDecodeError) -> str:
    return f"byte 0x{error.object[error.start]:02x} at position {error.start:,}"


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _read_csv(data: bytes | Path, label: str, format: str) -> pd.DataFrame:
    """The needed columns as exact strings (no NA guessing, no trimming), renamed lower-case."""
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
    try:
        table = pd.read_csv(
            _csv_input(data), usecols=wanted, dtype=str, keep_default_na=False, na_filter=False,
            encoding="utf-8-sig", skip_blank_lines=True,
        )
    except UnicodeDecodeError as error:
        raise DatasetImportError(f"{label}: not UTF-8 text ({_decode_problem(error)}); save it as UTF-8") from None
    except (pd.errors.ParserError, ValueError) as error:
        raise DatasetImportError(f"{label}: malformed CSV: {_one_line(error)}") from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    table = table.loc[:, ~table.columns.duplicated()].fillna("")
    table.attrs["malformed"] = _wrong_length_rows(data, len(header))
    return table


def _wrong_length_rows(data: bytes | Path, expected: int) -> dict[int, RejectedRow]:
    """Records with more or fewer fields than the header (pandas silently trims them when
    reading selected columns). One streaming pass, so memory stays flat."""
    source = io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")
    problems: dict[int, RejectedRow] = {}
    with source, io.TextIOWrapper(source, encoding="utf-8-sig", newline="") as text:
        records = (record for record in csv.reader(text) if record)
        next(records, None)  # the header
        for row, record in enumerate(records, start=1):
            if len(record) != expected:
                problems[row] = RejectedRow(row, "(row)", f"has {len(record)} fields; the header has {expected}")
    return problems


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


# --------------------------------------------------------------------------- shared helpers


class _Problems:
    """Rejected rows collected while mapping; a row is rejected once, at its first problem."""

    def __init__(self, table: pd.DataFrame | None = None) -> None:
        self.rows: dict[int, RejectedRow] = dict(table.attrs.get("malformed", {})) if table is not None else {}

    def add(self, mask: np.ndarray, rows: np.ndarray, field: str, reason: Callable[[int], str]) -> None:
        for position in np.flatnonzero(mask):
            row = int(rows[position])
            if row not in self.rows:
                self.rows[row] = RejectedRow(row, field, reason(position))

    def reject_without_country(self, row) -> None:
        self.rows.setdefault(int(row), RejectedRow(int(row), "country",
                                                   "no known country name and the point lies in no known country"))

    def bad(self, count: int, rows: np.ndarray) -> np.ndarray:
        rejected = np.zeros(count, dtype=bool)
        if self.rows:
            rejected[np.isin(rows, list(self.rows))] = True
        return rejected


def _coordinates(table: pd.DataFrame, lat_col: str, lon_col: str, rows: np.ndarray, problems: _Problems):
    lat = pd.to_numeric(table[lat_col], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(table[lon_col], errors="coerce").to_numpy(dtype=float)
    lat_text, lon_text = table[lat_col].to_numpy(), table[lon_col].to_numpy()
    problems.add(~np.isfinite(lat), rows, lat_col, lambda i: f"{lat_text[i]!r} is not a number")
    problems.add(~np.isfinite(lon), rows, lon_col, lambda i: f"{lon_text[i]!r} is not a number")
    problems.add(np.abs(lat) > 90, rows, lat_col, lambda i: f"{lat[i]} is out of range (-90 to 90)")
    problems.add(np.abs(lon) > 180, rows, lon_col, lambda i: f"{lon[i]} is out of range (-180 to 180)")
    return lat, lon


DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%B %d, %Y", "%d-%m-%Y")


def _dates(texts: pd.Series, column: str, rows: np.ndarray, problems: _Problems) -> pd.Series:
    """Parse ISO dates ("2021-08-03") and written ones ("03 August 2021"); reject the rest."""
    parsed = pd.to_datetime(texts, format="ISO8601", errors="coerce")
    for fmt in DATE_FORMATS:
        missing = parsed.isna()
        if not missing.any():
            break
        parsed = parsed.where(~missing, pd.to_datetime(texts.where(missing, ""), format=fmt, errors="coerce"))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    parsed = parsed.dt.normalize()
    text = texts.to_numpy()
    problems.add(parsed.isna().to_numpy(), rows, column,
                 lambda i: f"cannot read date {text[i]!r} (use YYYY-MM-DD or '3 August 2021')")
    return parsed


def _start_after_end(start: pd.Series, end: pd.Series, rows: np.ndarray, problems: _Problems, column: str) -> None:
    later = (start > end).to_numpy()
    problems.add(later, rows, column, lambda i: f"start {start.iloc[i]:%Y-%m-%d} is after end {end.iloc[i]:%Y-%m-%d}")


def _iso(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in values]


@lru_cache(maxsize=1)
def _country_index():
    countries = load_context("countries")["features"]
    codes = [feature["properties"]["iso_a3"] for feature in countries]
    names = {feature["properties"]["name"].casefold(): feature["properties"]["iso_a3"] for feature in countries}
    names.update(COUNTRY_ALIASES)
    geometries = [shapely.geometry.shape(feature["geometry"]) for feature in countries]
    return names, codes, shapely.STRtree(geometries)


def _countries(names: list[str], lat: np.ndarray, lon: np.ndarray) -> list[str | None]:
    """ISO3 codes: from a country name or code when recognised, else from the point's position."""
    by_name, codes, tree = _country_index()
    result: list[str | None] = []
    for text in names:
        value = (text or "").strip()
        if re.fullmatch(r"[A-Z]{3}", value):
            result.append(value)
        else:
            result.append(by_name.get(value.casefold()))
    unknown = [i for i, code in enumerate(result) if code is None and np.isfinite(lat[i]) and np.isfinite(lon[i])]
    if unknown:
        points = shapely.points(lon[unknown], lat[unknown])
        point_index, country_index = tree.query(points, predicate="intersects")
        for p, c in zip(point_index, country_index):
            result[unknown[p]] = result[unknown[p]] or codes[c]
    return result


def _drop_duplicate_ids(features: list[dict], rejected: list[RejectedRow]) -> tuple[list[dict], list[RejectedRow]]:
    """Keep the first event with each id; later ones are rejected rows."""
    seen: set[str] = set()
    kept = []
    for feature in features:
        event_id = feature["properties"]["id"]
        if event_id in seen:
            rejected.append(RejectedRow(feature.pop("_row"), "id", f"duplicate id {event_id!r}"))
            continue
        seen.add(event_id)
        feature.pop("_row", None)
        kept.append(feature)
    return kept, rejected


def _event_ids(name: str, own_ids: list[str] | None, rows: np.ndarray) -> list[str]:
    if own_ids is None:
        return [f"{name}:{row}" for row in rows]
    return [f"{name}:{own}" if own != "" else f"{name}:row-{row}" for own, row in zip(own_ids, rows)]


# --------------------------------------------------------------------------- ACLED


def _acled_category(event_type: str, sub_event_type: str) -> str:
    event_type, sub_event_type = event_type.strip().casefold(), sub_event_type.strip().casefold()
    return (ACLED_CATEGORIES.get((event_type, sub_event_type))
            or ACLED_CATEGORIES.get((event_type, "*"))
            or "other")


def _acled_dates(dates: pd.Series, precision: list[str], rows, problems) -> tuple[list, list, list, list, list]:
    """time_precision 1 = the day; 2 = a week, ACLED codes its middle day (-> ±3 days);
    3 = a month (-> the whole month). Unknown codes are rejected rows."""
    starts, ends, kinds, bases, notes = [], [], [], [], []
    for i, (day, code) in enumerate(zip(dates, precision)):
        code = code.strip()
        if pd.isna(day):
            starts.append(None), ends.append(None), kinds.append(None), bases.append(None), notes.append(None)
            continue
        if code == "1":
            start, end, kind, basis, note = day, day, "day", "explicit", None
        elif code == "2":
            start, end, kind, basis = day - pd.Timedelta(days=3), day + pd.Timedelta(days=3), "range", "inferred"
            note = f"ACLED time_precision 2: only the week is known; shown as the week around {day:%Y-%m-%d}"
        elif code == "3":
            start, end, kind, basis = day.replace(day=1), day + pd.offsets.MonthEnd(0), "month", "inferred"
            note = f"ACLED time_precision 3: only the month is known (coded as {day:%Y-%m-%d})"
        else:
            problems.add(np.array([True]), rows[i:i + 1], "time_precision",
                         lambda _j, c=code: f"unknown code {c!r} (ACLED uses 1, 2 or 3)")
            start = end = kind = basis = note = None
        starts.append(start), ends.append(end), kinds.append(kind), bases.append(basis), notes.append(note)
    return starts, ends, kinds, bases, notes


def _map_acled(table: pd.DataFrame, label: str, name: str, columns: dict) -> tuple[list[dict], list[RejectedRow]]:
    rows = np.arange(1, len(table) + 1)
    problems = _Problems(table)
    get = lambda column: table[column].tolist() if column in table else [""] * len(table)  # noqa: E731
    lat, lon = _coordinates(table, "latitude", "longitude", rows, problems)
    dates = _dates(table["event_date"], "event_date", rows, problems)
    starts, ends, kinds, bases, date_notes = _acled_dates(dates, get("time_precision"), rows, problems)
    geo = [ACLED_GEO_PRECISION.get(code.strip()) for code in get("geo_precision")]
    geo_codes = get("geo_precision")
    problems.add(np.array([g is None for g in geo]), rows, "geo_precision",
                 lambda i: f"unknown code {geo_codes[i]!r} (ACLED uses 1, 2 or 3)")
    own_ids = get("event_id_cnty") if "event_id_cnty" in table else None
    ids = _event_ids(name, own_ids, rows)
    countries = _countries(get("country"), lat, lon)
    properties = []
    columns_iter = zip(rows, ids, get("event_type"), get("sub_event_type"), get("actor1"), get("actor2"),
                       get("location"), get("admin1"), get("notes"), get("source"), get("fatalities"),
                       get("event_date"), starts, ends, kinds, bases, date_notes, geo, countries)
    for (row, event_id, event_type, sub_type, actor1, actor2, location, admin1, notes, source, fatalities,
         date_text, start, end, kind, basis, date_note, precision, country) in columns_iter:
        if start is None or precision is None:
            properties.append(None)
            continue
        if country is None:
            problems.reject_without_country(row)
            properties.append(None)
            continue
        place = ", ".join(part for part in (location, admin1) if part) or f"{lat[row - 1]:.4f}, {lon[row - 1]:.4f}"
        actors = [actor for actor in (actor1, actor2) if actor]
        kind_text = sub_type or event_type
        title = f"{kind_text}: {' – '.join(actors)}" if actors else kind_text or f"ACLED event {event_id}"
        description = (f"{event_type}" + (f" ({sub_type})" if sub_type else "") + (f" involving {' and '.join(actors)}" if actors else "")
                       + f" at {place} on {date_text}" + (f"; {fatalities} reported fatalities" if fatalities else "")
                       + ". (Generated: the ACLED row has no notes.)")
        citation = f"ACLED export '{name}', event {own_ids[row - 1] if own_ids and own_ids[row - 1] else f'row {row}'}" + (f"; source: {source}" if source else "")
        precision_kind, uncertainty, location_note = precision
        properties.append({
            "id": event_id,
            "title": title,
            "summary": notes,
            "category": _acled_category(event_type, sub_type),
            "actors": actors,
            "date_start": start.strftime("%Y-%m-%d"),
            "date_end": end.strftime("%Y-%m-%d"),
            "date_precision": kind,
            "date_basis": basis,
            "date_note": date_note,
            "place": place,
            "country": country,
            "location_precision": precision_kind,
            "uncertainty_km": uncertainty,
            "location_note": location_note,
            "sources": [{"citation": citation, "quote": notes or description}],
            "review_status": "imported",
            "dataset": name,
            "source_event_type": event_type,
            "source_sub_event_type": sub_type,
            "fatalities": fatalities,
        })
    return _collect(label, rows, lat, lon, properties, problems)


def _collect(label, rows, lat, lon, properties, problems) -> tuple[list[dict], list[RejectedRow]]:
    """Drop rows with problems, validate the rest, and remember each feature's row number."""
    bad = problems.bad(len(rows), rows)
    features = []
    for row, y, x, props, is_bad in zip(rows, lat, lon, properties, bad):
        if props is None or is_bad:
            continue
        try:
            EventProperties.model_validate(props)
        except ValidationError as error:
            item = error.errors()[0]
            field = ".".join(str(part) for part in item["loc"]) or "properties"
            problems.rows.setdefault(int(row), RejectedRow(int(row), field, item["msg"]))
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
            "properties": props,
            "_row": int(row),
        })
    return features, list(problems.rows.values())


# --------------------------------------------------------------------------- UCDP GED


def _ucdp_precision_from_name(where: str, country_name: str) -> tuple[str, float, str]:
    """Precision when ``where_prec`` is missing, read honestly from where_coordinates."""
    text = where.strip().casefold()
    if text and (text == country_name.strip().casefold() or text in _country_index()[0]):
        return ("country", 300.0, "where_prec missing; where_coordinates names only the country: a country-level "
                                  "aggregate placed at a centroid, not a point event")
    if re.search(r"\b(road|highway)\b", text):
        return ("province", 50.0, "where_prec missing; where_coordinates names a road or highway: the event lies "
                                  "somewhere along it")
    if text.endswith(" province"):
        return ("province", 100.0, "where_prec missing; where_coordinates names a province: point at its centroid")
    if text.endswith(" district"):
        return ("city", 25.0, "where_prec missing; where_coordinates names a district: about ±25 km")
    return ("city", 5.0, "where_prec missing; where_coordinates names a town, village or site: assumed ±5 km")


def _map_ucdp(table: pd.DataFrame, label: str, name: str, columns: dict) -> tuple[list[dict], list[RejectedRow]]:
    rows = np.arange(1, len(table) + 1)
    problems = _Problems(table)
    get = lambda column: table[column].tolist() if column in table else [""] * len(table)  # noqa: E731
    lat, lon = _coordinates(table, "latitude", "longitude", rows, problems)
    starts = _dates(table["date_start"], "date_start", rows, problems)
    ends = _dates(table["date_end"], "date_end", rows, problems)
    _start_after_end(starts, ends, rows, problems, "date_end")
    has_where_prec = "where_prec" in table
    where_codes = get("where_prec")
    if has_where_prec:
        precision = [UCDP_WHERE_PREC.get(code.strip()) for code in where_codes]
        problems.add(np.array([p is None for p in precision]), rows, "where_prec",
                     lambda i: f"unknown code {where_codes[i]!r} (UCDP uses 1 to 7)")
    else:
        precision = [_ucdp_precision_from_name(where, country)
                     for where, country in zip(get("where_coordinates"), get("country"))]
    own_ids = get("id") if "id" in table else None
    ids = _event_ids(name, own_ids, rows)
    countries = _countries(get("country"), lat, lon)
    start_text, end_text = _iso(starts), _iso(ends)
    properties = []
    for (row, event_id, side_a, side_b, where, best, article, office, violence, start, end, place_precision,
         country) in zip(rows, ids, get("side_a"), get("side_b"), get("where_coordinates"), get("best"),
                         get("source_article"), get("source_office"), get("type_of_violence"), start_text,
                         end_text, precision, countries):
        if start is None or end is None or place_precision is None:
            properties.append(None)
            continue
        if country is None:
            problems.reject_without_country(row)
            properties.append(None)
            continue
        actors = [side for side in (side_a, side_b) if side]
        deaths = f"{best} killed (best estimate)" if best else "deaths not given"
        title = f"{' – '.join(actors) or 'Organized violence'}: {deaths}"
        place = where or f"{lat[row - 1]:.4f}, {lon[row - 1]:.4f}"
        description = (f"Organized violence between {' and '.join(actors) or 'unnamed sides'} at {place}, "
                       f"{start}" + (f" to {end}" if end != start else "") + f"; {deaths}. "
                       "(Generated: the UCDP row has no source_article text.)")
        kind, uncertainty, location_note = place_precision
        date_note = "UCDP GED date_start–date_end" + ("" if has_where_prec else
                                                       "; where_prec absent in this file, location precision inferred from where_coordinates")
        properties.append({
            "id": event_id,
            "title": title,
            "summary": "",
            "category": UCDP_CATEGORIES.get(violence.strip().casefold(), "other"),
            "actors": actors,
            "date_start": start,
            "date_end": end,
            "date_precision": "day" if start == end else "range",
            "date_basis": "explicit",
            "date_note": date_note,
            "place": place,
            "country": country,
            "location_precision": kind,
            "uncertainty_km": uncertainty,
            "location_note": location_note,
            "sources": [{
                "citation": f"UCDP GED '{name}', {'event ' + own_ids[row - 1] if own_ids and own_ids[row - 1] else f'row {row}'}"
                            + (f"; source: {office}" if office else ""),
                "quote": article or description,
            }],
            "review_status": "imported",
            "dataset": name,
            "source_type_of_violence": violence,
            "best": best,
        })
    return _collect(label, rows, lat, lon, properties, problems)


# --------------------------------------------------------------------------- generic CSV and GeoJSON


def guess_columns(header: list[str]) -> dict[str, str | None]:
    """A first guess for each column role from the names in the file (None when no match)."""
    lowered = {column.strip().lower(): column for column in header}
    return {role: next((lowered[g] for g in guesses if g in lowered), None) for role, guesses in COLUMN_GUESSES.items()}


def _resolve_columns(table: pd.DataFrame, label: str, columns: dict) -> dict[str, str | None]:
    chosen = guess_columns(list(table.columns))
    for role, column in columns.items():
        if column:
            chosen[role] = column.strip().lower()
    for role in ("lat", "lon", "date"):
        column = chosen[role]
        if column is None:
            raise DatasetImportError(
                f"{label}: no {role} column found (tried {', '.join(COLUMN_GUESSES[role])}); name it with --{role}-column"
            )
        if column not in table:
            raise DatasetImportError(f"{label}: missing column {column!r} given for {role}")
    for role in ("end_date", "title", "id"):
        if columns.get(role) and chosen[role] not in table:
            raise DatasetImportError(f"{label}: missing column {chosen[role]!r} given for {role}")
    return chosen


def _map_generic(table: pd.DataFrame, label: str, name: str, columns: dict) -> tuple[list[dict], list[RejectedRow]]:
    chosen = _resolve_columns(table, label, columns)
    rows = table["_row"].to_numpy() if "_row" in table else np.arange(1, len(table) + 1)
    problems = _Problems(table)
    n = len(table)
    get = lambda column: table[column].tolist() if column and column in table else [""] * n  # noqa: E731
    lat, lon = _coordinates(table, chosen["lat"], chosen["lon"], rows, problems)
    starts = _dates(table[chosen["date"]].astype(str), chosen["date"], rows, problems)
    if chosen["end_date"]:
        end_texts = table[chosen["end_date"]].astype(str)
        blank = (end_texts == "").to_numpy()
        ends = _dates(end_texts.where(~blank, table[chosen["date"]].astype(str)), chosen["end_date"], rows, problems)
        _start_after_end(starts, ends, rows, problems, chosen["end_date"])
    else:
        ends = starts
    own_ids = [str(v) for v in get(chosen["id"])] if chosen["id"] else None
    ids = _event_ids(name, own_ids, rows)
    countries = _countries([str(v) for v in get("country")], lat, lon)
    start_text, end_text = _iso(starts), _iso(ends)
    summaries = get(next((c for c in ("summary", "notes", "description") if c in table), None))
    places = get(next((c for c in ("place", "location", "where") if c in table), None))
    sources_text = get(next((c for c in ("source", "citation") if c in table), None))
    titles = get(chosen["title"]) if chosen["title"] else [""] * n
    properties = []
    for i, (row, event_id, start, end, country) in enumerate(zip(rows, ids, start_text, end_text, countries)):
        if start is None or end is None:
            properties.append(None)
            continue
        if country is None:
            problems.reject_without_country(row)
            properties.append(None)
            continue
        title = titles[i]
        title = title if isinstance(title, str) and title else f"{name} row {row}"
        place = places[i] if isinstance(places[i], str) and places[i] else f"{lat[i]:.4f}, {lon[i]:.4f}"
        summary = summaries[i] if isinstance(summaries[i], str) else ""
        category = table["category"].iat[i] if "category" in table else ""
        actors = _actors(table, i)
        precision = _generic_precision(table, i)
        description = f"{title} at {place}, {start}" + (f" to {end}" if end != start else "") + ". (Generated: the row has no notes.)"
        source_text = sources_text[i] if isinstance(sources_text[i], str) else ""
        properties.append({
            "id": event_id,
            "title": title,
            "summary": summary,
            "category": category if category in CATEGORIES else "other",
            "actors": actors,
            "date_start": start,
            "date_end": end,
            "date_precision": "day" if start == end else "range",
            "date_basis": "explicit",
            "date_note": None,
            "place": place,
            "country": country,
            "location_precision": precision[0],
            "uncertainty_km": precision[1],
            "location_note": precision[2],
            "sources": [{"citation": f"dataset '{name}', row {row}" + (f"; source: {source_text}" if source_text else ""),
                         "quote": summary or description}],
            "review_status": "imported",
            "dataset": name,
            **({"source_category": category} if category and category not in CATEGORIES else {}),
        })
    return _collect(label, rows, lat, lon, properties, problems)


def _actors(table: pd.DataFrame, i: int) -> list[str]:
    if "actors" in table:
        value = table["actors"].iat[i]
        if isinstance(value, list):
            return [str(v) for v in value if v]
        return [part.strip() for part in str(value).split(";") if part.strip()]
    return [table[c].iat[i] for c in ("actor1", "actor2", "side_a", "side_b") if c in table and table[c].iat[i]]


def _generic_precision(table: pd.DataFrame, i: int) -> tuple[str, float, str]:
    """The row's own location_precision/uncertainty_km when valid, else the stated default."""
    if "location_precision" in table:
        kind = table["location_precision"].iat[i]
        try:
            uncertainty = float(table["uncertainty_km"].iat[i]) if "uncertainty_km" in table else None
        except (TypeError, ValueError):
            uncertainty = None
        if kind in MIN_UNCERTAINTY_KM and uncertainty is not None and np.isfinite(uncertainty):
            return (kind, uncertainty, "precision as given in the file")
    return GENERIC_PRECISION


def _import_geojson(data: bytes | Path, label: str, name: str, columns: dict) -> tuple[int, list[dict], list[RejectedRow]]:
    """Features already in our schema are kept as they are; others are mapped like CSV rows."""
    raw = data if isinstance(data, bytes) else data.read_bytes()
    try:
        collection = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise DatasetImportError(f"{label}: not UTF-8 text ({_decode_problem(error)}); save it as UTF-8") from None
    except json.JSONDecodeError as error:
        raise DatasetImportError(f"{label}: malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise DatasetImportError(f"{label}: not a GeoJSON FeatureCollection")
    items = collection.get("features")
    if not isinstance(items, list):
        raise DatasetImportError(f"{label}: 'features' is not a list")
    kept: list[dict] = []
    rejected: list[RejectedRow] = []
    to_map: list[dict] = []
    for number, feature in enumerate(items, start=1):
        problem = _geojson_point_problem(feature)
        if problem:
            rejected.append(RejectedRow(number, "geometry", problem))
            continue
        props = feature.get("properties") or {}
        lon, lat = feature["geometry"]["coordinates"][:2]
        if _already_events(props):
            kept.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": props, "_row": number})
            continue
        to_map.append({**{str(k).strip().lower(): _property_text(k, v) for k, v in props.items()},
                       "_lon": str(lon), "_lat": str(lat), "_row": number})
    if to_map:
        table = pd.DataFrame(to_map, dtype=object).fillna("")
        columns = {"lat": "_lat", "lon": "_lon", **columns}
        mapped, problems = _map_generic(table, label, name, columns)
        kept.extend(mapped)
        rejected.extend(problems)
    kept.sort(key=lambda feature: feature["_row"])
    return len(items), kept, rejected


def _property_text(key: object, value: object) -> object:
    """Property values as the text a CSV would hold; strings unchanged, actor lists kept."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if str(key).strip().lower() == "actors" and isinstance(value, list):
        return value
    return json.dumps(value, ensure_ascii=False)


def _geojson_point_problem(feature: object) -> str | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "not a GeoJSON Feature"
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return "not a Point (only point events can be imported)"
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in coords[:2]):
        return "coordinates must be [lon, lat] numbers"
    lon, lat = coords[:2]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return f"coordinates out of range: [{lon}, {lat}]"
    return None


def _already_events(props: dict) -> bool:
    if "sources" not in props or "date_precision" not in props:
        return False
    try:
        EventProperties.model_validate(props)
    except ValidationError:
        return False
    return True


_FORMAT_MAPPERS = {"acled": _map_acled, "ucdp": _map_ucdp, "csv": _map_generic}


# --------------------------------------------------------------------------- writing


def _write_atomically(directory: Path, name: str, features: list[dict], label: str) -> Path:
    """Write NAME.geojson via a temp file in the same folder, check it, then os.replace.

    Until the final rename nothing visible changes, so a failure leaves any earlier import intact.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatasetImportError(f"{label}: cannot create the imports folder {directory}: {error.strerror}") from None
    target = directory / f"{name}.geojson"
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, prefix=f".{name}.",
                                         suffix=".tmp", delete=False)
    temp = Path(handle.name)
    try:
        with handle:
            # One write of one string: json.dump would make ~4 small writes per value.
            handle.write(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                                    separators=(",", ":")))
            handle.flush()
            os.fsync(handle.fileno())
        with open(temp, encoding="utf-8") as check:
            written = json.load(check)
        if len(written["features"]) != len(features):
            raise DatasetImportError(f"{label}: the written file does not read back ({temp})")
        os.chmod(temp, 0o644)  # temp files are private (0600); the dataset is ordinary data
        os.replace(temp, target)
    except (OSError, UnicodeError, ValueError) as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, DatasetImportError):
            raise
        raise DatasetImportError(f"{label}: cannot write {target}: {_one_line(error)}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


# --------------------------------------------------------------------------- loading for the app

# path -> (mtime_ns, size, frame): one frame per file, replaced when the file changes.
_LOADED: dict[Path, tuple[int, int, pd.DataFrame]] = {}


def load_imported_datasets(
    imports_dir: str | os.PathLike | None = None, *, errors: list[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Every ``NAME.geojson`` in the imports folder as a prepared events frame, by NAME.

    Frames are shaped like ``dashboard.data.prepare_events`` output (with distance to the
    border) and cached by path and modification time. A file that fails validation is left
    out and its problem appended to ``errors`` (and logged) so the app keeps serving.
    """
    from dashboard.data import prepare_events

    directory = Path(imports_dir) if imports_dir is not None else imports_dir_default()
    datasets: dict[str, pd.DataFrame] = {}
    if not directory.is_dir():
        return datasets
    present = set()
    for path in sorted(directory.glob("*.geojson")):
        if not NAME_PATTERN.match(path.stem):
            continue
        present.add(path)
        stat = path.stat()
        cached = _LOADED.get(path)
        if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            datasets[path.stem] = cached[2]
            continue
        try:
            collection = json.loads(path.read_text(encoding="utf-8"))
            validate_feature_collection(collection, source_name=str(path))
            frame = prepare_events(collection, with_distance=True)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, EventValidationError) as error:
            message = f"{path}: cannot load imported dataset: {_one_line(error).splitlines()[0][:300]}"
            log.warning(message)
            if errors is not None:
                errors.append(message)
            _LOADED.pop(path, None)
            continue
        del collection
        _LOADED[path] = (stat.st_mtime_ns, stat.st_size, frame)
        datasets[path.stem] = frame
    for path in [p for p in _LOADED if p.parent == directory and p not in present]:
        del _LOADED[path]
    return datasets


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.imports", description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--format", default="auto", choices=FORMATS)
    parser.add_argument("--name", required=True, help="dataset name: ^[a-z0-9][a-z0-9_-]{0,39}$")
    parser.add_argument("--imports-dir", default=None, help="default: $DASHBOARD_IMPORTS_DIR or geodata/imports")
    for role in ("lat", "lon", "date", "end-date", "title", "id"):
        parser.add_argument(f"--{role}-column", default=None)
    args = parser.parse_args(argv)
    columns = {role: getattr(args, f"{role.replace('-', '_')}_column")
               for role in ("lat", "lon", "date", "end-date", "title", "id")}
    columns = {role.replace("-", "_"): column for role, column in columns.items() if column}
    try:
        report = import_dataset(args.file, format=args.format, name=args.name, imports_dir=args.imports_dir,
                                columns=columns)
    except DatasetImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
