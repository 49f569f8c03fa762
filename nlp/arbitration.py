"""The context model arbitrates over the rules' finished extraction (the contract dict).

Rules stay the backbone: the model only moves what the rules found between `substances` and
`mentions`; it never adds a name the rules did not find.

- **Demote.** In a listing the model reads as a guide or a non-drug good
  (`max(GUIDE, NON_DRUG) >= NOT_OFFER_MIN` and `OFFER <= OFFER_MAX_FOR_DEMOTE`) where the rules
  found every substance only through a collision-prone alias (an ambiguous context alias such
  as "DOB", "DOC", "AK-47", "codes", or an inflected or leet reading: confidence <
  `SAFE_CONFIDENCE`), those substances move to `mentions`. A name matched as written ("LSD",
  "XTC", "ketamine") stays, and so does everything in a listing that has one: the model reads
  vendor boilerplate too, and a drug catalogue wrapped in a scam vendor's template can read as
  non-drug to it.
- **Promote.** Where the listing rules (a guide word, a non-drug word in the title) moved every
  name to `mentions`, and the model reads an offer (`OFFER >= OFFER_MIN` and
  `max(GUIDE, NON_DRUG) <= NOT_OFFER_MAX_FOR_PROMOTE`), the mentions whose class the model also
  reads (`CLASS_<class> >= CLASS_MIN`) are offered again and that rule's flag is dropped.

Thresholds: the demote and promote ones are set by hand, conservatively; the rescue ones were
chosen among a few settings on the gold set (with a model trained without any gold row or
title) and on Agora in two folds by vendor (each half scored by a model trained without it),
never on the development set (docs/extraction.md, "The context model").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from nlp.prefix_regex import letter_first

NOT_OFFER_MIN = 0.7
OFFER_MAX_FOR_DEMOTE = 0.3
SAFE_CONFIDENCE = 0.9
OFFER_MIN = 0.9
NOT_OFFER_MAX_FOR_PROMOTE = 0.1
CLASS_MIN = 0.5
RESCUE_OFFER_MIN = 0.8
RESCUE_NOT_OFFER_MAX = 0.2
RESCUE_CLASS_MIN = 0.6
RESCUE_CONFIDENCE = 0.5
_LISTING_RULE_FLAGS = ("guide", "non_drug")


# Product words that name no substance but, on a listing the model reads as an offer of that
# class, are how the listing names it: an edible sold by its strength ("Goober 200mg", "Rice
# Crispy Treats"), a smoking blend. They are rescue candidates only: the model decides.
# Chocolate, bars and "edible" are not among them: a chocolate bar with nothing else is a sweet,
# "edible glitter" is not food for a high, and a sweet sold by its strength, beside a cannabis
# word or as "edibles" is an edible by rule (`nlp/edibles.py`).
PRODUCT_WORDS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("cannabis", "cannabis", re.compile(
        letter_first(r"brownies?|cookies?|gumm(?:y|ies)|cand(?:y|ies)|"
        r"treats?|tarts?|pops?|lollipops?|lollis?|suckers?|caramels?|toffees?|"
        r"cupcakes?|cakes?|popcorn|krispies|crispy|crispies|peanut\sbutter|cups?|"
        r"tinctures?|canna\w*", r"[^\W_]") + r"(?![^\W_])")),
    ("synthetic cannabinoid (unspecified)", "synthetic_cannabinoid", re.compile(
        letter_first(r"spice|incense|herbal\sblend|smoking\sblend|synth\sblend|blends?|"
        r"potpourri", r"[^\W_]") + r"(?![^\W_])")),
)


def product_candidates(folded: Mapping[str, str]) -> list[dict[str, Any]]:
    """The first product word of each kind in the listing's folded fields, as candidates."""
    out: list[dict[str, Any]] = []
    for name, cls, regex in PRODUCT_WORDS:
        for field, text in folded.items():
            m = regex.search(text)
            if m is not None:
                out.append({"name": name, "class": cls, "start": m.start(), "end": m.end(),
                            "field": field})
                break
    return out


def _sweet_as_hash(candidate: Mapping[str, Any]) -> bool:
    """"Chocolate" the rules did not read as hashish stays a sweet: it is hash only with a
    cannabis context, which the rules decide (an edible is rescued as `cannabis` instead)."""
    return (candidate.get("name") == "hashish"
            and str(candidate.get("text", "")).lower().startswith("choco"))


def collision_prone(substance: Mapping[str, Any]) -> bool:
    """Found through an alias that also names other things (see the module doc)."""
    return float(substance.get("confidence", 1.0)) < SAFE_CONFIDENCE


def _not_offer(cats: Mapping[str, float]) -> float:
    return max(cats.get("GUIDE", 0.0), cats.get("NON_DRUG", 0.0))


def arbitrate(result: dict[str, Any], cats: Mapping[str, float],
              candidates: Sequence[Mapping[str, Any]] = (), *,
              everyday: bool = False) -> dict[str, Any]:
    """`result` (not modified) with substances moved by the model's `cats` (see module doc).

    `candidates`: every alias the rules' matcher found (`{name, class, text, start, end,
    field}`, e.g. `doc.spans["substance_matches"]`), accepted or not. `everyday`: the listing
    uses the vocabulary of an everyday good (`non_drug_words`): the model rescues nothing
    there, as the rules read no ambiguous alias there ("Bud Light cans", "candy for kids")."""
    # shallow: the lists are new, the items (never changed here) are shared
    out = {**result, **{key: list(result.get(key) or []) for key in ("substances", "mentions",
                                                                   "flags")}}
    offer = cats.get("OFFER", 0.0)
    not_offer = _not_offer(cats)
    found: list[dict[str, Any]] = out.get("substances", [])
    mentions: list[dict[str, Any]] = out.get("mentions", [])
    flags: list[str] = out.get("flags", [])

    if (found and not_offer >= NOT_OFFER_MIN and offer <= OFFER_MAX_FOR_DEMOTE
            and all(collision_prone(s) for s in found)):
        found, mentions = [], mentions + found
    elif (not found and mentions and offer >= OFFER_MIN and not_offer <= NOT_OFFER_MAX_FOR_PROMOTE
          and any(f in flags for f in _LISTING_RULE_FLAGS)):
        back = [m for m in mentions if cats.get(f"CLASS_{m.get('class')}", 0.0) >= CLASS_MIN]
        if back:
            found = back
            mentions = [m for m in mentions if m not in back]
            flags = [f for f in flags if f not in _LISTING_RULE_FLAGS]
    elif (not found and not mentions and candidates and not everyday and offer >= RESCUE_OFFER_MIN
          and not_offer <= RESCUE_NOT_OFFER_MAX
          and not any(f in flags for f in _LISTING_RULE_FLAGS)):
        for c in candidates:
            if (cats.get(f"CLASS_{c.get('class')}", 0.0) >= RESCUE_CLASS_MIN
                    and not _sweet_as_hash(c)
                    and all(s["name"] != c.get("name") for s in found)):
                found.append({"name": c["name"], "class": c["class"], "text": c["text"],
                              "start": c["start"], "end": c["end"], "field": c["field"],
                              "confidence": RESCUE_CONFIDENCE})

    if not any(s.get("class") == "precursor" for s in found):
        flags = [f for f in flags if f != "precursor"]
    if not found:
        flags = [f for f in flags if f != "counterfeit_medicine"]
    out["substances"], out["mentions"], out["flags"] = found, mentions, flags
    return out
