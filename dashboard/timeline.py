"""The timeline chart under the map: each event on a time axis, or counts when there are too many.

Few rows (``SPAN_VIEW_MAX_ROWS``): every event is its own mark, as in Forensic Architecture's
TimeMap. A day-precise event is a point on its day; an event dated only to a month, a year or a
range is a bar from its first to its last possible day, so the uncertainty shows as length and
nothing is placed on a day it is not dated to. Marks are packed into lanes so they do not overlap
(up to ``MAX_LANES``). More rows (imported datasets): stacked counts per month or year. Both views
are brushed the same way; in the span view a click on a mark selects its event.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from dashboard.formatting import format_event_date
from dashboard.symbology import CATEGORY_COLORS

OTHER_COLOR = "#9e9e9e"  # a category the palette does not know (an imported dataset's own)
BRUSH = "brush"  # the name of the interval selection; Streamlit reports it under this key
PICK = "pick"  # the name of the click selection on an event's mark (span view only)
SELECTED_COLOR = "#ffd400"  # the selected event, yellow as its ring on the map

SPAN_VIEW_MAX_ROWS = 150  # up to this many rows each is drawn; more are counted per period
MAX_LANES = 24  # the span view's height limit; beyond it marks share the lane that frees first
LANE_PX = 13
AXIS_PX, LEGEND_ROW_PX, LEGEND_COLUMNS = 40, 30, 6  # room for the axis and each row of the legend
MIN_GAP = 0.012  # of the axis: the space kept between marks in one lane (about a point's width)
DAY_MS = 86_400_000
DAY_VIEW_MAX_DAYS = 92  # counts per day up to a window of about three months


def timeline_counts(events: pd.DataFrame, window_start=None, window_end=None) -> tuple[pd.DataFrame, str]:
    """Events counted per period and category; the period (day, month or year) follows the span shown.

    Per month or year, an event that began before the window (a war, a whole year) is counted where
    the window starts, so the chart covers exactly the window being looked at. Per day (a window of
    up to three months), an event dated only to a span is never put on one day: it counts a share on
    each of its days (1/31 on each day of a month), so a day's bar is the events expected on it.
    """
    if events.empty:
        return pd.DataFrame(columns=["period", "category", "events"]), "year"
    starts = events["date_start"]
    if window_start is not None:
        starts = starts.clip(lower=pd.Timestamp(window_start))
    span_days = (starts.max() - starts.min()).days
    if window_start is not None and window_end is not None:
        span_days = (pd.Timestamp(window_end) - pd.Timestamp(window_start)).days
    if span_days <= DAY_VIEW_MAX_DAYS:
        return _counts_per_day(events, starts.dt.normalize(), window_end), "day"
    unit = "month" if span_days <= 3 * 366 else "year"
    periods = starts.dt.to_period("M" if unit == "month" else "Y").dt.start_time
    counts = (
        events.assign(period=periods).groupby(["period", "category"]).size().rename("events").reset_index()
    )
    return counts, unit


def _counts_per_day(events: pd.DataFrame, starts: pd.Series, window_end=None) -> pd.DataFrame:
    """Each event's share on each of its days in the window: 1 / the number of days it may have happened on."""
    ends = events["date_end"].dt.normalize()
    share = 1 / ((ends - events["date_start"].dt.normalize()).dt.days + 1)
    if window_end is not None:
        ends = ends.clip(upper=pd.Timestamp(window_end))
    days = ((ends - starts).dt.days + 1).clip(lower=0)
    rows = events.index.repeat(days)
    offsets = pd.to_timedelta(pd.Series(1, index=rows).groupby(level=0).cumsum().to_numpy() - 1, unit="D")
    spread = pd.DataFrame({"period": starts.loc[rows].to_numpy() + offsets,
                           "category": events["category"].loc[rows].to_numpy(),
                           "events": share.loc[rows].to_numpy()})
    return spread.groupby(["period", "category"], as_index=False)["events"].sum()


def colour_keys(events: pd.DataFrame, import_colors: dict[str, str] | None = None) -> tuple[pd.Series, list, list]:
    """Each row's legend entry, and the legend's (names, colours) for the entries present.

    Articles' events read as their category in words ('military exercise') in the map's colour;
    an imported row is its dataset ('ged (imported)') in the dataset's colour on the map.
    """
    keys = events["category"].astype(str).str.replace("_", " ")
    colors = {category.replace("_", " "): color for category, color in CATEGORY_COLORS.items()}
    order = list(colors)
    if "dataset" in events:
        datasets = events["dataset"].where(events["dataset"].notna() & (events["dataset"] != ""))
        for name in dict.fromkeys(datasets.dropna()):
            colors[f"{name} (imported)"] = (import_colors or {}).get(name, OTHER_COLOR)
        keys = keys.where(datasets.isna(), datasets.astype(str) + " (imported)")
    present = set(keys)
    names = [k for k in order if k in present] + sorted(present - set(order))
    return keys, names, [colors.get(name, OTHER_COLOR) for name in names]


def _color(names: list, colors: list) -> alt.Color:
    return alt.Color("key:N", scale=alt.Scale(domain=names, range=colors),
                     legend=alt.Legend(orient="bottom", columns=LEGEND_COLUMNS, title=None, symbolLimit=0))


def is_span_view(events: pd.DataFrame) -> bool:
    """True when the rows are few enough to draw one by one (the span view, which can also be clicked)."""
    return 0 < len(events) <= SPAN_VIEW_MAX_ROWS


def timeline_chart(events: pd.DataFrame, window_start=None, selected_date=None, *, window_end=None,
                   selected_id: str | None = None, import_colors: dict[str, str] | None = None) -> dict:
    """The Vega-Lite spec (for st.vega_lite_chart): each event as a mark when they are few enough
    to read, else counts per period; brushable.

    ``window_start``/``window_end``: the date window shown (marks are clipped to it);
    ``selected_id``/``selected_date``: the selected event, highlighted as on the map.
    """
    if is_span_view(events):
        return span_chart(events, window_start, window_end, selected_id, import_colors)
    return counts_chart(events, window_start, selected_date, import_colors, window_end).to_dict()


def counts_chart(events: pd.DataFrame, window_start=None, selected_date=None,
                 import_colors: dict[str, str] | None = None, window_end=None) -> alt.LayerChart:
    """Bars per period and category; drag across it to choose a date window (the ``brush``).

    ``selected_date`` (the selected event's start) is marked with a yellow rule, as the map
    marks the event with a yellow ring.
    """
    keys, names, colors = colour_keys(events, import_colors) if len(events) else (None, [], [])
    counts, unit = timeline_counts(events.assign(category=keys) if len(events) else events, window_start, window_end)
    counts = counts.rename(columns={"category": "key"})
    time_unit, time_format, period = {"day": ("yearmonthdate", "%-d %b %Y", "D"), "month": ("yearmonth", "%b %Y", "M"),
                                      "year": ("year", "%Y", "Y")}[unit]
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    x = alt.X("period:T", title=None, timeUnit=time_unit, axis=alt.Axis(format=time_format))
    # Categories read as words, only those drawn; the legend goes under the chart in rows, where all fit.
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("sum(events):Q", title="events per day" if unit == "day" else "events"),
            color=_color(names, colors),
            tooltip=[alt.Tooltip("period:T", format=time_format), alt.Tooltip("key:N", title="category"),
                     alt.Tooltip("events:Q", format=",.2~f",
                                 title="events (a span's share on each of its days)" if unit == "day" else "events")],
        )
        .add_params(brush)
    )
    layers = [bars]
    if selected_date is not None:
        when = max(pd.Timestamp(selected_date), pd.Timestamp(window_start)) if window_start is not None else (
            pd.Timestamp(selected_date))
        mark = pd.DataFrame({"period": [when.to_period(period).start_time], "label": ["selected event"]})
        layers.append(alt.Chart(mark).mark_rule(color=SELECTED_COLOR, size=4).encode(
            x=alt.X("period:T", timeUnit=time_unit), tooltip=["label:N"]))
    return alt.layer(*layers).properties(height=230)  # the plot keeps ~170 px above its legend


def _ms(value) -> int:
    return int(pd.Timestamp(value).value // 1_000_000)


def event_spans(events: pd.DataFrame, window_start=None, window_end=None,
                import_colors: dict[str, str] | None = None) -> tuple[pd.DataFrame, tuple[int, int]]:
    """One row per event, ready to draw: where its mark begins and ends (epoch ms, UTC), its lane.

    A day-precise event is a point at noon of its day (``point``); any other is a bar from the
    first moment of its first day to the end of its last day. A span beyond the window is cut
    at the window's edge and says so (``before``/``after``). Also returns the axis (ms, ms).
    """
    first = pd.Timestamp(window_start) if window_start is not None else events["date_start"].min()
    last = pd.Timestamp(window_end) if window_end is not None else events["date_end"].max()
    low, high = _ms(first.normalize()), _ms(last.normalize()) + DAY_MS
    starts = events["date_start"].dt.normalize()
    ends = events["date_end"].dt.normalize()
    keys, _, _ = colour_keys(events, import_colors)
    marks = pd.DataFrame({
        "id": events["id"].astype(str).to_numpy(),
        "title": events["title"].astype(str).to_numpy(),
        "key": keys.to_numpy(),
        "when": [format_event_date(s, e, p) for s, e, p in
                 zip(events["date_start"], events["date_end"], events["date_precision"])],
        "point": ((events["date_precision"] == "day") | (starts == ends)).to_numpy(),
        "begin": [_ms(s) for s in starts],
        "finish": [_ms(e) + DAY_MS for e in ends],
    })
    marks["at"] = marks["begin"] + DAY_MS // 2
    marks["before"] = marks["begin"] < low
    marks["after"] = marks["finish"] > high
    marks["start"] = marks["begin"].clip(lower=low)
    marks["end"] = marks["finish"].clip(upper=high)
    marks = marks[(marks["end"] > marks["start"]) | marks["point"]]  # nothing outside the axis
    marks = marks[~marks["point"] | marks["at"].between(low, high)]
    marks = marks.sort_values(["start", "end", "id"], ascending=[True, False, True]).reset_index(drop=True)
    gap = (high - low) * MIN_GAP
    left = marks["at"].where(marks["point"], marks["start"]) - marks["point"] * gap / 2
    right = marks["at"].where(marks["point"], marks["end"]) + gap / 2
    marks["lane"] = pack_lanes(left.tolist(), right.tolist(), MAX_LANES)
    return marks, (low, high)


def pack_lanes(lefts: list[float], rights: list[float], max_lanes: int) -> list[int]:
    """A lane for each interval (in start order) so that no two in a lane overlap: the first that is free.

    When all ``max_lanes`` are taken the interval goes to the lane that frees first, the least used
    of those (marks then overlap, spread over the lanes, rather than the chart growing without end).
    """
    lane_ends: list[float] = []
    used: list[int] = []
    lanes = []
    for left, right in zip(lefts, rights):
        free = next((i for i, end in enumerate(lane_ends) if end <= left), None)
        if free is None and len(lane_ends) < max_lanes:
            lane_ends.append(right)
            used.append(0)
            free = len(lane_ends) - 1
        elif free is None:
            free = min(range(len(lane_ends)), key=lambda lane: (lane_ends[lane], used[lane]))
        lane_ends[free] = max(lane_ends[free], right)
        used[free] += 1
        lanes.append(free)
    return lanes


def _time_axis(span_ms: int) -> dict:
    """Day labels for a window of weeks, months for a few years, years beyond; one label per tick."""
    days = span_ms / DAY_MS
    if days <= 92:  # ticks on whole days (finer ticks would repeat a day's label)
        return {"format": "%-d %b", "tickCount": {"interval": "day", "step": 1} if days <= 35 else {"interval": "week"}}
    if days <= 3 * 366:
        return {"format": "%b %Y", "tickCount": {"interval": "month", "step": 1 if days <= 366 else 3}}
    return {"format": "%Y", "tickCount": {"interval": "year", "step": 1 if days <= 12 * 366 else 5}}


def span_chart(events: pd.DataFrame, window_start=None, window_end=None, selected_id: str | None = None,
               import_colors: dict[str, str] | None = None) -> dict:
    """Every event as its own mark on a day axis: points for days, bars for months, years and ranges.

    A Vega-Lite spec written out rather than built with Altair: Altair took 60 ms a rerun to build
    and validate these layers (tests/test_timeline.py validates the spec against the schema).
    """
    marks, (low, high) = event_spans(events, window_start, window_end, import_colors)
    _, names, colors = colour_keys(events, import_colors)
    drawn = set(marks["key"])
    colors = [c for n, c in zip(names, colors) if n in drawn]
    names = [n for n in names if n in drawn]
    lanes = int(marks["lane"].max()) + 1 if len(marks) else 1
    x_scale = {"type": "utc", "domain": [low, high]}
    y = {"field": "lane", "type": "ordinal", "axis": None,
         "scale": {"domain": list(range(lanes)), "paddingInner": 0.3, "paddingOuter": 0.2}}
    color_scale = {"domain": names, "range": colors}
    color = {"field": "key", "type": "nominal", "scale": color_scale,
             "legend": {"orient": "bottom", "columns": LEGEND_COLUMNS, "title": None, "symbolLimit": 0}}
    tooltip = [{"field": "when", "type": "nominal", "title": "date"},
               {"field": "title", "type": "nominal", "title": "event"},
               {"field": "key", "type": "nominal", "title": "category"}]

    def layer(mark: dict, where: str, x: str, **encoding) -> dict:
        return {"mark": mark, "transform": [{"filter": where}],
                "encoding": {"x": {"field": x, "type": "temporal", "scale": x_scale}, "y": y, **encoding}}

    bars = layer({"type": "bar", "cornerRadius": 2, "strokeWidth": 1}, "!datum.point", "start",
                 x2={"field": "end"}, color=color, tooltip=tooltip,
                 stroke={"field": "key", "type": "nominal", "scale": color_scale, "legend": None})  # ≥ 1 px wide
    bars["encoding"]["x"].update(title=None, axis={"grid": True, "labelOverlap": True, **_time_axis(high - low)})
    # Both selections listen to the whole plot: a click on any event's mark (bar, point, arrow) picks its id.
    bars["params"] = [{"name": BRUSH, "select": {"type": "interval", "encodings": ["x"]}},
                      {"name": PICK, "select": {"type": "point", "fields": ["id"], "on": "click", "clear": False}}]
    points = layer({"type": "point", "filled": True, "size": 70, "opacity": 1, "stroke": "white", "strokeWidth": 0.8},
                   "datum.point", "at", color=color, tooltip=tooltip)
    # A span cut at the window's edge: an arrow at that edge says it goes on.
    arrows = [layer({"type": "point", "shape": shape, "filled": True, "size": 45, "opacity": 1, "xOffset": offset},
                    f"datum.{side}", edge, color=color,
                    tooltip=[{"field": "when", "type": "nominal", "title": f"continues {side} this window"},
                             {"field": "title", "type": "nominal", "title": "event"}])
              for side, shape, offset, edge in (("before", "triangle-left", -5, "start"),
                                                ("after", "triangle-right", 5, "end"))]
    layers = [bars, points, *arrows]
    if selected_id is not None and (marks["id"] == selected_id).any():
        # The selected event's own mark ringed in yellow. A data column, not an expression with the id in
        # it: an id (from the URL, an imported file) never becomes Vega code.
        layers = [layer({"type": "bar", "filled": False, "stroke": SELECTED_COLOR, "strokeWidth": 5,
                         "cornerRadius": 3}, "datum.selected && !datum.point", "start", x2={"field": "end"}),
                  layer({"type": "point", "filled": False, "size": 260, "stroke": SELECTED_COLOR, "strokeWidth": 4,
                         "opacity": 1}, "datum.selected && datum.point", "at"),
                  *layers]
    rows = marks.assign(selected=marks["id"] == selected_id)[
        ["id", "title", "key", "when", "point", "at", "start", "end", "before", "after", "lane", "selected"]]
    # Streamlit sizes the whole chart, axis and legend included, to this height: the lanes keep LANE_PX each.
    legend_rows = -(-len(names) // LEGEND_COLUMNS)
    return {"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "data": {"values": rows.to_dict("records")}, "layer": layers,
            "padding": {"left": 10, "right": 10, "top": 5, "bottom": 5},  # room for the arrows at the edges
            "height": max(lanes, 4) * LANE_PX + AXIS_PX + legend_rows * LEGEND_ROW_PX}


def window_from_brush(selection: dict | None) -> tuple[date, date] | None:
    """The (start, end) days of a brushed interval, from Streamlit's chart selection state.

    Vega-Lite names the brushed field after its time unit ("yearmonth_period"), or the field
    ("start") in the span view; values are epoch milliseconds or ISO strings. None when nothing is brushed.
    """
    brushed = ((selection or {}).get("selection") or {}).get(BRUSH) or {}
    for values in brushed.values():
        if isinstance(values, (list, tuple)) and len(values) == 2:
            days = [_as_day(v) for v in values]
            if None not in days:
                return min(days), max(days)
    return None


def picked_event(selection: dict | None) -> str | None:
    """The id of the event whose mark was clicked (span view), from Streamlit's chart selection state."""
    picked = ((selection or {}).get("selection") or {}).get(PICK) or []
    for item in picked if isinstance(picked, list) else []:
        if isinstance(item, dict) and item.get("id"):
            return str(item["id"])
    return None


def _as_day(value) -> date | None:
    try:
        if isinstance(value, (int, float)):
            return pd.Timestamp(value, unit="ms").date()
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        return None
