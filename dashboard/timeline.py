"""The timeline chart: how many events, of which category, over time."""

from __future__ import annotations

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


def timeline_chart(events: pd.DataFrame, window_start=None) -> alt.Chart:
    counts, unit = timeline_counts(events, window_start)
    time_format = "%b %Y" if unit == "month" else "%Y"
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=None, timeUnit="yearmonth" if unit == "month" else "year",
                    axis=alt.Axis(format=time_format)),
            y=alt.Y("sum(events):Q", title="events"),
            color=alt.Color("category:N", scale=alt.Scale(domain=list(CATEGORY_COLORS), range=list(CATEGORY_COLORS.values())),
                            legend=alt.Legend(orient="right", title=None)),
            tooltip=[alt.Tooltip("period:T", format=time_format), "category:N", "events:Q"],
        )
        .properties(height=220)
    )
