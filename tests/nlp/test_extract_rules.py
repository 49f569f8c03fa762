"""Listing-level rules: offer or mention, ambiguous aliases, guides, unit rules, handle shapes.

Each test is written for one general rule (see docs/extraction.md), on in-house text.
"""

import pytest

from nlp import extract
from nlp.contacts import find_contacts


def names(title: str, description: str = "") -> list[str]:
    return [s["name"] for s in extract({"title": title, "description": description})["substances"]]


def amounts(title: str, description: str = "") -> tuple[set, set]:
    r = extract({"title": title, "description": description})
    return ({(q["value"], q["unit"]) for q in r["quantities"]},
            {(d["value"], d["unit"]) for d in r["doses"]})


# ------------------------------------------------------------------ ambiguous aliases


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("MDMA crystals 5g - champagne rocks", "Lab tested MDMA, big rocks, pills on request", ["MDMA"]),
        ("Heroin no.4 white 1g - Afghan", "", ["heroin"]),
        ("Oxycodone 30mg pills x 100", "blues, 100 pills", ["oxycodone"]),
        ("2-FDCK Kristalle 5g", "", ["2-FDCK"]),
        ("Hydromorphone 4mg x 10", "", ["hydromorphone"]),
    ],
)
def test_ambiguous_aliases_describe_an_unambiguous_name(
    title: str, description: str, expected: list[str]
) -> None:
    assert names(title, description) == expected


def test_ambiguous_alias_in_a_list_beside_a_name_is_offered() -> None:
    assert set(names("COCAINE 28g 90% - also speed, MDMA")) == {"cocaine", "amphetamine", "MDMA"}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Coke Zero 24 pack", "24 x 330ml cans"),
        ("Weed killer 1L concentrate", "kills weeds in the garden, 1 litre"),
        ("Special K cereal 750g", "breakfast cereal"),
        ("Mary Jane shoes, size 38", "black leather"),
        ("Gold bars 1 oz replica", "tungsten filled"),
        ("Ice maker machine - 12kg per day", "countertop ice maker"),
        ("Onion hosting 1 year", "XMR 4B4Ap8Fz5YYctG3a9sPz2Xin8gQYhFVAfWB3QEbBNks65wwx"),
        ("Western Union transfer", "Do I need an account? No."),
    ],
)
def test_everyday_goods_offer_no_drug(title: str, description: str) -> None:
    assert names(title, description) == []


def test_one_letter_alias_must_be_written_as_a_plain_letter() -> None:
    assert names("Lo è 1g", "") == []  # "è" folds to "e", but it is not "E"


# ------------------------------------------------------------------ negation, comparison


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("HHC vape carts 1ml x 10", "95% HHC distillate. Not THC.", ["HHC"]),
        ("3-CMC 25g", "Das ist 3-CMC, kein 3-MMC.", ["3-CMC"]),
        ("Vyvanse 70mg x 10 - stronger than Adderall", "", ["lisdexamfetamine"]),
        ("2-FDCK 5g", "Works like keta, but longer.", ["2-FDCK"]),
        ("Speed paste 100g", "We did not cut it with caffeine.", ["amphetamine"]),
        ("Etizolam 1mg x 100", "Many take it in place of diazepam or alprazolam.", ["etizolam"]),
        ("Kratom-free herbal tea 100g", "Contains NO kratom.", []),
        ("Hemp seed oil 500ml, CBD-free", "No CBD, no THC.", []),
        ("Crystal meth-themed mug", "ceramic", []),
    ],
)
def test_denied_or_compared_names_are_mentions(
    title: str, description: str, expected: list[str]
) -> None:
    assert names(title, description) == expected


def test_denied_names_are_kept_as_mentions() -> None:
    result = extract({"title": "Herbal tea 100g", "description": "Contains no kratom."})
    assert result["substances"] == []
    assert [m["name"] for m in result["mentions"]] == ["kratom"]


# ------------------------------------------------------------------ listing rules


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Making GHB from GBL - home chemistry", "PDF guide: converting GBL to GHB."),
        ("Handleiding: XTC pillen persen", "Handleiding voor het persen van pillen."),
        ("MDMA synthesis walkthrough, written for beginners", ""),
        ("Fentanyl analog synthesis - route explained", "Information only."),
    ],
)
def test_guides_are_found_in_title_and_description(title: str, description: str) -> None:
    result = extract({"title": title, "description": description})
    assert result["substances"] == []
    assert "guide" in result["flags"]


def test_a_name_inside_another_found_name_is_the_same_product() -> None:
    assert names("PMK glycidate 1kg", "New PMK oil (PMK glycidate), 1 kilogram") == ["PMK glycidate"]
    assert names("5C-AKB48 1kg") == ["5C-AKB48"]


def test_adjuvants_isomers_and_family_names_only_count_alone() -> None:
    assert names("Tilidin 100/8 x 20 Kapseln", "Tilidin/Naloxon 100mg/8mg") == ["tilidine"]
    assert names("Adderall XR 25mg - mixed salts (amphetamine + dextroamphetamine)") == ["amphetamine"]
    assert names("Dexedrine 5mg x 10") == ["dexamfetamine"]
    assert names("FUB-AMB herbal incense 10g") == ["FUB-AMB"]


def test_edibles_made_with_hash_are_cannabis() -> None:
    assert names("Cookie with hash-infused chocolate, 100mg") == ["cannabis"]
    assert names("Moroccan hash 25g", "chocolate colour, soft") == ["hashish"]


def test_cannabis_seeds_are_cannabis() -> None:
    result = extract({"title": "Autoflowering cannabis seeds, pack of 5"})
    assert [s["name"] for s in result["substances"]] == ["cannabis"]
    assert result["quantities"] == [{"value": 5.0, "unit": "unit"}]


# ------------------------------------------------------------------ units


@pytest.mark.parametrize(
    ("title", "description", "quantities", "doses"),
    [
        ("Adderall 30mg", "", set(), {(30.0, "mg")}),
        ("Ossicodone 10mg x 28", "", {(28.0, "unit")}, {(10.0, "mg")}),
        ("Two 1mg Xanax + Ten 20mg Adderall", "", {(10.0, "unit"), (2.0, "unit")},
         {(20.0, "mg"), (1.0, "mg")}),
        ("Generic Adderall 30mg tablets - FORTY (40)", "", {(40.0, "unit")}, {(30.0, "mg")}),
        ("10 Valium 10mg by Roche", "", {(10.0, "unit")}, {(10.0, "mg")}),
        ("(1) 8mg Suboxone film", "", {(1.0, "unit")}, {(8.0, "mg")}),
        ("Ketamine 10 vials 500mg/10ml", "", {(10.0, "unit")}, {(50.0, "mg/ml")}),
        ("Morphine 1 ampoule of 10mg/1ml", "", {(1.0, "unit")}, {(10.0, "mg/ml")}),
        ("HHC vape 1ml x 10", "", {(10.0, "unit")}, {(1.0, "ml")}),
        ("Testosterone enanthate 250mg/ml", "10ml vial", set(), {(250.0, "mg/ml"), (10.0, "ml")}),
        ("GHB 500 ml", "G, 500 ml fles", {(500.0, "ml")}, set()),
        ("Heavy hitters 1G cartridge", "", set(), {(1.0, "g")}),
        ("Crack rocks 1g x 5", "", {(5.0, "unit")}, {(1.0, "g")}),
        ("Isopropylphenidate 100 grams", "Molar mass: 261.37 g/mol", {(100.0, "g")}, set()),
        ("Dibutylone", "Quantities available10g25g500g1kgcontact us", {(10.0, "g"), (25.0, "g"),
                                                                        (500.0, "g"), (1000.0, "g")},
         set()),
        ("Fentanyl patch 100µg/h x 5", "", {(5.0, "unit")}, set()),
        ("Speed paste 93% x 50gr", "", {(50.0, "g")}, set()),
        ("Isotonitazene 1g", "XMR 43ggkPVdGSi9pKKEiR4KuG2MkdMsaxrXvBncRWPTP2Rz5CoNpG1QhCv", {(1.0, "g")},
         set()),
        ("Hydrocodone 10/325 x [10]", "", {(10.0, "unit")}, set()),
        ("Sour Diesel 3.5g/2oz", "", {(3.5, "g"), (56.7, "g")}, set()),
        ("Sour Diesel 2 oz 56g", "", {(56.0, "g")}, set()),
    ],
)
def test_unit_rules(title: str, description: str, quantities: set, doses: set) -> None:
    assert amounts(title, description) == (quantities, doses)


# ------------------------------------------------------------------ contact handles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wickr......snow41Whatsapp??.+15305550100", {("wickr", "snow41")}),
        ("WICKR.......moonrider71KIK.........moonrider71TELEGRAM...", {("wickr", "moonrider71"),
                                                                      ("kik", "moonrider71")}),
        ("w.i.c.k.r :--> valleygrow", {("wickr", "valleygrow")}),
        ("Wick...r...QT58", {("wickr", "QT58")}),
        ("k1k......bunnyfor2uProtonMail.....x", {("kik", "bunnyfor2u")}),
        ("ask us on our wickr account below.Fast shipping", set()),
        ("contact me on wickr before ordering", set()),
        ("Get the WICKR APP2) then add us", set()),
        ("Durogesic Matrix Pflaster, 5 Stück", set()),
        ("wickr: GreenLineShop our wickr: GreenLineShopour", {("wickr", "GreenLineShop")}),
    ],
)
def test_handles_need_a_keyword_and_a_handle_shape(text: str, expected: set) -> None:
    got = {(c["kind"], c["value"]) for c in find_contacts(text) if c["kind"] != "phone"}
    assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail: shop01@gmail.comtest", "shop01@gmail.com"),
        ("via wickr...teamemai...shop2026@gmail.com", "shop2026@gmail.com"),
        ("protonmail....levi02@protonmail.comwhatzapp", "levi02@protonmail.com"),
    ],
)
def test_email_addresses_are_cut_from_run_in_words(text: str, expected: str) -> None:
    assert [c["value"] for c in find_contacts(text) if c["kind"] == "email"] == [expected]
