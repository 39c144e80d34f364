"""The live map in headless Chromium at 1400×900: judged by element bounding boxes, not counts.

The map is the hero; legend, scale bar and attribution never cover each other or the region
of interest; no place label sits under a marker or over another label; events outside the
view are named; a click selects an event everywhere; brushing the timeline sets the window;
every curated country-level event is counted on a country badge.
"""

from __future__ import annotations

import re
import time

import pytest

from dashboard.data import load_curated_events
from dashboard.symbology import CLUSTER_COLOR

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WIDTH, HEIGHT = 1400, 900
AUG_2021 = "/?start=2021-08-01&end=2021-08-31"

BOXES_JS = """(body, selector) => [...document.querySelectorAll(selector)]
    .filter(e => getComputedStyle(e).visibility !== 'hidden' && getComputedStyle(e).display !== 'none')
    .map(e => { const r = e.getBoundingClientRect(); return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
                                                             text: e.textContent.trim()}; })
    .filter(b => b.x1 > b.x0 && b.y1 > b.y0)"""
MARKERS = "path.event-marker, path.layer-base_201:not(.layer-zone), .marker-cluster, .country-badge"


def overlap(a, b) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    page.app_url = app_url
    yield page
    context.close()


def open_map(page, query: str = AUG_2021):
    page.goto(page.app_url + query)
    page.get_by_text(re.compile(r"^Showing \d+ of")).wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".country-badge").first.wait_for(timeout=60_000)
    time.sleep(1.0)  # the label placement runs 150 ms after the last layer change
    return frame


def boxes(frame, selector):
    return frame.locator("body").evaluate(BOXES_JS, selector)


def test_the_map_is_the_hero_and_its_furniture_is_readable(page):
    frame = open_map(page)
    box = page.locator(MAP_FRAME).bounding_box()
    visible = (min(box["x"] + box["width"], WIDTH) - max(box["x"], 0)) * (min(box["y"] + box["height"], HEIGHT) - max(box["y"], 0))
    assert visible / (WIDTH * HEIGHT) >= 0.55, visible / (WIDTH * HEIGHT)
    assert box["y"] < 140  # a compact title above it

    legend = frame.locator("details.map-legend")
    assert legend.evaluate("d => d.open") is False  # collapsed until asked for
    [legend_box] = boxes(frame, "details.map-legend")
    for marker in boxes(frame, MARKERS):
        assert not overlap(legend_box, marker), marker
    [scale] = boxes(frame, ".leaflet-control-scale")
    [attribution] = boxes(frame, ".leaflet-control-attribution")
    assert not overlap(scale, attribution) and not overlap(scale, legend_box) and not overlap(attribution, legend_box)
    assert attribution["y1"] - attribution["y0"] < 20  # one line; the full credits on hover
    assert frame.locator(".leaflet-control-scale-line").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 10


def test_the_open_legend_lists_only_what_is_drawn(page):
    frame = open_map(page, AUG_2021 + "&layers=border,panjshir&categories=military_exercise")
    frame.locator("details.map-legend summary").click()
    text = frame.locator("details.map-legend").inner_text()
    assert "military exercise" in text and "diplomacy" not in text
    assert "Tajik–Afghan border" in text and "Panjshir province" in text
    assert "201st" not in text and "Kharb-Maydon" not in text


def test_no_place_label_under_a_marker_or_over_another_label(page):
    for query in (AUG_2021, "/"):
        frame = open_map(page, query)
        labels = boxes(frame, ".place-label")
        markers = boxes(frame, MARKERS)
        assert len(labels) >= 10 and markers
        names = {label["text"] for label in labels}
        assert {"Kabul", "Dushanbe"} <= names, names  # important places keep their label, beside the marker
        for index, label in enumerate(labels):
            assert not any(overlap(label, m) for m in markers), (query, label)
            assert not any(overlap(label, other) for other in labels[index + 1:]), (query, label)


def test_clusters_are_not_the_stock_green_and_yellow(page):
    frame = open_map(page, "/")
    cluster = frame.locator(".marker-cluster div").first
    cluster.wait_for(timeout=20_000)
    border = cluster.evaluate("e => getComputedStyle(e).borderTopColor")
    rgb = tuple(int(CLUSTER_COLOR[i:i + 2], 16) for i in (1, 3, 5))
    assert border == f"rgb({rgb[0]}, {rgb[1]}, {rgb[2]})"


def test_events_outside_the_view_are_named_and_can_be_shown(page):
    frame = open_map(page)
    notice = frame.locator(".out-of-view")
    text = notice.inner_text()
    match = re.match(r"(\d+) more outside this view: (.+) — show all", text)
    assert match, text
    assert "Moscow" in text or "Russia" in text or "Ningxia" in text
    assert int(match.group(1)) >= 3
    notice.locator("a.out-of-view-all").click()
    time.sleep(1.0)
    assert not notice.is_visible() or "more outside" not in notice.inner_text()


def test_country_badges_count_every_curated_country_level_event(page):
    events, _ = load_curated_events()
    country = events[events["location_precision"] == "country"]
    frame = open_map(page, "/")
    badges = frame.locator(".country-badge").evaluate_all(
        "els => els.map(e => [e.dataset.country, parseInt(e.dataset.count, 10), e.textContent])")
    assert {iso: n for iso, n, _ in badges} == country.groupby("country").size().to_dict()
    assert all(re.fullmatch(r".+ · \d+", text) for _, _, text in badges)
    frame.locator(".country-badge").first.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    assert "placed only at country level" in popup.inner_text()


def test_clicking_a_marker_selects_the_event_everywhere(page):
    frame = open_map(page)
    frame.locator("body").evaluate("() => { window.__mounted = 'yes'; }")
    marker = frame.locator("path.event-marker").first
    marker.hover()
    tooltip = frame.locator(".leaflet-tooltip").first.inner_text()
    marker.click(force=True)
    deadline = time.monotonic() + 20
    while "event=" not in page.evaluate("location.href") and time.monotonic() < deadline:
        time.sleep(0.3)
    href = page.evaluate("location.href")
    event_id = re.search(r"event=([^&]+)", href).group(1)
    events, _ = load_curated_events()
    title = events.loc[events["id"] == event_id, "title"].iloc[0]
    assert title.split(" — ")[0][:30] in tooltip or tooltip.startswith(title[:30])
    page.get_by_text(title, exact=True).first.wait_for(timeout=20_000)  # the card beside the map
    assert page.get_by_role("button", name="Clear selection").is_visible()
    assert frame.locator("path.event-selected").count() == 1  # the yellow ring on the map
    assert frame.locator("body").evaluate("() => window.__mounted") == "yes"  # the map was not remounted


def test_brushing_the_timeline_sets_the_window(page):
    open_map(page, "/?start=2021-01-01&end=2021-12-31")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    time.sleep(1.0)
    box = chart.bounding_box()
    y = box["y"] + box["height"] * 0.5
    page.mouse.move(box["x"] + box["width"] * 0.45, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.55, y, steps=8)
    page.mouse.up()
    deadline = time.monotonic() + 20
    caption = ""
    while time.monotonic() < deadline:
        caption = page.get_by_text(re.compile(r"^Showing \d+ of")).inner_text()
        if "01 Jan 2021 – 31 Dec 2021" not in caption:
            break
        time.sleep(0.3)
    start, end = re.search(r"· (\d\d \w\w\w \d{4}) – (\d\d \w\w\w \d{4})", caption).groups()
    assert (start, end) != ("01 Jan 2021", "31 Dec 2021"), caption
    assert start.endswith("2021") and end.endswith("2021")
    assert "event=" not in page.evaluate("location.href")  # a drag over the marks is no click on one


# The timeline is drawn by Vega as SVG: each event's mark is a path labelled with its tooltip's fields.
TIMELINE_MARKS_JS = """chart => [...chart.querySelectorAll('svg g.role-mark > path')].map(p => {
    const r = p.getBoundingClientRect();
    return {label: p.getAttribute('aria-label') || '', symbol: p.parentNode.classList.contains('mark-symbol'),
            stroke: p.getAttribute('stroke'), x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; })"""


def timeline_marks(page) -> list[dict]:
    """Every event's own mark on the timeline, with its title (not the arrows, halo or brush)."""
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    chart.locator("svg g.role-mark > path[aria-label*='event: ']").first.wait_for(timeout=20_000)
    time.sleep(0.5)
    marks = []
    for mark in chart.evaluate(TIMELINE_MARKS_JS):
        found = re.search(r"event: (.*); category: ", mark["label"])
        if found and "continues" not in mark["label"]:
            marks.append({**mark, "title": found.group(1)})
    return marks


def centre(mark: dict) -> tuple[float, float]:
    return (mark["x0"] + mark["x1"]) / 2, (mark["y0"] + mark["y1"]) / 2


def test_in_august_2021_the_timeline_draws_each_event_as_its_own_mark_at_its_dates(page):
    open_map(page)
    marks = timeline_marks(page)
    events, _ = load_curated_events()
    august = events[(events["date_end"] >= "2021-08-01") & (events["date_start"] <= "2021-08-31")]
    assert sorted(m["title"] for m in marks) == sorted(august["title"])  # each event once, nothing else
    for index, mark in enumerate(marks):
        assert not any(overlap(mark, other) for other in marks[index + 1:]), mark["title"]
    precision = dict(zip(august["title"], august["date_precision"]))
    months = [m for m in marks if precision[m["title"]] == "month"]
    days = [m for m in marks if precision[m["title"]] == "day"]
    assert len(months) >= 10 and len(days) >= 10
    # A month-precision event is a bar over the whole month (the window): from 1 to 31 August.
    left, right = min(m["x0"] for m in months), max(m["x1"] for m in months)
    assert right - left > 900
    assert all(not m["symbol"] and abs(m["x0"] - left) < 1 and abs(m["x1"] - right) < 1 for m in months)
    # A day-precise event is a point inside its day.
    assert all(m["symbol"] and m["x1"] - m["x0"] < 14 for m in days)
    [kabul] = [m for m in marks if m["title"] == "Taliban take Kabul"]
    x, y = centre(kabul)
    day = (right - left) / 31
    assert left + 14 * day < x < left + 15 * day, (x, left, day)
    page.mouse.move(x, y)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert "15 Aug 2021" in tooltip.inner_text() and "Taliban take Kabul" in tooltip.inner_text()


def click_timeline_mark(page, title: str, expect: str) -> str:
    """Click the event's mark until the URL has ``expect`` (a click while Vega redraws the chart after a
    rerun is lost, as it would be for a user, who clicks again); returns the URL."""
    for _ in range(3):
        [mark] = [m for m in timeline_marks(page) if m["title"] == title]
        page.mouse.click(*centre(mark))
        deadline = time.monotonic() + 8
        while expect not in page.evaluate("location.href") and time.monotonic() < deadline:
            time.sleep(0.3)
        if expect in page.evaluate("location.href"):
            break
    return page.evaluate("location.href")


def has_yellow_ring(page, title: str) -> bool:
    """The timeline rings the event's own mark in yellow, as the map rings its marker."""
    [mark] = [m for m in timeline_marks(page) if m["title"] == title]
    x, y = centre(mark)
    return any(m["stroke"] == "#ffd400" and m["x0"] - 1 <= x <= m["x1"] + 1 and m["y0"] - 1 <= y <= m["y1"] + 1
               for m in page.locator('[data-testid="stVegaLiteChart"]').first.evaluate(TIMELINE_MARKS_JS))


def test_clicking_an_event_on_the_timeline_selects_it_everywhere(page):
    open_map(page)
    events, _ = load_curated_events()
    ids = dict(zip(events["title"], events["id"]))
    for title in ("National Resistance Front holds Panjshir", "Taliban take Kabul"):  # a month's bar, a day's point
        href = click_timeline_mark(page, title, f"event={ids[title]}")
        assert f"event={ids[title]}" in href and "start=2021-08-01&end=2021-08-31" in href  # a click is no brush
        page.get_by_role("button", name="Clear selection").wait_for(timeout=20_000)  # the card beside the map
        deadline = time.monotonic() + 20
        while not has_yellow_ring(page, title) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert has_yellow_ring(page, title), title
    # Brushed, the chart of the narrower window comes without the brush (it would catch every click),
    # and a click on the mark clicked before (selection cleared since) selects it again.
    box = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + 40)  # about 13 to 24 August
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + 40, steps=8)
    page.mouse.up()
    deadline = time.monotonic() + 20
    while "start=2021-08-01&" in page.evaluate("location.href") and time.monotonic() < deadline:
        time.sleep(0.3)
    window = re.search(r"start=2021-08-(\d\d)&end=2021-08-(\d\d)", page.evaluate("location.href"))
    assert 1 < int(window.group(1)) <= 15 <= int(window.group(2)) < 31, window.group(0)
    window = window.group(0)
    page.get_by_role("button", name="Clear selection").click()
    deadline = time.monotonic() + 20
    while "event=" in page.evaluate("location.href") and time.monotonic() < deadline:
        time.sleep(0.3)
    href = click_timeline_mark(page, "Taliban take Kabul", f"event={ids['Taliban take Kabul']}")
    assert f"event={ids['Taliban take Kabul']}" in href and window in href


# In the page: when the map's frame and the first sidebar control appear. In the map's frame:
# the size of the first marker the moment it is in the document (zero while Leaflet's CSS is
# missing or an animated zoom is running).
OPEN_PROBE = """
if (window === window.top) {
  window.__seen = {};
  const poll = setInterval(() => {
    for (const [name, selector] of [['map', 'iframe[title="streamlit_folium.st_folium"]'],
                                    ['controls', '[data-testid="stSidebar"] [data-testid="stSlider"]']]) {
      if (!(name in window.__seen) && document.querySelector(selector)) window.__seen[name] = performance.now();
    }
    if ('map' in window.__seen && 'controls' in window.__seen) clearInterval(poll);
  }, 4);
} else {
  const poll = setInterval(() => {
    const marker = document.querySelector('path.event-marker');
    if (marker) {
      clearInterval(poll);
      const box = marker.getBoundingClientRect();
      window.__firstMarker = [box.width, box.height];
    }
  }, 2);
}
"""


def test_on_page_open_the_map_comes_first_and_its_markers_show_at_once(browser, app_url):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    context.add_init_script(OPEN_PROBE)
    page = context.new_page()
    page.goto(app_url)
    page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').wait_for(timeout=60_000)
    seen = page.evaluate("window.__seen")
    assert seen["map"] < seen["controls"], seen  # the sidebar's widgets come with the next run
    [map_frame] = [frame for frame in page.frames if "streamlit_folium" in frame.url]
    width, height = map_frame.evaluate("window.__firstMarker")
    assert width > 0 and height > 0
    context.close()


def test_the_sidebar_buttons_show_their_whole_labels(page):
    open_map(page, "/")
    buttons = page.locator('[data-testid="stSidebar"] button')
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="All", exact=True).wait_for(timeout=30_000)
    cut = page.locator('[data-testid="stSidebar"]').evaluate("""sidebar => [...sidebar.querySelectorAll('button')]
        .filter(b => b.offsetWidth > 0)
        .filter(b => [b, ...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1))
        .map(b => b.textContent)""")
    assert buttons.count() >= 3 and cut == [], cut
