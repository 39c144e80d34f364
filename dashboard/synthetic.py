"""Synthetic events in the event schema, for benchmarks and scale tests only (never shown as data)."""

from __future__ import annotations

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
        "uncertainty_km": 5.0,
        "sources": [[{"article": None, "citation": "synthetic", "quote": f"quote {i}"}] for i in range(count)],
        "review_status": "imported",
        "lon": rng.uniform(61.0, 75.0, count),
        "lat": rng.uniform(30.0, 40.0, count),
        "distance_to_border_km": rng.uniform(0, 800, count),
    })
    return add_search_column(frame)
