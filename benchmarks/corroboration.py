"""Corroboration at scale: N curated events against M imported rows, one join in the store.

    python -m benchmarks.corroboration [--events 1000] [--rows 10000,100000,1000000]

For each row count a synthetic dataset is written straight as GeoParquet in the store's schema
(ACLED-like: Afghanistan and southern Tajikistan, 2019-2022, a mix of precisions and week-long
ranges), and ``--events`` synthetic events are placed in the same area and years (city-precise,
dated to the day). Prints the seconds :func:`dashboard.corroboration.corroborate` takes (best of
three, after one warm-up), the matches found and the pairs per event. Target (issue #19, not
asserted anywhere): 1,000 events x 1,000,000 rows in <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from dashboard.store.datasets import SCHEMA

AREA = (61.0, 30.0, 71.0, 38.0)  # lon/lat box over Afghanistan and southern Tajikistan
FIRST_DAY, DAYS = np.datetime64("2019-01-01"), 4 * 365
PRECISIONS = [("city", 2.0), ("city", 25.0), ("province", 100.0), ("country", 300.0)]


def write_rows(path: Path, count: int, seed: int = 1, chunk: int = 200_000) -> Path:
    """``count`` synthetic imported rows as one GeoParquet file in the store's schema."""
    rng = np.random.default_rng(seed)
    with pq.ParquetWriter(path, SCHEMA, compression="zstd") as writer:
        for first in range(0, count, chunk):
            n = min(chunk, count - first)
            start = FIRST_DAY + rng.integers(0, DAYS, n)
            week = rng.random(n) < 0.2
            end = start + np.where(week, 6, 0)
            lon, lat = rng.uniform(AREA[0], AREA[2], n), rng.uniform(AREA[1], AREA[3], n)
            kind = rng.integers(0, len(PRECISIONS), n)
            ids = [f"bench:{first + i}" for i in range(n)]
            writer.write_table(pa.table({
                "seq": np.arange(first, first + n, dtype=np.int64), "id": ids,
                "date_start": start.astype("datetime64[D]"), "date_end": end.astype("datetime64[D]"),
                "category": ["armed_conflict"] * n, "actors": [["Taliban"]] * n, "articles": [[]] * n,
                "review_status": ["imported"] * n,
                "location_precision": [PRECISIONS[k][0] for k in kind],
                "uncertainty_km": [PRECISIONS[k][1] for k in kind],
                "date_precision": np.where(week, "range", "day"),
                "lon": lon, "lat": lat, "distance_to_border_km": np.zeros(n), "search": [""] * n,
                "properties": [json.dumps({"id": i}) for i in ids],
                "geometry": shapely.to_wkb(shapely.points(lon, lat)),
            }, schema=SCHEMA))
    return path


def synthetic_events(count: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, DAYS, count), unit="D")
    return pd.DataFrame({
        "id": [f"event-{i}" for i in range(count)], "date_start": start, "date_end": start,
        "date_precision": "day", "location_precision": "city", "uncertainty_km": 10.0,
        "lon": rng.uniform(AREA[0], AREA[2], count), "lat": rng.uniform(AREA[1], AREA[3], count),
    })


def main() -> None:
    from dashboard.corroboration import corroborate
    from dashboard.store import imported_datasets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rows", default="10000,100000,1000000")
    args = parser.parse_args()
    events = synthetic_events(args.events)
    print(f"{'events':>7} {'rows':>10} {'write s':>8} {'match s':>8} {'matches':>8} {'events matched':>15}")
    for count in (int(value) for value in args.rows.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            write_rows(Path(folder) / "bench.parquet", count)
            write_s = time.perf_counter() - started
            store = imported_datasets(folder)
            corroborate(store, ["bench"], events)  # warm-up: file metadata, query plan
            times = []
            for _ in range(3):
                started = time.perf_counter()
                result = corroborate(store, ["bench"], events)
                times.append(time.perf_counter() - started)
            matches = sum(len(items) for items in result.by_event.values())
            print(f"{len(events):>7,} {count:>10,} {write_s:>8.1f} {min(times):>8.2f} {matches:>8,} "
                  f"{len(result.by_event):>15,}")


if __name__ == "__main__":
    main()
