"""Print how fast the map is built and how big it is, for the seed events and synthetic loads.

    python -m benchmarks.map [--sizes 10000,100000] [--repeat 3]

Figures are server-side, one line per load and date window:
  rerun s              best time to filter the events and build the JavaScript one rerun sends
  base map bytes       the map's fixed part, without layers or events (basemap, legend)
  layers+events bytes  the feature groups (layers, clustered events): the part that filters change
  timeline s           best time to build the timeline's spec and write it as JSON (each event drawn
                       up to 150 rows, counts per period beyond)
Byte counts are of the rendered map script (benchmarks/payload.py, folium's public API).
Run it outside pytest; timings are never asserted in tests. See also
`python -m benchmarks.export` (PNG render times) and `python -m benchmarks.imports`.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date

import pandas as pd

from dashboard.cli import Parser, count_arg, counts_arg, run
from dashboard.data import load_curated_events
from dashboard.filters import ViewState, filter_events
from benchmarks.payload import base_map_script, feature_group_bytes
from dashboard.layers import LAYERS
from dashboard.map_overlays import build_overlays
from dashboard.mapping import build_base_map, build_event_group, build_layer_groups
from benchmarks.synthetic import synthetic_events
from dashboard.timeline import timeline_chart

# Synthetic events spread over 1979–2021, so a one-year window shows about 2 % of them.
WINDOW = ViewState(start=date(2021, 1, 1), end=date(2021, 12, 31))


def time_timeline(events: pd.DataFrame, state: ViewState, repeat: int) -> float:
    shown = filter_events(events, state)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        json.dumps(timeline_chart(shown, state.start, window_end=state.end), default=str)
        best = min(best, time.perf_counter() - started)
    return best


def rerun_payload(events: pd.DataFrame, articles: dict, state: ViewState) -> tuple[int, int]:
    """Bytes of (the base map's script, the feature groups' scripts) that one rerun hands to st_folium."""
    base = build_base_map()
    map_bytes = len(base_map_script(base).encode())  # st_folium measures the map before adding the groups
    shown = filter_events(events, state)
    groups = build_layer_groups(state.layers) + [build_overlays(shown, state.layers),
                                                 build_event_group(shown, articles, popups=False)]  # as the app
    group_bytes = sum(feature_group_bytes(group) for group in groups)
    return map_bytes, group_bytes


def time_rerun(events: pd.DataFrame, articles: dict, state: ViewState, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        shown = filter_events(events, state)
        base = build_base_map()
        base_map_script(base)  # st_folium renders the base map, then each feature group added to it
        groups = build_layer_groups(state.layers) + [build_overlays(shown, state.layers),
                                                     build_event_group(shown, articles, popups=False)]
        for group in groups:
            group.add_to(base)
            group.render()
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m benchmarks.map", description=__doc__,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=counts_arg(1, 1_000_000), default=[10_000, 100_000],
                        help="comma-separated synthetic event counts, 1 to 1,000,000 each")
    parser.add_argument("--repeat", type=count_arg(1, 100), default=3, help="runs per figure (best is shown), 1 to 100")
    return run("benchmarks.map", lambda: _benchmark(parser.parse_args(argv)))


def _benchmark(args: argparse.Namespace) -> int:
    curated, articles = load_curated_events()
    loads = [("seed events", curated, articles)]
    loads += [(f"{n:,} synthetic", synthetic_events(n), {}) for n in args.sizes]
    all_layers = ViewState(layers=tuple(LAYERS))
    print(f"One rerun, best of {args.repeat}. window 'all': every date and layer; '2021': that year, default layers.")
    print("rerun s: filter + build the map's JavaScript; base map bytes: its fixed part (basemap, legend);")
    print("layers+events bytes: the layers and clustered events, the part that filters change.")
    print("timeline s: build the timeline chart's spec (not included in rerun s).")
    print(f"{'events':>18} {'window':>6} {'shown':>8} {'rerun s':>8} {'base map bytes':>15} {'layers+events bytes':>20}"
          f" {'timeline s':>10}")
    for label, events, arts in loads:
        for window_label, state in (("all", all_layers), ("2021", WINDOW)):
            seconds = time_rerun(events, arts, state, args.repeat)
            fixed, groups = rerun_payload(events, arts, state)
            shown = len(filter_events(events, state))
            timeline = time_timeline(events, state, args.repeat)
            print(f"{label:>18} {window_label:>6} {shown:>8,} {seconds:>8.3f} {fixed:>15,} {groups:>20,}"
                  f" {timeline:>10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
