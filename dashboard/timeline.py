"""The timeline chart: how many events, of which category, over time."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.mapping import CATEGORY_COLORS


def timeline_counts(events: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Events counted per period and category; the period (month or year) follows the span shown."""
    if events.empty:
        return pd.DataFrame(columns=["period", "category", "events"]), "year"
    span_days = (events["date_start"].max() - events["date_start"].min()).days
    freq, unit = ("MS", "month") if span_days <= 3 * 366 else ("YS", "year")
    periods = events["date_start"].dt.to_period("M" if unit == "month" else "Y").dt.start_time
    counts = (
        events.assign(period=periods).groupby(["period", "category"]).size().rename("events").reset_index()
    )
    return counts, unit


def timeline_chart(events: pd.DataFrame) -> alt.Chart:
    counts, unit = timeline_counts(events)
    time_format = "%b %Y" if unit == "month" else "%Y"
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=None, timeUnit="yearmonth" if unit == "month" else "year",
                    axis=alt.Axis(format=time_format)),
            y=alt.Y("sum(events):Q", title="events"),
            color=alt.Color("category:N", scale=alt.Scale(domain=list(CATEGORY_COLORS), range=list(CATEGORY_COLORS.values())),
                            legend=alt.Legend(orient="bottom", columns=5, title=None)),
            tooltip=[alt.Tooltip("period:T", format=time_format), "category:N", "events:Q"],
        )
        .properties(height=180)
    )
