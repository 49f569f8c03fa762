"""Quantities, doses, purity and price per gram / unit, normalised per DECISIONS.md."""

import pytest

from nlp import extract


def measured(title: str, **extra: str) -> dict:
    return extract({"title": title, **extra})


@pytest.mark.parametrize(
    ("title", "quantities"),
    [
        ("Cocaine 1g", [(1.0, "g")]),
        ("Speed 3,5 gr", [(3.5, "g")]),
        ("Weed 10 gram", [(10.0, "g")]),
        ("Amphetamine 1 kilo", [(1000.0, "g")]),
        ("MDMA 2kg", [(2000.0, "g")]),
        ("Kush 1 oz", [(28.35, "g")]),
        ("Kush 1 oz (28g)", [(28.0, "g")]),
        ("Kush 1 lb", [(453.6, "g")]),
        ("OG Kush QP", [(113.4, "g")]),
        ("OG Kush HP", [(226.8, "g")]),
        ("Haze zip", []),
        ("Haze 1 zip", [(28.35, "g")]),
        ("Cocaine 1g/5g/10g", [(1.0, "g"), (5.0, "g"), (10.0, "g")]),
        ("Speed 1/5/10g", [(1.0, "g"), (5.0, "g"), (10.0, "g")]),
        ("LSD 10 blotters", [(10.0, "unit")]),
        ("Xanax 25 pills", [(25.0, "unit")]),
        ("MDMA 20 Stk", [(20.0, "unit")]),
        ("Mefedron 10 szt.", [(10.0, "unit")]),
        ("XTC 50 stuks", [(50.0, "unit")]),
        ("Valium 100 tabs", [(100.0, "unit")]),
        ("GBL 100 ml", [(100.0, "ml")]),
        ("buy 5 get 1 free Cocaine 1g", [(1.0, "g")]),
    ],
)
def test_quantities(title: str, quantities: list[tuple[float, str]]) -> None:
    got = [(q["value"], q["unit"]) for q in measured(title)["quantities"]]
    assert got == quantities


@pytest.mark.parametrize(
    ("title", "quantity", "dose"),
    [
        ("Oxycodone 5000x 170mg", (5000.0, "unit"), (170.0, "mg")),
        ("Alprazolam 100 x 2mg", (100.0, "unit"), (2.0, "mg")),
        ("LSD 100 blotters 150ug", (100.0, "unit"), (150.0, "ug")),
        ("LSD 10 tabs 200µg", (10.0, "unit"), (200.0, "ug")),
        ("1P-LSD 10 x 100mcg", (10.0, "unit"), (100.0, "ug")),
        ("50 qty. Oxycodone 30 MG", (50.0, "unit"), (30.0, "mg")),
    ],
)
def test_count_with_per_unit_dose(title: str, quantity: tuple, dose: tuple) -> None:
    r = measured(title)
    assert [(q["value"], q["unit"]) for q in r["quantities"]] == [quantity]
    assert [(d["value"], d["unit"]) for d in r["doses"]] == [dose]


@pytest.mark.parametrize(
    ("title", "dose"),
    [
        ("Adderall 30mg", (30.0, "mg")),
        ("THC cartridge 1000mg", (1000.0, "mg")),
        ("LSD 100-110ug", (100.0, "ug")),
        ("Methadone 1000mcg/ml", (1000.0, "ug/ml")),
    ],
)
def test_amount_on_a_dosage_form_is_a_dose(title: str, dose: tuple) -> None:
    r = measured(title)
    assert (dose[0], dose[1]) in [(d["value"], d["unit"]) for d in r["doses"]]
    assert r["quantities"] == []


@pytest.mark.parametrize(
    ("title", "purity"),
    [
        ("MDMA 84% 1g", 84.0),
        ("Cocaine 90% pure 1g", 90.0),
        ("Amphetamine paste purity 65,5%", 65.5),
        ("Cocaine 1g 100% shipping warranty", None),
        ("Speed 10g, 100% refund if lost", None),
        ("Weed, solvent-free, 1g", None),
        ("Cotton t-shirt 100%", None),
    ],
)
def test_purity_only_when_tied_to_the_drug(title: str, purity: float | None) -> None:
    assert measured(title)["purity"] == purity


def test_price_per_gram_with_one_price_and_one_quantity() -> None:
    r = extract({"title": "Cocaine 5g", "price": "400 EUR"})
    assert r["prices"][0]["eur"] == 400.0
    assert r["price_per_gram_eur"] == 80.0
    assert r["price_per_unit_eur"] is None


def test_price_per_unit() -> None:
    r = extract({"title": "Xanax 2mg x 100", "price": "€150"})
    assert r["price_per_unit_eur"] == 1.5


def test_no_per_gram_with_several_quantities() -> None:
    r = extract({"title": "Cocaine 1g/5g", "price": "80 EUR"})
    assert r["price_per_gram_eur"] is None


def test_prices_in_text_with_codes_and_symbols() -> None:
    r = extract({"title": "Speed 10g", "description": "Price: 40 zł, or 0.001 BTC"})
    currencies = [p["currency"] for p in r["prices"]]
    assert currencies == ["PLN", "BTC"]
    for p in r["prices"]:
        assert p["eur"] is None or p["eur"] > 0


@pytest.mark.parametrize(
    ("title", "quantities"),
    [
        ("AMNESIA HAZE 500 G", [(500.0, "g")]),
        ("SPEED PASTE 1 KG", [(1000.0, "g")]),
        ("OG KUSH 28 G", [(28.0, "g")]),
        ("Kokain 1.000 G", [(1000.0, "g")]),
        ("Hash 1,000 G wholesale", [(1000.0, "g")]),
        ("Weed 1,5 G", [(1.5, "g")]),
    ],
)
def test_upper_case_units_and_thousands(title: str, quantities: list[tuple[float, str]]) -> None:
    assert [(q["value"], q["unit"]) for q in measured(title)["quantities"]] == quantities


@pytest.mark.parametrize(
    ("title", "quantities", "doses"),
    [
        ("3 MMC (Pulver)", [], []),
        ("4 FA 10g kristall", [(10.0, "g")], []),
        ("2 CB 20 pills 25mg", [(20.0, "unit")], [(25.0, "mg")]),
        ("5 x 2C-B 20mg", [(5.0, "unit")], [(20.0, "mg")]),
        ("Tramadol 225 x 100", [(100.0, "unit")], []),  # a strength closing a name is no count
    ],
)
def test_a_number_opening_a_substance_name_is_not_an_amount(title, quantities, doses) -> None:
    r = measured(title)
    assert [(q["value"], q["unit"]) for q in r["quantities"]] == quantities
    assert [(d["value"], d["unit"]) for d in r["doses"]] == doses


@pytest.mark.parametrize(
    ("title", "description", "purity"),
    [
        ("Cocaine 1g", "Street coke is often only 20% pure, ours is 90%.", 90.0),
        ("MDMA crystals 5g", "Most MDMA on the market is 30%. Tested, the real deal.", None),
        ("Kokain 2g", "Strassenkoks hat meist nur 25%, unser Kokain 88% rein", 88.0),
        ("Kokain 2g", "Auf der Straße bekommst du 30%. Reinheit: 85%", 85.0),
        ("Cocaine 1g", "The highest purity on the market: 93%", 93.0),
    ],
)
def test_purity_from_a_sentence_about_the_market_is_not_the_listings(title, description, purity):
    assert measured(title, description=description)["purity"] == purity


def test_a_small_strength_is_a_dose_and_never_a_price_per_gram() -> None:
    r = extract({"title": "Testosteron Mix 1MG", "description": "sust blend", "price": "€35"})
    assert r["quantities"] == [] and {"value": 1.0, "unit": "mg"} in r["doses"]
    assert r["price_per_gram_eur"] is None


@pytest.mark.parametrize(("title", "price"), [("Carfentanil 25mg", "€900"), ("Weed 1kg", "€20")])
def test_an_absurd_price_per_gram_is_dropped(title: str, price: str) -> None:
    # €36,000/g and €0.02/g: a misread amount, not a price
    assert extract({"title": title, "price": price})["price_per_gram_eur"] is None


def test_a_plausible_price_per_gram_stays() -> None:
    assert extract({"title": "Carfentanil 100mg", "price": "€200"})["price_per_gram_eur"] == 2000.0


@pytest.mark.parametrize(("title", "count"), [
    ("Modafinil 200mg (20 pack)", 20),                      # "pack" is a count, like "packs"
    ("Qty#005 - Dutch Passion Auto Blueberry seeds", 5),     # a seed bank's "Qty#" numbering
    ("Bottle of 60 Ritalin 10mg, genuine pharmacy", 60),     # "bottle of N"
    ("x20 genuine Valium 10mg", 20),                         # "genuine" is no "g" after the count
])
def test_counts_written_the_way_shops_write_them(title: str, count: int) -> None:
    assert {"value": float(count), "unit": "unit"} in extract({"title": title})["quantities"]


def test_a_shipping_rate_table_holds_no_amounts_on_offer() -> None:
    r = extract({"title": "Oxycodone 80mg x 30", "description": (
        "Postage: 1st Class UK (1-7g) to 1 country $3.00, 1st Class EU (14g-28g) to 27 "
        "countries $9.00, Tracked (28g) $15")})
    assert r["quantities"] == [{"value": 30.0, "unit": "unit"}]  # "1st" is no count either
    assert extract({"title": "Hash (5-10g) to all EU"})["quantities"] == [
        {"value": 5.0, "unit": "g"}]
    assert extract({"title": "10 st. Ecstasy 200mg"})["quantities"] == [
        {"value": 10.0, "unit": "unit"}]


@pytest.mark.parametrize(("title", "quantities"), [
    ("25+ AUTOFLOWER CANNABIS SEEDS", [{"value": 25.0, "unit": "unit"}]),    # "N+" opens a title
    ("2019 Harvest Swiss XTC 180mg (500 pills)", [{"value": 500.0, "unit": "unit"}]),  # a year
    ("Smoking blend: 3 grams (150mg per gram of 5F-ADB)", [{"value": 3.0, "unit": "g"}]),
])
def test_what_opens_a_title_and_loadings(title: str, quantities: list[dict]) -> None:
    assert extract({"title": title})["quantities"] == quantities


@pytest.mark.parametrize(("title", "description", "quantities", "doses"), [
    # a syrup's ounces and pints are fluid: 16 fl oz = a US pint = 473 ml
    ("Promethazine codeine syrup 16 oz", "", [{"value": 473.2, "unit": "ml"}], []),
    ("Buy a pint of lean", "", [{"value": 473.2, "unit": "ml"}], []),
    ("1 lb of Lemon Haze", "smells like lean", [{"value": 453.6, "unit": "g"}], []),
    ("2oz CBD-rich Cannabis Tincture", "", [{"value": 59.1, "unit": "ml"}], []),
    ("Codein Tinktur 1 oz", "", [{"value": 29.6, "unit": "ml"}], []),
    ("Promethazine with codeine oral solution 8oz", "", [{"value": 236.6, "unit": "ml"}], []),
    # …but only beside the amount: a shop that also lists tinctures sells its weed by the gram
    ("Grade A weed (1oz $190)", "We also have edibles, tinctures and wax.",
     [{"value": 28.35, "unit": "g"}], []),
    # the amount of one unit, beside a count
    ("Canned buds 3.5g each (10 cans)", "", [{"value": 10.0, "unit": "unit"}],
     [{"value": 3.5, "unit": "g"}]),
    ("Mixed strains, 3.5G PER TIN", "", [], [{"value": 3.5, "unit": "g"}]),
    # price tiers and counts written with a plus
    ("Ketamine 10ml vials", "20 for $180, 50 for $400", [{"value": 20.0, "unit": "unit"},
                                                          {"value": 50.0, "unit": "unit"}],
     [{"value": 10.0, "unit": "ml"}]),
    ("8+CARTS AVAILABLE", "thc carts, many flavours", [{"value": 8.0, "unit": "unit"}], []),
    ("4-FA powder x 250gr", "", [{"value": 250.0, "unit": "g"}], []),  # "x N gr": a mass
])
def test_liquids_units_and_tiers(title: str, description: str, quantities: list[dict],
                                 doses: list[dict]) -> None:
    r = extract({"title": title, "description": description})
    assert (r["quantities"], r["doses"]) == (quantities, doses)


@pytest.mark.parametrize(("title", "quantities", "doses"), [
    # an edible's milligrams are its THC strength; a concentrate's are its weight
    ("Choco Toffee bar - 150mg SATIVA", [], [{"value": 150.0, "unit": "mg"}]),
    ("(OUT) 200mg THC sour peach rings", [], [{"value": 200.0, "unit": "mg"}]),
    ("Live resin shatter 500mg", [{"value": 500.0, "unit": "mg"}], []),
    # dozens
    ("THC brownie bites - Baker's Dozen", [{"value": 13.0, "unit": "unit"}], []),
    ("A dozen Valium 10mg", [{"value": 12.0, "unit": "unit"}], [{"value": 10.0, "unit": "mg"}]),
])
def test_edible_strengths_and_dozens(title: str, quantities: list[dict], doses: list[dict]) -> None:
    r = extract({"title": title})
    assert (r["quantities"], r["doses"]) == (quantities, doses)
