"""Eras for the date slider: the slider spans one era, so a single month of 2021 is easy to pick.

The data run from 1979 to 2021, but most events are in 2021: on a 1979–2021 slider a month
is 0.2 % of its length. The era control zooms the slider to one period; the exact date
inputs still reach every day.
"""

from __future__ import annotations

from datetime import date

ERAS: dict[str, tuple[date, date]] = {
    "All years": (date(1900, 1, 1), date(2100, 12, 31)),
    "1979–2000": (date(1979, 1, 1), date(2000, 12, 31)),
    "2001–2020": (date(2001, 1, 1), date(2020, 12, 31)),
    "2021": (date(2021, 1, 1), date(2021, 12, 31)),
}


def era_bounds(era: str, first: date, last: date) -> tuple[date, date]:
    """The slider's range for an era, clipped to the data (the whole span for an unknown era)."""
    start, end = ERAS.get(era, ERAS["All years"])
    start, end = max(start, first), min(end, last)
    return (start, end) if start < end else (first, last)


def era_for_window(start: date, end: date, first: date, last: date) -> str:
    """The narrowest era that contains the window (so the slider shows it), else 'All years'."""
    for name in sorted(ERAS, key=lambda n: (ERAS[n][1] - ERAS[n][0]).days):
        low, high = era_bounds(name, first, last)
        if low <= start and end <= high and (name == "All years" or ERAS[name][0] <= start):
            return name
    return "All years"


def clip_window(window: tuple[date, date], bounds: tuple[date, date]) -> tuple[date, date]:
    """The window moved inside the bounds (a slider cannot show a value outside its range)."""
    low, high = bounds
    start = min(max(window[0], low), high)
    end = min(max(window[1], start), high)
    return start, end
