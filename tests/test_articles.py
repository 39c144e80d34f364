"""seeds/: the article texts are the shared originals, and seeds/articles.json describes each once."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` (not `python -m pytest`) does not put the repo root on sys.path
    sys.path.insert(0, str(ROOT))

from dashboard.events import load_articles  # noqa: E402
from dashboard.validate import published_end  # noqa: E402

SEEDS = ROOT / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ARTICLES_JSON = SEEDS / "articles.json"
EVENTS = ROOT / "geodata" / "events.geojson"

REQUIRED = ("id", "file", "title", "outlet", "author", "published", "published_precision", "published_basis", "url")


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return json.loads(ARTICLES_JSON.read_text(encoding="utf-8"))


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def test_there_are_five_seed_articles():
    assert len(seed_files()) == 5


def test_seeds_are_byte_identical_to_the_shared_originals():
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"shared seeds folder {SHARED_SEEDS} is not present")
    shared = sorted(p.name for p in SHARED_SEEDS.glob("*.txt"))
    assert [p.name for p in seed_files()] == shared
    for path in seed_files():
        assert path.read_bytes() == (SHARED_SEEDS / path.name).read_bytes(), f"{path.name} differs from the original"


def test_every_seed_file_has_exactly_one_record(records):
    assert sorted(r["file"] for r in records) == [p.name for p in seed_files()]
    for record in records:
        assert record["id"] == Path(record["file"]).stem
    assert len({r["id"] for r in records}) == len(records)
    assert set(load_articles(ARTICLES_JSON)) == {p.stem for p in seed_files()}


def test_records_have_every_field(records):
    for record in records:
        missing = [key for key in REQUIRED if key not in record]
        assert not missing, f"{record.get('id')}: missing {missing}"
        assert record["title"].strip(), record["id"]
        assert record["published_basis"].strip(), record["id"]


def test_published_dates_are_valid_and_explained(records):
    for record in records:
        published = date.fromisoformat(record["published"])
        assert date(1979, 1, 1) <= published <= date(2022, 12, 31), record["id"]
        assert record["published_precision"] in ("day", "month"), record["id"]
        if record["published_precision"] == "month":
            assert published.day == 1, f"{record['id']}: a month-precision date is written as the 1st"
        if record["published_basis"] != "stated":
            # an inferred date is explained in a sentence, never just a keyword
            assert len(record["published_basis"].split()) >= 12, record["id"]


def test_stated_dates_are_in_the_text(records):
    for record in records:
        if record["published_basis"] == "stated":
            text = (SEEDS / record["file"]).read_text(encoding="utf-8")
            published = date.fromisoformat(record["published"])
            spelled = {record["published"], f"{published:%B} {published.day}", f"{published:%B} {published.day}th"}
            assert any(s in text for s in spelled), f"{record['id']}: stated date {published} not found in the text"


def test_three_articles_have_an_inferred_date(records):
    inferred = [r["id"] for r in records if r["published_basis"] != "stated"]
    assert len(inferred) == 3


def test_inferred_titles_and_outlets_are_explained(records):
    for record in records:
        text = (SEEDS / record["file"]).read_text(encoding="utf-8")
        if record["title"] not in text:
            assert record.get("title_basis"), f"{record['id']}: title not in the text and no title_basis"
        if record["outlet"] is None or record["outlet"] not in text:
            assert record.get("outlet_basis"), f"{record['id']}: outlet not in the text and no outlet_basis"


def test_authors_are_never_invented(records):
    for record in records:
        if record["author"] is not None:
            text = (SEEDS / record["file"]).read_text(encoding="utf-8")
            assert record["author"] in text, f"{record['id']}: author {record['author']!r} is not in the text"


def test_urls_are_null_or_in_the_text(records):
    # we never guess a URL: one is only recorded when the article itself gives it
    for record in records:
        if record["url"] is not None:
            assert record["url"] in (SEEDS / record["file"]).read_text(encoding="utf-8"), record["id"]


def test_published_end_of_a_month_precision_date():
    assert published_end({"published": "2021-09-01", "published_precision": "month"}) == date(2021, 9, 30)
    assert published_end({"published": "2021-02-01", "published_precision": "month"}) == date(2021, 2, 28)
    assert published_end({"published": "2021-10-26", "published_precision": "day"}) == date(2021, 10, 26)


def test_no_event_starts_after_an_article_that_reports_it(records):
    by_id = {r["id"]: r for r in records}
    collection = json.loads(EVENTS.read_text(encoding="utf-8"))
    late = []
    for feature in collection["features"]:
        props = feature["properties"]
        for source in props["sources"]:
            end = published_end(by_id[source["article"]])
            if date.fromisoformat(props["date_start"]) > end:
                late.append(f"{props['id']} starts {props['date_start']} after {source['article']} ({end})")
    assert not late, "\n".join(late)
