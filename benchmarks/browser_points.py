"""How many points a browser map draws well: the measurement behind dashboard.aggregate.AGGREGATE_ABOVE.

    python -m benchmarks.browser_points [--sizes 5000,10000,20000,50000,100000]

For each size, synthetic events are drawn the way the app draws a large layer (the compact
marker cluster) in a standalone HTML map, opened in headless Chromium (Debian's
/usr/bin/chromium, as the tests use). Printed per size: the HTML size, the time from opening
the page until the clusters are on screen, and the time one zoom step takes to settle (the
interaction an analyst feels). Beyond the size where these pass about a second, the layer is
better shown as counts per grid cell.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.local_servers import CHROMIUM, CHROMIUM_ARGS
from benchmarks.synthetic import synthetic_events
from dashboard.cli import Parser, counts_arg, parse
from dashboard.mapping import build_map, standalone_html

ZOOM_SETTLED = """() => new Promise(resolve => {
    const map = Object.values(window).find(v => v && v._container && v.setZoom);
    const started = performance.now();
    map.once('zoomend', () => requestAnimationFrame(() => requestAnimationFrame(
        () => resolve(performance.now() - started))));
    map.setZoom(map.getZoom() + 1);
})"""


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = Parser(prog="python -m benchmarks.browser_points", description=__doc__,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=counts_arg(1, 1_000_000), default=[5000, 10000, 20000, 50000, 100000])
    args = parse("benchmarks.browser_points", parser, argv)
    if args is None:
        return 2
    print(f"{'points':>8} {'html MB':>8} {'drawn s':>8} {'zoom s':>7}")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in args.sizes:
            path = Path(folder) / f"points_{size}.html"
            path.write_text(standalone_html(build_map(synthetic_events(size), {}, [])), encoding="utf-8")
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(path.as_uri(), timeout=300_000)
            page.wait_for_selector(".marker-cluster", timeout=120_000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            drawn = time.perf_counter() - started
            zoom = page.evaluate(ZOOM_SETTLED) / 1000
            print(f"{size:>8,} {path.stat().st_size / 1e6:>8.2f} {drawn:>8.2f} {zoom:>7.2f}", flush=True)
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
