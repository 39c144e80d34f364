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
    _day_texts,
    _event_ids,
    _kept,
    _picker,
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
    """The chunk's rows as event features: checks and derived columns are computed for the
    whole chunk, then one properties dict is assembled for each row that passed them."""
    rows = _row_numbers(table)
    problems = _Problems(table)
    get = _column_getter(table)
    lat, lon = _coordinates(table, "latitude", "longitude", rows, problems)
    starts = _dates(table["date_start"], "date_start", rows, problems)
    ends = _dates(table["date_end"], "date_end", rows, problems)
    _start_after_end(starts, ends, rows, problems, "date_end")
    has_where_prec = "where_prec" in table
    if has_where_prec:
        where_codes = get("where_prec")
        precision_of = {code: UCDP_WHERE_PREC.get(code.strip()) for code in set(where_codes)}  # seven codes
        precision = [precision_of[code] for code in where_codes]
        problems.add(np.array([p is None for p in precision], dtype=bool), rows, "where_prec",
                     lambda i: f"unknown code {where_codes[i]!r} (UCDP uses 1 to 7)")
    else:
        pairs = list(zip(get("where_coordinates"), get("country")))
        precision_of = {pair: _ucdp_precision_from_name(*pair) for pair in set(pairs)}  # places repeat
        precision = [precision_of[pair] for pair in pairs]
    countries = _countries(get("country"), lat, lon)
    keep = _kept(rows, problems, countries, starts.notna(), ends.notna(), [p is not None for p in precision])
    pick = _picker(keep)

    kept_rows = rows[keep]
    kept_own = pick(get("id")) if "id" in table else None
    ids = _event_ids(name, kept_own, kept_rows)
    start_texts, end_texts = _day_texts(starts)[keep], _day_texts(ends)[keep]
    actor_lists = [[side for side in pair if side] for pair in zip(pick(get("side_a")), pick(get("side_b")))]
    bests = pick(get("best"))
    deaths = [f"{best} killed (best estimate)" if best else "deaths not given" for best in bests]
    titles = [f"{' – '.join(actors) or 'Organized violence'}: {dead}" for actors, dead in zip(actor_lists, deaths)]
    places = [where or f"{y:.4f}, {x:.4f}" for where, y, x in zip(pick(get("where_coordinates")), lat[keep], lon[keep])]
    descriptions = [
        f"Organized violence between {' and '.join(actors) or 'unnamed sides'} at {place}, "
        f"{start}" + (f" to {end}" if end != start else "") + f"; {dead}. "
        "(Generated: the UCDP row has no source_article text.)"
        for actors, place, start, end, dead in zip(actor_lists, places, start_texts, end_texts, deaths)]
    which = kept_own if kept_own is not None else [""] * len(keep)
    citations = [f"UCDP GED '{name}', {'event ' + own if own else f'row {row}'}" + (f"; source: {office}" if office else "")
                 for own, row, office in zip(which, kept_rows, pick(get("source_office")))]
    violence = pick(get("type_of_violence"))
    category_of = {kind: UCDP_CATEGORIES.get(kind.strip().casefold(), "other") for kind in set(violence)}
    date_note = "UCDP GED date_start–date_end" + ("" if has_where_prec else
                                                   "; where_prec absent in this file, location precision inferred from where_coordinates")
    properties: list[dict | None] = [None] * len(rows)
    for (position, event_id, title, kind_of_violence, actors, start, end, place, country, place_precision, citation,
         article, description, best) in zip(
            keep, ids, titles, violence, actor_lists, start_texts, end_texts, places, pick(countries), pick(precision),
            citations, pick(get("source_article")), descriptions, bests):
        kind, uncertainty, location_note = place_precision
        properties[position] = {
            "id": event_id,
            "title": title,
            "summary": "",
            "category": category_of[kind_of_violence],
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
            "sources": [{"citation": citation, "quote": article or description}],
            "review_status": "imported",
            "dataset": name,
            "source_type_of_violence": kind_of_violence,
            "best": best,
        }
    return _collect(label, rows, lat, lon, properties, problems)
