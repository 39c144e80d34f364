"""Hostile imported text in a real browser: every popup and tooltip opened, no script runs.

The map is built exactly as the app builds it (mapping.build_map with the import as its own
layer, and the same frame as the main event layer), saved as standalone HTML and opened in
headless Chromium from a file:// URL with every network request blocked.
"""

from __future__ import annotations

import pytest

from dashboard.filters import ViewState
from dashboard.imports import import_dataset
from dashboard.store import imported_datasets
from dashboard.mapping import MAX_DETAILED_EVENTS, build_map, standalone_html
from hostile import TEMPLATE_STRINGS, HOSTILE_STRINGS, write_hostile_acled_csv

OPEN_EVERYTHING = """() => {
    const maps = Object.values(window).filter(v => v instanceof L.Map);
    const groups = Object.values(window).filter(v => v instanceof L.GeoJSON);
    let popups = 0, tooltips = 0;
    const texts = [];
    for (const map of maps) {
        for (const group of groups) {
            group.eachLayer(layer => {
                // Clustered markers are off the map until zoomed in: put each on the map itself.
                if (!map.hasLayer(layer)) { map.addLayer(layer); }
                if (layer.getPopup()) {
                    layer.openPopup();
                    const node = document.querySelector('.leaflet-popup-content');
                    texts.push(node ? node.textContent : '');
                    popups += 1;
                }
                if (layer.getTooltip()) {
                    layer.openTooltip();
                    const tips = document.querySelectorAll('.leaflet-tooltip');
                    texts.push(tips.length ? tips[tips.length - 1].textContent : '');
                    tooltips += 1;
                }
            });
        }
    }
    return {maps: maps.length, popups, tooltips, texts};
}"""

MARKER_POINTS = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const box = map.getContainer().getBoundingClientRect();
    const points = [];
    for (const group of Object.values(window).filter(v => v instanceof L.GeoJSON)) {
        group.eachLayer(layer => {
            if (map.hasLayer(layer) && layer.getPopup()) {
                const p = map.latLngToContainerPoint(layer.getLatLng());
                if (p.x > 0 && p.y > 0 && p.x < box.width && p.y < box.height) {
                    points.push([box.left + p.x, box.top + p.y]);
                }
            }
        });
    }
    return points;
}"""

INJECTED_TAGS = ["script", "img", "svg", "a", "iframe", "details", "style", "object", "embed"]
INJECTED_ELEMENTS = (
    "() => Array.from(document.querySelectorAll("
    + repr(", ".join(f"{pane} {tag}" for pane in (".leaflet-popup-content", ".leaflet-tooltip") for tag in INJECTED_TAGS))
    + ")).map(node => node.outerHTML.slice(0, 200))"
)


def test_template_syntax_in_event_text_is_not_evaluated_by_the_map_renderer():
    """branca renders generated scripts once more as Jinja templates: braces must arrive encoded."""
    from benchmarks.synthetic import synthetic_events

    events = synthetic_events(len(TEMPLATE_STRINGS) + 1)
    events.loc[0, "title"] = "T{{ 7*7 }}T"
    for index, text in enumerate(TEMPLATE_STRINGS, start=1):
        events.loc[index, "summary"] = text
    html = build_map(events, {}, []).get_root().render()
    assert "T49T" not in html and "xxx" not in html
    assert "T\\u0026#123;\\u0026#123; 7*7 \\u0026#125;\\u0026#125;T" in html  # entities, JSON-encoded


@pytest.fixture
def hostile_frame(tmp_path, monkeypatch):
    imports_dir = tmp_path / "imports"
    monkeypatch.setenv("DASHBOARD_IMPORTS_DIR", str(imports_dir))
    import_dataset(write_hostile_acled_csv(tmp_path / "hostile.csv"), format="acled", name="hostile")
    frame = imported_datasets().rows("hostile", ViewState())
    assert len(frame) == len(HOSTILE_STRINGS) <= MAX_DETAILED_EVENTS  # detailed markers with popups
    return frame


def test_hostile_import_runs_no_script_in_popups_or_tooltips(browser, hostile_frame, tmp_path):
    m = build_map(hostile_frame, {}, [], imports={"hostile": hostile_frame})
    html = standalone_html(m)
    page_path = tmp_path / "hostile_map.html"
    page_path.write_text(html, encoding="utf-8")

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    blocked: list[str] = []
    context.route("http*://**/*", lambda route: (blocked.append(route.request.url), route.abort()))
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(page_path.as_uri())
        page.wait_for_function("() => Object.values(window).some(v => v instanceof L.Map)")

        # Real clicks and hovers first: zoom in far enough that clusters open, then use the mouse.
        page.evaluate("""() => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            map.setView([36.25, 68.0], 9, {animate: false});
        }""")
        page.wait_for_timeout(500)
        points = page.evaluate(MARKER_POINTS)
        assert points, "no event marker is on the map at this zoom"
        clicked_popups = 0
        for x, y in points:
            page.mouse.move(x, y)
            page.wait_for_timeout(30)
            page.mouse.click(x, y)
            page.wait_for_timeout(30)
            clicked_popups += page.locator(".leaflet-popup-content").count() > 0
        assert clicked_popups > 0, "clicking a marker opened no popup"

        # Then every popup and tooltip programmatically, including those still in clusters.
        opened = page.evaluate(OPEN_EVERYTHING)
        page.wait_for_timeout(200)

        assert opened["maps"] == 1
        assert opened["popups"] == 2 * len(HOSTILE_STRINGS)  # the import layer and the main layer
        assert opened["tooltips"] == 2 * len(HOSTILE_STRINGS)
        # The hostile text is shown as text (escaped once), not dropped and not executed.
        shown = "\n".join(opened["texts"])
        for text in HOSTILE_STRINGS:
            assert text in shown
        assert page.evaluate(INJECTED_ELEMENTS) == []
        assert page.evaluate("() => typeof window.__xss") == "undefined"
        assert dialogs == []
        assert errors == []
        assert blocked == []
    finally:
        context.close()
