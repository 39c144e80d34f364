"""Snapshot text judged from the files themselves: the PDF's word boxes (pdftotext -bbox-layout)
and the SVG's text elements.

Inside the map frame no two words overlap and no word is cut by the frame, for the default
view (the region of interest) and for a 2,000-event view; no label covers a marker; nothing
on a 1600×1000 slide is smaller than 9 pt; events outside the frame are on the overview and
named under the map.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import numpy as np
import pytest
from matplotlib.text import Text

from benchmarks.synthetic import synthetic_events
from dashboard.data import load_curated_events
from dashboard.export import DEFAULT_BBOX, build_snapshot_figure, export_bytes
from dashboard.export.figure import _save
from dashboard.export.labels import MIN_FONT_PT
from dashboard.export.markers import DENSE_SIZE
from dashboard.filters import ViewState, filter_events
from dashboard.layers import LAYERS, load_context

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
AUG_OCT = ViewState(start=date(2021, 8, 1), end=date(2021, 10, 31), layers=tuple(LAYERS))
LABEL_GIDS = ("snapshot-place", "snapshot-event-label", "snapshot-country-name", "snapshot-country-badge")


def _words(pdf: bytes, tmp_path) -> list[tuple[float, float, float, float, str]]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian poppler-utils) is not installed; dashboard/setup.sh --tests installs it")
    path = tmp_path / "snapshot.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(c), float(d), text) for a, b, c, d, text in WORD.findall(out)]


def _frame_in_pdf_points(fig) -> tuple[float, float, float, float]:
    """The map frame as (x0, y0, x1, y1) in PDF points from the top left, as pdftotext reports."""
    ax = next(a for a in fig.axes if a.get_gid() == "snapshot-map")
    box = ax.get_position()
    width, height = fig.get_figwidth() * 72, fig.get_figheight() * 72
    return box.x0 * width, (1 - box.y1) * height, box.x1 * width, (1 - box.y0) * height


def _figure_and_pdf(events, articles, **kwargs):
    fig = build_snapshot_figure(events, articles, list(LAYERS), title="Events", size="slide", **kwargs)
    return fig, _save(fig, "pdf", "Events", "credits")


def _overlapping_pairs(words, tolerance=0.3):
    pairs = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if (a[0] < b[2] - tolerance and b[0] < a[2] - tolerance and a[1] < b[3] - tolerance
                    and b[1] < a[3] - tolerance):
                pairs.append((a[4], b[4]))
    return pairs


def _check_frame_words(fig, pdf, tmp_path):
    x0, y0, x1, y1 = _frame_in_pdf_points(fig)
    words = _words(pdf, tmp_path)
    touching = [w for w in words if w[0] < x1 and w[2] > x0 and w[1] < y1 and w[3] > y0]
    cut = [w[4] for w in touching if not (w[0] >= x0 and w[2] <= x1 and w[1] >= y0 and w[3] <= y1)]
    assert cut == [], f"words cut by the frame: {cut}"
    assert _overlapping_pairs(touching) == []
    return touching


@pytest.fixture(scope="module")
def curated():
    return load_curated_events()


def test_default_view_is_the_region_of_interest_with_no_overlapping_words(curated, tmp_path):
    events, articles = curated
    shown = filter_events(events, AUG_OCT)
    fig, pdf = _figure_and_pdf(shown, articles)
    ax = next(a for a in fig.axes if a.get_gid() == "snapshot-map")
    minlon, minlat, maxlon, maxlat = DEFAULT_BBOX
    from pyproj import Transformer

    (mx0, mx1), (my0, my1) = Transformer.from_crs(4326, 3857, always_xy=True).transform([minlon, maxlon], [minlat, maxlat])
    assert ax.get_xlim()[0] <= mx0 + 1 and ax.get_xlim()[1] >= mx1 - 1  # the region of interest, grown to the frame only
    assert (ax.get_xlim()[1] - ax.get_xlim()[0]) < 1.25 * (mx1 - mx0)
    words = _check_frame_words(fig, pdf, tmp_path)
    texts = {w[4] for w in words}
    assert {"Kabul", "Dushanbe"} <= texts, texts  # the places of August 2021 are named


def test_two_thousand_events_give_no_overlapping_words(tmp_path):
    events = synthetic_events(2000)
    fig, pdf = _figure_and_pdf(events, {}, bbox=(61.0, 30.0, 75.0, 40.0))
    assert "2,000 events shown" in next(t.get_text() for t in fig.findobj(Text) if t.get_gid() == "snapshot-subtitle")
    _check_frame_words(fig, pdf, tmp_path)


def _labels_over_markers(fig) -> tuple[list[str], list[str], float]:
    """(labels in the frame, those that cover an event marker, the markers' size in pt²)."""
    renderer = fig.canvas.get_renderer()
    ax = next(a for a in fig.axes if a.get_gid() == "snapshot-map")
    markers, size = [], 0.0
    for collection in ax.collections:
        if collection.get_gid() == "snapshot-events":
            size = float(collection.get_sizes()[0])
            centres = ax.transData.transform(collection.get_offsets())
            radius = np.sqrt(size) / 2 * fig.dpi / 72
            markers += [(cx - radius, cy - radius, cx + radius, cy + radius) for cx, cy in centres]
    assert markers
    labels = [t for t in fig.findobj(Text) if t.get_gid() in LABEL_GIDS[:3] and t.get_visible() and t.get_text()]
    frame = ax.get_window_extent(renderer)
    covering = []
    for label in labels:
        box = label.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, label.get_text()
        for x0, y0, x1, y1 in markers:
            if x1 < frame.x0 or x0 > frame.x1 or y1 < frame.y0 or y0 > frame.y1:
                continue
            if box.x0 < x1 and x0 < box.x1 and box.y0 < y1 and y0 < box.y1:
                covering.append(label)
                break
    return labels, covering, size


def test_no_label_covers_a_marker(curated):
    events, articles = curated
    fig = build_snapshot_figure(filter_events(events, AUG_OCT), articles, list(LAYERS), title="Events", size="slide")
    labels, covering, _size = _labels_over_markers(fig)
    assert labels and covering == []


def test_in_a_dense_view_only_capitals_and_cities_lie_over_the_dots_with_a_halo():
    fig = build_snapshot_figure(synthetic_events(2000), {}, list(LAYERS), title="Events", size="slide",
                                bbox=(61.0, 30.0, 75.0, 40.0))
    labels, covering, size = _labels_over_markers(fig)
    assert size <= DENSE_SIZE  # a dense view draws dots, not full markers
    assert covering  # without this, no name would be left on the map
    places = {row["name"]: row["kind"] for row in (f["properties"] for f in load_context("places")["features"])}
    for label in covering:
        assert label.get_gid() == "snapshot-place" and places[label.get_text()] in ("capital", "city"), label.get_text()
        assert label.get_bbox_patch().get_alpha() >= 0.9  # an opaque halo: the name reads over the dots
    assert not any(t.get_gid() == "snapshot-uncertainty" for t in fig.axes[0].collections)  # no rings in a dense view


def test_a_two_thousand_event_default_view_names_the_capitals_in_the_frame(tmp_path):
    fig, pdf = _figure_and_pdf(synthetic_events(2000), {})  # the default view: the region of interest
    assert int(re.match(r"([\d,]+) events shown", next(
        t.get_text() for t in fig.findobj(Text) if t.get_gid() == "snapshot-subtitle")).group(1).replace(",", "")) > 300
    words = _check_frame_words(fig, pdf, tmp_path)  # still no overlapping word and none cut by the frame
    texts = {w[4] for w in words}
    assert {"Dushanbe", "Kabul"} <= texts, texts


def test_no_text_under_nine_points_on_a_slide(curated, tmp_path):
    events, articles = curated
    fig, pdf = _figure_and_pdf(filter_events(events, AUG_OCT), articles)
    small = [(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.get_fontsize() < MIN_FONT_PT]
    assert small == []
    # In the file: a 9 pt word box is at least ~9 pt tall (ascent + descent).
    heights = [w[3] - w[1] for w in _words(pdf, tmp_path)]
    assert heights and min(heights) >= MIN_FONT_PT * 0.95, min(heights)


def test_events_outside_the_frame_are_on_the_overview_and_named(curated):
    events, articles = curated
    shown = filter_events(events, AUG_OCT)
    fig = build_snapshot_figure(shown, articles, list(LAYERS), title="Events")
    inset = next(a for a in fig.axes if a.get_gid() == "snapshot-overview")
    dots = next(c for c in inset.collections if c.get_gid() == "snapshot-overview-events")
    note = next(t.get_text() for t in fig.findobj(Text) if t.get_gid() == "snapshot-outside")
    outside = int(re.match(r"([\d,]+) outside the frame", note).group(1))
    assert outside == len(dots.get_offsets()) > 0
    assert "Moscow" in note and "Russia" in note
    drawn = len(next(c for c in fig.axes[0].collections if c.get_gid() == "snapshot-events").get_offsets())
    badges = sum(int(t.get_text().rsplit("· ", 1)[1]) for t in fig.findobj(Text) if t.get_gid() == "snapshot-country-badge")
    assert drawn + badges + outside == len(shown)  # nothing silently dropped
    assert any(p.get_gid() == "snapshot-overview-frame" for p in inset.patches)


def test_svg_keeps_text_as_text(curated):
    events, articles = curated
    svg = export_bytes("svg", filter_events(events, AUG_OCT), articles, AUG_OCT).decode("utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert any("Events, 1 Aug 2021" in t for t in texts)
    assert "Kabul" in texts and any("Legend" in t for t in texts)


def test_a_country_badge_at_the_edge_of_the_view_is_moved_inside_the_frame(curated, tmp_path):
    events, articles = curated
    # A view the live map reports at 1400×900: Afghanistan's label point lies near its left edge.
    fig, pdf = _figure_and_pdf(filter_events(events, AUG_OCT), articles, bbox=(65.6, 33.42, 77.08, 39.6))
    words = _check_frame_words(fig, pdf, tmp_path)  # no word cut by the frame, none overlapping
    assert "Afghanistan" in {w[4] for w in words}
