"""Datelines, noise lines and sentences of an article, on short texts written here."""

from __future__ import annotations

import pytest

from dashboard.article_text import find_dateline, is_noise, story_sentences


@pytest.mark.parametrize(
    ("text", "place", "when", "first_sentence"),
    [
        ("MOSCOW (AP) — Russian troops wrapped up drills.", "MOSCOW", None, "Russian troops wrapped up drills."),
        ("DUSHANBE, Oct 23 (Reuters) - Tajikistan said so.", "DUSHANBE", "Oct 23", "Tajikistan said so."),
        ("TERMEZ, Uzbekistan, Aug. 5 (AFP) – Troops arrived.", "TERMEZ, Uzbekistan", "Aug. 5", "Troops arrived."),
        ("Kabul, 16 August (TASS) - The embassy stayed open.", "Kabul", "16 August", "The embassy stayed open."),
        ("Troops in the north\nBy Jane Roe\nKABUL — The Taliban took the city.", "KABUL", None,
         "The Taliban took the city."),
    ],
)
def test_datelines_are_found_and_cut_off_the_story(text, place, when, first_sentence):
    dateline = find_dateline(text)
    assert (dateline.place, dateline.date) == (place, when)
    sentences = [text[s.start:s.end] for s in story_sentences(text, dateline)]
    assert first_sentence in sentences
    assert not any(sentence.startswith(place.split(",")[0]) for sentence in sentences)


@pytest.mark.parametrize("text", ["Russia said - no way.", "The Taliban (AP) - x happened.", "In 2021 - a year."])
def test_ordinary_sentences_are_not_datelines(text):
    assert find_dateline(text) is None


@pytest.mark.parametrize(
    "line",
    ["Photo: Reuters", "Russian troops at a range near Kulob on Aug. 10, 2021. (AP Photo/Jane Roe)",
     "FILE - Taliban fighters in Kabul, Aug. 16, 2021.", "Read more: Russia and the Taliban",
     "(Reporting by Jane Roe; Editing by John Doe)", "Sign up for our weekly newsletter", "By Jane Roe",
     "By Jane Roe, Dushanbe bureau", "© 2021 The Outlet. All rights reserved.", "Getty Images",
     "Also read: Taliban take Kunduz", "Advertisement", "Image caption: Troops near Kulob",
     "Updated: Aug. 16, 2021 10:41 GMT", "Published 16 August 2021", "Editor's note: this story was updated."],
)
def test_captions_credits_bylines_and_prompts_are_noise(line):
    assert is_noise(line)


@pytest.mark.parametrize(
    "line",
    ["By the end of August, the Taliban held Kabul.", "Russia held drills in Tajikistan on Aug. 10.",
     "The photo shows nothing, officials said.", "Updated maps show the front line near Kunduz.",
     "Published reports said the Taliban took Herat on Aug. 12."],
)
def test_story_lines_are_not_noise(line):
    assert not is_noise(line)


def test_story_sentences_skip_noise_and_keep_paragraph_numbers():
    text = "First one. Second one.\nPhoto: AP\nThird one.\n(Reporting by Jane Roe)"
    sentences = story_sentences(text)
    assert [(text[s.start:s.end], s.paragraph) for s in sentences] == [
        ("First one.", 0), ("Second one.", 0), ("Third one.", 2)]
