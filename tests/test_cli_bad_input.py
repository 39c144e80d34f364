"""Every command-line tool refuses bad input with exit 2 and one line, and never changes the project.

Each case runs one tool on one bad input (missing, empty, binary, truncated, huge, deeply
nested, wrong type, bad numbers/dates/bboxes/names, outputs onto project files, folders,
read-only places) and checks: exit status 2, exactly one line on stderr, no traceback, and
every file under dashboard/, geodata/, seeds/ and tests/ byte-identical afterwards. The
good-input controls at the end must succeed. Tools run in-process through ``main(argv)``;
only the read-only cases (which need a non-root user) and the former hangs (which need a
hard timeout) run in a subprocess. Large inputs are generated in tmp_path.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ARTICLE = sorted(SEEDS.glob("0*.txt"))[0]
SHARED_SOURCES = ROOT.parent / "shared" / "geodata-sources"

# tool -> (module for ``python -m``, "module:function" called in-process)
TOOLS = {
    "validate": ("dashboard.validate", "dashboard.validate:main"),
    "export": ("dashboard.export", "dashboard.export.cli:main"),
    "ingest": ("dashboard.ingest", "dashboard.ingest:main"),
    "ingest_eval": ("dashboard.ingest_eval", "dashboard.ingest_eval:main"),
    "imports": ("dashboard.imports", "dashboard.imports.cli:main"),
    "review": ("dashboard.review", "dashboard.review:main"),
    "build_events": ("geodata.build_events", "geodata.build_events:main"),
    "build_layers": ("geodata.build_layers", "geodata.build_layers:main"),
    "build_gazetteer": ("geodata.build_gazetteer", "geodata.build_gazetteer:main"),
    "build_zones": ("geodata.build_zones", "geodata.build_zones:main"),
    "benchmark_page_open": ("benchmarks.page_open", "benchmarks.page_open:main"),
    "benchmark_browser_points": ("benchmarks.browser_points", "benchmarks.browser_points:main"),
    "benchmark": ("benchmarks.map", "benchmarks.map:main"),
    "benchmark_imports": ("benchmarks.imports", "benchmarks.imports:main"),
    "benchmark_export": ("benchmarks.export", "benchmarks.export:main"),
    "benchmark_extract": ("benchmarks.extract", "benchmarks.extract:main"),
}
NOBODY = 65534


def project_fingerprint() -> dict[str, str]:
    """sha256 of every project file a tool could damage (caches and test artifacts left out)."""
    digests = {}
    for top in ("dashboard", "geodata", "seeds", "tests", ".ci"):
        for path in sorted((ROOT / top).rglob("*")):
            parts = set(path.relative_to(ROOT).parts)
            if path.is_dir() or "__pycache__" in parts or "artifacts" in parts or ".pytest_cache" in parts:
                continue
            digests[str(path.relative_to(ROOT))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


# --- inputs (all written into the case's own folder) -----------------------------------------


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


GOOD_CSV = "lat,lon,date,title\n38.56,68.77,2021-08-03,Drill near Dushanbe\n37.91,69.78,2021-08-04,Talks in Kulob\n"
GOOD_FEATURE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [68.77, 38.56]},
                "properties": {"date": "2021-08-03", "title": "x"}}


def csv_file(d: Path, text: str, name: str = "data.csv") -> str:
    return str(write(d / name, text))


def geojson_file(d: Path, value: object, name: str = "data.geojson") -> str:
    return str(write(d / name, value if isinstance(value, str) else json.dumps(value)))


def nested_json(levels: int = 100_000) -> str:
    return '{"type":"FeatureCollection","features":' + "[" * levels + "]" * levels + "}"


def zip_of(d: Path, members: dict[str, str | bytes], name: str = "data.zip") -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return str(write(d / name, buffer.getvalue()))


def big_header_csv(d: Path) -> str:
    return csv_file(d, ",".join(f"c{i}" for i in range(1_500_000)) + "\n" + ",".join("1" * 1) + "\n")


def events_file(d: Path, features: list) -> str:
    return geojson_file(d, {"type": "FeatureCollection", "features": features}, "events.geojson")


def candidates(d: Path) -> str:
    """A real candidates file: the first seed article run through the extractor."""
    from dashboard.events import load_articles
    from dashboard.ingest import ingest_text

    articles = load_articles()
    article_id = SEED_ARTICLE.stem
    record = articles[article_id]
    published = record["published"][:7] if record.get("published_precision") == "month" else record["published"]
    collection = ingest_text(SEED_ARTICLE.read_text(encoding="utf-8"), article_id=article_id,
                             published=published, known_articles=articles)
    return geojson_file(d, collection, "candidates.geojson")


def bad_candidate(d: Path) -> tuple[str, str]:
    """A candidates file whose one event breaks the schema (a day-precision event spanning two days)."""
    collection = json.loads(Path(candidates(d)).read_text(encoding="utf-8"))
    feature = collection["features"][0]
    feature["properties"].update(date_precision="day", date_start="2021-08-01", date_end="2021-08-09")
    collection["features"] = [feature]
    return geojson_file(d, collection, "candidates.geojson"), feature["properties"]["id"]


def invented_quote(d: Path) -> tuple[str, str]:
    """A candidates file whose one event quotes a sentence its (seed) article does not contain."""
    collection = json.loads(Path(candidates(d)).read_text(encoding="utf-8"))
    feature = collection["features"][0]
    feature["properties"]["sources"][0]["quote"] = "Russia and the Taliban signed a secret treaty in Dushanbe."
    collection["features"] = [feature]
    return geojson_file(d, collection, "candidates.geojson"), feature["properties"]["id"]


def readonly_dir(d: Path) -> Path:
    """A folder nobody (uid 65534) can read but not write, inside a folder nobody can enter."""
    outer = Path(tempfile.mkdtemp(prefix="cli-readonly-"))
    _OUTSIDE_TMP.append(outer)
    outer.chmod(0o755)
    inner = outer / "ro"
    inner.mkdir()
    shutil.copy(SEED_ARTICLE, outer / "article.txt")
    write(outer / "data.csv", GOOD_CSV)
    (outer / "article.txt").chmod(0o644)
    (outer / "data.csv").chmod(0o644)
    inner.chmod(0o555)
    return outer


@dataclass(frozen=True)
class Case:
    tool: str
    name: str
    args: Callable[[Path], list[str]]
    mode: str = "inprocess"  # or "subprocess" (hard timeout) or "nobody" (subprocess as uid 65534)

    @property
    def id(self) -> str:
        return f"{self.tool}-{self.name}"


def case(tool: str, name: str, args: Callable[[Path], list[str]], mode: str = "inprocess") -> Case:
    return Case(tool, name, args, mode)


ART = str(SEED_ARTICLE)
PUB = ["--published", "2021-09-01"]

BAD_CASES = [
    # validate: input it cannot read
    case("validate", "events-missing", lambda d: ["--events", str(d / "nope.geojson")]),
    case("validate", "events-empty", lambda d: ["--events", geojson_file(d, "")]),
    case("validate", "events-binary", lambda d: ["--events", str(write(d / "b.geojson", os.urandom(4096)))]),
    case("validate", "events-truncated", lambda d: ["--events", geojson_file(d, '{"type":"FeatureCollection","fea')]),
    case("validate", "events-nested", lambda d: ["--events", geojson_file(d, nested_json())]),
    case("validate", "events-huge-number", lambda d: ["--events", geojson_file(d, '{"type":"FeatureCollection",'
                                                                                '"features":[' + "9" * 5000 + "]}")]),
    case("validate", "events-folder", lambda d: ["--events", str(d)]),
    case("validate", "articles-missing", lambda d: ["--articles", str(d / "articles.json")]),
    case("validate", "articles-truncated", lambda d: ["--articles", geojson_file(d, '[{"id": "a"', "a.json")]),
    case("validate", "articles-not-a-list", lambda d: ["--articles", geojson_file(d, '{"id": 3}', "a.json")]),
    case("validate", "unknown-option", lambda d: ["--evnts", "x"]),
    # export: arguments
    case("export", "bbox-tiny", lambda d: ["--bbox", "68,37,68.0000001,37.0000001", "--out", str(d / "x.png")],
         "subprocess"),
    case("export", "bbox-tiny-70", lambda d: ["--bbox", "70,35,70.0000001,35.0000001", "--out", str(d / "x.png")],
         "subprocess"),
    case("export", "bbox-polar", lambda d: ["--bbox", "0,86,10,90", "--out", str(d / "x.png")]),
    case("export", "bbox-inverted", lambda d: ["--bbox", "72,40,66,35", "--out", str(d / "x.png")]),
    case("export", "bbox-nan", lambda d: ["--bbox", "nan,35,72,40", "--out", str(d / "x.png")]),
    case("export", "bbox-three", lambda d: ["--bbox", "66,35,72", "--out", str(d / "x.png")]),
    case("export", "bbox-beyond-180", lambda d: ["--bbox", "-200,35,72,40", "--out", str(d / "x.png")]),
    case("export", "start-year-0", lambda d: ["--start", "0000-01-01", "--out", str(d / "x.csv")]),
    case("export", "start-year-1", lambda d: ["--start", "0001-01-01", "--out", str(d / "x.csv")]),
    case("export", "end-2150", lambda d: ["--end", "2150-06-01", "--out", str(d / "x.csv")]),
    case("export", "end-before-start", lambda d: ["--start", "2021-09-01", "--end", "2021-08-01", "--out", str(d / "x.csv")]),
    case("export", "size-zero", lambda d: ["--size", "0x0", "--out", str(d / "x.png")]),
    case("export", "size-huge", lambda d: ["--size", "100000x100000", "--out", str(d / "x.png")]),
    case("export", "size-word", lambda d: ["--size", "poster", "--out", str(d / "x.png")]),
    case("export", "layer-unknown", lambda d: ["--layers", "border,moon", "--out", str(d / "x.csv")]),
    case("export", "imports-unknown", lambda d: ["--imports", "nope\n", "--out", str(d / "x.csv")]),
    case("export", "category-unknown", lambda d: ["--categories", "picnic", "--out", str(d / "x.csv")]),
    case("export", "out-events", lambda d: ["--out", str(ROOT / "geodata" / "events.geojson")]),
    case("export", "out-layer", lambda d: ["--out", str(ROOT / "geodata" / "layers" / "panjshir.geojson")]),
    case("export", "out-static", lambda d: ["--out", str(ROOT / "dashboard" / "static" / "screenshot.png")]),
    case("export", "out-new-in-seeds", lambda d: ["--out", str(ROOT / "seeds" / "new.csv")]),
    case("export", "out-relative-project", lambda d: ["--out", "geodata/events.geojson"]),
    case("export", "out-folder", lambda d: ["--out", str((d / "x.png").mkdir() or d / "x.png")]),
    case("export", "out-missing-folder", lambda d: ["--out", str(d / "no" / "x.png")]),
    case("export", "out-extension", lambda d: ["--out", str(d / "x.docx")]),
    case("export", "out-readonly", lambda d: ["--out", str(readonly_dir(d) / "ro" / "x.csv")], "nobody"),
    case("export", "events-null-features", lambda d: ["--events-file", events_file(d, [None]), "--out", str(d / "x.csv")]),
    case("export", "events-properties-list", lambda d: [
        "--events-file", events_file(d, [{**GOOD_FEATURE, "properties": [1, 2]}]), "--out", str(d / "x.csv")]),
    case("export", "events-nested", lambda d: ["--events-file", geojson_file(d, nested_json()), "--out", str(d / "x.csv")]),
    case("export", "events-binary", lambda d: ["--events-file", str(write(d / "e.geojson", os.urandom(2048))),
                                               "--out", str(d / "x.csv")]),
    case("export", "events-missing", lambda d: ["--events-file", str(d / "none.geojson"), "--out", str(d / "x.csv")]),
    # ingest
    case("ingest", "article-missing", lambda d: [str(d / "none.txt"), *PUB, "--out", str(d / "c.geojson")]),
    case("ingest", "article-empty", lambda d: [str(write(d / "a.txt", "")), *PUB, "--out", str(d / "c.geojson")]),
    case("ingest", "article-binary", lambda d: [str(write(d / "a.txt", os.urandom(4096))), *PUB, "--out", str(d / "c.geojson")]),
    case("ingest", "article-latin1", lambda d: [str(write(d / "a.txt", "Caf\xe9 in Dushanbe in 2021.".encode("latin-1"))),
                                                *PUB, "--out", str(d / "c.geojson")]),
    case("ingest", "article-folder", lambda d: [str(d), *PUB, "--out", str(d / "c.geojson")]),
    case("ingest", "article-too-big", lambda d: [str(write(d / "a.txt", "In Dushanbe in 2021. " * 110_000)), *PUB,
                                                 "--out", str(d / "c.geojson")]),
    case("ingest", "article-one-long-line", lambda d: [str(write(d / "a.txt", "word and 1999 and more " * 20_000)), *PUB,
                                                       "--out", str(d / "c.geojson")], "subprocess"),
    case("ingest", "published-year-1", lambda d: [ART, "--published", "0001-01-01", "--out", str(d / "c.geojson")]),
    case("ingest", "published-2150", lambda d: [ART, "--published", "2150-01-01", "--out", str(d / "c.geojson")]),
    case("ingest", "published-word", lambda d: [ART, "--published", "yesterday", "--out", str(d / "c.geojson")]),
    case("ingest", "out-articles-force", lambda d: [ART, *PUB, "--out", str(SEEDS / "articles.json"), "--force"]),
    case("ingest", "out-app-force", lambda d: [ART, *PUB, "--out", str(ROOT / "dashboard" / "app.py"), "--force"]),
    case("ingest", "out-events-force", lambda d: [ART, *PUB, "--out", str(ROOT / "geodata" / "events.geojson"), "--force"]),
    case("ingest", "out-folder", lambda d: [ART, *PUB, "--out", str(d)]),
    case("ingest", "out-folder-force", lambda d: [ART, *PUB, "--out", str(d), "--force"]),
    case("ingest", "out-readonly", lambda d: [str(readonly_dir(d) / "article.txt"), *PUB, "--out",
                                              str(readonly_dir(d) / "ro" / "c.geojson")], "nobody"),
    # ingest_eval
    case("ingest_eval", "seeds-missing", lambda d: ["--seeds", str(d / "none")]),
    case("ingest_eval", "seeds-empty", lambda d: ["--seeds", str((d / "empty").mkdir() or d / "empty")]),
    case("ingest_eval", "seeds-file", lambda d: ["--seeds", ART]),
    case("ingest_eval", "events-truncated", lambda d: ["--events", geojson_file(d, '{"type": "Feature')]),
    case("ingest_eval", "events-null-features", lambda d: ["--events", events_file(d, [None])]),
    case("ingest_eval", "articles-truncated", lambda d: ["--articles", geojson_file(d, '[{"id":', "a.json")]),
    case("ingest_eval", "articles-binary", lambda d: ["--articles", str(write(d / "a.json", os.urandom(999)))]),
    case("ingest_eval", "events-missing", lambda d: ["--events", str(d / "none.geojson")]),
    case("ingest_eval", "unseen-missing", lambda d: ["--unseen", str(d / "none")]),
    case("ingest_eval", "unseen-no-expected", lambda d: ["--unseen", str(d)]),
    # imports
    case("imports", "file-missing", lambda d: [str(d / "none.csv"), "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "file-empty", lambda d: [csv_file(d, ""), "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "file-binary", lambda d: [str(write(d / "b.csv", os.urandom(8192))), "--name", "x",
                                              "--imports-dir", str(d / "imp")]),
    case("imports", "file-folder", lambda d: [str(d), "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "name-newline", lambda d: [csv_file(d, GOOD_CSV), "--name", "nl\n", "--imports-dir", str(d / "imp")]),
    case("imports", "max-mb-0", lambda d: [csv_file(d, GOOD_CSV), "--name", "x", "--max-mb", "0", "--imports-dir",
                                           str(d / "imp")]),
    case("imports", "name-upper", lambda d: [csv_file(d, GOOD_CSV), "--name", "Bad Name", "--imports-dir", str(d / "imp")]),
    case("imports", "name-empty", lambda d: [csv_file(d, GOOD_CSV), "--name", "", "--imports-dir", str(d / "imp")]),
    case("imports", "name-long", lambda d: [csv_file(d, GOOD_CSV), "--name", "a" * 41, "--imports-dir", str(d / "imp")]),
    case("imports", "name-path", lambda d: [csv_file(d, GOOD_CSV), "--name", "../x", "--imports-dir", str(d / "imp")]),
    case("imports", "name-existing", lambda d: [csv_file(d, GOOD_CSV), "--name", "x",
                                                "--imports-dir", str(write(d / "imp" / "x.geojson", "{}").parent)]),
    case("imports", "imports-dir-geodata", lambda d: [csv_file(d, GOOD_CSV), "--name", "events",
                                                      "--imports-dir", str(ROOT / "geodata")]),
    case("imports", "imports-dir-layers", lambda d: [csv_file(d, GOOD_CSV), "--name", "panjshir",
                                                     "--imports-dir", str(ROOT / "geodata" / "layers"), "--replace"]),
    case("imports", "imports-dir-dashboard", lambda d: [csv_file(d, GOOD_CSV), "--name", "x",
                                                        "--imports-dir", str(ROOT / "dashboard")]),
    case("imports", "imports-dir-file", lambda d: [csv_file(d, GOOD_CSV), "--name", "x", "--imports-dir", ART]),
    case("imports", "imports-dir-readonly", lambda d: [str(readonly_dir(d) / "data.csv"), "--name", "x",
                                                       "--imports-dir", str(readonly_dir(d) / "ro")], "nobody"),
    case("imports", "format-unknown", lambda d: [csv_file(d, GOOD_CSV), "--name", "x", "--format", "xlsx",
                                                 "--imports-dir", str(d / "imp")]),
    case("imports", "csv-year-0", lambda d: [csv_file(d, "lat,lon,date\n38.5,68.7,0000-01-01\n"), "--name", "x",
                                             "--imports-dir", str(d / "imp")]),
    case("imports", "csv-year-2150", lambda d: [csv_file(d, "lat,lon,date\n38.5,68.7,2150-06-01\n"), "--name", "x",
                                                "--imports-dir", str(d / "imp")]),
    case("imports", "csv-year-2199-written", lambda d: [csv_file(d, "lat,lon,date\n38.5,68.7,3 August 2199\n"),
                                                        "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "acled-year-0", lambda d: [csv_file(d, "event_date,event_type,actor1,latitude,longitude,"
                                                           "geo_precision,time_precision\n0000-01-01,Battles,A,38.5,68.7,1,1\n"),
                                               "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "ucdp-year-0", lambda d: [csv_file(d, "id,date_start,date_end,latitude,longitude,side_a,side_b\n"
                                                          "1,0000-01-01,0000-01-02,38.5,68.7,A,B\n"),
                                              "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "csv-field-200kb", lambda d: [csv_file(d, 'lat,lon,date,title\n38.5,68.7,2021-08-03,"' + "x" * 200_000 + '"\n'),
                                                  "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "csv-header-1.5m-columns", lambda d: [big_header_csv(d), "--name", "x", "--imports-dir", str(d / "imp")],
         "subprocess"),
    case("imports", "csv-5000-digit-lat", lambda d: [csv_file(d, "lat,lon,date\n" + "3" * 5000 + ",68.7,2021-08-03\n"),
                                                     "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "geojson-nested", lambda d: [geojson_file(d, nested_json()), "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "geojson-properties-list", lambda d: [
        geojson_file(d, {"type": "FeatureCollection", "features": [{**GOOD_FEATURE, "properties": ["a"]}]}),
        "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "geojson-null-features", lambda d: [
        geojson_file(d, {"type": "FeatureCollection", "features": [None, None]}), "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "geojson-5000-digits", lambda d: [
        geojson_file(d, '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point",'
                        '"coordinates":[' + "6" * 5000 + ',38]},"properties":{"date":"2021-08-03"}}]}'),
        "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "geojson-truncated", lambda d: [geojson_file(d, '{"type":"FeatureCollection","features":[{"ty'),
                                                    "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "zip-two-files", lambda d: [zip_of(d, {"a.csv": GOOD_CSV, "b.csv": GOOD_CSV}), "--name", "x",
                                                "--imports-dir", str(d / "imp")]),
    case("imports", "zip-exe", lambda d: [zip_of(d, {"run.exe": b"MZ\x90\x00"}), "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "zip-empty", lambda d: [zip_of(d, {}), "--name", "x", "--imports-dir", str(d / "imp")]),
    case("imports", "zip-corrupt", lambda d: [str(write(d / "d.zip", b"PK\x03\x04" + os.urandom(500))), "--name", "x",
                                              "--imports-dir", str(d / "imp")]),
    case("imports", "gz-corrupt", lambda d: [str(write(d / "d.csv.gz", b"\x1f\x8b\x08\x00" + os.urandom(500))), "--name", "x",
                                             "--imports-dir", str(d / "imp")]),
    case("imports", "gz-bomb", lambda d: [str(write(d / "d.csv.gz", gzip.compress(b"lat,lon,date\n" + b"0" * 250_000_000,
                                                                                 compresslevel=1))),
                                          "--name", "x", "--imports-dir", str(d / "imp")], "subprocess"),
    # review
    case("review", "no-command", lambda d: []),
    case("review", "list-missing", lambda d: ["list", str(d / "none.geojson")]),
    case("review", "list-binary", lambda d: ["list", str(write(d / "c.geojson", os.urandom(3000)))]),
    case("review", "list-truncated", lambda d: ["list", geojson_file(d, '{"type":"FeatureCollection","features":[')]),
    case("review", "list-folder", lambda d: ["list", str(d)]),
    case("review", "accept-unknown-id", lambda d: ["accept", candidates(d), "no-such-id"]),
    case("review", "accept-no-id", lambda d: ["accept", candidates(d)]),
    case("review", "reject-unknown-id", lambda d: ["reject", candidates(d), "no-such-id"]),
    case("review", "accept-invalid-event", lambda d: ["accept", *bad_candidate(d)]),
    case("review", "accept-invented-quote", lambda d: ["accept", *invented_quote(d)]),
    case("review", "accept-project-file", lambda d: ["reject", str(SEEDS / "articles.json"), "x"]),
    # build_events
    case("build_events", "source-missing", lambda d: ["--source", str(d / "none.json"), "--out", str(d / "e.geojson")]),
    case("build_events", "source-truncated", lambda d: ["--source", geojson_file(d, '{"events": [', "s.json"),
                                                        "--out", str(d / "e.geojson")]),
    case("build_events", "source-folder", lambda d: ["--source", str(d), "--out", str(d / "e.geojson")]),
    case("build_events", "source-binary", lambda d: ["--source", str(write(d / "s.json", os.urandom(700))),
                                                     "--out", str(d / "e.geojson")]),
    case("build_events", "source-null-events", lambda d: ["--source", geojson_file(d, '{"events": [null, 3]}', "s.json"),
                                                          "--out", str(d / "e.geojson")]),
    case("build_events", "places-missing", lambda d: ["--places", str(d / "none.geojson"), "--out", str(d / "e.geojson")]),
    case("build_events", "out-app", lambda d: ["--out", str(ROOT / "dashboard" / "app.py")]),
    case("build_events", "out-articles", lambda d: ["--out", str(SEEDS / "articles.json")]),
    case("build_events", "out-folder", lambda d: ["--out", str(d)]),
    case("build_events", "out-readonly", lambda d: ["--out", str(readonly_dir(d) / "ro" / "e.geojson")], "nobody"),
    # build_layers
    case("build_layers", "sources-empty", lambda d: ["--sources", str((d / "src").mkdir() or d / "src"), "--out", str(d)]),
    case("build_layers", "sources-missing", lambda d: ["--sources", str(d / "none"), "--out", str(d)]),
    case("build_layers", "sources-file", lambda d: ["--sources", ART, "--out", str(d)]),
    case("build_layers", "out-new-folder", lambda d: ["--out", str(d / "new")]),
    case("build_layers", "out-dashboard", lambda d: ["--out", str(ROOT / "dashboard")]),
    case("build_layers", "out-seeds", lambda d: ["--out", str(SEEDS)]),
    case("build_layers", "out-file", lambda d: ["--out", ART]),
    case("build_layers", "out-readonly", lambda d: ["--out", str(readonly_dir(d) / "ro")], "nobody"),
    # build_gazetteer
    case("build_gazetteer", "out-app", lambda d: ["--out", str(ROOT / "dashboard" / "app.py")]),
    case("build_gazetteer", "out-folder", lambda d: ["--out", str(d)]),
    case("build_gazetteer", "sources-missing", lambda d: ["--sources", str(d / "none"), "--out", str(d / "g.csv")]),
    case("build_zones", "out-app", lambda d: ["--out", str(ROOT / "dashboard" / "app.py")]),
    case("build_zones", "out-folder", lambda d: ["--out", str(d)]),
    # benchmarks
    case("benchmark_page_open", "runs-0", lambda d: ["--runs", "0"]),
    case("benchmark_browser_points", "sizes-word", lambda d: ["--sizes", "abc"]),
    case("benchmark", "repeat-0", lambda d: ["--repeat", "0"]),
    case("benchmark", "repeat-negative", lambda d: ["--repeat", "-3"]),
    case("benchmark", "repeat-word", lambda d: ["--repeat", "abc"]),
    case("benchmark", "sizes-word", lambda d: ["--sizes", "abc"]),
    case("benchmark", "sizes-negative", lambda d: ["--sizes", "-5"]),
    case("benchmark", "sizes-zero", lambda d: ["--sizes", "0"]),
    case("benchmark", "sizes-huge", lambda d: ["--sizes", "1e15"]),
    case("benchmark", "sizes-empty", lambda d: ["--sizes", ""]),
    case("benchmark_imports", "sizes-word", lambda d: ["--sizes", "abc"]),
    case("benchmark_imports", "sizes-negative", lambda d: ["--sizes", "-5"]),
    case("benchmark_imports", "sizes-zero", lambda d: ["--sizes", "10,0"]),
    case("benchmark_imports", "sizes-huge", lambda d: ["--sizes", "1e15"]),
    case("benchmark_imports", "geojson-max-word", lambda d: ["--geojson-max", "abc"]),
    case("benchmark_imports", "step-unknown", lambda d: ["--step", "nope", "x"]),
    case("benchmark_export", "unknown-option", lambda d: ["--fast"]),
    case("benchmark_extract", "words-zero", lambda d: ["--words", "0"]),
    case("benchmark_extract", "repeat-word", lambda d: ["--repeat", "many"]),
]


# Folders the unprivileged user must reach, so made outside pytest's private tmp_path; removed at the end.
_OUTSIDE_TMP: list[Path] = []


@pytest.fixture(scope="module")
def project_before() -> Iterator[dict[str, str]]:
    yield project_fingerprint()
    for folder in _OUTSIDE_TMP:
        shutil.rmtree(folder, ignore_errors=True)  # root removes read-only folders too


@pytest.fixture
def isolated(tmp_path, monkeypatch) -> Path:
    """The case's own folder; imports default there too, so nothing reaches geodata/imports."""
    monkeypatch.setenv("DASHBOARD_IMPORTS_DIR", str(tmp_path / "default-imports"))
    monkeypatch.chdir(ROOT)
    return tmp_path


def run_tool(tool: str, argv: list[str], mode: str, capsys) -> tuple[int, str, str]:
    module, target = TOOLS[tool]
    if mode == "inprocess":
        module_name, function = target.split(":")
        try:
            code = getattr(importlib.import_module(module_name), function)(argv)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err
    command = [sys.executable, "-m", module, *argv]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if mode == "nobody":
        if os.geteuid() != 0:
            pytest.skip("needs root to run the tool as the unprivileged user 'nobody'")
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
        config = Path(tempfile.mkdtemp(prefix="cli-nobody-config-"))
        _OUTSIDE_TMP.append(config)
        config.chmod(0o777)
        env["MPLCONFIGDIR"] = str(config)  # matplotlib's cache, which nobody cannot keep in /root
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("bad", BAD_CASES, ids=[c.id for c in BAD_CASES])
def test_bad_input_is_refused_with_one_line(bad: Case, isolated: Path, project_before, capsys):
    argv = bad.args(isolated)
    code, _out, err = run_tool(bad.tool, argv, bad.mode, capsys)
    lines = err.strip().splitlines()
    assert code == 2, f"exit {code}; stderr: {err[-2000:]}"
    assert "Traceback" not in err
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {err[-2000:]}"
    assert project_fingerprint() == project_before, "a refused run changed a project file"


def test_there_are_at_least_80_cases_over_every_tool():
    assert len(BAD_CASES) >= 80
    assert {c.tool for c in BAD_CASES} == set(TOOLS)


# --- good input: the same tools succeed -------------------------------------------------------

GOOD_CASES = [
    case("validate", "curated", lambda d: []),
    case("export", "csv", lambda d: ["--start", "2021-08-01", "--end", "2021-10-31", "--out", str(d / "x.csv")]),
    case("export", "png-bbox", lambda d: ["--bbox", "66,35,72,40", "--out", str(d / "x.png")]),
    case("ingest", "seed-article", lambda d: [ART, *PUB, "--out", str(d / "c.geojson")]),
    case("ingest_eval", "seeds", lambda d: []),
    case("imports", "csv", lambda d: [csv_file(d, GOOD_CSV), "--name", "ok", "--imports-dir", str(d / "imp")]),
    case("imports", "format-any-case", lambda d: [csv_file(d, GOOD_CSV), "--name", "ok", "--format", "CSV",
                                                  "--imports-dir", str(d / "imp")]),
    case("imports", "zip-one-csv", lambda d: [zip_of(d, {"events.csv": GOOD_CSV}), "--name", "ok",
                                              "--imports-dir", str(d / "imp")]),
    case("imports", "gz-csv", lambda d: [str(write(d / "d.csv.gz", gzip.compress(GOOD_CSV.encode()))), "--name", "ok",
                                         "--imports-dir", str(d / "imp")]),
    case("imports", "zip-geojson", lambda d: [zip_of(d, {"d.geojson": json.dumps(
        {"type": "FeatureCollection", "features": [GOOD_FEATURE]})}), "--name", "ok", "--imports-dir", str(d / "imp")]),
    case("review", "list", lambda d: ["list", candidates(d)]),
    case("review", "reject", lambda d: ["reject", candidates(d),
                                        json.loads(Path(d / "candidates.geojson").read_text())["features"][0]["properties"]["id"]]),
    case("build_events", "out-elsewhere", lambda d: ["--out", str(d / "events.geojson")]),
    case("build_events", "check", lambda d: ["--check"]),
    case("build_events", "check-as-script", lambda d: ["--check"], "script"),
    case("build_events", "check-as-module", lambda d: ["--check"], "subprocess"),
    case("build_layers", "out-elsewhere", lambda d: ["--out", str(shutil.copy(ROOT / "geodata" / "gazetteer.csv", d)
                                                                  and d)]),
]


@pytest.mark.parametrize("good", GOOD_CASES, ids=[c.id for c in GOOD_CASES])
def test_good_input_succeeds_and_leaves_the_project_alone(good: Case, isolated: Path, project_before, capsys):
    if good.tool == "build_layers" and not SHARED_SOURCES.is_dir():
        pytest.skip(f"the layer sources are not present at {SHARED_SOURCES}")
    argv = good.args(isolated)
    if good.mode == "script":
        done = subprocess.run([sys.executable, str(ROOT / "geodata" / f"{good.tool}.py"), *argv], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        code, err = done.returncode, done.stderr
    else:
        code, _out, err = run_tool(good.tool, argv, good.mode, capsys)
    assert code == 0, err[-2000:]
    assert project_fingerprint() == project_before


@pytest.mark.parametrize("features", [[None], [{**GOOD_FEATURE, "properties": [1, 2]}], [GOOD_FEATURE, 7]],
                         ids=["null", "properties-list", "number"])
def test_validate_reports_malformed_features_as_problems(features, isolated, capsys):
    """Content problems are validate's report (exit 1, one line per problem), never a traceback."""
    code, _out, err = run_tool("validate", ["--events", events_file(isolated, features)], "inprocess", capsys)
    assert code == 1 and "Traceback" not in err
    assert "not a GeoJSON Feature object" in err or "'properties' is not an object" in err
