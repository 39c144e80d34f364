"""How well does extraction find the curated events? Recall and precision on the seed articles.

    python -m dashboard.ingest_eval                                     # the five seed articles
    python -m dashboard.ingest_eval --unseen tests/fixtures/unseen_articles  # articles the rules never saw
    python -m dashboard.ingest_eval --misses                            # and list what the seeds miss

Each seed article is run through the extractor with its publication date from
seeds/articles.json (a month-precision date is treated as "some day in that month") and
compared with the curated events that cite it. An extracted event matches a curated one
when their date spans overlap and the extracted point lies within the curated event's
``uncertainty_km`` (geodesic) plus a small tolerance.

recall    = curated events matched by at least one candidate / curated events
precision = candidates matching at least one curated event / candidates

``--unseen DIR`` scores a folder of articles with an ``expected.json`` (see
tests/fixtures/unseen_articles/README.md) by the same rule: each expected event's dates,
point and uncertainty_km stand in for a curated event's. Those articles were written by
someone who had not read the extractor; they are measured, never tuned to.

``--misses`` lists, per seed article, the curated events no candidate matches and the
candidates that match no curated event (date, place, quote), to see what a rule should
address. It is refused with ``--unseen``: that set is only ever read as numbers.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from dashboard.cli import CliError, Parser, input_dir, input_file, one_line, run
from dashboard.events import ARTICLES_PATH, EVENTS_PATH, ROOT, EventValidationError, load_articles, read_events_file
from dashboard.geo import GEOD
from dashboard.ingest import IngestError, ingest_text

SEEDS_DIR = ROOT / "seeds"
# Slack on top of the curated uncertainty: two gazetteer points for "the same" city may
# differ by a few km (city centre vs. district).
TOLERANCE_KM = 25.0


@dataclass(frozen=True)
class ArticleScore:
    article: str
    curated: int
    extracted: int
    curated_found: int
    extracted_correct: int

    @property
    def recall(self) -> float:
        return self.curated_found / self.curated if self.curated else float("nan")

    @property
    def precision(self) -> float:
        return self.extracted_correct / self.extracted if self.extracted else float("nan")


def events_match(candidate: dict, curated: dict, tolerance_km: float = TOLERANCE_KM) -> bool:
    """Dates overlap and the candidate lies within the curated event's uncertainty (+ tolerance)."""
    c, k = candidate["properties"], curated["properties"]
    if str(c["date_start"]) > str(k["date_end"]) or str(k["date_start"]) > str(c["date_end"]):
        return False
    (lon1, lat1), (lon2, lat2) = candidate["geometry"]["coordinates"], curated["geometry"]["coordinates"]
    _az, _back, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    return metres / 1000.0 <= float(k["uncertainty_km"]) + tolerance_km


def publication_span(record: dict) -> str:
    """'2021-08-17' for a day; '2021-08' when articles.json only knows the month."""
    published = str(record["published"])
    if record.get("published_precision") == "month":
        return published[:7]
    return published


def score_article(candidates: list[dict], curated: list[dict], article: str) -> ArticleScore:
    found = sum(1 for event in curated if any(events_match(c, event) for c in candidates))
    correct = sum(1 for c in candidates if any(events_match(c, event) for event in curated))
    return ArticleScore(article, len(curated), len(candidates), found, correct)


@dataclass(frozen=True)
class Misses:
    """What one article's extraction got wrong: curated events not found, candidates matching none."""

    article: str
    missed: list[dict]
    wrong: list[dict]


def find_misses(candidates: list[dict], curated: list[dict], article: str) -> Misses:
    return Misses(article, [e for e in curated if not any(events_match(c, e) for c in candidates)],
                  [c for c in candidates if not any(events_match(c, e) for e in curated)])


def evaluate(
    events_path: Path = EVENTS_PATH, articles_path: Path = ARTICLES_PATH, seeds_dir: Path = SEEDS_DIR
) -> list[ArticleScore]:
    """One score per seed article that has a text file in ``seeds_dir``."""
    return [score for score, _misses in evaluate_with_misses(events_path, articles_path, seeds_dir)]


def evaluate_with_misses(
    events_path: Path = EVENTS_PATH, articles_path: Path = ARTICLES_PATH, seeds_dir: Path = SEEDS_DIR
) -> list[tuple[ArticleScore, Misses]]:
    """Each seed article's score and its misses."""
    articles = load_articles(articles_path)
    collection = read_events_file(events_path, article_ids=set(articles))
    scores = []
    for article_id, record in sorted(articles.items()):
        path = Path(seeds_dir) / str(record.get("file") or "")
        if not record.get("file") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        candidates = ingest_text(text, article_id=article_id, published=publication_span(record),
                                 known_articles=articles)["features"]
        curated = [f for f in collection["features"]
                   if any(s.get("article") == article_id for s in f["properties"]["sources"])]
        scores.append((score_article(candidates, curated, article_id),
                       find_misses(candidates, curated, article_id)))
    return scores


def expected_as_event(expected: dict) -> dict:
    """An expected event of the unseen fixture in the shape ``events_match`` reads."""
    return {"properties": {key: expected[key] for key in ("date_start", "date_end", "uncertainty_km")},
            "geometry": {"type": "Point", "coordinates": [float(expected["lon"]), float(expected["lat"])]}}


def evaluate_unseen(folder: Path) -> list[ArticleScore]:
    """One score per article listed in ``folder/expected.json``."""
    listing = json.loads((Path(folder) / "expected.json").read_text(encoding="utf-8"))
    scores = []
    for article in listing["articles"]:
        article_id = Path(article["file"]).stem
        text = (Path(folder) / article["file"]).read_text(encoding="utf-8")
        try:
            candidates = ingest_text(text, article_id=article_id, published=article["published"],
                                     known_articles={article_id: {}})["features"]
        except IngestError:
            candidates = []  # nothing found is a score of zero, not a crash
        expected = [expected_as_event(event) for event in article["events"]]
        scores.append(score_article(candidates, expected, article_id))
    return scores


def overall(scores: list[ArticleScore]) -> ArticleScore:
    return ArticleScore("overall", *(sum(getattr(s, name) for s in scores)
                                     for name in ("curated", "extracted", "curated_found", "extracted_correct")))


def format_table(scores: list[ArticleScore]) -> str:
    width = max([22, *(len(score.article) for score in scores)])
    lines = [f"{'article':<{width}} {'curated':>7} {'found':>5} {'recall':>6}   {'extracted':>9} {'correct':>7} "
             f"{'precision':>9}"]
    for score in [*scores, overall(scores)]:
        lines.append(f"{score.article:<{width}} {score.curated:>7} {score.curated_found:>5} {score.recall:>6.0%}   "
                     f"{score.extracted:>9} {score.extracted_correct:>7} {score.precision:>9.0%}")
    return "\n".join(lines)


def _event_line(event: dict, article: str) -> str:
    p = event["properties"]
    dates = p["date_start"] if p["date_start"] == p["date_end"] else f"{p['date_start']}..{p['date_end']}"
    quotes = [s["quote"] for s in p.get("sources") or [] if s.get("article") == article]
    quote = one_line(quotes[0] if quotes else "", 160)
    return f"  {dates} {p.get('place', '?')} (±{p.get('uncertainty_km')} km) [{p.get('category')}]: {quote}"


def format_misses(misses: list[Misses]) -> str:
    lines = []
    for each in misses:
        if not each.missed and not each.wrong:
            continue
        lines.append(f"{each.article}")
        lines += [" missed:", *(_event_line(e, each.article) for e in each.missed)] if each.missed else []
        lines += [" wrong:", *(_event_line(c, each.article) for c in each.wrong)] if each.wrong else []
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m dashboard.ingest_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=input_file, default=EVENTS_PATH)
    parser.add_argument("--articles", type=input_file, default=ARTICLES_PATH)
    parser.add_argument("--seeds", type=input_dir, default=SEEDS_DIR, help="folder of the article texts")
    parser.add_argument("--unseen", type=input_dir, metavar="DIR",
                        help="score the articles of DIR against DIR/expected.json instead of the seeds")
    parser.add_argument("--misses", action="store_true",
                        help="also list the missed curated events and the wrong candidates of each seed article")
    return run("ingest_eval", lambda: _evaluate(parser.parse_args(argv)), known=(EventValidationError, IngestError))


def _evaluate(args) -> int:
    if args.unseen is not None:
        if args.misses:
            raise CliError("--misses lists the seed articles only: the unseen articles are measured, never read")
        if not (args.unseen / "expected.json").is_file():
            raise CliError(f"{args.unseen / 'expected.json'}: cannot read: no such file")
        print(format_table(evaluate_unseen(args.unseen)))
        return 0
    results = evaluate_with_misses(args.events, args.articles, args.seeds)
    if not results:
        raise CliError(f"{args.seeds}: none of the article files named in {args.articles} is there; nothing to score")
    print(format_table([score for score, _misses in results]))
    if args.misses:
        print(format_misses([misses for _score, misses in results]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
