"""Date expressions in a sentence, resolved against the publication date.

Dates are found with regular expressions and resolved with plain calendar arithmetic
against the publication date. We tried ``dateparser.search`` first: it turns bare numbers
("20 kilometers", "90%", "7,000 troops") into dates and loses the precision of what was
written ("in August" becomes one day), so its output would need a second parser to check
it. The regexes below are that parser, and their behaviour is easy to read and test.

``DATE_RULES`` is a table of (resolver, pattern), most specific first. Each resolver is a
small named function of the match and the publication date that returns
(first day, last day, precision, basis, note), or None to reject the match.

How a date is labelled (``date_basis``):
- explicit: the text states the date, year included ("Aug. 3, 1995", "in 2015").
- relative: the text states it relative to publication ("last Wednesday", "last month"),
  or names a day or month without its year ("On August 25", "in August"), whose year we
  take from the publication date; ``date_note`` says so.
- inferred: the text is vague and we chose the span ("last week", "in recent days",
  "a day after the fall of Kabul"); ``date_note`` explains the choice.
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Callable, Optional

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
_MONTH_ABBREVIATIONS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
                        "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}
WEEKDAYS = {name: number for number, name in enumerate(calendar.day_name)}

# Month names are matched case-sensitively: "May" is a month, "may" is a verb.
_MONTH = (r"(?P<month>" + "|".join(MONTHS) + r"|(?:" + "|".join(_MONTH_ABBREVIATIONS) + r")\.?)")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
_PART = r"(?P<part>early|mid|late|the end of|the beginning of|the start of)"
_DASH = r"\s*(?:-|–|—|to|until|and)\s*"
# A preposition that makes a bare month or year name a date rather than part of a name.
_LEAD = r"(?i:in|since|by|until|till|during|from|before|after|of|the|early|late|mid-?)\s+"

# Events every reader of these articles knows the date of; "a day after the fall of Kabul".
ANCHORS: dict[str, tuple[date, str]] = {
    r"the fall of Kabul|Kabul fell|the Taliban(?:['’]s)? (?:takeover|capture|seizure) of (?:Kabul|the Afghan capital)"
    r"|the Taliban (?:entered|took|captured|seized|marched into) Kabul": (date(2021, 8, 15), "the fall of Kabul"),
    r"the (?:9/11|September 11(?:th)?) attacks": (date(2001, 9, 11), "the 9/11 attacks"),
    r"the (?:US|U\.S\.|American) withdrawal(?: from Afghanistan)?": (date(2021, 8, 30), "the US withdrawal"),
    # Not "the US invasion of Iraq": an invasion named with another country is another event.
    r"the (?:US|U\.S\.|American)(?:-led)? invasion(?: of Afghanistan|(?! of))": (
        date(2001, 10, 7), "the US-led invasion of Afghanistan"),
    r"the Soviet invasion(?: of Afghanistan|(?! of))": (date(1979, 12, 24), "the Soviet invasion of Afghanistan"),
    r"the Soviet withdrawal(?: from Afghanistan|(?! from))": (date(1989, 2, 15), "the Soviet withdrawal"),
}
_ANCHOR = "(?P<anchor>" + "|".join(f"(?:{pattern})" for pattern in ANCHORS) + ")"
_COUNT = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int  # offsets into the sentence
    end: int
    date_start: date
    date_end: date
    precision: str  # day | month | year | range
    basis: str  # explicit | relative | inferred
    note: str | None = None


# What a resolver returns: first day, last day, precision, basis, note.
Resolved = tuple[date, date, str, str, Optional[str]]


def _month_number(name: str) -> int:
    name = name.rstrip(".")
    return MONTHS.get(name) or _MONTH_ABBREVIATIONS[name]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_for_month(month: int, published: date) -> int:
    """A month named without a year: the most recent such month not after publication."""
    return published.year if month <= published.month else published.year - 1


def _safe_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _part_of_month(part: str, year: int, month: int) -> tuple[date, date, str]:
    last = _month_end(year, month)
    if part == "early" or part.startswith("the beginning") or part.startswith("the start"):
        return date(year, month, 1), date(year, month, 10), "early month read as days 1–10"
    if part == "mid":
        return date(year, month, 11), date(year, month, 20), "mid-month read as days 11–20"
    return date(year, month, 21), last, "late month read as day 21 to the month's end"


def _part_of_year(part: str, year: int) -> tuple[date, date, str]:
    if part == "early" or part.startswith("the beginning") or part.startswith("the start"):
        return date(year, 1, 1), date(year, 4, 30), "early year read as January–April"
    if part == "mid":
        return date(year, 5, 1), date(year, 8, 31), "mid-year read as May–August"
    return date(year, 9, 1), date(year, 12, 31), "late year read as September–December"


def _no_year_note(published: date, year: int) -> str:
    return f"year not stated; taken as {year} from the publication date {published.isoformat()}"


# --- resolvers: one small function per kind of expression ---------------------------------


def full_day(m: re.Match, published: date) -> Resolved | None:
    day = _safe_day(int(m["year"]), _month_number(m["month"]), int(m["day"]))
    return day and (day, day, "day", "explicit", None)

def day_first(m: re.Match, published: date) -> Resolved | None:
    return full_day(m, published)

def day_range_with_year(m: re.Match, published: date) -> Resolved | None:
    year, month = int(m["year"]), _month_number(m["month"])
    first, last = _safe_day(year, month, int(m["day"])), _safe_day(year, month, int(m["day2"]))
    return first and last and first < last and (first, last, "range", "explicit", None)

def cross_month_range(m: re.Match, published: date) -> Resolved | None:
    """'from July 30 to Aug. 4' (year from publication unless stated)."""
    month, month2 = _month_number(m["month"]), _month_number(m["month2"])
    if m["year"]:
        year = year2 = int(m["year"])
        if month2 < month:
            year -= 1
        basis, note = "explicit", None
    else:
        year2 = _year_for_month(month2, published)
        year = year2 - 1 if month2 < month else year2
        basis, note = "relative", _no_year_note(published, year2)
    first, last = _safe_day(year, month, int(m["day"])), _safe_day(year2, month2, int(m["day2"]))
    return first and last and first < last and (first, last, "range", basis, note)


def day_range(m: re.Match, published: date) -> Resolved | None:
    month = _month_number(m["month"])
    year = _year_for_month(month, published)
    first, last = _safe_day(year, month, int(m["day"])), _safe_day(year, month, int(m["day2"]))
    return first and last and first < last and (first, last, "range", "relative", _no_year_note(published, year))

def day_no_year(m: re.Match, published: date) -> Resolved | None:
    month = _month_number(m["month"])
    year = _year_for_month(month, published)
    day = _safe_day(year, month, int(m["day"]))
    return day and (day, day, "day", "relative", _no_year_note(published, year))

def year_range(m: re.Match, published: date) -> Resolved | None:
    first, last = int(m["year"]), int(m["year2"])
    return first < last and (date(first, 1, 1), date(last, 12, 31), "range", "explicit", None)

def month_year(m: re.Match, published: date) -> Resolved | None:
    year, month = int(m["year"]), _month_number(m["month"])
    if m.groupdict().get("part"):
        first, last, note = _part_of_month(m.groupdict().get("part"), year, month)
        return first, last, "range", "inferred", note
    return date(year, month, 1), _month_end(year, month), "month", "explicit", None

def since_month(m: re.Match, published: date) -> Resolved | None:
    month = _month_number(m["month"])
    year = _year_for_month(month, published)
    return (date(year, month, 1), published, "range", "relative",
            f"since {calendar.month_name[month]} {year}: from then to publication ({published.isoformat()})")

def month_only(m: re.Match, published: date) -> Resolved | None:
    month = _month_number(m["month"])
    year = _year_for_month(month, published)
    if m.groupdict().get("part"):
        first, last, note = _part_of_month(m.groupdict().get("part"), year, month)
        return first, last, "range", "inferred", f"{note}; {_no_year_note(published, year)}"
    return date(year, month, 1), _month_end(year, month), "month", "relative", _no_year_note(published, year)

def part_of_month(m: re.Match, published: date) -> Resolved | None:
    """'early August', 'the end of July': the month's part, year from publication."""
    return month_only(m, published)


def decade(m: re.Match, published: date) -> Resolved | None:
    first = int(m["decade"])
    if m.groupdict().get("part"):
        spans = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}
        low, high = spans.get(m.groupdict().get("part"), (0, 3))
        return (date(first + low, 1, 1), date(first + high, 12, 31), "range", "inferred",
                f"{m['part']} {first}s read as {first + low}–{first + high}")
    return date(first, 1, 1), date(first + 9, 12, 31), "range", "explicit", None

def year_only(m: re.Match, published: date) -> Resolved | None:
    year = int(m["year"])
    if year > published.year:
        return None
    if m.groupdict().get("part"):
        first, last, note = _part_of_year(m.groupdict().get("part"), year)
        return first, last, "range", "inferred", note
    return date(year, 1, 1), date(year, 12, 31), "year", "explicit", None

def named_event_year(m: re.Match, published: date) -> Resolved | None:
    """'the Zapad-2021 drills', 'the Interaction 2021 exercise': a named exercise or summit carries its
    year in its name. Not after publication: a year ahead names a plan."""
    year = int(m["year"])
    if year > published.year:
        return None
    return (date(year, 1, 1), date(year, 12, 31), "year", "explicit",
            f"the year in the name '{m.group().strip()}'")


def years_ago(m: re.Match, published: date) -> Resolved | None:
    count = int(m["count"]) if m["count"].isdigit() else _COUNT.get(m["count"].casefold(), 0)
    year = published.year - count
    return count and (date(year, 1, 1), date(year, 12, 31), "year", "relative",
                      f"{count} years before publication ({published.year}), as a whole year")

def weekday(m: re.Match, published: date) -> Resolved | None:
    target = WEEKDAYS[m["weekday"]]
    which = (m["which"] or "").casefold()
    if which == "next":
        day = published + timedelta(days=(target - published.weekday()) % 7 or 7)
        return (day, day, "day", "relative",
                f"'next {m['weekday']}': the first {m['weekday']} after publication ({published.isoformat()})")
    if which == "this":
        day = published - timedelta(days=published.weekday()) + timedelta(days=target)
        note = f"'this {m['weekday']}': the {m['weekday']} of the publication week"
    elif which == "last":
        back = (published.weekday() - target) % 7 or 7
        day = published - timedelta(days=back)
        note = f"'last {m['weekday']}': the most recent {m['weekday']} before publication"
    else:
        day = published - timedelta(days=(published.weekday() - target) % 7)
        note = f"'{m['weekday']}': the most recent {m['weekday']} on or before publication"
    return day, day, "day", "relative", f"{note} ({published.isoformat()})"

def yesterday(m: re.Match, published: date) -> Resolved | None:
    day = published - timedelta(days=1)
    return day, day, "day", "relative", "yesterday: the day before publication"

def days_ago(m: re.Match, published: date) -> Resolved | None:
    """'three days ago', 'a week ago', 'two months ago': counted back from publication."""
    count = int(m["count"]) if m["count"].isdigit() else _COUNT.get(m["count"].casefold(), 0)
    unit = m["unit"].casefold().rstrip("s")
    if not count:
        return None
    if unit == "day":
        day = published - timedelta(days=count)
        return day, day, "day", "relative", f"{count} day(s) before publication ({published.isoformat()})"
    if unit == "week":
        day = published - timedelta(days=7 * count)
        return (day - timedelta(days=3), day + timedelta(days=3), "range", "inferred",
                f"{count} week(s) before publication ({published.isoformat()}), give or take three days")
    year, month = published.year, published.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return (date(year, month, 1), _month_end(year, month), "month", "relative",
            f"{count} month(s) before publication ({published.isoformat()}), as a whole month")


def today(m: re.Match, published: date) -> Resolved | None:
    """'said today': the publication day. Only after a verb of saying or 'earlier'/'later': 'the
    country today' means nowadays ("tomorrow" is left alone: "no one knows what will happen tomorrow")."""
    return published, published, "day", "relative", "today: the publication day"


def weekend(m: re.Match, published: date) -> Resolved | None:
    """'over the weekend', 'last weekend': the Saturday and Sunday before publication."""
    saturday = published - timedelta(days=(published.weekday() - 5) % 7 or 7)
    if published.weekday() == 6 and (m["which"] or "").casefold() != "last":
        saturday = published - timedelta(days=1)  # published on a Sunday: this weekend
    return (saturday, saturday + timedelta(days=1), "range", "relative",
            f"'{m.group().strip()}': the weekend before publication ({published.isoformat()})")


def next_period(m: re.Match, published: date) -> Resolved | None:
    """'next week', 'next month', 'next year': the calendar period after publication."""
    unit = m["unit"].casefold()
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(days=7)
        return (monday, monday + timedelta(days=6), "range", "relative",
                "'next week': Monday to Sunday of the week after publication")
    if unit == "month":
        year, month = (published.year, published.month + 1) if published.month < 12 else (published.year + 1, 1)
        return date(year, month, 1), _month_end(year, month), "month", "relative", "'next month': the month after publication"
    year = published.year + 1
    return date(year, 1, 1), date(year, 12, 31), "year", "relative", f"'next year': {year}"


def week(m: re.Match, published: date) -> Resolved | None:
    monday = published - timedelta(days=published.weekday())
    if m["which"].casefold() == "last":
        first, last = monday - timedelta(days=7), monday - timedelta(days=1)
        return first, last, "range", "inferred", "'last week': Monday to Sunday of the week before publication"
    return monday, published, "range", "inferred", "'this week': Monday of the publication week to publication"

def month_relative(m: re.Match, published: date) -> Resolved | None:
    if m["which"].casefold() == "last":
        year, month = (published.year, published.month - 1) if published.month > 1 else (published.year - 1, 12)
        note = "'last month': the calendar month before publication"
    else:
        year, month = published.year, published.month
        note = "'this month': the month of publication"
    return date(year, month, 1), _month_end(year, month), "month", "relative", note

def year_relative(m: re.Match, published: date) -> Resolved | None:
    year = published.year - (1 if m["which"].casefold() == "last" else 0)
    return date(year, 1, 1), date(year, 12, 31), "year", "relative", f"'{m['which']} year': {year}"

def recent(m: re.Match, published: date) -> Resolved | None:
    days = {"days": 7, "weeks": 28, "months": 92}[m["unit"].casefold()]
    return (published - timedelta(days=days), published, "range", "inferred",
            f"'recent {m['unit']}' read as the {days} days before publication")

def season(m: re.Match, published: date) -> Resolved | None:
    # Northern-hemisphere meteorological seasons; winter runs December to February.
    first_month = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}[m["season"]]
    year = published.year
    if m["which"].casefold() == "last" or (first_month, 1) > (published.month, published.day):
        year -= 1
    if first_month == 12 and published.month <= 2 and m["which"].casefold() == "this":
        year = published.year - 1
    first = date(year, first_month, 1)
    last = _month_end(year + (first_month + 2 > 12), (first_month + 2 - 1) % 12 + 1)
    return (first, min(last, published) if m["which"].casefold() == "this" else last, "range", "inferred",
            f"'{m.group()}' read as the meteorological season (from {first.isoformat()})")

def past_years(m: re.Match, published: date) -> Resolved | None:
    count = int(m["count"]) if m["count"].isdigit() else _COUNT.get(m["count"].casefold(), 0)
    return (date(published.year - count, 1, 1), published, "range", "inferred",
            f"'{m.group().strip()}' read as {published.year - count} to publication ({published.isoformat()})")

def anchored(m: re.Match, published: date) -> Resolved | None:
    anchor_day, anchor_name = next(value for pattern, value in ANCHORS.items()
                                   if re.fullmatch(pattern, m["anchor"]))
    count_word = (m["count"] or "").casefold()
    unit = m["unit"].casefold().rstrip("s")
    size = 7 if unit == "week" else 1
    after = m["direction"].casefold() == "after"
    sign = 1 if after else -1
    if not count_word:
        # "days after": a few of them; we read it as 1–7 days (or 1–4 weeks).
        near, far = anchor_day + sign * timedelta(days=size), anchor_day + sign * timedelta(days=7 * size)
        first, last = sorted((near, far))
        return (first, last, "range", "inferred",
                f"'{m.group().strip()}' read as 1–7 {unit}s {m['direction']} {anchor_name} ({anchor_day})")
    count = int(count_word) if count_word.isdigit() else _COUNT.get(count_word, 0)
    if not count:
        return None
    day = anchor_day + sign * timedelta(days=count * size)
    if size == 1:
        return day, day, "day", "inferred", f"{count} day(s) {m['direction']} {anchor_name} ({anchor_day})"
    first, last = sorted((day, day + sign * timedelta(days=6)))
    return first, last, "range", "inferred", f"{count} week(s) {m['direction']} {anchor_name} ({anchor_day})"


def after_anchor(m: re.Match, published: date) -> Resolved | None:
    """'after the fall of Kabul' with no count: the anchor day and the 30 days after it."""
    anchor_day, anchor_name = next(value for pattern, value in ANCHORS.items()
                                   if re.fullmatch(pattern, m["anchor"]))
    return (anchor_day, anchor_day + timedelta(days=30), "range", "inferred",
            f"'{m.group().strip()}' read as the 30 days from {anchor_name} ({anchor_day})")


# --- the table ----------------------------------------------------------------------------

_WEEKDAY_PREFIX = r"(?:(?:" + "|".join(WEEKDAYS) + r"),\s+)?"
_RULES = [
    # First, so "days before the September 11 attacks" is not read as 11 September.
    (rf"(?:(?i:just|only|within)\s+)?(?:(?P<count>(?i:a|one|two|three|four|five|six|seven|ten)|\d+)\s+)?"
     rf"(?P<unit>(?i:days?|weeks?))\s+(?P<direction>after|before)\s+{_ANCHOR}", anchored),
    # "Following the 9/11 attacks", "after the fall of Kabul": the month after it (after the counted rule).
    (rf"(?P<direction>(?i:following|after))\s+{_ANCHOR}", after_anchor),
    (rf"\b(?:(?i:from|between)\s+)?{_MONTH}\s+{_DAY}{_DASH}(?:(?i:through)\s+)?"
     rf"{_MONTH.replace('?P<month>', '?P<month2>')}\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?(?!\d)",
     cross_month_range),
    (rf"{_WEEKDAY_PREFIX}{_MONTH}\s+{_DAY}\s*(?:-|–)\s*(?P<day2>[0-3]?\d),\s+{_YEAR}", day_range_with_year),
    (rf"{_WEEKDAY_PREFIX}{_MONTH}\s+{_DAY},?\s+{_YEAR}", full_day),
    (rf"{_WEEKDAY_PREFIX}{_DAY}\s+{_MONTH}\s+{_YEAR}", day_first),
    (rf"(?:(?i:from)\s+)?{_MONTH}\s+{_DAY}{_DASH}(?P<day2>[0-3]?\d)(?!\d|,\s*\d{{4}})"
     rf"(?!\s*(?:%|percent|km|kilomet))", day_range),
    (rf"{_WEEKDAY_PREFIX}{_MONTH}\s+{_DAY}(?![\d,]*\d)(?!\s*(?:%|percent))", day_no_year),
    (rf"(?:(?i:from|between)\s+)?{_YEAR}\s*(?:-|–|—|to|and)\s*(?P<year2>1[89]\d\d|20\d\d)(?!\d|,\d)", year_range),
    (rf"(?:(?i:in|by|until|during|of)\s+)?(?:{_PART}[\s-]+)?{_MONTH}\s+{_YEAR}(?!\d|,\d)", month_year),
    (rf"[Ss]ince\s+{_MONTH}(?!\s+\d)", since_month),
    (rf"(?:(?i:in|by|until|during|of|from)\s+)?{_PART}[\s-]+{_MONTH}(?!\s+\d)", part_of_month),
    (rf"(?:[Ii]n|[Bb]y|[Uu]ntil|[Dd]uring|[Ff]rom)\s+{_MONTH}(?!\s+\d)(?!\w)", month_only),
    (rf"(?:{_LEAD})?(?:the\s+)?(?:{_PART}[\s-]+)?(?P<decade>1[89]\d0|20[0-9]0)s\b", decade),
    (rf"(?:{_PART}[\s-]+)?(?<![\d,.$])(?:(?<=[Ii]n )|(?<=[Ss]ince )|(?<=[Bb]y )|(?<=[Uu]ntil )|(?<=[Dd]uring )"
     rf"|(?<=[Ff]rom )|(?<=[Bb]efore )|(?<=[Aa]fter )|(?<=[Oo]f )|(?<=[Tt]he )|(?<=[Ee]arly )|(?<=[Ll]ate )"
     rf"|(?<=[Mm]id-)|(?<=[Mm]id ))?{_YEAR}(?![\d,]*\d)(?!\s*(?:%|percent|km|kilomet|troops|soldiers|people))",
     year_only),
    # After year_only, so "In 2021 drills were held" stays a plain year.
    (rf"\b(?!(?:The|This|That|These|Those|Their|Its|His|Her|Our|Last|Next|Each|Every|Some|All)\b)"
     rf"[A-Z][\w/]*[\s-]{_YEAR}(?=\s+(?:drills?|exercises?|war games|manoeuvres|maneuvers|games|summit|forum)\b)",
     named_event_year),
    (r"(?P<count>\d+|[a-z]+)\s+years\s+ago", years_ago),
    (r"\b(?P<count>\d+|[Aa]|one|two|three|four|five|six|seven|ten)\s+(?P<unit>days?|weeks?|months?)\s+ago\b",
     days_ago),
    (rf"\b(?:(?P<which>[Ll]ast|[Tt]his|[Oo]n|[Nn]ext)\s+)?{_WEEKDAY}\b", weekday),
    (r"\b[Yy]esterday\b", yesterday),
    # "said today", "earlier today"; not "the country today" (nowadays) or "today's Afghanistan".
    (r"\b(?:said|says|announced|reported|confirmed|told reporters|earlier|later)\s+today\b(?!['’]s)", today),
    (r"\b(?:(?P<which>[Ll]ast|[Tt]his)|(?:[Oo]ver|[Dd]uring|[Aa]t)\s+the)\s+weekend\b", weekend),
    (r"\b[Nn]ext\s+(?P<unit>week|month|year)\b", next_period),
    (r"\b(?P<which>[Ll]ast|[Tt]his)\s+week\b", week),
    (r"\b(?P<which>[Ll]ast|[Tt]his)\s+month\b", month_relative),
    (r"\b(?P<which>[Ll]ast|[Tt]his)\s+year\b", year_relative),
    (r"\b(?:in\s+)?recent\s+(?P<unit>days|weeks|months)\b", recent),
    (r"\b(?P<which>[Ll]ast|[Tt]his)\s+(?P<season>spring|summer|autumn|fall|winter)\b", season),
    (r"\b(?:for\s+)?the\s+(?:last|past)\s+(?P<count>\d+|two|three|four|five|six|seven|ten)\s+years\b",
     past_years),
]


@dataclass(frozen=True)
class DateRule:
    resolve: Callable[[re.Match, date], Optional[Resolved]]
    pattern: re.Pattern

    @property
    def name(self) -> str:
        return self.resolve.__name__


DATE_RULES: list[DateRule] = [DateRule(resolve, re.compile(pattern)) for pattern, resolve in _RULES]

# The words one of which each rule's expressions always hold ("#": a number), for skipping rules
# in the stretches of a long text that cannot match them.
_MONTH_WORDS = frozenset(name.casefold() for name in [*MONTHS, *_MONTH_ABBREVIATIONS])
_RULE_NEEDS: dict[str, frozenset[str]] = {
    "anchored": frozenset({"day", "days", "week", "weeks"}),
    "after_anchor": frozenset({"following", "after"}),
    **{name: _MONTH_WORDS for name in ("cross_month_range", "day_range_with_year", "full_day", "day_first",
                                       "day_range", "day_no_year", "month_year", "since_month", "part_of_month",
                                       "month_only")},
    **{name: frozenset({"#"}) for name in ("year_range", "decade", "year_only", "named_event_year")},
    "years_ago": frozenset({"ago"}), "days_ago": frozenset({"ago"}),
    "weekday": frozenset(name.casefold() for name in WEEKDAYS),
    "yesterday": frozenset({"yesterday"}), "today": frozenset({"today"}), "weekend": frozenset({"weekend"}),
    "next_period": frozenset({"week", "month", "year"}), "week": frozenset({"week"}),
    "month_relative": frozenset({"month"}), "year_relative": frozenset({"year"}),
    "recent": frozenset({"days", "weeks", "months"}),
    "season": frozenset({"spring", "summer", "autumn", "fall", "winter"}), "past_years": frozenset({"years"}),
}


def find_dates(sentence: str, published: date, *, published_until: date | None = None) -> list[DateMention]:
    """Every date expression in a sentence, resolved against the publication date.

    Earlier rules win where matches overlap, so "Aug. 3, 1995" is one day, not a month and
    a year. Bare years need a preposition in front ("in 2015", "since 2003", "the 1990s")
    and must not be measures ("2,000 troops") or lie after publication.

    When the publication date is only known as a span (``published`` to ``published_until``,
    e.g. "some day in August 2021"), each expression is resolved for the first and the last
    possible day; if the answers differ, the event gets the whole span they cover, marked
    inferred, instead of a day we cannot know.
    """
    early = _find_dates_on(sentence, published)
    if published_until is None or published_until == published:
        return early
    late = {(m.start, m.end): m for m in _find_dates_on(sentence, published_until)}
    merged = []
    for mention in early:
        other = late.get((mention.start, mention.end))
        if other is None or (other.date_start, other.date_end) == (mention.date_start, mention.date_end):
            merged.append(mention)
            continue
        span = f"{published.isoformat()} to {published_until.isoformat()}"
        merged.append(DateMention(
            mention.text, mention.start, mention.end,
            min(mention.date_start, other.date_start), max(mention.date_end, other.date_end),
            "range", "inferred",
            f"'{mention.text}' resolved for every possible publication day ({span}): the date is only known "
            "to lie in this span",
        ))
    return merged


# Every date expression holds a number, a month or weekday name, or one of these words; a long
# text is searched only around them (see _find_dates_on).
_TRIGGER_WORDS = frozenset(name.casefold() for name in [*MONTHS, *_MONTH_ABBREVIATIONS, *WEEKDAYS]) | {
    "day", "days", "week", "weeks", "month", "months", "year", "years", "ago", "today", "yesterday",
    "weekend", "recent", "spring", "summer", "autumn", "fall", "winter", "following", "after"}
_TOKEN = re.compile(r"\d+|[A-Za-z]+")
_LONG_TEXT = 5_000  # characters; no real sentence is this long
_WINDOW = 400  # characters either side of a trigger word: far more than any date expression


def _trigger_windows(sentence: str) -> list[tuple[int, int, set[str]]]:
    """The stretches of a long text that can hold a date expression: around each trigger word,
    merged, each with its trigger words ("#" for a number)."""
    windows: list[tuple[int, int, set[str]]] = []
    for token in _TOKEN.finditer(sentence):
        word = token.group()
        word = "#" if word[0].isdigit() else word.casefold()
        if word != "#" and word not in _TRIGGER_WORDS:
            continue
        start, end = max(0, token.start() - _WINDOW), min(len(sentence), token.end() + _WINDOW)
        if windows and start <= windows[-1][1]:
            windows[-1][2].add(word)
            windows[-1] = (windows[-1][0], end, windows[-1][2])
        else:
            windows.append((start, end, {word}))
    return windows


def _find_dates_on(sentence: str, published: date) -> list[DateMention]:
    """Every date of ``sentence``; a very long one (a pasted document without full stops) is read
    only around its trigger words, so that 28 patterns do not each scan megabytes of text."""
    if len(sentence) <= _LONG_TEXT:
        return _find_dates_in(sentence, published)
    mentions: list[DateMention] = []
    for start, end, words in _trigger_windows(sentence):
        rules = [rule for rule in DATE_RULES if not _RULE_NEEDS[rule.name].isdisjoint(words)]
        mentions.extend(replace(m, start=m.start + start, end=m.end + start)
                        for m in _find_dates_in(sentence[start:end], published, rules))
    return mentions


def _find_dates_in(sentence: str, published: date, rules: list[DateRule] = DATE_RULES) -> list[DateMention]:
    mentions: list[DateMention] = []
    # The spans taken so far never overlap, so sorted by start they are sorted by end too,
    # and one binary search tells whether a new span overlaps any (a linear scan made long
    # texts with many dates quadratic).
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    for rule in rules:
        resolve = rule.resolve
        for found in rule.pattern.finditer(sentence):
            start, end = found.span()
            before = bisect.bisect_left(taken_starts, end)  # spans that start before this one ends
            if before and taken_ends[before - 1] > start:
                continue
            if resolve.__name__ == "year_only" and not _year_has_context(sentence, found):
                continue
            resolved = resolve(found, published)
            if not resolved:
                continue
            first, last, precision, basis, note = resolved
            taken_starts.insert(before, start)
            taken_ends.insert(before, end)
            mentions.append(DateMention(found.group().strip(), start, end, first, last, precision, basis, note))
    return sorted(mentions, key=lambda m: m.start)


def _year_has_context(sentence: str, found: re.Match) -> bool:
    """A bare four-digit number is a year only after a preposition or 'the'."""
    if found.groupdict().get("part"):
        return True
    # Only the few characters before the year can hold the word: searching the whole
    # sentence before it made one long sentence with many numbers quadratic.
    year = found.start("year")
    before = sentence[max(0, year - 40): year]
    return bool(_YEAR_CONTEXT.search(before))


_YEAR_CONTEXT = re.compile(r"(?:\b(?:in|since|by|until|till|during|from|before|after|of|the|mid)[\s-]+)$",
                           re.IGNORECASE)
