"""Listing-level amounts: quantities, doses and purity over a listing's fields.

`nlp.quantities` reads the amounts of one field; this module applies what only the whole
listing tells: whether amounts are per-unit strengths (a medicine, a dosage form, a count
elsewhere in the listing), container sizes, liquids sold by the volume, and the purity tied
to a substance the listing names. It runs as the `vigil_amounts_v1` component.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from nlp import quantities, substances
from nlp.lexicon import squeeze
from nlp.prefix_regex import letter_first

TEXT_FIELDS = ("title", "description")
_DOSAGE_CLASSES = frozenset({"opioid", "benzodiazepine", "medicine_other", "sedative",
                             "steroid"})
# Medicines sold as pills although their class is not a medicine class: amounts are doses.
_PHARMA_NAMES = frozenset({"methylphenidate", "modafinil", "armodafinil", "phentermine", "ephedrine",
                           "dextromethorphan", "sildenafil", "tadalafil"})
_PHARMA_BRANDS = frozenset({"adderall", "adderal", "aderall", "adderallxr", "dexedrine",
                            "vyvanse", "elvanse", "evekeo", "attentin", "dexies", "zenzedi",
                            "mydayis", "tyvense", "desoxyn", "concerta", "ritalin"})
# Liquids sold by the volume: a bottle of GHB is an amount of the drug, not a unit size.
_SOLD_BY_VOLUME = frozenset({"GHB", "GBL", "1,4-butanediol"})


_LIQUID_WORDS = ("syrup", "syrups", "sirup", "lean", "sizzurp", r"purple\sdrank", r"cough\smedicine")
_LIQUID_RE = re.compile(letter_first(_LIQUID_WORDS, r"[^\W_]") + r"(?![^\W_])")
# (a substring test per word is faster than the pattern, which tries every s, l, p and c)
_LIQUID_HINTS = tuple(w.split("\\s")[0] for w in _LIQUID_WORDS)


def names_a_liquid(folded: str) -> bool:
    """A syrup, lean, purple drank or cough medicine is named."""
    return (("syrup" in folded or "sirup" in folded or "lean" in folded or "sizzurp" in folded
             or "purple" in folded or "cough" in folded)  # `_LIQUID_HINTS`, unrolled ("syrups" has "syrup")
            and _LIQUID_RE.search(folded) is not None)
_OUNCE_G, _FLUID_OUNCE_ML = 28.35, 29.5735
# Liquids that are not always drugs ("tinctures" in a shop's list of products): their ounces
# are fluid only right beside them ("oral solution 16oz", "2oz CBD tincture").
_LIQUID_PRODUCT_RE = re.compile(letter_first(
    r"tinctures?|tinktur(?:en)?|oral\ssolution|solution\sbuvable|elixir", r"[^\W_]") + r"(?![^\W_])")
_BESIDE = 30  # characters either side of the amount


def _beside_a_liquid(folded: str, q: quantities.Amount) -> bool:
    if not q.ounces or not ("tin" in folded or "solution" in folded or "elixir" in folded):
        return False
    return _LIQUID_PRODUCT_RE.search(folded[max(0, q.start - _BESIDE):q.end + _BESIDE]) is not None


def _fluid(q: quantities.Amount) -> quantities.Amount:
    if not q.ounces or q.unit != "g":
        return q  # pounds, QPs, or grams stated as such
    return replace(q, value=round(q.value / _OUNCE_G * _FLUID_OUNCE_ML, 1), unit="ml",
                   imperial=False, ounces=False)


def listing_measures(folded: dict[str, str], hits: dict[str, list[substances.Hit]],
                     texts: dict[str, str] | None = None) -> dict[str, quantities.Measures]:
    """The quantities and doses of each field, read in the light of the whole listing
    (`texts`: the fields as written, whose case shows words glued together)."""
    unambiguous = [h for f in TEXT_FIELDS for h in hits[f] if not h.term.ambiguous]
    medicine = any(
        h.term.entry.cls in _DOSAGE_CLASSES or h.term.entry.canonical in _PHARMA_NAMES
        or squeeze(h.term.alias) in _PHARMA_BRANDS
        for h in unambiguous
    )
    # (a medicine needs no dosage-form word; otherwise the words are looked for only when a
    # field's amounts ask: see `quantities.Deferred`)
    dosage_context = True if medicine else quantities.Deferred(
        lambda: any(quantities.has_dosage_form(folded[f]) for f in TEXT_FIELDS))
    measures = {
        f: quantities.measures(folded[f], dosage_context=dosage_context,
                               title=f == "title", raw=texts.get(f) if texts else None)
        for f in TEXT_FIELDS
    }
    for f in TEXT_FIELDS:  # "3 MMC (Pulver)": the 3 opens the name, it is not a count
        quantities.drop_inside(folded[f], measures[f], [
            (h.start, h.end) for h in hits[f]
            if not h.term.ambiguous and folded[f][h.start].isdigit()])
    has_count = any(q.unit == "unit" for f in TEXT_FIELDS for q in measures[f].quantities)
    cartridges = quantities.sells_cartridges(folded["title"])
    sizes: set[tuple[float, str]] = set()
    by_volume = any(h.term.entry.canonical in _SOLD_BY_VOLUME for h in unambiguous)
    if not by_volume:
        for f in TEXT_FIELDS:
            sizes |= quantities.container_sizes(folded[f], measures[f].quantities)
    for f in TEXT_FIELDS:
        m = measures[f]
        m.quantities, m.doses = quantities.per_unit(
            folded[f], m.quantities, m.doses, has_count=has_count, container_sizes=sizes,
            sold_by_volume=by_volume, cartridges=cartridges)
    if any(names_a_liquid(folded[f]) for f in TEXT_FIELDS):
        # a syrup's ounces are fluid ounces: "16 oz" of lean is 473 ml, not 454 g
        for f in TEXT_FIELDS:
            measures[f].quantities = [_fluid(q) for q in measures[f].quantities]
    for f in TEXT_FIELDS:
        measures[f].quantities = [_fluid(q) if _beside_a_liquid(folded[f], q) else q
                                  for q in measures[f].quantities]
    # an amount read as a per-unit strength once is one everywhere in the listing
    # (in milligrams: "240mg total" is the "0.24 gram" of the same chocolates)
    per_unit = {_in_mg(d) for f in TEXT_FIELDS for d in measures[f].doses}
    for f in TEXT_FIELDS:
        measures[f].quantities = [q for q in measures[f].quantities if _in_mg(q) not in per_unit]
    # "1 Ounce" in the title and "28 grams" in the description: one amount, the grams win
    metric = [q for f in TEXT_FIELDS for q in measures[f].quantities if not q.imperial]
    for f in TEXT_FIELDS:
        measures[f].quantities = [q for q in measures[f].quantities
                                  if not (q.imperial and any(_same_amount(q, g) for g in metric))]
    return measures


def _same_amount(imperial: quantities.Amount, metric: quantities.Amount) -> bool:
    """Within rounding: 1 oz is 28 g, a QP 112 g, a pound 448 g, an eighth 3.5 g."""
    return metric.unit == imperial.unit and 0.97 <= metric.value / imperial.value <= 1.03


_MG_FACTORS = {"g": 1000.0, "mg": 1.0, "ug": 0.001}


def _in_mg(a: quantities.Amount) -> tuple[float, str]:
    factor = _MG_FACTORS.get(a.unit)
    return (round(a.value * factor, 6), "mg") if factor is not None else (a.value, a.unit)


def listing_purity(folded: dict[str, str], hits: dict[str, list[substances.Hit]]) -> float | None:
    """The purity stated for a substance the listing names (title first)."""
    for f in TEXT_FIELDS:
        purity = quantities.purity(folded[f], [(h.start, h.end) for h in hits[f]])
        if purity is not None:
            return purity
    return None


def amounts_out(measures: dict[str, quantities.Measures], kind: str) -> list[dict[str, Any]]:
    """Distinct amounts of one kind ("quantities" or "doses"), as `{value, unit}` in text order
    (`.2g (200mg)` is one amount)."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[float, str]] = set()
    for f in TEXT_FIELDS:
        for a in getattr(measures[f], kind):
            key = _in_mg(a)
            if key not in seen:
                seen.add(key)
                out.append({"value": a.value, "unit": a.unit})
    return out
