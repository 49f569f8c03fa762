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

_NUM = r"\d{1,7}(?:[.,]\d{1,4})?"
_MASS_UNITS = {
    "g": ("g", 1.0), "gr": ("g", 1.0), "grs": ("g", 1.0), "gram": ("g", 1.0),
    "grams": ("g", 1.0), "gramm": ("g", 1.0), "gramme": ("g", 1.0), "grammes": ("g", 1.0),
    "gramos": ("g", 1.0), "gramo": ("g", 1.0), "grammi": ("g", 1.0), "grammo": ("g", 1.0),
    "gramy": ("g", 1.0), "gramow": ("g", 1.0), "gramu": ("g", 1.0), "gramu0": ("g", 1.0),
    "gm": ("g", 1.0), "gms": ("g", 1.0), "grammen": ("g", 1.0), "gramov": ("g", 1.0),
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
    "litres": ("ml", 1000.0), "cl": ("ml", 10.0),
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
)
_DOSAGE_FORM_WORDS = re.compile(
    r"(?<![^\W\d_])(?:tabs?|tablet\w*|pills?|pillen|capsules?|caps|kapsel\w*|blotters?|"
    r"cartridges?|carts?|vials?|ampoules?|pens?|gumm(?:y|ies)|bars?|patch(?:es)?|strips?|"
    r"films?|lozenges?|drops|spray|edibles?|cookies?|chocolates?|brownies?|injections?|"
    r"suppositor\w*|press(?:ed)?|stuks|szt|stk|pcs|comprim\w*|pastill\w*|softgels?|syrup)"
    r"(?![^\W\d_])"
)
_MASS_ALT = "|".join(sorted((re.escape(u) for u in _MASS_UNITS), key=len, reverse=True))
_COUNT_ALT = "|".join(sorted((re.escape(u) for u in set(_COUNT_UNITS)), key=len, reverse=True))

# "5000x 170mg", "100 x 2mg", "10 pills x 2mg"
_COUNT_DOSE_RE = re.compile(
    rf"(?<![\d.,])(?P<count>\d{{1,7}})\s?(?:x|×|\*|pcs|tabs|pills)\s?(?:of\s)?"
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
    r"quarter\s?(?:oz|ounce|pound|lb|p|kilo|key)|eighth|8th|an?\s(?:oz|ounce|zip|qp|hp|kilo|key|pound)"
    r"|(?<![\d.,])(?:qp|hp))(?![^\W\d_])"
)
_WORD_PREFIX_RE = re.compile(r"^(?:half|quarter)\s?(?:an?\s)?|^an?\s")
_DIGIT_RE = re.compile(r"\d")
_AMOUNT_RE = re.compile(
    rf"(?<![\d.,])(?P<num>{_NUM})(?:\s?(?:-|–|to)\s?{_NUM})?\s?(?P<plus>\+)?\s?"
    rf"(?P<unit>(?:{_MASS_ALT})(?:\s?/\s?ml)?)(?![^\W\d_])"
)
_COUNT_RE = re.compile(
    rf"(?<![\d.,])(?P<num>\d{{1,6}})(?:\s?(?:-|–)\s?\d{{1,6}})?\s?[-.]?\s?(?P<unit>{_COUNT_ALT})\.?"
    rf"(?![^\W\d_])"
    rf"|(?<![^\W\d_])(?P<unit2>x|qty\.?:?|pack\sof|lot\sof)\s?(?P<num2>\d{{1,6}})(?![\d.,]?\d)"
)
_BONUS_RE = re.compile(r"(?:get|free|bonus|gratis|extra|\+|plus|gift|geschenk|kostenlos)\W{0,3}$")
_BONUS_AFTER_RE = re.compile(r"^\W{0,3}(?:free|gratis|bonus|extra|for\sfree|kostenlos)")
_PERCENT_RE = re.compile(r"(?<![\d.,])(?P<num>\d{1,3}(?:[.,]\d{1,3})?)\s?%")
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


@dataclass
class Measures:
    quantities: list[Amount]
    doses: list[Amount]
    purity: float | None


def _num(raw: str) -> float:
    return float(raw.replace(",", "."))


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def _is_bonus(folded: str, start: int, end: int) -> bool:
    before = folded[max(0, start - 12) : start]
    after = folded[end : end + 14]
    return bool(_BONUS_RE.search(before) or _BONUS_AFTER_RE.match(after))


def measures(folded: str, *, dosage_context: bool = False) -> Measures:
    """Quantities, doses and purity in one folded field.

    `dosage_context`: the listing is a medicine or sold as pills (amounts in mg are doses).
    """
    taken: list[tuple[int, int]] = []
    quantities: list[Amount] = []
    doses: list[Amount] = []
    if _DIGIT_RE.search(folded) is None:
        quantities = [
            Amount(*_word_amount(m), m.start(), m.end(), "quantity", True)
            for m in _WORD_AMOUNT_RE.finditer(folded)
        ]
        return Measures(quantities, doses, None)

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    for m in _COUNT_DOSE_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        count = int(m.group("count"))
        unit = "ug" if m.group("unit") in ("mcg", "ug") else m.group("unit")
        if count > 0 and not _is_bonus(folded, m.start(), m.end()):
            quantities.append(Amount(float(count), "unit", m.start(), m.start("dose"), "quantity"))
        doses.append(Amount(_round(_num(m.group("dose"))), unit, m.start("dose"), m.end(), "dose"))

    for m in _FRACTION_RE.finditer(folded):
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            _, factor = _MASS_UNITS[m.group("unit")]
            value = int(m.group("num")) / int(m.group("den")) * factor
            quantities.append(Amount(_round(value), "g", m.start(), m.end(), "quantity", True))

    for m in _LIST_RE.finditer(folded):
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

    for m in _WORD_AMOUNT_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        value, unit = _word_amount(m)
        quantities.append(Amount(value, unit, m.start(), m.end(), "quantity", True))

    for m in _AMOUNT_RE.finditer(folded):
        if not free(m.start(), m.end()):
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
        _add_mass(quantities, doses, value, base, m.start(), m.end(), dosage_context, unit_word)

    for m in _COUNT_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        raw = m.group("num") or m.group("num2")
        unit = m.group("unit") or m.group("unit2")
        if unit == "x" and m.group("num") and not _looks_like_count_x(folded, m.end()):
            continue
        taken.append((m.start(), m.end()))
        count = int(raw)
        if count <= 0 or _is_bonus(folded, m.start(), m.end()):
            continue
        quantities.append(Amount(float(count), "unit", m.start(), m.end(), "quantity"))

    quantities = _stated_grams_win(quantities)
    quantities.sort(key=lambda a: a.start)
    doses.sort(key=lambda a: a.start)
    return Measures(quantities, doses, None)


def _word_amount(m: re.Match[str]) -> tuple[float, str]:
    """Grams in "half oz", "quarter pound", "an eighth", "QP"."""
    word = m.group("w")
    factor = 0.5 if word.startswith("half") else 0.25 if word.startswith("quarter") else 1.0
    unit_word = _WORD_PREFIX_RE.sub("", word)
    if unit_word in ("eighth", "8th"):
        return _round(28.35 / 8), "g"
    _, per = _MASS_UNITS.get(unit_word, ("g", 28.35))
    return _round(factor * per), "g"


def _looks_like_count_x(folded: str, end: int) -> bool:
    """`10x` is a count unless it is followed by more digits (`10x20`, dimensions)."""
    rest = folded[end : end + 3].lstrip()
    return not (rest[:1].isdigit() or folded[end : end + 1] in ("-", "/"))


def _add_mass(quantities: list[Amount], doses: list[Amount], value: float, base: str,
              start: int, end: int, dosage_context: bool, unit_word: str) -> None:
    imperial = unit_word in ("oz", "ounce", "ounces", "onza", "onzas", "unze", "zip", "zips",
                             "lb", "lbs", "pound", "pounds", "qp", "qps", "hp", "hps")
    if base == "ug" or (base == "mg" and dosage_context):
        doses.append(Amount(value, base, start, end, "dose"))
    elif base == "mg" and value >= 1000:
        quantities.append(Amount(_round(value / 1000), "g", start, end, "quantity"))
    else:
        quantities.append(Amount(value, base, start, end, "quantity", imperial))


def _stated_grams_win(quantities: list[Amount]) -> list[Amount]:
    """`1 oz (28 g)`: drop the imperial amount when grams are stated right beside it."""
    grams = [q for q in quantities if q.unit == "g" and not q.imperial]
    out = []
    for q in quantities:
        if q.imperial and any(abs(g.start - q.end) <= 8 or abs(q.start - g.end) <= 8
                              for g in grams):
            continue
        out.append(q)
    return out


def has_dosage_form(folded: str) -> bool:
    """True when the text sells pills, blotters, cartridges…: amounts in mg are then doses."""
    return _DOSAGE_FORM_WORDS.search(folded) is not None


def purity(folded: str, anchors: list[tuple[int, int]]) -> float | None:
    """A percentage tied to the drug: near a substance (`anchors`) or a purity word."""
    for m in _PERCENT_RE.finditer(folded):
        value = _num(m.group("num"))
        if not 0 < value <= 100:
            continue
        if _PERCENT_BLOCK_AFTER.match(folded[m.end() : m.end() + 30]):
            continue
        lo, hi = m.start() - 30, m.end() + 30
        near_anchor = any(a < hi and lo < b for a, b in anchors)
        window = folded[max(0, lo) : hi]
        if near_anchor or _PURITY_CUE_RE.search(window):
            return _round(value)
    return None
