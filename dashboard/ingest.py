"""A new article in, candidate events out: the command line and the app's upload share this.

    python -m dashboard.ingest ARTICLE.txt --published 2021-08-17 [--title T] [--outlet O]
        [--url U] --out candidates.geojson [--force]

``--published`` takes a day (YYYY-MM-DD) or, when only the month is known, a month
(YYYY-MM); relative dates are then given the span they could cover. Candidates are written
as an events FeatureCollection, every event ``review_status: "unreviewed"``. An article's id
comes from its text, never its file name: a text already stored next to seeds/articles.json is
that article, any other text gets ``article_<hash of its words>``. For an article the registry
does not know yet, its record and its text travel in the file as the foreign members
``"article"`` and ``"article_text"``, so accept can check every quote against the text and
then register and store both.

Text must be UTF-8. We do not guess other encodings: every quote must be the article's
exact words, and a wrong guess would put garbled quotes on the map. Instead the error
names the encoding charset-normalizer detects, so the analyst can re-save the file.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from dashboard.cli import FIRST_YEAR, CliError, Parser, input_file, output_file, run
from dashboard.events import ARTICLES_PATH, EventValidationError, load_articles, validate_feature_collection
from dashboard.extract import candidate_feature, extract_candidates
from dashboard.files import write_atomically
from dashboard.gazetteer import Gazetteer, load_gazetteer
from dashboard.inputs import read_limited
from dashboard.validate import normalize_whitespace, stored_article_text

MAX_ARTICLE_BYTES = 2_000_000


class IngestError(ValueError):
    """Bad input; the message is one line an analyst can act on."""


def article_id_from_filename(filename: str) -> str:
    """A safe id from an uploaded file's name: its stem, lower case, letters/digits/_/- only.

    Folders in the name are dropped, so "../../etc/passwd.txt" gives "passwd"; the id is
    used as a key and in file names, never as a path the user chose.
    """
    stem = re.split(r"[\\/]", filename)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem.casefold()).strip("-_")[:80].strip("-_")
    return slug or "article"


def article_id_for_text(text: str) -> str:
    """An uploaded article's id, made from its words (whitespace runs collapsed), never its file name.

    The same text uploaded twice, under any name or with other line breaks, is the same
    article; a different text never takes an existing article's id (and its quotes).
    """
    digest = hashlib.sha256(normalize_whitespace(text).encode("utf-8")).hexdigest()[:16]
    return f"article_{digest}"


def file_title(filename: str) -> str:
    """A title for people when none is given: the uploaded file's name, without folders or extension."""
    name = re.split(r"[\\/]", filename)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return stem.strip() or "untitled article"


def _article_id(text: str, known_articles: dict[str, dict], articles_dir: Path) -> str:
    """The id of a registered article with this very text, else the id made from the text."""
    wanted = normalize_whitespace(text)
    for article_id in known_articles:
        stored = stored_article_text(article_id, articles_dir)
        if stored is not None and normalize_whitespace(stored) == wanted:
            return article_id
    article_id = article_id_for_text(text)
    if article_id in known_articles:
        raise IngestError(f"article id {article_id} is registered with a different text; the upload is not that article")
    return article_id


def decode_article(data: bytes, filename: str = "article") -> str:
    """The article's text, or an IngestError for empty, binary or non-UTF-8 input."""
    name = article_id_from_filename(filename)
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    if len(data) > MAX_ARTICLE_BYTES:
        raise IngestError(f"{name}: the file is {len(data):,} bytes; articles over {MAX_ARTICLE_BYTES:,} are refused")
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name}: this is a binary file, not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(f"{name}: the file is not UTF-8 text{_encoding_hint(data)}; save it as UTF-8 and try again") \
            from None
    if _control_characters(text) > 0.01 * len(text):
        raise IngestError(f"{name}: this looks like a binary file, not a text article")
    return text


def _encoding_hint(data: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return ""
    match = from_bytes(data).best()
    return f" (it looks like {match.encoding})" if match is not None else ""


def _control_characters(text: str) -> int:
    return sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")


def parse_published(text: str, *, today: date | None = None) -> tuple[date, date]:
    """The first and last possible publication day from 'YYYY-MM-DD' or 'YYYY-MM'.

    A publication date after today is refused: relative dates would land in the future.
    """
    today = today or date.today()
    value = str(text).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = map(int, value.split("-"))
            first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            first = last = date.fromisoformat(value)
        else:
            raise ValueError
    except ValueError:
        raise IngestError(f"published date {value!r} is not a date in the form YYYY-MM-DD (or YYYY-MM)") from None
    if first.year < FIRST_YEAR:
        raise IngestError(f"published date {value}: the year must be {FIRST_YEAR} or later")
    if first > today:
        raise IngestError(f"published date {value} is in the future (today is {today.isoformat()})")
    return first, min(last, today)


def article_record(
    article_id: str, published: str, *, title: str | None, outlet: str | None, url: str | None,
    precision: str = "day",
) -> dict:
    """The metadata record for seeds/articles.json, as the analyst gave it at ingest."""
    return {
        "id": article_id,
        "file": None,
        "title": title or article_id,
        "outlet": outlet or None,
        "published": published,
        "published_precision": precision,
        "published_basis": "given by the analyst at ingest",
        "url": url or None,
    }


def ingest_text(
    text: str,
    *,
    article_id: str,
    published: str,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    known_articles: dict[str, dict] | None = None,
    gazetteer: Gazetteer | None = None,
    today: date | None = None,
) -> dict:
    """Candidate events of one article as a validated FeatureCollection.

    Raises IngestError when the text has no dates, no known places, or never both in one
    sentence, so that an empty candidates file is never written.
    """
    first, last = parse_published(published, today=today)
    gazetteer = gazetteer or load_gazetteer()
    known_articles = load_articles(ARTICLES_PATH) if known_articles is None else known_articles
    read: dict[str, bool] = {}
    candidates = extract_candidates(text, first, gazetteer, published_until=None if first == last else last,
                                    read=read)
    if not candidates:
        raise IngestError(f"{article_id}: {_why_nothing_found(read)}")
    features, seen = [], set()
    for candidate in candidates:
        feature = candidate_feature(candidate, article_id)
        if feature["properties"]["id"] not in seen:  # a repeated sentence (pull quote) gives one event
            seen.add(feature["properties"]["id"])
            features.append(feature)
    collection: dict = {"type": "FeatureCollection", "features": features}
    if article_id not in known_articles:
        precision = "day" if first == last else "month"
        collection["article"] = article_record(
            article_id, first.isoformat(), title=title, outlet=outlet, url=url, precision=precision
        )
        collection["article_text"] = text  # accept checks every quote against it, then stores it
    try:
        validate_feature_collection(collection, source_name=article_id)
    except EventValidationError as error:  # a bug in extraction, not bad input: say so plainly
        raise IngestError(f"{article_id}: extracted events failed validation: {error.problems[0]}") from error
    return collection


def _why_nothing_found(read: dict[str, bool]) -> str:
    """The reason, from what extraction read in the story (a second pass doubled the time of long texts)."""
    has_dates, has_places = read["dates"], read["places"]
    if not has_dates and not has_places:
        return "no date expressions and no known places found"
    if not has_dates:
        return "no date expressions found (e.g. 'Aug. 3, 1995', 'in 2015', 'last week')"
    if not has_places:
        return "no known places found (places come from geodata/gazetteer.csv and geodata/gazetteer_places.csv)"
    return "dates and known places never appear in the same sentence"


def ingest_bytes(data: bytes, filename: str, published: str, *, articles_dir: Path | None = None,
                 **options) -> dict:
    """The upload path: decode, find the article by its text (never by its file name), extract.

    A text already stored in ``articles_dir`` (default: next to seeds/articles.json) is that
    article; any other text is a new article whose id is made from its words. Without a
    ``title`` the file's name is the title shown to people.
    """
    parse_published(published, today=options.get("today"))  # a bad date fails before the file is read
    text = decode_article(data, filename)
    if options.get("known_articles") is None:
        options["known_articles"] = load_articles(ARTICLES_PATH)
    article_id = _article_id(text, options["known_articles"], Path(articles_dir or ARTICLES_PATH.parent))
    options["title"] = options.get("title") or file_title(filename)
    return ingest_text(text, article_id=article_id, published=published, **options)


def article_id_of(collection: dict) -> str:
    """The article a candidates collection comes from (its file is named after it)."""
    return collection["features"][0]["properties"]["sources"][0]["article"]


def write_candidates(collection: dict, path: Path, *, overwrite: bool = False) -> Path:
    """Write atomically (temporary file, then rename); refuse to replace a file unless told."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise IngestError(f"{path} already exists; choose another --out or pass --force")
    if not path.parent.is_dir():
        raise IngestError(f"folder {path.parent} does not exist")
    return write_atomically(path, json.dumps(collection, ensure_ascii=False, indent=1) + "\n")


def summary(collection: dict) -> str:
    """'7 candidate events from 000_x: 3 explicit, 2 relative, 2 inferred'."""
    features = collection["features"]
    bases = Counter(feature["properties"]["date_basis"] for feature in features)
    article = features[0]["properties"]["sources"][0]["article"] if features else "?"
    parts = ", ".join(f"{bases[basis]} {basis}" for basis in ("explicit", "relative", "inferred") if bases[basis])
    noun = "event" if len(features) == 1 else "events"
    return f"{len(features)} candidate {noun} from {article}: {parts}"


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m dashboard.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("article", type=input_file, help="the article as a UTF-8 text file")
    parser.add_argument("--published", required=True, help="publication date, YYYY-MM-DD (or YYYY-MM)")
    parser.add_argument("--title")
    parser.add_argument("--outlet")
    parser.add_argument("--url")
    parser.add_argument("--out", required=True, type=Path,
                        help="where to write the candidates (.geojson): geodata/candidates/ or outside the project")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    return run("ingest", lambda: _ingest(parser.parse_args(argv)), known=(IngestError,))


def _ingest(args) -> int:
    from dashboard.review import CANDIDATES_DIR  # noqa: PLC0415 - review imports this module

    parse_published(args.published)
    try:
        output_file(args.out, allowed=[CANDIDATES_DIR], overwrite=args.force)
    except CliError as error:
        if "already exists" in str(error):
            raise IngestError(f"{args.out} already exists; choose another --out or pass --force") from None
        raise
    data = read_limited(args.article, MAX_ARTICLE_BYTES)
    collection = ingest_bytes(data, args.article.name, args.published, title=args.title, outlet=args.outlet,
                              url=args.url)
    write_candidates(collection, args.out, overwrite=args.force)
    print(summary(collection))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
