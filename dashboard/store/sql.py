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
