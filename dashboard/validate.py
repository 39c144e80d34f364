"""Validate the curated events and the map layers.

    python -m dashboard.validate [--events geodata/events.geojson] [--articles seeds/articles.json]

Checks, in order:

1. the events file against the event schema (``dashboard.events.read_events_file``), with every
   ``sources[].article`` one of the ids in seeds/articles.json;
2. every quote is a verbatim substring of its article (whitespace runs collapsed on both sides);
3. no event starts after the publication of an article that reports it (an article published
   with month precision is taken to end on the last day of its month);
4. the layers and context files (``dashboard.layers.validate_layers``).

Exit status 0 with a one-line summary when all is well; 1 with one problem per line (each
naming the file, the event id and the field) otherwise; 2 with one line when a file cannot
be read at all (missing, not UTF-8, not JSON, too large or too deeply nested).
"""

from __future__ import annotations

import calendar
import re
import sys
from datetime import date
from pathlib import Path

from dashboard.cli import Parser, input_file, run
from dashboard.events import ARTICLES_PATH, EVENTS_PATH, EventValidationError, load_articles, validate_feature_collection
from dashboard.inputs import load_json

_WHITESPACE = re.compile(r"\s+")


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WHITESPACE.sub(" ", text).strip()


def _label(source_name: str, feature: dict, index: int) -> str:
    props = (feature or {}).get("properties") or {}
    return f"{source_name}: event {props.get('id') or f'#{index}'}"


def stored_article_text(article_id: str, articles_dir: Path) -> str | None:
    """The stored text of an article (``articles_dir/<id>.txt``), or None when there is none."""
    path = Path(articles_dir) / f"{article_id}.txt"
    if Path(article_id).name != article_id or not path.is_file():  # an id is never a path
        return None
    return path.read_text(encoding="utf-8")


def find_quote_problems(collection: dict, articles_dir: Path, *, source_name: str = "events",
                        texts: dict[str, str] | None = None) -> list[str]:
    """Problems with the quotes of a FeatureCollection of events; empty when every quote is verbatim.

    A source with an ``article`` id must quote text found in ``articles_dir/<id>.txt`` (or in
    ``texts[id]``, an article about to be stored), ignoring differences in whitespace only
    (curly quotes, dashes and case must match exactly).
    """
    articles_dir = Path(articles_dir)
    texts = {article: normalize_whitespace(text) for article, text in (texts or {}).items()}
    problems = []
    for index, feature in enumerate(collection.get("features") or []):
        label = _label(source_name, feature, index)
        sources = ((feature or {}).get("properties") or {}).get("sources") or []
        for number, source in enumerate(sources):
            article = source.get("article")
            if not article:
                continue
            if article not in texts:
                stored = stored_article_text(article, articles_dir)
                texts[article] = normalize_whitespace(stored) if stored is not None else None
            text = texts[article]
            field = f"sources.{number}.quote"
            if text is None:
                problems.append(f"{label}: sources.{number}.article: no article file {article}.txt in {articles_dir}")
                continue
            quote = normalize_whitespace(source.get("quote") or "")
            if not quote:
                problems.append(f"{label}: {field}: empty quote")
            elif quote not in text:
                problems.append(f"{label}: {field}: not found verbatim in article {article}: {quote[:70]!r}")
    return problems


def published_end(article: dict) -> date:
    """The last day an article may have been published: its date, or the end of its month."""
    published = date.fromisoformat(article["published"])
    if article.get("published_precision") == "month":
        return published.replace(day=calendar.monthrange(published.year, published.month)[1])
    return published


def find_date_problems(collection: dict, articles: dict[str, dict], *, source_name: str = "events") -> list[str]:
    """Events that start after the publication of an article that reports them."""
    problems = []
    for index, feature in enumerate(collection.get("features") or []):
        props = (feature or {}).get("properties") or {}
        label = _label(source_name, feature, index)
        try:
            start = date.fromisoformat(str(props.get("date_start")))
        except ValueError:
            continue  # the schema check reports it
        for number, source in enumerate(props.get("sources") or []):
            article = articles.get(source.get("article") or "")
            if article is None:
                continue
            end = published_end(article)
            if start > end:
                problems.append(f"{label}: date_start: {start} is after the publication of article "
                                f"{article['id']} (sources.{number}; published by {end})")
    return problems


def layer_problems() -> tuple[list[str], str | None]:
    """Problems in the layers, and a note when the layer check is not available yet."""
    try:
        from dashboard.layers import validate_layers
    except ImportError as error:
        return [], f"layers not checked: dashboard.layers.validate_layers is not available ({error})"
    return list(validate_layers()), None


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m dashboard.validate", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=input_file, default=EVENTS_PATH)
    parser.add_argument("--articles", type=input_file, default=ARTICLES_PATH,
                        help="articles.json; the article texts are the <id>.txt files next to it")
    return run("validate", lambda: _validate(parser.parse_args(argv)))


def _validate(args) -> int:
    """Exit 2 when a file cannot be read at all; 1 with one problem per line when its content is wrong."""
    articles = load_articles(args.articles)
    collection = load_json(args.events)
    problems: list[str] = []
    try:
        validate_feature_collection(collection, source_name=str(args.events), article_ids=set(articles))
    except EventValidationError as error:
        problems += error.problems
    if not problems:
        problems += find_quote_problems(collection, args.articles.parent, source_name=str(args.events))
        problems += find_date_problems(collection, articles, source_name=str(args.events))
    found, note = layer_problems()
    problems += found
    if note:
        print(note, file=sys.stderr)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    features = collection["features"]
    quotes = sum(len(f["properties"]["sources"]) for f in features)
    print(f"ok: {len(features)} events, {quotes} quotes from {len(articles)} articles verified"
          + ("" if note else "; layers valid"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
