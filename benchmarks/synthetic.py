"""Synthetic data for benchmarks and scale tests only (never shown as data).

:func:`synthetic_events` makes prepared event frames; :func:`write_synthetic_acled` writes an
ACLED-shaped CSV export of any length, a chunk at a time, for the import benchmark.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.events import CATEGORIES
from dashboard.filters import add_search_column

ACTORS = ["Taliban", "Russia", "Tajikistan", "Uzbekistan", "CSTO", "NRF", "United States", "China"]


def synthetic_events(count: int, seed: int = 0) -> pd.DataFrame:
    """``count`` random events over Central Asia, 1979–2021, shaped like prepared curated events."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("1979-01-01") + pd.to_timedelta(rng.integers(0, 15706, count), unit="D")  # to 2021-12-31
    ids = [f"synthetic-{i}" for i in range(count)]
    categories = rng.choice(list(CATEGORIES)[:-1], count)
    frame = pd.DataFrame({
        "id": ids,
        "title": [f"Synthetic event {i}" for i in range(count)],
        "summary": "Generated for benchmarks.",
        "category": categories,
        "actors": [list(rng.choice(ACTORS, 2, replace=False)) for _ in range(count)],
        "date_start": start,
        "date_end": start,
        "date_precision": "day",
        "date_basis": "explicit",
        "date_note": None,
        "place": "Synthetic place",
        "country": "AFG",
        "location_precision": "city",
        "location_basis": "explicit",
        "uncertainty_km": 5.0,
        "sources": [[{"article": None, "citation": "synthetic", "quote": f"quote {i}"}] for i in range(count)],
        "review_status": "imported",
        "lon": rng.uniform(61.0, 75.0, count),
        "lat": rng.uniform(30.0, 40.0, count),
        "distance_to_border_km": rng.uniform(0, 800, count),
    })
    return add_search_column(frame)


ACLED_HEADER = ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
                "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes",
                "fatalities"]
_ACLED_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Strategic developments"]


def write_synthetic_acled(path: Path, count: int, seed: int = 0, chunk: int = 100_000) -> Path:
    """A plausible ACLED export of ``count`` rows over Afghanistan and Tajikistan, 2019–2022."""
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_HEADER)
        for first in range(0, count, chunk):
            n = min(chunk, count - first)
            days = (np.datetime64("2019-01-01") + rng.integers(0, 4 * 365, n)).astype(str)
            time_precision = rng.choice(["1", "1", "2", "3"], n)
            geo_precision = rng.choice(["1", "2", "3"], n)
            lat = rng.uniform(30.0, 38.0, n)
            lon = rng.uniform(61.0, 71.0, n)
            writer.writerows(
                [f"AFG{i}", days[j], time_precision[j], _ACLED_TYPES[i % 4], "Armed clash", "Taliban",
                 "Military Forces of Afghanistan (2004-2021)", "Afghanistan", "Kunduz", f"Place {i % 500}",
                 f"{lat[j]:.4f}", f"{lon[j]:.4f}", geo_precision[j], "Pajhwok Afghan News",
                 f"Synthetic benchmark event {i}: clashes reported.", str(i % 7)]
                for j, i in enumerate(range(first, first + n)))
    return path
