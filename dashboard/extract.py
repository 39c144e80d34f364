"""Turning article text into candidate events: sentences that name a date and a known place.

Dates come from ``dashboard.dates`` (a table of small named resolvers), places from
``dashboard.gazetteer``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from dashboard.dates import DateMention, find_dates
from dashboard.gazetteer import Gazetteer, PlaceMatch

__all__ = ["Candidate", "DateMention", "candidate_feature", "extract_candidates", "find_dates", "guess_actors",
           "guess_category", "make_title", "split_sentences"]



@dataclass(frozen=True)
class Candidate:
    """One sentence, one of its dates and its best place: the raw material of an event."""

    sentence: str
    date: DateMention
    place: PlaceMatch
    category: str
    actors: list[str]


# --- sentences ----------------------------------------------------------------------------

_ABBREVIATIONS = {"aug", "sept", "sep", "oct", "nov", "dec", "jan", "feb", "mar", "apr", "jun", "jul", "gen",
                  "amb", "mr", "mrs", "ms", "dr", "st", "col", "lt", "sgt", "prof", "vs", "e.g", "i.e",
                  "u.s", "u.n", "u.k", "jr", "sr", "gov", "sen", "rep", "maj", "capt", "adm"}
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, so a quote is always an exact substring."""
    spans = []
    for paragraph in re.finditer(r"[^\n]+", text):
        start = paragraph.start()
        for boundary in _BOUNDARY.finditer(paragraph.group()):
            before = paragraph.group()[: boundary.start()]
            last_word = re.search(r"([\w.]+)$", before)
            word = last_word.group(1).casefold() if last_word else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            end = paragraph.start() + boundary.start() + 1 + _closing_length(boundary.group())
            spans.append(_trimmed(text, start, end))
            start = paragraph.start() + boundary.end()
        spans.append(_trimmed(text, start, paragraph.end()))
    return [span for span in spans if span[1] > span[0]]


def _closing_length(boundary: str) -> int:
    """How many closing quotes/brackets follow the full stop and belong to the sentence."""
    return len(boundary[1:]) - len(boundary[1:].lstrip("\"”’')]"))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- categories and actors ----------------------------------------------------------------

# First matching rule wins, so the more telling words come first.
CATEGORY_RULES: list[tuple[str, str]] = [
    ("attack", r"\battack(?:s|ed)?\b|bomb|hostage|assassinat|suicide|intercepted|hijack|explosion"),
    ("military_exercise", r"exercise|drills?\b|war games|live-fire|manoeuvre|maneuver"),
    ("legal_designation", r"terrorist organi[sz]ation|designat|\bbann?ed\b|sanction|list of terrorist|blacklist"),
    ("territorial_control", r"takeover|took power|seized|captur|marched into|entered Kabul|fall of|fell\b|"
                            r"control (?:of|over)|controlled"),
    ("armed_conflict", r"\bwar\b|fighting|clash|offensive|battle|airstrike|invasion|insurgen|rebels?\b"),
    ("military_aid", r"\barms\b|weapons|ammunition|military equipment|shipments?|supplie[ds]"),
    ("deployment", r"\bbase\b|troops|deploy|stationed|reinforc|withdraw|draw(?:s|ing)? down|contingent"),
    ("humanitarian", r"refugee|evacuat|humanitarian|asylum|hunger|\baid\b"),
    ("economy", r"invest|trade|pipeline|\bgas\b|economic|mining|mineral|contracts"),
    ("diplomacy", r"talks|visit|delegation|conference|embassy|meeting|envoy|ambassador|phone call|summit|"
                  r"negotiat|diplomat|hosted|hosting"),
    ("political", r"government|election|recogni[sz]|inauguration|leadership|president|prime minister"),
    ("statement", r"\bsaid\b|\btold\b|declared|warned|claimed|statement|interview|praised|described|urged|"
                  r"called|announced|denied|stressed|argued"),
]

ACTORS: dict[str, str] = {
    "Taliban": r"Taliban",
    "Russia": r"Russia|Moscow|Kremlin|Putin|Lavrov|Kabulov|Zhirnov|Peskov|Shoigu",
    "United States": r"United States|\bU\.?S\.?\b|Washington|American|Biden|Pentagon",
    "Tajikistan": r"Tajikistan|Tajik\b|Dushanbe|Rahmon",
    "Uzbekistan": r"Uzbekistan|Uzbek\b|Tashkent|Mirziyoyev",
    "Kyrgyzstan": r"Kyrgyzstan|Kyrgyz\b|Bishkek",
    "Turkmenistan": r"Turkmenistan|Turkmen\b|Ashgabat",
    "CSTO": r"CSTO|Collective Security Treaty",
    "NRF": r"\bNRF\b|National Resistance Front|resistance (?:forces|fighters|leader)|Massoud",
    "China": r"China|Chinese|Beijing",
    "Pakistan": r"Pakistan|Islamabad|Imran Khan",
    "Iran": r"\bIran|Tehran|Raisi",
    "India": r"\bIndia\b|New Delhi",
    "Afghan government": r"Afghan government|Ghani|Karzai|Afghan military",
    "ISIS-K": r"ISIS|Daesh|Islamic State",
    "al-Qaeda": r"al-Qaeda|Al Qaeda|Al-Qaeda",
    "Northern Alliance": r"Northern Alliance",
}


def guess_category(sentence: str) -> str:
    for category, pattern in CATEGORY_RULES:
        if re.search(pattern, sentence, flags=re.IGNORECASE):
            return category
    return "other"


def guess_actors(sentence: str) -> list[str]:
    return [actor for actor, pattern in ACTORS.items() if re.search(pattern, sentence)]


# --- candidates ---------------------------------------------------------------------------


def extract_candidates(
    text: str, published: date, gazetteer: Gazetteer, *, published_until: date | None = None
) -> list[Candidate]:
    """One candidate per distinct date in each sentence that also names a known place.

    ``published_until`` is the last possible publication day when only the month is known.
    """
    candidates = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        dates = find_dates(sentence, published, published_until=published_until)
        if not dates:
            continue
        places = gazetteer.find(sentence)
        seen = set()
        for mention in dates:
            key = (mention.date_start, mention.date_end)
            if key in seen:
                continue
            seen.add(key)
            place = gazetteer.place_of_event(places, sentence, near=mention.start)
            if place is None:
                continue
            candidates.append(Candidate(sentence, mention, place, guess_category(sentence), guess_actors(sentence)))
    return candidates


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
        "uncertainty_km": place.uncertainty_km,
        "sources": [{"article": article_id, "quote": candidate.sentence}],
        "review_status": "unreviewed",
        # What the extractor read, for the reviewer; dropped when an event is accepted.
        "extraction": {"date_text": mention.text, "place_text": candidate.place.text},
    }
    if properties["date_note"] is None:
        del properties["date_note"]
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]}}
