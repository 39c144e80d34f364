"""UCDP GED files mapped to events.

``type_of_violence`` becomes a category (:data:`UCDP_CATEGORIES`) and ``where_prec`` a
location precision (:data:`dashboard.placement.UCDP_WHERE_PREC`; 6 and 7
are drawn at country level); when a file has no ``where_prec`` column the
precision is inferred from ``where_coordinates`` (:func:`_ucdp_precision_from_name`) and
each event says so. Per-row checks come from :mod:`dashboard.imports.rows`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard.imports.report import RejectedRow
from dashboard.placement import DATASET_BASIS, UCDP_WHERE_PREC
from dashboard.imports.rows import (
    _row_numbers,
    _column_getter,
    _collect,
    _coordinates,
    _countries,
    _country_index,
    _dates,
    _event_ids,
    _iso,
    _Problems,
    _start_after_end,
)

# UCDP GED type_of_violence (codes or the labels some exports use) -> our category.
UCDP_CATEGORIES: dict[str, str] = {
    "1": "armed_conflict", "state": "armed_conflict", "state-based": "armed_conflict",
    "2": "armed_conflict", "non-state": "armed_conflict",
    "3": "attack", "one-sided": "attack",
}
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
    rows = _row_numbers(table)
    problems = _Problems(table)
    get = _column_getter(table)
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
        if not problems.usable(row, country, start, end, place_precision):
            properties.append(None)
            continue
        actors = [side for side in (side_a, side_b) if side]
        deaths = f"{best} killed (best estimate)" if best else "deaths not given"
        title = f"{' – '.join(actors) or 'Organized violence'}: {deaths}"
        place = where or f"{lat[row - rows[0]]:.4f}, {lon[row - rows[0]]:.4f}"
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
            "location_basis": DATASET_BASIS,
            "uncertainty_km": uncertainty,
            "location_note": location_note,
            "sources": [{
                "citation": f"UCDP GED '{name}', {'event ' + own_ids[row - rows[0]] if own_ids and own_ids[row - rows[0]] else f'row {row}'}"
                            + (f"; source: {office}" if office else ""),
                "quote": article or description,
            }],
            "review_status": "imported",
            "dataset": name,
            "source_type_of_violence": violence,
            "best": best,
        })
    return _collect(label, rows, lat, lon, properties, problems)
