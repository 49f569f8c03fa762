"""Shipping methods (carriers, lockers, stealth, dead drops, express, tracked, suppliers) and
ships-from phrases in descriptions. Every example is written for this test, in the style of
real listings."""

import pytest

from nlp import extract
from nlp.lexicon import LexiconError
from nlp.shipping import parse

KINDS = {"post", "courier", "parcel_locker", "stealth", "dead_drop", "express", "tracked", "supplier"}


def methods(title: str, description: str = "", **extra: str) -> list[tuple[str, str]]:
    result = extract({"title": title, "description": description, **extra})
    return [(m["name"], m["kind"]) for m in result["shipping_methods"]]


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Amnesia Haze 10g - DHL Packstation possible",
         "Versand mit DHL oder Hermes, Vakuumiert + geruchsdicht. Einschreiben +3€",
         [("DHL Packstation", "parcel_locker"), ("DHL", "courier"), ("Hermes", "courier"),
          ("vacuum sealed", "stealth"), ("smell proof", "stealth"), ("registered", "tracked")]),
        ("MDMA kristallen 5 gram", "Verzending met PostNL of bpost, dubbel vacuumverpakt. Track & trace.",
         [("PostNL", "post"), ("bpost", "post"), ("vacuum sealed", "stealth"), ("tracked", "tracked")]),
        ("Mefedron 4MMC 10g", "Wysyłka InPost Paczkomat lub Poczta Polska list polecony, 24h",
         [("InPost", "parcel_locker"), ("Poczta Polska", "post"), ("registered", "tracked"),
          ("next day", "express")]),
        ("Cocaïne 1g 90%", "Envoi en lettre recommandée via La Poste ou Colissimo, emballage discret",
         [("registered", "tracked"), ("La Poste", "post"), ("Colissimo", "post"),
          ("discreet packaging", "stealth")]),
        ("Speed 10g", "Odesíláme přes Zásilkovnu / Packeta nebo Česká pošta.",
         [("Packeta", "parcel_locker"), ("Česká pošta", "post")]),
        ("UK Ketamine 3.5g", "Royal Mail Special Delivery, next day before 1pm. Stealth: mylar + MBB.",
         [("Royal Mail", "post"), ("special delivery", "express"), ("next day", "express"),
          ("stealth", "stealth"), ("mylar", "stealth")]),
        ("Hash 25g", "We ship with DPD, GLS, UPS, FedEx or TNT, tracking number provided.",
         [("DPD", "courier"), ("GLS", "courier"), ("UPS", "courier"), ("FedEx", "courier"),
          ("TNT", "courier"), ("tracked", "tracked")]),
        ("Альфа PVP 1g закладка", "Klad v Moskve, foto + GPS koordinaty. Bunker in Berlin möglich.",
         [("klad", "dead_drop"), ("bunker", "dead_drop")]),
        ("Envío España", "Envío certificado por Correos Express, 24/48h",
         [("registered", "tracked"), ("Correos", "post"), ("express", "express")]),
    ],
)
def test_carriers_packing_and_options_by_name(title, description, expected):
    assert methods(title, description) == expected


def test_each_method_has_a_kind_and_offsets_into_its_field():
    record = {"title": "Weed 5g DHL", "description": "DHL again, stealth vac sealed, Deutsche Post too"}
    result = extract(record)["shipping_methods"]
    assert [m["name"] for m in result].count("DHL") == 1  # deduplicated, the first kept
    assert result[0] == {"name": "DHL", "kind": "courier", "text": "DHL", "start": 8, "end": 11,
                         "field": "title"}
    for m in result:
        assert m["kind"] in KINDS
        assert record[m["field"]][m["start"] : m["end"]] == m["text"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Vintage post cards set", "Sent by post, drop me a message"),  # "post", "drop" alone
        ("Wellness retreat", "Every morning we drop by the market and post photos"),
        ("Hermès Birkin replica bag", "Genuine leather, gold hardware"),  # brand, no shipping word
        ("Trading course: UPS AND DOWNS of the market", ""),  # UPS needs a shipping word
        ("GLSX-9 controller", "glsmith tools"),  # inside a word
        ("Our priority is you", "Express yourself with our stickers"),  # no shipping word
        ("Cocaine 1g", "No tracking, we never use DHL"),  # negated
        ("Bunker 3 game key", "Steam key, instant"),  # a bunker with no dead-drop word
        ("Certificado de análisis incluido", "Recomendado por clientes"),
    ],
)
def test_everyday_words_and_negations_are_not_methods(title, description):
    assert methods(title, description) == []


def test_a_guide_advertises_no_shipping_method():
    assert methods("OPSEC handbook for vendors (PDF)", "Stealth shipping, DHL Packstation, dead drops") == []


def test_stealth_needs_a_shipping_word_unless_a_drug_is_offered():
    assert methods("Stealth assassin hoodie", "Black, size M") == []
    assert methods("Cocaine 2g", "100% stealth") == [("stealth", "stealth")]
    assert methods("Phone case", "stealth shipping worldwide") == [("stealth", "stealth")]


def test_suppliers_only_on_precursor_or_cas_listings():
    description = ("Manufacturer: Hebei Shenglong Chemical Co., Ltd. Also from Wuhan Kaida Biotech. "
                   "Shipping by DHL or EMS, 100% customs clearance.")
    precursor = methods("PMK glycidate powder 1kg", description)
    assert ("Hebei Shenglong Chemical Co., Ltd", "supplier") in precursor
    assert ("Wuhan Kaida Biotech", "supplier") in precursor
    assert ("DHL", "courier") in precursor and ("EMS", "express") in precursor
    by_cas = methods("CAS 5449-12-7 in stock", "Contact Jinan Ruixiang Pharmaceutical Co. for bulk")
    assert by_cas == [("Jinan Ruixiang Pharmaceutical Co.", "supplier")]
    # a made-up CAS number (check digit wrong) and a non-chemical listing: no supplier
    assert methods("CAS 5449-12-8 in stock", "Jinan Ruixiang Pharmaceutical Co.") == []
    assert methods("Phone cases wholesale", "Shenzhen Bright Technology Co., Ltd") == []
    # one capitalised word before the industry word is a brand or a product, not a company
    assert methods("CAS 5449-12-7", "Try our Cleaning Chemical kit. Nordic Pharmaceuticals tabs") == []


def test_supplier_names_drop_the_sentence_around_them():
    got = methods("BMK oil 99%", "We Buy From Zhejiang Haoyu Chemicals Co.,Ltd only")
    assert got == [("Zhejiang Haoyu Chemicals Co., Ltd", "supplier")]


def test_a_malformed_shipping_file_is_refused_with_every_problem():
    data = {"version": 1, "shipping_cues": ["ship"], "dead_drop_cues": ["drop"], "groups": [
        {"kind": "pigeon", "sources": "x", "entries": []},
        {"kind": "post", "entries": [{"name": "A", "patterns": ["a post"], "cue": "moon"}]},
        {"kind": "courier", "sources": "x", "entries": [{"name": "B", "patterns": ["dhl"]},
                                                        {"name": "C", "patterns": ["DHL"]}]},
    ]}
    with pytest.raises(LexiconError) as err:
        parse(data)
    message = str(err.value)
    assert "pigeon" in message and "sources" in message and "moon" in message
    assert "already means 'B'" in message


# ------------------------------------------------------------------------------ ships from


@pytest.mark.parametrize(
    ("description", "codes"),
    [
        ("Ships from Germany, 2-3 days EU", ["DE"]),
        ("Shipping from the Netherlands to all EU countries", ["NL"]),
        ("Versand aus Deutschland per DHL", ["DE"]),
        ("Versand aus DE, Lieferzeit 1-2 Tage", ["DE"]),
        ("Versand aus den Niederlanden", ["NL"]),
        ("Verzending vanuit Nederland, binnen 24 uur", ["NL"]),
        ("Envío desde España en 48h", ["ES"]),
        ("Expédié de France en lettre suivie", ["FR"]),
        ("Envoi depuis la France", ["FR"]),
        ("Spedizione dall'Italia, pacco anonimo", ["IT"]),
        ("Wysyłka z Polski, paczkomat", ["PL"]),
        ("Odesláno z ČR do 24 hodin", ["CZ"]),
        ("Enviado de Portugal pelos CTT", ["PT"]),
        ("We ship worldwide from the UK", ["GB"]),
        ("Ships from: Belgium and Netherlands", ["BE", "NL"]),
        ("We ship to Germany and Austria only", []),  # destinations, not origin
        ("Shipping to EU from Spain", ["ES"]),
        ("Ships from our lab, fast", []),
    ],
)
def test_ships_from_phrases_in_the_description(description, codes):
    assert extract({"title": "Speed 10g", "description": description})["ships_from"] == codes


def test_the_records_own_ships_from_wins_when_it_names_a_country():
    record = {"title": "Hash 10g", "description": "Versand aus Deutschland", "ships_from": "Netherlands"}
    assert extract(record)["ships_from"] == ["NL"]
    record["ships_from"] = "Undeclared"
    assert extract(record)["ships_from"] == ["DE"]
