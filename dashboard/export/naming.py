"""Titles and file names: how an export says which view it shows.

A snapshot is shared away from the dashboard, so its title spells out every active filter
and its file name carries the date range. Both are plain text from a ViewState, used by
the interface, the command line and the figure alike.
"""

from __future__ import annotations

from datetime import date

from dashboard.events import CATEGORIES
from dashboard.filters import ViewState


def _date_text(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def snapshot_title(state: ViewState) -> str:
    """'Events 1 Aug 2021 – 31 Oct 2021 · categories: diplomacy · search: “kabul”' — all active filters."""
    if state.start and state.end:
        when = f"{_date_text(state.start)} – {_date_text(state.end)}"
    elif state.start:
        when = f"from {_date_text(state.start)}"
    elif state.end:
        when = f"until {_date_text(state.end)}"
    else:
        when = "all dates"
    parts = [f"Events, {when}"]
    if state.categories:
        parts.append("categories: " + ", ".join(c.replace("_", " ") if c in CATEGORIES else c for c in state.categories))
    if state.actors:
        parts.append("actors: " + ", ".join(state.actors))
    if state.articles:
        parts.append("articles: " + ", ".join(state.articles))
    if state.review:
        parts.append("review: " + ", ".join(state.review))
    if state.q:
        parts.append(f"search: “{state.q}”")
    return " · ".join(parts)


def export_filename(state: ViewState, ext: str) -> str:
    """'events_2021-08-01_2021-08-31.png': the date range travels with the file."""
    start = state.start.isoformat() if state.start else "earliest"
    end = state.end.isoformat() if state.end else "latest"
    return f"events_{start}_{end}.{ext.lstrip('.')}"
