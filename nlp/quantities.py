"""Choosing a listing's quantities: which amounts are per-unit strengths (doses), container
sizes, a number that opens a substance's name. Field-level reading is `nlp.amount_reader`,
units and numbers `nlp.units`, purity `nlp.purity`; their public names are re-exported here.
"""

from __future__ import annotations

import re

from nlp.amount_reader import Deferred, measures
from nlp.prefix_regex import letter_first
from nlp.purity import purity
from nlp.units import Amount, Measures

__all__ = [
    "EUR_PER_GRAM_BOUNDS",
    "SMALL_MG",
    "Amount",
    "Deferred",
    "Measures",
    "container_sizes",
    "drop_inside",
    "has_dosage_form",
    "measures",
    "per_unit",
    "plausible_per_gram",
    "purity",
    "sells_cartridges",
]

_DOSAGE_FORM_WORDS = re.compile(letter_first(
    r"tabs?|tablet\w*|pills?|pillen|capsules?|caps|kapsel\w*|blotters?|"
    r"cartridges?|carts?|vials?|ampoules?|pens?|gumm(?:y|ies)|bars?|patch(?:es)?|strips?|"
    r"films?|lozenges?|drops|spray|edibles?|cookies?|chocolates?|brownies?|injections?|"
    r"suppositor\w*|press(?:ed)?|stuks|szt|stk|pcs|comprim\w*|pastill\w*|softgels?|syrup|"
    r"cap|cand(?:y|ies)|lollipops?|lollis?|suckers?|caramels?|bonbons?|sachets?|jell(?:y|ies)|slices?|"
    r"ampul(?:e|es|s)?|injectables?|pasticche|cachets|capsulas|kapsul\w*|syringes?|"
    # edibles sold by their THC strength: "Choco Toffee 100mg", "250mg THC peach rings"
    r"choco|choc|toffees?|rings|belts|rolls?|cake\spops?|treats|tarts|bites|chews?|popcorn|krispies|truffle\sbar",
    r"[^\W\d_]") + r"(?![^\W\d_])"
)
# An amount followed right away by a dosage form or container, with no count: a dose
_FORM_AFTER_RE = re.compile(
    r"\s?(?:[^\W\d_]+\s){0,2}(?:cartridges?|carts?|vials?|bottles?|syringes?|pens?|tabs?|tablets?|"
    r"capsules?|caps?|pills?|ampoules?|ampul\w*|flasche|fles|flacons?|bouteille|buteleczka|"
    r"frasco|dropper|tincture|patch(?:es)?|bars?|pre[-\s]?rolls?|joints?|blunts?)(?![^\W\d_])"
)
# An amount followed by a package, beside a count: "1OZ bag (10 PACK)" is 25 bags of 2 oz
_PACKAGE_AFTER_RE = re.compile(r"\s?(?:bags?|tins?|cans?|jars?|pouch(?:es)?|packs?|packets?)(?![^\W\d_])")
# An amount followed by a container or cartridge: per unit even beside a count ("20 x 1gram carts")
_CONTAINER_AFTER_RE = re.compile(
    r"\s?(?:[^\W\d_]+\s){0,2}(?:cartridges?|carts?|vials?|syringes?|pre[-\s]?rolls?|joints?)(?![^\W\d_])")
_CONTAINER_RE = re.compile(letter_first(
    r"vials?|bottles?|bouteille|flasche|flaschchen|fles|flesje|flacons?|buteleczka|vapes?|"
    r"butelka|frasco|flacone|syringes?|cartridges?|carts?|droppers?|ampoules?|ampul\w*|"
    r"spray|cans?", r"[^\W_]") + r"(?![^\W_])"
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


def has_dosage_form(folded: str) -> bool:
    """True when the text sells pills, blotters, cartridges…: amounts in mg are then doses."""
    return _DOSAGE_FORM_WORDS.search(folded) is not None


def per_unit(folded: str, quantities: list[Amount], doses: list[Amount], *,
             has_count: bool, container_sizes: set[tuple[float, str]],
             sold_by_volume: bool = False, cartridges: bool = False) -> tuple[list[Amount], list[Amount]]:
    """Listing-level unit rules: which amounts are per-unit strengths (doses).

    With a count in the listing, amounts in mg/µg are per unit ("Ossicodone 10mg x 28"); a
    volume is per unit when it is the size of a container named beside it anywhere in the
    listing ("10ml vial", "bouteille de 473ml") or has a count glued ("1ml x 10"); an amount
    followed by a dosage form with no count is a dose ("1G cartridge"); "1g x 5" is a count of
    5 with a per-unit amount; `SMALL_MG` or fewer milligrams are a dose. `sold_by_volume`: the
    drug is a liquid sold by volume (GHB): its volumes are amounts. `cartridges`: the title
    sells cartridges or vapes: `CARTRIDGE_MAX_G` grams or millilitres or fewer are the size of
    one ("HEAVY HITTERS (1g)", "Cartridges 1.1G"). An amount followed by a cartridge, vial,
    syringe or pre-roll is the size of one, with or without a count ("20 x 1gram carts"); one
    followed by a bag, tin or pack is the content of one beside a count ("1OZ bag (10 PACK)").
    """
    keep: list[Amount] = []
    moved: list[Amount] = []
    for q in quantities:
        if q.unit == "unit" or (sold_by_volume and q.unit == "ml"):
            keep.append(q)
            continue
        glued_count = has_count and re.match(r"[)\]]?\s?[x×*]\s?\d", folded[q.end : q.end + 5]) is not None
        if (
            (has_count and q.unit in ("mg", "ug"))
            or (q.unit == "mg" and q.value <= SMALL_MG)
            or (q.unit == "ml" and (q.value, q.unit) in container_sizes)
            or glued_count
            or (not has_count and _FORM_AFTER_RE.match(folded, q.end) is not None)
            or _CONTAINER_AFTER_RE.match(folded, q.end) is not None
            or (has_count and q.unit == "g" and _PACKAGE_AFTER_RE.match(folded, q.end) is not None)
            or (cartridges and q.unit in ("g", "ml") and q.value <= CARTRIDGE_MAX_G)
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


#: A cartridge or vape holds this many grams or fewer.
CARTRIDGE_MAX_G = 3.0
_CARTRIDGE_TITLE_RE = re.compile(letter_first(r"cartridges?|catridges?|carts?|vapes?|vape\spens?|"
                                 r"disposables?", r"[^\W\d_]") + r"(?![^\W\d_])")


def sells_cartridges(folded_title: str) -> bool:
    """True when the title sells cartridges or vape pens (their gram sizes are per unit)."""
    return _CARTRIDGE_TITLE_RE.search(folded_title) is not None


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
