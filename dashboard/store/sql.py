"""The view's filters as one SQL ``WHERE`` clause, the same for DuckDB and PostgreSQL.

:func:`where_clause` mirrors :func:`dashboard.filters.filter_events` (a test checks that both
select the same rows): a dated range overlapping the window, categories, actors, articles,
review status and the case-folded search text. Values are always bound parameters, never
pasted into the SQL; ``placeholder`` is ``?`` for DuckDB and ``%s`` for psycopg.
"""

from __future__ import annotations

from dashboard.filters import ViewState


def where_clause(state: ViewState, placeholder: str = "?") -> tuple[str, list]:
    """``(sql, params)`` selecting the rows of ``state``; ``sql`` is ``TRUE`` for no filter."""
    parts: list[str] = []
    params: list = []
    p = placeholder
    if state.start:
        parts.append(f"date_end >= {p}")
        params.append(state.start)
    if state.end:
        parts.append(f"date_start <= {p}")
        params.append(state.end)
    if state.categories:
        parts.append(f"category IN ({', '.join([p] * len(state.categories))})")
        params.extend(state.categories)
    if state.actors:
        parts.append(f"actors && {p}::text[]")
        params.append(list(state.actors))
    if state.articles:
        parts.append(f"articles && {p}::text[]")
        params.append(list(state.articles))
    if state.review:
        parts.append(f"review_status IN ({', '.join([p] * len(state.review))})")
        params.extend(state.review)
    if state.q:
        parts.append(f"strpos(search, {p}) > 0")
        params.append(state.q.casefold())
    return (" AND ".join(parts) or "TRUE"), params


def corroboration_sql(rows: str, probes: str, placeholder: str = "?") -> tuple[str, list]:
    """``(sql, params)`` joining the events in ``probes`` with the imported ``rows`` that corroborate them.

    ``probes`` has :data:`dashboard.corroboration.PROBE_COLUMNS`; the result has one row per
    match: ``event_id, id, distance_km, days_apart``. Dates and a bounding box narrow the
    candidate pairs first (range joins the database can index); the great-circle distance is
    computed only for those. Rows too imprecise to mean anything are left out (see
    :mod:`dashboard.corroboration`).
    """
    from dashboard.corroboration import EARTH_RADIUS_KM, MAX_RANGE_DAYS, NEVER_CORROBORATING_PRECISIONS

    p = placeholder
    excluded = ", ".join([p] * len(NEVER_CORROBORATING_PRECISIONS))
    sql = f"""
WITH e AS (
    SELECT event_id, window_start, window_end, event_start, event_end, lon, lat, radius_km,
           radius_km / 110.5 AS dlat,
           radius_km / (110.5 * greatest(cos(radians(least(abs(lat) + radius_km / 110.5, 89.9))), 0.01)) AS dlon
    FROM {probes}
), r AS (
    SELECT id, date_start, date_end, lon, lat FROM {rows}
    WHERE location_precision NOT IN ({excluded}) AND (date_end - date_start) + 1 <= {p}
), pairs AS (
    SELECT e.event_id, r.id,
           2 * {EARTH_RADIUS_KM!r} * asin(sqrt(
               power(sin(radians(r.lat - e.lat) / 2), 2)
               + cos(radians(e.lat)) * cos(radians(r.lat)) * power(sin(radians(r.lon - e.lon) / 2), 2)
           )) AS distance_km,
           greatest(0, r.date_start - e.event_end, e.event_start - r.date_end) AS days_apart,
           e.radius_km
    FROM e JOIN r
      ON r.date_start <= e.window_end AND r.date_end >= e.window_start
     AND r.lat BETWEEN e.lat - e.dlat AND e.lat + e.dlat
     AND r.lon BETWEEN e.lon - e.dlon AND e.lon + e.dlon
)
SELECT event_id, id, distance_km, days_apart FROM pairs WHERE distance_km <= radius_km
ORDER BY event_id, days_apart, distance_km, id"""
    return sql, [*NEVER_CORROBORATING_PRECISIONS, MAX_RANGE_DAYS]
