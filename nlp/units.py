"""Units and numbers of amounts: the unit words (mass, volume, counts) with their base unit
and factor, numbers as written (decimal comma, "1.000" a thousand), and the `Amount` found."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.prefix_regex import letter_first

NUM = r"\d{1,7}(?:[.,]\d{1,4})?"

# The same number, not preceded by a digit, nor by a decimal "." or "," (one after a letter
# ends a sentence: "order.250g"). The lookbehinds sit after the first digit so that the
# regex engine can skip to the next digit (several times faster).
NUM_START = r"\d(?<!\d\d)(?<![^a-z][.,]\d)(?<!^[.,]\d)\d{0,6}(?:[.,]\d{1,4})?"

MASS_UNITS = {
    "g": ("g", 1.0), "gr": ("g", 1.0), "grs": ("g", 1.0), "gram": ("g", 1.0),
    "grams": ("g", 1.0), "gramm": ("g", 1.0), "gramme": ("g", 1.0), "grammes": ("g", 1.0),
    "gramos": ("g", 1.0), "gramo": ("g", 1.0), "grammi": ("g", 1.0), "grammo": ("g", 1.0),
    "gramy": ("g", 1.0), "gramow": ("g", 1.0), "gramu": ("g", 1.0), "gramu0": ("g", 1.0),
    "grama": ("g", 1.0), "gramas": ("g", 1.0),
    "gm": ("g", 1.0), "gms": ("g", 1.0), "gs": ("g", 1.0), "grammen": ("g", 1.0), "gramov": ("g", 1.0),
    "kg": ("g", 1000.0), "kilo": ("g", 1000.0), "kilos": ("g", 1000.0), "kilogram": ("g", 1000.0),
    "kilograms": ("g", 1000.0), "kilogramm": ("g", 1000.0), "kilogramos": ("g", 1000.0),
    "key": ("g", 1000.0), "keys": ("g", 1000.0), "kgs": ("g", 1000.0),
    "oz": ("g", 28.35), "ounce": ("g", 28.35), "ounces": ("g", 28.35), "onza": ("g", 28.35),
    "onzas": ("g", 28.35), "unze": ("g", 28.35), "zip": ("g", 28.35), "zips": ("g", 28.35),
    "lb": ("g", 453.6), "lbs": ("g", 453.6), "pound": ("g", 453.6), "pounds": ("g", 453.6),
    "p": ("g", 453.6),
    "qp": ("g", 113.4), "qps": ("g", 113.4), "hp": ("g", 226.8), "hps": ("g", 226.8),
    "mg": ("mg", 1.0), "mgs": ("mg", 1.0), "milligram": ("mg", 1.0), "milligrams": ("mg", 1.0),
    "ug": ("ug", 1.0), "mcg": ("ug", 1.0), "mcgs": ("ug", 1.0), "microgram": ("ug", 1.0),
    "micrograms": ("ug", 1.0), "ugs": ("ug", 1.0), "mikrogramm": ("ug", 1.0),
    "ml": ("ml", 1.0), "mls": ("ml", 1.0), "milliliter": ("ml", 1.0), "millilitre": ("ml", 1.0),
    "l": ("ml", 1000.0), "liter": ("ml", 1000.0), "litre": ("ml", 1000.0), "liters": ("ml", 1000.0),
    "litres": ("ml", 1000.0), "cl": ("ml", 10.0), "pint": ("ml", 473.2), "pints": ("ml", 473.2),
    # a fluid ounce (a tincture's "4.0 fluid ounces"); spaces are dropped before the lookup
    "fluid ounce": ("ml", 29.57), "fluid ounces": ("ml", 29.57), "fl oz": ("ml", 29.57),
    "fluidounce": ("ml", 29.57), "fluidounces": ("ml", 29.57), "floz": ("ml", 29.57),
}

COUNT_UNITS = (
    "tabs", "tab", "tablets", "tablet", "tabletten", "tablette", "tabletki", "tabletek",
    "tabletas", "tabletta", "tablety", "compresse", "comprimes", "comprimidos", "pills", "pill",
    "pillen", "pilules", "pastillas", "pastiglie", "pigulki", "pilulky", "blotters", "blotter",
    "blots", "tickets", "hits", "caps", "cap", "capsules", "capsule", "kapseln", "kapsułki",
    "kapsulki", "pcs", "pc", "pieces", "piece", "stk", "stuck", "stueck", "stucke", "stuks",
    "st", "szt", "sztuk", "ks", "kusu", "pz", "pezzi", "unidades", "uds", "units", "unit",
    "vials", "vial", "ampoules", "ampoule", "amps", "bars", "bar", "strips", "strip",
    "sheets", "sheet", "gummies", "gummy", "cookies", "carts", "cartridges", "pens", "pen",
    "patches", "patch", "qty", "ct", "count", "x", "teile", "teil", "pils", "pillz", "rolls",
    "beans", "buttons", "squares", "doses", "dose", "pieces", "stamps", "tabz", "tabbs",
    "boxes", "box", "bottles", "bottle", "packs", "pack", "sachets", "sachet", "seeds", "seed", "slices",
    "slice", "ampuls", "ampul", "ampules", "ampule", "flacons", "pieces", "pasticche", "cachets",
    "capsulas", "kapsul", "ea", "lollis", "lollipops", "suckers", "candies", "bonbons",
    "caramels", "brownies", "stix", "sticks", "cans", "films", "pouches", "syringes",
    "tins", "tin", "cartons", "carton", "jars", "joints", "prerolls", "pre-rolls", "items",
)

# (longest first; grouped by first letter, `prefix_regex.letter_first`: the same matches, faster)
MASS_ALT = letter_first(sorted((re.escape(u) for u in MASS_UNITS), key=len, reverse=True), None)

COUNT_ALT = letter_first(sorted((re.escape(u) for u in set(COUNT_UNITS)), key=len, reverse=True), None)

# A count written out ("Ten 20mg", "THIRTY (30)", "one 500ml bottle")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
    "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "zehn": 10, "deux": 2, "trois": 3, "dix": 10,
    "dos": 2, "tres": 3, "diez": 10, "due": 2, "dieci": 10, "twee": 2, "drie": 3, "tien": 10,
}


@dataclass(frozen=True, slots=True)
class Amount:
    value: float
    unit: str  # g, mg, ug, ml, unit, mg/ml, ug/ml
    start: int
    end: int
    kind: str  # "quantity" or "dose"
    imperial: bool = False
    ounces: bool = False  # written in ounces (a fluid ounce, for a liquid)


@dataclass
class Measures:
    quantities: list[Amount]
    doses: list[Amount]
    purity: float | None


THOUSANDS_RE = re.compile(r"[1-9]\d{0,2}[.,]000")


def number(raw: str) -> float:
    """A number as written: decimal comma or point; "1.000" and "1,000" are a thousand."""
    if THOUSANDS_RE.fullmatch(raw):
        return float(raw[:-4]) * 1000
    return float(raw.replace(",", "."))


def round_sig(x: float) -> float:
    return float(f"{x:.6g}")
