"""End to end: the real app in headless Chromium, with every non-local request refused."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest

from dashboard.data import load_curated_events
from dashboard.filters import ViewState, filter_events

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LAYER_CLASSES = ("layer-border", "layer-panjshir", "layer-kharb_maydon", "layer-base_201")


def caption_counts(page) -> tuple[int, int]:
    text = page.get_by_text(re.compile(r"^Showing \d+ of \d+ events")).inner_text()
    shown, total = re.match(r"Showing (\d+) of (\d+)", text).groups()
    return int(shown), int(total)


def drawn_event_count(frame) -> int:
    """Single markers, the numbers written on clusters and country badges, after fitting the map to the events.

    Leaflet draws only what is in view, so the map is first fitted to the events layer
    (the last feature group streamlit-folium added).
    """
    frame.locator("body").evaluate(
        """() => { const groups = window.feature_group || [];
                   const events = groups[groups.length - 1];
                   const bounds = events && events.getBounds();
                   if (bounds && bounds.isValid()) events._map.fitBounds(bounds, {animate: false, padding: [20, 20]}); }"""
    )
    time.sleep(0.5)
    singles = frame.locator("path.event-marker").count()
    clustered = sum(int(t) for t in frame.locator(".marker-cluster span").all_inner_texts() if t.strip().isdigit())
    badges = sum(int(n) for n in frame.locator(".country-badge").evaluate_all("els => els.map(e => e.dataset.count)"))
    return singles + clustered + badges


def wait_until(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


@pytest.fixture(scope="module")
def events():
    return load_curated_events()[0]


def test_map_filters_toggles_and_playback_range_in_a_real_browser(app_url, offline_page, artifacts_dir, events):
    page = offline_page
    page.goto(f"{app_url}/?start=2021-08-01&end=2021-08-31")
    expected = len(filter_events(events, ViewState(start=date(2021, 8, 1), end=date(2021, 8, 31))))
    page.get_by_text(re.compile(r"^Showing \d+ of")).wait_for(timeout=60_000)
    assert caption_counts(page) == (expected, len(events))

    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.layer-base_201").first.wait_for(timeout=60_000)
    for css in LAYER_CLASSES:
        assert frame.locator(f"path.{css}").count() >= 1, css
    assert wait_until(lambda: drawn_event_count(frame) == expected), (drawn_event_count(frame), expected)
    page.screenshot(path=str(artifacts_dir / "app_aug_2021.png"))

    # Toggle a layer off: it vanishes, the others stay.
    page.get_by_text("Panjshir province", exact=True).click()
    assert wait_until(lambda: frame.locator("path.layer-panjshir").count() == 0)
    assert frame.locator("path.layer-border").count() == 1
    href = page.evaluate("location.href")  # page.url may lag behind history.replaceState
    assert "layers=border%2Ckharb_maydon%2Cbase_201" in href or "layers=border,kharb_maydon,base_201" in href

    # Widen the range: the count grows, in the caption and on the map.
    page.get_by_role("button", name="All").click()
    assert wait_until(lambda: caption_counts(page)[0] == len(events))
    assert len(events) > expected
    assert wait_until(lambda: drawn_event_count(frame) == len(events)), drawn_event_count(frame)
    page.screenshot(path=str(artifacts_dir / "app_all_events.png"))

    assert page.blocked_requests == [], page.blocked_requests
