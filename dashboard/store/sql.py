"""The view's filters as one SQL ``WHERE`` clause, the same for DuckDB and PostgreSQL.

:func:`where_clause` mirrors :func:`dashboard.filters.filter_events` (a test checks that both
select the same rows): a dated range overlapping the window, categories, actors, articles,
review status and the case-folded search text. Values are always bound parameters, never
pasted into the SQL; ``placeholder`` is ``?`` for DuckDB and ``%s`` for psycopg.
"""

from __future__ import annotations

from dashboard.filters import ViewState

# Corroboration candidates are bucketed by grid cells of this size (degrees) and by week.
BUCKET_DEG = 0.5


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
    match: ``event_id, id, distance_km, days_apart``. A hash join finds the candidates: each
    row falls in one bucket (a :data:`BUCKET_DEG` grid cell and the week its dates start in),
    each event is listed under every bucket its search box and window can reach; only those
    pairs are checked for overlapping dates and the great-circle distance. Rows too imprecise
    to mean anything are left out (see :mod:`dashboard.corroboration`). DuckDB SQL.
    """
    from dashboard.corroboration import EARTH_RADIUS_KM, MAX_RANGE_DAYS, NEVER_CORROBORATING_PRECISIONS

    p = placeholder
    excluded = ", ".join([p] * len(NEVER_CORROBORATING_PRECISIONS))
    cell = float(BUCKET_DEG)
    sql = f"""
WITH e AS (
    SELECT *, radius_km / 110.5 AS dlat,
           radius_km / (110.5 * greatest(cos(radians(least(abs(lat) + radius_km / 110.5, 89.9))), 0.01)) AS dlon
    FROM {probes}
), keys AS (  -- every bucket an event can reach: a row may start up to {MAX_RANGE_DAYS - 1} days before the window
    SELECT e.*, UNNEST(range(CAST(floor((window_start - DATE '1970-01-01' - {MAX_RANGE_DAYS - 1}) / 7) AS BIGINT),
                             CAST(floor((window_end - DATE '1970-01-01') / 7) AS BIGINT) + 1)) AS week
    FROM e
), keys_x AS (
    SELECT *, UNNEST(range(CAST(floor((lon - dlon) / {cell}) AS BIGINT),
                           CAST(floor((lon + dlon) / {cell}) AS BIGINT) + 1)) AS cx
    FROM keys
), keys_xy AS (
    SELECT *, UNNEST(range(CAST(floor((lat - dlat) / {cell}) AS BIGINT),
                           CAST(floor((lat + dlat) / {cell}) AS BIGINT) + 1)) AS cy
    FROM keys_x
), r AS (
    SELECT id, date_start, date_end, lon, lat,
           CAST(floor((date_start - DATE '1970-01-01') / 7) AS BIGINT) AS week,
           CAST(floor(lon / {cell}) AS BIGINT) AS cx, CAST(floor(lat / {cell}) AS BIGINT) AS cy
    FROM {rows}
    WHERE location_precision NOT IN ({excluded}) AND (date_end - date_start) + 1 <= {p}
), pairs AS (
    SELECT k.event_id, r.id,
           2 * {EARTH_RADIUS_KM!r} * asin(sqrt(
               power(sin(radians(r.lat - k.lat) / 2), 2)
               + cos(radians(k.lat)) * cos(radians(r.lat)) * power(sin(radians(r.lon - k.lon) / 2), 2)
           )) AS distance_km,
           greatest(0, r.date_start - k.event_end, k.event_start - r.date_end) AS days_apart,
           k.radius_km
    FROM keys_xy k JOIN r ON r.week = k.week AND r.cx = k.cx AND r.cy = k.cy
    WHERE r.date_start <= k.window_end AND r.date_end >= k.window_start
)
SELECT event_id, id, distance_km, days_apart FROM pairs WHERE distance_km <= radius_km
ORDER BY event_id, days_apart, distance_km, id"""
    return sql, [*NEVER_CORROBORATING_PRECISIONS, MAX_RANGE_DAYS]
