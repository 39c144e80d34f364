"""Per-row checks and feature assembly shared by every format.

ACLED, UCDP and generic mappings all check coordinates, parse dates, find a country, make
event ids and reject a row once, at its first problem, with its row number, field and
reason (:class:`_Problems`). :func:`_collect` then validates each remaining row against the
event schema and builds the GeoJSON features; :func:`_drop_duplicate_ids` keeps the first
event with each id. Keeping these together means each format module holds only its own
column mapping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from pydantic import ValidationError

from dashboard.cli import FIRST_YEAR, LAST_YEAR
from dashboard.events import EventProperties
from dashboard.imports.report import RejectedRow
from dashboard.layers import load_context

# Country names in datasets that differ from Natural Earth's.
COUNTRY_ALIASES = {"russian federation": "RUS", "iran (islamic republic of)": "IRN", "kyrgyz republic": "KGZ"}


def _row_numbers(table: pd.DataFrame) -> np.ndarray:
    """Each row's number in the file (from 1): the ``_row`` column of a chunk, else 1, 2, 3, …"""
    return table["_row"].to_numpy(dtype=int) if "_row" in table else np.arange(1, len(table) + 1)


def _column_getter(table: pd.DataFrame):
    """``get(column)``: the column as a list, or blanks when the (optional) column is absent."""
    blanks = [""] * len(table)
    return lambda column: table[column].tolist() if column and column in table else blanks


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
    parsed = _to_datetime(texts, "ISO8601")
    for fmt in DATE_FORMATS:
        missing = parsed.isna()
        if not missing.any():
            break
        parsed = parsed.where(~missing, _to_datetime(texts.where(missing, ""), fmt))
    parsed = parsed.dt.normalize()
    text = texts.to_numpy()
    problems.add(parsed.isna().to_numpy(), rows, column,
                 lambda i: f"cannot read date {text[i]!r} (use YYYY-MM-DD or '3 August 2021')")
    implausible = (parsed.dt.year < FIRST_YEAR) | (parsed.dt.year > LAST_YEAR)
    problems.add(implausible.to_numpy(), rows, column,
                 lambda i: f"date {text[i]!r} is outside {FIRST_YEAR}–{LAST_YEAR}")
    return parsed.where(~implausible)


def _to_datetime(texts: pd.Series, fmt: str) -> pd.Series:
    """pd.to_datetime with errors="coerce", also for the values it raises on anyway (year 0, mixed
    offsets); a value with a UTC offset keeps its local day ("2021-08-03T23:00+05:00" is 3 August)."""
    try:
        parsed = pd.to_datetime(texts, format=fmt, errors="coerce")
    except (ValueError, OverflowError):  # microseconds: a year-0 value fits and is rejected as out of range
        return pd.Series([_one_datetime(text, fmt) for text in texts], index=texts.index, dtype="datetime64[us]")
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def _one_datetime(text: str, fmt: str):
    try:
        value = pd.to_datetime(text, format=fmt)
    except (ValueError, OverflowError):
        return pd.NaT
    return value.tz_localize(None) if value is not pd.NaT and value.tzinfo is not None else value


def _start_after_end(start: pd.Series, end: pd.Series, rows: np.ndarray, problems: _Problems, column: str) -> None:
    later = (start > end).to_numpy()
    problems.add(later, rows, column, lambda i: f"start {start.iloc[i]:%Y-%m-%d} is after end {end.iloc[i]:%Y-%m-%d}")


def _day_texts(dates: pd.Series) -> np.ndarray:
    """Each date as YYYY-MM-DD, for the whole chunk at once (NaN where there is none)."""
    return dates.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)


def _kept(rows: np.ndarray, problems: _Problems, countries: list[str | None], *present) -> np.ndarray:
    """Positions of the rows that become events: every value in ``present`` (boolean masks, one
    per required value) there, a country, and no problem. A row with its values but no country
    is rejected here (unless it already was, at an earlier problem)."""
    has_values = np.logical_and.reduce([np.asarray(mask, dtype=bool) for mask in present])
    no_country = np.array([country is None for country in countries], dtype=bool)
    for position in np.flatnonzero(has_values & no_country):
        problems.reject_without_country(rows[position])
    return np.flatnonzero(has_values & ~problems.bad(len(rows), rows))


def _picker(keep: np.ndarray) -> Callable[[list], list]:
    """``pick(values)``: the values at the kept positions, in order."""
    return lambda values: [values[i] for i in keep]


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
    code_of = {text: _country_code(text, by_name) for text in set(names)}  # a dataset names few countries
    result: list[str | None] = [code_of[text] for text in names]
    unknown = [i for i, code in enumerate(result) if code is None and np.isfinite(lat[i]) and np.isfinite(lon[i])]
    if unknown:
        points = shapely.points(lon[unknown], lat[unknown])
        point_index, country_index = tree.query(points, predicate="intersects")
        for p, c in zip(point_index, country_index):
            result[unknown[p]] = result[unknown[p]] or codes[c]
    return result


def _country_code(text: str | None, by_name: dict[str, str]) -> str | None:
    value = (text or "").strip()
    return value if re.fullmatch(r"[A-Z]{3}", value) else by_name.get(value.casefold())


def _drop_duplicate_ids(features: list[dict], rejected: list[RejectedRow],
                        seen: set[str] | None = None) -> tuple[list[dict], list[RejectedRow]]:
    """Keep the first event with each id; later ones are rejected rows (``seen``: ids of earlier chunks)."""
    seen = set() if seen is None else seen
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
