"""Large layers really draw in a browser: the compact cluster accounts for every event."""

from __future__ import annotations

import time

from dashboard.mapping import MAX_DETAILED_EVENTS, build_map, standalone_html
from benchmarks.synthetic import synthetic_events


def test_compact_cluster_draws_every_event_offline(browser, tmp_path):
    count = MAX_DETAILED_EVENTS * 3
    page_path = tmp_path / "many.html"
    events = synthetic_events(count)
    bounds = (events["lon"].min(), events["lat"].min(), events["lon"].max(), events["lat"].max())
    page_path.write_text(standalone_html(build_map(events, {}, (), bounds=bounds)), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    blocked: list[str] = []
    context.route("http*://**/*", lambda route: (blocked.append(route.request.url), route.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(page_path.as_uri())
        page.wait_for_selector(".marker-cluster", timeout=30_000)
        total = _settled_marker_total(page)
    finally:
        context.close()
    assert errors == [] and blocked == []
    assert total == count


_MARKER_TOTAL = """() => { let n = 0; document.querySelectorAll('.marker-cluster span')
                              .forEach(s => n += parseInt(s.textContent, 10));
                            return n + document.querySelectorAll('path.event-dot').length; }"""


def _settled_marker_total(page, timeout_s: float = 20.0) -> int:
    """Events drawn once Leaflet's zoom/cluster animation is over.

    While it runs, the outgoing and incoming cluster layers are both in the DOM, so a count taken
    then is up to twice the truth; read until two readings 0.4 s apart agree with no animation on.
    """
    deadline = time.monotonic() + timeout_s
    previous = None
    while True:
        page.wait_for_function(
            "() => !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')", timeout=30_000)
        current = page.evaluate(_MARKER_TOTAL)
        if current == previous or time.monotonic() > deadline:
            return current
        previous = current
        page.wait_for_timeout(400)


def test_a_border_zone_band_is_drawn_over_the_land_and_under_its_marker(browser, tmp_path):
    from dashboard.data import load_curated_events

    events, articles = load_curated_events()
    chosen = events[events["place"] == "Tajik–Afghan border, Tajik side"].head(1)
    page_path = tmp_path / "zone.html"
    page_path.write_text(standalone_html(build_map(chosen, articles, ("border",))), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(page_path.as_uri())
        page.wait_for_selector("path.zone-band", state="attached", timeout=30_000)
        page.wait_for_selector("path.event-marker", timeout=30_000)
        band = page.locator("path.zone-band").bounding_box()
        marker = page.locator("path.event-marker").bounding_box()
        # Hit-testing ignores the band (it is not interactive): compare the panes the layers are painted in.
        stack = page.evaluate("""() => ['basemap', 'zone-bands', 'overlay'].map(
            name => +getComputedStyle(document.querySelector('.leaflet-' + name + '-pane')).zIndex)""")
        marker_on_top = page.evaluate("""([x, y]) => document.elementFromPoint(x, y).classList.contains('event-marker')""",
                                      [marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2])
    finally:
        context.close()
    assert band["width"] > 400 and band["height"] > 150  # a band along the border, not a dot
    inside = (band["x"] <= marker["x"] and marker["x"] + marker["width"] <= band["x"] + band["width"]
              and band["y"] <= marker["y"] and marker["y"] + marker["height"] <= band["y"] + band["height"])
    assert inside  # the marker sits on its band (at the border's midpoint)
    assert stack[0] < stack[1] < stack[2]  # land, then the band, then layers and markers
    assert marker_on_top  # the marker stays clickable
