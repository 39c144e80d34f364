"""Benchmark imported datasets at 10,000 and 100,000 events: ``python -m dashboard.benchmark_imports``.

For each size, in a fresh process (so peak memory is that size's own): write a synthetic
ACLED export, import it, load it as the app does, then filter to one year and build the
map layer. Prints seconds, the map payload (the feature-group JavaScript streamlit-folium
sends) and the process's peak resident memory.
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

SIZES = (10_000, 100_000)
HEADER = ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
          "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"]


def write_synthetic_acled(path: Path, count: int, seed: int = 0) -> Path:
    """A plausible ACLED export over Afghanistan and Tajikistan, 2019–2022."""
    rng = np.random.default_rng(seed)
    days = np.datetime64("2019-01-01") + rng.integers(0, 4 * 365, count)
    types = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Strategic developments"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(count):
            writer.writerow([
                f"AFG{i}", str(days[i]), rng.choice(["1", "1", "2", "3"]), types[i % 4], "Armed clash", "Taliban",
                "Military Forces of Afghanistan (2004-2021)", "Afghanistan", "Kunduz", f"Place {i % 500}",
                f"{rng.uniform(30.0, 38.0):.4f}", f"{rng.uniform(61.0, 71.0):.4f}", rng.choice(["1", "2", "3"]),
                "Pajhwok Afghan News", f"Synthetic benchmark event {i}: clashes reported.", str(i % 7),
            ])
    return path


def run_one(count: int) -> dict:
    import folium

    from dashboard.filters import ViewState, filter_events
    from dashboard.folium_payload import feature_group_script
    from dashboard.imports import import_dataset
    from dashboard.store import imported_datasets
    from dashboard.mapping import IMPORT_COLORS, build_base_map, build_event_group

    with tempfile.TemporaryDirectory() as folder:
        source = write_synthetic_acled(Path(folder) / "acled.csv", count)
        imports_dir = Path(folder) / "imports"
        started = time.perf_counter()
        report = import_dataset(source, format="acled", name="bench", imports_dir=imports_dir)
        import_s = time.perf_counter() - started

        started = time.perf_counter()
        frame = imported_datasets(imports_dir).rows("bench", ViewState())
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        imported_datasets(imports_dir).names()
        cached_s = time.perf_counter() - started

        base = build_base_map()
        view = ViewState(start=date(2021, 1, 1), end=date(2021, 12, 31))
        started = time.perf_counter()
        visible = filter_events(frame, view)
        group = build_event_group(visible, {}, name="bench", color=IMPORT_COLORS[0])
        payload = feature_group_script(group, base)
        map_s = time.perf_counter() - started
        file_bytes = (imports_dir / "bench.parquet").stat().st_size
    return {
        "events": count, "imported": report.imported, "visible": len(visible),
        "import_s": import_s, "load_s": load_s, "cached_load_s": cached_s, "filter_map_s": map_s,
        "payload_bytes": len(payload.encode()), "geojson_bytes": file_bytes,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "folium": folium.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(int(argv[1]))))
        return 0
    print(f"{'events':>8} {'import s':>9} {'load s':>7} {'cached s':>9} {'filter+map s':>13} "
          f"{'payload':>10} {'file':>9} {'peak RSS':>9}")
    for count in SIZES:
        out = subprocess.run([sys.executable, "-m", "dashboard.benchmark_imports", "--one", str(count)],
                             capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['events']:>8,} {r['import_s']:>9.2f} {r['load_s']:>7.2f} {r['cached_load_s']:>9.4f} "
              f"{r['filter_map_s']:>13.3f} {r['payload_bytes'] / 1e6:>8.2f}MB {r['geojson_bytes'] / 1e6:>7.1f}MB "
              f"{r['peak_rss_mb']:>7.0f}MB   ({r['visible']:,} visible in 2021)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
