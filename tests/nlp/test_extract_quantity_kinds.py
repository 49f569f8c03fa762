"""Quantity kinds of issue 13 round two, each on an in-house listing written in the style of
real ones: descriptions glued without spacing, price tiers glued to the next tier, prices and
shipping thresholds that are not amounts, totals, cartridge sizes, counts a title states."""

import pytest

from nlp import extract
from nlp.amount_text import mark_word_starts, not_amounts
from nlp.fold import fold


def amounts(title: str, description: str = "") -> tuple[list, list]:
    """(quantities, doses) as sorted (value, unit) pairs."""
    r = extract({"title": title, "description": description})
    return (sorted((q["value"], q["unit"]) for q in r["quantities"]),
            sorted((d["value"], d["unit"]) for d in r["doses"]))


@pytest.mark.parametrize(("title", "description", "quantities"), [
    # a description scraped without spacing: the unit runs into the next word
    ("Blue Dream", "Menu:buy - $30.00 3 gbuy - $55.00 7 gbuy - $850.00 1 poundshipping worldwide",
     [(3.0, "g"), (7.0, "g"), (453.6, "g")]),
    ("Valium 10mg", "Cheap meds, minimum order..50pillsDiazepam is a benzo", [(50.0, "unit")]),
    ("Speed paste", "Min. 20gramsContact me for bulk", [(20.0, "g")]),
    ("Tramadol 100mg", "WHOLESALE ONLY 200TABLETSYou must message first", [(200.0, "unit")]),
    # but a unit written with a capital stays one unit ("5mL")
    ("GHB", "bottle of 50mL", [(50.0, "ml")]),
])
def test_words_glued_to_a_unit(title: str, description: str, quantities: list) -> None:
    assert amounts(title, description)[0] == sorted(quantities)


@pytest.mark.parametrize(("title", "description", "quantities"), [
    ("Alprazolam 1mg bars",
     "OFFERS: 40 pills for $150 80 pills for $280200 pills for $6001000 pills for $2100",
     [(40.0, "unit"), (80.0, "unit"), (200.0, "unit"), (1000.0, "unit")]),
    ("Crystal MDMA 50g", "Bulk: 50g for $900 100g for $1600250g for $35001KG FOR $9000",
     [(50.0, "g"), (100.0, "g"), (250.0, "g"), (1000.0, "g")]),
])
def test_price_tiers_glued_to_the_next_tier(title: str, description: str, quantities: list) -> None:
    assert amounts(title, description)[0] == sorted(quantities)


@pytest.mark.parametrize(("title", "description", "quantities"), [
    # a price per unit is a price, not a count or a list of amounts
    ("Pain pills", "* Oxy 15mg ...... $5/Pill* Xanax 1mg ...... $3Pill", []),
    ("Moon rocks", "$40.00 / 1 gram $900.00 / 28 grams", [(1.0, "g"), (28.0, "g")]),
    ("Tapentadol 50mg x 20 $30", "", [(20.0, "unit")]),
    ("Kush (3 Ounces(84grams)for = 600$4 Ounces(112grams)for = 800$)", "",
     [(84.0, "g"), (112.0, "g")]),
    # "A+" is a grade, not a bonus
    ("Purple Haze Grade A+ (1oz $210)", "", [(28.35, "g")]),
    # a shipping threshold and a total are not offered amounts
    ("25 tabs 250ug LSD", "We send tracked for all orders over 10G on request", [(25.0, "unit")]),
    ("50 joints", "Each 0.5g joint in its own tube. The parcel weighs 25g in total.",
     [(50.0, "unit")]),
    # the reference volume of a concentration
    ("Codeine syrup 1 pint", "Each 10 mL contains: codeine phosphate 20 mg", [(473.2, "ml")]),
])
def test_prices_thresholds_and_totals_are_not_amounts(title: str, description: str,
                                                      quantities: list) -> None:
    assert amounts(title, description)[0] == sorted(quantities)


@pytest.mark.parametrize(("title", "description", "quantities", "doses"), [
    # cartridge sizes in a cartridge listing with no count are per unit
    ("PREMIUM VAPE CARTRIDGES IN STOCK", "**CITRUS BRAND (1g)** flavours: ...**XL BRAND (2.5g)**",
     [], [(1.0, "g"), (2.5, "g")]),
    ("Dab pens 5 pack", "(1g) each pen", [(5.0, "unit")], [(1.0, "g")]),
    # a syringe's size with two words between
    ("Distillate - 1 ounce", "Comes in 5g glass tip syringes", [(28.35, "g")], [(5.0, "g")]),
    # a per-unit amount read once is one everywhere, compared in milligrams
    ("4 Peanut Butter Cups 0.05g", "4x cups, 50mg each", [(4.0, "unit")], [(50.0, "mg")]),
])
def test_sizes_per_unit(title: str, description: str, quantities: list, doses: list) -> None:
    assert amounts(title, description) == (sorted(quantities),
                                           sorted(doses))


@pytest.mark.parametrize(("title", "quantities"), [
    ("THC VAPE CARTS(10) ESCROW OK", [(10.0, "unit")]),
    ("Ritalin IR 10mg (7)", [(7.0, "unit")]),
    ("TOP 3000 Valium 10mg blue", [(3000.0, "unit")]),
    ("40mg Vyvanse (Single Capsule)", [(1.0, "unit")]),
    ("Nice buds (2019) harvest", []),
    ("Tins of bud (8tins = $140)", [(8.0, "unit")]),
    ("Fentanyl 75mcg: 1 carton = 10 patches", [(1.0, "unit"), (10.0, "unit")]),
    ("EdiPure style gummy jellies - 300mg", []),
    ("brown heroin.250grams", [(250.0, "g")]),
    ("LSD - 150 Lucy Tabs (100ug)", [(150.0, "unit")]),
    ("BUY 60XANAX BARS", [(60.0, "unit")]),
    ("Provigil - PROVAKE 3 100MG TABLETS", [(3.0, "unit")]),
    ("Ritalin - 1 LA 20mg", [(1.0, "unit")]),
    ("Space cakes - 2 per order", [(2.0, "unit")]),
    ("Dexedrine 10 mg (Z8) Tablets", []),  # an imprint code, not a count
    ("30 x 10mg Dexies M-3 Tablet", [(30.0, "unit")]),
    ("Funky Kush 2x/ Haze Auto 1x seeds", [(1.0, "unit"), (2.0, "unit")]),
    ("Summer deal10 packs @ $90", [(10.0, "unit")]),
])
def test_counts_a_title_states(title: str, quantities: list) -> None:
    assert amounts(title)[0] == sorted(quantities)


@pytest.mark.parametrize(("title", "description", "quantities", "doses"), [
    # an eighth as a bare fraction in a price list, and "1/8th"
    ("Mango Haze", "Prices $45/ 1/8$160/ Qp", [(3.54375, "g"), (113.4, "g")], []),
    ("Mango Haze", "1/8th bags in stock", [(3.54375, "g")], []),
    ("Mango Haze", "New batch 3/8 in stock", [], []),  # a date
    # in a pill listing, "100p" before a price is 100 pills; not inside a code
    ("Klonopin 2mg (pharma) 60p X $180", "", [(60.0, "unit")], [(2.0, "mg")]),
    ("1P-LSD blotters", "1P - LSD, 100ug", [], [(100.0, "ug")]),
    # a description opening with the title's count
    ("Valium blue", "3000 Diazepam 10mg blue tabs, fast shipping", [(3000.0, "unit")], [(10.0, "mg")]),
    # a yield per square metre is not an amount; an amount beside "x N" in brackets is per unit
    ("3 SEEDS WHITE RHINO FEM", "Yield 450-550g/m2 indoors", [(3.0, "unit")], []),
    ("Quad Dose Brownie (14.2g) x 8", "", [(8.0, "unit")], [(14.2, "g")]),
    # a size followed by a cartridge or pre-roll is per unit, with a count or without
    ("2 X Premium Cart", "MIN ORDER 10 CARTS. All 1gram carts are filled to 1.1ML",
     [(2.0, "unit"), (10.0, "unit")], [(1.0, "g"), (1.1, "ml")]),
    ("Kush Mints 1.2G PREROLL $12/Each", "", [], [(1.2, "g")]),
    # a weight per bag beside a count of bags; a bag alone is the amount
    ("Sour worms 3OZ bag (10 PACK)", "", [(10.0, "unit")], [(85.05, "g")]),
    ("Half pound bag of Kush", "1lb bag also available", [(226.8, "g"), (453.6, "g")], []),
    # an eighth as a bare fraction in a title; a unit word in another language
    ("Sour Diesel 1/8", "", [(3.54375, "g")], []),
    ("Marihuana Haze 2,5 grama", "", [(2.5, "g")], []),
    # fluid ounces of a tincture; ephedrine is sold as pills; an edible's mg are its strength
    ("THC Tincture - 2.0 fluid ounces", "", [(59.14, "ml")], []),
    ("Ephedrine HCL 25 mg", "", [], [(25.0, "mg")]),
    ("Sour Belts - 300mg", "", [], [(300.0, "mg")]),
    ("Space Choc - 150mg SATIVA", "", [], [(150.0, "mg")]),
    # a count before the dose of edibles
    ("(SOLD OUT) 6 200mg Peanut Butter Cookies", "", [(6.0, "unit")], [(200.0, "mg")]),
    # milligrams of THC are a strength; doses per piece are what one piece holds
    ("Fruit chews - 300mg THC", "", [], [(300.0, "mg")]),
    ("3x Mint Fudge squares (4 doses per square)", "", [(3.0, "unit")], []),
    ("Cinnamon roll 40mg", "", [], [(40.0, "mg")]),
    # "batch of N"
    ("Batch of 12 strong cookies", "", [(12.0, "unit")], []),
    # a range of counts gives its lower bound; fractions of a zip or a gram; a leading point
    ("XTC Tesla 20x-500x 180mg", "", [(20.0, "unit")], [(180.0, "mg")]),
    ("Gelato 1/2 zip", "", [(14.175, "g")], []),
    ("Cocaine 1/2 gram", "", [(0.5, "g")], []),
    ("Speed 1/2/5g", "", [(1.0, "g"), (2.0, "g"), (5.0, "g")], []),
    ("Coke .5g", "", [(0.5, "g")], []),
    # one amount written in two units is one amount; millilitres stated beside fluid ounces win
    ("Isotonitazene pure .2g (200mg)", "", [(0.2, "g")], []),
    ("Lean - 8 fl oz (236 mL)", "", [(236.0, "ml")], []),
    # an ounce in the title and its grams in the description are one amount: the grams win
    ("Blue Dream 1 Ounce", "One ounce (28 grams) of top shelf", [(28.0, "g")], []),
    ("Blue Dream QP", "Quarter pound = 112g", [(112.0, "g")], []),
])
def test_more_quantity_kinds(title: str, description: str, quantities: list, doses: list) -> None:
    assert amounts(title, description) == (sorted(quantities), sorted(doses))


def test_not_amounts_blanks_a_glued_price_and_keeps_offsets() -> None:
    text = fold("10 pills for $90 20 pills for $17050 pills for $400")
    blanked, taken = not_amounts(text)
    assert len(blanked) == len(text)
    assert "$   50 pills" in blanked
    assert all(blanked[a:b].strip(" ") and "pills" not in blanked[a:b] for a, b in taken)


def test_mark_word_starts_only_after_a_unit() -> None:
    raw = "Hello WorldNews 30gramsBuy 5mL 10MGTablets"
    marked = mark_word_starts(raw, fold(raw))
    assert marked == "hello worldnews 30gramsBuy 5ml 10mgTablets"
