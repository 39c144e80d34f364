"""The timeline chart: how many events, of which category, over time."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from dashboard.symbology import CATEGORY_COLORS


def timeline_counts(events: pd.DataFrame, window_start=None) -> tuple[pd.DataFrame, str]:
    """Events counted per period and category; the period (month or year) follows the span shown.

    An event that began before the window (a war, a whole year) is counted where the window
    starts, so the chart covers exactly the window being looked at.
    """
    if events.empty:
        return pd.DataFrame(columns=["period", "category", "events"]), "year"
    starts = events["date_start"]
    if window_start is not None:
        starts = starts.clip(lower=pd.Timestamp(window_start))
    span_days = (starts.max() - starts.min()).days
    unit = "month" if span_days <= 3 * 366 else "year"
    periods = starts.dt.to_period("M" if unit == "month" else "Y").dt.start_time
    counts = (
        events.assign(period=periods).groupby(["period", "category"]).size().rename("events").reset_index()
    )
    return counts, unit


OTHER_COLOR = "#9e9e9e"  # a category the palette does not know (an imported dataset's own)
BRUSH = "brush"  # the name of the interval selection; Streamlit reports it under this key


def timeline_chart(events: pd.DataFrame, window_start=None, selected_date=None) -> alt.LayerChart:
    """Bars per period and category; drag across it to choose a date window (the ``brush``).

    ``selected_date`` (the selected event's start) is marked with a yellow rule, as the map
    marks the event with a yellow ring.
    """
    counts, unit = timeline_counts(events, window_start)
    time_format = "%b %Y" if unit == "month" else "%Y"
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    x = alt.X("period:T", title=None, timeUnit="yearmonth" if unit == "month" else "year",
              axis=alt.Axis(format=time_format))
    # Categories read as words, only those drawn; the legend goes under the chart in rows, where all fit.
    present = set(counts["category"])
    drawn = [c for c in CATEGORY_COLORS if c in present] + sorted(present - set(CATEGORY_COLORS))
    colors = [CATEGORY_COLORS.get(category, OTHER_COLOR) for category in drawn]
    names = [category.replace("_", " ") for category in drawn]
    counts = counts.assign(category=counts["category"].str.replace("_", " "))
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("sum(events):Q", title="events"),
            color=alt.Color("category:N", scale=alt.Scale(domain=names, range=colors),
                            legend=alt.Legend(orient="bottom", columns=6, title=None, symbolLimit=0)),
            tooltip=[alt.Tooltip("period:T", format=time_format), "category:N", "events:Q"],
        )
        .add_params(brush)
    )
    layers = [bars]
    if selected_date is not None:
        when = max(pd.Timestamp(selected_date), pd.Timestamp(window_start)) if window_start is not None else (
            pd.Timestamp(selected_date))
        mark = pd.DataFrame({"period": [when.to_period("M" if unit == "month" else "Y").start_time],
                             "label": ["selected event"]})
        layers.append(alt.Chart(mark).mark_rule(color="#ffd400", size=4).encode(
            x=alt.X("period:T", timeUnit="yearmonth" if unit == "month" else "year"),
            tooltip=["label:N"]))
    return alt.layer(*layers).properties(height=230)  # the plot keeps ~170 px above its legend


def window_from_brush(selection: dict | None) -> tuple[date, date] | None:
    """The (start, end) days of a brushed interval, from Streamlit's chart selection state.

    Vega-Lite names the brushed field after its time unit ("yearmonth_period"); values are
    epoch milliseconds or ISO strings. None when nothing is brushed.
    """
    brushed = ((selection or {}).get("selection") or {}).get(BRUSH) or {}
    for values in brushed.values():
        if isinstance(values, (list, tuple)) and len(values) == 2:
            days = [_as_day(v) for v in values]
            if None not in days:
                return min(days), max(days)
    return None


def _as_day(value) -> date | None:
    try:
        if isinstance(value, (int, float)):
            return pd.Timestamp(value, unit="ms").date()
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        return None
