"""Misspelled names and German compounds (nlp/fuzzy.py): a bounded edit distance, never for
short acronyms or context aliases, guarded against ordinary words."""

import pytest

from nlp import extract, fuzzy, lexicon


def found(title: str, description: str = "") -> list[dict]:
    return extract({"title": title, "description": description})["substances"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Ketamien 5g crystals", "ketamine"),
        ("kettamine 10g needles", "ketamine"),
        ("Ketamne 2g - fast shipping", "ketamine"),
        ("Fentaynl powder 1g", "fentanyl"),
        ("Methamphetamne shards 3.5g", "methamphetamine"),
        ("Mephedrome 10g", "mephedrone"),
        ("Cocainne 1g 90%", "cocaine"),
        ("Alprazolem 2mg x 20", "alprazolam"),
        ("Oxycodoen 30mg x 10", "oxycodone"),
        ("Amphetamne sulphate 50g", "amphetamine"),
        ("Diazepma 10mg x 50", "diazepam"),
    ],
)
def test_misspellings_are_read_with_a_lower_confidence(title: str, expected: str) -> None:
    subs = found(title)
    assert [s["name"] for s in subs] == [expected]
    assert subs[0]["confidence"] < 0.8
    assert subs[0]["text"] == title[subs[0]["start"] : subs[0]["end"]]


@pytest.mark.parametrize(
    ("title", "expected", "text"),
    [
        ("Amphetaminpaste 100g", "amphetamine", "Amphetamin"),
        ("Kokainpulver 5g, 90% rein", "cocaine", "Kokain"),
        ("Ketaminpulver 10g", "ketamine", "Ketamin"),
        ("Heroinpulver 1g", "heroin", "Heroin"),
        ("Amfetaminpulver 50g", "amphetamine", "Amfetamin"),
    ],
)
def test_german_compounds_name_their_head(title: str, expected: str, text: str) -> None:
    subs = found(title)
    assert [(s["name"], s["text"]) for s in subs] == [(expected, text)]


@pytest.mark.parametrize(
    "title",
    [
        "Morphing software licence",
        "Coding bootcamp, 10 lessons",
        "Cocoa powder 1kg",
        "God of War Kratos figure",
        "Methane detector 2 pcs",
        "Cocina mexicana recipe book",
        "Ventanilla de aluminio 2 unidades",
        "Masculine perfume 100ml",
        "Pentanone 1L reagent grade",
    ],
)
def test_ordinary_words_near_a_drug_name_stay_quiet(title: str) -> None:
    assert found(title) == []


def test_short_acronyms_and_context_aliases_are_never_fuzzy() -> None:
    assert found("MDNA 1g") == []  # 4 letters: MDMA is only matched exactly
    assert found("Ketamime 5g")  # a long name: read
    assert fuzzy.lookup("crystall") is None  # "crystal", "kristall" are context aliases
    assert fuzzy.lookup("mollie") is None  # "molly" too
    names = fuzzy._index().names
    terms = lexicon.load().terms
    assert names and all(len(k) >= 6 and not terms[k].ambiguous for k in names)
    assert "speed" not in names and "crystal" not in names and "mdma" not in names


@pytest.mark.parametrize(("key", "limit"), [("mdma", 0), ("kokain", 1), ("fentanyl", 1),
                                             ("oxycodone", 2), ("methamphetamine", 2)])
def test_distance_is_bounded_by_length(key: str, limit: int) -> None:
    assert fuzzy.max_distance(key) == limit


def test_distance_two_only_for_long_names() -> None:
    assert fuzzy.nearest("oxycodne") is not None  # 9 letters: 1 edit
    assert fuzzy.nearest("oxicodne") is not None  # 2 edits from a 9-letter name
    assert fuzzy.nearest("fetnaly") is None  # 2 edits from an 8-letter name


def test_a_novel_family_member_is_not_a_typo_of_a_known_one() -> None:
    result = extract({"title": "Flubrotizolam pellets 0.5mg x 20"})
    assert result["substances"] == []
    assert [c["text"] for c in result["novel_candidates"]] == ["Flubrotizolam"]


def test_a_misspelling_keeps_its_first_letter() -> None:
    assert [s["name"] for s in found("Methylfenidate 10mg x 30")] == ["methylphenidate"]
    assert fuzzy.nearest("xetamine") is None


def test_guard_words_are_not_lexicon_names() -> None:
    guard = fuzzy.guard_words()
    terms = lexicon.load().terms
    assert len(guard) > 500
    assert not guard & set(terms)
