"""Filtering semantics and the URL form of a view."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.events import events_to_frame
from dashboard.filters import (
    ViewState, ViewStateError, add_search_column, date_presets, filter_events, state_from_query, state_to_query,
    step_window,
)


def _event(event_id, start, end, precision="day", category="diplomacy", actors=("Russia",), quote="q",
           article="a1", title="t", summary=""):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [69.0, 38.0]},
        "properties": {
            "id": event_id, "title": title, "summary": summary, "category": category, "actors": list(actors),
            "date_start": start, "date_end": end, "date_precision": precision, "date_basis": "explicit",
            "place": "Dushanbe", "country": "TJK", "location_precision": "city", "location_basis": "explicit", "uncertainty_km": 8,
            "sources": [{"article": article, "quote": quote}], "review_status": "reviewed",
        },
    }


@pytest.fixture
def events() -> pd.DataFrame:
    return add_search_column(events_to_frame({"type": "FeatureCollection", "features": [
        _event("war", "1979-01-01", "1989-12-31", "range", "armed_conflict", ("Soviet Union",), quote="Soviet war"),
        _event("aug", "2021-08-01", "2021-08-31", "month", "territorial_control", ("Taliban",), title="Kabul falls"),
        _event("aug16", "2021-08-16", "2021-08-16", "day", "diplomacy", ("Russia", "Taliban"), article="a2",
               summary="Embassy guarded"),
        _event("sep", "2021-09-07", "2021-09-09", "range", "military_exercise", ("Russia", "CSTO")),
    ]}))


def ids(frame) -> set[str]:
    return set(frame["id"])


def test_no_filter_shows_everything(events):
    assert ids(filter_events(events, ViewState())) == {"war", "aug", "aug16", "sep"}


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(1985, 6, 1), date(1985, 6, 30), {"war"}),  # inside a long range
    (date(2021, 8, 15), date(2021, 8, 15), {"aug"}),  # a month event overlaps a day window
    (date(2021, 8, 16), date(2021, 8, 16), {"aug", "aug16"}),
    (date(2021, 8, 31), date(2021, 9, 7), {"aug", "sep"}),  # touching both ends counts
    (date(2021, 9, 10), date(2021, 12, 31), set()),
    (date(1989, 12, 31), date(2021, 8, 1), {"war", "aug"}),
])
def test_date_window_shows_events_that_overlap_it(events, start, end, expected):
    assert ids(filter_events(events, ViewState(start=start, end=end))) == expected


def test_categories_actors_articles_and_text_combine(events):
    assert ids(filter_events(events, ViewState(categories=("diplomacy", "military_exercise")))) == {"aug16", "sep"}
    assert ids(filter_events(events, ViewState(actors=("Taliban",)))) == {"aug", "aug16"}
    assert ids(filter_events(events, ViewState(articles=("a2",)))) == {"aug16"}
    assert ids(filter_events(events, ViewState(actors=("Russia",), categories=("diplomacy",)))) == {"aug16"}


@pytest.mark.parametrize(("q", "expected"), [
    ("KABUL", {"aug"}),  # title, case-insensitive
    ("embassy", {"aug16"}),  # summary
    ("soviet war", {"war"}),  # quote
    ("<script>", set()),  # plain text, not a pattern
])
def test_text_search_covers_titles_summaries_and_quotes(events, q, expected):
    assert ids(filter_events(events, ViewState(q=q))) == expected


def test_url_state_round_trip():
    state = ViewState(start=date(2021, 8, 1), end=date(2021, 8, 31), layers=("border", "base_201"),
                      categories=("diplomacy", "statement"), actors=("Taliban", "CSTO"), q="embassy", event="aug16",
                      corroboration="uncorroborated")
    query = state_to_query(state)
    assert query == {"start": "2021-08-01", "end": "2021-08-31", "layers": "border,base_201",
                     "categories": "diplomacy,statement", "actors": "Taliban,CSTO", "q": "embassy", "event": "aug16",
                     "corroboration": "uncorroborated"}
    assert state_from_query(query) == state


def test_url_defaults_are_left_out_and_empty_layers_mean_none():
    assert state_to_query(ViewState()) == {}
    assert state_from_query({"layers": ""}).layers == ()


@pytest.mark.parametrize(("query", "message"), [
    ({"start": "2021-13-01"}, "start: '2021-13-01' is not a date"),
    ({"start": "2021-09-01", "end": "2021-08-01"}, "start 2021-09-01 is after end 2021-08-01"),
    ({"layers": "border,roads"}, "unknown layer 'roads'"),
    ({"corroboration": "{{7*7}}"}, r"corroboration: '\{\{7\*7\}\}' is not one of corroborated, uncorroborated"),
])
def test_bad_url_values_give_one_readable_line(query, message):
    with pytest.raises(ViewStateError, match=message):
        state_from_query(query)


def test_presets_are_clipped_to_the_data():
    presets = date_presets(date(1979, 1, 1), date(2021, 10, 26))
    assert presets["All"] == (date(1979, 1, 1), date(2021, 10, 26))
    assert presets["2021"] == (date(2021, 1, 1), date(2021, 10, 26))
    assert presets["Aug–Oct 2021"] == (date(2021, 8, 1), date(2021, 10, 26))


def test_playback_moves_the_window_and_stops_at_the_end():
    assert step_window(date(2021, 1, 1), date(2021, 1, 31), "1 month", date(2021, 12, 31)) == (date(2021, 2, 1), date(2021, 2, 28))
    assert step_window(date(2021, 11, 1), date(2021, 12, 31), "1 month", date(2021, 12, 15)) == (date(2021, 12, 1), date(2021, 12, 15))
    assert step_window(date(2021, 12, 1), date(2021, 12, 31), "1 year", date(2021, 12, 31)) is None
