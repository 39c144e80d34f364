"""An article read as a document: each story sentence's dates, places and category, and the
context the extractor's rules draw on (dateline, its day and place, the country the article is
most about). dashboard/extract.py turns a Document into candidate events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from dashboard.article_text import Dateline, find_dateline, story_sentences
from dashboard.categories import guess_category
from dashboard.dates import DateMention, find_dates
from dashboard.gazetteer import REGION_OF_INTEREST, Gazetteer, PlaceMatch


@dataclass
class Reading:
    """What one sentence says: its dates, places and category (the extractor's working notes)."""

    number: int  # position among the story's sentences
    paragraph: int
    text: str
    dates: list[DateMention]
    places: list[PlaceMatch]
    category: str


@dataclass
class Document:
    """What the extractor knows of the whole article while it reads one sentence."""

    readings: list[Reading]
    gazetteer: Gazetteer
    published: date  # the dateline's day when it gives one
    published_until: date | None
    dateline: Dateline | None
    dateline_place: PlaceMatch | None
    main_country: PlaceMatch | None  # only in an article without a dateline
    any_place: bool  # any known place in the story, also where no rule may use it
    used_as_place: set[int] = field(default_factory=set)  # sentences whose place a dated sentence took

    @property
    def first_paragraph(self) -> int:
        return self.readings[0].paragraph if self.readings else -1


def read_document(text: str, published: date, gazetteer: Gazetteer, *,
                  published_until: date | None = None) -> Document:
    """Every story sentence's dates, places and category, and the article's dateline and main country."""
    dateline = find_dateline(text)
    report_day = _dateline_day(dateline, published, published_until)
    if report_day is not None:  # "DUSHANBE, Oct 23 (Reuters)": relative dates count from the report's day
        published, published_until = report_day, None
    prefer: set[str] = set()
    dateline_place = _dateline_place(dateline, gazetteer, prefer)
    readings = []
    previous_date: DateMention | None = None
    any_place = False
    for number, sentence in enumerate(story_sentences(text, dateline)):
        words = text[sentence.start:sentence.end]
        places = gazetteer.find(words, prefer)
        prefer.update(m.place.name for m in places if not m.adjective)
        prefer.update(m.place.country for m in places if not m.adjective)
        any_place = any_place or bool(places)
        dates = find_dates(words, published, published_until=published_until)
        if not dates and previous_date is not None:
            dates = _dates_after(words, previous_date)
        if dates:
            previous_date = dates[-1]
        promised = _promised_spans(words)
        places = [m for m in places if not _inside(m.start, promised)]
        readings.append(Reading(number, sentence.paragraph, words, dates, places,
                                _category_of(words, dates, promised)))
    # A wire report has its dateline for context; an analysis piece, the country it is about.
    main_country = _main_country(readings) if dateline is None else None
    return Document(readings, gazetteer, published, published_until, dateline, dateline_place, main_country,
                    any_place)


def _category_of(sentence: str, dates: list[DateMention], promised: list[tuple[int, int]] = ()) -> str:
    """The category of what the sentence tells, read without its date expressions (in "a day
    after the Taliban's takeover of Kabul, the envoy said ..." the takeover only says when) and
    without what someone promised to do (see _promised_spans)."""
    parts, done = [], 0
    for start, end in sorted([(m.start, m.end) for m in dates] + list(promised)):
        start = max(start, done)  # one copy of the sentence, however many dates a long text holds
        parts += [sentence[done:start], " " * max(0, end - start)]
        done = max(done, end)
    return guess_category("".join(parts) + sentence[done:])


# "promised to crack down on ... attacks in X": what is promised, pledged, vowed or threatened
# has not happened; its words give the sentence neither its category nor its place.
_PROMISE = re.compile(r"\b(?:promised|promises|pledged|pledges|vowed|vows|threatened|threatens|offered|offers|"
                      r"agreed|agrees|undertook)\s+(?:not\s+)?to\b")
_CLAUSE_END = re.compile(r"[,;:()—–]|\s--\s")


def _promised_spans(sentence: str) -> list[tuple[int, int]]:
    """The words of each promise in the sentence, from "promised to" to the end of its clause."""
    spans = []
    for found in _PROMISE.finditer(sentence):
        end = _CLAUSE_END.search(sentence, found.end())
        spans.append((found.end(), end.start() if end else len(sentence)))
    return spans


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _main_country(readings: list[Reading]) -> PlaceMatch | None:
    """The country of the region of interest the article names most often (names and adjectives)."""
    counts: dict[str, int] = {}
    first: dict[str, PlaceMatch] = {}
    for reading in readings:
        for match in reading.places:
            if match.place.kind == "country" and match.place.country in REGION_OF_INTEREST:
                counts[match.place.name] = counts.get(match.place.name, 0) + 1
                first.setdefault(match.place.name, match)
    if not counts:
        return None
    name = max(counts, key=lambda n: (counts[n], -first[n].start))
    return replace(first[name], adjective=False, locative=False, start=0, end=0)


_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10}
_AFTER_PREVIOUS = re.compile(
    r"\b(?:(?P<next>the (?:next|following) day)|(?P<before>the (?:previous day|day before))"
    r"|(?P<same>(?:the|that) same day|(?:later|earlier) that day)"
    r"|(?P<soon>(?:shortly|soon) (?:thereafter|afterwards?|after that))"
    r"|(?P<count>an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+) (?P<unit>day|week|month)s? "
    r"(?P<direction>later|earlier)"
    # "held for 378 days, until they escaped": the end of a span that began at the date before
    r"|for (?P<span_count>an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+) (?P<span_unit>day|week|month)s?"
    r",? until)\b",
    re.IGNORECASE,
)


def _dates_after(sentence: str, previous: DateMention) -> list[DateMention]:
    """'the next day', 'two days later', 'a month later', 'shortly thereafter', 'later that day',
    'held for 378 days, until': counted from the previous date in the text."""
    found = _AFTER_PREVIOUS.search(sentence)
    if not found:
        return []
    start, end = previous.date_start, previous.date_end
    if found["soon"]:  # "shortly thereafter": the earlier happening's span and the month after it
        return [DateMention(found.group(), found.start(), found.end(), start, end + timedelta(days=30), "range",
                            "inferred", f"'{found.group()}' read as the span of the date before it in the text "
                                        f"('{previous.text}') and the 30 days after")]
    # "The same day" after "in the early 2000s" names no day: count days and weeks only from a
    # date known to the week, months only from one known to the month.
    counted, unit_word = found["count"] or found["span_count"], found["unit"] or found["span_unit"]
    unit = "day" if found["next"] or found["before"] or found["same"] else unit_word.casefold()
    if (end - start).days > (31 if unit == "month" else 7):
        return []
    if found["next"] or found["before"] or found["same"]:
        shift = 1 if found["next"] else (-1 if found["before"] else 0)
        first, last = start + timedelta(days=shift), end + timedelta(days=shift)
    else:
        count = int(counted) if counted.isdigit() else _COUNTS[counted.casefold()]
        sign = -1 if (found["direction"] or "").casefold() == "earlier" else 1
        if unit == "month":  # a month is not a fixed number of days: allow a week either way
            first, last = start + timedelta(days=sign * 30 * count - 7), end + timedelta(days=sign * 30 * count + 7)
        else:
            days = sign * count * (7 if unit == "week" else 1)
            first, last = start + timedelta(days=days), end + timedelta(days=days)
    precision = "day" if first == last else "range"
    return [DateMention(found.group(), found.start(), found.end(), first, last, precision, "inferred",
                        f"'{found.group()}' counted from the date before it in the text ('{previous.text}')")]


def _dateline_day(dateline: Dateline | None, published: date, published_until: date | None) -> date | None:
    """The day a dateline gives ("Oct 23"), when it agrees with the publication date (within a week)."""
    if dateline is None or not dateline.date:
        return None
    last = published_until or published
    mentions = find_dates(dateline.date, last)
    if len(mentions) != 1 or mentions[0].precision != "day":
        return None
    day = mentions[0].date_start
    return day if published - timedelta(days=7) <= day <= last else None


def _dateline_place(dateline: Dateline | None, gazetteer: Gazetteer, prefer: set[str]) -> PlaceMatch | None:
    if dateline is None:
        return None
    matches = gazetteer.find(dateline.place.title())  # "TALOQAN, Afghanistan": capitals are the dateline's style
    for match in matches:
        prefer.update((match.place.name, match.place.country))
    return gazetteer.best(matches)


