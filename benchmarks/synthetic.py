"""Synthetic data for benchmarks and scale tests only (never shown as data).

:func:`synthetic_events` makes prepared event frames; :func:`write_synthetic_acled`,
:func:`write_synthetic_ucdp` and :func:`write_synthetic_generic` write an ACLED-shaped, UCDP
GED-shaped or generic CSV file of any length, a chunk at a time, for the import benchmark
(:data:`SYNTHETIC_WRITERS`, by import format).
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


UCDP_HEADER = ["id", "year", "type_of_violence", "conflict_name", "side_a", "side_b", "source_article",
               "source_office", "where_prec", "where_coordinates", "adm_1", "latitude", "longitude", "country",
               "date_start", "date_end", "best"]
_UCDP_SIDES = [("Government of Afghanistan", "Taleban"), ("Taleban", "Civilians"), ("Government of Afghanistan", "IS"),
               ("IS", "Civilians")]


def write_synthetic_ucdp(path: Path, count: int, seed: int = 0, chunk: int = 100_000) -> Path:
    """A plausible UCDP GED file of ``count`` rows over Afghanistan, 2019–2022: where_prec 1–7, some
    events spanning several days, about one row in ten without a source article."""
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(UCDP_HEADER)
        for first in range(0, count, chunk):
            n = min(chunk, count - first)
            starts = np.datetime64("2019-01-01") + rng.integers(0, 4 * 365, n)
            ends = (starts + rng.choice([0, 0, 0, 1, 6], n)).astype(str)
            starts = starts.astype(str)
            where_prec = rng.choice(["1", "1", "2", "3", "4", "5", "6", "7"], n)
            violence = rng.choice(["1", "2", "3"], n)
            lat = rng.uniform(30.0, 38.0, n)
            lon = rng.uniform(61.0, 71.0, n)
            writer.writerows(
                [str(400_000 + i), starts[j][:4], violence[j], "Afghanistan: Government", *_UCDP_SIDES[i % 4],
                 "" if i % 10 == 0 else f"Synthetic wire,{starts[j]},Clashes reported near place {i % 500}",
                 "Synthetic wire", where_prec[j], f"Place {i % 500} village", "Kunduz province",
                 f"{lat[j]:.4f}", f"{lon[j]:.4f}", "Afghanistan", starts[j], ends[j], str(i % 9)]
                for j, i in enumerate(range(first, first + n)))
    return path


GENERIC_HEADER = ["event_id", "date", "end_date", "title", "latitude", "longitude", "country", "place", "category",
                  "actors", "summary", "source", "location_precision", "uncertainty_km"]
_GENERIC_CATEGORIES = ["armed_conflict", "attack", "diplomacy", "Skirmish"]


def write_synthetic_generic(path: Path, count: int, seed: int = 0, chunk: int = 100_000) -> Path:
    """A plausible generic event CSV of ``count`` rows: guessable column names, some end dates,
    one row in four stating its own location precision."""
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(GENERIC_HEADER)
        for first in range(0, count, chunk):
            n = min(chunk, count - first)
            starts = np.datetime64("2019-01-01") + rng.integers(0, 4 * 365, n)
            ends = (starts + rng.choice([0, 2], n)).astype(str)
            starts = starts.astype(str)
            lat = rng.uniform(30.0, 38.0, n)
            lon = rng.uniform(61.0, 71.0, n)
            writer.writerows(
                [f"E{i}", starts[j], ends[j] if i % 3 == 0 else "", f"Synthetic event {i}", f"{lat[j]:.4f}",
                 f"{lon[j]:.4f}", "Afghanistan", f"Place {i % 500}", _GENERIC_CATEGORIES[i % 4], "Taliban; Russia",
                 f"Synthetic benchmark event {i}." if i % 2 else "", "Synthetic wire",
                 *(("province", "50") if i % 4 == 0 else ("", ""))]
                for j, i in enumerate(range(first, first + n)))
    return path


SYNTHETIC_WRITERS = {"acled": write_synthetic_acled, "ucdp": write_synthetic_ucdp, "csv": write_synthetic_generic}
