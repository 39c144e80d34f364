"""ACLED exports mapped to events.

``event_type``/``sub_event_type`` become a category (:data:`ACLED_CATEGORIES`),
``geo_precision`` a location precision (:data:`dashboard.placement.ACLED_GEO_PRECISION`; 3 is drawn
at country level) and
``time_precision`` a date range (:func:`_acled_dates`); the rest of the row becomes the
title, description and citation. Per-row checks come from :mod:`dashboard.imports.rows`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.imports.report import RejectedRow
from dashboard.imports.rows import _row_numbers, _column_getter, _collect, _coordinates, _countries, _dates, _event_ids, _Problems
from dashboard.placement import ACLED_GEO_PRECISION, DATASET_BASIS

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
    rows = _row_numbers(table)
    problems = _Problems(table)
    get = _column_getter(table)
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
        if not problems.usable(row, country, start, precision):
            properties.append(None)
            continue
        place = ", ".join(part for part in (location, admin1) if part) or f"{lat[row - rows[0]]:.4f}, {lon[row - rows[0]]:.4f}"
        actors = [actor for actor in (actor1, actor2) if actor]
        kind_text = sub_type or event_type
        title = f"{kind_text}: {' – '.join(actors)}" if actors else kind_text or f"ACLED event {event_id}"
        description = (f"{event_type}" + (f" ({sub_type})" if sub_type else "") + (f" involving {' and '.join(actors)}" if actors else "")
                       + f" at {place} on {date_text}" + (f"; {fatalities} reported fatalities" if fatalities else "")
                       + ". (Generated: the ACLED row has no notes.)")
        citation = f"ACLED export '{name}', event {own_ids[row - rows[0]] if own_ids and own_ids[row - rows[0]] else f'row {row}'}" + (f"; source: {source}" if source else "")
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
            "location_basis": DATASET_BASIS,
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
