"""Each rule of the extractor's two tables on its own: PLACE_RULES (where a dated sentence's
happening is) and CARRIED_DATE_RULES (when an undated sentence's happening was). Texts written here."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.extract import (
    CARRIED_DATE_RULES,
    PLACE_RULES,
    Document,
    Reading,
    date_earlier_in_paragraph,
    date_of_datelined_lede,
    date_of_present_tense,
    date_of_sentence_before,
    designation_at_capital,
    place_earlier_in_paragraph,
    place_in_date_clause,
    place_in_main_country,
    place_of,
    place_of_dateline,
    place_of_neighbour,
    read_document,
)
from dashboard.gazetteer import load_gazetteer

PUBLISHED = date(2021, 9, 7)


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def sentence(document: Document, words: str) -> Reading:
    [reading] = [r for r in document.readings if words in r.text]
    return reading


def test_every_rule_has_its_own_test():
    tests = {name for name in globals() if name.startswith("test_")}
    for rule in [*PLACE_RULES, *CARRIED_DATE_RULES]:
        assert f"test_{rule.__name__}" in tests, rule.__name__


# --- PLACE_RULES ------------------------------------------------------------------------------


def test_place_in_date_clause(gazetteer):
    document = read_document("Kandahar is the birthplace of the movement, which ruled Afghanistan from 1996 to 2001.",
                             PUBLISHED, gazetteer)
    [reading] = document.readings
    placing = place_in_date_clause(document, reading, reading.dates[0], None)
    assert (placing.place.place.name, placing.basis) == ("Afghanistan", "explicit")


def test_place_of_neighbour(gazetteer):
    document = read_document("Russia held drills in Tajikistan on Aug. 3, 2021. The drills took place at Kharb-Maidon.",
                             PUBLISHED, gazetteer)
    dated = sentence(document, "Russia held")
    country = place_in_date_clause(document, dated, dated.dates[0], None)
    assert country.place.place.name == "Tajikistan"
    placing = place_of_neighbour(document, dated, dated.dates[0], country)
    assert placing.place.place.name == "Kharb-Maydon"
    assert placing.more_quotes == ("The drills took place at Kharb-Maidon.",)
    assert document.used_as_place == {1}  # that sentence is told now, it gives no candidate of its own
    # A finer place of its own needs no neighbour.
    assert place_of_neighbour(document, dated, dated.dates[0], placing) is None


def test_place_earlier_in_paragraph(gazetteer):
    document = read_document("Fighting raged around Kunduz. On Aug. 8, 2021, the Taliban captured the airport.",
                             PUBLISHED, gazetteer)
    dated = sentence(document, "captured")
    placing = place_earlier_in_paragraph(document, dated, dated.dates[0], None)
    assert (placing.place.place.name, placing.basis, placing.place_note) == (
        "Kunduz", "inferred", "place carried over from earlier in the paragraph")
    other = read_document("Fighting raged around Kunduz.\n\nOn Aug. 8, 2021, the Taliban captured the airport.",
                          PUBLISHED, gazetteer)  # another paragraph
    dated = sentence(other, "captured")
    assert place_earlier_in_paragraph(other, dated, dated.dates[0], None) is None


def test_place_of_dateline(gazetteer):
    document = read_document("TALOQAN, Afghanistan (AP) — Fighters seized the city in Afghanistan on Aug. 8, 2021.\n\n"
                             "Fighters seized another town on Aug. 9, 2021.\n", PUBLISHED, gazetteer)
    lede, later = document.readings
    country = place_in_date_clause(document, lede, lede.dates[0], None)
    placing = place_of_dateline(document, lede, lede.dates[0], country)  # only the dateline's country
    assert (placing.place.place.name, placing.place_note) == ("Taloqan", "place from the dateline 'TALOQAN, Afghanistan'")
    assert place_of_dateline(document, later, later.dates[0], None) is None  # not the first paragraph


def test_place_in_main_country(gazetteer):
    document = read_document("Afghanistan is tense. Afghanistan borders Iran.\n\n"
                             "The fighters lost a battle in 2001.\n\n"
                             "In 2001, a general argued that the fighters lost a battle.\n", PUBLISHED, gazetteer)
    defeat, argued = sentence(document, "The fighters lost"), sentence(document, "argued")
    placing = place_in_main_country(document, defeat, defeat.dates[0], None)
    assert (placing.place.place.name, placing.basis) == ("Afghanistan", "inferred")
    assert place_in_main_country(document, argued, argued.dates[0], None) is None  # told in someone's words


def test_designation_at_capital(gazetteer):
    document = read_document("Tajikistan banned the group as a terrorist organization in 2006.", PUBLISHED, gazetteer)
    [reading] = document.readings
    country = place_in_date_clause(document, reading, reading.dates[0], None)
    placing = designation_at_capital(document, reading, reading.dates[0], country)
    assert (placing.place.place.name, placing.basis) == ("Dushanbe", "inferred")
    assert "placed at its capital, Dushanbe" in placing.location_note
    # The whole table, in order, gives the same.
    assert place_of(document, reading, reading.dates[0]) == placing


# --- CARRIED_DATE_RULES -----------------------------------------------------------------------


def test_date_earlier_in_paragraph(gazetteer):
    document = read_document("On Aug. 3, 2021, troops gathered near Termez. Tanks fired at targets near Termez.",
                             PUBLISHED, gazetteer)
    mention = date_earlier_in_paragraph(document, sentence(document, "Tanks"))
    assert mention.date_start == mention.date_end == date(2021, 8, 3)
    assert mention.note.startswith("date carried over from earlier in the paragraph ('Aug. 3, 2021')")


def test_date_of_sentence_before(gazetteer):
    document = read_document("Fighters captured Kunduz on Aug. 8, 2021.\n\nFighters also captured Taloqan.\n\n"
                             "Officials held talks in Taloqan.\n", PUBLISHED, gazetteer)
    mention = date_of_sentence_before(document, sentence(document, "also captured"))
    assert mention.date_start == date(2021, 8, 8) and "the sentence before" in mention.note
    assert date_of_sentence_before(document, sentence(document, "talks")) is None  # another happening


def test_date_of_present_tense(gazetteer):
    text = "The resistance still controls the Panjshir valley."
    document = read_document(text, date(2021, 8, 1), gazetteer, published_until=date(2021, 8, 31))
    mention = date_of_present_tense(document, document.readings[0])
    assert (mention.date_start, mention.date_end, mention.basis) == (date(2021, 8, 1), date(2021, 8, 31), "inferred")
    known_day = read_document(text, PUBLISHED, gazetteer)  # "still" may cover weeks: no date by tense alone
    assert date_of_present_tense(known_day, known_day.readings[0]) is None


def test_date_of_datelined_lede(gazetteer):
    document = read_document("KUNDUZ, Afghanistan (AP) — The Taliban have captured the city of Kunduz.\n\n"
                             "The Taliban captured Sheberghan, too.\n", PUBLISHED, gazetteer)
    lede, later = document.readings
    mention = date_of_datelined_lede(document, lede)
    assert (mention.date_start, mention.date_end) == (date(2021, 9, 6), PUBLISHED)
    assert date_of_datelined_lede(document, later) is None
