"""Turning article text into candidate events: sentences that name a date and a known place.

The article is read as a document first (``dashboard.document``: dates from ``dashboard.dates``,
places from ``dashboard.gazetteer``, categories from ``dashboard.categories``); then two tables of
small named rules decide where each dated sentence's happening is (PLACE_RULES) and when each
undated one's was (CARRIED_DATE_RULES).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Callable

from dashboard.article_text import Dateline, split_sentences
from dashboard.categories import TELLING, guess_actors, guess_category
from dashboard.dates import DateMention, find_dates
from dashboard.document import Document, Reading, read_document
from dashboard.gazetteer import PlaceMatch
from dashboard.placement import Placement, place_text

__all__ = ["CARRIED_DATE_RULES", "PLACE_RULES", "Candidate", "DateMention", "Document", "Placing", "Reading",
           "candidate_feature", "extract_candidates", "find_dates", "guess_actors", "guess_category", "make_title",
           "place_of", "read_document", "split_sentences"]


@dataclass(frozen=True)
class Candidate:
    """One happening: its main sentence, date and place, and further sentences about it."""

    sentence: str
    date: DateMention
    place: PlaceMatch
    category: str
    actors: list[str]
    more_quotes: tuple[str, ...] = ()  # other sentences about the same happening, in text order
    place_note: str | None = None  # where the place came from when the main sentence lacks it
    location_basis: str = "explicit"  # how the text supports the place (dashboard/placement.py)
    location_note: str | None = None

    @property
    def quotes(self) -> list[str]:
        return [self.sentence, *self.more_quotes]


# --- candidates ---------------------------------------------------------------------------


_COARSE = ("country", "region")
_MEDIA_DATE = re.compile(r"\s+(?:article|report|interview|editorial|op-ed|column|tweet|post|broadcast|"
                         r"edition|issue)\b", re.IGNORECASE)
_OTHER_HAPPENING = re.compile(r"\b(?:a|an|the)\s+(?:similar|previous|earlier|separate)\b|\banother\b",
                             re.IGNORECASE)
# "X argued that the exercises were meant ...": what happened is told inside someone's words,
# so the sentence alone is no ground for placing it in the article's country.
_REPORTED = re.compile(r"\b(?:said|says|argued|argues|claimed|claims|believed?|believes|warned|insisted|noted|"
                       r"wrote|told \w+)\s+that\b")
_POSSESSIVE = re.compile(r"['’]s?\b")
_PLACE_NOUN = re.compile(r"['’]s?\s+(?:\w+\s+)?(?:airport|streets?|outskirts|centre|center|suburbs?|neighbou?rhoods?|"
                         r"districts?|squares?|embassy|airfield|mosques?|hospitals?|gates?|prisons?)\b", re.IGNORECASE)


def extract_candidates(
    text: str, published: date, gazetteer: Gazetteer, *, published_until: date | None = None,
    read: dict[str, bool] | None = None,
) -> list[Candidate]:
    """Candidate events of one article, read sentence by sentence in the context of the document.

    The story: captions, credits, bylines, newsletter lines and the headline are skipped; the
    dateline is cut off the first sentence, and its day anchors relative dates.
    Dated sentences give one candidate per distinct date, placed by the rules of PLACE_RULES
    (the date's own clause; a neighbouring sentence about the same happening; earlier in the
    paragraph; the dateline; the country the article is most about; a designation at the
    capital). Undated sentences that tell what happened and name a place take a date by the
    first rule of CARRIED_DATE_RULES that gives one (earlier in the paragraph; the sentence
    before about the same happening; the month of a present-tense article; the lede of a
    datelined report). Plans (dates after publication) are dropped; candidates about one
    happening are merged (dashboard docs: README "Add an article").
    ``published_until`` is the last possible publication day when only the month is known.
    ``read``, when given, is filled with whether the story has any date ("dates") and any known
    place ("places"), so that a caller can say why nothing was found without reading it again.
    """
    document = read_document(text, published, gazetteer, published_until=published_until)
    if read is not None:
        read["dates"] = any(reading.dates for reading in document.readings)
        read["places"] = document.any_place
    candidates = [c for reading in document.readings for c in _dated_candidates(document, reading)]
    # After every dated sentence: a sentence whose place a dated one took is told already.
    candidates += [c for reading in document.readings for c in _undated_candidates(document, reading)]
    return _merge_same_happening(candidates)


# --- dated sentences: where? ---------------------------------------------------------------


@dataclass(frozen=True)
class Placing:
    """Where a dated sentence's happening is, how the text supports it, and which quotes say so."""

    place: PlaceMatch
    basis: str  # location_basis (dashboard/placement.py)
    location_note: str | None = None
    place_note: str | None = None  # where the place came from when the sentence lacks it
    more_quotes: tuple[str, ...] = ()


def _placing(placement: Placement | None, **extra) -> Placing | None:
    return placement and Placing(placement.match, placement.basis, placement.note, **extra)


def _inferred(place: PlaceMatch, note: str) -> Placing:
    return Placing(place, "inferred", note, note)


# A place rule sees the placing so far (None: no place yet) and returns a better one, or None
# to keep it; every rule of the table is tried, in order.
PlaceRule = Callable[[Document, Reading, DateMention, "Placing | None"], "Placing | None"]


def place_in_date_clause(document: Document, reading: Reading, mention: DateMention,
                         placing: Placing | None) -> Placing | None:
    """A place of the date's own clause, else of the sentence (dashboard/placement.py's rules)."""
    return _placing(place_text(reading.text, document.gazetteer, on=mention.date_start, near=mention.start,
                               matches=_in_clause_of(mention, reading)))


def place_of_neighbour(document: Document, reading: Reading, mention: DateMention,
                       placing: Placing | None) -> Placing | None:
    """No place or only a country: the finer place of the next or previous undated sentence about
    the same happening, which becomes one of the event's quotes (so its place is still in the text)."""
    neighbour = _neighbour_with_place(reading, document.readings, placing and placing.place)
    if neighbour is None:
        return None
    better = place_text(neighbour.text, document.gazetteer, on=mention.date_start, matches=neighbour.places)
    if better is None:
        return None
    document.used_as_place.add(neighbour.number)
    return _placing(better, place_note="place from a neighbouring sentence about the same happening",
                    more_quotes=(neighbour.text,))


def place_earlier_in_paragraph(document: Document, reading: Reading, mention: DateMention,
                               placing: Placing | None) -> Placing | None:
    """No place: the place of the closest earlier sentence of the paragraph that names one."""
    if placing is not None or reading.category not in TELLING:
        return None
    earlier = _earlier_in_paragraph(reading, document.readings, lambda r: any(not m.adjective for m in r.places))
    if earlier is None:
        return None
    found = place_text(earlier.text, document.gazetteer, on=mention.date_start, matches=_named(earlier))
    return found and _inferred(found.match, "place carried over from earlier in the paragraph")


def place_of_dateline(document: Document, reading: Reading, mention: DateMention,
                      placing: Placing | None) -> Placing | None:
    """In the first paragraph, no place or only the dateline's country: the dateline's place."""
    dateline_place = document.dateline_place
    if dateline_place is None or reading.paragraph != document.first_paragraph:
        return None
    if placing is not None and not (placing.place.place.location_precision in _COARSE
                                    and placing.place.place.country == dateline_place.place.country):
        return None
    return _inferred(dateline_place, f"place from the dateline '{document.dateline.place}'")


def place_in_main_country(document: Document, reading: Reading, mention: DateMention,
                          placing: Placing | None) -> Placing | None:
    """No place, in an article without a dateline: the country the article is most about, unless
    what happened is told inside someone's words ("X argued that the exercises ...")."""
    if (placing is not None or document.main_country is None or reading.category not in TELLING
            or _REPORTED.search(reading.text)):
        return None
    return _inferred(document.main_country, "no place in the sentence: the country the article is most about")


def designation_at_capital(document: Document, reading: Reading, mention: DateMention,
                           placing: Placing | None) -> Placing | None:
    """'Russia designated the Taliban': a law or ban is an act of the government, in its capital."""
    if placing is None or reading.category != "legal_designation" or placing.place.place.kind != "country":
        return None
    capital = document.gazetteer.capital_of(placing.place.place.country)
    if capital is None:
        return None
    note = (f"a designation, ban or sanction by {placing.place.place.country} is an act of its government: "
            f"placed at its capital, {capital.name}")
    return replace(placing, place=replace(placing.place, place=capital), basis="inferred", location_note=note)


PLACE_RULES: list[PlaceRule] = [place_in_date_clause, place_of_neighbour, place_earlier_in_paragraph,
                                place_of_dateline, place_in_main_country, designation_at_capital]


def place_of(document: Document, reading: Reading, mention: DateMention) -> Placing | None:
    """The place of the happening that ``mention`` dates, by every rule of PLACE_RULES in turn."""
    placing = None
    for rule in PLACE_RULES:
        placing = rule(document, reading, mention, placing) or placing
    return placing


def _dated_candidates(document: Document, reading: Reading) -> list[Candidate]:
    """One candidate per distinct date of the sentence (and per place listed with its place)."""
    if _COUNTERFACTUAL.match(reading.text):
        return []  # "This would have been unthinkable a decade ago": a comparison, not a happening
    candidates = []
    seen = set()
    for mention in reading.dates:
        key = (mention.date_start, mention.date_end)
        if key in seen or (len(reading.dates) > 1 and _MEDIA_DATE.match(reading.text, mention.end)):
            continue  # "an August 27 article described ...": when it was written, not what happened
        seen.add(key)
        if reading.category == "statement" and _inside_what_was_said(reading.text, mention):
            continue  # "X said the Taliban have changed since the 1990s": the 1990s do not date the saying
        placing = place_of(document, reading, mention)
        if placing is None or mention.date_start > (document.published_until or document.published):
            continue  # no place, or a plan ("will hold talks next month"): not something that happened
        actors = guess_actors(" ".join([reading.text, *placing.more_quotes]))
        for each in _listed_with(placing.place, reading):
            candidates.append(Candidate(reading.text, mention, each, reading.category, actors, placing.more_quotes,
                                        placing.place_note, placing.basis, placing.location_note))
    return candidates


# --- undated sentences: when? --------------------------------------------------------------

# A carried-date rule gives an undated sentence a date from its context, or None; the first that gives one wins.
CarriedDateRule = Callable[[Document, Reading], "DateMention | None"]


def date_earlier_in_paragraph(document: Document, reading: Reading) -> DateMention | None:
    """The date of the closest earlier dated sentence of the paragraph."""
    earlier = _earlier_in_paragraph(reading, document.readings, lambda r: r.dates)
    return earlier and _carried(_sentence_date(earlier), "date carried over from earlier in the paragraph")


def date_of_sentence_before(document: Document, reading: Reading) -> DateMention | None:
    """The date of the sentence just before, about the same happening (its telling category), in
    the paragraph before: wire stories give each sentence its own paragraph."""
    if reading.number == 0:
        return None
    previous = document.readings[reading.number - 1]
    if not previous.dates or previous.category != reading.category or previous.paragraph != reading.paragraph - 1:
        return None
    return _carried(_sentence_date(previous), "date of the sentence before, about the same happening")


def date_of_present_tense(document: Document, reading: Reading) -> DateMention | None:
    """A present-tense sentence of an article known only to its month: that month (see _publication_month)."""
    present = _publication_month(document.published, document.published_until)
    return present if present is not None and _in_present_tense(reading.text) else None


def date_of_datelined_lede(document: Document, reading: Reading) -> DateMention | None:
    """The undated lede of a report with a dateline and a known day: that day or the day before."""
    if (document.dateline is None or reading.paragraph != document.first_paragraph
            or document.published_until not in (None, document.published)):
        return None
    return _lede_date(document.dateline, document.published)


CARRIED_DATE_RULES: list[CarriedDateRule] = [date_earlier_in_paragraph, date_of_sentence_before,
                                             date_of_present_tense, date_of_datelined_lede]


def _undated_candidates(document: Document, reading: Reading) -> list[Candidate]:
    """An undated sentence that tells what happened and names a place, dated from its context."""
    if reading.dates or reading.number in document.used_as_place or reading.category not in TELLING:
        return []
    if _OTHER_HAPPENING.search(reading.text):
        return []  # "a week after a similar bombing in Kunduz": the place is another happening's
    if _SPECULATES.search(reading.text):
        return []  # "it could be well placed to ...": a possibility, not a happening
    placing = _placing(place_text(reading.text, document.gazetteer, matches=_named(reading)))
    if placing is None:
        return []
    mention = next((m for m in (rule(document, reading) for rule in CARRIED_DATE_RULES) if m is not None), None)
    if mention is None:
        return []
    return [Candidate(reading.text, mention, placing.place, reading.category, guess_actors(reading.text),
                      location_basis=placing.basis, location_note=placing.location_note)]


def _lede_date(dateline: Dateline, published: date) -> DateMention:
    """The undated lede of a report with a dateline tells its news: the report's day or the day before."""
    return DateMention("", 0, 0, published - timedelta(days=1), published, "range", "inferred",
                       "no date in the lede: a report's first paragraph tells its news, read as the publication "
                       f"day ({published.isoformat()}) or the day before")


def _publication_month(published: date, published_until: date | None) -> DateMention | None:
    """The date of a present-tense sentence, when the article's day is unknown: its whole span.

    With a known publication day we date nothing by tense alone: "is", "has" may cover weeks.
    """
    if published_until is None or published_until == published:
        return None
    return DateMention("", 0, 0, published, published_until, "range", "inferred",
                       "no date in the text: the sentence tells of the article's present, dated to the span of "
                       f"its publication ({published.isoformat()} to {published_until.isoformat()})")


_PRESENT = re.compile(r"\b(?:is|are|has|have|remains?|continues?|says|now|currently|still)\b")


def _in_present_tense(sentence: str) -> bool:
    """'The area is held by the NRF', 'Moscow has ... ': about the present, not history."""
    return bool(_PRESENT.search(sentence))


_SAYING = re.compile(r"\b(?:said|says|told \w+|argued|argues|claimed|claims|warned|warns|stressed|noted|insisted|"
                     r"added|wrote|believed|believes)\b")


def _inside_what_was_said(sentence: str, mention: DateMention) -> bool:
    """The date lies in the words reported after "said", "told X", "argued" ... ("said Russia now
    believed the Taliban have changed since the 1990s"), not right after the verb ("said on Monday",
    "told reporters in early August that ...")."""
    saying = _SAYING.search(sentence, 0, mention.start)
    if saying is None:
        return False
    between = sentence[saying.end():mention.start]
    return bool(re.search(r"\bthat\b", between)) or len(between.split()) > 4


# A sentence whose subject is "this", "that", "it" or "such ..." and whose verb is a modal perfect
# ("would have been", "could not have happened") comments on what came before.
_COUNTERFACTUAL = re.compile(r"\W*(?:This|That|It|Such\b[^,.]{0,40}?)\s+(?:would|could|might)(?:\s+not|n['’]t)?\s+"
                             r"have\b")
_SPECULATES = re.compile(r"\b(?:could|might|may)\b")


_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_CLAUSE_BREAK = re.compile(r"[,;:()—–]|\s--\s|\b(?:which|who|when|while|whereas)\b")


def _in_clause_of(mention: DateMention, reading: Reading) -> list[PlaceMatch]:
    """The named places of the date's own clause ("Kandahar is the birthplace of the movement, which
    ruled Afghanistan from 1996 to 2001": Afghanistan), or of the sentence when that clause names none.
    A place inside the date's own words ("a day after the fall of Kabul") is never one."""
    # Nor is one inside another date of the sentence: "days after the fall of Kabul, X, chief of staff
    # from 2004 to 2007": the fall of Kabul dates the sentence, it does not place the tenure.
    named = [m for m in _named(reading)
             if all(m.end <= d.start or m.start >= d.end for d in (mention, *reading.dates) if d.end > d.start)]
    # What someone is quoted as saying ("the puppet government in Kabul") is not where they said it.
    quoted = [q.span() for q in _QUOTED.finditer(reading.text)]
    named = [m for m in named if not any(a <= m.start < b for a, b in quoted)] or named
    breaks = [b.start() for b in _CLAUSE_BREAK.finditer(reading.text)]
    start = max([b for b in breaks if b < mention.start], default=0)
    end = min([b for b in breaks if b >= mention.end], default=len(reading.text))
    return [m for m in named if start <= m.start and m.end <= end] or named


def _named(reading: Reading) -> list[PlaceMatch]:
    """The places a sentence names as places: an adjective ("Afghan officials said") or a country's
    possessive ("Russia's view", "Pakistan's Express Tribune") tells who, not where."""
    return [m for m in reading.places if not m.adjective and not _speaks_for_a_government(m, reading.text)]


def _speaks_for_a_government(match: PlaceMatch, text: str) -> bool:
    """'Russia's view', 'Moscow's difficult history', 'Tehran's desire': a country or capital in the
    possessive is its government; 'Kabul's airport' is still a place."""
    if match.place.location_precision not in _COARSE and match.place.kind != "capital":
        return False
    return bool(_POSSESSIVE.match(text, match.end)) and not _PLACE_NOUN.match(text, match.end)


def _earlier_in_paragraph(reading: Reading, readings: list[Reading], has) -> Reading | None:
    """The closest earlier sentence of the same paragraph for which ``has`` is true."""
    for other in reversed(readings[:reading.number]):
        if other.paragraph != reading.paragraph:
            return None
        if has(other):
            return other
    return None


_OPENING = re.compile(r"^\W*$")


def _sentence_date(reading: Reading) -> DateMention:
    """The date a sentence gives the next ones: one that opens it ("Days after the fall of Kabul,
    Gen. X, chief of staff from 2004 to 2007, argued ...") frames all of it; else its last date."""
    first = reading.dates[0]
    if _OPENING.match(reading.text[:first.start]):
        return first
    return reading.dates[-1]


def _carried(mention: DateMention, why: str) -> DateMention:
    note = f"{why} ('{mention.text}')" + (f"; {mention.note}" if mention.note else "")
    return replace(mention, start=0, end=0, note=note)


_DESCRIBES = re.compile(r"\b(?:of|from|north|south|east|west)\s+(?:the\s+)?$", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)$")


def _listed_with(place: PlaceMatch, reading: Reading) -> list[PlaceMatch]:
    """``place`` and the places listed with it ("took Kunduz, Sar-e Pul and Taloqan"): one
    happening at each. Only towns, sites and provinces, in a sentence that tells what happened."""
    if reading.category not in TELLING or place.seat:
        return [place]
    if place.place.kind == "country":
        return _targets_listed_with(place, reading)
    if place.place.location_precision in _COARSE:
        return [place]
    named = [m for m in reading.places if not m.adjective and m.place.location_precision not in _COARSE]
    if place not in named:
        return [place]
    if reading.category in ("territorial_control", "attack"):
        # "took Sheberghan, the capital of Jowzjan province, and Sar-e Pul": every town the
        # sentence places the happening in, but not one that only describes another ("capital of").
        others = [m for m in named if m.place.location_precision in ("city", "site") and m.place.name != place.place.name
                  and not _DESCRIBES.search(reading.text[max(0, m.start - 25):m.start])]
        return [place] + list({m.place.name: m for m in others}.values())
    index = named.index(place)
    low = high = index
    while low > 0 and _LIST_SEPARATOR.fullmatch(reading.text[named[low - 1].end:named[low].start]):
        low -= 1
    while high + 1 < len(named) and _LIST_SEPARATOR.fullmatch(reading.text[named[high].end:named[high + 1].start]):
        high += 1
    listed = named[low:high + 1]
    return [place] + [m for m in listed if m is not place and m.place.name != place.place.name]


_VIOLENCE = frozenset({"attack", "armed_conflict"})
_TARGET = re.compile(r"\b(?:against|in|on|into|across|inside|throughout)\s+(?:the\s+)?$")


def _targets_listed_with(place: PlaceMatch, reading: Reading) -> list[PlaceMatch]:
    """'attacks against Uzbekistan, Tajikistan and Kyrgyzstan': an attack or fighting in each
    country of a list after "against", "in", "on" ... ("Russia and China condemned the attack"
    lists who, not where)."""
    if reading.category not in _VIOLENCE:
        return [place]
    countries = [m for m in _named(reading) if m.place.kind == "country"]
    if place not in countries:
        return [place]
    index = countries.index(place)
    low = high = index
    while low > 0 and _LIST_SEPARATOR.fullmatch(reading.text[countries[low - 1].end:countries[low].start]):
        low -= 1
    while high + 1 < len(countries) and _LIST_SEPARATOR.fullmatch(
            reading.text[countries[high].end:countries[high + 1].start]):
        high += 1
    if low == high or not _TARGET.search(reading.text[max(0, countries[low].start - 30):countries[low].start]):
        return [place]
    return [place] + [m for m in countries[low:high + 1] if m.place.name != place.place.name]


def _neighbour_with_place(reading: Reading, readings: list[Reading], place: PlaceMatch | None) -> Reading | None:
    """The next or previous sentence about the same happening that names a finer place without a date.

    Same happening: the same telling category, in the same paragraph or the next one (wire
    stories give each sentence its own paragraph). Only used when this sentence has no place
    or only a country.
    """
    if reading.category not in TELLING:
        return None
    if place is not None and place.place.location_precision not in _COARSE and not place.seat:
        return None
    for other in (readings[reading.number + 1] if reading.number + 1 < len(readings) else None,
                  readings[reading.number - 1] if reading.number > 0 else None):
        if other is None or other.dates or other.category != reading.category:
            continue
        if abs(other.paragraph - reading.paragraph) > 1:
            continue
        named = [m for m in other.places if not m.adjective and m.place.location_precision not in _COARSE]
        if named:
            return other
    return None


def _merge_same_happening(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per happening, with the quotes of every sentence about it.

    Same happening: the same telling category and the same dates, and the same place or one
    that only names the other's country ("an attack in Kunduz on Friday" and "the attack in
    Afghanistan late Friday"); the finer place stays.
    """
    merged: list[Candidate] = []
    for candidate in candidates:
        same = next((i for i, kept in enumerate(merged) if _same_happening(kept, candidate)), None)
        if same is None:
            merged.append(candidate)
            continue
        kept = merged[same]
        finer, coarser = (candidate, kept) if _is_coarser(kept, candidate) else (kept, candidate)
        quotes = [q for q in coarser.quotes if q not in finer.quotes]
        merged[same] = replace(finer, more_quotes=finer.more_quotes + tuple(quotes),
                               actors=list(dict.fromkeys(finer.actors + coarser.actors)))
    return merged


def _same_happening(a: Candidate, b: Candidate) -> bool:
    if a.category != b.category or a.category not in TELLING:
        return False
    if (a.date.date_start, a.date.date_end) != (b.date.date_start, b.date.date_end):
        return False
    return a.place.place.name == b.place.place.name or _is_coarser(a, b) or _is_coarser(b, a)


def _is_coarser(a: Candidate, b: Candidate) -> bool:
    """``a`` is placed only at the country of ``b``'s finer place."""
    return (a.place.place.location_precision in _COARSE and b.place.place.location_precision not in _COARSE
            and a.place.place.country == b.place.place.country)


def make_title(sentence: str, limit: int = 80) -> str:
    """The sentence itself, cut at a word boundary near ``limit`` characters."""
    flat = " ".join(sentence.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",;:–—-")
    return cut + "…"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def candidate_id(candidate: Candidate) -> str:
    """Stable across runs: date, place and a short hash of the sentence and date words."""
    digest = hashlib.sha1(f"{candidate.sentence}\x00{candidate.date.text}".encode()).hexdigest()[:8]
    return f"{candidate.date.date_start.isoformat()}-{slug(candidate.place.place.name)}-{digest}"


def candidate_feature(candidate: Candidate, article_id: str) -> dict:
    """A candidate as an event Feature in the schema of dashboard.events, marked unreviewed."""
    place = candidate.place.place
    precision = place.location_precision
    mention = candidate.date
    note = mention.note
    properties = {
        "id": candidate_id(candidate),
        "title": make_title(candidate.sentence),
        "summary": "",
        "category": candidate.category,
        "actors": candidate.actors,
        "date_start": mention.date_start.isoformat(),
        "date_end": mention.date_end.isoformat(),
        "date_precision": mention.precision,
        "date_basis": mention.basis,
        "date_note": note,
        "place": place.name,
        "country": place.country,
        "location_precision": precision,
        "location_basis": candidate.location_basis,
        "location_note": candidate.location_note,
        "uncertainty_km": place.uncertainty_km,
        "sources": [{"article": article_id, "quote": quote} for quote in candidate.quotes],
        "review_status": "unreviewed",
        # What the extractor read, for the reviewer; dropped when an event is accepted.
        "extraction": {"date_text": mention.text, "place_text": candidate.place.text},
    }
    if candidate.place_note:
        properties["extraction"]["place_note"] = candidate.place_note
    for optional in ("date_note", "location_note"):
        if properties[optional] is None:
            del properties[optional]
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]}}
