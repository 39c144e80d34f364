"""The timeline's chart spec: which view for how many rows, and marks that claim no more than the dates say."""

from datetime import date

import altair as alt
import pandas as pd
import pytest

from dashboard.data import load_curated_events
from dashboard.symbology import CATEGORY_COLORS, import_color
from dashboard.timeline import (
    DAY_MS, MAX_LANES, MIN_GAP, SPAN_VIEW_MAX_ROWS, event_spans, pack_lanes, picked_event, timeline_chart,
    timeline_counts, window_from_brush,
)

AUG_START, AUG_END = date(2021, 8, 1), date(2021, 8, 31)


def ms(day: str) -> int:
    return int(pd.Timestamp(day).value // 1_000_000)


def frame(rows: list[tuple[str, str, str, str]], **extra) -> pd.DataFrame:
    """Events from (id, date_start, date_end, date_precision) rows."""
    ids, starts, ends, precisions = zip(*rows)
    return pd.DataFrame({"id": ids, "title": [f"event {i}" for i in ids], "category": "diplomacy",
                         "date_start": pd.to_datetime(starts), "date_end": pd.to_datetime(ends),
                         "date_precision": precisions, **extra})


def validated(spec: dict) -> dict:
    """The spec, checked against Vega-Lite's schema (the app hands it to Streamlit unchecked, for speed)."""
    alt.LayerChart.from_dict(spec, validate=True)
    return spec


def marks_of(spec: dict) -> set[str]:
    return {layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]}


def param_names(spec: dict) -> set[str]:
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    return {param["name"] for param in params}


def test_few_rows_are_drawn_one_by_one_and_many_are_counted():
    few = frame([(f"e{i}", "2021-08-01", "2021-08-31", "month") for i in range(SPAN_VIEW_MAX_ROWS)])
    span = validated(timeline_chart(few, AUG_START, window_end=AUG_END))
    assert {"bar", "point"} <= marks_of(span)
    assert all("aggregate" not in layer["encoding"].get("y", {}) for layer in span["layer"])
    many = frame([(f"e{i}", "2021-08-01", "2021-08-31", "month") for i in range(SPAN_VIEW_MAX_ROWS + 1)])
    counts = timeline_chart(many, AUG_START, window_end=AUG_END)
    assert counts["layer"][0]["encoding"]["y"]["aggregate"] == "sum"
    assert param_names(span) == {"brush", "pick"}  # a click on a mark selects its event
    assert param_names(counts) == {"brush"}


def test_a_month_precision_event_is_a_bar_over_its_whole_month():
    marks, _ = event_spans(frame([("m", "2021-08-01", "2021-08-31", "month")]))
    [mark] = marks.to_dict("records")
    assert not mark["point"]
    assert (mark["start"], mark["end"]) == (ms("2021-08-01"), ms("2021-09-01"))  # to the end of 31 August
    assert mark["when"] == "Aug 2021"


def test_nothing_is_placed_on_a_day_it_is_not_dated_to():
    events, _ = load_curated_events()
    marks, _ = event_spans(events)
    by_id = events.set_index("id")
    assert len(marks) == len(events)
    for mark in marks.to_dict("records"):
        event = by_id.loc[mark["id"]]
        first, last = ms(event["date_start"].normalize()), ms(event["date_end"].normalize()) + DAY_MS
        if mark["point"]:  # only an event dated to one day, drawn inside that day
            assert event["date_start"].normalize() == event["date_end"].normalize(), mark
            assert first < mark["at"] < first + DAY_MS
        else:  # a bar over every day it may have happened on, no more, no less
            assert event["date_precision"] != "day"
            assert (mark["start"], mark["end"]) == (first, last), mark


def test_many_rows_in_a_month_are_counted_per_day_and_a_span_only_shares_its_days():
    events = frame([("month", "2021-08-01", "2021-08-31", "month"), ("day", "2021-08-15", "2021-08-15", "day"),
                    ("long", "2021-04-01", "2021-10-26", "range")])
    counts, unit = timeline_counts(events, AUG_START, AUG_END)
    assert unit == "day"
    per_day = counts.groupby("period")["events"].sum()
    assert list(per_day.index) == list(pd.date_range("2021-08-01", "2021-08-31"))  # the window's days, no more
    assert per_day["2021-08-15"] == pytest.approx(1 + 1 / 31 + 1 / 209)  # the day's event, two spans' shares
    assert per_day["2021-08-14"] == pytest.approx(1 / 31 + 1 / 209)
    assert counts["events"].sum() == pytest.approx(1 + 1 + 31 / 209)  # a span counts once over all its days
    _, unit = timeline_counts(events, date(2021, 1, 1), date(2021, 12, 31))
    assert unit == "month"
    many = frame([(f"e{i}", "2021-08-15", "2021-08-15", "day") for i in range(SPAN_VIEW_MAX_ROWS + 1)])
    spec = timeline_chart(many, AUG_START, window_end=AUG_END)
    assert spec["layer"][0]["encoding"]["x"]["timeUnit"] == "yearmonthdate"


def test_spans_beyond_the_window_are_cut_at_its_edges_and_say_they_go_on():
    events = frame([("long", "2021-04-01", "2021-10-26", "range"), ("inside", "2021-08-15", "2021-08-15", "day"),
                    ("before", "2021-07-01", "2021-07-31", "month")])
    marks, (low, high) = event_spans(events, AUG_START, AUG_END)
    assert (low, high) == (ms("2021-08-01"), ms("2021-09-01"))
    assert list(marks["id"]) == ["long", "inside"]  # July is not on an August axis
    long = marks.set_index("id").loc["long"]
    assert (long["start"], long["end"], long["before"], long["after"]) == (low, high, True, True)
    spec = timeline_chart(events, AUG_START, window_end=AUG_END)
    arrows = [layer for layer in spec["layer"] if layer["mark"].get("shape", "").startswith("triangle")]
    assert {layer["mark"]["shape"] for layer in arrows} == {"triangle-left", "triangle-right"}


def test_marks_in_one_lane_never_overlap_and_lanes_are_capped():
    events, _ = load_curated_events()
    marks, (low, high) = event_spans(events, date(2021, 1, 1), date(2021, 12, 31))
    gap = (high - low) * MIN_GAP
    left = marks["at"].where(marks["point"], marks["start"]) - marks["point"] * gap / 2
    right = marks["at"].where(marks["point"], marks["end"])
    for _, lane in marks.assign(left=left, right=right).groupby("lane"):
        ordered = lane.sort_values("left")
        assert (ordered["left"].iloc[1:].to_numpy() >= ordered["right"].iloc[:-1].to_numpy()).all()
    assert pack_lanes([0] * 200, [10] * 200, MAX_LANES) == [i % MAX_LANES for i in range(200)]
    crowded = frame([(f"e{i}", "2021-08-01", "2021-08-31", "month") for i in range(SPAN_VIEW_MAX_ROWS)])
    assert timeline_chart(crowded, AUG_START, window_end=AUG_END)["height"] < 500


def test_the_selected_event_has_its_own_mark_highlighted():
    events = frame([("a", "2021-08-01", "2021-08-31", "month"), ("b", "2021-08-15", "2021-08-15", "day")])
    for selected, mark in (("a", "bar"), ("b", "point")):
        spec = validated(timeline_chart(events, AUG_START, window_end=AUG_END, selected_id=selected))
        halos = [layer for layer in spec["layer"] if layer["mark"].get("stroke") == "#ffd400"]
        assert {layer["mark"]["type"] for layer in halos} == {"bar", "point"}
        data = spec["data"]["values"]
        assert [row["id"] for row in data if row["selected"]] == [selected]
        assert all("datum.selected" in str(layer["transform"]) for layer in halos)
    plain = timeline_chart(events, AUG_START, window_end=AUG_END)
    assert not [layer for layer in plain["layer"] if layer["mark"].get("stroke") == "#ffd400"]


def test_legend_names_the_categories_drawn_and_imported_rows_take_their_datasets_colour():
    events = frame([("a", "2021-08-01", "2021-08-31", "month"), ("ged:1", "2021-08-15", "2021-08-15", "day"),
                    ("b", "2021-08-02", "2021-08-02", "day")],
                   dataset=[None, "ged", None])
    events.loc[2, "category"] = "military_exercise"
    spec = timeline_chart(events, AUG_START, window_end=AUG_END, import_colors={"ged": import_color(0)})
    scale = next(layer["encoding"]["color"]["scale"] for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    assert dict(zip(scale["domain"], scale["range"])) == {
        "military exercise": CATEGORY_COLORS["military_exercise"], "diplomacy": CATEGORY_COLORS["diplomacy"],
        "ged (imported)": import_color(0)}


@pytest.mark.parametrize("field", ["start", "yearmonth_period"])
def test_a_brushed_interval_on_either_view_becomes_the_window(field):
    brushed = {"selection": {"brush": {field: [ms("2021-08-10T13:00"), ms("2021-08-20T02:00")]}, "pick": []}}
    assert window_from_brush(brushed) == (date(2021, 8, 10), date(2021, 8, 20))


def test_a_clicked_mark_names_its_event():
    assert picked_event({"selection": {"brush": {}, "pick": [{"id": "2021-08-15-taliban-take-kabul"}]}}) == (
        "2021-08-15-taliban-take-kabul")
    assert picked_event({"selection": {"brush": {}, "pick": []}}) is None and picked_event(None) is None
