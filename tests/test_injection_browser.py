"""The live app in headless Chromium with a hostile ?q= and a hostile imported dataset.

The in-process matrix (test_injection.py) covers every payload at every origin in every
export; this drives the real app once: the payloads must reach the reader as the same text,
the search text must come back literally in the HTML download (the path that used to run
"{{ … }}" on the server), and nothing may run: no ``window.__xss``, no dialog.
"""

from __future__ import annotations

import csv
import re
from html import unescape
from urllib.parse import quote

import pytest

from conftest import start_app
from dashboard.imports import import_dataset
from hostile import ACLED_HEADER, INJECTION_PAYLOADS
from test_e2e_corroboration import click_marker

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
Q = '{{ cycler.__init__.__globals__.os.getpid() }}{{7*7}}<img src=x onerror="window.__xss=1">$x^2$'
PAYLOADS = [text for key, text in INJECTION_PAYLOADS.items() if key != "nul-byte"]  # a CSV cannot hold NUL


@pytest.fixture(scope="module")
def injection_app(tmp_path_factory):
    imports_dir = tmp_path_factory.mktemp("imports")
    source = tmp_path_factory.mktemp("data") / "payloads.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_HEADER)
        writer.writeheader()
        for i, text in enumerate(PAYLOADS):
            writer.writerow({
                "event_id_cnty": f"INJ{i}", "event_date": f"2021-08-{1 + i:02d}", "time_precision": "1",
                "event_type": "Battles", "sub_event_type": text, "actor1": text, "actor2": "",
                "country": "Afghanistan", "admin1": text, "location": text,
                "latitude": f"{36.0 + 0.25 * (i // 4):.4f}", "longitude": f"{67.5 + 0.5 * (i % 4):.4f}",
                "geo_precision": "1", "source": text, "notes": f"{text} {Q}", "fatalities": "0",
            })
    import_dataset(source, format="acled", name="payloads", imports_dir=imports_dir)
    process, url = start_app({"DASHBOARD_IMPORTS_DIR": str(imports_dir)})
    yield url, process.pid
    process.terminate()
    process.wait(timeout=10)


def test_hostile_search_and_import_reach_the_reader_as_text(injection_app, offline_page, tmp_path):
    url, server_pid = injection_app
    page = offline_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{url}/?start=2021-01-01&end=2021-12-31&q={quote(Q)}")
    page.get_by_text(re.compile(r"^Showing \d+ of")).wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    assert page.get_by_label("Search titles, summaries and quotes").input_value() == Q
    assert page.get_by_text(re.compile(rf"^payloads: {len(PAYLOADS)} of {len(PAYLOADS)} imported")).count() == 1

    # An imported marker opens its card beside the map (no popup): the row's notes come out as written.
    click_marker(page, "payloads:INJ0")
    page.get_by_text("Imported row payloads:INJ0 of dataset payloads").wait_for(timeout=30_000)
    card = page.locator(".event-card").text_content()
    assert f"{PAYLOADS[0]} {Q}" in card and str(server_pid) not in card
    shown = frame.locator("body").evaluate(
        """() => { const texts = [];
                   (window.feature_group || []).forEach(group => group.eachLayer(function visit(layer) {
                       if (layer.eachLayer) { layer.eachLayer(visit); return; }
                       const popup = layer.getPopup && layer.getPopup(), tip = layer.getTooltip && layer.getTooltip();
                       if (!popup && !tip) return;
                       if (!layer._map) layer.addTo(window.map);
                       if (popup) { layer.openPopup(); texts.push(popup.getElement().textContent); }
                       if (tip) { layer.openTooltip(); texts.push(tip.getElement().textContent); }
                   }));
                   return texts; }"""
    )
    tooltips = "\n".join(shown)
    for text in PAYLOADS:  # every payload reaches the reader as the same text (the title: "type: actor")
        assert f"{text}: {text}" in tooltips, text[:80]
    assert str(server_pid) not in tooltips

    page.get_by_role("tab", name="Export this view").click()
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download HTML").click()
    saved = tmp_path / "view.html"
    download_info.value.save_as(saved)
    (title,) = re.findall(r"<title>(.*?)</title>", saved.read_text(encoding="utf-8"), re.S)
    assert f"search: “{Q}”" in unescape(title)
    assert str(server_pid) not in title and "49" not in unescape(title).replace(Q, "")

    for scope in (page.locator("body"), frame.locator("body")):
        assert scope.evaluate("() => window.__xss") is None
    assert frame.locator(".leaflet-popup-content script, .leaflet-popup-content img, .leaflet-popup-content svg, "
                         ".leaflet-tooltip img, .leaflet-tooltip svg").count() == 0
    assert page.locator("[data-testid='stMain'] img[src='x'], [data-testid='stMain'] svg[onload]").count() == 0
    assert dialogs == []
    assert page.blocked_requests == []
