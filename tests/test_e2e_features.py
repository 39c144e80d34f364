"""End to end in headless Chromium: downloads, playback, a map that is not remounted, hostile imports."""

from __future__ import annotations

import re
import time

import pytest
from PIL import Image

from conftest import start_app
from dashboard.imports import import_dataset
from hostile import HOSTILE_STRINGS, write_hostile_acled_csv

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
    # Open every popup and tooltip inside the map's iframe; clustered markers are first put on
    # the map directly (this test is about their text, not about clustering).
    shown_texts = frame.locator("body").evaluate(
        """() => { const texts = [];
                   (window.feature_group || []).forEach(group => group.eachLayer(function visit(layer) {
                       if (layer.eachLayer) { layer.eachLayer(visit); return; }
                       if (!(layer.getPopup && layer.getPopup())) return;
                       if (!layer._map) layer.addTo(group._map);
                       layer.openPopup();
                       texts.push(layer.getPopup().getElement().innerText);
                       if (layer.getTooltip && layer.getTooltip()) {
                           layer.openTooltip();
                           texts.push(layer.getTooltip().getElement().innerText);
                       }
                   }));
                   return texts; }"""
    )
    page_text = "\n".join(shown_texts)
    for hostile in HOSTILE_STRINGS:  # the markup reaches the reader as text, exactly
        assert hostile in page_text, hostile
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
