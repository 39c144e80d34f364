"""No invented quotes: article ids come from their text, accept re-checks every quote verbatim,
imported features never pass for curated ones, and refusals reach the app as escaped text.

The attack these close: an upload named like a seed article (``002_<…>.txt``) with an invented
sentence used to take the seed's id, and accept checked only the schema, so the invented
sentence became a "reviewed" event quoting the seed's outlet.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.events import ARTICLES_PATH, ROOT, load_articles, read_events_file
from dashboard.imports import import_dataset
from dashboard.ingest import article_id_for_text, ingest_bytes, ingest_text, write_candidates
from dashboard.review import ReviewError, accept_events, load_candidates
from dashboard.store import imported_datasets
from dashboard.validate import find_quote_problems
from dashboard.filters import ViewState

SEED_TEXT = "Kabul was quiet on Friday. Shops opened and the Taliban patrolled the streets of the city."
INVENTED = (
    "Russia held military exercises at Kharb-Maidon in Tajikistan last week. "
    "On Aug. 3, 1995, Taliban forces intercepted a Russian plane and forced it to land at Kandahar. "
    "In 2003, a court in Moscow designated the Taliban a terrorist organization."
)
TODAY = date(2026, 1, 1)


def _build_module():
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location("build_events", ROOT / "geodata" / "build_events.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def curated(tmp_path: Path) -> dict[str, Path]:
    """A curated dataset laid out like the repository, with one seed article and its stored text."""
    geodata = tmp_path / "geodata"
    (geodata / "context").mkdir(parents=True)
    shutil.copy(ROOT / "geodata" / "context" / "places.geojson", geodata / "context" / "places.geojson")
    event = {
        "id": "2021-08-20-kabul", "title": "Kabul quiet", "summary": "", "category": "diplomacy",
        "actors": ["Taliban"], "date_start": "2021-08-20", "date_end": "2021-08-20", "date_precision": "day",
        "date_basis": "explicit", "place": "Kabul", "country": "AFG", "location_precision": "city",
        "location_basis": "explicit", "uncertainty_km": 10.0, "sources": [{"article": "002_seed", "quote": "Kabul was quiet on Friday."}],
        "review_status": "reviewed",
    }
    (geodata / "events_source.json").write_text(json.dumps({"about": "test", "events": [event]}, indent=1) + "\n",
                                                encoding="utf-8")
    build = _build_module()
    events = geodata / "events.geojson"
    events.write_text(build.render(build.build_collection(geodata / "events_source.json",
                                                          geodata / "context" / "places.geojson")), encoding="utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    articles = seeds / "articles.json"
    articles.write_text(json.dumps([{"id": "002_seed", "file": "002_seed.txt", "title": "Seed story",
                                     "outlet": "Nikkei Asia", "published": "2021-08-21"}], indent=1) + "\n",
                        encoding="utf-8")
    (seeds / "002_seed.txt").write_text(SEED_TEXT, encoding="utf-8")
    candidates = tmp_path / "candidates"
    candidates.mkdir()
    return {"events": events, "source": geodata / "events_source.json", "articles": articles, "seeds": seeds,
            "candidates": candidates, "dir": tmp_path}


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def upload(curated, data: bytes, filename: str) -> Path:
    """What the app's upload does: ingest the bytes, write the candidates under the article's id."""
    collection = ingest_bytes(data, filename, "2021-09-07", known_articles=load_articles(curated["articles"]),
                              articles_dir=curated["seeds"], today=TODAY)
    article_id = collection["features"][0]["properties"]["sources"][0]["article"]
    return write_candidates(collection, curated["candidates"] / f"{article_id}.geojson")


def accept(curated, candidates: Path, ids=None) -> list[str]:
    ids = ids or [f["properties"]["id"] for f in load_candidates(candidates)["features"]]
    return accept_events(candidates, ids, events_path=curated["events"], articles_path=curated["articles"])


# ----------------------------------------------------------------------------- article ids


def test_an_uploaded_article_takes_its_id_from_its_text_never_its_file_name(curated):
    path = upload(curated, INVENTED.encode(), "002_seed.txt")
    collection = load_candidates(path)
    cited = {s["article"] for f in collection["features"] for s in f["properties"]["sources"]}
    assert cited == {article_id_for_text(INVENTED)} and "002_seed" not in cited
    assert collection["article"]["id"] == article_id_for_text(INVENTED)
    assert collection["article"]["title"] == "002_seed"  # the file name is only a title for people
    assert collection["article_text"] == INVENTED


def test_the_same_text_is_the_same_article_and_a_different_text_never_shares_an_id():
    assert article_id_for_text(INVENTED) == article_id_for_text(INVENTED.replace(" ", "\n  ", 3) + "\n")
    assert article_id_for_text(INVENTED) != article_id_for_text(INVENTED.replace("1995", "1996"))
    assert article_id_for_text(INVENTED) != article_id_for_text(INVENTED.replace("Kandahar", "kandahar"))


def test_uploading_a_stored_article_again_is_that_article(curated):
    """The seed's own text, under any file name, cites the seed and registers nothing new."""
    text = SEED_TEXT + " On 20 August 2021 a Taliban delegation arrived in Kabul."
    (curated["seeds"] / "002_seed.txt").write_text(text, encoding="utf-8")
    collection = ingest_bytes(text.encode(), "anything.txt", "2021-09-07",
                              known_articles=load_articles(curated["articles"]), articles_dir=curated["seeds"],
                              today=TODAY)
    assert {s["article"] for f in collection["features"] for s in f["properties"]["sources"]} == {"002_seed"}
    assert "article" not in collection and "article_text" not in collection


def test_uploading_the_same_text_twice_is_the_same_candidates_file(curated):
    first = upload(curated, INVENTED.encode(), "one.txt")
    from dashboard.ingest import IngestError  # noqa: PLC0415

    with pytest.raises(IngestError, match="already exists"):
        upload(curated, INVENTED.encode(), "two.txt")
    assert [p.name for p in curated["candidates"].iterdir()] == [first.name]


# ----------------------------------------------------------------------------- accept


def test_an_upload_named_like_a_seed_with_an_invented_sentence_cannot_be_accepted_as_the_seed(curated):
    """Even a candidates file that claims the seed's id (as the old ingest wrote it) is refused."""
    collection = ingest_text(INVENTED, article_id="002_seed", published="2021-09-07",
                             known_articles=load_articles(curated["articles"]), today=TODAY)
    candidates = write_candidates(collection, curated["candidates"] / "002_seed.geojson")
    before = snapshot(curated["dir"])
    with pytest.raises(ReviewError, match=r"not found verbatim in article 002_seed"):
        accept(curated, candidates)
    assert snapshot(curated["dir"]) == before  # every file byte-identical


def test_accept_refuses_the_whole_batch_when_one_quote_is_not_verbatim(curated):
    candidates = upload(curated, INVENTED.encode(), "new.txt")
    collection = load_candidates(candidates)
    collection["features"][1]["properties"]["sources"][0]["quote"] = "Taliban forces shot down a Russian plane."
    candidates.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    before = snapshot(curated["dir"])
    with pytest.raises(ReviewError, match=r"sources\.0\.quote: not found verbatim"):
        accept(curated, candidates)
    assert snapshot(curated["dir"]) == before


def test_accept_refuses_a_new_article_whose_text_is_not_in_the_candidates_file(curated):
    candidates = upload(curated, INVENTED.encode(), "new.txt")
    collection = load_candidates(candidates)
    del collection["article_text"]
    candidates.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    before = snapshot(curated["dir"])
    with pytest.raises(ReviewError, match="no stored text"):
        accept(curated, candidates)
    assert snapshot(curated["dir"]) == before


def test_accept_refuses_a_new_article_text_that_would_replace_a_stored_one(curated):
    candidates = upload(curated, INVENTED.encode(), "new.txt")
    article_id = article_id_for_text(INVENTED)
    (curated["seeds"] / f"{article_id}.txt").write_text("Another text.", encoding="utf-8")
    before = snapshot(curated["dir"])
    with pytest.raises(ReviewError, match="different text"):
        accept(curated, candidates)
    assert snapshot(curated["dir"]) == before


def test_an_accepted_new_article_is_stored_with_its_text_and_validates(curated):
    candidates = upload(curated, INVENTED.encode(), "002_seed.txt")
    accepted = accept(curated, candidates)
    article_id = article_id_for_text(INVENTED)
    assert (curated["seeds"] / f"{article_id}.txt").read_text(encoding="utf-8") == INVENTED
    records = {r["id"]: r for r in json.loads(curated["articles"].read_text(encoding="utf-8"))}
    assert records[article_id]["file"] == f"{article_id}.txt" and records["002_seed"]["title"] == "Seed story"
    collection = read_events_file(curated["events"], article_ids=set(records))
    by_id = {f["properties"]["id"]: f["properties"] for f in collection["features"]}
    assert all(by_id[i]["sources"][0]["article"] == article_id for i in accepted)
    assert find_quote_problems(collection, curated["seeds"]) == []  # python -m dashboard.validate agrees


def test_the_real_registry_has_a_stored_text_for_every_article():
    """Accept checks quotes against stored texts, so every registered article must have one."""
    for article_id, record in load_articles(ARTICLES_PATH).items():
        assert (ARTICLES_PATH.parent / f"{article_id}.txt").is_file(), article_id
        assert record.get("file") in (None, f"{article_id}.txt")


# ----------------------------------------------------------------------------- imports


def test_imported_geojson_never_claims_reviewed_or_a_curated_id(tmp_path):
    props = {
        "id": "2021-08-20-kabul", "title": "Claims to be curated", "category": "diplomacy", "actors": ["Taliban"],
        "date_start": "2021-08-20", "date_end": "2021-08-20", "date_precision": "day", "date_basis": "explicit",
        "place": "Kabul", "country": "AFG", "location_precision": "city", "location_basis": "explicit",
        "uncertainty_km": 5,
        "sources": [{"citation": "somewhere", "quote": "It happened."}], "review_status": "reviewed",
    }
    data = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.2, 34.5]}, "properties": props}]})
    import_dataset(data.encode(), format="geojson", name="claims", imports_dir=tmp_path)
    (row,) = imported_datasets(tmp_path).features("claims")
    assert row["properties"]["review_status"] == "imported"
    assert row["properties"]["id"] == "claims:2021-08-20-kabul"
    assert row["properties"]["title"] == "Claims to be curated"  # the rest is kept as given


def test_an_imported_quote_is_never_attributed_to_a_registered_article(tmp_path):
    props = {
        "id": "x1", "title": "Quotes a seed", "category": "diplomacy", "actors": [], "date_start": "2021-08-20",
        "date_end": "2021-08-20", "date_precision": "day", "date_basis": "explicit", "place": "Kabul",
        "country": "AFG", "location_precision": "city", "location_basis": "explicit", "uncertainty_km": 5,
        "sources": [{"article": "002_6a4053b3925a4b14", "quote": "An invented sentence."}],
        "review_status": "reviewed",
    }
    data = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.2, 34.5]}, "properties": props}]})
    import_dataset(data.encode(), format="geojson", name="quotes", imports_dir=tmp_path)
    (row,) = imported_datasets(tmp_path).features("quotes")
    (source,) = row["properties"]["sources"]
    assert not source.get("article")
    assert source["citation"] == "article 002_6a4053b3925a4b14, as cited by dataset 'quotes'"
    assert source["quote"] == "An invented sentence."


# ----------------------------------------------------------------------------- the app


def review_app(candidates_path: str, events_path: str, articles_path: str) -> None:
    from pathlib import Path

    from dashboard.review import load_candidates
    from dashboard.ui_review import render_review_panel

    render_review_panel(load_candidates(Path(candidates_path)), candidates_path=Path(candidates_path),
                        events_path=Path(events_path), articles_path=Path(articles_path))


def test_the_review_panel_refuses_an_invented_quote_with_an_escaped_message(curated):
    collection = ingest_text(INVENTED, article_id="002_seed", published="2021-09-07",
                             known_articles=load_articles(curated["articles"]), today=TODAY)
    hostile = "[click](javascript:alert(1)) <img src=x onerror=alert(1)> $x^2$"
    collection["features"][0]["properties"]["sources"][0]["quote"] = hostile
    candidates = write_candidates(collection, curated["candidates"] / "002_seed.geojson")
    before = snapshot(curated["dir"])
    app = AppTest.from_function(review_app, args=(str(candidates), str(curated["events"]), str(curated["articles"])))
    app.run()
    app.button(key=f"review-accept-{collection['features'][0]['properties']['id']}").click().run()
    assert not app.exception and len(app.error) == 1
    message = app.error[0].value
    assert "not found verbatim" in message
    # Markdown, HTML and maths characters all escaped: shown as text, never a link, tag or formula.
    for escaped in ("\\[click\\]\\(javascript", "\\<img src=x", "\\$x^2\\$"):
        assert escaped in message
    assert not re.search(r"(?<!\\)[<\[$]", message.split("not found verbatim", 1)[1])
    assert snapshot(curated["dir"]) == before
