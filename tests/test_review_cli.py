"""``python -m dashboard.review``: the app's accept and reject from the command line, on copies in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys

from test_review import curated, snapshot  # noqa: F401 - the fixture laid out like the repository

from dashboard.events import ROOT, read_events_file
from dashboard.review import load_candidates, main


def _ids(path) -> list[str]:
    return [f["properties"]["id"] for f in load_candidates(path)["features"]]


def _curated_ids(paths) -> set[str]:
    return {f["properties"]["id"] for f in read_events_file(paths["events"])["features"]}


def test_list_accept_and_reject(curated, capsys):  # noqa: F811
    ids = _ids(curated["candidates"])
    assert main(["list", str(curated["candidates"])]) == 0
    listed = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == ids
    files = ["--events", str(curated["events"]), "--articles", str(curated["articles"])]
    assert main(["accept", str(curated["candidates"]), ids[0], *files]) == 0
    assert ids[0] in _curated_ids(curated)
    assert main(["reject", str(curated["candidates"]), ids[1]]) == 0
    assert _ids(curated["candidates"]) == ids[2:]
    assert ids[1] not in _curated_ids(curated)


def test_refusals_change_nothing(curated, capsys):  # noqa: F811
    ids = _ids(curated["candidates"])
    files = ["--events", str(curated["events"]), "--articles", str(curated["articles"])]
    before = snapshot(curated)
    assert main(["accept", str(curated["candidates"]), ids[0], "no-such-id", *files]) == 2
    assert main(["reject", str(curated["candidates"]), "no-such-id"]) == 2
    candidates = json.loads(curated["candidates"].read_text(encoding="utf-8"))
    candidates["features"][0]["properties"]["category"] = "bogus"
    curated["candidates"].write_text(json.dumps(candidates), encoding="utf-8")
    spoiled = snapshot(curated)
    assert main(["accept", str(curated["candidates"]), ids[0], *files]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 3 and all(line.startswith("review: ") for line in errors)
    assert "no candidate 'no-such-id'" in errors[0] and "category" in errors[2]
    assert snapshot(curated) == spoiled
    before.pop("new-article.geojson"), spoiled.pop("new-article.geojson")
    assert before == spoiled


def test_accepts_in_parallel_processes_lose_nothing(curated):  # noqa: F811
    """One process per candidate, all started at once: every accept lands in the events and
    leaves the candidates file (each rewrites the same files, so without the lock one would
    overwrite another's change)."""
    ids = _ids(curated["candidates"])
    assert len(ids) >= 2
    command = [sys.executable, "-m", "dashboard.review", "accept", str(curated["candidates"])]
    files = ["--events", str(curated["events"]), "--articles", str(curated["articles"])]
    processes = [subprocess.Popen([*command, event_id, *files], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for event_id in ids]
    results = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0] * len(ids), [err for _out, err in results]
    assert set(ids) <= _curated_ids(curated)
    assert _ids(curated["candidates"]) == []
    source = json.loads(curated["source"].read_text(encoding="utf-8"))
    assert set(ids) <= {event["id"] for event in source["events"]}
