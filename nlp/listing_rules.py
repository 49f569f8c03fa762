"""Listing-level rules: what a listing offers, what it only names, and its flags.

The substance matcher finds names; these rules decide, over the whole listing, which names are
offered (`substances`) and which only mentioned (`mentions`): drug context for ambiguous
aliases, denials, guides and non-drug goods, counterfeit medicine, family names and isomers
(see docs/extraction.md, "Listing rules"). They run as the `vigil_offers_v1` component.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from nlp import blotters, edibles, offers, quantities, substances
from nlp.context import load as load_context
from nlp.fold import fold, leet
from nlp.lexicon import load as load_lexicon
from nlp.lexicon import squeeze
from nlp.prefix_regex import letter_first

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
_GUIDE_RE = re.compile(letter_first(_GUIDE_WORDS, r"[^\W_]") + r"(?![^\W_])")
_GUIDE_WEAK_RE = re.compile(letter_first(
    r"synthesis|synthese|sintesis|synthesize|synthesise|manufacture|manufacturing|"
    r"explained|chemistry|chemist|route|method|methods|making|extraction|extract\sit|"
    r"cultivation|cultivate|cultivar|coltivare|kweken|anbau|uprawa", r"[^\W_]") + r"(?![^\W_])"
)
_DESCRIPTION_GUIDE_CHARS = 200
_NON_DRUG_TITLE_RE = re.compile(letter_first(
    r"grinder|bong|bongs|pipe|pipes|scales|rolling\spapers?|"
    r"test\skit|testing\skit|reagent\skit|reagents|baggies|mylar|pill\spress|tdp|"
    r"t-?shirt|hoodie|poster|sticker|stickers|lighter|ashtray|vaporizer|"
    r"vaporiser|dab\srig|stash\sbox|fake\sid|passport|driver'?s\slicen[cs]e|"
    r"account|accounts|login|logins|cvv|dumps|fullz|netflix|spotify|paypal|giftcard|"
    r"gift\scard|software|hacking|tutorial|template|templates|"
    r"blank\sblotters?", r"[^\W_]") + r"(?![^\W_])"
)
_COUNTERFEIT_RE = re.compile(letter_first(
    r"press|pressed|presses|pressies|fake|fakes|replica|counterfeit|"
    r"knock-?off|not\spharma|not\sreal|clone|clones|generic\spress|pressed\spills?|"
    r"gefälscht|gefalscht|podrobka|falsificad[oa]s?|contrefa[cç]on|m-?box\spress", r"[^\W_]") + r"(?![^\W_])"
)
_MEDICINE_CLASSES = frozenset({"opioid", "benzodiazepine", "medicine_other", "sedative"})
_NOT_MEDICINE = frozenset({"heroin", "opium", "GHB", "GBL", "kratom", "1,4-butanediol"})
_NEAR_QUANTITY = 12  # characters between a one-letter alias and a quantity
_STREET_NAME_CONFIDENCE = 0.7  # an ambiguous alias read in drug context (see `_offered`)


def offered(texts: dict[str, str], folded: dict[str, str],
            hits: dict[str, list[substances.Hit]],
            measures: dict[str, quantities.Measures]) -> tuple[list[dict[str, Any]],
                                                                list[dict[str, Any]], list[str]]:
    """The substances a listing offers, the ones it only names, and its listing flags."""
    ctx = load_context()
    by_name = load_lexicon().by_canonical()
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

    elif not found and not mentions:
        fields = {f: folded[f] for f in TEXT_FIELDS}
        # a product form sold as a drug names none: "Quad Dose Brownies", "Tabs 10x 150ug"
        product = (edibles.edible(texts, fields, ctx)
                   or blotters.blotter(texts, fields, {f: measures[f] for f in TEXT_FIELDS}))
        if product is not None:
            found = [product]
    elif found and all(s["confidence"] <= _STREET_NAME_CONFIDENCE and s["class"] != "cannabis"
                       for s in found):
        # a sweet named by a street name of another drug is an edible: "Bomb Brownies"
        sweet = edibles.edible(texts, {f: folded[f] for f in TEXT_FIELDS}, ctx, street_name=True)
        if sweet is not None and all(s["field"] == sweet["field"] for s in found):
            found = [sweet]

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
    return found, mentions, flags


# ----------------------------------------------------------------------- offered or mentioned

_EDIBLE_RE = re.compile(letter_first(
    r"infused|edibles?|gumm(?:y|ies)|cookies?|brownies?|cand(?:y|ies)|lollipops?|"
    r"lollis?|caramels?|bonbons?|butter|cakes?|oreos?|sweets", r"[^\W_]") + r"(?![^\W_])"
)
# "chocolate" is hash in Spain, and an edible when sold by its THC strength or its doses
_STRENGTH_RE = re.compile(r"\d\s?mg(?![^\W_])|" + letter_first(
    r"doses?|sativa|indica|hybrid|thc|treats?|cups?|krispies|crispy|bars?", r"[^\W_]") + r"(?![^\W_])")
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
    # (whether an amount is in mg or units matters only to a listing naming a press)
    pill_listing = any(press.values()) and ctx.press_allowed(folded, press, _pill_amount(measures))
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


def _pill_amount(measures: dict[str, quantities.Measures]) -> bool:
    """An amount in mg or units (a pill's) in any field."""
    return any(a.unit in ("mg", "unit") for f in TEXT_FIELDS
               for a in measures[f].quantities + measures[f].doses)


def _add(out: list[dict[str, Any]], text: str, field: str, h: substances.Hit,
         confidence: float) -> None:
    name = h.term.entry.canonical
    for item in out:
        if item["name"] == name:
            item["confidence"] = max(item["confidence"], confidence)
            return
    out.append({"name": name, "class": h.term.entry.cls, "text": text[h.start : h.end],
                "start": h.start, "end": h.end, "field": field, "confidence": confidence})


@cache
def _name_tokens(name: str) -> frozenset[str]:
    """The words of a canonical name (few names: computed once each)."""
    return frozenset(_SEPARATORS_RE.split(name.lower())) - {""}


def _resolve(found: list[dict[str, Any]], folded: dict[str, str],
             by_name: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Listing-level rules over the names found (see docs/extraction.md, "Listing rules")."""
    names = {s["name"] for s in found}
    # A name inside another found name is that product written short: "PMK oil … PMK
    # glycidate", "4-AP" in "1-boc-4-AP", "LSD" beside "1cP-LSD".
    tokens = {n: _name_tokens(n) for n in names}
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
    if "hashish" in names and (_EDIBLE_RE.search(listing) or (any(
            s["name"] == "hashish" and fold(s["text"]).startswith("choco") for s in out)
            and _STRENGTH_RE.search(listing))):
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
