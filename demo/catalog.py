"""Content data of the simulator: products, street names, quantities, countries.

Written in-house, in the style of real market listings. Every product carries the
simulator's own canonical substance name and class; those are the ground truth.
"""

# ruff: noqa: E501  (HTML templates and phrase data read better unwrapped)

from __future__ import annotations

from dataclasses import dataclass, field

LANGUAGES = ("en", "de", "fr", "nl", "pl", "es", "it", "cs")

# The classes the extraction contract knows (DESIGN.md).
CLASSES = (
    "opioid", "synthetic_opioid", "stimulant", "cathinone", "entactogen", "psychedelic",
    "dissociative", "cannabis", "synthetic_cannabinoid", "benzodiazepine", "sedative",
    "steroid", "precursor", "medicine_other", "other",
)


@dataclass(frozen=True)
class Product:
    """One kind of good: a substance in a form, or a non-drug good (substance None)."""

    key: str
    substance: str | None
    cls: str | None
    names: tuple[str, ...]             # how sellers write it (first = plain canonical spelling)
    kind: str                          # powder | pill | blotter | liquid | plant | digital | item
    eur: float                         # EUR per gram / unit / ml / item
    doses: tuple[str, ...] = ()        # per-unit strengths shown with counts
    street: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> street names
    counterfeit: bool = False
    cas: str | None = None
    novel: bool = False                # appears only from day 2 on


def _p(key: str, substance: str | None, cls: str | None, names: str, kind: str, eur: float,
       doses: str = "", street: dict[str, str] | None = None, **kw: object) -> Product:
    return Product(
        key, substance, cls, tuple(n.strip() for n in names.split("|")), kind, eur,
        tuple(d for d in doses.split("|") if d),
        {lang: tuple(s.split("|")) for lang, s in (street or {}).items()},
        **kw,  # type: ignore[arg-type]
    )


PRODUCTS: tuple[Product, ...] = (
    # synthetic opioids
    _p("iso", "isotonitazene", "synthetic_opioid", "Isotonitazene|ISO|Isotonitazen|isotonitazine",
       "powder", 90.0),
    _p("meto", "metonitazene", "synthetic_opioid", "Metonitazene|Metonitazen|METO", "powder", 85.0),
    _p("proto", "protonitazene", "synthetic_opioid", "Protonitazene|Protonitazen|proto nitazene",
       "powder", 95.0),
    _p("pyro", "N-pyrrolidino etonitazene", "synthetic_opioid",
       "N-Pyrrolidino Etonitazene|Etonitazepyne|N-pyrrolidino-etonitazene|ETAZENE-P", "powder", 110.0),
    _p("nitaspray", "metonitazene", "synthetic_opioid", "Metonitazene solution|Metonitazene spray",
       "liquid", 9.0, "1000mcg/ml|500mcg/ml"),
    _p("fent", "fentanyl", "synthetic_opioid", "Fentanyl|f3ntanyl|Fentanyl HCl|FENT|fetty",
       "powder", 60.0, street={"en": "fetty|china white", "es": "fenta"}),
    _p("carfent", "carfentanil", "synthetic_opioid", "Carfentanil|Carfentanyl|carfent", "powder", 400.0),
    _p("acetylf", "acetylfentanyl", "synthetic_opioid", "Acetylfentanyl|Acetyl Fentanyl|acetyl-f3nt",
       "powder", 70.0),
    _p("brorph", "brorphine", "synthetic_opioid", "Brorphine|Brorphin", "powder", 80.0),
    # opioids
    _p("heroin", "heroin", "opioid", "Heroin|Heroine|Heroína|Eroina|H3roin|Diacetylmorphine",
       "powder", 45.0, street={"en": "brown|H|dope", "nl": "bruin", "de": "Hero|Braunes",
                               "fr": "brown|héro", "pl": "hera", "cs": "hero"}),
    _p("m30", "oxycodone", "opioid", "Oxycodone 30mg M30|M30 Blues|Oxycodone M-30|Oxy 30",
       "pill", 14.0, "30mg", {"en": "blues|M30s|percs"}, counterfeit=True),
    _p("oxy", "oxycodone", "opioid", "Oxycodone|OxyContin|Oxycodon|Oksykodon", "pill", 9.0,
       "10mg|20mg|40mg|80mg"),
    _p("tram", "tramadol", "opioid", "Tramadol|Tramadol HCl|Tramal", "pill", 1.2, "50mg|100mg|200mg"),
    _p("metha", "methadone", "opioid", "Methadone|Methadon|Metadon", "pill", 3.0, "10mg|40mg"),
    # cathinones
    _p("3mmc", "3-MMC", "cathinone", "3-MMC|3mmc|3 MMC|3-Methylmethcathinone|3-MMC crystals",
       "powder", 14.0, street={"nl": "drie|3-em", "en": "3M"}),
    _p("3cmc", "3-CMC", "cathinone", "3-CMC|3cmc|3 CMC|Clophedrone|3-Chlormethcathinon", "powder", 15.0),
    _p("2mmc", "2-MMC", "cathinone", "2-MMC|2mmc|2 MMC", "powder", 13.0),
    _p("nep", "N-ethylpentedrone", "cathinone", "NEP|N-Ethylpentedrone|N-Ethylpentedron", "powder", 16.0),
    _p("meph", "mephedrone", "cathinone", "Mephedrone|4-MMC|4mmc|Meph|Mefedron", "powder", 18.0,
       street={"en": "meow meow|drone|M-Cat", "pl": "mefa|kryształ"}),
    _p("apvp", "alpha-PVP", "cathinone", "A-PVP|alpha-PVP|α-PVP|aPVP", "powder", 20.0,
       street={"en": "flakka|gravel"}),
    _p("eutyl", "eutylone", "cathinone", "Eutylone|Eutylon|bk-EBDB", "powder", 17.0),
    # synthetic cannabinoids
    _p("4en", "MDMB-4en-PINACA", "synthetic_cannabinoid",
       "MDMB-4en-PINACA|MDMB 4en Pinaca|4en-pinaca|MDMB-4EN", "powder", 35.0, street={"en": "spice"}),
    _p("adbb", "ADB-BUTINACA", "synthetic_cannabinoid", "ADB-BUTINACA|ADB Butinaca|ADBB", "powder", 38.0,
       street={"en": "K2|spice"}),
    _p("hhc", "HHC", "synthetic_cannabinoid", "HHC|Hexahydrocannabinol|HHC Vape|HHC Destillat",
       "liquid", 25.0),
    _p("hhcp", "HHC-P", "synthetic_cannabinoid", "HHC-P|HHCP|HHC-P Blüten|HHC-P flowers", "plant", 12.0),
    # benzodiazepines
    _p("bromaz", "bromazolam", "benzodiazepine", "Bromazolam|Bromazolam pellets|Bromaz", "pill", 0.9,
       "1mg|2mg|3mg"),
    _p("flualp", "flualprazolam", "benzodiazepine", "Flualprazolam|Flualp|Flualprazolam blotters",
       "pill", 1.1, "0.5mg|1mg"),
    _p("xanax", "alprazolam", "benzodiazepine", "Xanax bars|Xanax 2mg|Alprazolam|Xanny bars|XANAX",
       "pill", 2.5, "2mg", {"en": "bars|zannies|xans"}, counterfeit=True),
    _p("diaz", "diazepam", "benzodiazepine", "Diazepam|Valium|Diazepam Teva", "pill", 0.8, "10mg|5mg"),
    _p("etiz", "etizolam", "benzodiazepine", "Etizolam|Etilaam|Etizolam pellets", "pill", 0.7, "1mg|2mg"),
    # dissociatives
    _p("ket", "ketamine", "dissociative", "Ketamine|Ketamin|k3tamine|Ketamina|Ketamine HCl|S-Ketamin",
       "powder", 25.0, street={"en": "K|ket|Special K|keta", "de": "Keta|K", "nl": "keta",
                               "fr": "ké|kéta", "es": "keta", "it": "keta", "pl": "keta"}),
    _p("2fdck", "2-FDCK", "dissociative", "2-FDCK|2F-DCK|2-Fluorodeschloroketamine|2FDCK", "powder", 14.0),
    _p("3meopcp", "3-MeO-PCP", "dissociative", "3-MeO-PCP|3-MEO-PCP|3meo-pcp", "powder", 22.0),
    # entactogens
    _p("mdma", "MDMA", "entactogen", "MDMA|MDMA crystals|Dutch MDMA|МDMA|MDMA Kristalle", "powder", 22.0,
       street={"en": "molly|mandy|md", "de": "Emma|MD", "nl": "md|mdma kristallen",
               "fr": "MD|cristal", "pl": "eMka", "cs": "emko"}),
    _p("xtc", "MDMA", "entactogen", "XTC pills|Ecstasy pills|XTC Tabletten|Ecstasy|Blue Punisher XTC",
       "pill", 4.0, "170mg|220mg|250mg|280mg", {"en": "beans|rolls", "de": "Teile|Pillen",
                                                  "nl": "pillen|xtc", "fr": "taz|ecsta", "pl": "piguły"}),
    _p("mda", "MDA", "entactogen", "MDA|MDA crystals|Sassafras", "powder", 28.0),
    # stimulants
    _p("coke", "cocaine", "stimulant", "Cocaine|Kokain|Cocaína|Cocaïne|Kokaina|Cocaіne|C0caine",
       "powder", 65.0, street={"en": "coke|charlie|snow|flake|yayo", "de": "Koks|Schnee",
                                "nl": "coke|sneeuw", "fr": "C|coco|CC", "es": "coca|farlopa",
                                "it": "bamba|coca", "pl": "koks|koka", "cs": "koks|kokáč"}),
    _p("speed", "amphetamine", "stimulant", "Amphetamine|Amphetamin|Amfetamina|Amfetamine|Speed paste",
       "powder", 8.0, street={"en": "speed|pep|whizz", "de": "Pep|Speed|Pepp", "nl": "speed|pep",
                               "pl": "amfa|feta|biała", "cs": "spid", "fr": "speed"}),
    _p("meth", "methamphetamine", "stimulant",
       "Methamphetamine|Crystal Meth|Methamfetamin|Metamfetamina|Pervitin|M3th",
       "powder", 40.0, street={"en": "crystal|ice|tina|shards", "de": "Crystal|Tina",
                                "cs": "perník|piko", "pl": "kryształ|szkło"}),
    _p("moda", "modafinil", "stimulant", "Modafinil|Modalert|Modvigil", "pill", 0.6, "200mg|100mg"),
    _p("ritalin", "methylphenidate", "stimulant", "Ritalin|Methylphenidate|Methylphenidat|Concerta",
       "pill", 2.0, "10mg|18mg|36mg"),
    # psychedelics
    _p("lsd", "LSD", "psychedelic", "LSD|LSD-25|LSD blotters|L$D|Lysergide", "blotter", 7.0,
       "100ug|150ug|200ug|250mcg", {"en": "acid|tabs|blotters", "de": "Pappen|Trips",
                                    "nl": "trips", "fr": "buvard|carton", "pl": "kwas|papier",
                                    "cs": "trip"}),
    _p("1plsd", "1P-LSD", "psychedelic", "1P-LSD|1P LSD|1p-lsd blotters", "blotter", 5.0, "100mcg|150mcg"),
    _p("shrooms", "psilocybin", "psychedelic",
       "Psilocybin mushrooms|Magic mushrooms|Psilocybe Cubensis|Magic Truffles|Golden Teacher",
       "plant", 9.0, street={"en": "shrooms|boomers", "de": "Pilze|Zauberpilze",
                              "nl": "paddo's|truffels", "fr": "champis", "es": "setas",
                              "it": "funghetti", "pl": "grzybki", "cs": "lysohlávky"}),
    _p("dmt", "DMT", "psychedelic", "DMT|N,N-DMT|DMT freebase|5-MeO-DMT vape", "powder", 70.0),
    _p("2cb", "2C-B", "psychedelic", "2C-B|2CB|2c-b pills|Nexus", "pill", 6.0, "15mg|20mg|25mg",
       {"en": "tusi|pink cocaine"}),
    # cannabis
    _p("weed", "cannabis", "cannabis",
       "Amnesia Haze|OG Kush|Gorilla Glue #4|Cali Zkittlez|Lemon Haze|White Widow|Gelato|Purple Punch",
       "plant", 8.0, street={"en": "weed|bud|loud|kush|ganja", "de": "Gras|Weed|Ott",
                              "nl": "wiet|weed", "fr": "beuh|weed", "es": "maría|hierba",
                              "it": "erba|maria", "pl": "zioło|trawka|marihuana",
                              "cs": "tráva|marihuana"}),
    _p("hash", "cannabis", "cannabis", "Hash|Haschisch|Moroccan Hash|Charas|Dry Sift|Ice-o-lator",
       "plant", 9.0, street={"en": "hash|dry sift", "de": "Haschisch|Piece|Dope", "fr": "shit|teuchi",
                              "es": "hachís|chocolate", "it": "fumo|hashish", "nl": "hasj"}),
    _p("thcvape", "cannabis", "cannabis", "THC vape cartridges|THC Carts|Distillate carts|THC wax",
       "liquid", 30.0, "1000mg|500mg"),
    # sedatives
    _p("gbl", "GBL", "sedative", "GBL|Gamma-Butyrolacton|GBL cleaner|Gamma-butyrolactone", "liquid", 0.12,
       street={"en": "G|gina", "nl": "G", "de": "G|Liquid Ecstasy"}),
    _p("zolp", "zolpidem", "sedative", "Zolpidem|Stilnox|Ambien", "pill", 1.0, "10mg"),
    _p("pregab", "pregabalin", "sedative", "Pregabalin|Lyrica|Pregabalina", "pill", 0.5, "150mg|300mg"),
    # steroids
    _p("testE", "testosterone", "steroid", "Testosterone Enanthate|Test E|Testosteron Enantat|Testo E",
       "liquid", 4.0, "250mg/ml|300mg/ml"),
    _p("tren", "trenbolone", "steroid", "Trenbolone Acetate|Tren A|Trenbolon", "liquid", 6.0, "100mg/ml"),
    _p("anavar", "oxandrolone", "steroid", "Anavar|Oxandrolone|Oxandrolon|Oxa 10", "pill", 0.6, "10mg"),
    # precursors
    _p("bmk", "BMK glycidate", "precursor", "BMK Glycidate|BMK methyl glycidate|BMK Glycidat|BMK powder",
       "powder", 0.9, cas="80532-66-7"),
    _p("pmk", "PMK glycidate", "precursor", "PMK Glycidate|PMK ethyl glycidate|PMK Glycidat|PMK powder",
       "powder", 1.0, cas="28578-16-7"),
    _p("apaa", "APAA", "precursor", "APAA|alpha-Phenylacetoacetamide|α-Phenylacetoacetamid", "powder", 0.8,
       cas="4433-77-0"),
    _p("mapa", "MAPA", "precursor", "MAPA|Methyl alpha-phenylacetoacetate|MAPA Öl", "liquid", 0.7,
       cas="16648-44-5"),
    _p("4ap", "4-AP", "precursor", "4-AP|4-Anilinopiperidine|4-Anilinopiperidin", "powder", 2.5,
       cas="23056-29-3"),
    _p("boc4ap", "1-boc-4-AP", "precursor", "1-boc-4-AP|1-Boc-4-AP|tert-Butyl 4-anilinopiperidine-1-carboxylate",
       "powder", 3.0, cas="125541-22-2"),
    _p("4anpp", "4-ANPP", "precursor", "4-ANPP|Despropionyl fentanyl|4-ANPP powder", "powder", 4.0,
       cas="21409-26-7"),
    # other medicines and other substances
    _p("sild", "sildenafil", "medicine_other", "Sildenafil|Viagra|Kamagra|Kamagra Oral Jelly", "pill", 0.9,
       "100mg|50mg"),
    _p("poppers", "alkyl nitrites", "other", "Poppers|Rush Poppers|Amyl Nitrite", "liquid", 0.6),
    # novel substances: never on day 1 (see world.py)
    _p("novnit", "metfluonitazene", "synthetic_opioid",
       "Metfluonitazene|Metfluonitazen|MFN nitazene", "powder", 120.0, novel=True),
    _p("novcat", "3-IMC", "cathinone", "3-IMC|3imc|3 IMC|3-Iodmethcathinon", "powder", 19.0, novel=True),
    # non-drug goods
    _p("docs", None, None,
       "Fake EU ID card|Passport template PSD|Driving licence scan|Novelty ID card|Fullz + ID scans",
       "digital", 45.0),
    _p("guide", None, None,
       "Stealth shipping guide|Vendor OPSEC guide|Reagent testing guide|Cashout guide 2026|Dosage handbook",
       "digital", 12.0),
    _p("software", None, None,
       "Android RAT + tutorial|Private VPN lifetime|Crypter FUD|Netflix accounts x10|Spotify premium 1y",
       "digital", 20.0),
    _p("watch", None, None,
       "Rolex Submariner replica|Omega Seamaster AAA copy|Audemars Piguet Royal Oak clone|Cartier Santos replica",
       "item", 180.0),
    _p("notes", None, None, "Counterfeit 50 EUR notes|Prop money 20€ bills|Fake 100 USD notes", "item", 12.0),
)

BY_KEY = {p.key: p for p in PRODUCTS}

# Which products each market sells, with weights (key, weight).
MARKET_PRODUCTS: dict[str, tuple[tuple[str, int], ...]] = {
    "swapbay": (
        ("weed", 8), ("hash", 4), ("thcvape", 2), ("coke", 5), ("speed", 3), ("mdma", 3), ("xtc", 4),
        ("ket", 3), ("xanax", 3), ("m30", 2), ("oxy", 2), ("tram", 2), ("diaz", 2), ("pregab", 1),
        ("zolp", 1), ("shrooms", 2), ("lsd", 2), ("testE", 2), ("anavar", 1), ("sild", 2),
        ("3mmc", 2), ("meth", 1), ("gbl", 1), ("ritalin", 1), ("moda", 1), ("poppers", 1),
        ("watch", 3), ("docs", 2), ("notes", 1), ("software", 1),
    ),
    "rc-labor": (
        ("3mmc", 6), ("3cmc", 5), ("2mmc", 4), ("nep", 3), ("eutyl", 2), ("apvp", 2), ("meph", 1),
        ("4en", 3), ("adbb", 3), ("hhc", 4), ("hhcp", 3), ("bromaz", 3), ("flualp", 2), ("etiz", 2),
        ("iso", 1), ("proto", 1), ("pyro", 1), ("brorph", 1), ("2fdck", 3), ("3meopcp", 2),
        ("1plsd", 2), ("bmk", 3), ("pmk", 3), ("apaa", 2), ("mapa", 2), ("4ap", 1), ("boc4ap", 1),
        ("4anpp", 1), ("gbl", 1), ("dmt", 1),
    ),
}

# nightowl: (slug, display name, products with weights, wheel weight)
NIGHTOWL_CATEGORIES: tuple[tuple[str, str, tuple[tuple[str, int], ...], int], ...] = (
    ("cannabis", "Cannabis & Hash", (("weed", 5), ("hash", 3), ("thcvape", 1)), 5),
    ("stimulants", "Stimulants", (("coke", 5), ("speed", 3), ("meth", 3), ("ritalin", 1), ("moda", 1)), 5),
    ("ecstasy", "Ecstasy", (("mdma", 3), ("xtc", 4), ("mda", 1)), 3),
    ("opioids", "Opioids", (("heroin", 3), ("fent", 2), ("carfent", 1), ("acetylf", 1), ("iso", 2),
                            ("meto", 1), ("proto", 1), ("pyro", 1), ("nitaspray", 1), ("brorph", 1),
                            ("metha", 1)), 3),
    ("prescription", "Prescription & Pills", (("m30", 3), ("xanax", 3), ("oxy", 2), ("tram", 2),
                                             ("diaz", 1), ("zolp", 1), ("pregab", 1), ("sild", 1)), 3),
    ("benzos", "Benzos", (("bromaz", 2), ("flualp", 2), ("etiz", 1), ("xanax", 1)), 1),
    ("psychedelics", "Psychedelics", (("lsd", 3), ("1plsd", 1), ("shrooms", 3), ("dmt", 1), ("2cb", 2)), 2),
    ("dissociatives", "Dissociatives", (("ket", 4), ("2fdck", 1), ("3meopcp", 1)), 2),
    ("rc", "Research Chemicals", (("3mmc", 3), ("3cmc", 2), ("2mmc", 1), ("nep", 1), ("meph", 1),
                                  ("apvp", 1), ("4en", 1), ("adbb", 1), ("gbl", 1)), 2),
    ("steroids", "Steroids", (("testE", 2), ("tren", 1), ("anavar", 1)), 1),
    ("chemicals", "Chemicals & Precursors", (("bmk", 2), ("pmk", 2), ("apaa", 1), ("4anpp", 1),
                                             ("4ap", 1)), 1),
    ("guides", "Guides & Tutorials", (("guide", 1),), 1),
    ("fraud", "Fraud & Documents", (("docs", 2), ("software", 1)), 1),
    ("counterfeits", "Counterfeits", (("watch", 2), ("notes", 1)), 1),
)

# Where novel substances go once they exist (day 2 on): market -> product keys.
NOVEL_PRODUCTS = {"nightowl": ("novnit",), "swapbay": ("novnit",), "rc-labor": ("novnit", "novcat")}

COUNTRIES: dict[str, dict[str, str]] = {
    # code: {lang: name}; "en" always present
    "NL": {"en": "Netherlands", "de": "Niederlande", "fr": "Pays-Bas", "nl": "Nederland"},
    "DE": {"en": "Germany", "de": "Deutschland", "fr": "Allemagne", "nl": "Duitsland"},
    "BE": {"en": "Belgium", "de": "Belgien", "fr": "Belgique", "nl": "België"},
    "FR": {"en": "France", "de": "Frankreich", "fr": "France"},
    "ES": {"en": "Spain", "de": "Spanien", "es": "España"},
    "IT": {"en": "Italy", "de": "Italien", "it": "Italia"},
    "PL": {"en": "Poland", "de": "Polen", "pl": "Polska"},
    "CZ": {"en": "Czech Republic", "de": "Tschechien", "cs": "Česko"},
    "AT": {"en": "Austria", "de": "Österreich"},
    "CH": {"en": "Switzerland", "de": "Schweiz"},
    "GB": {"en": "United Kingdom", "de": "Großbritannien"},
    "US": {"en": "United States", "de": "USA"},
    "CA": {"en": "Canada"},
    "CN": {"en": "China", "de": "China"},
    "IN": {"en": "India", "de": "Indien"},
    "PT": {"en": "Portugal", "es": "Portugal"},
    "SE": {"en": "Sweden"},
    "WORLDWIDE": {"en": "Worldwide", "de": "Weltweit", "fr": "Monde entier", "nl": "Wereldwijd",
                  "es": "Todo el mundo", "it": "Tutto il mondo", "pl": "Cały świat", "cs": "Celý svět"},
    "EU": {"en": "European Union", "de": "EU", "fr": "Union européenne", "nl": "EU"},
}

# Home country of a vendor by language (weights follow the language's countries).
LANGUAGE_COUNTRIES = {
    "en": ("NL", "GB", "DE", "US", "CA", "ES", "CN", "IN"),
    "de": ("DE", "DE", "AT", "CH"),
    "fr": ("FR", "BE"),
    "nl": ("NL", "NL", "BE"),
    "pl": ("PL",),
    "es": ("ES", "ES", "PT"),
    "it": ("IT",),
    "cs": ("CZ",),
}

SHIPS_TO_CHOICES: tuple[tuple[str, ...], ...] = (
    ("WORLDWIDE",), ("EU",), ("EU", "GB"), ("DE", "AT", "CH"), ("NL", "BE", "DE"), ("WORLDWIDE",),
    ("EU",), ("FR", "BE"), ("PL", "CZ", "DE"), ("ES", "PT"), ("IT",), ("US", "CA"),
)

CITIES = {
    "NL": ("Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"), "DE": ("Berlin", "Hamburg", "Köln", "Leipzig"),
    "BE": ("Antwerpen", "Bruxelles", "Liège"), "FR": ("Paris", "Marseille", "Lyon", "Lille"),
    "ES": ("Madrid", "Barcelona", "Valencia"), "IT": ("Milano", "Roma", "Napoli"),
    "PL": ("Warszawa", "Kraków", "Wrocław"), "CZ": ("Praha", "Brno", "Ostrava"), "AT": ("Wien", "Graz"),
    "CH": ("Zürich", "Basel"), "GB": ("London", "Manchester"), "US": ("Chicago", "Miami"),
    "CA": ("Toronto",), "CN": ("Shanghai", "Wuhan"), "IN": ("Mumbai",), "PT": ("Lisboa", "Porto"),
    "SE": ("Stockholm",),
}

# Quantity notations per kind: (text, amount in base units: g, unit, ml or item).
QUANTITIES: dict[str, tuple[tuple[str, float], ...]] = {
    "powder": (("1g", 1), ("1 gram", 1), ("0,5g", 0.5), ("2g", 2), ("3.5g", 3.5), ("5g", 5), ("5 gr", 5),
               ("10g", 10), ("10 grams", 10), ("25g", 25), ("28 gr", 28), ("1 oz", 28.35),
               ("50g", 50), ("100g", 100), ("QP", 113.4), ("HP", 226.8), ("250 g", 250),
               ("500g", 500), ("1 kilo", 1000), ("1kg", 1000)),
    "plant": (("1g", 1), ("3.5g", 3.5), ("5g", 5), ("10g", 10), ("1/8 oz", 3.54), ("1 oz", 28.35),
              ("28 gr", 28), ("QP", 113.4), ("HP", 226.8), ("1 lb", 453.6), ("100g", 100), ("1 kilo", 1000)),
    "pill": (("5x", 5), ("10x", 10), ("10 pills", 10), ("20 tabs", 20), ("25x", 25), ("50 pills", 50),
             ("100 tabs", 100), ("100x", 100), ("250 pcs", 250), ("500x", 500), ("1000x", 1000),
             ("5000x", 5000)),
    "blotter": (("1x", 1), ("5 blotters", 5), ("10 tabs", 10), ("10x", 10), ("25x", 25), ("50 tabs", 50),
                ("100x", 100), ("100 blotters", 100), ("1000x", 1000)),
    "liquid": (("1ml", 1), ("5ml", 5), ("10ml", 10), ("10 ml", 10), ("30ml", 30), ("50 ml", 50),
               ("100ml", 100), ("500ml", 500), ("1L", 1000), ("1 Liter", 1000)),
    "digital": (("1x", 1), ("", 1)),
    "item": (("1x", 1), ("", 1), ("2 pcs", 2), ("10x", 10)),
}

# Words for "pills/grams" used when a title spells a count out, by language.
PILL_WORDS = {"en": "pills", "de": "Stk", "fr": "comprimés", "nl": "pillen", "pl": "tabletek",
              "es": "pastillas", "it": "pasticche", "cs": "tablet"}

# Demo exchange rates (fixed): the simulator's prices never depend on the outside world.
USD_PER_EUR = 1.08
USD_PER_BTC = 95000.0
USD_PER_XMR = 160.0
