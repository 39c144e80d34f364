"""Accept and reject on copies of the curated files in tmp_path (never the real ones)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.events import ROOT, read_events_file
from dashboard.ingest import article_id_for_text, ingest_text, write_candidates
from dashboard.review import ReviewError, accept_events, load_candidates, reject_events

ARTICLE = (
    "Russia held military exercises at Kharb-Maidon in Tajikistan last week. "
    "On Aug. 3, 1995, Taliban forces intercepted a Russian plane and forced it to land at Kandahar. "
    "In 2003, a court in Moscow designated the Taliban a terrorist organization."
)
PUBLISHED = "2021-09-07"


def shown(markdown: str) -> str:
    """What Streamlit shows for escaped Markdown: the text without its backslashes."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _build_module():
    spec = importlib.util.spec_from_file_location("build_events", ROOT / "geodata" / "build_events.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _event(event_id: str, place: str, country: str, uncertainty: float, precision: str) -> dict:
    return {
        "id": event_id, "title": f"Event at {place}", "summary": "", "category": "diplomacy",
        "actors": ["Russia"], "date_start": "2021-08-20", "date_end": "2021-08-20", "date_precision": "day",
        "date_basis": "explicit", "place": place, "country": country, "location_precision": precision, "location_basis": "explicit",
        "uncertainty_km": uncertainty, "sources": [{"article": "seed-1", "quote": f"{place} was quiet."}],
        "review_status": "reviewed",
    }


@pytest.fixture
def curated(tmp_path: Path) -> dict[str, Path]:
    """A small curated dataset laid out like the repository: source, built events, articles."""
    geodata = tmp_path / "geodata"
    (geodata / "context").mkdir(parents=True)
    shutil.copy(ROOT / "geodata" / "context" / "places.geojson", geodata / "context" / "places.geojson")
    source = {"about": "test", "events": [_event("2021-08-20-kabul", "Kabul", "AFG", 10.0, "city"),
                                          _event("2021-08-21-moscow", "Moscow", "RUS", 20.0, "city")]}
    (geodata / "events_source.json").write_text(json.dumps(source, ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")
    build = _build_module()
    events = geodata / "events.geojson"
    events.write_text(build.render(build.build_collection(geodata / "events_source.json",
                                                          geodata / "context" / "places.geojson")), encoding="utf-8")
    articles = tmp_path / "articles.json"
    articles.write_text(json.dumps([{"id": "seed-1", "file": "seed-1.txt", "title": "Seed", "published": "2021-08-21"}],
                                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    collection = ingest_text(ARTICLE, article_id="new-article", published=PUBLISHED, title="New <b>one</b>",
                             known_articles={"seed-1": {}}, today=date(2026, 1, 1))
    candidates = write_candidates(collection, tmp_path / "new-article.geojson")
    return {"events": events, "source": geodata / "events_source.json", "articles": articles,
            "candidates": candidates, "dir": tmp_path}


def snapshot(paths: dict[str, Path]) -> dict[str, bytes]:
    """Every file under the test folder, by relative path, with its bytes."""
    root = paths["dir"]
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def candidate_ids(paths) -> list[str]:
    return [f["properties"]["id"] for f in load_candidates(paths["candidates"])["features"]]


def feature_block(feature: dict) -> str:
    """How build_events (indent=1) writes one feature inside the collection."""
    return json.dumps(feature, ensure_ascii=False, indent=1).replace("\n", "\n  ")


def test_accept_appends_to_source_and_rebuilds_events(curated):
    before = snapshot(curated)
    old_events = json.loads(curated["events"].read_text(encoding="utf-8"))
    chosen = candidate_ids(curated)[1]  # the Kandahar event
    assert accept_events(curated["candidates"], [chosen], events_path=curated["events"],
                         articles_path=curated["articles"]) == [chosen]

    new_text = curated["events"].read_text(encoding="utf-8")
    collection = read_events_file(curated["events"], article_ids={"seed-1", "new-article"})
    by_id = {f["properties"]["id"]: f for f in collection["features"]}
    assert set(by_id) == {"2021-08-20-kabul", "2021-08-21-moscow", chosen}
    added = by_id[chosen]["properties"]
    assert added["review_status"] == "reviewed" and "extraction" not in added
    assert added["sources"][0]["quote"] in ARTICLE and "Kandahar" in added["sources"][0]["quote"]
    # Existing features: byte-for-byte the same text in the new file.
    for feature in old_events["features"]:
        assert feature_block(feature) in new_text
        assert by_id[feature["properties"]["id"]] == feature
    # The generated file is exactly what build_events makes of the new source.
    build = _build_module()
    assert new_text == build.render(build.build_collection(curated["source"], curated["events"].parent / "context"
                                                           / "places.geojson"))
    source = json.loads(curated["source"].read_text(encoding="utf-8"))
    assert [e["id"] for e in source["events"]] == ["2021-08-20-kabul", "2021-08-21-moscow", chosen]
    # Backups hold the old bytes; the article is registered; the candidate left the review list.
    assert curated["events"].with_name("events.geojson.bak").read_bytes() == before["geodata/events.geojson"]
    assert curated["source"].with_name("events_source.json.bak").read_bytes() == before["geodata/events_source.json"]
    assert curated["articles"].with_name("articles.json.bak").read_bytes() == before["articles.json"]
    articles = json.loads(curated["articles"].read_text(encoding="utf-8"))
    assert [a["id"] for a in articles] == ["seed-1", "new-article"] and articles[1]["title"] == "New <b>one</b>"
    assert chosen not in candidate_ids(curated) and len(candidate_ids(curated)) == 2
    assert not list(curated["dir"].rglob("*.tmp"))


def test_accept_appends_to_an_events_file_without_source(curated):
    curated["source"].unlink()
    # The layout of geodata/build_layers.py: one feature per line.
    old = json.loads(curated["events"].read_text(encoding="utf-8"))
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in old["features"]]
    old_text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    curated["events"].write_text(old_text, encoding="utf-8")
    chosen = candidate_ids(curated)[0]
    accept_events(curated["candidates"], [chosen], events_path=curated["events"], articles_path=curated["articles"])
    new_text = curated["events"].read_text(encoding="utf-8")
    assert new_text.startswith(old_text[: -len("\n]}\n")] + ",\n")
    assert json.loads(new_text)["features"][-1]["properties"]["id"] == chosen
    assert curated["events"].with_name("events.geojson.bak").read_text(encoding="utf-8") == old_text


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("category", "unknown category"),
        ("duplicate", "duplicate id"),
        ("article", "unknown article"),
        ("place", "is not a name or alias"),
    ],
)
def test_failed_validation_changes_nothing(curated, spoil, message):
    candidates = load_candidates(curated["candidates"])
    target = candidates["features"][0]["properties"]
    if spoil == "category":
        target["category"] = "bogus"
    elif spoil == "duplicate":
        target["id"] = "2021-08-20-kabul"
    elif spoil == "article":
        del candidates["article"]
    else:
        target["place"] = "Atlantis"
    curated["candidates"].write_text(json.dumps(candidates, ensure_ascii=False), encoding="utf-8")
    before = snapshot(curated)
    with pytest.raises(ReviewError, match=message) as raised:
        accept_events(curated["candidates"], [target["id"]], events_path=curated["events"],
                      articles_path=curated["articles"])
    assert "\n" not in str(raised.value) and ".tmp" not in str(raised.value)
    assert snapshot(curated) == before  # byte-identical, no backup, no temporary file left


def test_accept_refuses_unknown_ids_and_stale_events(curated):
    before = snapshot(curated)
    with pytest.raises(ReviewError, match="no candidate 'nope'"):
        accept_events(curated["candidates"], ["nope"], events_path=curated["events"], articles_path=curated["articles"])
    curated["events"].write_text(curated["events"].read_text(encoding="utf-8").replace("Kabul", "Kabool"),
                                 encoding="utf-8")
    stale = snapshot(curated)
    with pytest.raises(ReviewError, match="out of date"):
        accept_events(curated["candidates"], candidate_ids(curated)[:1], events_path=curated["events"],
                      articles_path=curated["articles"])
    assert snapshot(curated) == stale != before


def test_reject_removes_only_the_chosen_candidates(curated):
    before = snapshot(curated)
    first, *rest = candidate_ids(curated)
    assert reject_events(curated["candidates"], [first]) == [first]
    assert candidate_ids(curated) == rest
    after = snapshot(curated)
    assert {k: v for k, v in after.items() if k != "new-article.geojson"} == {
        k: v for k, v in before.items() if k != "new-article.geojson"}
    assert load_candidates(curated["candidates"])["article"]["id"] == "new-article"
    with pytest.raises(ReviewError):
        reject_events(curated["candidates"], [first])


# --- the Streamlit panels ---------------------------------------------------------------------


def review_app(candidates_path: str, events_path: str, articles_path: str) -> None:
    from pathlib import Path

    from dashboard.review import load_candidates
    from dashboard.ui_review import render_review_panel

    render_review_panel(load_candidates(Path(candidates_path)), candidates_path=Path(candidates_path),
                        events_path=Path(events_path), articles_path=Path(articles_path))


def test_review_panel_accepts_and_rejects(curated):
    app = AppTest.from_function(review_app, args=(str(curated["candidates"]), str(curated["events"]),
                                                  str(curated["articles"])))
    app.run()
    assert not app.exception
    ids = candidate_ids(curated)
    assert "3 candidate events to review" in app.markdown[0].value
    quotes = [m.value for m in app.markdown if m.value.startswith(">")]
    assert len(quotes) == 3 and "Kandahar" in quotes[1]
    # Text from the article is escaped: the title's <b> stays literal text.
    assert "New \\<b\\>one\\</b\\>" in app.markdown[0].value

    app.button(key=f"review-accept-{ids[1]}").click().run()
    assert [shown(s.value) for s in app.success] == ["Accepted 1 event(s) into the curated dataset."]
    assert ids[1] in {f["properties"]["id"] for f in json.loads(curated["events"].read_text())["features"]}
    assert "2 candidate events to review" in app.markdown[0].value

    app.button(key=f"review-reject-{ids[0]}").click().run()
    assert [shown(s.value) for s in app.success] == ["Rejected 1 candidate(s)."]
    assert candidate_ids(curated) == [ids[2]]


def test_review_panel_shows_a_failed_accept_as_an_error(curated):
    candidates = load_candidates(curated["candidates"])
    candidates["features"][0]["properties"]["category"] = "bogus"
    curated["candidates"].write_text(json.dumps(candidates), encoding="utf-8")
    before = snapshot(curated)
    app = AppTest.from_function(review_app, args=(str(curated["candidates"]), str(curated["events"]),
                                                  str(curated["articles"])))
    app.run()
    app.button(key=f"review-accept-{candidates['features'][0]['properties']['id']}").click().run()
    assert len(app.error) == 1 and "unknown category" in shown(app.error[0].value)
    assert snapshot(curated) == before


def ingest_app(candidates_dir: str) -> None:
    from datetime import date
    from pathlib import Path

    from dashboard.ui_review import render_ingest_panel

    render_ingest_panel(Path(candidates_dir), known_articles={}, today=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("upload", "published", "error"),
    [
        (None, date(2021, 9, 7), "Choose an article file first."),
        (("a.txt", ARTICLE.encode(), "text/plain"), None, "Enter the publication date."),
        (("a.txt", b"", "text/plain"), date(2021, 9, 7), "a: the file is empty"),
        (("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "text/plain"), date(2021, 9, 7), "a: this is a binary file"),
        (("a.txt", "Kabul, 3 août 1995".encode("latin-1"), "text/plain"), date(2021, 9, 7), "is not UTF-8"),
        (("a.txt", b"Nothing happened in Kabul.", "text/plain"), date(2021, 9, 7), "no date expressions"),
    ],
)
def test_ingest_panel_reports_bad_input(tmp_path, upload, published, error):
    app = AppTest.from_function(ingest_app, args=(str(tmp_path),))
    app.run()
    if upload:
        app.file_uploader(key="ingest-file").set_value(upload)
    if published:
        app.date_input(key="ingest-published").set_value(published)
    app.button(key="ingest-run").click().run()
    assert not app.exception
    assert len(app.error) == 1 and error in shown(app.error[0].value)
    assert list(tmp_path.iterdir()) == []


def test_ingest_panel_writes_candidates(tmp_path):
    app = AppTest.from_function(ingest_app, args=(str(tmp_path),))
    app.run()
    app.file_uploader(key="ingest-file").set_value(("../../New Article!.txt", ARTICLE.encode(), "text/plain"))
    app.date_input(key="ingest-published").set_value(date(2021, 9, 7))
    app.button(key="ingest-run").click().run()
    assert not app.exception and not app.error
    article_id = article_id_for_text(ARTICLE)  # from the text; the file name is only its title
    written = tmp_path / f"{article_id}.geojson"
    assert [p.name for p in tmp_path.iterdir()] == [written.name]
    assert shown(app.success[0].value).startswith(f"3 candidate events from {article_id}")
    assert len(load_candidates(written)["features"]) == 3
    assert load_candidates(written)["article"]["title"] == "New Article!"
