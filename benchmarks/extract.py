"""Print how long extraction takes for an article of a given length (never asserted in tests).

    python -m benchmarks.extract [--words 5000] [--repeat 5]

The article is the five seed articles joined and cut (or repeated) to the word count, so
it has the density of dates and places of real reporting. Figures:
  gazetteer load s   reading places.geojson and gazetteer_places.csv once (cached afterwards)
  extraction s       best of --repeat runs of extract_candidates on the article
  long inputs        CPU seconds of a whole ingest (extraction, and the reason when nothing is
                     found) of texts near the 2 MB article limit that are one long sentence
"""

from __future__ import annotations

import time
from datetime import date

from dashboard.cli import Parser, count_arg, run
from dashboard.events import ROOT
from dashboard.extract import extract_candidates
from dashboard.gazetteer import _load, load_gazetteer
from dashboard.ingest import IngestError, ingest_text


def article_of(words: int) -> str:
    """Seed paragraphs, in order and repeated as needed, up to ``words`` words."""
    paragraphs = [p for path in sorted((ROOT / "seeds").glob("*.txt"))
                  for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
    out, count, index = [], 0, 0
    while count < words:
        paragraph = paragraphs[index % len(paragraphs)]
        out.append(paragraph)
        count += len(paragraph.split())
        index += 1
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m benchmarks.extract", description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=count_arg(1, 1_000_000), default=5000, help="1 to 1,000,000")
    parser.add_argument("--repeat", type=count_arg(1, 100), default=5, help="1 to 100")
    return run("benchmarks.extract", lambda: _benchmark(parser.parse_args(argv)))


def _benchmark(args) -> int:
    text = article_of(args.words)
    _load.cache_clear()
    started = time.perf_counter()
    gazetteer = load_gazetteer()
    loaded = time.perf_counter() - started
    best, found = float("inf"), 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = len(extract_candidates(text, date(2021, 9, 7), gazetteer))
        best = min(best, time.perf_counter() - started)
    print(f"article: {len(text.split()):,} words, {len(text):,} characters; gazetteer: {len(gazetteer):,} places")
    print(f"gazetteer load s  {loaded:.3f}")
    print(f"extraction s      {best:.3f}  ({found} candidates, best of {args.repeat})")
    print("long inputs (one sentence, no full stops), CPU s of ingest_text:")
    for name, text in long_inputs().items():
        started = time.process_time()
        try:
            outcome = f"{len(ingest_text(text, article_id='bench', published='2021-09-07', gazetteer=gazetteer, known_articles={})['features'])} candidates"
        except IngestError as error:
            outcome = "refused: " + str(error).split(": ", 1)[1]
        print(f"  {name:<34} {len(text):>9,} chars  {time.process_time() - started:6.2f}  {outcome}")
    return 0


def long_inputs() -> dict[str, str]:
    """Texts just under the 2 MB limit that are one sentence: the worst case for per-sentence work."""
    sprinkle = "word " * 2000 + "in Kabul on August 15, 2021 the Taliban seized "
    return {
        "one word repeated": "word " * 380_000,
        "one line of filler": "lorem ipsum dolor sit amet " * 68_000,
        "a date and a place every 10 kB": sprinkle * 180,
        "a number every 5 words": "troops 1995 went to Kabul " * 70_000,
    }


if __name__ == "__main__":
    raise SystemExit(main())
