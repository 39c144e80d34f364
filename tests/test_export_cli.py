"""`python -m dashboard.export`: one-line errors with exit status 2 and no file; a real file per format."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from PIL import Image

from dashboard.events import EVENTS_PATH
from dashboard.export import main, write_atomically

ROOT = Path(__file__).resolve().parent.parent

ARTICLES = [
    {"id": "art-1", "title": "Drills near the border", "outlet": "Outlet", "published": "2021-08-05"},
]


def _feature(event_id: str, day: str, category: str, lon: float, lat: float) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "id": event_id, "title": f"Event {event_id}", "summary": "", "category": category,
            "actors": ["Russia"], "date_start": day, "date_end": day, "date_precision": "day",
            "date_basis": "explicit", "place": "Somewhere", "country": "TJK", "location_precision": "city", "location_basis": "explicit",
            "uncertainty_km": 5.0, "sources": [{"article": "art-1", "quote": "A quote."}],
            "review_status": "reviewed",
        },
    }


@pytest.fixture
def data_files(tmp_path: Path) -> list[str]:
    events = {"type": "FeatureCollection", "features": [
        _feature("aug-drill", "2021-08-05", "military_exercise", 68.64, 37.45),
        _feature("sep-talks", "2021-09-10", "diplomacy", 68.78, 38.54),
        _feature("dec-talks", "2021-12-01", "diplomacy", 69.17, 34.53),
    ]}
    (tmp_path / "events.geojson").write_text(json.dumps(events), encoding="utf-8")
    (tmp_path / "articles.json").write_text(json.dumps(ARTICLES), encoding="utf-8")
    return ["--events-file", str(tmp_path / "events.geojson"), "--articles-file", str(tmp_path / "articles.json")]


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


BAD_ARGUMENTS = [
    (["--layers", "border,nope"], "unknown layer 'nope'"),
    (["--start", "2021-13-01"], "--start: '2021-13-01' is not a date"),
    (["--end", "yesterday"], "--end: 'yesterday' is not a date"),
    (["--start", "2021-10-01", "--end", "2021-08-01"], "start 2021-10-01 is after end 2021-08-01"),
    (["--bbox", "60,30,70"], "--bbox"),
    (["--bbox", "70,30,60,40"], "longitudes"),
    (["--bbox", "60,45,70,40"], "latitudes"),
    (["--bbox", "a,b,c,d"], "--bbox"),
    (["--categories", "diplomacy,gossip"], "unknown category 'gossip'"),
    (["--size", "huge"], "size 'huge'"),
    (["--unknown-flag"], "unrecognized arguments"),
]


@pytest.mark.parametrize(("extra", "message"), BAD_ARGUMENTS)
def test_bad_arguments_fail_on_one_line_and_leave_the_existing_file_alone(tmp_path, capsys, data_files, extra,
                                                                          message):
    out = tmp_path / "figure.png"
    out.write_bytes(b"an analyst's earlier figure")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, stdout, stderr = _run([*data_files, *extra, "--out", str(out)], capsys)
    assert code == 2
    assert stderr.count("\n") == 1 and stderr.endswith("\n")
    assert message in stderr
    assert stdout == ""
    assert out.read_bytes() == b"an analyst's earlier figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temp file left behind


@pytest.mark.parametrize("name", ["figure.txt", "figure", "figure.jpeg"])
def test_unknown_extension_is_refused(tmp_path, capsys, data_files, name):
    out = tmp_path / name
    code, _stdout, stderr = _run([*data_files, "--out", str(out)], capsys)
    assert code == 2 and stderr.count("\n") == 1 and "unknown extension" in stderr
    assert not out.exists()


def test_missing_output_folder_is_refused(tmp_path, capsys, data_files):
    out = tmp_path / "no-such-folder" / "figure.png"
    code, _stdout, stderr = _run([*data_files, "--out", str(out)], capsys)
    assert code == 2 and stderr.count("\n") == 1 and "does not exist" in stderr
    assert not out.parent.exists()


def test_missing_out_is_one_line(capsys, data_files):
    code, _stdout, stderr = _run(data_files, capsys)
    assert code == 2 and stderr.count("\n") == 1 and "--out" in stderr


def test_unreadable_events_file_is_one_line_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "events.geojson").write_text('{"type": "FeatureCollection", "features": [{"bad": 1}]}')
    (tmp_path / "articles.json").write_text(json.dumps(ARTICLES))
    out = tmp_path / "events.csv"
    code, _stdout, stderr = _run(["--events-file", str(tmp_path / "events.geojson"), "--articles-file",
                                  str(tmp_path / "articles.json"), "--out", str(out)], capsys)
    assert code == 2 and stderr.count("\n") == 1 and "events.geojson" in stderr
    assert not out.exists()


ARGS = ["--start", "2021-08-01", "--end", "2021-10-31", "--layers", "border,panjshir,kharb_maydon,base_201"]


def test_png_success_has_the_requested_size(tmp_path, capsys, data_files):
    out = tmp_path / "figure.png"
    out.write_bytes(b"old figure, to be replaced")
    code, stdout, stderr = _run([*data_files, *ARGS, "--size", "a4", "--out", str(out)], capsys)
    assert (code, stderr) == (0, "")
    assert "2 events" in stdout
    assert Image.open(out).size == (3508, 2480)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_pdf_success(tmp_path, capsys, data_files):
    out = tmp_path / "figure.pdf"
    assert _run([*data_files, *ARGS, "--bbox", "66,34,72,39.5", "--out", str(out)], capsys)[0] == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_html_success(tmp_path, capsys, data_files):
    out = tmp_path / "map.html"
    assert _run([*data_files, *ARGS, "--out", str(out)], capsys)[0] == 0
    html = out.read_text(encoding="utf-8")
    assert "Event aug-drill" in html and "Event sep-talks" in html and "Event dec-talks" not in html


def test_geojson_success_has_exactly_the_filtered_events(tmp_path, capsys, data_files):
    out = tmp_path / "events.geojson"
    assert _run([*data_files, *ARGS, "--categories", "diplomacy", "--out", str(out)], capsys)[0] == 0
    assert list(gpd.read_file(out)["id"]) == ["sep-talks"]


def test_csv_success_filters_by_text_and_actor(tmp_path, capsys, data_files):
    out = tmp_path / "events.csv"
    assert _run([*data_files, *ARGS, "--actors", "Russia", "--q", "aug-drill", "--out", str(out)], capsys)[0] == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [row["id"] for row in rows] == ["aug-drill"]
    assert rows[0]["source_titles"] == "Drills near the border"


def test_write_atomically_replaces_whole_files_only(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    write_atomically(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_command_line_runs_as_a_module(tmp_path, data_files):
    """The real entry point, in its own process: one error line, status 2; then a real file."""
    bad = subprocess.run([sys.executable, "-m", "dashboard.export", "--start", "2021-08-01", "--end", "2021-07-01",
                          "--out", str(tmp_path / "x.png")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "after end" in bad.stderr
    assert not (tmp_path / "x.png").exists()
    good = subprocess.run([sys.executable, "-m", "dashboard.export", *data_files, *ARGS, "--out",
                           str(tmp_path / "x.csv")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "x.csv").read_text(encoding="utf-8-sig").count("\n") == 3  # header and two events


@pytest.mark.skipif(not EVENTS_PATH.exists(), reason="the curated events file is not written yet")
def test_curated_events_export_by_default(tmp_path, capsys):
    out = tmp_path / "events.geojson"
    assert _run([*ARGS, "--out", str(out)], capsys)[0] == 0
    frame = gpd.read_file(out)
    assert len(frame) > 0
    assert (frame["date_end"] >= "2021-08-01").all() and (frame["date_start"] <= "2021-10-31").all()
