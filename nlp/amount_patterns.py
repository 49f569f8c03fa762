"""The compiled patterns that find amounts in folded text (see `nlp.amount_reader`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nlp.amount_text import GLUED_WORDS
from nlp.prefix_regex import letter_first, trie_alternation
from nlp.units import COUNT_ALT, MASS_ALT, NUM, NUM_START, NUMBER_WORDS

# "500mg THC": milligrams of THC are an edible's or an oil's strength
THC_AFTER_RE = re.compile(r"\s?(?:of\s)?(?:thc|cbd)(?![^\W\d_])")
# "2 doses per piece": what one unit holds, not a count
DOSES_PER_RE = re.compile(r"\s?(?:per|each|in\s(?:each|one|every))(?![^\W\d_])")
# "each 0.5g joint": the amount of one unit
EACH_BEFORE_RE = re.compile(r"(?<![^\W\d_])(?:each|every)\s?$")
# The end of a unit word: no letter follows, or a word glued to it starts there (upper-cased
# by `amount_text.mark_word_starts`, or a word of `GLUED_WORDS`: "3 gbuy", "50tabsTramadol")
UNIT_END = rf"(?:(?![^\W\d_])|(?=[A-Z])|(?=(?:{'|'.join(GLUED_WORDS)})(?![^\W\d_])))"
# "5000x 170mg", "100 x 2mg", "10 pills x 2mg", "20x-2000x 150mg" (the lower bound)
COUNT_DOSE_RE = re.compile(
    rf"(?P<count>\d(?<![\w.,/-]\d)\d{{0,6}})(?:x?\s?[-–]\s?\d{{1,6}})?\s?(?:x|×|\*|pcs|tabs|pills)\s*(?:of\s)?"
    rf"(?P<dose>{NUM})\s?(?P<unit>mg|mcg|ug|g)(?![^\W\d_])"
)
# "1g/5g/10g" and "1/5/10 g"
LIST_RE = re.compile(
    rf"(?P<nums>\d(?<![\d.,/]\d)\d{{0,6}}(?:[.,]\d{{1,4}})?(?:\s?(?:{MASS_ALT}))?(?:\s?/\s?{NUM}(?:\s?(?:{MASS_ALT}))?)+)"
    rf"\s?(?P<unit>{MASS_ALT})(?![^\W\d_])"
)
# "1/2 oz", "1/4 lb", "1/2 zip", "1/2 gram" (not "1/2/5g": a list)
FRACTION_RE = re.compile(
    r"(?P<num>[1-9])(?<![\d.,/][1-9])\s?/\s?(?P<den>2|4|8|16)\s?"
    r"(?P<unit>oz|ounce|lb|lbs|pound|p|qp|zip|g|gr|gram|grams)"
    + UNIT_END
)
WORD_AMOUNT_RE = re.compile(
    r"(?P<w>" + letter_first(
        r"half\s?(?:an?\s)?(?:oz|ounce|zip|pound|lb|p|kilo|key|gram|g)|"
        r"quarter\s?(?:oz|ounce|pound|lb|p|kilo|key)|eighth|8th|an?\s(?:oz|ounce|zip|qp|hp|kilo|key|pound|pint)"
        r"|qp(?<![\d.,]qp)|hp(?<![\d.,]hp)", r"[^\W\d_]") + r")(?![^\W\d_])"
)
# The words a match begins with, or has after its "a " or "an " ("lb", "gram" and "g" only
# come after "half" or "quarter": no hints of their own, and " g" was in most fields)
WORD_AMOUNT_HINTS = ("half", "quarter", "eighth", "8th", "oz", "ounce", "zip", "qp", "hp", "kilo",
                     "key", "pound", "pint")
# (one search is faster than a substring test per word)
WORD_AMOUNT_HINT_RE = re.compile(trie_alternation(WORD_AMOUNT_HINTS))
_WORD_AMOUNT_LEAD = 3


def word_amounts(folded: str) -> Iterator[re.Match[str]]:
    """`WORD_AMOUNT_RE.finditer(folded)`, searched only from where a match can begin."""
    hint = WORD_AMOUNT_HINT_RE.search(folded)
    if hint is None:
        return iter(())
    return WORD_AMOUNT_RE.finditer(folded, max(0, hint.start() - _WORD_AMOUNT_LEAD))
NUMBER_WORD_HINT_RE = re.compile(trie_alternation(NUMBER_WORDS))
# A number word followed by a space and a bracket or a digit: every match of SPELLED_COUNT_RE
# begins with one (the number words alone are in a quarter of the fields: "someone", "content")
# (every word in full: the shortest-prefix trie of NUMBER_WORD_HINT_RE has "six", not "sixty")
SPELLED_COUNT_HINT_RE = re.compile("(?:" + trie_alternation(NUMBER_WORDS, longest=True) + r")\s[\d(]")
WORD_PREFIX_RE = re.compile(r"^(?:half|quarter)\s?(?:an?\s)?|^an?\s")
DIGIT_RE = re.compile(r"\d")
# Where a run of digits begins: where every pattern led by `\d(?<![\d…]\d)` can match
DIGIT_RUN_RE = re.compile(r"\d(?<!\d\d)")
AMOUNT_RE = re.compile(
    rf"(?P<num>{NUM_START})(?:\s?(?:-|–|to)\s?{NUM})?\s?(?P<plus>\+)?\s?"
    rf"(?P<unit>(?:{MASS_ALT})(?:\s?/\s?ml)?){UNIT_END}"
)
# An amount written with a leading point: ".5g", ".2g (200mg)"
POINT_AMOUNT_RE = re.compile(rf"\.(?<![\w.,]\.)(?P<num>\d{{1,3}})\s?(?P<unit>g|gr|grams?|mg|oz){UNIT_END}")
# The digits of a code of one or two letters ("K57 Capsules", "M-3 Tablet"): not a count
CODE_BEFORE_RE = re.compile(r"(?:^|[\W\d_])[^\W\d_]{1,2}-?$|[^\W\d_]-$")
COUNT_RE = re.compile(
    rf"(?P<num>\d(?<!\d[.,]\d)(?<![\d/]\d)(?<!\d-\d)\d{{0,5}})(?:\s?(?:-|–)\s?\d{{1,6}})?\+?\s?[-.]?\s?"
    rf"(?P<unit>{COUNT_ALT})\.?{UNIT_END}(?!\s?(?:dose|strength|stronger|potency))"
)
X_COUNT_RE = re.compile(
    r"[xqplb](?<![^\W\d_][xqplb])"  # the lookbehind after the first letter: faster scanning
    r"(?:(?<=x)|(?<=q)ty\.?[:#]?|(?<=p)ack\sof|(?<=l)ot\sof|(?<=b)(?:ag|ox|ottle|atch)\sof)"
    rf"\s*(?P<num2>\d{{1,6}})"
    rf"(?![\d.,]?\d)(?!\s?(?:{MASS_ALT})(?![^\W\d_]))(?!\s?(?:gr|kg|mg|ml|oz|lb|gram))"
)
# "500mg/10ml" (50 mg/ml), "10mg/1ml", "1000mcg/ml", "40mg morphine HCl per 1ml"
CONCENTRATION_RE = re.compile(
    rf"(?P<num>{NUM_START})\s?(?P<unit>mg|mcg|ug|g)\s?"
    rf"(?:/|per|(?:[^\W\d_]+\s){{1,3}}per)\s?(?P<den>{NUM})?\s?(?:ml|mls){UNIT_END}"
)
# Not an amount: molar masses and formula weights, loadings (mg per g), release rates (µg/h)
NOT_AMOUNT_AFTER = re.compile(
    r"\s?(?:/|per\s)\s?(?:mol|g|gram|gramm|kg|h|hr|hour|24\s?h|sm|sqm|m2|m²|plant)(?![^\W\d_])")
# Several amounts glued together: "10g15g25g50g100g250g500g1kgcontact"
RUN_RE = re.compile(
    r"\d(?<![\d.,]\d)\d{0,4}(?:[.,]\d{1,3})?(?:kg|g|gr|mg|oz|lb)"
    r"(?:\d{1,5}(?:[.,]\d{1,3})?(?:kg|g|gr|mg|oz|lb))+"
)
RUN_PART_RE = re.compile(r"(?P<n>\d{1,5}(?:[.,]\d{1,3})?)(?P<u>kg|gr|g|mg|oz|lb)")
# A unit right after a title's leading number: "10 g …" is an amount, not a count
UNIT_AHEAD_RE = re.compile(rf"(?:{MASS_ALT}|{COUNT_ALT}|%)(?![^\W\d_])")
# One number of a spelled count's list, with its unit when it has one: "1, 2 and 5g"
NUM_PART_RE = re.compile(rf"(?P<n>{NUM})\s?(?P<u>{MASS_ALT})?")
# A long run of letters and digits is an address or a hash: no amounts inside
# (a look-behind that tries it only at a run's start is slower in `re`: 6 against 4 µs a listing)
LONG_TOKEN_RE = re.compile(r"[a-z0-9]{20,}")
SPELLED_COUNT_RE = re.compile(
    r"(?P<w>" + letter_first(NUMBER_WORDS, r"[^\W_]") + r")\s(?:\(\s?(?P<n>\d{1,5})\s?\)|"
    r"(?=\d{1,7}(?:[.,]\d{1,4})?\s?(?:mg|mcg|ug|g|ml)(?![^\W\d_])))"
)
# A count opening a title: "10 Valium 10mg", "(1) 8mg Suboxone", "[1] 60MG Vyvanse"
LEADING_COUNT_RE = re.compile(
    r"^[^\w(\[]{0,3}[(\[]?\s?(?P<n>\d{1,5})\+?\s?[)\]]?\s+(?=[^\W\d_]|\d{1,4}\s?(?:mg|mcg|ug)\b)"
)
YEAR_RE = re.compile(r"(?:19[89]|20[0-4])\d")  # "2020 Top Grade XTC": a year, not a count
BONUS_RE = re.compile(r"(?:get|free|bonus|gratis|extra|(?<![a-z+])\+|plus|gift|geschenk|kostenlos)\W{0,3}$")
BONUS_AFTER_RE = re.compile(
    r"^\W{0,3}(?:free|gratis|bonus|extra|for\sfree|kostenlos)"
    r"(?!\W{0,3}(?:shipping|delivery|ship|post))"
)
# An amount of one unit: "3.5g each", "3.5G PER CAN", "2oz per bag"
PER_UNIT_AFTER_RE = re.compile(
    r"\s{0,2}(?:each|per\s(?:can|tin|jar|bag|pack|unit|piece|pc|pill|tab|tablet|cart|cartridge|pen|"
    r"bar|cookie|brownie|bottle|vial|gummy|bite|serving|dose|blotter|tab))(?![^\W\d_])")
# "a dozen", "Baker's Dozen" (13)
DOZEN_RE = re.compile(r"(?<![^\W_])(?P<baker>bakers?'?s?\s?)?dozen(?![^\W_])")
# "30 for $250", "100 pills for $600": a count in a price tier (no unit after the number)
COUNT_FOR_PRICE_RE = re.compile(
    r"(?P<num>\d(?<![\w.,$€£/-]\d)\d{0,4})\s(?:for|@|=)\s?(?:[$€£]\s?\d|\d[\d.,]*\s?(?:\$|€|£|usd|eur|gbp))")
# Shipping rates by parcel weight ("1st Class EU (14g-28g) to 51 countries", "Tracked (1-7g)"):
# the weights of a rate table, not amounts on offer
_SHIPPING_RATE_WORDS = ("class", "shipping", "postage", "tracked", "signed", "express", "delivery",
                        "priority", "dhl", "ups", "fedex", "usps", r"royal\smail")
SHIPPING_BRACKET_RE = re.compile(
    r"(?P<bracket>\(\s?\d{1,4}\s?(?:g|gr|kg|oz)?\s?[-–]\s?\d{1,4}\s?(?:g|gr|grams?|kg|oz)\s?\))"
    r"(?=\s?(?:to|for|in)\s(?:\d{1,3}\s|all\s)?countr)"
    r"|" + letter_first(_SHIPPING_RATE_WORDS, r"[^\W_]") + r"\s?[^\W\d_]{0,12}\s?"
    r"(?P<bracket2>\((?=[^()]{0,24}\d\s?(?:g|gr|grams?|kg|oz)(?![^\W\d_]))[^()]{1,24}\))"
)
# What a match of SHIPPING_BRACKET_RE needs: a bracket opening on a digit, or a rate word
# (tested first: the pattern itself tries every letter that can start a rate word)
_BRACKET_DIGIT_RE = re.compile(r"\(\s?\d")
_SHIPPING_RATE_HINTS = tuple(w.split("\\s")[0] for w in _SHIPPING_RATE_WORDS)


def may_hold_shipping_bracket(text: str) -> bool:
    """False when SHIPPING_BRACKET_RE cannot match `text`."""
    return "(" in text and (_BRACKET_DIGIT_RE.search(text) is not None
                            or any(w in text for w in _SHIPPING_RATE_HINTS))


# Every match of SHIPPING_BRACKET_RE holds a "(" with a weight within 25 characters after it
# (the bracket of either kind), at most 24 characters after the match's start (the longest
# rate word, a space, 12 letters, a space): one literal-led search, then the pattern from there
_BRACKET_WEIGHT_RE = re.compile(r"\((?=[^()]{0,24}\d\s?(?:g|kg|oz))")
_BRACKET_LEAD = 24


def shipping_brackets(text: str) -> Iterator[re.Match[str]]:
    """`SHIPPING_BRACKET_RE.finditer(text)`, searched only from where a match can begin."""
    if "(" not in text:
        return iter(())
    first = _BRACKET_WEIGHT_RE.search(text)
    if first is None:
        return iter(())
    return SHIPPING_BRACKET_RE.finditer(text, max(0, first.start() - _BRACKET_LEAD))
NOT_AMOUNT_BEFORE_SPAN_RE = re.compile(
    r"(?:molar\smass|molecular\sweight|formula\sweight|average\smass|mol\.?\swt|mw)\W{0,12}"
    r"\d{1,4}(?:[.,]\d{1,4})?\s?(?:g|da)?"
)
# In a title, a count in brackets: "CARTS(12)", "Adderall IR 20mg (5)"
BRACKET_COUNT_RE = re.compile(
    rf"\(\s?(?P<n>\d{{1,4}})\s?\)(?!\s?(?:%|(?:{MASS_ALT}|{COUNT_ALT})(?![^\W\d_])))"
)
# In a title, a count before a name with its dose ("PREMIUM 3000 Xanax 1mg", "1 ER 20mg"), or
# before the dose of a dosage form ("MODAFINIL 4 100MG TABLETS")
COUNT_BEFORE_DOSE_RE = re.compile(
    r"(?P<n>\d(?<![\w$€£#/+-]\d)(?<!\d[.,]\d)\d{0,4})\s(?=[^\W\d_]{2,}\s?\d{1,4}(?:[.,]\d{1,2})?\s?(?:mg|mcg|ug)(?![^\W\d_])"
    r"|\d{1,4}\s?(?:mg|mcg|ug)\s(?:[^\W\d_]+\s){0,2}(?:tablets?|tabs?|pills?|capsules?|caps|bars|chocolates|cookies"
    r"|gummies|brownies|blotters)(?![^\W\d_]))"
)
# In a title, a count with a name before the dosage form: "150 LSD Tabs", "60MDMA PILLS"
COUNT_NAME_FORM_RE = re.compile(
    rf"(?P<n>\d(?<![\w$€£#/+-]\d)(?<!\d[.,]\d)\d{{0,4}})\s?(?!(?:{MASS_ALT}|{COUNT_ALT})(?![^\W\d_]))[^\W\d_]{{2,12}}\s"
    r"(?:tabs|tablets|pills|blotters|caps|capsules|seeds|carts|cartridges|bars|strips|gummies)(?![^\W\d_])"
)
# After "100p" in a pill listing, a price: "50p X $140", "50p for $120"
PILLS_P_AFTER_RE = re.compile(r"\s?(?:x|for|@|=|/|-)?\s?[$€£]|\s?(?:x|for|@|=)\s?\d[\d.,]*\s?[$€£]")
FORM_WORD_RE = re.compile(r"tab|pill|blotter|cap|seed|cart|bar|strip|gumm")
# A count per order: "3 per order", "minimum 2 per order"
PER_ORDER_RE = re.compile(r"(?P<n>\d(?<![\w.,$€£/-]\d)\d{0,3})\s(?:per|an?)\s(?:order|purchase)(?![^\W\d_])")
# An eighth written as a bare fraction: "1/8th", "$300/ 1/8"
EIGHTH_RE = re.compile(r"(?:[$€£]\d[\d.,]*\s?/\s?)?(?<![\d.,/])(?P<f>1\s?/\s?8)(?P<th>th)?(?![\d/])")
# In a title, a count in words before a dosage form: "(Single Tab)", "TEN TABS"
SPELLED_UNIT_RE = re.compile(
    r"(?P<w>" + letter_first(["single", *NUMBER_WORDS], r"[^\W\d_]") + r")\s(?=(?:pill|tab|tablet|"
    r"capsule|cap|blotter|bar|cart|cartridge|gumm(?:y|ie)|cookie|brownie|vial|seed|strip)s?(?![^\W\d_]))"
)
