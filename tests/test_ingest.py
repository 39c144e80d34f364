"""The ingest command line: good articles become candidates, bad input writes nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboard.events import EVENTS_PATH, validate_feature_collection
from dashboard.ingest import IngestError, article_id_for_text, article_id_from_filename, ingest_text, main, parse_published
from dashboard.ingest_eval import evaluate, evaluate_unseen, events_match, overall

ARTICLE = (
    "Russia held military exercises at Kharb-Maidon in Tajikistan last week.\n\n"
    "On Aug. 3, 1995, Taliban forces intercepted a Russian plane and forced it to land at Kandahar. "
    "Kremlin spokesman Dmitry Peskov told reporters this Monday that Moscow would not intervene.\n"
)


def run(tmp_path: Path, data: bytes | None, *options: str, name: str = "my article.txt") -> tuple[int, Path]:
    article = tmp_path / name
    if data is not None:
        article.write_bytes(data)
    out = tmp_path / "out.geojson"
    return main([str(article), *options, "--out", str(out)]), out


def test_cli_writes_validated_unreviewed_candidates(tmp_path, capsys):
    code, out = run(tmp_path, ARTICLE.encode(), "--published", "2021-09-07", "--title", "Drills", "--outlet", "X",
                    "--url", "https://example.org/a")
    assert code == 0
    collection = json.loads(out.read_text(encoding="utf-8"))
    events = validate_feature_collection(collection, source_name="out")
    assert [(e.place, e.date_start, e.date_basis) for e in events] == [
        ("Kharb-Maydon", date(2021, 8, 30), "inferred"),
        ("Kandahar", date(1995, 8, 3), "explicit"),
        ("Moscow", date(2021, 9, 6), "relative"),
    ]
    assert all(e.review_status == "unreviewed" for e in events)
    article_id = article_id_for_text(ARTICLE)  # from the text, not the file name my-article.txt
    assert all(e.sources[0].article == article_id and e.sources[0].quote in ARTICLE for e in events)
    assert collection["article_text"] == ARTICLE
    assert collection["article"] == {
        "id": article_id, "file": None, "title": "Drills", "outlet": "X", "published": "2021-09-07",
        "published_precision": "day", "published_basis": "given by the analyst at ingest",
        "url": "https://example.org/a",
    }
    printed = capsys.readouterr().out
    assert f"3 candidate events from {article_id}: 1 explicit, 1 relative, 1 inferred" in printed


def test_known_article_is_not_repeated(tmp_path):
    collection = ingest_text(ARTICLE, article_id="000_98dfeb9e9286e9a0", published="2021-09-07",
                             known_articles={"000_98dfeb9e9286e9a0": {}})
    assert "article" not in collection and len(collection["features"]) == 3


def test_month_precision_publication(tmp_path):
    code, out = run(tmp_path, ARTICLE.encode(), "--published", "2021-09")
    assert code == 0
    collection = json.loads(out.read_text(encoding="utf-8"))
    monday = collection["features"][2]["properties"]
    assert (monday["date_start"], monday["date_end"], monday["date_precision"]) == ("2021-08-30", "2021-09-27", "range")
    assert collection["article"]["published_precision"] == "month"


def test_repeated_sentences_give_one_candidate():
    twice = "On Aug. 3, 1995, a plane landed at Kandahar.\n" * 2
    assert len(ingest_text(twice, article_id="a", published="2021-09-07", known_articles={})["features"]) == 1


@pytest.mark.parametrize(
    ("filename", "slug"),
    [("000_98dfeb9e9286e9a0.txt", "000_98dfeb9e9286e9a0"), ("../../etc/Passwd File!.txt", "passwd-file"),
     ("C:\\Users\\x\\Report (2).TXT", "report-2"), ("...", "article"), (".hidden", "hidden"), ("", "article")],
)
def test_article_ids_are_safe_slugs(filename, slug):
    assert article_id_from_filename(filename) == slug


BAD_INPUTS = [
    (b"", "2021-09-07", "the file is empty"),
    (b"  \n\t\n", "2021-09-07", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "2021-09-07", "binary file"),
    ("Taliban in Kabul on 3 août 1995, déjà.".encode("cp1252"), "2021-09-07", "not UTF-8"),
    (b"The Taliban met officials in Kabul and Moscow.", "2021-09-07", "no date expressions found"),
    (b"On Aug. 3, 1995, a plane landed somewhere.", "2021-09-07", "no known places found"),
    (b"On Aug. 3, 1995, a plane landed.\nKabul is a city.", "2021-09-07", "never appear in the same sentence"),
    (b"Nothing at all here.", "2021-09-07", "no date expressions and no known places"),
    (ARTICLE.encode(), (date.today() + timedelta(days=2)).isoformat(), "is in the future"),
    (ARTICLE.encode(), "2021-13-45", "is not a date"),
    (ARTICLE.encode(), "yesterday", "is not a date"),
    (ARTICLE.encode(), "07/09/2021", "is not a date"),
]


@pytest.mark.parametrize(("data", "published", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, data, published, message):
    code, out = run(tmp_path, data, "--published", published)
    error = capsys.readouterr().err
    assert code == 2
    assert error.startswith("ingest: ") and message in error and error.count("\n") == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my article.txt"]


def test_missing_file_and_existing_output(tmp_path, capsys):
    code, _out = run(tmp_path, None, "--published", "2021-09-07")
    assert code == 2 and "cannot read" in capsys.readouterr().err
    out = tmp_path / "out.geojson"
    out.write_text("keep me", encoding="utf-8")
    code, _out = run(tmp_path, ARTICLE.encode(), "--published", "2021-09-07")
    assert code == 2 and "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"
    code, _out = run(tmp_path, ARTICLE.encode(), "--published", "2021-09-07", "--force")
    assert code == 0 and len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 3


def test_parse_published():
    today = date(2021, 9, 10)
    assert parse_published("2021-09-07", today=today) == (date(2021, 9, 7), date(2021, 9, 7))
    assert parse_published("2021-08", today=today) == (date(2021, 8, 1), date(2021, 8, 31))
    assert parse_published("2021-09", today=today) == (date(2021, 9, 1), today)  # not past today
    with pytest.raises(IngestError, match="in the future"):
        parse_published("2021-10", today=today)


def test_events_match_needs_date_overlap_and_distance():
    def event(start, end, lon, lat, km=10.0):
        return {"properties": {"date_start": start, "date_end": end, "uncertainty_km": km},
                "geometry": {"coordinates": [lon, lat]}}

    kabul = event("2021-08-16", "2021-08-16", 69.17, 34.53)
    assert events_match(event("2021-08-01", "2021-08-31", 69.20, 34.50), kabul)
    assert not events_match(event("2021-08-17", "2021-08-31", 69.17, 34.53), kabul)  # dates apart
    assert not events_match(event("2021-08-16", "2021-08-16", 68.78, 38.54), kabul)  # Dushanbe, ~440 km
    assert events_match(event("2021-08-16", "2021-08-16", 68.78, 38.54), {**kabul, "properties": {
        **kabul["properties"], "uncertainty_km": 500.0}})


# Floors a little under the measured values (overall recall 86 % = 76/88, precision 91 % = 80/88;
# weakest article: recall 83 %, precision 80 %), so a regression fails the test.
RECALL_FLOOR, PRECISION_FLOOR = 0.86, 0.90
ARTICLE_RECALL_FLOOR, ARTICLE_PRECISION_FLOOR = 0.83, 0.79
UNSEEN_DIR = Path(__file__).resolve().parent / "fixtures" / "unseen_articles"
# The unseen fixture (articles the rules were not written against): measured 85 % recall, 80 % precision.
UNSEEN_RECALL_FLOOR, UNSEEN_PRECISION_FLOOR = 0.82, 0.78


@pytest.mark.skipif(not EVENTS_PATH.exists(), reason="geodata/events.geojson (the curated events) does not exist yet")
def test_seed_articles_recall_and_precision():
    scores = evaluate()
    assert len(scores) == 5
    for score in scores:
        assert score.recall >= ARTICLE_RECALL_FLOOR, score
        assert score.precision >= ARTICLE_PRECISION_FLOOR, score
    total = overall(scores)
    assert total.recall >= RECALL_FLOOR and total.precision >= PRECISION_FLOOR, total


def test_unseen_articles_recall_and_precision():
    scores = evaluate_unseen(UNSEEN_DIR)
    assert len(scores) == 10 and all(score.curated for score in scores)
    total = overall(scores)
    assert total.recall >= UNSEEN_RECALL_FLOOR and total.precision >= UNSEEN_PRECISION_FLOOR, total


def test_unseen_mode_of_the_command_line(tmp_path, capsys):
    from dashboard.ingest_eval import main as eval_main

    assert eval_main(["--unseen", str(UNSEEN_DIR)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("article") and printed[-1].startswith("overall") and len(printed) == 12
    assert eval_main(["--unseen", str(tmp_path)]) == 2
    assert "expected.json" in capsys.readouterr().err


@pytest.mark.skipif(not EVENTS_PATH.exists(), reason="geodata/events.geojson (the curated events) does not exist yet")
def test_misses_lists_what_the_seed_scores_count(capsys):
    from dashboard.ingest_eval import evaluate_with_misses
    from dashboard.ingest_eval import main as eval_main

    results = evaluate_with_misses()
    for score, misses in results:
        assert len(misses.missed) == score.curated - score.curated_found
        assert len(misses.wrong) == score.extracted - score.extracted_correct
    assert eval_main(["--misses"]) == 0
    printed = capsys.readouterr().out
    missed = sum(len(m.missed) for _s, m in results)
    wrong = sum(len(m.wrong) for _s, m in results)
    assert printed.count("\n  ") == missed + wrong  # one indented line per missed event and wrong candidate
    assert eval_main(["--misses", "--unseen", str(UNSEEN_DIR)]) == 2  # the unseen set is never listed
    assert "never read" in capsys.readouterr().err
