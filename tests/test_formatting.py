"""Dates written at their precision, distances, and escaped event cards."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.formatting import event_card_html, format_distance_km, format_event_date


@pytest.mark.parametrize(("start", "end", "precision", "text"), [
    (date(1995, 8, 3), date(1995, 8, 3), "day", "3 Aug 1995"),
    (date(2021, 8, 1), date(2021, 8, 31), "month", "Aug 2021"),
    (date(2015, 1, 1), date(2015, 12, 31), "year", "2015"),
    (date(2021, 9, 7), date(2021, 9, 9), "range", "7–9 Sep 2021"),
    (date(1979, 1, 1), date(1989, 12, 31), "range", "1979–1989"),
    (date(2021, 7, 1), date(2021, 9, 30), "range", "Jul–Sep 2021"),
    (date(2021, 8, 30), date(2021, 9, 2), "range", "30 Aug–2 Sep 2021"),
    (date(2020, 12, 30), date(2021, 1, 2), "range", "30 Dec 2020–2 Jan 2021"),
])
def test_dates_are_written_at_their_precision(start, end, precision, text):
    assert format_event_date(start, end, precision) == text


def test_distances_are_rounded_for_reading():
    assert format_distance_km(3.26) == "3.3 km"
    assert format_distance_km(1234.4) == "1,234 km"
    assert format_distance_km(None) == "unknown"


def test_card_escapes_every_string_and_cites_its_articles():
    event = {
        "title": "<script>alert(1)</script>", "summary": "<img src=x onerror=alert(1)>", "category": "attack",
        "date_start": date(2021, 8, 26), "date_end": date(2021, 8, 26), "date_precision": "day",
        "place": "Kabul <b>", "country": "AFG", "location_precision": "city", "location_basis": "explicit", "uncertainty_km": 10,
        "sources": [{"article": "a1", "quote": "\"quoted\" & <i>"}], "review_status": "unreviewed",
    }
    articles = {"a1": {"title": "T <u>", "outlet": "Outlet", "published": "2021-08-27"}}
    html = event_card_html(event, articles, distance_km=284.7)
    assert "<script>" not in html and "<img" not in html and "<i>" not in html and "<u>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "26 Aug 2021" in html and "285 km from the Tajik–Afghan border" in html
    assert "T &lt;u&gt;, Outlet, 2021-08-27" in html
    assert "unreviewed" in html


def test_card_says_when_a_place_is_approximate():
    event = {"title": "t", "category": "statement", "date_start": date(2021, 8, 1), "date_end": date(2021, 8, 31),
             "date_precision": "month", "place": "Russia", "country": "RUS", "location_precision": "country", "location_basis": "explicit",
             "uncertainty_km": 2500, "sources": [{"article": "a", "quote": "q"}]}
    assert "approximate, ±2,500 km" in event_card_html(event, {})


def test_markdown_text_shows_links_html_and_maths_literally():
    from dashboard.formatting import markdown_text

    assert markdown_text("<b>[x](javascript:alert(1)) $a$") == r"\<b\>\[x\]\(javascript\:alert\(1\)\) \$a\$"
