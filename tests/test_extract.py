"""Date resolution, place matching and candidate building, on short texts written here."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.extract import (
    candidate_feature,
    extract_candidates,
    find_dates,
    guess_actors,
    guess_category,
    make_title,
    split_sentences,
)
from dashboard.events import validate_feature_collection
from dashboard.gazetteer import Place, load_gazetteer, spelling_variants
from dashboard.placement import place_text

# Tuesday 7 September 2021.
PUBLISHED = date(2021, 9, 7)


def only_date(sentence: str, published: date = PUBLISHED, **options):
    mentions = find_dates(sentence, published, **options)
    assert len(mentions) == 1, mentions
    mention = mentions[0]
    return mention.date_start, mention.date_end, mention.precision, mention.basis


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On Aug. 3, 1995, the plane landed.", (date(1995, 8, 3), date(1995, 8, 3), "day", "explicit")),
        ("talks on May 28, 2019 in Moscow", (date(2019, 5, 28), date(2019, 5, 28), "day", "explicit")),
        ("published August 17th, 2021", (date(2021, 8, 17), date(2021, 8, 17), "day", "explicit")),
        ("shut in 2015, it was", (date(2015, 1, 1), date(2015, 12, 31), "year", "explicit")),
        ("In November 2018, a delegation", (date(2018, 11, 1), date(2018, 11, 30), "month", "explicit")),
        ("the war of 1979–1989", (date(1979, 1, 1), date(1989, 12, 31), "range", "explicit")),
        ("between 1979 and 1989", (date(1979, 1, 1), date(1989, 12, 31), "range", "explicit")),
        ("in the 1990s when", (date(1990, 1, 1), date(1999, 12, 31), "range", "explicit")),
    ],
)
def test_absolute_dates_with_their_year(sentence, expected):
    assert only_date(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A month without a year: the most recent such month not after publication.
        ("in August, the Taliban", (date(2021, 8, 1), date(2021, 8, 31), "month", "relative")),
        ("in October, the Taliban", (date(2020, 10, 1), date(2020, 10, 31), "month", "relative")),
        ("in September, the Taliban", (date(2021, 9, 1), date(2021, 9, 30), "month", "relative")),
        ("On August 25, Zhirnov said", (date(2021, 8, 25), date(2021, 8, 25), "day", "relative")),
        ("drills September 7-9 in", (date(2021, 9, 7), date(2021, 9, 9), "range", "relative")),
        ("drills from September 7 to 9 under", (date(2021, 9, 7), date(2021, 9, 9), "range", "relative")),
        ("Since April, Russia has", (date(2021, 4, 1), PUBLISHED, "range", "relative")),
        ("In early July, the visitors", (date(2021, 7, 1), date(2021, 7, 10), "range", "inferred")),
        ("in mid-August", (date(2021, 8, 11), date(2021, 8, 20), "range", "inferred")),
    ],
)
def test_month_and_day_without_year(sentence, expected):
    assert only_date(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Published on a Tuesday: last Wednesday is 1 Sep, this Monday 6 Sep, yesterday 6 Sep.
        ("the visit last Wednesday was", (date(2021, 9, 1), date(2021, 9, 1), "day", "relative")),
        ("told reporters this Monday that", (date(2021, 9, 6), date(2021, 9, 6), "day", "relative")),
        ("a statement on Friday said", (date(2021, 9, 3), date(2021, 9, 3), "day", "relative")),
        ("last Tuesday", (date(2021, 8, 31), date(2021, 8, 31), "day", "relative")),
        ("Yesterday the envoy", (date(2021, 9, 6), date(2021, 9, 6), "day", "relative")),
        ("Last week the movement", (date(2021, 8, 30), date(2021, 9, 5), "range", "inferred")),
        ("an interview last month with", (date(2021, 8, 1), date(2021, 8, 31), "month", "relative")),
        ("visits this year alone", (date(2021, 1, 1), date(2021, 12, 31), "year", "relative")),
        ("20 years ago, when", (date(2001, 1, 1), date(2001, 12, 31), "year", "relative")),
        ("in recent days", (date(2021, 8, 31), PUBLISHED, "range", "inferred")),
        ("A day after the Taliban’s takeover of the Afghan capital, the envoy",
         (date(2021, 8, 16), date(2021, 8, 16), "day", "inferred")),
        ("Days after the fall of Kabul, a general", (date(2021, 8, 16), date(2021, 8, 22), "range", "inferred")),
        ("just days before the Taliban entered Kabul,", (date(2021, 8, 8), date(2021, 8, 14), "range", "inferred")),
    ],
)
def test_relative_dates_resolved_against_publication(sentence, expected):
    assert only_date(sentence) == expected


def test_relative_and_inferred_dates_explain_themselves():
    for sentence in ("last Wednesday", "Last week", "in August", "A day after the fall of Kabul"):
        mention = find_dates(sentence, PUBLISHED)[0]
        assert mention.note, sentence


def test_weekday_when_publication_day_is_that_weekday():
    wednesday = date(2021, 10, 27)
    assert only_date("last Wednesday", wednesday)[:2] == (date(2021, 10, 20), date(2021, 10, 20))
    assert only_date("on Wednesday", wednesday)[:2] == (wednesday, wednesday)


def test_month_known_publication_gives_honest_span():
    # Published some day in July 2021: "this Monday" could be any Monday of July.
    start, end, precision, basis = only_date("this Monday", date(2021, 7, 1), published_until=date(2021, 7, 31))
    assert (start, end, precision, basis) == (date(2021, 6, 28), date(2021, 7, 26), "range", "inferred")
    # An explicit date does not depend on the publication day and stays a day.
    assert only_date("on Friday, July 9 for", date(2021, 7, 1), published_until=date(2021, 7, 31))[:3] == (
        date(2021, 7, 9), date(2021, 7, 9), "day")


@pytest.mark.parametrize(
    "sentence",
    [
        "90% of the world’s heroin",
        "the 7,000 Russian troops stationed",
        "just 20 kilometers from the border",
        "more than 1,300 kilometers long",
        "Russia may not like it",
        "over 10,000 fighters in 2,000 places",
        "the rally in 2030 will",  # after publication
        "what will happen tomorrow",
        "those who control the country today",
    ],
)
def test_numbers_and_words_that_are_not_dates(sentence):
    assert find_dates(sentence, PUBLISHED) == []


def test_two_dates_in_one_sentence():
    mentions = find_dates("An August 27 article described Khan’s August 26 phone call", PUBLISHED)
    assert [(m.date_start.day, m.text) for m in mentions] == [(27, "August 27"), (26, "August 26")]


# --- places -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.mark.parametrize(
    ("written", "place"),
    [
        ("Kharb-Maydon", "Kharb-Maydon"), ("Harb-Maidon", "Kharb-Maydon"), ("Kharb-Maidon", "Kharb-Maydon"),
        ("Kharbmaidon", "Kharb-Maydon"), ("Harb Maydon", "Kharb-Maydon"),
        ("Bokhtar", "Bokhtar"), ("Qurghonteppa", "Bokhtar"), ("Kurgan-Tyube", "Bokhtar"), ("Kurgan-Tube", "Bokhtar"),
        ("Panjshir", "Panjshir"), ("Panjsher", "Panjshir"), ("Panjshir Valley", "Panjshir"),
        ("Termez", "Termez"), ("Tirmiz", "Termez"), ("Kunduz", "Kunduz"), ("Kondoz", "Kunduz"),
        ("Kandahār", "Kandahar"), ("KABUL", "Kabul"), ("Mazar-e Sharif", "Mazar-i-Sharif"),
    ],
)
def test_spellings_and_aliases_find_the_place(gazetteer, written, place):
    matches = gazetteer.find(f"Troops gathered near {written}, officials said.")
    assert [(m.place.name, m.text) for m in matches] == [(place, written)]


def test_transliteration_rules_generate_variants():
    assert {"harb-maidon", "kharbmaidon", "kharb maydon"} <= spelling_variants("Kharb-Maydon")
    assert "panjsher" in spelling_variants("Panjshir")
    assert "kurgan-tube" in spelling_variants("Kurgan-Tyube")


def test_matches_whole_words_only(gazetteer):
    assert gazetteer.find("Dohaville and Kabulistan and Iranians") == []


@pytest.mark.parametrize(("adjective", "country"), [("Afghan", "Afghanistan"), ("Tajik", "Tajikistan")])
def test_adjectives_point_at_their_country(gazetteer, adjective, country):
    best = gazetteer.best(gazetteer.find(f"The {adjective} border was quiet."))
    assert (best.place.name, best.place.location_precision, best.adjective) == (country, "country", True)


def test_russian_is_only_a_fallback(gazetteer):
    assert gazetteer.best(gazetteer.find("Russian troops drilled.")).place.name == "Russia"
    assert gazetteer.best(gazetteer.find("Russian troops drilled in Tajikistan.")).place.name == "Tajikistan"


def test_most_specific_place_after_a_preposition_wins(gazetteer):
    best = gazetteer.best(gazetteer.find("Moscow says troops in Tajikistan drilled at Kharb-Maidon."))
    assert best.place.name == "Kharb-Maydon"
    # "Moscow-led" describes the bloc, it is not where the drills are.
    best = gazetteer.best(gazetteer.find("drills in Kyrgyzstan under the Moscow-led bloc"))
    assert best.place.name == "Kyrgyzstan"


# --- sentences and candidates ---------------------------------------------------------------


def test_sentences_are_exact_substrings_and_respect_abbreviations():
    text = "On Aug. 3, 1995, Gen. Ivanov left the U.S. embassy. He said “no.” Then he went home.\nNew line"
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert sentences == ["On Aug. 3, 1995, Gen. Ivanov left the U.S. embassy.", "He said “no.”",
                         "Then he went home.", "New line"]


ARTICLE = (
    "Russia held military exercises at Kharb-Maidon in Tajikistan last week. "
    "The weather was fine. "
    "On Aug. 3, 1995, Taliban forces intercepted a Russian plane and forced it to land at Kandahar. "
    "Nothing happened in 2015 anywhere."
)


def test_candidates_need_a_date_and_a_place(gazetteer):
    candidates = extract_candidates(ARTICLE, PUBLISHED, gazetteer)
    assert [(c.place.place.name, c.date.date_start) for c in candidates] == [
        ("Kharb-Maydon", date(2021, 8, 30)), ("Kandahar", date(1995, 8, 3))]
    drills, plane = candidates
    assert drills.category == "military_exercise" and plane.category == "attack"
    assert {"Russia", "Tajikistan"} <= set(drills.actors) and {"Taliban", "Russia"} <= set(plane.actors)


def test_candidate_feature_is_a_valid_unreviewed_event(gazetteer):
    features = [candidate_feature(c, "new-article") for c in extract_candidates(ARTICLE, PUBLISHED, gazetteer)]
    events = validate_feature_collection({"type": "FeatureCollection", "features": features}, source_name="t")
    drills = events[0]
    assert drills.review_status == "unreviewed"
    assert drills.sources[0].quote in ARTICLE and drills.sources[0].article == "new-article"
    assert (drills.location_precision, drills.uncertainty_km, drills.country) == ("site", 75.0, "TJK")
    assert (drills.date_precision, drills.date_basis) == ("range", "inferred") and drills.date_note
    assert drills.id.startswith("2021-08-30-kharb-maydon-")
    kandahar = features[1]
    place: Place = load_gazetteer().by_name["Kandahar"]
    assert kandahar["geometry"]["coordinates"] == [place.lon, place.lat]
    assert kandahar["properties"]["location_precision"] == "city"
    # Stable ids: the same text gives the same ids.
    again = [candidate_feature(c, "new-article") for c in extract_candidates(ARTICLE, PUBLISHED, load_gazetteer())]
    assert [f["properties"]["id"] for f in again] == [f["properties"]["id"] for f in features]


def test_category_and_actor_guesses():
    assert guess_category("The CSTO held drills near the border") == "military_exercise"
    assert guess_category("The court designated the group a terrorist organization") == "legal_designation"
    assert guess_category("Nothing to see") == "other"
    assert guess_category("Lavrov held talks with a Taliban delegation in Moscow") == "diplomacy"
    assert guess_category("Thousands of refugees fled to the Tajik border") == "humanitarian"
    assert guess_category("Russia signed a gas pipeline deal with Turkmenistan") == "economy"
    assert guess_category("Taliban fighters seized the border crossing") == "territorial_control"
    assert guess_category("Russia shipped weapons and ammunition to the Tajik army") == "military_aid"
    assert guess_actors("Washington and Beijing watched the NRF") == ["United States", "NRF", "China"]


def test_titles_are_short_and_cut_at_a_word():
    sentence = "Russia will also hold military drills in Kyrgyzstan from September 7 to 9 under the umbrella of the CSTO."
    title = make_title(sentence)
    assert len(title) <= 81 and title.endswith("…") and sentence.startswith(title[:-1])
    assert make_title("Short one.") == "Short one."


def test_seasons_and_spans_of_years():
    assert only_date("as the Taliban advanced this summer, Russia", date(2021, 8, 17)) == (
        date(2021, 6, 1), date(2021, 8, 17), "range", "inferred")
    assert only_date("last winter", date(2021, 8, 17))[:2] == (date(2020, 12, 1), date(2021, 2, 28))
    assert only_date("contacts for the last seven years", date(2021, 8, 17)) == (
        date(2014, 1, 1), date(2021, 8, 17), "range", "inferred")


def test_anchor_wins_over_the_date_inside_it():
    mentions = find_dates("killed in 2001, days before the September 11 attacks on the US.", PUBLISHED)
    assert [(m.date_start, m.date_end, m.precision) for m in mentions] == [
        (date(2001, 1, 1), date(2001, 12, 31), "year"), (date(2001, 9, 4), date(2001, 9, 10), "range")]


def test_an_institution_places_a_statement_in_its_capital(gazetteer):
    sentence = "In March 2000, senior Kremlin officials warned of airstrikes in Afghanistan."
    placement = place_text(sentence, gazetteer, on=date(2000, 3, 1))
    assert (placement.place.name, placement.match.text, placement.match.seat) == ("Moscow", "Kremlin", True)
    assert placement.basis == "inferred" and placement.note.startswith("seat of")
    # A named city stays: the embassy statement is about Kabul, not where the Kremlin is.
    sentence = "The Kremlin said on Monday that Kabul was calm."
    assert place_text(sentence, gazetteer).place.name == "Kabul"


# --- document context ---------------------------------------------------------------------


def test_a_place_from_the_next_sentence_about_the_same_drills(gazetteer):
    text = ("Russian and Tajik troops on Tuesday wrapped up their drills near the border.\n\n"
            "The drills, which were held at Harb-Maidon firing range, involved 2,500 troops.\n")
    [drills] = extract_candidates(text, PUBLISHED, gazetteer)
    assert (drills.place.place.name, drills.date.date_start, drills.date.basis) == (
        "Kharb-Maydon", PUBLISHED, "relative")
    assert drills.quotes == [text.splitlines()[0], text.splitlines()[2]]
    feature = candidate_feature(drills, "a")
    assert [s["quote"] for s in feature["properties"]["sources"]] == drills.quotes
    assert feature["properties"]["extraction"]["place_note"].startswith("place from a neighbouring sentence")


def test_a_date_carries_over_within_a_paragraph(gazetteer):
    text = "Taliban fighters captured Kunduz on Aug. 8, 2021. They also seized Sheberghan.\nHerat fell to them."
    found = {c.place.place.name: c for c in extract_candidates(text, PUBLISHED, gazetteer)}
    assert found["Shibirghan"].date.date_start == date(2021, 8, 8)
    assert "carried over" in found["Shibirghan"].date.note
    assert "Herat" not in found  # another paragraph, and no date of its own


def test_the_dateline_gives_place_and_is_never_a_title(gazetteer):
    text = "DUSHANBE, Oct 23 (Reuters) - Tajik officials held talks with a Taliban delegation on Friday.\n"
    [talks] = extract_candidates(text, date(2021, 10, 23), gazetteer)
    assert (talks.place.place.name, talks.date.date_start) == ("Dushanbe", date(2021, 10, 22))
    title = candidate_feature(talks, "a")["properties"]["title"]
    assert title.startswith("Tajik officials held talks") and "DUSHANBE" not in title


def test_captions_and_credits_are_not_events(gazetteer):
    text = ("Russian troops at a range near Kulob on Aug. 10, 2021. (AP Photo/Jane Roe)\n"
            "Photo: Taliban fighters in Kabul on Aug. 16, 2021\n"
            "(Reporting by Jane Roe in Dushanbe on Aug. 3, 2021)\n")
    assert extract_candidates(text, PUBLISHED, gazetteer) == []


def test_sentences_about_the_same_happening_merge(gazetteer):
    text = ("Russia held drills at Kharb-Maidon last week.\n"
            "Analysts say the region is tense.\n"
            "Around 2,500 troops took part in the drills at Kharb-Maidon last week.\n")
    [drills] = extract_candidates(text, PUBLISHED, gazetteer)
    assert len(drills.quotes) == 2 and drills.place.place.name == "Kharb-Maydon"


def test_the_tajik_capital_is_dushanbe(gazetteer):
    [match] = gazetteer.find("Talks were held in the Tajik capital.")
    assert (match.place.name, match.text, match.adjective) == ("Dushanbe", "Tajik capital", False)


def test_one_candidate_per_listed_town(gazetteer):
    text = "On Sunday the Taliban captured Kunduz, Sar-e Pul and Taloqan."
    found = [c.place.place.name for c in extract_candidates(text, PUBLISHED, gazetteer)]
    assert found == ["Kunduz", "Sar-e Pul", "Taloqan"]


def test_plans_are_not_events(gazetteer):
    assert extract_candidates("Russia will hold drills in Tajikistan next month.", PUBLISHED, gazetteer) == []


def test_headline_is_skipped_and_an_undated_lede_takes_the_report_day(gazetteer):
    text = ("Taliban seize Kunduz on Sunday\n\nKUNDUZ, Afghanistan (AP) — The Taliban have captured the city of "
            "Kunduz, officials said.\n\nThe Taliban captured Sheberghan, too.\n")
    [kunduz] = extract_candidates(text, PUBLISHED, gazetteer)
    assert kunduz.sentence.startswith("The Taliban have captured")
    assert (kunduz.date.date_start, kunduz.date.date_end, kunduz.date.basis) == (
        date(2021, 9, 6), PUBLISHED, "inferred")


def test_an_unplaced_dated_event_goes_to_the_main_country(gazetteer):
    text = ("The Taliban rule Afghanistan. Afghan officials fled.\n\n"
            "The elder Massoud was assassinated in 2001 by al-Qaeda.\n")
    [massoud] = extract_candidates(text, PUBLISHED, gazetteer)
    assert (massoud.place.place.name, massoud.place_note) == (
        "Afghanistan", "no place in the sentence: the country the article is most about")


def test_the_next_day_counts_from_the_date_before(gazetteer):
    text = "Taliban fighters captured Kunduz on Aug. 8, 2021.\n\nThe next day they seized Taloqan."
    found = {c.place.place.name: c.date for c in extract_candidates(text, PUBLISHED, gazetteer)}
    assert (found["Taloqan"].date_start, found["Taloqan"].basis) == (date(2021, 8, 9), "inferred")
    assert "counted from the date before it" in found["Taloqan"].note


def test_an_adjective_says_who_not_where(gazetteer):
    text = "Tajikistan is tense.\n\nAfghan troops crossed the border on Aug. 3, 2021, officials said.\n"
    [flight] = extract_candidates(text, PUBLISHED, gazetteer)
    assert (flight.place.place.name, flight.place.adjective) == ("Tajikistan", False)
    assert flight.place_note.startswith("no place in the sentence")


def test_a_date_from_the_sentence_before_in_a_one_sentence_paragraph(gazetteer):
    text = "Taliban fighters captured Kunduz on Aug. 8, 2021.\n\nThe fighters also captured Taloqan.\n"
    found = {c.place.place.name: c.date for c in extract_candidates(text, PUBLISHED, gazetteer)}
    assert found["Taloqan"].date_start == date(2021, 8, 8) and "the sentence before" in found["Taloqan"].note


def test_every_town_taken_in_one_sentence(gazetteer):
    text = "On Sunday the Taliban captured Sheberghan, the capital of Jowzjan province, and then Taloqan."
    found = [c.place.place.name for c in extract_candidates(text, PUBLISHED, gazetteer)]
    assert found == ["Shibirghan", "Taloqan"]  # the province only says where Sheberghan is


def test_the_dateline_day_anchors_relative_dates(gazetteer):
    text = "DUSHANBE, Oct 23 (Reuters) - Tajik officials held talks with a Taliban delegation on Friday.\n"
    # Only the month of publication is known; the dateline says the report is of Saturday 23 October.
    [talks] = extract_candidates(text, date(2021, 10, 1), gazetteer, published_until=date(2021, 10, 31))
    assert (talks.date.date_start, talks.date.date_end) == (date(2021, 10, 22), date(2021, 10, 22))


def test_a_country_possessive_and_an_article_date_are_not_the_event(gazetteer):
    text = ("The Taliban rule Afghanistan.\n\n"
            "Despite the war against the Soviets in the 1980s, Russia's view of the group is pragmatic.\n\n"
            "An August 27 article in Pakistan's press described the August 26 phone call as a success.\n")
    found = [(c.place.place.name, c.date.date_start) for c in extract_candidates(text, PUBLISHED, gazetteer)]
    assert ("Afghanistan", date(1980, 1, 1)) in found  # the country the article is about, not Russia
    assert all(day != date(2021, 8, 27) for _name, day in found)


def test_the_place_of_the_dates_own_clause(gazetteer):
    text = "Kandahar is the birthplace of the movement, which ruled Afghanistan from 1996 to 2001."
    [rule] = extract_candidates(text, PUBLISHED, gazetteer)
    assert (rule.place.place.name, rule.date.date_start) == ("Afghanistan", date(1996, 1, 1))


def test_a_capital_in_the_possessive_is_its_government(gazetteer):
    text = ("Moscow's history with the Taliban began before the group first seized power in Afghanistan in 1996.\n"
            "The Taliban stormed Kabul's airport on Aug. 15, 2021.\n")
    places = [c.place.place.name for c in extract_candidates(text, PUBLISHED, gazetteer)]
    assert places == ["Afghanistan", "Kabul"]


def test_a_similar_earlier_happening_does_not_take_todays_date(gazetteer):
    text = ("Suicide bombers attacked a mosque in Kandahar on Friday.\n\n"
            "The attack came a week after a similar bombing in Kunduz killed dozens.\n")
    assert [c.place.place.name for c in extract_candidates(text, date(2021, 10, 15), gazetteer)] == ["Kandahar"]


def test_a_place_in_quoted_words_is_not_where_they_were_said(gazetteer):
    text = "Officials from Dushanbe called it “a victory in Kunduz” on Aug. 16, 2021."
    [said] = extract_candidates(text, PUBLISHED, gazetteer)
    assert said.place.place.name == "Dushanbe"


def test_a_designation_by_a_country_is_placed_at_its_capital(gazetteer):
    text = "Russia banned the Taliban as a terrorist organization in 2003."
    [ban] = extract_candidates(text, PUBLISHED, gazetteer)
    assert (ban.category, ban.place.place.name, ban.location_basis) == ("legal_designation", "Moscow", "inferred")


def test_the_same_day_is_not_counted_from_a_decade(gazetteer):
    text = ("Russia cooperated with the U.S. in Afghanistan in the early 2000s.\n"
            "On the same day, Taliban envoys held talks in Tehran.\n"
            "Taliban envoys arrived in Kabul on Aug. 3, 2021.\nThe next day, they held talks in Tehran.\n")
    talks = [c for c in extract_candidates(text, PUBLISHED, gazetteer) if c.place.place.name == "Tehran"]
    assert [(c.date.date_start, c.date.date_end) for c in talks] == [(date(2021, 8, 4), date(2021, 8, 4))]


def test_a_place_inside_another_date_of_the_sentence_places_nothing(gazetteer):
    text = "Days after the fall of Kabul, Gen. Ivanov, chief of staff from 2004 to 2007, praised the drills."
    places = {c.date.date_start.year: c.place.place.name for c in extract_candidates(text, PUBLISHED, gazetteer)}
    assert places.get(2004) != "Kabul"


def test_a_law_or_decree_is_a_legal_designation():
    assert guess_category("In July 2000 their leaders introduced the death penalty for growing drugs.") == "legal_designation"
    assert guess_category("The government issued a decree banning music.") == "legal_designation"


def test_reported_words_are_not_placed_in_the_articles_country(gazetteer):
    text = ("Afghanistan is tense. Afghanistan borders Tajikistan.\n"
            "Days after the fall of Kabul, a retired general argued that the exercises were meant as a warning.\n"
            "Days after the fall of Kabul, the exercises ended.\n")
    found = [c.sentence for c in extract_candidates(text, PUBLISHED, gazetteer)]
    assert found == ["Days after the fall of Kabul, the exercises ended."]


def test_people_fleeing_across_a_border_is_humanitarian():
    assert guess_category("Hundreds of Afghans are crossing the border to Tajikistan.") == "humanitarian"
    assert guess_category("Thousands fled to Uzbekistan.") == "humanitarian"
    assert guess_category("The fleet sailed.") == "other"


def test_the_words_of_a_date_do_not_say_what_happened(gazetteer):
    # "the fall of Kabul" dates the statement; the sentence tells of a statement, placed at the speaker's seat.
    text = "Two days after the fall of Kabul, the Kremlin said it was watching events closely."
    [said] = extract_candidates(text, PUBLISHED, gazetteer)
    assert (said.category, said.place.place.name, said.date.date_start) == ("statement", "Moscow", date(2021, 8, 17))


def test_what_was_promised_gives_neither_category_nor_place(gazetteer):
    # The visit happened in Tehran; the attacks and Herat are only in what the envoys promised.
    text = ("Taliban envoys arrived in Tehran for talks.\n\n"
            "On Aug. 3, 2021, the visiting envoys pledged to stop attacks on traders in Herat and to reopen roads.\n")
    [visit] = [c for c in extract_candidates(text, PUBLISHED, gazetteer) if c.date.date_start == date(2021, 8, 3)]
    assert (visit.category, visit.place.place.name) == ("diplomacy", "Tehran")


def test_bombers_are_aircraft_not_an_attack():
    assert guess_category("Strategic bombers took part in the exercises near Termez.") == "military_exercise"
    assert guess_category("Suicide bombers struck a mosque.") == "attack"
    assert guess_category("A car bomb went off.") == "attack"


def test_a_date_that_opens_a_sentence_is_the_one_the_next_sentence_takes(gazetteer):
    # The tenure inside the aside (2010 to 2014) dates nothing that follows.
    text = ("Days after the fall of Kabul, Gen. Petrov, commander from 2010 to 2014, praised the drills at Kharb-Maidon."
            "\n\nThe drills near Termez involved tanks.\n")
    [termez] = [c for c in extract_candidates(text, PUBLISHED, gazetteer) if c.place.place.name == "Termez"]
    assert (termez.date.date_start, termez.date.date_end) == (date(2021, 8, 16), date(2021, 8, 22))
    assert "the sentence before" in termez.date.note


def test_an_attack_on_a_list_of_countries_is_one_in_each(gazetteer):
    text = "Between 2010 and 2012 the group carried out attacks against Turkmenistan, Iran and Pakistan."
    assert sorted(c.place.place.name for c in extract_candidates(text, PUBLISHED, gazetteer)) == [
        "Iran", "Pakistan", "Turkmenistan"]
    # Who condemned an attack is not where it happened.
    text = "In 2012 Iran and Pakistan condemned the attacks."
    assert len(extract_candidates(text, PUBLISHED, gazetteer)) == 1


def test_an_undated_possibility_takes_no_date_from_its_neighbours(gazetteer):
    text = ("Kazakh troops held drills near Almaty on Aug. 3, 2021. The drills could also be repeated near Shymkent. "
            "The drills near Taraz ended with a parade.\n")
    places = [c.place.place.name for c in extract_candidates(text, PUBLISHED, gazetteer)]
    assert "Shymkent" not in places and "Taraz" in places


def test_shortly_thereafter_follows_the_date_before(gazetteer):
    text = "Taliban fighters captured Kunduz on Aug. 8, 2021.\n\nShortly thereafter, they seized Taloqan.\n"
    found = {c.place.place.name: c.date for c in extract_candidates(text, PUBLISHED, gazetteer)}
    taloqan = found["Taloqan"]
    assert (taloqan.date_start, taloqan.date_end, taloqan.basis) == (date(2021, 8, 8), date(2021, 9, 7), "inferred")
    assert "Shortly thereafter" in taloqan.note and "Aug. 8, 2021" in taloqan.note


def test_a_counterfactual_comment_is_no_happening(gazetteer):
    text = ("Such talks in Tehran would have been unthinkable in 2010, when Iran armed the Northern Alliance.\n\n"
            "Iran hosted talks in Tehran in 2010.\n")
    assert [c.sentence for c in extract_candidates(text, PUBLISHED, gazetteer)] == [
        "Iran hosted talks in Tehran in 2010."]


def test_a_date_inside_what_was_said_does_not_date_the_saying(gazetteer):
    text = ("A scholar in Tashkent said Uzbekistan now believed the group had changed since it fought there in the "
            "1990s.\n\nOfficials in Tashkent said on Aug. 3, 2021 that talks would follow.\n")
    found = [(c.place.place.name, c.date.date_start) for c in extract_candidates(text, PUBLISHED, gazetteer)]
    assert found == [("Tashkent", date(2021, 8, 3))]


def test_later_that_day_and_a_span_until_count_from_the_date_before(gazetteer):
    text = ("Fighters stormed the prison in Sheberghan on Aug. 6, 2021.\n\n"
            "Later that day, officials in Mazar-i-Sharif asked for help.\n\n"
            "The guards were held for 12 days, until they escaped to Termez.\n")
    found = {c.place.place.name: c.date for c in extract_candidates(text, PUBLISHED, gazetteer)}
    assert (found["Mazar-i-Sharif"].date_start, found["Mazar-i-Sharif"].basis) == (date(2021, 8, 6), "inferred")
    assert found["Termez"].date_start == found["Termez"].date_end == date(2021, 8, 18)
    assert "'for 12 days, until' counted from the date before it" in found["Termez"].note
