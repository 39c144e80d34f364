"""Imported datasets at 10k, 100k and 1M rows: the store (GeoParquet + DuckDB) against GeoJSON files.

    python -m benchmarks.imports [--sizes 10000,100000,1000000] [--geojson-max 100000]
                                 [--format acled|ucdp|generic]

For each size a CSV of the chosen shape (ACLED by default, UCDP GED or a generic CSV) is
generated (benchmarks/synthetic.py) and imported in that format, then each measure runs in a
fresh process, so its peak memory is its own:

  import s, import RSS   import the file (map, validate, write), and that process's peak RSS
  start s, start RSS     a new process: load the modules, the curated events and the dataset,
                         and build the first map data (all dates) -- what an app start does
  filter s               filter change (all dates -> the year 2021) to map data ready, server-side
  payload                bytes of the imported layer's map script after that filter change
  png s                  a PNG snapshot of that view, imported layer included

"geojson" is how imports worked before the store: one NAME.geojson loaded whole into pandas
and drawn point by point (clustered); it is run up to --geojson-max rows (at 1M it needs about
10 GB of memory). "store" reads only the view's rows, or grid counts above 20,000 of them;
"postgis" (with --postgis) is the same store in PostgreSQL + PostGIS on a throwaway local server
(file = the table and its indexes; RSS is the app process's, not the server's).
Targets (not asserted): 1M imported in <= 60 s at <= 1.5 GB; start <= 3 s; filter <= 0.5 s;
payload <= 5 MB; PNG <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dashboard.cli import Parser, count_arg, counts_arg, run

ROOT = Path(__file__).resolve().parent.parent
FORMAT_SHAPES = {"acled": "acled", "ucdp": "ucdp", "generic": "csv"}  # --format -> the import format
YEAR = (date(2021, 1, 1), date(2021, 12, 31))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the store --------------------------------------------------------------------------------


def store_import(source: Path, folder: Path, format: str = "acled") -> dict:
    from dashboard.imports import import_dataset

    started = time.perf_counter()
    report = import_dataset(source, format=format, name="bench", imports_dir=folder, max_bytes=10**12)
    import_s = time.perf_counter() - started
    url = os.environ.get("DASHBOARD_DATABASE_URL")
    if url:  # the table and its indexes
        import psycopg

        with psycopg.connect(url) as connection:
            size = connection.execute("SELECT pg_total_relation_size('imported_events')").fetchone()[0]
    else:
        size = (folder / "bench.parquet").stat().st_size
    return {"import_s": import_s, "import_rss_mb": _peak_rss_mb(), "imported": report.imported, "file_mb": size / 1e6}


def store_start(folder: Path) -> dict:
    """What an app start does with the dataset present: list it and draw the first view."""
    from dashboard.aggregate import build_grid_group, imported_layer
    from dashboard.data import load_curated_events
    from dashboard.filters import ViewState
    from dashboard.mapping import MAX_DETAILED_EVENTS, build_event_group
    from dashboard.store import imported_datasets

    load_curated_events()
    store = imported_datasets(folder)
    total = store.names()["bench"]
    layer = imported_layer(store, "bench", total, ViewState(), points_above=MAX_DETAILED_EVENTS)
    build_grid_group(layer, "#ff7f0e") if layer.aggregated else build_event_group(layer.rows, {}, color="#ff7f0e")
    return {"start_rss_mb": _peak_rss_mb()}


def store_view(folder: Path) -> dict:
    from benchmarks.payload import feature_group_bytes
    from dashboard.aggregate import build_grid_group, imported_layer
    from dashboard.data import load_curated_events
    from dashboard.export import export_bytes
    from dashboard.filters import ViewState, filter_events
    from dashboard.mapping import MAX_DETAILED_EVENTS, build_event_group
    from dashboard.store import imported_datasets

    curated, articles = load_curated_events()
    store = imported_datasets(folder)
    total = store.names()["bench"]
    imported_layer(store, "bench", total, ViewState(), points_above=MAX_DETAILED_EVENTS)  # the view before
    view = ViewState(start=YEAR[0], end=YEAR[1])
    started = time.perf_counter()
    layer = imported_layer(store, "bench", total, view, points_above=MAX_DETAILED_EVENTS)  # as the app does
    group = build_grid_group(layer, "#ff7f0e") if layer.aggregated else build_event_group(layer.rows, {},
                                                                                            color="#ff7f0e")
    filter_s = time.perf_counter() - started
    payload = feature_group_bytes(group)
    started = time.perf_counter()
    export_layer = layer if layer.aggregated else imported_layer(store, "bench", total, view)  # full rows
    export_bytes("png", filter_events(curated, view), articles, view, imported=[(export_layer, "#ff7f0e")])
    png_s = time.perf_counter() - started
    return {"filter_s": filter_s, "payload_mb": payload / 1e6, "png_s": png_s, "visible": layer.matching,
            "aggregated": layer.aggregated}


# --- GeoJSON files, as before the store -------------------------------------------------------------


def geojson_import(source: Path, folder: Path, format: str = "acled") -> dict:
    from dashboard.imports.pipeline import _FORMAT_MAPPERS
    from dashboard.imports.reading import _read_csv
    from dashboard.imports.rows import _drop_duplicate_ids

    started = time.perf_counter()
    table = _read_csv(source, str(source), format)
    features, rejected = _FORMAT_MAPPERS[format](table, str(source), "bench", {})
    del table
    features, _ = _drop_duplicate_ids(features, rejected)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "bench.geojson"
    target.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                                 separators=(",", ":")), encoding="utf-8")
    return {"import_s": time.perf_counter() - started, "import_rss_mb": _peak_rss_mb(), "imported": len(features),
            "file_mb": target.stat().st_size / 1e6}


def _geojson_frame(folder: Path):
    from dashboard.data import prepare_events
    from dashboard.events import validate_feature_collection

    collection = json.loads((folder / "bench.geojson").read_text(encoding="utf-8"))
    validate_feature_collection(collection, source_name="bench")
    return prepare_events(collection, with_distance=True)


def geojson_start(folder: Path) -> dict:
    from dashboard.data import load_curated_events
    from dashboard.filters import ViewState, filter_events
    from dashboard.mapping import build_event_group

    load_curated_events()
    frame = _geojson_frame(folder)
    build_event_group(filter_events(frame, ViewState()), {}, color="#ff7f0e")
    return {"start_rss_mb": _peak_rss_mb()}


def geojson_view(folder: Path) -> dict:
    import pandas as pd

    from benchmarks.payload import feature_group_bytes
    from dashboard.data import load_curated_events
    from dashboard.export import render_snapshot_png, snapshot_title
    from dashboard.filters import ViewState, filter_events
    from dashboard.mapping import build_event_group

    curated, articles = load_curated_events()
    frame = _geojson_frame(folder)
    view = ViewState(start=YEAR[0], end=YEAR[1])
    started = time.perf_counter()
    visible = filter_events(frame, view)
    group = build_event_group(visible, {}, color="#ff7f0e")
    filter_s = time.perf_counter() - started
    payload = feature_group_bytes(group)
    started = time.perf_counter()
    render_snapshot_png(pd.concat([filter_events(curated, view), visible], ignore_index=True), articles,
                        view.layers, title=snapshot_title(view))
    png_s = time.perf_counter() - started
    return {"filter_s": filter_s, "payload_mb": payload / 1e6, "png_s": png_s, "visible": len(visible),
            "aggregated": False}


STEPS = {("store", "import"): store_import, ("store", "start"): store_start, ("store", "view"): store_view,
         ("postgis", "import"): store_import, ("postgis", "start"): store_start, ("postgis", "view"): store_view,
         ("geojson", "import"): geojson_import, ("geojson", "start"): geojson_start,
         ("geojson", "view"): geojson_view}


def _child(kind: str, step: str, *paths: str, url: str | None = None) -> dict:
    """Run one step in a fresh Python process; its wall time (from launch) is start_s for 'start'."""
    env = {key: value for key, value in os.environ.items() if key != "DASHBOARD_DATABASE_URL"}
    if kind == "postgis":
        env["DASHBOARD_DATABASE_URL"] = url
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "benchmarks.imports", "--step", kind, step, *paths],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    if run.returncode != 0:
        raise SystemExit(f"{kind} {step} failed:\n{run.stderr[-2000:]}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    if step == "start":
        result["start_s"] = time.perf_counter() - started
    return result


def measure(kind: str, source: Path, folder: Path, url: str | None = None, format: str = "acled") -> dict:
    result = _child(kind, "import", format, str(source), str(folder), url=url)
    result.update(_child(kind, "start", str(folder), url=url))
    result.update(_child(kind, "view", str(folder), url=url))
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--step"] and len(argv) >= 3 and (argv[1], argv[2]) in STEPS:  # one measured step, internal
        kind, step, *paths = argv[1:]
        options = {}
        if step == "import":  # its first argument is the import format
            options["format"], *paths = paths
        print(json.dumps(STEPS[(kind, step)](*(Path(p) for p in paths), **options)))
        return 0
    parser = Parser(prog="python -m benchmarks.imports", description=__doc__,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=counts_arg(1, 10_000_000), default=[10_000, 100_000, 1_000_000],
                        help="comma-separated row counts, 1 to 10,000,000 each")
    parser.add_argument("--geojson-max", type=count_arg(1, 10_000_000), default=100_000,
                        help="largest size run the GeoJSON way")
    parser.add_argument("--format", choices=list(FORMAT_SHAPES), default="acled",
                        help="the shape of the synthetic file and the format it is imported as (default acled)")
    parser.add_argument("--postgis", action="store_true",
                        help="also measure the PostGIS store, on a throwaway server started like the tests' one")
    return run("benchmarks.imports", lambda: _benchmark(parser.parse_args(argv)))


def _benchmark(args) -> int:
    from benchmarks.synthetic import SYNTHETIC_WRITERS

    server = None
    if args.postgis:
        sys.path.insert(0, str(ROOT / "tests"))
        from postgres_server import PostgresServer

        server = PostgresServer().start()
    try:
        _table(args, SYNTHETIC_WRITERS[FORMAT_SHAPES[args.format]], server)
    finally:
        if server is not None:
            server.stop()
    return 0


def _table(args, write_synthetic, server) -> None:
    format = FORMAT_SHAPES[args.format]
    columns = ("rows", "storage", "import s", "import RSS", "file", "start s", "start RSS", "filter s", "payload",
               "png s", "in 2021")
    print(f"{columns[0]:>9} {columns[1]:>8} {columns[2]:>9} {columns[3]:>10} {columns[4]:>9} {columns[5]:>8} "
          f"{columns[6]:>9} {columns[7]:>9} {columns[8]:>9} {columns[9]:>6}  {columns[10]}")
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            source = write_synthetic(Path(folder) / f"{args.format}.csv", count)
            for kind in ("geojson", "store", "postgis") if server else ("geojson", "store"):
                if kind == "geojson" and count > args.geojson_max:
                    print(f"{count:>9,} {kind:>8}   not run (over --geojson-max {args.geojson_max:,})")
                    continue
                r = measure(kind, source, Path(folder) / kind, url=server.new_database() if kind == "postgis" else None,
                            format=format)
                shown = f"{r['visible']:,}" + (" as grid counts" if r["aggregated"] else " points")
                print(f"{count:>9,} {kind:>8} {r['import_s']:>9.1f} {r['import_rss_mb']:>8.0f}MB "
                      f"{r['file_mb']:>7.1f}MB {r['start_s']:>8.2f} {r['start_rss_mb']:>7.0f}MB {r['filter_s']:>9.3f} "
                      f"{r['payload_mb']:>7.2f}MB {r['png_s']:>6.2f}  {shown}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
