"""Any other CSV (and GeoJSON properties) mapped to events through user-named columns.

The lat/lon/date/title columns are named by the user, with first guesses from
:func:`guess_columns`; ``category`` is kept when it is one of ours, otherwise "other", and a
row's own ``location_precision``/``uncertainty_km`` are used when valid, else
:data:`GENERIC_PRECISION`. :mod:`dashboard.imports.geojson` maps non-event features through
the same function.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.events import CATEGORIES, MIN_UNCERTAINTY_KM
from dashboard.imports.report import DatasetImportError, RejectedRow
from dashboard.imports.rows import (
    _row_numbers,
    _column_getter,
    _collect,
    _coordinates,
    _countries,
    _dates,
    _day_texts,
    _event_ids,
    _kept,
    _picker,
    _Problems,
    _start_after_end,
)
from dashboard.imports.settings import COLUMN_GUESSES
from dashboard.placement import DATASET_BASIS, LOCATION_BASES

GENERIC_PRECISION = ("city", 5.0, "precision not stated in the file; assumed town-level (±5 km)")


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
    """The chunk's rows as event features: checks and derived columns are computed for the
    whole chunk, then one properties dict is assembled for each row that passed them."""
    chosen = _resolve_columns(table, label, columns)
    rows = _row_numbers(table)
    problems = _Problems(table)
    get = _column_getter(table)
    lat, lon = _coordinates(table, chosen["lat"], chosen["lon"], rows, problems)
    starts = _dates(table[chosen["date"]].astype(str), chosen["date"], rows, problems)
    if chosen["end_date"]:
        end_texts = table[chosen["end_date"]].astype(str)
        blank = (end_texts == "").to_numpy()
        ends = _dates(end_texts.where(~blank, table[chosen["date"]].astype(str)), chosen["end_date"], rows, problems)
        _start_after_end(starts, ends, rows, problems, chosen["end_date"])
    else:
        ends = starts
    countries = _countries([str(v) for v in get("country")], lat, lon)
    keep = _kept(rows, problems, countries, starts.notna(), ends.notna())
    pick = _picker(keep)

    kept_rows = rows[keep]
    ids = _event_ids(name, [str(v) for v in pick(get(chosen["id"]))] if chosen["id"] else None, kept_rows)
    start_texts, end_texts = _day_texts(starts)[keep], _day_texts(ends)[keep]
    titles = [title if isinstance(title, str) and title else f"{name} row {row}"
              for title, row in zip(pick(get(chosen["title"])), kept_rows)]
    places = [place if isinstance(place, str) and place else f"{y:.4f}, {x:.4f}"
              for place, y, x in zip(pick(get(_first_present(table, "place", "location", "where"))), lat[keep],
                                     lon[keep])]
    summaries = [summary if isinstance(summary, str) else ""
                 for summary in pick(get(_first_present(table, "summary", "notes", "description")))]
    source_texts = [text if isinstance(text, str) else ""
                    for text in pick(get(_first_present(table, "source", "citation")))]
    categories = pick(get("category"))
    descriptions = [f"{title} at {place}, {start}" + (f" to {end}" if end != start else "")
                    + ". (Generated: the row has no notes.)"
                    for title, place, start, end in zip(titles, places, start_texts, end_texts)]
    precisions = [_generic_precision(kind, uncertainty, note) for kind, uncertainty, note
                  in zip(pick(get("location_precision")), pick(get("uncertainty_km")), pick(get("location_note")))]
    bases = [_generic_basis(basis, note) for basis, note in zip(pick(get("location_basis")), pick(get("location_note")))]
    properties: list[dict | None] = [None] * len(rows)
    for (position, row, event_id, title, summary, category, actors, start, end, place, country, precision, basis,
         source_text, description) in zip(
            keep, kept_rows, ids, titles, summaries, categories, _actors(table, pick), start_texts, end_texts, places,
            pick(countries), precisions, bases, source_texts, descriptions):
        properties[position] = {
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
            "location_basis": basis,
            "uncertainty_km": precision[1],
            "location_note": precision[2],
            "sources": [{"citation": f"dataset '{name}', row {row}" + (f"; source: {source_text}" if source_text else ""),
                         "quote": summary or description}],
            "review_status": "imported",
            "dataset": name,
            **({"source_category": category} if category and category not in CATEGORIES else {}),
        }
    return _collect(label, rows, lat, lon, properties, problems)


def _first_present(table: pd.DataFrame, *names: str) -> str | None:
    return next((name for name in names if name in table), None)


def _actors(table: pd.DataFrame, pick) -> list[list[str]]:
    """Each kept row's actors: its ``actors`` list or "a; b" text, else its actor1/actor2/side_a/side_b."""
    if "actors" in table:
        return [[str(v) for v in value if v] if isinstance(value, list)
                else [part.strip() for part in str(value).split(";") if part.strip()]
                for value in pick(table["actors"].tolist())]
    named = [pick(table[c].tolist()) for c in ("actor1", "actor2", "side_a", "side_b") if c in table]
    if not named:
        return [[] for _ in pick(range(len(table)))]
    return [[value for value in values if value] for values in zip(*named)]


def _generic_basis(basis: object, note: object) -> str:
    """The row's own location_basis when it is one of ours, else explicit: the file states the point.

    "inferred" and "external" are only kept with the row's own location_note, which then
    travels with the event (see :func:`_generic_precision`). A column the file lacks is blank."""
    if str(note).strip() and str(basis).strip() in LOCATION_BASES:
        return str(basis).strip()
    return DATASET_BASIS


def _generic_precision(kind: object, uncertainty: object, note: object) -> tuple[str, float, str]:
    """The row's own location_precision/uncertainty_km when valid, else the stated default.
    A column the file lacks is blank, which is never valid."""
    try:
        value = float(uncertainty)
    except (TypeError, ValueError):
        return GENERIC_PRECISION
    if kind in MIN_UNCERTAINTY_KM and np.isfinite(value):
        return (kind, value, str(note).strip() or "precision as given in the file")
    return GENERIC_PRECISION
