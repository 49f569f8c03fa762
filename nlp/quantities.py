"""Quantities, per-unit doses and purity, normalised (see DECISIONS.md "Units").

Runs on folded text (same length as the original, `µ` already `u`), so spans are offsets
into the original field. Conventions: oz = 28.35 g, lb = 453.6 g, QP = 113.4 g, HP =
226.8 g, zip = one ounce, kg → 1000 g, `mcg`/`µg` → `ug`; a range gives its lower bound;
grams stated beside an imperial amount win; `N x M mg` is N `unit` and a dose of M `mg`;
an amount on a dosage form with no count (`Adderall 30mg`, `1000mg cartridge`) is a dose.
Bonuses ("buy 5 get 1 free") do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.market_talk import about_the_market

_NUM = r"\d{1,7}(?:[.,]\d{1,4})?"
# The same number, not preceded by a digit, "." or ",". The lookbehind sits after the first
# digit so that the regex engine can skip to the next digit (several times faster).
_NUM_START = r"\d(?<![\d.,]\d)\d{0,6}(?:[.,]\d{1,4})?"
_MASS_UNITS = {
    "g": ("g", 1.0), "gr": ("g", 1.0), "grs": ("g", 1.0), "gram": ("g", 1.0),
    "grams": ("g", 1.0), "gramm": ("g", 1.0), "gramme": ("g", 1.0), "grammes": ("g", 1.0),
    "gramos": ("g", 1.0), "gramo": ("g", 1.0), "grammi": ("g", 1.0), "grammo": ("g", 1.0),
    "gramy": ("g", 1.0), "gramow": ("g", 1.0), "gramu": ("g", 1.0), "gramu0": ("g", 1.0),
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
}
_COUNT_UNITS = (
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
)
_DOSAGE_FORM_WORDS = re.compile(
    r"(?<![^\W\d_])(?:tabs?|tablet\w*|pills?|pillen|capsules?|caps|kapsel\w*|blotters?|"
    r"cartridges?|carts?|vials?|ampoules?|pens?|gumm(?:y|ies)|bars?|patch(?:es)?|strips?|"
    r"films?|lozenges?|drops|spray|edibles?|cookies?|chocolates?|brownies?|injections?|"
    r"suppositor\w*|press(?:ed)?|stuks|szt|stk|pcs|comprim\w*|pastill\w*|softgels?|syrup|"
    r"cap|cand(?:y|ies)|lollipops?|lollis?|suckers?|caramels?|bonbons?|sachets?|jelly|slices?|"
    r"ampul(?:e|es|s)?|injectables?|pasticche|cachets|capsulas|kapsul\w*|syringes?|"
    # edibles sold by their THC strength: "Choco Toffee 100mg", "250mg THC peach rings"
    r"choco|toffees?|rings|cake\spops?|treats|tarts|bites|chews?|popcorn|krispies|truffle\sbar)"
    r"(?![^\W\d_])"
)
_MASS_ALT = "|".join(sorted((re.escape(u) for u in _MASS_UNITS), key=len, reverse=True))
_COUNT_ALT = "|".join(sorted((re.escape(u) for u in set(_COUNT_UNITS)), key=len, reverse=True))

# "5000x 170mg", "100 x 2mg", "10 pills x 2mg"
_COUNT_DOSE_RE = re.compile(
    rf"(?P<count>\d(?<![\w.,/-]\d)\d{{0,6}})\s?(?:x|×|\*|pcs|tabs|pills)\s*(?:of\s)?"
    rf"(?P<dose>{_NUM})\s?(?P<unit>mg|mcg|ug|g)(?![^\W\d_])"
)
# "1g/5g/10g" and "1/5/10 g"
_LIST_RE = re.compile(
    rf"(?<![\d.,/])(?P<nums>{_NUM}(?:\s?(?:{_MASS_ALT}))?(?:\s?/\s?{_NUM}(?:\s?(?:{_MASS_ALT}))?)+)"
    rf"\s?(?P<unit>{_MASS_ALT})(?![^\W\d_])"
)
_FRACTION_RE = re.compile(
    r"(?<![\d.,/])(?P<num>[1-9])\s?/\s?(?P<den>2|4|8|16)\s?(?P<unit>oz|ounce|lb|lbs|pound|p|qp)"
    r"(?![^\W\d_])"
)
_WORD_AMOUNT_RE = re.compile(
    r"(?<![^\W\d_])(?P<w>half\s?(?:an?\s)?(?:oz|ounce|zip|pound|lb|p|kilo|key|gram|g)|"
    r"quarter\s?(?:oz|ounce|pound|lb|p|kilo|key)|eighth|8th|an?\s(?:oz|ounce|zip|qp|hp|kilo|key|pound|pint)"
    r"|(?<![\d.,])(?:qp|hp))(?![^\W\d_])"
)
_WORD_AMOUNT_HINTS = ("half", "quarter", "eighth", "8th", "oz", "ounce", "zip", "qp", "hp", "kilo",
                      "key", "pound", "lb", "gram", " g", "pint")
_WORD_PREFIX_RE = re.compile(r"^(?:half|quarter)\s?(?:an?\s)?|^an?\s")
_DIGIT_RE = re.compile(r"\d")
_AMOUNT_RE = re.compile(
    rf"(?P<num>{_NUM_START})(?:\s?(?:-|–|to)\s?{_NUM})?\s?(?P<plus>\+)?\s?"
    rf"(?P<unit>(?:{_MASS_ALT})(?:\s?/\s?ml)?)(?![^\W\d_])"
)
_COUNT_RE = re.compile(
    rf"(?P<num>\d(?<!\d[.,]\d)(?<![\d/]\d)(?<!\d-\d)\d{{0,5}})(?:\s?(?:-|–)\s?\d{{1,6}})?\+?\s?[-.]?\s?"
    rf"(?P<unit>{_COUNT_ALT})\.?(?![^\W\d_])(?!\s?(?:dose|strength|stronger|potency))"
)
_X_COUNT_RE = re.compile(
    r"[xqplb](?<![^\W\d_][xqplb])"  # the lookbehind after the first letter: faster scanning
    r"(?:(?<=x)|(?<=q)ty\.?[:#]?|(?<=p)ack\sof|(?<=l)ot\sof|(?<=b)(?:ag|ox|ottle)\sof)"
    rf"\s*(?P<num2>\d{{1,6}})"
    rf"(?![\d.,]?\d)(?!\s?(?:{_MASS_ALT})(?![^\W\d_]))(?!\s?(?:gr|kg|mg|ml|oz|lb|gram))"
)
# "500mg/10ml" (50 mg/ml), "10mg/1ml", "1000mcg/ml", "40mg morphine HCl per 1ml"
_CONCENTRATION_RE = re.compile(
    rf"(?P<num>{_NUM_START})\s?(?P<unit>mg|mcg|ug|g)\s?"
    rf"(?:/|per|(?:[^\W\d_]+\s){{1,3}}per)\s?(?P<den>{_NUM})?\s?(?:ml|mls)(?![^\W\d_])"
)
# Not an amount: molar masses and formula weights, loadings (mg per g), release rates (µg/h)
_NOT_AMOUNT_AFTER = re.compile(
    r"\s?(?:/|per\s)\s?(?:mol|g|gram|gramm|kg|h|hr|hour|24\s?h)(?![^\W\d_])")
# Several amounts glued together: "10g15g25g50g100g250g500g1kgcontact"
_RUN_RE = re.compile(
    r"\d(?<![\d.,]\d)\d{0,4}(?:[.,]\d{1,3})?(?:kg|g|gr|mg|oz|lb)"
    r"(?:\d{1,5}(?:[.,]\d{1,3})?(?:kg|g|gr|mg|oz|lb))+"
)
_RUN_PART_RE = re.compile(r"(?P<n>\d{1,5}(?:[.,]\d{1,3})?)(?P<u>kg|gr|g|mg|oz|lb)")
# A long run of letters and digits is an address or a hash: no amounts inside
_LONG_TOKEN_RE = re.compile(r"[a-z0-9]{20,}")
# A count written out ("Ten 20mg", "THIRTY (30)", "one 500ml bottle")
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
    "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "zehn": 10, "deux": 2, "trois": 3, "dix": 10,
    "dos": 2, "tres": 3, "diez": 10, "due": 2, "dieci": 10, "twee": 2, "drie": 3, "tien": 10,
}
_SPELLED_COUNT_RE = re.compile(
    r"(?<![^\W_])(?P<w>" + "|".join(_NUMBER_WORDS) + r")\s(?:\(\s?(?P<n>\d{1,5})\s?\)|"
    r"(?=\d{1,7}(?:[.,]\d{1,4})?\s?(?:mg|mcg|ug|g|ml)(?![^\W\d_])))"
)
# A count opening a title: "10 Valium 10mg", "(1) 8mg Suboxone", "[1] 60MG Vyvanse"
_LEADING_COUNT_RE = re.compile(
    r"^[^\w(\[]{0,3}[(\[]?\s?(?P<n>\d{1,5})\+?\s?[)\]]?\s+(?=[^\W\d_]|\d{1,4}\s?(?:mg|mcg|ug)\b)"
)
_YEAR_RE = re.compile(r"(?:19[89]|20[0-4])\d")  # "2020 Top Grade XTC": a year, not a count
# An amount followed right away by a dosage form or container, with no count: a dose
_FORM_AFTER_RE = re.compile(
    r"\s?(?:[^\W\d_]+\s)?(?:cartridges?|carts?|vials?|bottles?|syringes?|pens?|tabs?|tablets?|"
    r"capsules?|caps?|pills?|ampoules?|ampul\w*|flasche|fles|flacons?|bouteille|buteleczka|"
    r"frasco|dropper|tincture|patch(?:es)?|bars?)(?![^\W\d_])"
)
_CONTAINER_RE = re.compile(
    r"(?<![^\W_])(?:vials?|bottles?|bouteille|flasche|flaschchen|fles|flesje|flacons?|buteleczka|vapes?|"
    r"butelka|frasco|flacone|syringes?|cartridges?|carts?|droppers?|ampoules?|ampul\w*|"
    r"spray|cans?)(?![^\W_])"
)
_BONUS_RE = re.compile(r"(?:get|free|bonus|gratis|extra|\+|plus|gift|geschenk|kostenlos)\W{0,3}$")
_BONUS_AFTER_RE = re.compile(
    r"^\W{0,3}(?:free|gratis|bonus|extra|for\sfree|kostenlos)"
    r"(?!\W{0,3}(?:shipping|delivery|ship|post))"
)
_PERCENT_RE = re.compile(r"(?P<num>\d(?<![\d.,]\d)\d{0,2}(?:[.,]\d{1,3})?)\s?%")
_PURITY_CUE_RE = re.compile(
    r"(?:pur(?:e|ity|eza|ete|ezza)?|rein(?:heit)?|czyst\w*|zuiver\w*|lab\s?tested|tested|"
    r"quality|qualit[äa]t|qualite|hcl|base|crystal|kristal\w*|mdma|thc|cbd|cocaine|kokain\w*|"
    r"cocaina|speed|amph\w*|ketamin\w*|heroin\w*|mephedron\w*|content|potency|gehalt)"
)
_PERCENT_BLOCK_AFTER = re.compile(
    r"^\s?(?:\w+\s)?(?:ship|refund|reship|guarantee|garant|positive|feedback|satisf|off\b|"
    r"discount|rabatt|safe|legit|escrow|money|customer|delivery|deliver|success|stealth|bonus|"
    r"free|extra|more|rating|cashback|fe\b|finalize|upfront|payment|deposit|real|genuine|"
    r"original|authentic|sure|secure|anonym|trust|response|of\s(?:the|all|our|my|orders)|"
    r"natural|organic|solvent|money|vegan|cotton|polyester|cacao|cocoa|juice|alcohol|abv|vol)"
)


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


_THOUSANDS_RE = re.compile(r"[1-9]\d{0,2}[.,]000")


def _num(raw: str) -> float:
    """A number as written: decimal comma or point; "1.000" and "1,000" are a thousand."""
    if _THOUSANDS_RE.fullmatch(raw):
        return float(raw[:-4]) * 1000
    return float(raw.replace(",", "."))


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def _is_bonus(folded: str, start: int, end: int) -> bool:
    before = folded[max(0, start - 12) : start]
    after = folded[end : end + 14]
    return bool(_BONUS_RE.search(before) or _BONUS_AFTER_RE.match(after))


def measures(folded: str, *, dosage_context: bool = False, title: bool = False) -> Measures:
    """Quantities, doses and purity in one folded field.

    `dosage_context`: the listing is a medicine or sold as pills (amounts in mg are doses);
    `title`: the field is a title (a number opening it is a count: "10 Valium 10mg").
    """
    taken: list[tuple[int, int]] = []
    quantities: list[Amount] = []
    doses: list[Amount] = []
    if _DIGIT_RE.search(folded) is None:
        quantities = [
            Amount(*_word_amount(m), m.start(), m.end(), "quantity", True)
            for m in _WORD_AMOUNT_RE.finditer(folded)
        ] + [_dozen(m) for m in (_DOZEN_RE.finditer(folded) if "dozen" in folded else ())]
        return Measures(quantities, doses, None)

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    # brackets read as spaces ("(1)Gram", "x [10]"); addresses and hashes hold no amounts
    written = folded
    folded = folded.replace("(", " ").replace(")", " ").replace("[", " ").replace("]", " ")
    for m in _LONG_TOKEN_RE.finditer(folded):
        if not m.group().isalpha() and not _RUN_RE.search(m.group()):
            taken.append((m.start(), m.end()))
    for m in _NOT_AMOUNT_BEFORE_SPAN_RE.finditer(folded):
        taken.append((m.start(), m.end()))
    for m in _SHIPPING_BRACKET_RE.finditer(written) if "(" in written else ():
        group = "bracket" if m.group("bracket") is not None else "bracket2"
        taken.append((m.start(group), m.end(group)))

    for m in _CONCENTRATION_RE.finditer(folded) if "ml" in folded else ():
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        den = _num(m.group("den")) if m.group("den") else 1.0
        if den <= 0:
            continue
        unit = m.group("unit")
        base = "ug" if unit in ("mcg", "ug") else unit
        value = _num(m.group("num")) / den
        if base == "g":
            base, value = "mg", value * 1000
        doses.append(Amount(_round(value), f"{base}/ml", m.start(), m.end(), "dose"))

    for m in _RUN_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        for part in _RUN_PART_RE.finditer(m.group()):
            unit_word = part.group("u")
            base, factor = _MASS_UNITS[unit_word]
            value = _round(_num(part.group("n")) * factor)
            s, e = m.start() + part.start(), m.start() + part.end()
            _add_mass(quantities, doses, value, base, s, e, dosage_context, unit_word)

    spelled = any(w in written for w in _NUMBER_WORDS)
    for m in _SPELLED_COUNT_RE.finditer(written) if spelled else ():
        value = int(m.group("n")) if m.group("n") else _NUMBER_WORDS[m.group("w")]
        end = m.end() if m.group("n") else m.end("w")
        if free(m.start(), end) and value > 0:
            taken.append((m.start(), end))
            quantities.append(Amount(float(value), "unit", m.start(), end, "quantity"))

    if title:
        m = _LEADING_COUNT_RE.match(folded)
        if (m and int(m.group("n")) > 0 and not _YEAR_RE.fullmatch(m.group("n"))
                and not _is_bonus(folded, m.start("n"), m.end("n"))):
            rest = folded[m.end() :]
            if not re.match(rf"(?:{_MASS_ALT}|{_COUNT_ALT}|%)(?![^\W\d_])", rest):
                taken.append((m.start("n"), m.end("n")))
                quantities.append(Amount(float(m.group("n")), "unit", m.start("n"), m.end("n"),
                                         "quantity"))

    for m in _COUNT_DOSE_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        count = int(m.group("count"))
        unit = "ug" if m.group("unit") in ("mcg", "ug") else m.group("unit")
        if count > 0 and not _is_bonus(folded, m.start(), m.end()):
            quantities.append(Amount(float(count), "unit", m.start(), m.start("dose"), "quantity"))
        doses.append(Amount(_round(_num(m.group("dose"))), unit, m.start("dose"), m.end(), "dose"))

    slash = "/" in folded
    for m in _FRACTION_RE.finditer(folded) if slash else ():
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            _, factor = _MASS_UNITS[m.group("unit")]
            value = int(m.group("num")) / int(m.group("den")) * factor
            quantities.append(Amount(_round(value), "g", m.start(), m.end(), "quantity", True))

    for m in _LIST_RE.finditer(folded) if slash else ():
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        final_unit = m.group("unit")
        for part in re.finditer(rf"(?P<n>{_NUM})\s?(?P<u>{_MASS_ALT})?", m.group("nums")):
            unit_word = part.group("u") or final_unit
            base, factor = _MASS_UNITS[unit_word]
            value = _round(_num(part.group("n")) * factor)
            s, e = m.start() + part.start(), m.start() + part.end()
            _add_mass(quantities, doses, value, base, s, e, dosage_context, unit_word)

    word_amounts = any(w in folded for w in _WORD_AMOUNT_HINTS)
    for m in _WORD_AMOUNT_RE.finditer(folded) if word_amounts else ():
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        value, unit = _word_amount(m)
        quantities.append(Amount(value, unit, m.start(), m.end(), "quantity", True))

    for m in _AMOUNT_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        if _NOT_AMOUNT_AFTER.match(folded, m.end()) or (
            m.start() >= 2 and folded[m.start() - 1] == "-" and folded[m.start() - 2].isdigit()
        ):
            taken.append((m.start(), m.end()))
            continue
        unit_word = m.group("unit").replace(" ", "")
        if unit_word == "p" or (unit_word in ("l", "cl") and not dosage_context):
            # "p" is a pound only in weed slang, "l" a litre only with a bottle: too ambiguous
            continue
        taken.append((m.start(), m.end()))
        if _is_bonus(folded, m.start(), m.end()):
            continue
        if "/" in unit_word:
            base, _ = _MASS_UNITS[unit_word.split("/")[0]]
            if base in ("mg", "ug"):
                doses.append(Amount(_round(_num(m.group("num"))), f"{base}/ml", m.start(),
                                    m.end(), "dose"))
            continue
        base, factor = _MASS_UNITS[unit_word]
        value = _round(_num(m.group("num")) * factor)
        if base != "ml" and _PER_UNIT_AFTER_RE.match(folded, m.end()):
            # "3.5g each (12 cans)", "3.5G PER CAN": the amount of one unit
            doses.append(Amount(value, base, m.start(), m.end(), "dose"))
            continue
        _add_mass(quantities, doses, value, base, m.start(), m.end(), dosage_context, unit_word)

    for m in _X_COUNT_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        count = int(m.group("num2"))
        if count > 0 and not _is_bonus(folded, m.start(), m.end()):
            quantities.append(Amount(float(count), "unit", m.start(), m.end(), "quantity"))

    for m in _DOZEN_RE.finditer(folded) if "dozen" in folded else ():
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            quantities.append(_dozen(m))

    for m in _COUNT_FOR_PRICE_RE.finditer(folded) if dosage_context else ():
        if free(m.start("num"), m.end("num")) and int(m.group("num")) > 0:
            taken.append((m.start("num"), m.end("num")))
            quantities.append(Amount(float(m.group("num")), "unit", m.start("num"), m.end("num"),
                                     "quantity"))

    for m in _COUNT_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        raw = m.group("num")
        unit = m.group("unit")
        if unit == "x" and not _looks_like_count_x(folded, m.end()):
            continue
        if (unit == "st" and m.end("num") == m.start("unit") and raw.endswith("1")
                and not raw.endswith("11")):
            continue  # "1st Class", "21st": an ordinal, not Stück
        taken.append((m.start(), m.end()))
        count = int(raw)
        if count <= 0 or _is_bonus(folded, m.start(), m.end()):
            continue
        quantities.append(Amount(float(count), "unit", m.start(), m.end(), "quantity"))

    quantities = _stated_grams_win(quantities)
    doses = [d for d in doses if not (d.unit in ("mg/ml", "ug/ml") and d.value <= 0)]
    quantities.sort(key=lambda a: a.start)
    doses.sort(key=lambda a: a.start)
    return Measures(quantities, doses, None)


# An amount of one unit: "3.5g each", "3.5G PER CAN", "2oz per bag"
_PER_UNIT_AFTER_RE = re.compile(
    r"\s?(?:each|per\s(?:can|tin|jar|bag|pack|unit|piece|pc|pill|tab|tablet|cart|cartridge|pen|"
    r"bar|cookie|brownie|bottle|vial|gummy|bite|serving|dose|blotter|tab))(?![^\W\d_])")
# "a dozen", "Baker's Dozen" (13)
_DOZEN_RE = re.compile(r"(?<![^\W_])(?P<baker>bakers?'?s?\s?)?dozen(?![^\W_])")
# "30 for $250", "100 pills for $600": a count in a price tier (no unit after the number)
_COUNT_FOR_PRICE_RE = re.compile(
    r"(?<![\w.,$€£/-])(?P<num>\d{1,5})\s(?:for|@|=)\s?(?:[$€£]\s?\d|\d[\d.,]*\s?(?:\$|€|£|usd|eur|gbp))")
# Shipping rates by parcel weight ("1st Class EU (14g-28g) to 51 countries", "Tracked (1-7g)"):
# the weights of a rate table, not amounts on offer
_SHIPPING_BRACKET_RE = re.compile(
    r"(?P<bracket>\(\s?\d{1,4}\s?(?:g|gr|kg|oz)?\s?[-–]\s?\d{1,4}\s?(?:g|gr|grams?|kg|oz)\s?\))"
    r"(?=\s?(?:to|for|in)\s(?:\d{1,3}\s|all\s)?countr)"
    r"|(?<![^\W_])(?:class|shipping|postage|tracked|signed|express|delivery|priority|dhl|ups|"
    r"fedex|usps|royal\smail)\s?[^\W\d_]{0,12}\s?"
    r"(?P<bracket2>\((?=[^()]{0,24}\d\s?(?:g|gr|grams?|kg|oz)(?![^\W\d_]))[^()]{1,24}\))"
)
_COUNT_BEFORE_NAME_RE = re.compile(r"(?<![\d.,])(\d{1,5})\s?[x×*]\s*$")


def drop_inside(folded: str, m: Measures, names: list[tuple[int, int]]) -> None:
    """A number that opens a substance's name ("3 MMC (Pulver)", "4 FA 10g", "2 CB") is not an
    amount: drop the quantities and doses that overlap those `names` spans. A count
    written right before such a name ("5 x 2C-B") is read here, where the name is known."""
    if not names:
        return
    m.quantities = [q for q in m.quantities if not any(a < q.end and q.start < b for a, b in names)]
    m.doses = [d for d in m.doses if not any(a < d.end and d.start < b for a, b in names)]
    for a, _ in names:
        c = _COUNT_BEFORE_NAME_RE.search(folded, max(0, a - 10), a)
        if c and int(c.group(1)) > 0 and not any(q.start < c.end() and c.start() < q.end
                                                  for q in m.quantities + m.doses):
            m.quantities.append(Amount(float(c.group(1)), "unit", c.start(), c.end(), "quantity"))
    m.quantities.sort(key=lambda q: q.start)


def _dozen(m: re.Match[str]) -> Amount:
    return Amount(13.0 if m.group("baker") else 12.0, "unit", m.start(), m.end(), "quantity")


def _word_amount(m: re.Match[str]) -> tuple[float, str]:
    """Grams in "half oz", "quarter pound", "an eighth", "QP"."""
    word = m.group("w")
    factor = 0.5 if word.startswith("half") else 0.25 if word.startswith("quarter") else 1.0
    unit_word = _WORD_PREFIX_RE.sub("", word)
    if unit_word in ("eighth", "8th"):
        return _round(28.35 / 8), "g"
    base, per = _MASS_UNITS.get(unit_word, ("g", 28.35))
    return _round(factor * per), base


def _looks_like_count_x(folded: str, end: int) -> bool:
    """`10x` is a count unless it is followed by more digits (`10x20`, dimensions)."""
    rest = folded[end : end + 3].lstrip()
    return not (rest[:1].isdigit() or folded[end : end + 1] in ("-", "/"))


def _add_mass(quantities: list[Amount], doses: list[Amount], value: float, base: str,
              start: int, end: int, dosage_context: bool, unit_word: str) -> None:
    if value <= 0:
        return  # "000 g" of "1 000 g" is not an amount
    imperial = unit_word in ("oz", "ounce", "ounces", "onza", "onzas", "unze", "zip", "zips",
                             "lb", "lbs", "pound", "pounds", "qp", "qps", "hp", "hps")
    if base == "ug" or (base == "mg" and dosage_context):
        doses.append(Amount(value, base, start, end, "dose"))
    elif base == "mg" and value >= 1000:
        quantities.append(Amount(_round(value / 1000), "g", start, end, "quantity"))
    else:
        ounces = unit_word in ("oz", "ounce", "ounces", "onza", "onzas", "unze")
        quantities.append(Amount(value, base, start, end, "quantity", imperial, ounces))


def _stated_grams_win(quantities: list[Amount]) -> list[Amount]:
    """`1 oz (28 g)`: drop the imperial amount when grams are stated right beside it."""
    grams = [q for q in quantities if q.unit == "g" and not q.imperial]
    out = []
    for q in quantities:
        if q.imperial and any((abs(g.start - q.end) <= 8 or abs(q.start - g.end) <= 8)
                              and 0.7 <= g.value / q.value <= 1.3 for g in grams):
            continue
        out.append(q)
    return out


def has_dosage_form(folded: str) -> bool:
    """True when the text sells pills, blotters, cartridges…: amounts in mg are then doses."""
    return _DOSAGE_FORM_WORDS.search(folded) is not None


def purity(folded: str, anchors: list[tuple[int, int]]) -> float | None:
    """A percentage tied to the drug: near a substance (`anchors`) or a purity word."""
    if "%" not in folded:
        return None
    for m in _PERCENT_RE.finditer(folded):
        value = _num(m.group("num"))
        if not 0 < value <= 100:
            continue
        if _PERCENT_BLOCK_AFTER.match(folded[m.end() : m.end() + 30]):
            continue
        if about_the_market(folded, m.start(), m.end()):
            continue  # "street coke is often only 20% pure": not this listing's purity
        lo, hi = m.start() - 30, m.end() + 30
        near_anchor = any(a < hi and lo < b for a, b in anchors)
        window = folded[max(0, lo) : hi]
        if near_anchor or _PURITY_CUE_RE.search(window):
            return _round(value)
    return None


_NOT_AMOUNT_BEFORE_SPAN_RE = re.compile(
    r"(?:molar\smass|molecular\sweight|formula\sweight|average\smass|mol\.?\swt|mw)\W{0,12}"
    r"\d{1,4}(?:[.,]\d{1,4})?\s?(?:g|da)?"
)


def per_unit(folded: str, quantities: list[Amount], doses: list[Amount], *,
             has_count: bool, container_sizes: set[tuple[float, str]],
             sold_by_volume: bool = False) -> tuple[list[Amount], list[Amount]]:
    """Listing-level unit rules: which amounts are per-unit strengths (doses).

    With a count in the listing, amounts in mg/µg are per unit ("Ossicodone 10mg x 28"); a
    volume is per unit when it is the size of a container named beside it anywhere in the
    listing ("10ml vial", "bouteille de 473ml") or has a count glued ("1ml x 10"); an amount
    followed by a dosage form with no count is a dose ("1G cartridge"); "1g x 5" is a count of
    5 with a per-unit amount; `SMALL_MG` or fewer milligrams are a dose. `sold_by_volume`: the
    drug is a liquid sold by volume (GHB): its volumes are amounts.
    """
    keep: list[Amount] = []
    moved: list[Amount] = []
    for q in quantities:
        if q.unit == "unit" or (sold_by_volume and q.unit == "ml"):
            keep.append(q)
            continue
        after = folded[q.end : q.end + 4]
        glued_count = has_count and re.match(r"\s?[x×*]\s?\d", after) is not None
        if (
            (has_count and q.unit in ("mg", "ug"))
            or (q.unit == "mg" and q.value <= SMALL_MG)
            or (q.unit == "ml" and (q.value, q.unit) in container_sizes)
            or glued_count
            or (not has_count and _FORM_AFTER_RE.match(folded, q.end) is not None)
        ):
            moved.append(Amount(q.value, q.unit, q.start, q.end, "dose"))
        else:
            keep.append(q)
    return keep, sorted(doses + moved, key=lambda a: a.start)


_CONTAINER_NEAR = 16
#: An amount of this many mg or fewer is a per-unit strength ("Anavar 10MG", a steroid's
#: "1MG"), never the amount a listing sells: nobody sells 10 mg of powder.
SMALL_MG = 20.0
#: A price per gram outside these bounds (EUR) comes from a misread amount (a per-unit
#: strength read as the quantity: €35 for "1MG" is €35,000/g), so it is dropped (null).
EUR_PER_GRAM_BOUNDS = (0.05, 20_000.0)


def plausible_per_gram(eur: float) -> bool:
    """A price per gram a real listing can have (see `EUR_PER_GRAM_BOUNDS`)."""
    low, high = EUR_PER_GRAM_BOUNDS
    return low <= eur <= high


def container_sizes(folded: str, amounts: list[Amount]) -> set[tuple[float, str]]:
    """(value, unit) of the volumes written right beside a container word ("10ml vial")."""
    out: set[tuple[float, str]] = set()
    if not amounts or _CONTAINER_RE.search(folded) is None:
        return out
    for a in amounts:
        if a.unit != "ml":
            continue
        window = folded[max(0, a.start - _CONTAINER_NEAR) : a.end + _CONTAINER_NEAR]
        if _CONTAINER_RE.search(window):
            out.add((a.value, a.unit))
    return out
