"""End to end in headless Chromium: an imported row corroborates an article's event, both ways round."""

from __future__ import annotations

import re
import time

import pytest

from conftest import start_app
from dashboard.imports import import_dataset
from test_corroboration import UCDP_COLUMNS, away, row
from test_imports import write_csv

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
AIRPORT = "2021-08-26-kabul-airport-attack"
AIRPORT_TITLE = "Attack at Kabul airport"


@pytest.fixture(scope="module")
def corroborating_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corroboration")
    attacks = [row("near", "2021-08-26", away(20))[:-1] + ["3"],  # UCDP one-sided violence: an attack
               row("old", "2020-08-26", away(20))[:-1] + ["3"]]
    source = write_csv(folder / "ged.csv", UCDP_COLUMNS, attacks)
    import_dataset(source, format="ucdp", name="ged", imports_dir=folder / "imports")
    process, url = start_app({"DASHBOARD_IMPORTS_DIR": str(folder / "imports"), "DASHBOARD_DATABASE_URL": ""})
    yield url
    process.terminate()
    process.wait(timeout=10)


# Marks the marker whose tooltip carries the event id (as a click hands it to the app).
MARK = """(body, id) => { let hit = false;
              document.querySelectorAll('.test-target').forEach(el => el.classList.remove('test-target'));
              (window.feature_group || []).forEach(group => group.eachLayer(function visit(layer) {
                  if (layer.eachLayer) { layer.eachLayer(visit); return; }
                  const tip = layer.getTooltip && layer.getTooltip();
                  if (tip && String(tip.getContent()).includes('[event:' + id + ']') && layer._path) {
                      layer._path.classList.add('test-target'); hit = true;
                  }
              }));
              return hit; }"""


def click_marker(page, event_id: str) -> None:
    """Click the map marker of ``event_id`` like a user (waits for its group to be drawn)."""
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.event-marker").first.wait_for(timeout=60_000)
    deadline = time.monotonic() + 20
    while not frame.locator("body").evaluate(MARK, event_id) and time.monotonic() < deadline:
        time.sleep(0.5)  # the event groups are added one after another
    assert frame.locator("path.test-target").count() == 1
    frame.locator("path.test-target").click(force=True)


def test_click_the_event_see_its_corroborating_row_click_it_see_its_card(corroborating_app, offline_page):
    page = offline_page
    page.goto(f"{corroborating_app}/?start=2021-08-26&end=2021-08-26&categories=attack")
    page.get_by_text(re.compile(r"^Imported: ged")).wait_for(timeout=60_000)
    click_marker(page, AIRPORT)

    page.locator(".event-card b", has_text=AIRPORT_TITLE).wait_for(timeout=30_000)
    page.get_by_text("Corroborated by 1 row in ged").wait_for(timeout=20_000)
    button = page.get_by_role("button", name=re.compile(r"^ged:near · 20 km · same dates$"))
    assert button.is_visible()
    assert page.get_by_role("button", name=re.compile(r"^ged:old")).count() == 0  # a year apart
    assert f"event={AIRPORT}" in page.evaluate("location.href")

    button.click()
    page.get_by_text("Imported row ged:near of dataset ged").wait_for(timeout=30_000)
    card = page.locator(".event-card").inner_text()
    assert "Actors: Government of Afghanistan; Taleban" in card and "report near" in card
    assert "event=ged%3Anear" in page.evaluate("location.href") or "event=ged:near" in page.evaluate("location.href")
    # The airport attack, and Zhirnov's statement in Kabul the day before (city-precise, dated to the day).
    page.get_by_text("Corroborates 2 events").wait_for(timeout=10_000)
    assert page.get_by_role("button", name=re.compile(rf"^{AIRPORT_TITLE} · 20 km · same dates$")).is_visible()
    zhirnov = page.get_by_role("button", name=re.compile(r"^Zhirnov.* · 20 km · 1 day apart$"))
    zhirnov.click()  # outside the view's categories, and still opens
    page.locator(".event-card b", has_text="Zhirnov").wait_for(timeout=30_000)
    page.get_by_text("Corroborated by 1 row in ged").wait_for(timeout=20_000)
    assert page.blocked_requests == []


def test_clicking_an_imported_marker_opens_its_card_and_no_popup_like_an_event_marker(corroborating_app, offline_page):
    page = offline_page
    page.goto(f"{corroborating_app}/?start=2021-08-26&end=2021-08-26&categories=attack")
    page.get_by_text(re.compile(r"^Imported: ged")).wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.event-marker").first.wait_for(timeout=60_000)
    # Count every popup the map opens, even one the rerun after the click closes again at once.
    frame.locator("body").evaluate("""() => { window.popupsOpened = 0;
        new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(node => {
            if (node.classList && node.classList.contains('leaflet-popup')) window.popupsOpened += 1;
        }))).observe(document.body, {childList: true, subtree: true}); }""")
    click_marker(page, "ged:near")
    page.get_by_text("Imported row ged:near of dataset ged").wait_for(timeout=30_000)
    assert "event=ged%3Anear" in page.evaluate("location.href") or "event=ged:near" in page.evaluate("location.href")
    click_marker(page, AIRPORT)  # and an article's event, the same way
    page.locator(".event-card b", has_text=AIRPORT_TITLE).wait_for(timeout=30_000)
    assert frame.locator("body").evaluate("() => window.popupsOpened") == 0  # only the card beside the map
    assert page.blocked_requests == []
