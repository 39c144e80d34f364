"""Each date resolver of dashboard.dates on its own pattern: one example per rule of the table."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.dates import DATE_RULES, find_dates

# Tuesday 7 September 2021.
PUBLISHED = date(2021, 9, 7)

# resolver name -> (text its pattern matches, expected first day, last day, precision, basis)
EXAMPLES: dict[str, tuple[str, date, date, str, str]] = {
    "anchored": ("two days after the fall of Kabul", date(2021, 8, 17), date(2021, 8, 17), "day", "inferred"),
    "cross_month_range": ("from July 30 to Aug. 4", date(2021, 7, 30), date(2021, 8, 4), "range", "relative"),
    "day_range_with_year": ("Aug. 5-10, 2020", date(2020, 8, 5), date(2020, 8, 10), "range", "explicit"),
    "full_day": ("Tuesday, Aug. 3, 1995", date(1995, 8, 3), date(1995, 8, 3), "day", "explicit"),
    "day_first": ("3 August 1995", date(1995, 8, 3), date(1995, 8, 3), "day", "explicit"),
    "day_range": ("from Aug. 5-10 the troops", date(2021, 8, 5), date(2021, 8, 10), "range", "relative"),
    "day_no_year": ("On August 25 they", date(2021, 8, 25), date(2021, 8, 25), "day", "relative"),
    "year_range": ("between 1979 and 1989", date(1979, 1, 1), date(1989, 12, 31), "range", "explicit"),
    "month_year": ("in late July 2021", date(2021, 7, 21), date(2021, 7, 31), "range", "inferred"),
    "since_month": ("since May the", date(2021, 5, 1), PUBLISHED, "range", "relative"),
    "part_of_month": ("in early August", date(2021, 8, 1), date(2021, 8, 10), "range", "inferred"),
    "month_only": ("in October the", date(2020, 10, 1), date(2020, 10, 31), "month", "relative"),
    "decade": ("in the late 1990s", date(1997, 1, 1), date(1999, 12, 31), "range", "inferred"),
    "year_only": ("in 2015 it", date(2015, 1, 1), date(2015, 12, 31), "year", "explicit"),
    "named_event_year": ("the Peace Mission 2021 drills", date(2021, 1, 1), date(2021, 12, 31), "year", "explicit"),
    "years_ago": ("two years ago", date(2019, 1, 1), date(2019, 12, 31), "year", "relative"),
    "weekday": ("last Friday", date(2021, 9, 3), date(2021, 9, 3), "day", "relative"),
    "days_ago": ("three days ago", date(2021, 9, 4), date(2021, 9, 4), "day", "relative"),
    "today": ("said today", PUBLISHED, PUBLISHED, "day", "relative"),
    "weekend": ("over the weekend", date(2021, 9, 4), date(2021, 9, 5), "range", "relative"),
    "next_period": ("next month", date(2021, 10, 1), date(2021, 10, 31), "month", "relative"),
    "yesterday": ("said yesterday", date(2021, 9, 6), date(2021, 9, 6), "day", "relative"),
    "after_anchor": ("after the fall of Kabul", date(2021, 8, 15), date(2021, 9, 14), "range", "inferred"),
    "week": ("last week", date(2021, 8, 30), date(2021, 9, 5), "range", "inferred"),
    "month_relative": ("last month", date(2021, 8, 1), date(2021, 8, 31), "month", "relative"),
    "year_relative": ("this year", date(2021, 1, 1), date(2021, 12, 31), "year", "relative"),
    "recent": ("in recent days", date(2021, 8, 31), PUBLISHED, "range", "inferred"),
    "season": ("last winter", date(2020, 12, 1), date(2021, 2, 28), "range", "inferred"),
    "past_years": ("for the past two years", date(2019, 1, 1), PUBLISHED, "range", "inferred"),
}


def test_every_rule_has_an_example():
    assert sorted({rule.name for rule in DATE_RULES}) == sorted(EXAMPLES)


@pytest.mark.parametrize("rule", DATE_RULES, ids=lambda rule: rule.name)
def test_resolver_on_its_own_pattern(rule):
    text, first, last, precision, basis = EXAMPLES[rule.name]
    found = rule.pattern.search(text)
    assert found is not None, (rule.name, text)
    resolved = rule.resolve(found, PUBLISHED)
    assert resolved[:4] == (first, last, precision, basis), rule.name
    assert basis == "explicit" or resolved[4], f"{rule.name}: a relative or inferred date explains itself"


@pytest.mark.parametrize(("text", "first", "last"), [
    ("said Tuesday", PUBLISHED, PUBLISHED),  # the publication day is a Tuesday
    ("on Sunday", date(2021, 9, 5), date(2021, 9, 5)),
    ("Monday's attack", date(2021, 9, 6), date(2021, 9, 6)),
    ("next Friday", date(2021, 9, 10), date(2021, 9, 10)),
    ("a week ago", date(2021, 8, 28), date(2021, 9, 3)),
    ("two months ago", date(2021, 7, 1), date(2021, 7, 31)),
    ("next week", date(2021, 9, 13), date(2021, 9, 19)),
])
def test_relative_expressions(text, first, last):
    [mention] = find_dates(text, PUBLISHED)
    assert (mention.date_start, mention.date_end, mention.basis in ("relative", "inferred")) == (first, last, True)


def test_a_very_long_sentence_gives_the_dates_of_its_parts_at_their_offsets():
    # Over 5,000 characters a sentence is read only around its numbers and date words.
    parts = ["On Aug. 3, 1995, a plane landed", "three days ago the talks began", "in 2015 troops left",
             "between 2001 and 2021 the war went on", "last Wednesday, envoys met", "in mid-August it fell",
             "7,000 troops and 20 km"]
    filler = " word" * 1500 + " "
    sentence = filler.join(parts)
    assert len(sentence) > 20_000
    expected, offset = [], 0
    for part in parts:
        expected += [(m.text, m.start + offset, m.end + offset, m.date_start, m.date_end)
                     for m in find_dates(part, PUBLISHED)]
        offset += len(part) + len(filler)
    found = [(m.text, m.start, m.end, m.date_start, m.date_end) for m in find_dates(sentence, PUBLISHED)]
    assert found == expected
    assert len(found) == 5  # "in 2015 troops" and "7,000 troops" are measures, not dates
    assert all(sentence[start:end].strip() == text for text, start, end, _, _ in found)


def test_after_a_known_event_without_a_count_is_the_month_after_it():
    [mention] = find_dates("Following the 9/11 attacks, Putin backed the campaign.", PUBLISHED)
    assert (mention.date_start, mention.date_end, mention.basis) == (date(2001, 9, 11), date(2001, 10, 11), "inferred")
    [counted] = find_dates("Two days after the fall of Kabul, envoys met.", PUBLISHED)
    assert counted.date_start == counted.date_end == date(2021, 8, 17)


def test_a_named_exercise_gives_its_year_but_a_planned_one_does_not():
    [mention] = find_dates("Troops from six countries took part in the Zapad-2021 exercises near Mulino.", PUBLISHED)
    assert (mention.text, mention.date_start, mention.date_end) == ("Zapad-2021", date(2021, 1, 1), date(2021, 12, 31))
    assert find_dates("They are preparing the Rubezh 2023 drills.", PUBLISHED) == []
    assert find_dates("Their 2021 drills were cancelled.", PUBLISHED) == []  # a pronoun is no name


@pytest.mark.parametrize(("sentence", "first"), [
    ("In the years after the US invasion, opium production soared.", date(2001, 10, 7)),
    ("Following the Soviet invasion of Afghanistan, millions fled to Pakistan.", date(1979, 12, 24)),
    ("After the Soviet withdrawal, the government held on for three years.", date(1989, 2, 15)),
])
def test_invasions_and_withdrawals_are_known_anchors(sentence, first):
    [mention] = find_dates(sentence, PUBLISHED)
    assert (mention.date_start, mention.basis) == (first, "inferred")


def test_an_invasion_of_another_country_is_no_anchor():
    assert find_dates("After the US invasion of Iraq, the alliance split.", PUBLISHED) == []
