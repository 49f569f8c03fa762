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
from functools import cache
from typing import Any

from nlp import contacts, crypto, languages, novel, offers, quantities, repair, substances
from nlp.context import load as load_context
from nlp.countries import countries
from nlp.fold import fold, leet
from nlp.lexicon import load as load_lexicon
from nlp.lexicon import squeeze
from nlp.limits import MAX_EXTRACTED_CHARS, MAX_SHORT_FIELD_CHARS
from nlp.money import RateTable, find_prices, parse_price, to_eur

TEXT_FIELDS = ("title", "description")

# A listing that sells information. Strong words mark a guide wherever they stand in the title
# (or open the description); weak ones only in a title that states no amount.
_GUIDE_WORDS = (
    r"guide|guides|tutorial|tutorials|e-?books?|pdf|handbook|manual|course|how\sto|how-to|"
    r"instructions?|anleitung|leitfaden|handbuch|handleiding|gids|guia|guida|manuel|navod|"
    r"instrukcja|poradnik|recipe|recept|rezept|receta|ricetta|cookbook|tek|book|books|"
    r"e-?learning|lesson|lessons|masterclass|mode\sd'emploi|step\sby\sstep|information\sonly|"
    r"info\sonly|document|documents|synthesis\sof|synthesis\sguide"
)
_GUIDE_RE = re.compile(rf"(?<![^\W_])(?:{_GUIDE_WORDS})(?![^\W_])")
_GUIDE_WEAK_RE = re.compile(
    r"(?<![^\W_])(?:synthesis|synthese|sintesis|synthesize|synthesise|manufacture|manufacturing|"
    r"explained|chemistry|chemist|route|method|methods|making|extraction|extract\sit|"
    r"cultivation|cultivate|cultivar|coltivare|kweken|anbau|uprawa)(?![^\W_])"
)
_DESCRIPTION_GUIDE_CHARS = 200
_NON_DRUG_TITLE_RE = re.compile(
    r"(?<![^\W_])(?:grinder|bong|bongs|pipe|pipes|scales|rolling\spapers?|"
    r"test\skit|testing\skit|reagent\skit|reagents|baggies|mylar|pill\spress|tdp|"
    r"t-?shirt|hoodie|poster|sticker|stickers|lighter|ashtray|vaporizer|"
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
# Liquids sold by the volume: a bottle of GHB is an amount of the drug, not a unit size.
_SOLD_BY_VOLUME = frozenset({"GHB", "GBL", "1,4-butanediol"})


def _field(record: Mapping[str, Any], name: str, limit: int) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value[:limit]


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def extract(
    record: Mapping[str, Any], *, on: date | None = None, rates: RateTable | None = None
) -> dict[str, Any]:
    """Everything the extractor finds in one listing (see the extraction contract).

    `on` is the observation date for currency conversion; `rates` the crypto rate table (the
    caller's settings load it: the core reads no configuration of its own)."""
    # matched on the repaired text (mojibake fixed), reported in raw offsets (nlp/repair.py)
    repaired = {f: repair.repair(_field(record, f, MAX_EXTRACTED_CHARS)) for f in TEXT_FIELDS}
    texts = {f: r.text for f, r in repaired.items()}
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
        f: quantities.measures(folded[f], dosage_context=dosage_form or medicine,
                               title=f == "title")
        for f in TEXT_FIELDS
    }
    has_count = any(q.unit == "unit" for f in TEXT_FIELDS for q in measures[f].quantities)
    sizes: set[tuple[float, str]] = set()
    by_volume = any(h.term.entry.canonical in _SOLD_BY_VOLUME for _, h in unambiguous)
    if not by_volume:
        for f in TEXT_FIELDS:
            sizes |= quantities.container_sizes(folded[f], measures[f].quantities)
    for f in TEXT_FIELDS:
        m = measures[f]
        m.quantities, m.doses = quantities.per_unit(
            folded[f], m.quantities, m.doses, has_count=has_count, container_sizes=sizes,
            sold_by_volume=by_volume)
    # an amount read as a per-unit strength once is one everywhere in the listing
    per_unit = {(d.value, d.unit) for f in TEXT_FIELDS for d in measures[f].doses}
    for f in TEXT_FIELDS:
        measures[f].quantities = [q for q in measures[f].quantities
                                  if (q.value, q.unit) not in per_unit]
    all_quantities = [q for f in TEXT_FIELDS for q in measures[f].quantities]
    all_doses = [d for f in TEXT_FIELDS for d in measures[f].doses]
    found, mentions = _offered(texts, folded, hits, measures, ctx)

    flags: list[str] = []
    title_folded = folded["title"]
    title_amounts = bool(measures["title"].quantities or measures["title"].doses)
    if _is_guide(title_folded, folded["description"], title_amounts):
        flags.append("guide")
        mentions, found = mentions + found, []
    elif found and _NON_DRUG_TITLE_RE.search(title_folded) and not any(
        q.unit in ("g", "mg", "ug", "ml") for q in measures["title"].quantities
    ):
        # paraphernalia, test kits, accounts: the drug is named, not sold
        flags.append("non_drug")
        mentions, found = mentions + found, []

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
                       "eur": _money(to_eur(amount, currency, on, rates)), "field": "price"})
    elif price_raw.strip() and _looks_numeric(price_raw):
        pass  # a bare number without a currency: the market's currency is not known here
    if not prices:
        for f in TEXT_FIELDS:
            for p in find_prices(texts[f]):
                prices.append({"amount": float(p.amount), "currency": p.currency,
                               "eur": _money(to_eur(p.amount, p.currency, on, rates)), "field": f,
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
    repair.restore_offsets(result, repaired)
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


# ----------------------------------------------------------------------- offered or mentioned

_EDIBLE_RE = re.compile(
    r"(?<![^\W_])(?:infused|edibles?|gumm(?:y|ies)|cookies?|brownies?|cand(?:y|ies)|lollipops?|"
    r"lollis?|caramels?|bonbons?|butter|cakes?|oreos?|sweets)(?![^\W_])"
)
_SEPARATORS_RE = re.compile(r"[\W_]+")
_LONG_TOKEN = 25  # an alias inside a longer alphanumeric run is part of an address or a hash


def _offered(texts: dict[str, str], folded: dict[str, str],
             hits: dict[str, list[substances.Hit]], measures: dict[str, quantities.Measures],
             ctx: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The substances a listing offers, and the ones it only names (see docs/extraction.md)."""
    lex = load_lexicon()
    by_name = lex.by_canonical()
    plain: list[tuple[str, substances.Hit, bool]] = []  # (field, hit, denied)
    ambiguous: list[tuple[str, substances.Hit]] = []
    for f in TEXT_FIELDS:
        for h in hits[f]:
            if _inside_long_token(folded[f], h.start, h.end) or _systematic_name(folded[f], h):
                continue
            if h.how == "joined" and ctx.split_phrase(folded[f], h.start, h.end):
                continue  # "the code in your account" is not codeine
            if h.term.ambiguous:
                ambiguous.append((f, h))
            else:
                plain.append((f, h, offers.denied(folded[f], h.start, h.end)))

    found: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    for f, h, is_denied in plain:
        confidence = {"exact": 0.95, "joined": 0.9, "inflected": 0.85, "leet": 0.85,
                      "compound": 0.85, "fuzzy": 0.75}[h.how]
        _add(mentions if is_denied else found, texts[f], f, h, confidence)
    found_names = {s["name"] for s in found}
    mentions = [m for m in mentions if m["name"] not in found_names]

    # Ambiguous aliases ("pills", "crystal", "X", "coke") name a drug only in a listing that
    # names none unambiguously: beside a real name they describe its form, colour or origin.
    # Press names (pill logos: "Tesla", "Gucci") count only in a pill listing (nlp/context.py).
    press = {f: [(h.start, h.end) for g, h in ambiguous if g == f and h.term.press]
             for f in TEXT_FIELDS}
    pill_amount = any(a.unit in ("mg", "unit") for f in TEXT_FIELDS
                      for a in measures[f].quantities + measures[f].doses)
    pill_listing = any(press.values()) and ctx.press_allowed(folded, press, pill_amount)
    if found:
        # ... except in a list beside one ("WEED, MDMA, SPEED", "cocaine / coke")
        for f, h in ambiguous:
            if h.term.press and not pill_listing:
                continue
            if (_listed_beside(folded[f], h, hits[f]) and _written_as_alias(folded[f], h)
                    and not ctx.blocked(folded[f], h.start, h.end)
                    and not offers.denied(folded[f], h.start, h.end)):
                _add(found, texts[f], f, h, 0.7)
    elif not mentions and ambiguous:
        cue = any(measures[f].quantities or measures[f].doses or ctx.has_cue(folded[f])
                  for f in TEXT_FIELDS)
        everyday = any(ctx.non_drug(folded[f]) for f in TEXT_FIELDS)
        for f, h in ambiguous:
            text = texts[f]
            if h.term.press:
                if not pill_listing:
                    continue
            elif everyday:
                continue
            if not _written_as_alias(folded[f], h) or ctx.blocked(folded[f], h.start, h.end):
                continue
            if offers.denied(folded[f], h.start, h.end):
                continue
            if len(squeeze(h.term.alias)) <= 2:
                if not text[h.start : h.end].isascii():
                    continue  # "è" is not "E"
                near = any(
                    q.start - _NEAR_QUANTITY <= h.end and h.start <= q.end + _NEAR_QUANTITY
                    for q in measures[f].quantities + measures[f].doses
                )
                if not near:
                    continue
                confidence = 0.6
            elif not cue and not h.term.press:
                continue
            else:
                confidence = 0.7
            _add(found, text, f, h, confidence)

    found = _resolve(found, folded, by_name)
    return found, mentions


def _add(out: list[dict[str, Any]], text: str, field: str, h: substances.Hit,
         confidence: float) -> None:
    name = h.term.entry.canonical
    for item in out:
        if item["name"] == name:
            item["confidence"] = max(item["confidence"], confidence)
            return
    out.append({"name": name, "class": h.term.entry.cls, "text": text[h.start : h.end],
                "start": h.start, "end": h.end, "field": field, "confidence": confidence})


def _resolve(found: list[dict[str, Any]], folded: dict[str, str],
             by_name: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Listing-level rules over the names found (see docs/extraction.md, "Listing rules")."""
    names = {s["name"] for s in found}
    # A name inside another found name is that product written short: "PMK oil … PMK
    # glycidate", "4-AP" in "1-boc-4-AP", "LSD" beside "1cP-LSD".
    tokens = {n: set(_SEPARATORS_RE.split(n.lower())) - {""} for n in names}
    keys = {n: squeeze(n) for n in names}

    def contained(name: str) -> bool:
        return any(
            other != name and (
                (len(tokens[name]) < len(tokens[other]) and tokens[name] <= tokens[other])
                or (keys[other].endswith(keys[name]) and len(keys[other]) > len(keys[name])
                and not keys[other][: -len(keys[name])].isalpha())
            )
            for other in names
        )

    out = [s for s in found if not contained(s["name"])]
    # Adjuvants and mixture names count only alone (naloxone in Suboxone, "tusi" described);
    # a family name only without a member of the family; an isomer named beside its racemate
    # is its composition ("Adderall (amphetamine/dextroamphetamine)").
    if len(out) > 1:
        out = [s for s in out if "adjuvant" not in by_name[s["name"]].flags] or out
        classes = [s["class"] for s in out]
        names = {s["name"] for s in out}
        out = [s for s in out
               if not ("generic" in by_name[s["name"]].flags and classes.count(s["class"]) > 1)
               and by_name[s["name"]].isomer_of not in names]
    names = {s["name"] for s in out}
    listing = " ".join(folded.values())
    if "hashish" in names and _EDIBLE_RE.search(listing):
        # an edible made with hash is a cannabis edible
        if "cannabis" in names:
            out = [s for s in out if s["name"] != "hashish"]
        else:
            for s in out:
                if s["name"] == "hashish":
                    s["name"], s["class"] = "cannabis", by_name["cannabis"].cls
    if "cannabis" in names and "CBD" in names:
        # CBD named in the description of a cannabis strain is one of its properties
        out = [s for s in out if not (s["name"] == "CBD" and s["field"] != "title")]
    return out


_LIST_GAP_RE = re.compile(r"\s*(?:[,/&+|]|and|und|et|y|e|i|en|or|oder|ou|o)?\s*")


def _listed_beside(folded: str, h: substances.Hit, field_hits: list[substances.Hit]) -> bool:
    """The ambiguous alias is an item of a list that names a drug unambiguously."""
    for o in field_hits:
        if o.term.ambiguous or o.term.entry is h.term.entry:
            continue
        gap = folded[o.end : h.start] if o.end <= h.start else folded[h.end : o.start]
        if len(gap) <= 6 and _LIST_GAP_RE.fullmatch(gap) and gap.strip():
            return True
    return False


def _inside_long_token(folded: str, start: int, end: int) -> bool:
    s, e = start, end
    while s > 0 and folded[s - 1].isalnum():
        s -= 1
    while e < len(folded) and folded[e].isalnum():
        e += 1
    return e - s >= _LONG_TOKEN and (s < start or e > end)


_LOCANT_AFTER_RE = re.compile(r"\)?-\d+-|\)-")


def _systematic_name(folded: str, h: substances.Hit) -> bool:
    """A fragment of a systematic chemical name: "2-(methylamino)-1-…", "…piperidine-1-…"."""
    if _LOCANT_AFTER_RE.match(folded, h.end) is None:
        return False
    return h.start == 0 or folded[h.start - 1] in " (-"


@cache
def _alias_forms(key: str) -> frozenset[str]:
    """How the ambiguous aliases with this matching key are written (separators as spaces)."""
    term = load_lexicon().terms[key]
    forms = set()
    for alias in (*term.entry.context_aliases, *term.entry.press_names):
        if squeeze(alias) == key:
            forms.add(_SEPARATORS_RE.sub(" ", fold(alias)).strip())
    return frozenset(forms or {_SEPARATORS_RE.sub(" ", fold(term.alias)).strip()})


def _written_as_alias(folded: str, h: substances.Hit) -> bool:
    """An ambiguous alias must be written as listed, whole: "Do I" is not DOI, "liquide" not
    "liquid E", "ket77" not "ket"."""
    if (h.start > 0 and folded[h.start - 1].isalnum()) or (
        h.end < len(folded) and folded[h.end].isalnum()
    ):
        return False
    raw = folded[h.start : h.end]
    surface = _SEPARATORS_RE.sub(" ", leet(raw) if h.how == "leet" else raw).strip()
    return surface in _alias_forms(squeeze(h.term.alias))


def _is_guide(title: str, description: str, title_amounts: bool) -> bool:
    """The listing sells information (a guide, an e-book, a synthesis or grow manual)."""
    if _GUIDE_RE.search(title):
        return True
    if title_amounts:
        return False
    if _GUIDE_WEAK_RE.search(title):
        return True
    return _GUIDE_RE.search(description[:_DESCRIPTION_GUIDE_CHARS]) is not None
