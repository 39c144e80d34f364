"""Accepting and rejecting candidate events.

The curated events are generated: geodata/build_events.py builds events.geojson from the
human-edited events_source.json. Accepting therefore appends the events to
events_source.json and rebuilds events.geojson with that same script, so the two never
disagree and ``build_events.py --check`` keeps passing. (Where no events_source.json sits
next to the events file, the events are appended to the events file itself.)

Nothing existing changes: every new file is first written beside the old one, the new
events file is validated whole with dashboard.events.read_events_file (article ids must
exist), the old files are copied to ``*.bak``, and only then are the new files renamed
over them. A new article is registered in seeds/articles.json in the same step, before
the events that cite it. If anything fails, every file stays byte-for-byte as it was.
Files are rewritten in the byte layout they already have (detected by re-serialising them
and comparing bytes), so existing features and records keep their exact text.

Accept re-checks every quote verbatim against the stored text of its article (the check of
``python -m dashboard.validate``) and refuses the whole batch otherwise: an upload cannot put
words in a registered article's mouth. A new article's text, carried in the candidates file,
is stored beside seeds/articles.json as ``<id>.txt`` in the same step as its record.

An analyst's accept means "I read the quote; the date, place and category are right", so
accepted events are stored with ``review_status: "reviewed"``. They keep their quote and
date_note; the extractor's working notes (``extraction``) are dropped. Accepted and
rejected candidates both leave the candidates file.
"""

from __future__ import annotations

import fcntl
import functools
import importlib.util
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from contextlib import ExitStack, contextmanager
from pathlib import Path

from dashboard.cli import Parser, input_file, output_file, run
from dashboard.events import ARTICLES_PATH, EVENTS_PATH, ROOT, EventValidationError, read_events_file
from dashboard.files import temporary_copy, write_atomically
from dashboard.inputs import MAX_JSON_BYTES, InputError, parse_json, read_limited
from dashboard.validate import find_quote_problems, stored_article_text

CANDIDATES_DIR = ROOT / "geodata" / "candidates"
ACCEPTED_STATUS = "reviewed"
ARTICLE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")  # a new article's id names its text file


class ReviewError(ValueError):
    """Accept/reject could not be done; nothing was changed. The message is one line."""


# --- layouts ------------------------------------------------------------------------------


def _one_feature_per_line(collection: dict) -> str:
    """The layout of geodata/build_layers.py's write_collection: small diffs, stable bytes."""
    lines = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in collection["features"]]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def _indented(indent: int, ascii_only: bool = False) -> Callable[[object], str]:
    return lambda value: json.dumps(value, ensure_ascii=ascii_only, indent=indent) + "\n"


_LAYOUTS: list[Callable[[object], str]] = [
    _one_feature_per_line,
    *(_indented(n) for n in (1, 2, 4)),
    *(_indented(n, ascii_only=True) for n in (1, 2, 4)),
]


def _layout_of(text: str, value: object, path: Path) -> Callable[[object], str]:
    """The serialiser that reproduces ``text`` exactly, so rewriting changes nothing else."""
    for layout in _LAYOUTS:
        try:
            if layout(value) == text:
                return layout
        except (KeyError, TypeError):
            continue
    raise ReviewError(f"{path}: its layout is not one this tool can rewrite without reformatting it; "
                      "regenerate it with its build script first")


# --- files --------------------------------------------------------------------------------


def _read_json(path: Path, what: str) -> tuple[str, object]:
    """The file's text and its JSON, read within dashboard.inputs' size, depth and digit limits."""
    if not Path(path).exists():
        raise ReviewError(f"{what} {path} does not exist")
    try:
        data = read_limited(path, MAX_JSON_BYTES)
        return data.decode("utf-8"), parse_json(data, str(path))
    except (InputError, UnicodeDecodeError) as error:
        raise ReviewError(f"{what} {path} cannot be read: {error}") from None


@contextmanager
def _folders_locked(*paths: Path):
    """Hold an exclusive lock on the folders of ``paths`` (sorted, so two holders never deadlock).

    A lock on the folder itself (flock on its descriptor) creates no file and survives the
    renames that replace the files inside it; every accept and reject takes it, so two at
    once (two app sessions, the app and the command line) run one after the other and
    neither loses the other's change.
    """
    with ExitStack() as stack:
        for folder in sorted({Path(path).resolve().parent for path in paths}):
            descriptor = os.open(folder, os.O_RDONLY)
            stack.callback(os.close, descriptor)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield


def _one_at_a_time(function):
    """Run an accept or reject while holding the folders of every file it rewrites."""

    @functools.wraps(function)
    def locked(candidates_path, ids, **paths):
        with _folders_locked(candidates_path, paths.get("events_path", EVENTS_PATH),
                             paths.get("articles_path", ARTICLES_PATH)):
            return function(candidates_path, ids, **paths)

    return locked


def load_candidates(path: Path) -> dict:
    """A candidates FeatureCollection as written by dashboard.ingest (checked for shape only)."""
    _text, collection = _read_json(Path(path), "candidates file")
    if not isinstance(collection, dict) or not isinstance(collection.get("features"), list):
        raise ReviewError(f"candidates file {path} is not a GeoJSON FeatureCollection")
    return collection


def _one_line(error: EventValidationError, temporary: Path, real: Path) -> str:
    first = error.problems[0].replace(str(temporary), str(real))
    more = len(error.problems) - 1
    return first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


# --- accept and reject --------------------------------------------------------------------


def accepted_feature(candidate: dict) -> dict:
    """The curated form of an accepted candidate: reviewed, without the extractor's working notes."""
    properties = {key: value for key, value in candidate["properties"].items() if key != "extraction"}
    properties["review_status"] = ACCEPTED_STATUS
    return {"type": "Feature", "properties": properties, "geometry": candidate["geometry"]}


def _select(collection: dict, ids: Iterable[str], path: Path) -> list[dict]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise ReviewError("no event ids given")
    by_id = {(f.get("properties") or {}).get("id"): f for f in collection["features"]}
    missing = [event_id for event_id in wanted if event_id not in by_id]
    if missing:
        raise ReviewError(f"{path} has no candidate {missing[0]!r}")
    return [by_id[event_id] for event_id in wanted]


def _build_events_module():
    """geodata/build_events.py, which turns events_source.json into events.geojson."""
    spec = importlib.util.spec_from_file_location("build_events", ROOT / "geodata" / "build_events.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@_one_at_a_time
def accept_events(
    candidates_path: Path,
    ids: Iterable[str],
    *,
    events_path: Path = EVENTS_PATH,
    articles_path: Path = ARTICLES_PATH,
) -> list[str]:
    """Add the chosen candidates to the curated events; return their ids.

    The curated events are generated: geodata/build_events.py builds events.geojson from
    the human-edited events_source.json next to it. When that source file exists, the
    accepted events are appended to it and events.geojson is rebuilt with the same script,
    so ``build_events.py --check`` keeps passing (the build sorts by date, so new events
    land in date order; existing features keep their exact bytes). Without a source file,
    the events are appended to events.geojson itself.

    Every quote of the chosen candidates is checked verbatim against the stored text of its
    article (``find_quote_problems``, as ``python -m dashboard.validate`` does); a new
    article's text comes from the candidates file and is stored as ``<id>.txt`` beside the
    article registry, with its record. The accepted candidates leave the candidates file.
    Raises ReviewError (and changes nothing) if an id is unknown, a quote is not in its
    article's text, or the resulting events would not validate.
    """
    candidates_path, events_path, articles_path = Path(candidates_path), Path(events_path), Path(articles_path)
    candidates = load_candidates(candidates_path)
    chosen = _select(candidates, ids, candidates_path)
    accepted = [accepted_feature(f) for f in chosen]

    # Final path -> new text, in the order of renaming: the articles first, so that the
    # events never cite an article that is not registered.
    new_files: dict[Path, str] = {}
    articles_text, articles = _read_json(articles_path, "articles file")
    if not isinstance(articles, list):
        raise ReviewError(f"articles file {articles_path} is not a list of article records")
    article_ids = {record.get("id") for record in articles if isinstance(record, dict)}
    record = candidates.get("article")
    cited = {s.get("article") for f in accepted for s in f["properties"].get("sources") or []}
    new_texts: dict[str, str] = {}
    if isinstance(record, dict) and record.get("id") in cited and record.get("id") not in article_ids:
        text_path, text = _new_article_text(candidates, record["id"], candidates_path, articles_path.parent)
        new_texts[record["id"]] = text
        if text_path is not None:
            new_files[text_path] = text
        record = {**record, "file": f"{record['id']}.txt"}
        new_files[articles_path] = _layout_of(articles_text, articles, articles_path)([*articles, record])
        article_ids.add(record["id"])
    unknown = sorted(article for article in cited if article and article not in article_ids)
    if unknown:
        raise ReviewError(f"{candidates_path}: sources.article: unknown article {unknown[0]!r}; nothing was accepted")
    # The same check as python -m dashboard.validate: every quote, verbatim, in its article's stored text.
    problems = find_quote_problems({"features": accepted}, articles_path.parent, source_name=str(candidates_path),
                                   texts=new_texts)
    if problems:
        more = len(problems) - 1
        raise ReviewError(problems[0] + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
                          + "; nothing was accepted")

    events_text, events = _read_json(events_path, "events file")
    source_path = events_path.with_name("events_source.json")
    if source_path.is_file():
        new_files.update(_rebuilt_from_source(source_path, events_path, events_text, accepted))
    else:
        events_layout = _layout_of(events_text, events, events_path)
        new_files[events_path] = events_layout({**events, "features": [*events["features"], *accepted]})

    _commit(new_files, validate=lambda temporaries: _validate(temporaries[events_path], events_path, article_ids))
    _remove_candidates(candidates_path, candidates, {f["properties"]["id"] for f in chosen})
    return [f["properties"]["id"] for f in chosen]


def _new_article_text(candidates: dict, article_id: object, candidates_path: Path,
                      articles_dir: Path) -> tuple[Path | None, str]:
    """A new article's text from its candidates file, and where to store it (None: already stored)."""
    if not isinstance(article_id, str) or not ARTICLE_ID.fullmatch(article_id):
        raise ReviewError(f"{candidates_path}: article id {str(article_id)[:80]!r} is not a plain id")
    text = candidates.get("article_text")
    if not isinstance(text, str) or not text.strip():
        raise ReviewError(f"{candidates_path}: no stored text for new article {article_id}, so its quotes "
                          "cannot be checked; ingest the article again")
    stored = stored_article_text(article_id, articles_dir)
    if stored is not None and stored != text:
        raise ReviewError(f"{articles_dir / (article_id + '.txt')} already holds a different text for article "
                          f"{article_id}")
    return (articles_dir / f"{article_id}.txt" if stored is None else None), text


def _rebuilt_from_source(source_path: Path, events_path: Path, events_text: str, accepted: list[dict]) -> dict:
    """New texts of events_source.json (events appended) and of events.geojson (rebuilt)."""
    build = _build_events_module()
    places_path = events_path.parent / "context" / "places.geojson"
    source_text, source = _read_json(source_path, "events source")
    try:
        current = build.render(build.build_collection(source_path, places_path))
    except build.BuildError as error:
        raise ReviewError(error.problems[0]) from None
    if current != events_text:
        raise ReviewError(f"{events_path} is out of date with {source_path.name}; "
                          "run python geodata/build_events.py first")
    events_list = source["events"] if isinstance(source, dict) else source
    new_events = [*events_list, *(f["properties"] for f in accepted)]
    new_source = {**source, "events": new_events} if isinstance(source, dict) else new_events
    new_source_text = _layout_of(source_text, source, source_path)(new_source)
    temporary = temporary_copy(source_path, new_source_text)
    try:
        rebuilt = build.render(build.build_collection(temporary, places_path))
    except build.BuildError as error:
        raise ReviewError(error.problems[0].replace(str(temporary), str(source_path))) from None
    finally:
        temporary.unlink(missing_ok=True)
    return {source_path: new_source_text, events_path: rebuilt}


def _validate(temporary: Path, real: Path, article_ids: set[str]) -> None:
    try:
        read_events_file(temporary, article_ids=article_ids)
    except EventValidationError as error:
        raise ReviewError(_one_line(error, temporary, real)) from None


def _commit(new_files: dict[Path, str], validate: Callable[[dict[Path, Path]], None]) -> None:
    """Write every new text beside its file, validate, back the old files up, then rename
    in the order given."""
    temporaries: dict[Path, Path] = {}
    try:
        for path, text in new_files.items():
            temporaries[path] = temporary_copy(path, text)
        validate(temporaries)
        for path in new_files:
            if path.exists():  # a new article's text is a new file
                shutil.copy2(path, path.with_name(path.name + ".bak"))
        for path in new_files:
            os.replace(temporaries[path], path)
    finally:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)


@_one_at_a_time
def reject_events(candidates_path: Path, ids: Iterable[str]) -> list[str]:
    """Remove the chosen candidates from the candidates file; return their ids."""
    candidates_path = Path(candidates_path)
    candidates = load_candidates(candidates_path)
    chosen = _select(candidates, ids, candidates_path)
    removed = {f["properties"]["id"] for f in chosen}
    _remove_candidates(candidates_path, candidates, removed)
    return [f["properties"]["id"] for f in chosen]


def _remove_candidates(path: Path, candidates: dict, ids: set[str]) -> None:
    remaining = [f for f in candidates["features"] if (f.get("properties") or {}).get("id") not in ids]
    write_atomically(path, json.dumps({**candidates, "features": remaining}, ensure_ascii=False, indent=1) + "\n")


# --- the command line -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard.review list|accept|reject CANDIDATES.geojson [ID ...]``: what the app's buttons do."""
    parser = Parser(prog="python -m dashboard.review",
                    description="List, accept or reject candidate events (the same code as the app's buttons).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="list|accept|reject")
    for name, summary in (("list", "print the candidates: id, date, place, title"),
                          ("accept", "add candidates to the curated events (reviewed)"),
                          ("reject", "remove candidates from the candidates file")):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("candidates", type=input_file, help="a candidates .geojson written by dashboard.ingest")
        if name != "list":
            command.add_argument("ids", nargs="+", metavar="ID")
        if name == "accept":
            command.add_argument("--events", type=input_file, default=EVENTS_PATH)
            command.add_argument("--articles", type=input_file, default=ARTICLES_PATH)
    return run("review", lambda: _review(parser.parse_args(argv)), known=(ReviewError,))


def _review(args) -> int:
    if args.command == "list":
        for feature in load_candidates(args.candidates)["features"]:
            props = (feature or {}).get("properties") or {}
            print("\t".join(str(props.get(key, "")) for key in ("id", "date_start", "place", "title")))
        return 0
    output_file(args.candidates, allowed=[CANDIDATES_DIR])
    if args.command == "reject":
        removed = reject_events(args.candidates, args.ids)
        print(f"rejected {len(removed)}: {', '.join(removed)}")
        return 0
    source = args.events.with_name("events_source.json")
    output_file(args.events, allowed=[EVENTS_PATH, EVENTS_PATH.with_name("events_source.json")])
    if source.is_file():
        output_file(source, allowed=[EVENTS_PATH.with_name("events_source.json")])
    output_file(args.articles, allowed=[ARTICLES_PATH])
    accepted = accept_events(args.candidates, args.ids, events_path=args.events, articles_path=args.articles)
    print(f"accepted {len(accepted)}: {', '.join(accepted)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
