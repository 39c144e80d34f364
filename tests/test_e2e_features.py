"""End to end in headless Chromium: downloads, playback, a map that is not remounted, hostile imports."""

from __future__ import annotations

import re
import time

import pytest
from PIL import Image

from conftest import start_app
from dashboard.imports import import_dataset
from hostile import HOSTILE_STRINGS, write_hostile_acled_csv
from test_e2e_corroboration import click_marker
from test_e2e_map import TIMELINE_MARKS_JS

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def open_app(page, url: str):
    page.goto(url)
    page.get_by_text(re.compile(r"^Showing \d+ of")).wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    return frame


def window_text(page) -> str:
    """The "Showing N of M" caption; while a rerun redraws the page, the stale copy is briefly there too."""
    caption = page.get_by_text(re.compile(r"^Showing \d+ of"))
    deadline = time.monotonic() + 10
    while caption.count() != 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    return caption.inner_text()


def test_png_download_gives_the_snapshot_of_the_view(app_url, offline_page, artifacts_dir):
    page = offline_page
    open_app(page, f"{app_url}/?start=2021-08-01&end=2021-10-31")
    page.get_by_role("tab", name="Export this view").click()
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download PNG").click()
    download = download_info.value
    assert download.suggested_filename == "events_2021-08-01_2021-10-31.png"
    saved = artifacts_dir / download.suggested_filename
    download.save_as(saved)
    image = Image.open(saved)
    assert image.format == "PNG" and image.size == (1600, 1000)
    assert len(image.convert("RGB").resize((200, 125)).getcolors(25_000)) > 50  # a drawn map, not a blank page
    assert page.blocked_requests == []


def test_a_filter_change_updates_the_map_without_remounting_it(app_url, offline_page):
    page = offline_page
    frame = open_app(page, f"{app_url}/?start=2021-08-01&end=2021-08-31")
    frame.locator("body").evaluate("() => { window.__mounted_marker = 'still here'; }")
    page.get_by_text("Russia's 201st base sites", exact=True).click()
    deadline = time.monotonic() + 20
    while frame.locator("path.layer-base_201").count() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert frame.locator("path.layer-base_201").count() == 0
    assert frame.locator("body").evaluate("() => window.__mounted_marker") == "still here"


def test_play_steps_the_window_through_time(app_url, offline_page):
    page = offline_page
    open_app(page, f"{app_url}/?start=2021-01-01&end=2021-01-31")
    assert "01 Jan 2021 – 31 Jan 2021" in window_text(page)
    page.get_by_text("▶ Play").click()
    deadline = time.monotonic() + 20
    while "01 Jan 2021" in window_text(page) and time.monotonic() < deadline:
        time.sleep(0.5)
    moved = window_text(page)
    assert re.search(r"01 (Feb|Mar|Apr) 2021 – \d\d (Feb|Mar|Apr) 2021", moved), moved
    page.get_by_text("▶ Play").click()  # pause
    time.sleep(2.5)
    paused = window_text(page)
    time.sleep(3.5)
    assert window_text(page) == paused


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    imports_dir = tmp_path_factory.mktemp("imports")
    source = write_hostile_acled_csv(tmp_path_factory.mktemp("data") / "hostile.csv")
    import_dataset(source, format="acled", name="hostile", imports_dir=imports_dir)
    process, url = start_app({"DASHBOARD_IMPORTS_DIR": str(imports_dir)})
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_hostile_imported_text_runs_nothing_in_the_live_app(hostile_app, offline_page, artifacts_dir):
    page = offline_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    frame = open_app(page, f"{hostile_app}/?start=2021-01-01&end=2021-12-31")
    page.get_by_text(re.compile(r"^Imported: hostile")).first.wait_for(timeout=30_000)  # the sidebar follows the map
    assert page.get_by_text(re.compile(r"^Imported: hostile")).count() == 1
    click_marker(page, "hostile:XSS1")  # its text reaches the card beside the map as text
    page.get_by_text("Imported row hostile:XSS1 of dataset hostile").wait_for(timeout=30_000)
    card = page.locator(".event-card").inner_text()
    assert HOSTILE_STRINGS[1] in card and HOSTILE_STRINGS[2] in card, card  # its text and its second actor
    # Open every popup and tooltip inside the map's iframe; clustered markers are first put on
    # the map directly (this test is about their text, not about clustering). Imported markers,
    # like events, have a tooltip and open their card beside the map.
    shown_texts = frame.locator("body").evaluate(
        """() => { const texts = [];
                   (window.feature_group || []).forEach(group => group.eachLayer(function visit(layer) {
                       if (layer.eachLayer) { layer.eachLayer(visit); return; }
                       const popup = layer.getPopup && layer.getPopup(), tip = layer.getTooltip && layer.getTooltip();
                       if (!popup && !tip) return;
                       if (!layer._map) layer.addTo(window.map);
                       if (popup) { layer.openPopup(); texts.push(popup.getElement().innerText); }
                       if (tip) { layer.openTooltip(); texts.push(tip.getElement().innerText); }
                   }));
                   return texts; }"""
    )
    page_text = "\n".join(shown_texts)
    for hostile in HOSTILE_STRINGS:  # the markup reaches the reader as text, exactly
        assert hostile in page_text, hostile
    # The timeline draws each imported row as its own mark; its tooltip shows the title as text.
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    chart.locator("svg g.role-mark > path[aria-label*='hostile (imported)']").first.wait_for(timeout=30_000)
    tips = []
    for mark in [m for m in chart.evaluate(TIMELINE_MARKS_JS) if "hostile (imported)" in m["label"]][:4]:
        page.mouse.move((mark["x0"] + mark["x1"]) / 2, (mark["y0"] + mark["y1"]) / 2)
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5_000)
        tips.append(tooltip.inner_text())
    assert any(hostile in tip for tip in tips for hostile in HOSTILE_STRINGS), tips
    assert page.locator("#vg-tooltip-element script, #vg-tooltip-element img, #vg-tooltip-element svg").count() == 0
    time.sleep(1)
    page.screenshot(path=str(artifacts_dir / "hostile_import.png"))
    for scope in (page.locator("body"), frame.locator("body")):
        assert scope.evaluate("() => window.__xss") is None
    assert frame.locator(".leaflet-popup-content script, .leaflet-popup-content img, "
                         ".leaflet-popup-content svg, .leaflet-tooltip img").count() == 0
    assert dialogs == []


def test_selecting_a_table_row_focuses_the_map_and_opens_the_card(app_url, offline_page):
    from datetime import date

    from dashboard.data import load_curated_events
    from dashboard.filters import ViewState, filter_events
    from dashboard.formatting import events_table

    events, articles = load_curated_events()
    first_row = events_table(filter_events(events, ViewState(start=date(2021, 8, 1), end=date(2021, 8, 31))),
                             articles).iloc[0]
    event = events.set_index("id").loc[first_row["id"]]
    page = offline_page
    frame = open_app(page, f"{app_url}/?start=2021-08-01&end=2021-08-31")
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the selection box of the first data row
    page.locator(".event-card").wait_for(timeout=20_000)
    assert page.locator(".event-card b").first.inner_text() == event["title"]
    assert f"event={first_row['id']}" in page.evaluate("location.href")
    center_js = """() => { const map = (window.feature_group || []).map(g => g._map).find(m => m);
                           return map ? map.getCenter() : {lat: NaN, lng: NaN}; }"""  # groups are swapped on rerun
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        center = frame.locator("body").evaluate(center_js)
        if abs(center["lat"] - event["lat"]) < 0.5 and abs(center["lng"] - event["lon"]) < 0.5:
            break
        time.sleep(0.3)
    assert abs(center["lat"] - event["lat"]) < 0.5 and abs(center["lng"] - event["lon"]) < 0.5, center


def wait_idle(page, timeout_ms: int = 30_000) -> None:
    """Until the app's script is not running (Streamlit marks its state on the app's root element)."""
    page.wait_for_function(
        """() => { const app = document.querySelector('[data-testid="stApp"]');
                   return app && app.dataset.testScriptState === 'notRunning'; }""", timeout=timeout_ms)


DRILLS = "2021-08-russia-tajikistan-uzbekistan-drills-near-afghan-border"  # a single marker at Kharb-Maydon
DRILLS_TITLE = "Russia, Tajikistan and Uzbekistan drill"


def test_the_export_of_the_current_view_follows_the_map_and_pans_rerun_only_while_it_is_chosen(app_url, browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    sent: list[float] = []  # the browser's messages to the server: a rerun is one of them
    page.on("websocket", lambda ws: ws.on("framesent", lambda _payload: sent.append(time.monotonic())))
    try:
        frame = open_app(page, f"{app_url}/?start=2021-08-01&end=2021-10-31")
        page.get_by_role("tab", name="Export this view").click()
        extent = page.get_by_role("radiogroup", name="Figure extent")
        extent.wait_for(timeout=60_000)

        def pan_and_count(dx: int, dy: int) -> int:
            time.sleep(1.0)
            before = len(sent)
            frame.locator("body").evaluate(f"() => window.map.panBy([{dx}, {dy}], {{animate: false}})")
            time.sleep(2.0)
            return len(sent) - before

        assert pan_and_count(200, 100) == 0  # not exporting the view: a pan is the browser's business only

        page.get_by_text("Current map view", exact=True).click()
        caption = page.get_by_text(re.compile(r"^Map view: "))
        caption.wait_for(timeout=30_000)
        # A click still selects its event; a report of the view never selects it again once cleared.
        click_marker(page, DRILLS)
        page.locator(".event-card b", has_text=DRILLS_TITLE).wait_for(timeout=30_000)
        # The card narrows the map, so the map reports its new view (one more rerun): let it land first
        # (a click during that rerun request can be lost, as any Streamlit click racing a rerun).
        deadline = time.monotonic() + 20
        while (not sent or time.monotonic() - sent[-1] < 1.5) and time.monotonic() < deadline:
            time.sleep(0.2)
        wait_idle(page)
        page.get_by_role("button", name="Clear selection").click()
        page.locator(".event-card").wait_for(state="detached", timeout=30_000)
        assert pan_and_count(-400, 150) >= 1  # now the map reports each new view
        time.sleep(1.5)
        assert page.locator(".event-card").count() == 0
        bounds = frame.locator("body").evaluate(
            "() => { const b = window.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
        expected = f"Map view: {bounds[0]:.2f}–{bounds[2]:.2f}°E, {bounds[1]:.2f}–{bounds[3]:.2f}°N"
        deadline = time.monotonic() + 20
        while not page.get_by_text(expected).count() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert page.get_by_text(expected).count() == 1, (expected, caption.all_inner_texts())
        # The files are of that view: the HTML export opens on exactly those bounds.
        with page.expect_download(timeout=60_000) as download_info:
            page.get_by_role("button", name="Download HTML").click()
        html = download_info.value.path().read_text(encoding="utf-8")
        fitted = re.findall(r"fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*([-\d.]+)\]\]", html)
        assert fitted, "the HTML export has no fitBounds"
        south, west, north, east = (float(v) for v in fitted[-1])  # the last: the view, after the default
        assert abs(west - bounds[0]) < 0.01 and abs(east - bounds[2]) < 0.01
        assert abs(south - bounds[1]) < 0.01 and abs(north - bounds[3]) < 0.01

        page.get_by_text("Region of interest", exact=True).click()
        caption.wait_for(state="detached", timeout=30_000)
        assert pan_and_count(150, -50) == 0  # stopped following: no more reruns on pan
    finally:
        context.close()
