"""tests/fixtures/unseen_articles/: the held-out articles and their fixed expected events are intact.

The fixture measures the extractor on texts it was not written against, so its integrity matters:
every article listed, every quote verbatim in its article, dates and coordinates plausible
(lon 30-110 rather than 40-110, because Moscow, at 37.6 E, is the place of several events).
The expectations themselves are never changed to fit an extractor's output (see the README there).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "unseen_articles"
EVENT_KEYS = ("summary", "date_start", "date_end", "place", "lon", "lat", "uncertainty_km", "quote")
ARTICLE_KEYS = ("file", "published", "title", "outlet", "events")


def _iso(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def fixture_problems(directory: Path) -> list[str]:
    """Every integrity problem of the fixture in `directory`, one readable line each (empty when intact)."""
    problems: list[str] = []
    doc = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    listed = [a.get("file") for a in doc["articles"]]
    on_disk = sorted(p.name for p in directory.glob("*.txt"))
    if sorted(listed) != on_disk:
        problems.append(f"files listed {sorted(listed)} != files on disk {on_disk}")
    for article in doc["articles"]:
        name = article.get("file")
        missing = [k for k in ARTICLE_KEYS if not article.get(k)]
        if missing:
            problems.append(f"{name}: missing {missing}")
            continue
        path = directory / name
        if not path.is_file():
            problems.append(f"{name}: file not found")
            continue
        text = path.read_text(encoding="utf-8")
        words = len(text.split())
        if not 150 <= words <= 450:
            problems.append(f"{name}: {words} words, expected 150-450")
        published = _iso(article["published"])
        if published is None:
            problems.append(f"{name}: published {article['published']!r} is not YYYY-MM-DD")
            continue
        for i, event in enumerate(article["events"]):
            where = f"{name} event {i} ({event.get('summary', '?')})"
            missing = [k for k in EVENT_KEYS if event.get(k) in (None, "")]
            if missing:
                problems.append(f"{where}: missing {missing}")
                continue
            if event["quote"] not in text:
                problems.append(f"{where}: quote not verbatim in the article")
            start, end = _iso(event["date_start"]), _iso(event["date_end"])
            if start is None or end is None:
                problems.append(f"{where}: dates {event['date_start']!r}..{event['date_end']!r} are not YYYY-MM-DD")
            elif not start <= end <= published:
                problems.append(f"{where}: not date_start <= date_end <= published ({start}, {end}, {published})")
            if not (30 <= event["lon"] <= 110 and 20 <= event["lat"] <= 60):
                problems.append(f"{where}: lon/lat {event['lon']}, {event['lat']} outside lon 30-110, lat 20-60")
            if not event["uncertainty_km"] > 0:
                problems.append(f"{where}: uncertainty_km must be positive")
    return problems


def test_the_fixture_is_intact():
    assert fixture_problems(FIXTURE) == []


def test_the_fixture_has_ten_articles_with_events():
    doc = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
    assert len(doc["articles"]) == 10
    assert all(article["events"] for article in doc["articles"])


def test_the_readme_states_the_number_of_core_events():
    doc = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
    total = sum(len(article["events"]) for article in doc["articles"])
    assert f"{total} core events" in (FIXTURE / "README.md").read_text(encoding="utf-8")


@pytest.fixture()
def broken_copy(tmp_path: Path):
    """A copy of the fixture and a function that edits its expected.json."""
    copy = tmp_path / "unseen"
    shutil.copytree(FIXTURE, copy)

    def edit(change) -> Path:
        path = copy / "expected.json"
        doc = json.loads(path.read_text(encoding="utf-8"))
        change(doc["articles"][0]["events"][0], doc)
        path.write_text(json.dumps(doc), encoding="utf-8")
        return copy

    return edit


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e, d: e.update(quote=e["quote"].replace("Harb-Maidon", "Kharb-Maydon")), "quote not verbatim"),
        (lambda e, d: e.update(date_end="2021-08-11"), "not date_start <= date_end <= published"),
        (lambda e, d: e.update(date_start="2021-08-11", date_end="2021-08-10"), "not date_start <= date_end"),
        (lambda e, d: e.update(date_start="5 Aug 2021"), "not YYYY-MM-DD"),
        (lambda e, d: e.update(lon=37.45, lat=68.64), "outside lon 30-110"),
        (lambda e, d: e.update(lon=25.0), "outside lon 30-110"),
        (lambda e, d: e.update(uncertainty_km=0), "uncertainty_km must be positive"),
        (lambda e, d: e.pop("quote"), "missing ['quote']"),
        (lambda e, d: d["articles"].pop(), "files listed"),
    ],
)
def test_a_broken_fixture_is_reported(broken_copy, change, message):
    problems = fixture_problems(broken_copy(change))
    assert any(message in p for p in problems), problems
