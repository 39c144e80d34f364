"""The structure of an article's text: sentences, paragraphs, the dateline, and lines that are not news.

Every span is an (start, end) offset into the text, so a quote is always an exact substring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {"aug", "sept", "sep", "oct", "nov", "dec", "jan", "feb", "mar", "apr", "jun", "jul", "gen",
                  "amb", "mr", "mrs", "ms", "dr", "st", "col", "lt", "sgt", "prof", "vs", "e.g", "i.e",
                  "u.s", "u.n", "u.k", "jr", "sr", "gov", "sen", "rep", "maj", "capt", "adm"}
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, so a quote is always an exact substring."""
    return [(start, end) for _paragraph, start, end in _sentences_by_paragraph(text)]


def _sentences_by_paragraph(text: str):
    for number, paragraph in enumerate(re.finditer(r"[^\n]+", text)):
        start = paragraph.start()
        line = paragraph.group()
        for boundary in _BOUNDARY.finditer(line):
            last_word = re.search(r"([\w.]+)$", line[max(0, boundary.start() - 40):boundary.start()])
            word = last_word.group(1).casefold() if last_word else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            end = paragraph.start() + boundary.start() + 1 + _closing_length(boundary.group())
            span = _trimmed(text, start, end)
            if span[1] > span[0]:
                yield number, *span
            start = paragraph.start() + boundary.end()
        span = _trimmed(text, start, paragraph.end())
        if span[1] > span[0]:
            yield number, *span


def _closing_length(boundary: str) -> int:
    """How many closing quotes/brackets follow the full stop and belong to the sentence."""
    return len(boundary[1:]) - len(boundary[1:].lstrip("\"”’')]"))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- the dateline ---------------------------------------------------------------------------

# "MOSCOW (AP) —", "DUSHANBE, Oct 23 (Reuters) -", "TERMEZ, Uzbekistan, Aug. 5 (AFP) –",
# "Kabul, 16 August (TASS) -": a place in capitals (or any place before an agency in brackets),
# an optional date, and a dash.
_AGENCY = r"\((?P<agency>[A-Z][A-Za-z/&.\- ]{1,30})\)"
_DATELINE_DATE = r"(?P<date>(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?)(?:,?\s+\d{4})?)"
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'’.\-]+(?:[ \-][A-Z][A-Z'’.\-]+)*(?:,\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?)"
    rf"(?:,\s+{_DATELINE_DATE})?\s*(?:{_AGENCY})?\s*[-—–]{{1,2}}\s+"
    r"|(?P<place2>[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)?(?:,\s+[A-Z][a-z]+)?)"
    rf"(?:,\s+{_DATELINE_DATE.replace('?P<date>', '?P<date2>')})?\s*{_AGENCY.replace('?P<agency>', '?P<agency2>')}"
    r"\s*[-—–]{1,2}\s+"
)
_DATELINE_PARAGRAPHS = 3  # a headline and a byline may come first


@dataclass(frozen=True)
class Dateline:
    place: str  # as written: "DUSHANBE", "TERMEZ, Uzbekistan"
    date: str | None  # "Oct 23", or None
    start: int
    end: int  # where the story's first sentence begins


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the start of one of the first paragraphs, or None."""
    for number, paragraph in enumerate(re.finditer(r"[^\n]+", text)):
        if number >= _DATELINE_PARAGRAPHS:
            return None
        found = _DATELINE.match(text, paragraph.start() + len(paragraph.group()) - len(paragraph.group().lstrip()))
        if found and found.end() < paragraph.end():
            place = found["place"] or found["place2"]
            if place.split()[0] in ("The", "A", "An", "In", "On", "At"):
                continue
            if found["place"] and not (found["agency"] or found["date"] or len(place.split(",")[0]) >= 4):
                continue
            return Dateline(place, found["date"] or found["date2"], found.start(), found.end())
    return None


# --- lines that are not news ---------------------------------------------------------------

# Photo captions and credits, bylines, links and newsletter prompts, agency sign-offs.
_NOISE_LINE = re.compile(
    r"^\s*(?:"
    r"(?:photo|image|picture|caption|credit|photograph|file photo|video)s?\s*[:|]"
    r"|FILE\s*[-–—]|FILE PHOTO"
    r"|\(?(?:reporting|writing|editing|additional reporting|compiled|translated)\s+by\b"
    r"|read (?:more|also)\b|(?:also|further) read(?:ing)?\b|related(?: stories| articles)?\s*:|see also\b"
    r"|recommended\b|most read\b|watch\s*:|listen\s*:|advertisement\s*$|image (?:source|caption)\b"
    r"|(?:updated|published|posted|last (?:modified|updated))\s*(?:on\s*)?:?\s*(?:\d|[A-Z][a-z]{2,8}\.? \d)"
    r"|editor['’]s note\b|follow (?:our|the) live\b"
    r"|sign up\b|subscribe\b|follow us\b|click here\b|share this\b|newsletter\b"
    r"|copyright\b|©|all rights reserved|this article was provided by"
    r")",
    re.IGNORECASE,
)
# Anywhere in a line: a photo agency credit, a newsletter pitch.
_NOISE_ANYWHERE = re.compile(
    r"\((?:AP|AFP|Reuters|EPA|Getty)[^)]*(?:Photo|Images)[^)]*\)|\b(?:AP|AFP|Reuters|EPA) Photo/|/(?:AP|AFP|Reuters|EPA)\)?$"
    r"|Getty Images|\bPhoto(?:graph)?:|Photo by [A-Z]|\bsign up for (?:our|the)\b.*newsletter"
    r"|newsletter\b.*\bsign up|\(Reporting by\b",
    re.IGNORECASE,
)
# "By Ayaz Gul", "By Nikola Mikovic, Syndication Bureau": a short line (case matters here).
_BYLINE = re.compile(r"^\s*By\s+[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|de|van|al-\w+))*\s*(?:[,|].{0,60})?$")
_SIGN_OFF = re.compile(r"^\(?(?:Reporting|Writing|Editing|Additional reporting)\s+by\b", re.IGNORECASE)


def is_noise(line: str) -> bool:
    """A caption, credit, byline, link or newsletter line: not part of the story."""
    return bool(_NOISE_LINE.match(line) or _NOISE_ANYWHERE.search(line) or (len(line) < 100 and _BYLINE.match(line)))


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # number of the line it is on; sentences of one paragraph share it


def story_sentences(text: str, dateline: Dateline | None = None) -> list[Sentence]:
    """The story's sentences: noise lines left out, the dateline cut off the first sentence."""
    lines = list(re.finditer(r"[^\n]+", text))
    noisy = {number for number, line in enumerate(lines) if is_noise(line.group())}
    story_start = _story_start(lines, dateline)
    sentences = []
    for paragraph, start, end in _sentences_by_paragraph(text):
        if paragraph in noisy or paragraph < story_start or _SIGN_OFF.match(text, start):
            continue
        if dateline is not None and start <= dateline.start < end:
            start = dateline.end  # the dateline is no part of the sentence (nor of a title)
            if start >= end:
                continue
        sentences.append(Sentence(start, end, paragraph))
    return sentences


def _story_start(lines: list[re.Match], dateline: Dateline | None) -> int:
    """The number of the story's first line: the dateline's, or the line after a headline.

    Above a dateline stand the headline and the byline. Without one, a first line with no
    closing punctuation, followed by more text, is a headline: it repeats the story's lede.
    """
    if dateline is not None:
        return next(number for number, line in enumerate(lines) if line.start() <= dateline.start < line.end())
    if len(lines) > 1 and len(lines[0].group().strip()) < 150 and not re.search(r"[.!?\"”’)]\s*$", lines[0].group()):
        return 1
    return 0
