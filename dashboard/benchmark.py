"""Print how fast the map is built and how big it is, for the seed events and synthetic loads.

    python -m dashboard.benchmark [--sizes 10000,100000] [--repeat 3]

Figures are server-side: the time to filter the events and build the map a rerun sends, and
the bytes of that payload (the map script plus the feature groups, as streamlit-folium sends
them). Run it outside pytest; timings are never asserted in tests. See also
`python -m dashboard.benchmark_export` (PNG render times) and `python -m dashboard.benchmark_imports`.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import pandas as pd
from streamlit_folium import _get_feature_group_string, _get_map_string

from dashboard.data import load_curated_events
from dashboard.filters import ViewState, filter_events
from dashboard.layers import LAYERS
from dashboard.mapping import build_base_map, build_event_group, build_layer_groups, build_legend
from dashboard.synthetic import synthetic_events

# Synthetic events spread over 1979–2021, so a one-year window shows about 2 % of them.
WINDOW = ViewState(start=date(2021, 1, 1), end=date(2021, 12, 31))


def rerun_payload(events: pd.DataFrame, articles: dict, state: ViewState) -> tuple[int, int]:
    """Bytes of (the fixed map script, the feature groups) that one rerun hands to st_folium."""
    base = build_base_map()
    build_legend().add_to(base)
    base.get_root().render()
    map_bytes = len(_get_map_string(base))  # st_folium measures the map before adding the groups
    groups = build_layer_groups(state.layers) + [build_event_group(filter_events(events, state), articles)]
    group_bytes = sum(len(_get_feature_group_string(group, base, idx)) for idx, group in enumerate(groups))
    return map_bytes, group_bytes


def time_rerun(events: pd.DataFrame, articles: dict, state: ViewState, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        shown = filter_events(events, state)
        base = build_base_map()
        build_legend().add_to(base)
        base.get_root().render()
        _get_map_string(base)
        groups = build_layer_groups(state.layers) + [build_event_group(shown, articles)]
        for idx, group in enumerate(groups):
            _get_feature_group_string(group, base, idx)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    curated, articles = load_curated_events()
    loads = [("seed events", curated, articles)]
    loads += [(f"{int(n):,} synthetic", synthetic_events(int(n)), {}) for n in args.sizes.split(",")]
    all_layers = ViewState(layers=tuple(LAYERS))
    print(f"{'events':>18} {'window':>12} {'shown':>8} {'filter+build s':>15} {'map script B':>13} {'groups B':>11}")
    for label, events, arts in loads:
        for window_label, state in (("all", all_layers), ("2021", WINDOW)):
            seconds = time_rerun(events, arts, state, args.repeat)
            fixed, groups = rerun_payload(events, arts, state)
            shown = len(filter_events(events, state))
            print(f"{label:>18} {window_label:>12} {shown:>8,} {seconds:>15.3f} {fixed:>13,} {groups:>11,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
