"""Curated events, candidates and review decisions: the same tests on files and on PostGIS.

The PostGIS runs use a throwaway server (tests/postgres_server.py). Two app processes on
one database: an accept in one is seen by the other, and two concurrent accepts both land.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from dashboard.events import ARTICLES_PATH, EVENTS_PATH
from dashboard.review import ReviewError


def _candidates(*ids: str) -> dict:
    """A candidates collection of copies of the first curated event under new ids, as ingest writes them."""
    template = json.loads(EVENTS_PATH.read_text(encoding="utf-8"))["features"][0]
    features = []
    for event_id in ids:
        feature = copy.deepcopy(template)
        feature["properties"].update(id=event_id, review_status="unreviewed", title=f"Candidate {event_id}")
        feature["properties"]["extraction"] = {"date_text": "today", "place_text": "here"}
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


@pytest.fixture(params=["files", "postgis"])
def store(request, tmp_path, monkeypatch):
    """A curated store over copies of the curated files (files) or a fresh database (postgis)."""
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    events, articles = tmp_path / "events.geojson", tmp_path / "articles.json"
    shutil.copy(EVENTS_PATH, events)
    shutil.copy(ARTICLES_PATH, articles)
    for text in ARTICLES_PATH.parent.glob("*.txt"):  # the articles' texts, which accept checks quotes against
        shutil.copy(text, tmp_path / text.name)
    if request.param == "files":
        from dashboard.store.curated import FileCurated

        return FileCurated(events, articles, tmp_path / "candidates")
    from dashboard.store.curated import PostgisCurated

    return PostgisCurated(request.getfixturevalue("database_url"), events, articles)


def test_the_store_starts_with_the_curated_events_in_git(store):
    events, articles = store.events()
    curated = json.loads(EVENTS_PATH.read_text(encoding="utf-8"))["features"]
    assert sorted(events["id"]) == sorted(f["properties"]["id"] for f in curated)
    assert set(articles) == {a["id"] for a in json.loads(ARTICLES_PATH.read_text(encoding="utf-8"))}
    assert store.candidate_sets() == {} and store.candidate_events() is None


def test_accept_moves_candidates_into_the_curated_events_and_reject_drops_them(store):
    before = len(store.events()[0])
    store.add_candidates("new-article", _candidates("cand-1", "cand-2", "cand-3"))
    assert [f["properties"]["id"] for f in store.candidate_sets()["new-article"]["features"]] == ["cand-1", "cand-2",
                                                                                                "cand-3"]
    assert list(store.candidate_events()["id"]) == ["cand-1", "cand-2", "cand-3"]
    assert store.accept("new-article", ["cand-2"]) == ["cand-2"]
    events = store.events()[0]
    assert len(events) == before + 1
    accepted = events.loc[events["id"] == "cand-2"].iloc[0]
    assert accepted["review_status"] == "reviewed"
    assert "extraction" not in events.columns or pd_isna(accepted["extraction"])  # the extractor's notes dropped
    assert store.reject("new-article", ["cand-1"]) == ["cand-1"]
    assert [f["properties"]["id"] for f in store.candidate_sets()["new-article"]["features"]] == ["cand-3"]
    assert len(store.events()[0]) == before + 1
    with pytest.raises(ReviewError, match="cand-1"):
        store.accept("new-article", ["cand-3", "cand-1"])  # cand-1 is gone: nothing happens
    assert [f["properties"]["id"] for f in store.candidate_sets()["new-article"]["features"]] == ["cand-3"]
    if hasattr(store, "decisions"):
        assert store.decisions() == [("new-article", "cand-2", "accepted"), ("new-article", "cand-1", "rejected")]


def pd_isna(value) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, (list, dict)) and pd.isna(value))


def test_a_candidate_that_would_not_validate_is_not_accepted(store):
    bad = _candidates("cand-bad")
    bad["features"][0]["properties"]["sources"] = [{"article": "no-such-article", "quote": "x"}]
    store.add_candidates("bad", bad)
    before = sorted(store.events()[0]["id"])
    with pytest.raises(ReviewError, match="no-such-article"):
        store.accept("bad", ["cand-bad"])
    assert sorted(store.events()[0]["id"]) == before
    assert len(store.candidate_sets()["bad"]["features"]) == 1


# ----------------------------------------------------------------------------- two app processes

REPLICA = textwrap.dedent("""
    import sys, time
    from dashboard.store import curated_store
    store = curated_store()
    print("events", len(store.events()[0]), flush=True)
    command = sys.stdin.readline().split()
    if command[0] == "accept":
        time.sleep(max(0.0, float(command[2]) - time.time()))  # both replicas accept at the same moment
        print("accepted", store.accept("shared", [command[1]]), flush=True)
    print("events", len(store.events()[0]), sorted(i for i in store.events()[0]["id"] if i.startswith("cand")),
          flush=True)
""")


def _replica(url: str) -> subprocess.Popen:
    env = {**os.environ, "DASHBOARD_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", REPLICA], cwd=ROOT, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_app_processes_on_one_database_see_each_others_accepts_and_both_land(database_url):
    import time

    from dashboard.store import curated_store

    here = curated_store()
    start = len(here.events()[0])
    here.add_candidates("shared", _candidates("cand-a", "cand-b", "cand-c"))
    first, second = _replica(database_url), _replica(database_url)
    try:
        for replica in (first, second):
            assert replica.stdout.readline().split() == ["events", str(start)]
        moment = time.time() + 1.0
        first.stdin.write(f"accept cand-a {moment}\n")
        second.stdin.write(f"accept cand-b {moment}\n")
        first.stdin.flush(), second.stdin.flush()
        outputs = [replica.communicate(timeout=60)[0] for replica in (first, second)]
    finally:
        for replica in (first, second):
            replica.kill() if replica.poll() is None else None
    assert "accepted ['cand-a']" in outputs[0] and "accepted ['cand-b']" in outputs[1]
    assert here.events()[0]["id"].tolist().count("cand-a") == 1
    assert {"cand-a", "cand-b"} <= set(here.events()[0]["id"])  # both concurrent accepts landed
    assert len(here.events()[0]) == start + 2
    assert [f["properties"]["id"] for f in here.candidate_sets()["shared"]["features"]] == ["cand-c"]

    # A third process started now sees both accepts; one more accept in it is seen here.
    third = _replica(database_url)
    assert third.stdout.readline().split() == ["events", str(start + 2)]
    third.stdin.write(f"accept cand-c {time.time()}\n")
    third.stdin.flush()
    assert "accepted ['cand-c']" in third.communicate(timeout=60)[0]
    assert len(here.events()[0]) == start + 3
    assert sorted(here.decisions()) == [("shared", "cand-a", "accepted"), ("shared", "cand-b", "accepted"),
                                        ("shared", "cand-c", "accepted")]


def test_the_app_reads_its_events_and_candidates_through_the_database(database_url, tmp_path):
    """With DASHBOARD_DATABASE_URL the app shows the database's events; an accept elsewhere shows on rerun."""
    import re

    from streamlit.testing.v1 import AppTest

    from dashboard.store.curated import PostgisCurated

    other_replica = PostgisCurated(database_url)
    total = len(other_replica.events()[0])
    other_replica.add_candidates("from-db", _candidates("cand-x", "cand-y"))
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]

    def counts() -> tuple[int, int]:
        caption = next(c.value for c in app.caption if c.value.startswith("Showing"))
        return tuple(int(n) for n in re.match(r"Showing (\d+) of (\d+) events", caption).groups())

    assert counts() == (total + 2, total + 2)  # the curated events and the two candidates
    assert any("2 candidate events to review" in m.value for m in app.markdown)
    other_replica.accept("from-db", ["cand-x"])
    app.run()
    assert counts() == (total + 2, total + 2)  # cand-x is now curated, cand-y still a candidate
    assert any("1 candidate event to review" in m.value for m in app.markdown)
    app.button(key="review-from-db-accept-cand-y").click().run()  # the app's own accept goes to the database
    assert not app.exception
    assert sorted(i for i in other_replica.events()[0]["id"] if i.startswith("cand")) == ["cand-x", "cand-y"]
    assert other_replica.candidate_sets()["from-db"]["features"] == []


def test_a_quote_not_in_its_article_is_not_accepted(store):
    invented = _candidates("cand-invented")
    invented["features"][0]["properties"]["sources"][0]["quote"] = "Words the article never said."
    store.add_candidates("invented", invented)
    before = sorted(store.events()[0]["id"])
    with pytest.raises(ReviewError, match="not found verbatim"):
        store.accept("invented", ["cand-invented"])
    assert sorted(store.events()[0]["id"]) == before


def test_the_app_says_when_the_database_cannot_be_reached(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    assert "cannot connect to the database in DASHBOARD" in app.error[0].value.replace("\\", "")


def test_the_export_command_line_exports_the_databases_curated_events(database_url, tmp_path):
    from dashboard.export import main
    from dashboard.store.curated import PostgisCurated

    replica = PostgisCurated(database_url)
    replica.add_candidates("for-export", _candidates("cand-export"))
    replica.accept("for-export", ["cand-export"])
    out = tmp_path / "all.geojson"
    assert main(["--out", str(out)]) == 0
    ids = {f["properties"]["id"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]}
    assert "cand-export" in ids and len(ids) == len(replica.events()[0])
