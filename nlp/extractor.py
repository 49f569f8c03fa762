"""`extract(record)`: one listing in, the extraction contract out (see docs/extraction.md).

Each step is a small module with one job; this one only orders them and applies the
listing-level rules (drug context for ambiguous aliases, guides, counterfeit medicine,
price per gram).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from nlp import contacts, crypto, languages, novel, quantities, substances
from nlp._config import MAX_FIELD_CHARS, MAX_SHORT_FIELD_CHARS
from nlp.context import load as load_context
from nlp.countries import countries
from nlp.fold import fold
from nlp.lexicon import load as load_lexicon
from nlp.lexicon import squeeze
from nlp.money import find_prices, parse_price, to_eur

TEXT_FIELDS = ("title", "description")

_GUIDE_RE = re.compile(
    r"(?<![^\W_])(?:guide|guides|tutorial|tutorials|e-?books?|pdf|handbook|manual|course|"
    r"how\sto|instructions?|anleitung|leitfaden|recipe|recept|rezept|receta|poradnik|"
    r"synthesis\sof|synthesis\sguide|cookbook|method\sto|methods\sto|tek|book|books|"
    r"e-?learning|lesson|lessons|masterclass)(?![^\W_])"
)
_NON_DRUG_TITLE_RE = re.compile(
    r"(?<![^\W_])(?:grinder|bong|bongs|pipe|pipes|scales|rolling\spapers?|"
    r"test\skit|testing\skit|reagent\skit|reagents|baggies|mylar|pill\spress|tdp|"
    r"seeds?|samen|t-?shirt|hoodie|poster|sticker|stickers|lighter|ashtray|vaporizer|"
    r"vaporiser|dab\srig|stash\sbox|fake\sid|passport|driver'?s\slicen[cs]e|"
    r"account|accounts|login|logins|cvv|dumps|fullz|netflix|spotify|paypal|giftcard|"
    r"gift\scard|software|hacking|tutorial|template|templates)(?![^\W_])"
)
_COUNTERFEIT_RE = re.compile(
    r"(?<![^\W_])(?:press|pressed|presses|pressies|fake|fakes|replica|counterfeit|"
    r"knock-?off|not\spharma|not\sreal|clone|clones|generic\spress|pressed\spills?|"
    r"gefälscht|gefalscht|podrobka|falsificad[oa]s?|contrefa[cç]on|m-?box\spress)(?![^\W_])"
)
_MEDICINE_CLASSES = frozenset({"opioid", "benzodiazepine", "medicine_other", "sedative"})
_NOT_MEDICINE = frozenset({"heroin", "opium", "GHB", "GBL", "kratom", "1,4-butanediol"})
_DOSAGE_CLASSES = frozenset({"opioid", "benzodiazepine", "medicine_other", "sedative",
                             "steroid"})
# Medicines sold as pills although their class is not a medicine class: amounts are doses.
_PHARMA_NAMES = frozenset({"methylphenidate", "modafinil", "armodafinil", "phentermine",
                           "dextromethorphan", "sildenafil", "tadalafil"})
_PHARMA_BRANDS = frozenset({"adderall", "adderal", "aderall", "adderallxr", "dexedrine",
                            "vyvanse", "elvanse", "evekeo", "attentin", "dexies", "zenzedi",
                            "mydayis", "tyvense", "desoxyn", "concerta", "ritalin"})
_NEAR_QUANTITY = 12  # characters between a one-letter alias and a quantity


def _field(record: Mapping[str, Any], name: str, limit: int) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value[:limit]


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def extract(record: Mapping[str, Any], *, on: date | None = None) -> dict[str, Any]:
    """Everything the extractor finds in one listing (see the extraction contract)."""
    texts = {f: _field(record, f, MAX_FIELD_CHARS) for f in TEXT_FIELDS}
    folded = {f: fold(t) for f, t in texts.items()}
    ctx = load_context()
    lex = load_lexicon()
    by_name = lex.by_canonical()

    # -- substances -------------------------------------------------------------------
    hits = {f: substances.find(texts[f]) for f in TEXT_FIELDS}
    dosage_form = any(quantities.has_dosage_form(folded[f]) for f in TEXT_FIELDS)
    unambiguous = [(f, h) for f in TEXT_FIELDS for h in hits[f] if not h.term.ambiguous]
    medicine = any(
        h.term.entry.cls in _DOSAGE_CLASSES or h.term.entry.canonical in _PHARMA_NAMES
        or squeeze(h.term.alias) in _PHARMA_BRANDS
        for _, h in unambiguous
    )
    measures = {
        f: quantities.measures(folded[f], dosage_context=dosage_form or medicine)
        for f in TEXT_FIELDS
    }
    all_quantities = [q for f in TEXT_FIELDS for q in measures[f].quantities]
    all_doses = [d for f in TEXT_FIELDS for d in measures[f].doses]
    cue = bool(unambiguous) or bool(all_quantities) or bool(all_doses) or any(
        ctx.has_cue(folded[f]) for f in TEXT_FIELDS
    )

    found: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for f in TEXT_FIELDS:
        for h in hits[f]:
            term = h.term
            confidence = {"exact": 0.95, "joined": 0.9, "inflected": 0.85, "leet": 0.85}[h.how]
            if term.ambiguous:
                if ctx.blocked(folded[f], h.start, h.end):
                    continue
                if len(squeeze(term.alias)) <= 2:
                    near = any(
                        q.start - _NEAR_QUANTITY <= h.end and h.start <= q.end + _NEAR_QUANTITY
                        for q in measures[f].quantities + measures[f].doses
                    )
                    if not (unambiguous or near):
                        continue
                    confidence = 0.6
                elif not cue:
                    continue
                else:
                    confidence = 0.7
            name = term.entry.canonical
            if name in seen:
                if confidence > seen[name]["confidence"]:
                    seen[name]["confidence"] = confidence
                continue
            item = {
                "name": name,
                "class": term.entry.cls,
                "text": texts[f][h.start : h.end],
                "start": h.start,
                "end": h.end,
                "field": f,
                "confidence": confidence,
            }
            seen[name] = item
            found.append(item)

    flags: list[str] = []
    title_folded = folded["title"]
    mentions: list[dict[str, Any]] = []
    if _GUIDE_RE.search(title_folded) or (
        not found and _GUIDE_RE.search(folded["description"][:300])
    ):
        flags.append("guide")
        mentions, found = found, []
    elif found and _NON_DRUG_TITLE_RE.search(title_folded) and not any(
        q.unit in ("g", "mg", "ug", "ml") for q in measures["title"].quantities
    ):
        # paraphernalia, seeds, test kits, accounts: the drug is named, not sold
        flags.append("non_drug")
        mentions, found = found, []

    if any(s["class"] == "precursor" for s in found):
        flags.append("precursor")
    medicines = [
        s for s in found if (s["class"] in _MEDICINE_CLASSES and s["name"] not in _NOT_MEDICINE)
        or "counterfeit_medicine" in by_name[s["name"]].flags
    ]
    if medicines and (
        any(_COUNTERFEIT_RE.search(folded[f]) for f in TEXT_FIELDS)
        or any("counterfeit_medicine" in by_name[s["name"]].flags for s in medicines)
    ):
        flags.append("counterfeit_medicine")

    # -- novel candidates ---------------------------------------------------------------
    candidates = _novel(texts, folded, hits, lex.terms)
    if candidates:
        flags.append("novel_candidate")

    # -- purity, quantities, doses ------------------------------------------------------
    purity = None
    for f in TEXT_FIELDS:
        anchors = [(h.start, h.end) for h in hits[f]]
        purity = quantities.purity(folded[f], anchors)
        if purity is not None:
            break
    qty_out = _dedupe([{"value": q.value, "unit": q.unit} for q in all_quantities])
    dose_out = _dedupe([{"value": d.value, "unit": d.unit} for d in all_doses])

    # -- prices ---------------------------------------------------------------------------
    prices: list[dict[str, Any]] = []
    price_raw = _field(record, "price", MAX_SHORT_FIELD_CHARS)
    parsed = parse_price(price_raw) if price_raw else None
    if parsed is not None:
        amount, currency = parsed
        prices.append({"amount": float(amount), "currency": currency,
                       "eur": _money(to_eur(amount, currency, on)), "field": "price"})
    elif price_raw.strip() and _looks_numeric(price_raw):
        pass  # a bare number without a currency: the market's currency is not known here
    if not prices:
        for f in TEXT_FIELDS:
            for p in find_prices(texts[f]):
                prices.append({"amount": float(p.amount), "currency": p.currency,
                               "eur": _money(to_eur(p.amount, p.currency, on)), "field": f,
                               "start": p.start, "end": p.end})
    distinct_prices = {(p["amount"], p["currency"]) for p in prices}

    price_per_gram = price_per_unit = None
    if len(distinct_prices) == 1 and len(qty_out) == 1 and prices[0]["eur"] is not None:
        eur = prices[0]["eur"]
        q = qty_out[0]
        if q["unit"] == "g" and q["value"] > 0:
            price_per_gram = round(eur / q["value"], 2)
        elif q["unit"] == "mg" and q["value"] > 0:
            price_per_gram = round(eur / (q["value"] / 1000), 2)
        elif q["unit"] == "unit" and q["value"] > 0:
            price_per_unit = round(eur / q["value"], 2)

    # -- identifiers, languages, countries --------------------------------------------------
    joined = "\n".join(texts[f] for f in TEXT_FIELDS if texts[f])
    result: dict[str, Any] = {
        "substances": found,
        "mentions": mentions,
        "quantities": qty_out,
        "doses": dose_out,
        "purity": purity,
        "prices": prices,
        "price_per_gram_eur": price_per_gram,
        "price_per_unit_eur": price_per_unit,
        "crypto_addresses": crypto.find_addresses(joined),
        "contacts": contacts.find_contacts(joined),
        "pgp_fingerprints": contacts.find_pgp_fingerprints(joined),
        "markets": contacts.find_market_mentions(texts),
        "languages": languages.detect(joined),
        "ships_from": countries(_field(record, "ships_from", MAX_SHORT_FIELD_CHARS)),
        "ships_to": countries(_field(record, "ships_to", MAX_SHORT_FIELD_CHARS)),
        "flags": flags,
        "novel_candidates": candidates,
    }
    return result


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"\s*[\d.,]+\s*", text))


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _novel(texts: dict[str, str], folded: dict[str, str],
           hits: dict[str, list[substances.Hit]], terms: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for f in TEXT_FIELDS:
        if not texts[f]:
            continue
        known = [(h.start, h.end) for h in hits[f]]
        for name, s, e in novel.find(texts[f], folded[f], known, terms, seen):
            out.append({"text": texts[f][s:e], "start": s, "end": e, "field": f,
                        "pattern": name})
    return out
