"""The lexicon grows with the market: new family members, seed packs and strains, ecstasy press
names, opioid street names, and the collisions they must not cause. Examples are written in the
style of real listings (never copied)."""

import pytest

from nlp import extract, lexicon


def names(title: str, description: str = "") -> list[str]:
    return [s["name"] for s in extract({"title": title, "description": description})["substances"]]


@pytest.mark.parametrize(
    ("title", "description", "expected", "cls"),
    [
        ("25I-NBOMe 1000ug blotters x10", "Laid on quality paper, 10 tabs", "25I-NBOMe", "psychedelic"),
        ("25 i nbome 800mcg - 25 blotters", "", "25I-NBOMe", "psychedelic"),
        ("25-C-NBOMe tabs 500ug", "", "25C-NBOMe", "psychedelic"),
        ("25B NBOMe 20 blotters", "", "25B-NBOMe", "psychedelic"),
        ("25CN-NBOMe 10mg powder", "", "25CN-NBOMe", "psychedelic"),
        ("25i blotters 1200ug x 5", "", "25I-NBOMe", "psychedelic"),
        ("PV8 crystals 5g", "alpha-PHPP, shards", "alpha-PHPP", "cathinone"),
        ("PV-8 5g", "", "alpha-PHPP", "cathinone"),
        ("4F-α-PVP 10g", "", "4F-PVP", "cathinone"),
        ("N-Ethylpentylone 5g rocks", "", "N-ethylnorpentylone", "cathinone"),
        ("Hexen crystals 10g", "", "N-ethylhexedrone", "cathinone"),
        ("3,4-CTMP 1g", "Stimulant research chemical", "3,4-CTMP", "stimulant"),
        ("4F-EPH pellets 20mg x 20", "", "4F-EPH", "stimulant"),
        ("HDMP-28 500mg", "", "methylnaphthidate", "stimulant"),
        ("Isopropylphenidate 2g", "", "isopropylphenidate", "stimulant"),
        ("Escaline HCl 500mg", "", "escaline", "psychedelic"),
        ("2C-T-4 100mg", "", "2C-T-4", "psychedelic"),
        ("Amytal sodium 200mg x 30", "", "amobarbital", "sedative"),
        ("Amobarbital 100mg 20 caps", "", "amobarbital", "sedative"),
        ("Seconal 100mg x 10", "", "secobarbital", "sedative"),
        ("Albino A+ dried 14g", "Strong cubensis strain", "psilocybin", "psychedelic"),
        ("Mexicana truffles 15g", "", "psilocybin", "psychedelic"),
        ("Golden Teacher spore syringe 10cc", "", "psilocybin", "psychedelic"),
        ("Spore print - B+", "Microscopy use only", "psilocybin", "psychedelic"),
        ("Sporenspritze Penis Envy 10ml", "", "psilocybin", "psychedelic"),
    ],
)
def test_new_family_members(title: str, description: str, expected: str, cls: str) -> None:
    found = extract({"title": title, "description": description})["substances"]
    assert (expected, cls) in [(s["name"], s["class"]) for s in found]


@pytest.mark.parametrize(
    "title",
    [
        "Auto fem seeds - 5 pack",
        "Feminised seeds x5 Northern Light",
        "Dutch Passion Frisian Dew - 5 seeds",
        "Royal Queen Seeds Northern Light 10x",
        "Barney's Farm Pineapple Kush, pack of 3",
        "Sensi Seeds Skunk #1 - 10 regular",
        "FastBuds Gorilla Cookies auto 3 seeds",
        "Dinafem Critical+ 2.0 feminized",
        "Weed shake 28g - cheap",
        "Pollen hasch 10g - Marokko",
    ],
)
def test_cannabis_seed_packs_shake_and_pollen(title: str) -> None:
    found = extract({"title": title})["substances"]
    assert found and {s["class"] for s in found} == {"cannabis"}, found


@pytest.mark.parametrize(
    "title",
    [
        "Pollen 10g - dry sift from Morocco",
        "Regular seeds 10 pack - great germination",
        "AK-47 10g indoor, top shelf",
    ],
)
def test_ambiguous_cannabis_words_count_in_drug_context(title: str) -> None:
    assert {"cannabis"} == {s["class"] for s in extract({"title": title})["substances"]}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Tesla 10x 220mg", "Blue Teslas, strong press, lab tested"),
        ("Blue Punisher 100x", "New batch of punishers, 200mg+"),
        ("Philipp Plein 250mg - 50 pcs", ""),
        ("Red Bull 10 pills", "red bull logo, 180mg"),
        ("Donkey Kong 200mg x 50", ""),
        ("Rolex 10x 200mg", "Blue rolex presses"),
        ("Heineken 25x", "green heineken pills"),
        ("Audemars 250mg 100 pieces", ""),
        ("Gucci 220mg x 10", "pressed in NL"),
        ("Dominos 200mg x 50", ""),
        ("Rolls Royce 20 pcs", "pills 240mg"),
        ("Bugatti 300mg 10x", ""),
        ("Supreme 10x 250mg", ""),
        ("Trump 20 pcs", "orange trump pills, 220mg"),
        ("Minion 50x 180mg", ""),
        ("Lego 100 pills", "lego brick press 200mg"),
    ],
)
def test_press_names_in_a_pill_listing_are_mdma(title: str, description: str) -> None:
    found = extract({"title": title, "description": description})["substances"]
    assert [(s["name"], s["class"]) for s in found] == [("MDMA", "entactogen")]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Gucci belt black leather", "Size 90, with box"),
        ("Rolex Submariner watch replica", "AAA quality, 40mm"),
        ("Supreme hoodie size L", "Box logo, worn twice"),
        ("Red Bull energy drink 24 cans", ""),
        ("Lego Star Wars set 75192", "Sealed box, 7541 pieces"),
        ("Trump 2024 flag x10", "3x5 ft"),
        ("Tesla Model 3 account", "Full access"),
        ("Philipp Plein sneakers 43", ""),
        ("Minion plush toy x2", ""),
        ("Ferrari keychain 5 pcs", ""),
        ("Tesla", "Great car, very fast"),
    ],
)
def test_brand_and_fashion_names_alone_are_not_drugs(title: str, description: str) -> None:
    assert names(title, description) == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("#3 heroin 1g", "heroin"),
        ("Number 3 heroin 5g", "heroin"),
        ("China White 1g", "heroin"),
        ("Oxy 80", "oxycodone"),
        ("OXY 80 x 10", "oxycodone"),
        ("oxy 30 x10", "oxycodone"),
        ("M30 blues 100x", "oxycodone"),
        ("M 30 blues x 50", "oxycodone"),
    ],
)
def test_opioid_street_names(title: str, expected: str) -> None:
    assert expected in names(title)


def test_m30_counterfeits_are_still_flagged() -> None:
    result = extract({"title": "M 30 blues x 100 - pressed", "description": "Fent pressed, strong"})
    assert "oxycodone" in [s["name"] for s in result["substances"]]
    assert "counterfeit_medicine" in result["flags"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("USA Fullz 10 pcs", "Name, address, SSN, DOB, MMN - fresh 2024, $5 each"),
        ("Fullz pack x50", "Every profile: full name | DOB | SSN | phone"),
        ("DOB + SSN lookup, 10 per order", "Any state, results in 24h"),
        ("DOC scans 5x", "Passport and id card scans, selfie included"),
        ("Steam gift card codes x10", "Instant delivery of the codes"),
        ("Xbox game codes 10 pcs", "Redeem codes, region free"),
        ("Steam Wallet 50 EUR", "You get the code in 5 minutes, redeem the code in your account"),
        ("Fortnite V-Bucks 1000", "Code in description, 10 pcs"),
        ("Game key x3", "Be the hero in the new season, 3 keys"),
        ("AK-47 rifle 7.62 with 2 mags", "Full auto conversion, 30 rounds"),
        ("Glock 19 gen 5 + 50 rounds", "AK47 also available"),
        ("AK47 Kalashnikov airsoft replica", "Green camo, 1:1 scale"),
        ("China white porcelain vase", "Ming style, 30cm"),
        ("Bee pollen 500g", "Raw, organic"),
        ("Dutch passion fruit juice 1L", ""),
        ("Strawberry banana smoothie mix", "Frozen fruit, family pack"),
        ("Northern Light desk lamp", "LED, warm white"),
    ],
)
def test_collisions_in_non_drug_listings(title: str, description: str) -> None:
    assert names(title, description) == []


def test_a_press_name_beside_a_drug_still_needs_a_pill_listing() -> None:
    assert names("Cocaine 1g / Rolex watch") == ["cocaine"]
    assert sorted(names("Cocaine, Tesla - 10x 200mg")) == ["MDMA", "cocaine"]


def test_split_phrases_do_not_hide_a_written_alias() -> None:
    assert names("Codein 30mg x 20") == ["codeine"]
    assert names("Hero in 1g") == []
    assert names("Heroin 1g") == ["heroin"]


def test_dob_and_doc_stay_context_aliases() -> None:
    terms = lexicon.load().terms
    assert terms["dob"].ambiguous and terms["doc"].ambiguous
    assert "DOB" in names("DOB blotters 5mg x 10")


def test_press_names_are_marked_and_sourced() -> None:
    lex = lexicon.load()
    assert lex.terms["tesla"].press and lex.terms["gucci"].press
    assert not lex.terms["teslapills"].press
    by_name = lex.by_canonical()
    for name in ["MDMA", "cannabis", "hashish", "heroin", "oxycodone", "psilocybin", "25CN-NBOMe",
                 "alpha-PHPP", "3,4-CTMP", "4F-EPH", "escaline", "amobarbital", "4F-PVP"]:
        assert by_name[name].sources, name
