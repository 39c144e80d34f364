"""How long exports take and how big they are: curated events and 10,000 synthetic ones.

Run ``python -m benchmarks.export``. Each figure is the best of a few runs after
a warm-up (the first render also reads and projects the basemap once).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

from dashboard.cli import Parser, run
from dashboard.events import EVENTS_PATH
from dashboard.export import (
    events_csv,
    events_geojson,
    mercator_frame,
    render_snapshot_pdf,
    render_snapshot_png,
    render_snapshot_svg,
    snapshot_html,
)
from dashboard.layers import CONTEXT_DIR, LAYERS
from dashboard.symbology import region_of_interest
from benchmarks.synthetic import synthetic_events

REPEATS = 3
LAYER_IDS = list(LAYERS)
REGION = region_of_interest()  # the map's opening view


def best_seconds(make: Callable[[], bytes], repeats: int = REPEATS) -> tuple[float, int]:
    """The fastest of ``repeats`` runs (seconds) and the output size (bytes)."""
    times, size = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        size = len(make())
        times.append(time.perf_counter() - started)
    return min(times), size


def report(name: str, events: pd.DataFrame, articles: dict[str, dict], *, repeats: int = REPEATS) -> None:
    title = f"Benchmark: {name}"
    cases = [
        ("PNG slide, default view", lambda: render_snapshot_png(events, articles, LAYER_IDS, title=title)),
        ("PNG slide, fit to events", lambda: render_snapshot_png(events, articles, LAYER_IDS, title=title,
                                                                 fit_events=True)),
        ("PNG slide, region bbox", lambda: render_snapshot_png(events, articles, LAYER_IDS, title=title, bbox=REGION)),
        ("SVG slide, default view", lambda: render_snapshot_svg(events, articles, LAYER_IDS, title=title)),
        ("PNG A4 300 dpi", lambda: render_snapshot_png(events, articles, LAYER_IDS, title=title, size="a4")),
        ("PDF A4", lambda: render_snapshot_pdf(events, articles, LAYER_IDS, title=title)),
        ("HTML standalone", lambda: snapshot_html(events, articles, LAYER_IDS, title=title)),
        ("GeoJSON", lambda: events_geojson(events)),
        ("CSV", lambda: events_csv(events, articles)),
    ]
    print(f"\n{name}: {len(events):,} events")
    for label, make in cases:
        seconds, size = best_seconds(make, repeats)
        print(f"  {label:<26} {seconds * 1000:8.0f} ms  {size / 1024:9.1f} KiB")


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m benchmarks.export", description=__doc__.splitlines()[0])
    return run("benchmarks.export", lambda: _benchmark(parser.parse_args(argv)))


def _benchmark(_args) -> int:
    started = time.perf_counter()
    for name in ("countries", "rivers", "places"):
        mercator_frame(CONTEXT_DIR / f"{name}.geojson")
    print(f"basemap read and projected once: {(time.perf_counter() - started) * 1000:.0f} ms")
    if EVENTS_PATH.exists():
        from dashboard.data import load_curated_events  # noqa: PLC0415 - needs the curated file

        events, articles = load_curated_events()
        report("curated events", events, articles)
    else:
        print(f"\ncurated events: {EVENTS_PATH} does not exist yet, skipped")
    report("synthetic events", synthetic_events(10_000), {}, repeats=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
