"""Cannabis edibles that name no drug: "Quad Dose Brownie (3 pack)", "250mg Watermelon Tarts",
"Caramel Canna-Squares", "Pot Cookies".

A listing whose names the matcher found none of is a cannabis edible when it sells a sweet or
baked good (`_NOUN_RE`) *as a drug*: with a THC-style strength (a milligram amount, "quad
dose", "triple strength", "potent", "medicated"), or beside a cannabis word ("canna-", "pot",
"bud", "ganja", "420"). The word "edible(s)" is the product itself. A sweet with nothing else
("Chocolate Chip Cookie"), a supplement ("vitamin C gummies 500mg") or everyday goods
(`non_drug_words` in `_context.yaml`) is not a drug. Used by `nlp.listing_rules`.
"""

from __future__ import annotations

import re
from typing import Any

from nlp.context import Context
from nlp.prefix_regex import letter_first

_NOUNS = (
    r"brownies?|cookies?|gumm(?:y|ies)|gummi(?:e?s)?|gummy\sbears?|cand(?:y|ies)|chocolates?|"
    r"choco|lollipops?|lollies|lolly|suckers?|tarts?|caramels?|toffees?|fudge|cupcakes?|cakes?|"
    r"muffins?|popcorn|krispies|rice\scrispy|crispy\streats?|crispies|treats?|truffles?|bonbons?|"
    r"chews|bites|squares|pops|peach\srings|sour\sbelts|rainbow\sbelts|lemon\sdrops|"
    r"marshmallows?|macarons?|sweets|honey\ssticks?|honey|tinctures?|"
    # German, French, Spanish, Italian, Dutch, Polish
    r"kekse|platzchen|schokolade|fruchtgummis?|gummibarchen|biscuits|chocolat|bonbons|"
    r"galletas|gominolas|chuches|caramelle|biscotti|koekjes|snoepjes|ciastka|ciasteczka|zelki|"
    r"czekolada"
)
_NOUN_RE = re.compile(letter_first(_NOUNS, r"[^\W_]") + r"(?![^\W_])")
# Glued to a cannabis prefix: "Cannapops", "Canna-Squares", "potbrownies"
_GLUED_RE = re.compile(letter_first(r"canna|pot|weed|ganja", r"[^\W_]") + rf"-?(?:{_NOUNS})(?![^\W_])")
_PRODUCT_RE = re.compile(letter_first(r"edibles?|essbares|comestibles?", r"[^\W_]") + r"(?![^\W_])")
_STRENGTH_RE = re.compile(
    r"\d\s?mg(?![^\W_])|" + letter_first(r"doses?|dosed|dosis|strength|potent|potency|medicated|"
    r"infused|strong|stoned|stoney|starke?|forte|fuerte", r"[^\W_]") + r"(?![^\W_])"
)
_CANNABIS_WORD_RE = re.compile(letter_first(
    r"canna(?:[\w-]*)|pot|bud|buds|weed|ganja|dank|kush|420|sativa|indica|hybrid|"
    r"stoner", r"[^\W_]") + r"(?![^\W_])"
)
# Products sold by the milligram that are not cannabis, beyond the everyday words every rule
# reads (`non_drug_words` in `_context.yaml`: vitamins, melatonin, collagen, probiotics…)
_SUPPLEMENT_RE = re.compile(letter_first(
    r"vitamine|caffeine|koffein|zinc|"
    r"magnesium|iron|fib(?:er|re)|omega|electrolytes?|"
    r"creatine|keto|sugar\sfree|nicotine|kratom|mushroom|mushrooms|shroom|shrooms|"
    r"psilocybin|dog|dogs|pet|pets|cat|cats|"
    # edible goods that are not food for a high: "edible glitter", "edible ink"
    r"glitter|ink|printer|gold\sleaf|sprinkles|wafer\spaper|toppers?|straws|cutlery|insects|"
    r"crickets|mealworms|valerian|echinacea|ginseng|ginger|propolis|arnica|manuka",
    r"[^\W_]") + r"(?![^\W_])"
)
CONFIDENCE = 0.6


def edible(texts: dict[str, str], folded: dict[str, str], ctx: Context,
           *, street_name: bool = False) -> dict[str, Any] | None:
    """A `cannabis` substance for a listing that sells an edible as a drug, or None.

    `street_name`: the listing names a drug only by an ambiguous street name ("Bomb
    Brownies", "X brownies"), which is the cue that the sweet is sold as a drug."""
    if any(ctx.non_drug(t) or _SUPPLEMENT_RE.search(t) for t in folded.values()):
        return None
    listing = " ".join(folded.values())
    sold_as_drug = (street_name or _STRENGTH_RE.search(listing) is not None
                    or _CANNABIS_WORD_RE.search(listing) is not None)
    for field, text in folded.items():
        m = _GLUED_RE.search(text) or _PRODUCT_RE.search(text)
        if m is None and sold_as_drug:
            m = _NOUN_RE.search(text)
        if m is not None:
            return {"name": "cannabis", "class": "cannabis", "text": texts[field][m.start():m.end()],
                    "start": m.start(), "end": m.end(), "field": field, "confidence": CONFIDENCE}
    return None
