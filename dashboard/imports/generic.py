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
    _event_ids,
    _iso,
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
    chosen = _resolve_columns(table, label, columns)
    rows = _row_numbers(table)
    problems = _Problems(table)
    n = len(table)
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
        if not problems.usable(row, country, start, end):
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
            "location_basis": _generic_basis(table, i),
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


def _generic_basis(table: pd.DataFrame, i: int) -> str:
    """The row's own location_basis when it is one of ours, else explicit: the file states the point.

    "inferred" and "external" are only kept with the row's own location_note, which then
    travels with the event (see :func:`_generic_precision`)."""
    if "location_basis" in table and "location_note" in table and str(table["location_note"].iat[i]).strip():
        basis = str(table["location_basis"].iat[i]).strip()
        if basis in LOCATION_BASES:
            return basis
    return DATASET_BASIS


def _generic_precision(table: pd.DataFrame, i: int) -> tuple[str, float, str]:
    """The row's own location_precision/uncertainty_km when valid, else the stated default."""
    if "location_precision" in table:
        kind = table["location_precision"].iat[i]
        try:
            uncertainty = float(table["uncertainty_km"].iat[i]) if "uncertainty_km" in table else None
        except (TypeError, ValueError):
            uncertainty = None
        if kind in MIN_UNCERTAINTY_KM and uncertainty is not None and np.isfinite(uncertainty):
            note = str(table["location_note"].iat[i]).strip() if "location_note" in table else ""
            return (kind, uncertainty, note or "precision as given in the file")
    return GENERIC_PRECISION
