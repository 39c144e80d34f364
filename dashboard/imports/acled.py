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
)
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


def _acled_dates(dates: pd.Series, precision: list[str], rows, problems) -> tuple[pd.Series, pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """time_precision 1 = the day; 2 = a week, ACLED codes its middle day (-> ±3 days);
    3 = a month (-> the whole month). Unknown codes are rejected rows.

    Worked out for the whole chunk at once; a row without a date (already rejected) or with
    an unknown code gets no start (NaT) and None for the rest."""
    codes = pd.Series(precision, index=dates.index, dtype=object).str.strip()
    dated = dates.notna()
    day, week, month = dated & (codes == "1"), dated & (codes == "2"), dated & (codes == "3")
    unknown = (dated & ~(day | week | month)).to_numpy()
    code_values = codes.to_numpy()
    problems.add(unknown, rows, "time_precision",
                 lambda i: f"unknown code {code_values[i]!r} (ACLED uses 1, 2 or 3)")
    three_days = pd.Timedelta(days=3)
    starts = dates.where(day)
    starts = starts.where(~week, dates - three_days)
    starts = starts.where(~month, dates - pd.to_timedelta(dates.dt.day - 1, unit="D"))
    ends = dates.where(day)
    ends = ends.where(~week, dates + three_days)
    ends = ends.where(~month, dates + pd.offsets.MonthEnd(0))
    kinds = np.select([day, week, month], ["day", "range", "month"], None).astype(object)
    kinds[~(day | week | month).to_numpy()] = None
    bases = np.where(day, "explicit", np.where(week | month, "inferred", None)).astype(object)
    bases[~(day | week | month).to_numpy()] = None
    coded = _day_texts(dates)
    notes = np.full(len(dates), None, dtype=object)
    for i in np.flatnonzero(week.to_numpy()):
        notes[i] = f"ACLED time_precision 2: only the week is known; shown as the week around {coded[i]}"
    for i in np.flatnonzero(month.to_numpy()):
        notes[i] = f"ACLED time_precision 3: only the month is known (coded as {coded[i]})"
    return starts, ends, kinds, bases, notes


def _map_acled(table: pd.DataFrame, label: str, name: str, columns: dict) -> tuple[list[dict], list[RejectedRow]]:
    """The chunk's rows as event features: checks and derived columns are computed for the
    whole chunk, then one properties dict is assembled for each row that passed them."""
    rows = _row_numbers(table)
    problems = _Problems(table)
    get = _column_getter(table)
    lat, lon = _coordinates(table, "latitude", "longitude", rows, problems)
    dates = _dates(table["event_date"], "event_date", rows, problems)
    starts, ends, kinds, bases, date_notes = _acled_dates(dates, get("time_precision"), rows, problems)
    geo_codes = get("geo_precision")
    geo = [ACLED_GEO_PRECISION.get(code.strip()) for code in geo_codes]
    problems.add(np.array([g is None for g in geo], dtype=bool), rows, "geo_precision",
                 lambda i: f"unknown code {geo_codes[i]!r} (ACLED uses 1, 2 or 3)")
    own_ids = get("event_id_cnty") if "event_id_cnty" in table else None
    countries = _countries(get("country"), lat, lon)
    keep = _kept(rows, problems, countries, starts.notna(), [g is not None for g in geo])
    pick = _picker(keep)
    kept_rows = rows[keep]
    kept_own = pick(own_ids) if own_ids is not None else None
    ids = _event_ids(name, kept_own, kept_rows)
    lat_kept, lon_kept = lat[keep], lon[keep]
    event_types, sub_types = pick(get("event_type")), pick(get("sub_event_type"))
    actor_lists = [[a for a in pair if a] for pair in zip(pick(get("actor1")), pick(get("actor2")))]
    places = [location or admin1 if not (location and admin1) else f"{location}, {admin1}"
              for location, admin1 in zip(pick(get("location")), pick(get("admin1")))]
    places = [place or f"{y:.4f}, {x:.4f}" for place, y, x in zip(places, lat_kept, lon_kept)]
    fatalities, notes, sources = pick(get("fatalities")), pick(get("notes")), pick(get("source"))
    titles = [(f"{sub or kind}: {' – '.join(actors)}" if actors else sub or kind or f"ACLED event {event_id}")
              for kind, sub, actors, event_id in zip(event_types, sub_types, actor_lists, ids)]
    descriptions = [
        f"{kind}" + (f" ({sub})" if sub else "") + (f" involving {' and '.join(actors)}" if actors else "")
        + f" at {place} on {date_text}" + (f"; {dead} reported fatalities" if dead else "")
        + ". (Generated: the ACLED row has no notes.)"
        for kind, sub, actors, place, date_text, dead
        in zip(event_types, sub_types, actor_lists, places, pick(get("event_date")), fatalities)]
    which = kept_own if kept_own is not None else [""] * len(keep)
    citations = [f"ACLED export '{name}', event {own or f'row {row}'}" + (f"; source: {source}" if source else "")
                 for own, row, source in zip(which, kept_rows, sources)]
    date_starts, date_ends = _day_texts(starts)[keep], _day_texts(ends)[keep]
    category_of = {pair: _acled_category(*pair) for pair in set(zip(event_types, sub_types))}  # a few kinds
    categories = [category_of[pair] for pair in zip(event_types, sub_types)]
    properties: list[dict | None] = [None] * len(rows)
    for (position, event_id, title, note, category, actors, start, end, kind, basis, date_note, place, country,
         precision, citation, description, event_type, sub_type, dead) in zip(
            keep, ids, titles, notes, categories, actor_lists, date_starts, date_ends, kinds[keep], bases[keep],
            date_notes[keep], places, pick(countries), pick(geo), citations, descriptions, event_types,
            sub_types, fatalities):
        precision_kind, uncertainty, location_note = precision
        properties[position] = {
            "id": event_id,
            "title": title,
            "summary": note,
            "category": category,
            "actors": actors,
            "date_start": start,
            "date_end": end,
            "date_precision": kind,
            "date_basis": basis,
            "date_note": date_note,
            "place": place,
            "country": country,
            "location_precision": precision_kind,
            "location_basis": DATASET_BASIS,
            "uncertainty_km": uncertainty,
            "location_note": location_note,
            "sources": [{"citation": citation, "quote": note or description}],
            "review_status": "imported",
            "dataset": name,
            "source_event_type": event_type,
            "source_sub_event_type": sub_type,
            "fatalities": dead,
        }
    return _collect(label, rows, lat, lon, properties, problems)
