"""A field's folded text made ready for the amount patterns (`nlp.amount_reader`).

Three things the patterns cannot see on their own:
- numbers that are not amounts: prices (`$5/Pill`, `$45.00 / 1 gram`, `350$`), shipping
  thresholds (`tracked shipping on orders above 10g`), totals (`240mg total`,
  `gross weight 4.5g in total`) and
  the reference volume of a concentration (`each 10 ml contains`): their spans are returned as
  taken;
- a price tier glued to the next tier's amount (`50 tabs for $300100 tabs for $550`): the
  price's digits are blanked, so the amount reads `100 tabs`;
- a word glued to a unit: descriptions scraped without spacing (`3 gbuy`, `50tabsTramadol`,
  `25gramsMessage`). The raw text's case shows where a new word starts (`sM`, `SYo`): that
  letter is upper-cased in the returned text, and the patterns accept an upper-case letter, or
  a known glued word, right after a unit.
"""

from __future__ import annotations

import re

from nlp.units import COUNT_ALT, COUNT_UNITS, MASS_ALT, MASS_UNITS

_CURRENCY = "$€£"
# A price: "$3", "$ 1,000.00", "€25", "350$", "150 $". A sign between two numbers ends the
# first when glued to it ("380$1/4 pound"), else starts the second ("x 10 $15").
# (found from the sign, which is rare, then forward or back over the digits: fast)
_SIGN_RE = re.compile(r"[$€£]")
_DIGITS_AFTER_RE = re.compile(r"\s?\d[\d.,]*")
_DIGITS_BEFORE_RE = re.compile(r"(?<![\d.,/])\d[\d.,]*\s?$")
# "for $300100 tabs": a tier's price glued to the next tier's amount
_GLUED_TIER_RE = re.compile(
    rf"[$€£]\s?(?P<digits>\d{{4,12}})(?=\s{{0,3}}(?P<unit>{MASS_ALT}|{COUNT_ALT})(?![^\W\d_]))"
)
_TIER_WORD_RE = re.compile(r"(?:for|=|@|:|-)\s{0,3}$")
_TIER_BEFORE_RE = re.compile(rf"(?P<n>\d[\d.,]*)\s{{0,3}}(?P<unit>{MASS_ALT}|{COUNT_ALT})(?![^\W\d_])")
_THRESHOLD_RE = re.compile(
    r"(?:over|above|under|up\sto)\s(?P<amount>\d[\d.,]*\s?(?:g|gr|grams?|kg|oz)(?:'?s)?)(?![^\W\d_])"
)
_SHIPPING_BEFORE_RE = re.compile(r"(?:track\w*|ship\w*|deliver\w*|postage|send)(?:\s[^\W\d_]+){0,4}\s$")
_TOTAL_RE = re.compile(
    r"(?P<before>total(?:\s(?:package|net|gross))?\sweight(?:\s(?:is|of))?\s?:?\s?)\d[\d.,]*\s?[a-z]{1,5}"
    r"|\d(?<![\d.,]\d)[\d.,]*\s?(?:mg|g|gr|grams?|ml)\s(?:in\s)?total(?![^\W\d_])"
)
_EACH_VOLUME_RE = re.compile(r"(?:each|every)\s\d[\d.,]*\s?(?:ml|mls)(?![^\W\d_])")
#: Words found glued to a unit in descriptions scraped without spacing ("3 gbuy - $40").
GLUED_WORDS = ("buy", "shipping", "ships", "contact", "wickr", "price", "available", "only",
               "for", "each", "per", "order", "minimum", "please", "we", "our", "total")
# In the raw text: letters after a number, then a capital starting the next word
_GLUED_RAW_RE = re.compile(r"\d\s?(?P<w>[a-z]{1,11}(?=[A-Z])|[A-Z]{1,11}(?=[A-Z][a-z]))")
_UNIT_WORDS = frozenset(MASS_UNITS) | frozenset(COUNT_UNITS)
_UNIT_PREFIXES = frozenset(w[:i] for w in _UNIT_WORDS for i in range(1, len(w) + 1))


def not_amounts(folded: str) -> tuple[str, list[tuple[int, int]]]:
    """(`folded` with glued tier prices blanked, spans that hold no amount)."""
    taken: list[tuple[int, int]] = []
    if "$" in folded or "€" in folded or "£" in folded:  # `_CURRENCY`
        folded = _unglue_tiers(folded, taken)
        for m in _SIGN_RE.finditer(folded):
            taken.extend(_price_at(folded, m.start()))
    if "over" in folded or "above" in folded or "under" in folded or "up to" in folded:
        taken.extend(m.span("amount") for m in _THRESHOLD_RE.finditer(folded)
                     if not folded[m.start() - 1 : m.start()].isalpha()
                     and _SHIPPING_BEFORE_RE.search(folded, max(0, m.start() - 50), m.start()))
    if "total" in folded:
        taken.extend(m.span() for m in _TOTAL_RE.finditer(folded))
    if "ml" in folded:
        taken.extend(m.span() for m in _EACH_VOLUME_RE.finditer(folded))
    return folded, taken


def _price_at(folded: str, sign: int) -> list[tuple[int, int]]:
    """The span of the price written with the currency sign at `sign`, if any."""
    before = folded[sign - 1 : sign]
    after = _DIGITS_AFTER_RE.match(folded, sign + 1)
    if after is not None and not (before.isdigit() or before in (".", ",")):
        return [(sign, after.end())]  # "$3"
    if before.isdigit() or (before == " " and folded[sign - 2 : sign - 1].isdigit() and after is None):
        number = _DIGITS_BEFORE_RE.search(folded, max(0, sign - 16), sign)
        if number is not None:
            return [(number.start(), sign + 1)]  # "350$", "150 $"
    return []


def _unglue_tiers(folded: str, taken: list[tuple[int, int]]) -> str:
    for m in _GLUED_TIER_RE.finditer(folded):
        if not _TIER_WORD_RE.search(folded, max(0, m.start() - 6), m.start()):
            continue
        previous = list(_TIER_BEFORE_RE.finditer(folded, max(0, m.start() - 40), m.start()))
        if not previous:
            continue
        last = previous[-1]
        split = _split_glued(m.group("digits"), _base(last.group("n"), last.group("unit")),
                             m.group("unit"))
        if split is None:
            continue
        start = m.start("digits")
        taken.append((m.start("digits") - 1, start + split))
        folded = folded[:start] + " " * split + folded[start + split :]
    return folded


def _split_glued(digits: str, previous: float | None, unit: str) -> int | None:
    """Where the price ends in `digits`: the next tier's amount is the part after it that has
    no leading zero, is larger than the previous tier's, and is the roundest (fewest
    significant digits, then the shortest)."""
    best: tuple[int, int, int] | None = None
    for i in range(1, len(digits)):
        amount = digits[i:]
        if amount[0] == "0":
            continue
        value = _base(amount, unit)
        if previous is not None and value is not None and value <= previous:
            continue
        key = (len(amount.rstrip("0")), len(amount), i)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def _base(number: str, unit: str) -> float | None:
    try:
        value = float(number.replace(",", ""))
    except ValueError:
        return None
    return value * MASS_UNITS[unit][1] if unit in MASS_UNITS else value


def mark_word_starts(raw: str, folded: str, first_digit: int = 0) -> str:
    """`folded` with the first letter of a word glued to the previous one upper-cased, where the
    raw text's case shows it and a unit word ends there (`50tabsTramadol`, `20TABSWe`;
    not `5mL`, where `ml` goes on). `first_digit`: no digit of `raw` comes before it (folding
    keeps a digit a digit)."""
    if (raw.isascii() and (raw.islower() or raw.isupper())) or len(raw) != len(folded):
        return folded
    chars = None
    for m in _GLUED_RAW_RE.finditer(raw, first_digit):
        i = m.end("w")
        unit = folded[m.start("w") : i]
        if unit in _UNIT_WORDS and unit + folded[i] not in _UNIT_PREFIXES and folded[i].isascii():
            if chars is None:
                chars = list(folded)
            chars[i] = folded[i].upper()
    return "".join(chars) if chars is not None else folded
