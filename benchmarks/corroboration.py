"""Corroboration at scale: N curated events against M imported rows, one join in the store.

    python -m benchmarks.corroboration [--events 1000] [--rows 10000,100000,1000000] [--postgis MAX_ROWS]

For each row count a synthetic dataset is written straight as GeoParquet in the store's schema
(ACLED-like: Afghanistan and southern Tajikistan, 2019-2022, a mix of precisions and week-long
ranges), and ``--events`` synthetic events are placed in the same area and years (city-precise,
dated to the day). Prints the seconds :func:`dashboard.corroboration.corroborate` takes (best of
three, after one warm-up), the matches found and how many events have one. With ``--postgis``
the same rows are also loaded (through the store's writer) into a throwaway PostgreSQL +
PostGIS server, up to MAX_ROWS rows. Target (issue #19, not asserted anywhere): 1,000 events
x 1,000,000 rows in <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from dashboard.cli import Parser, count_arg, counts_arg, run
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


def load_into_postgis(url: str, path: Path) -> None:
    """The synthetic rows of ``path`` as dataset 'bench' in PostGIS, through the store's own writer."""
    from dashboard.store.postgis import PostgisDatasets

    writer = PostgisDatasets(url).writer("bench")
    for batch in pq.ParquetFile(path).iter_batches(batch_size=50_000):
        columns = batch.to_pydict()
        writer.write([{
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": row_id, "date_start": start.isoformat(), "date_end": end.isoformat(),
                           "category": "armed_conflict", "actors": ["Taliban"], "sources": [],
                           "review_status": "imported", "location_precision": precision,
                           "uncertainty_km": uncertainty, "date_precision": date_precision},
        } for row_id, start, end, precision, uncertainty, date_precision, lon, lat in zip(
            columns["id"], columns["date_start"], columns["date_end"], columns["location_precision"],
            columns["uncertainty_km"], columns["date_precision"], columns["lon"], columns["lat"])])
    writer.commit()


def time_matching(store, events: pd.DataFrame) -> tuple[float, object]:
    """Best of three runs of the matching, after one warm-up (file metadata, query plan, caches)."""
    from dashboard.corroboration import corroborate

    corroborate(store, ["bench"], events)
    best, result = float("inf"), None
    for _ in range(3):
        started = time.perf_counter()
        result = corroborate(store, ["bench"], events)
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m benchmarks.corroboration", description=__doc__,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=count_arg(1, 100_000), default=1000, help="curated events to match")
    parser.add_argument("--rows", type=counts_arg(1, 10_000_000), default=[10_000, 100_000, 1_000_000],
                        help="comma-separated imported row counts")
    parser.add_argument("--postgis", type=count_arg(0, 10_000_000), default=0, metavar="MAX_ROWS",
                        help="also measure PostGIS (a throwaway server) for row counts up to MAX_ROWS")
    return run("benchmarks.corroboration", lambda: _benchmark(parser.parse_args(argv)))


def _benchmark(args) -> int:
    from dashboard.store.local import LocalDatasets

    events = synthetic_events(args.events)
    server = None
    if args.postgis:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from postgres_server import PostgresServer

        server = PostgresServer().start()
    try:
        print(f"{'store':>7} {'events':>7} {'rows':>10} {'load s':>8} {'match s':>8} {'matches':>8} "
              f"{'events matched':>15}")
        for count in args.rows:
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                path = write_rows(Path(folder) / "bench.parquet", count)
                stores = [("duckdb", time.perf_counter() - started, LocalDatasets(folder))]
                if server is not None and count <= args.postgis:
                    from dashboard.store.postgis import PostgisDatasets

                    url = server.new_database()
                    started = time.perf_counter()
                    load_into_postgis(url, path)
                    stores.append(("postgis", time.perf_counter() - started, PostgisDatasets(url)))
                for kind, load_s, store in stores:
                    match_s, result = time_matching(store, events)
                    matches = sum(len(items) for items in result.by_event.values())
                    print(f"{kind:>7} {len(events):>7,} {count:>10,} {load_s:>8.1f} {match_s:>8.2f} {matches:>8,} "
                          f"{len(result.by_event):>15,}", flush=True)
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
