"""Page open -> markers drawn, for the app and for a bare "floor" page, side by side in one run.

    python -m benchmarks.page_open [--runs 3]

The floor is the least any Streamlit page with a map can cost here: one st_folium map with
one marker and the same local Leaflet, linked as stock folium links it (written to a
temporary folder by this script). Both
servers are started by this script; each run opens a fresh headless Chromium context and
times from navigation to the first event marker (or badge) drawn inside the map's iframe.
The moment is taken inside the page (a 4 ms poll in the map's frame, on the page's own
clock), not when Playwright notices it: Playwright's waits poll at growing intervals (up to
0.5 s), which added up to half a second of noise to one page and not the other.
It also times a filter change in the app (a layer switched off) until the map shows it.
Figures are printed, never asserted (the machine is shared; see the README).
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.local_servers import CHROMIUM, CHROMIUM_ARGS, start_streamlit
from dashboard.cli import Parser, count_arg, parse

ROOT = Path(__file__).resolve().parent.parent
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
DRAWN = "path.event-marker, .country-badge, .marker-cluster"

FLOOR_APP = '''
import sys
sys.path.insert(0, {root!r})
import folium
import streamlit as st
from streamlit_folium import st_folium
from dashboard.assets import local_url, localize

m = folium.Map(location=(37.6, 69.0), zoom_start=6, tiles=None)
folium.CircleMarker((37.6, 69.0), radius=7, class_name="event-marker").add_to(m)
localize(m)
m.default_css = [("leaflet_css", local_url("leaflet_css"))]  # stock folium: Leaflet's CSS as a link
st_folium(m, height=700, use_container_width=True, returned_objects=[])
'''


def start_server(script: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run script` on a free loopback port, with static serving; returns (process, url)."""
    return start_streamlit(script, ROOT, ["--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false"],
                           stdout=subprocess.DEVNULL)


# Runs in every frame of the page; in the map's frame it notes, on the page's shared clock,
# when the first marker has been painted: the first task after the next frame that has a marker.
DRAWN_PROBE = """
if (window !== window.top) {
  const poll = setInterval(() => {
    if (document.querySelector(%r)) {
      clearInterval(poll);
      requestAnimationFrame(() => setTimeout(() => {
        window.__drawnAt = performance.timeOrigin + performance.now();
      }, 0));
    }
  }, 4);
}
""" % DRAWN


def time_page_open(browser, url: str) -> tuple[float, float]:
    """Seconds from navigation to the first marker drawn in the map's iframe (fresh context: no cache).

    Returns (as the page drew it, as Playwright saw it).
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(DRAWN_PROBE)
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.frame_locator(MAP_FRAME).locator(DRAWN).first.wait_for(timeout=120_000)
    seen = time.perf_counter() - started
    page.wait_for_timeout(100)  # the probe notes the paint after the next frame
    drawn_at = next(at for frame in page.frames if frame is not page.main_frame
                    if (at := frame.evaluate("window.__drawnAt || 0")))
    drawn = (drawn_at - page.evaluate("performance.timeOrigin")) / 1000
    context.close()
    return drawn, seen


def time_filter_change(browser, url: str) -> float:
    """Seconds from switching the 201st-base layer off to the map no longer drawing it."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.layer-base_201").first.wait_for(timeout=120_000)
    # The page has settled: the table comes with the rerun after the first (app._first_browser_run).
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=120_000)
    time.sleep(1.0)
    started = time.perf_counter()
    page.get_by_text("Russia's 201st base sites", exact=True).click()
    while frame.locator("path.layer-base_201").count():
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    context.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m benchmarks.page_open", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=count_arg(1, 100), default=3, help="1 to 100")
    args = parse("benchmarks.page_open", parser, argv)
    if args is None:
        return 2
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - test dependency

    from dashboard.assets import ensure_static_assets  # noqa: PLC0415

    ensure_static_assets()
    with tempfile.TemporaryDirectory() as folder:
        floor_script = Path(folder) / "floor_app.py"
        floor_script.write_text(FLOOR_APP.format(root=str(ROOT)), encoding="utf-8")
        (Path(folder) / "static").symlink_to(ROOT / "dashboard" / "static")  # the same local Leaflet
        servers = {"floor": start_server(floor_script), "app": start_server(ROOT / "dashboard" / "app.py")}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for _process, url in servers.values():  # warm-up: first imports, first render
                    time_page_open(browser, url)
                times = {name: [] for name in servers}
                for _ in range(args.runs):  # interleaved, so both see the same load
                    for name, (_process, url) in servers.items():
                        times[name].append(time_page_open(browser, url))
                filters = [time_filter_change(browser, servers["app"][1]) for _ in range(args.runs)]
                browser.close()
        finally:
            for process, _url in servers.values():
                process.terminate()
                process.wait(timeout=10)
    print(f"page open -> markers drawn, median of {args.runs} (1400x900, headless Chromium):")
    for clock, index in (("as drawn (page clock)", 0), ("as Playwright saw it", 1)):
        floor, app = (statistics.median(run[index] for run in times[name]) for name in ("floor", "app"))
        print(f"  {clock}:")
        print(f"    floor (one st_folium map, same local Leaflet): {floor:.2f} s   "
              f"runs {', '.join(f'{run[index]:.2f}' for run in times['floor'])}")
        print(f"    app:                                           {app:.2f} s   "
              f"runs {', '.join(f'{run[index]:.2f}' for run in times['app'])}")
        print(f"    ratio app / floor: {app / floor:.2f} (target <= 1.5)")
    print(f"filter change (layer off) -> map updated, median: {statistics.median(filters):.2f} s "
          f"  runs {', '.join(f'{t:.2f}' for t in filters)} (target <= 1 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
