"""What the user is looking at: the view state, its URL form, and event filtering.

The same :class:`ViewState` drives the app, the URL query string and the export command
line, so a shared link, a download and a CLI call all show the same events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from dashboard.layers import LAYERS

DEFAULT_LAYERS = tuple(LAYERS)


# The corroboration filter's values in a URL (empty: every event, corroborated or not).
CORROBORATION_CHOICES = ("corroborated", "uncorroborated")


class ViewStateError(ValueError):
    """A bad value in a URL or on the command line; the message is one readable line."""


@dataclass(frozen=True)
class ViewState:
    start: date | None = None  # None: from the earliest event
    end: date | None = None  # None: to the latest event
    layers: tuple[str, ...] = DEFAULT_LAYERS
    categories: tuple[str, ...] = ()  # empty: all
    actors: tuple[str, ...] = ()  # empty: all
    articles: tuple[str, ...] = ()  # empty: all
    q: str = ""
    event: str | None = None  # the selected event id
    review: tuple[str, ...] = field(default=())  # empty: all review statuses
    corroboration: str = ""  # "", or one of CORROBORATION_CHOICES

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ViewStateError(f"start {self.start} is after end {self.end}")
        unknown = [layer for layer in self.layers if layer not in LAYERS]
        if unknown:
            raise ViewStateError(f"unknown layer {unknown[0]!r}; choose from {', '.join(LAYERS)}")
        if self.corroboration and self.corroboration not in CORROBORATION_CHOICES:
            raise ViewStateError(f"corroboration: {self.corroboration!r} is not one of {', '.join(CORROBORATION_CHOICES)}")


def parse_date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ViewStateError(f"{name}: {text!r} is not a date in the form YYYY-MM-DD") from None


def split_list(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def state_from_query(params: Mapping[str, str]) -> ViewState:
    """Read a view from URL query parameters (names: start, end, layers, categories, actors, articles,
    review, q, event, corroboration)."""
    values: dict = {}
    for name in ("start", "end"):
        if params.get(name):
            values[name] = parse_date(params[name], name)
    if "layers" in params:
        values["layers"] = split_list(params["layers"])
    for name in ("categories", "actors", "articles", "review"):
        if params.get(name):
            values[name] = split_list(params[name])
    if params.get("q"):
        values["q"] = params["q"]
    if params.get("event"):
        values["event"] = params["event"]
    if params.get("corroboration"):
        values["corroboration"] = params["corroboration"].strip().lower()
    return ViewState(**values)


def state_to_query(state: ViewState) -> dict[str, str]:
    """The URL query parameters for a view; defaults are left out to keep links short."""
    params: dict[str, str] = {}
    if state.start:
        params["start"] = state.start.isoformat()
    if state.end:
        params["end"] = state.end.isoformat()
    if tuple(state.layers) != DEFAULT_LAYERS:
        params["layers"] = ",".join(state.layers)
    for name in ("categories", "actors", "articles", "review"):
        if getattr(state, name):
            params[name] = ",".join(getattr(state, name))
    if state.q:
        params["q"] = state.q
    if state.event:
        params["event"] = state.event
    if state.corroboration:
        params["corroboration"] = state.corroboration
    return params


def with_changes(state: ViewState, **changes) -> ViewState:
    return replace(state, **changes)


def filter_events(events: pd.DataFrame, state: ViewState) -> pd.DataFrame:
    """Events visible in a view.

    An event with a date range is shown when its range overlaps the window at all, so a
    war from 1979 to 1989 appears in a window on 1985, and an August 2021 event in a
    window from Aug 15.
    """
    mask = pd.Series(True, index=events.index)
    if state.start:
        mask &= events["date_end"] >= pd.Timestamp(state.start)
    if state.end:
        mask &= events["date_start"] <= pd.Timestamp(state.end)
    if state.categories:
        mask &= events["category"].isin(state.categories)
    if state.actors:
        wanted = set(state.actors)
        mask &= events["actors"].map(lambda actors: bool(wanted.intersection(actors)))
    if state.articles:
        wanted_articles = set(state.articles)
        mask &= events["sources"].map(lambda sources: any(s.get("article") in wanted_articles for s in sources))
    if state.review and "review_status" in events:
        mask &= events["review_status"].isin(state.review)
    if state.q:
        mask &= search_text(events).str.contains(state.q.casefold(), regex=False)
    return events[mask]


def search_text(events: pd.DataFrame) -> pd.Series:
    """Lower-cased text searched by ``q``: title, summary, place and every quote."""
    if "_search" in events:
        return events["_search"]
    quotes = events["sources"].map(lambda sources: " ".join(s.get("quote", "") for s in sources))
    text = events["title"].fillna("") + " " + events["summary"].fillna("") + " " + events["place"].fillna("") + " " + quotes
    return text.str.casefold()


def add_search_column(events: pd.DataFrame) -> pd.DataFrame:
    """Precompute the search text once (loaders call this so reruns stay cheap)."""
    return events.assign(_search=search_text(events))


# --- time window helpers (presets and playback) -------------------------------------------

PLAY_STEPS = {"1 month": pd.DateOffset(months=1), "3 months": pd.DateOffset(months=3), "1 year": pd.DateOffset(years=1)}


def date_presets(first: date, last: date) -> dict[str, tuple[date, date]]:
    """The windows offered as one-click presets, clipped to the data's span."""
    def clip(start: date, end: date) -> tuple[date, date]:
        return max(start, first), min(end, last)

    return {
        "All": (first, last),
        "2021": clip(date(2021, 1, 1), date(2021, 12, 31)),
        "Aug–Oct 2021": clip(date(2021, 8, 1), date(2021, 10, 31)),
    }


def step_window(start: date, end: date, step: str, last: date) -> tuple[date, date] | None:
    """The next playback window: the same width, moved forward by ``step``; None past the end."""
    offset = PLAY_STEPS[step]
    new_start = (pd.Timestamp(start) + offset).date()
    if new_start > last:
        return None
    new_end = (pd.Timestamp(end) + offset).date()
    return new_start, min(new_end, last)
