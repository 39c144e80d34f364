"""Corroboration: which imported rows plausibly record the same happening as an article's event.

An event and an imported row match when their dates lie within :data:`DAYS_WINDOW` days of
each other and the row lies within :data:`DISTANCE_KM` km plus the event's own location
uncertainty. A match only means something when both sides are precise enough, so:

* an event is compared only when it is located to :data:`MAX_EVENT_UNCERTAINTY_KM` km or
  better and dated to the day, or to a range of at most :data:`MAX_RANGE_DAYS` days;
* a row is compared only when its date range is at most :data:`MAX_RANGE_DAYS` days and its
  location precision is not one of :data:`NEVER_CORROBORATING_PRECISIONS` (a country- or
  region-level row sits at a centroid, not where anything happened).

The event side is decided here, on the small frame of curated and candidate events; the
matching itself is one spatial-temporal join in the store (``store.corroborating_rows``),
never a Python loop over imported rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd

from dashboard.filters import CORROBORATION_CHOICES

DAYS_WINDOW = 3  # a row's dates may lie this many days before or after the event's date range
DISTANCE_KM = 50.0  # plus the event's own uncertainty_km
MAX_EVENT_UNCERTAINTY_KM = 50.0  # events located less precisely are not compared
MAX_RANGE_DAYS = 31  # an event or row dated to a range longer than this (days, inclusive) is not compared
NEVER_CORROBORATING_PRECISIONS = ("country", "region")  # rows at these precisions never corroborate
EARTH_RADIUS_KM = 6371.0088  # mean radius, for great-circle distances

PROBE_COLUMNS = ["event_id", "window_start", "window_end", "event_start", "event_end", "lon", "lat", "radius_km"]


def rules_text() -> str:
    """The thresholds in one sentence, for the card's explanation."""
    return (f"A row corroborates an event when its dates are within {DAYS_WINDOW} days of the event's dates and it "
            f"lies within {DISTANCE_KM:g} km plus the event's location uncertainty. Only events located to "
            f"±{MAX_EVENT_UNCERTAINTY_KM:g} km or better and dated to the day or to at most {MAX_RANGE_DAYS} days "
            f"are compared, and only rows dated to at most {MAX_RANGE_DAYS} days whose location is finer than "
            f"{' or '.join(NEVER_CORROBORATING_PRECISIONS)}.")


def _range_days(start, end) -> int:
    return (pd.Timestamp(end) - pd.Timestamp(start)).days + 1


def why_not_compared(event: dict) -> str | None:
    """Why an event is too imprecise to be corroborated, or None when it can be compared."""
    precision = event.get("location_precision")
    uncertainty = float(event.get("uncertainty_km") or 0.0)
    if precision in NEVER_CORROBORATING_PRECISIONS:
        return f"it is located only to the {precision}"
    if uncertainty > MAX_EVENT_UNCERTAINTY_KM:
        return f"it is located only to ±{uncertainty:,.0f} km (more than {MAX_EVENT_UNCERTAINTY_KM:g} km)"
    date_precision = event.get("date_precision")
    if date_precision == "day":
        return None
    if date_precision == "range":
        days = _range_days(event["date_start"], event["date_end"])
        return None if days <= MAX_RANGE_DAYS else f"its dates span {days} days (more than {MAX_RANGE_DAYS})"
    return f"it is dated only to the {date_precision}"


def comparable(events: pd.DataFrame) -> pd.Series:
    """True for each event precise enough to be compared (the rules of :func:`why_not_compared`)."""
    if events.empty:
        return pd.Series([], dtype=bool, index=events.index)
    days = (pd.to_datetime(events["date_end"]) - pd.to_datetime(events["date_start"])).dt.days + 1
    dated = (events["date_precision"] == "day") | ((events["date_precision"] == "range") & (days <= MAX_RANGE_DAYS))
    located = (~events["location_precision"].isin(NEVER_CORROBORATING_PRECISIONS)
               & (events["uncertainty_km"].astype(float) <= MAX_EVENT_UNCERTAINTY_KM))
    return dated & located


def probes(events: pd.DataFrame) -> pd.DataFrame:
    """The comparable events as the store's join input: one row per event with its search window and radius."""
    chosen = events.loc[comparable(events)] if len(events) else events
    start = pd.to_datetime(chosen["date_start"]).dt.normalize() if len(chosen) else pd.Series([], dtype="datetime64[ns]")
    end = pd.to_datetime(chosen["date_end"]).dt.normalize() if len(chosen) else pd.Series([], dtype="datetime64[ns]")
    window = pd.Timedelta(days=DAYS_WINDOW)
    return pd.DataFrame({
        "event_id": chosen["id"].astype(str).to_numpy() if len(chosen) else [],
        "window_start": (start - window).dt.date.to_numpy(),
        "window_end": (end + window).dt.date.to_numpy(),
        "event_start": start.dt.date.to_numpy(),
        "event_end": end.dt.date.to_numpy(),
        "lon": chosen["lon"].astype(float).to_numpy() if len(chosen) else [],
        "lat": chosen["lat"].astype(float).to_numpy() if len(chosen) else [],
        "radius_km": (DISTANCE_KM + chosen["uncertainty_km"].astype(float)).to_numpy() if len(chosen) else [],
    }, columns=PROBE_COLUMNS)


@dataclass
class Corroboration:
    """The matches of some events against some datasets, both ways round.

    ``datasets`` are the datasets compared (empty: no imported data loaded, so exports leave
    ``corroborated_by`` out); ``by_event`` maps an event id to its matches, nearest first, each
    ``{"dataset", "id", "distance_km", "days_apart"}``; ``by_row`` maps an imported row's id to
    the events it corroborates, each ``{"event", "distance_km", "days_apart"}``.
    """

    datasets: tuple[str, ...] = ()
    by_event: dict[str, list[dict]] = field(default_factory=dict)
    by_row: dict[str, list[dict]] = field(default_factory=dict)

    def matches(self, event_id: str) -> list[dict]:
        return self.by_event.get(event_id, [])

    def corroborated(self, event_ids) -> list[bool]:
        return [bool(self.by_event.get(event_id)) for event_id in event_ids]


def corroborate(store, names, events: pd.DataFrame) -> Corroboration:
    """Match ``events`` against each dataset in ``names`` (one join per dataset, in the store)."""
    names = tuple(names)
    result = Corroboration(datasets=names)
    if not names or events is None or events.empty:
        return result
    probe_frame = probes(events)
    if probe_frame.empty:
        return result
    for name in names:
        matches = store.corroborating_rows(name, probe_frame)
        for event_id, row_id, distance, days in matches[["event_id", "id", "distance_km", "days_apart"]].itertuples(
                index=False):
            item = {"dataset": name, "id": row_id, "distance_km": round(float(distance), 1), "days_apart": int(days)}
            result.by_event.setdefault(event_id, []).append(item)
            result.by_row.setdefault(row_id, []).append(
                {"event": event_id, "distance_km": item["distance_km"], "days_apart": item["days_apart"]})
    for items in result.by_event.values():
        items.sort(key=lambda m: (m["days_apart"], m["distance_km"], m["dataset"], m["id"]))
    return result


def with_corroboration(events: pd.DataFrame, corroboration: Corroboration) -> pd.DataFrame:
    """A copy of ``events`` with a ``corroborated_by`` column (only when some dataset was compared)."""
    if not corroboration.datasets:
        return events
    events = events.copy()
    events["corroborated_by"] = [list(corroboration.matches(event_id)) for event_id in events["id"]]
    return events


def cached_corroboration(store, names, events: pd.DataFrame) -> Corroboration:
    """:func:`corroborate`, kept until the events or a dataset change (in the store's one cache)."""
    from dashboard.store.cache import FILES

    names = tuple(names)
    paths = [store.path(name) for name in names] if hasattr(store, "path") else []
    key = ("corroboration", id(store), names, tuple(store.names().get(name) for name in names) if names else (),
           tuple(events["id"]), tuple(events["date_start"].astype(str)), tuple(events["lon"]), tuple(events["lat"]),
           tuple(events["uncertainty_km"]))
    return FILES.get(key, paths, lambda: corroborate(store, names, events))


@dataclass(frozen=True)
class NearMiss:
    """The rows nearest to matching an uncorroborated event, for an honest explanation."""

    nearest_in_place: dict | None  # the closest-in-time row within the distance: id, distance_km, days_apart
    nearest_in_time: dict | None  # the closest row within the dates: id, distance_km, days_apart


NEAR_MISS_DAYS = 3650  # how far in time to look for the nearest row within the distance
NEAR_MISS_KM = 2000.0  # how far in space to look for the nearest row within the dates


def near_miss(store, name: str, event: dict) -> NearMiss:
    """For one event with no match in ``name``: the nearest rows in place and in time (two store joins)."""
    probe = probes(pd.DataFrame([event]))
    if probe.empty:
        return NearMiss(None, None)
    wide_time = probe.copy()
    wide_time["window_start"] = [day - timedelta(days=NEAR_MISS_DAYS) for day in wide_time["event_start"]]
    wide_time["window_end"] = [day + timedelta(days=NEAR_MISS_DAYS) for day in wide_time["event_end"]]
    wide_place = probe.copy()
    wide_place["radius_km"] = NEAR_MISS_KM

    def first(frame: pd.DataFrame, order: list[str]) -> dict | None:
        if frame.empty:
            return None
        best = frame.sort_values(order).iloc[0]
        return {"id": best["id"], "distance_km": round(float(best["distance_km"]), 1),
                "days_apart": int(best["days_apart"])}

    return NearMiss(first(store.corroborating_rows(name, wide_time), ["days_apart", "distance_km"]),
                    first(store.corroborating_rows(name, wide_place), ["distance_km", "days_apart"]))


def days_text(days: int) -> str:
    return "same dates" if days == 0 else f"{days} day{'s' if days != 1 else ''} apart"


def no_match_text(name: str, event: dict, miss: NearMiss) -> str:
    """Why no row of ``name`` corroborates a comparable event, in plain words (not yet escaped)."""
    radius = DISTANCE_KM + float(event.get("uncertainty_km") or 0)
    text = (f"No row in {name} matches: none lies both within {DAYS_WINDOW} days of the event's dates and "
            f"within {radius:g} km of its place.")
    if miss.nearest_in_place:
        m = miss.nearest_in_place
        text += f" Nearest in time within {radius:g} km: {m['id']}, {days_text(m['days_apart'])}."
    else:
        text += f" No row lies within {radius:g} km of it within {NEAR_MISS_DAYS // 365} years of its dates."
    if miss.nearest_in_time:
        m = miss.nearest_in_time
        text += f" Nearest in place within {DAYS_WINDOW} days: {m['id']}, {m['distance_km']:,.0f} km away."
    else:
        text += f" No row is dated within {DAYS_WINDOW} days of the event (within {NEAR_MISS_KM:,.0f} km)."
    return text


# The sidebar's labels for the filter's values (ViewState.corroboration, `corroboration=` in a URL).
CORROBORATION_FILTERS = {"all events": "", "corroborated only": "corroborated", "not corroborated": "uncorroborated"}


def filter_by_corroboration(events: pd.DataFrame, corroboration: Corroboration, choice: str) -> pd.DataFrame:
    """The events kept by the corroboration filter (all of them when no dataset is compared)."""
    if not corroboration.datasets or choice not in CORROBORATION_CHOICES:
        return events
    found = pd.Series(corroboration.corroborated(events["id"]), index=events.index, dtype=bool)
    return events[found] if choice == "corroborated" else events[~found]
