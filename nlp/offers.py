"""Offer or mention: is a substance named in a listing sold, or only named?

Runs on folded text (lower case, same length as the original). A name is *not offered* when
the text denies it ("no CBD", "kein 3-MMC", "contains NO kratom", "Kratom-free", "not cut
with caffeine") or only compares with it ("effects similar to cocaine", "stronger than
Adderall", "wie Keta", "Viagra-style", "often mixed with heroin", "the cathinone class").
Those names go to `mentions`; the listing-level rules (guides, non-drug goods) live in
`nlp.extractor`.
"""

from __future__ import annotations

import re

from nlp.prefix_regex import letter_first

# a clause ends at these: a cue before them does not reach the name
_CLAUSE_END = re.compile(r"[.!?;:\n]")
_CLAUSE_WINDOW = 90

# Negation right before the name (at most one word between: "no THC", "kein 3-MMC",
# "contains NO kratom", "sans THC"), or "not <verb> … with" ("not cut with caffeine").
NEGATION_WORDS = (r"no|not|non|kein|keine|keinen|nicht|ohne|sans|pas\sde|sin|senza|geen|niet|"
                  r"zonder|bez|brak|zero|without|free\sof|instead\sof|nao|ingen|inte|utan|ni")
NEGATION_WITH_WORDS = r"not|never|no|nicht|kein"
NEGATION_WITH = r"\s(?:[^\W\d_]+\s){0,3}with\s+$"
# Comparison words right before the name (at most one word between).
COMPARE_WORDS = (r"like|wie|comme|come|como|zoals|than|dan|vs|versus|equivalent\sto|"
                 r"compared\sto|compared\swith|similar\sto|alternative\sto|replacement\sfor|substitute\sfor|"
                 r"analog(?:ue)?\sof|legal|synthetic|instead\sof|rather\sthan")
ONE_WORD_TO_NAME = r"[^\w,]+(?:[^\W\d_]+[^\w,]+)?$"
# `denied` asks only whether one of these matches: the negation and comparison words, which end
# alike, as one alternation, and the "not … with" form apart, each led by its first letters
# (`re` scans for them; the two forms in one alternation made it try every position).
_CUE_BEFORE = re.compile(letter_first(f"{NEGATION_WORDS}|{COMPARE_WORDS}", r"[^\W_]") + ONE_WORD_TO_NAME)
_NEGATION_WITH_BEFORE = re.compile(letter_first(NEGATION_WITH_WORDS, r"[^\W_]") + NEGATION_WITH)
# Comparison or encyclopaedic cue anywhere earlier in the same clause.
_COMPARE_CLAUSE = re.compile(letter_first(
    r"similar|equivalent|compared|comparable|alternative|in\splace\sof|instead\sof|"
    r"replacement|substitute|analog|analogue|mixed\swith|cut\swith|combined\swith|"
    r"better\sthan|same\sas|resembl\w*|mimic\w*|effects\slike", r"[^\W_]") + r"(?![^\W_])"
)
# Right after the name: "-free", "-style", "-like", "-themed", "class", "agonist"…
_AFTER = re.compile(
    r"(?:-\s?(?:free|frei|style|like|themed|type|inspired)(?![^\W_])"
    r"|\s(?:free|frei)(?!\s(?:shipping|ship|delivery|post|postage|sample|samples|gift|bonus|"
    r"with|for|of|when|on|in|to|\d))(?![^\W_])"
    r"|\s(?:class|family|analog|analogue|agonist|agonists|receptor|receptors|derivative|"
    r"alternative|substitute|replacement)(?![^\W_]))"
)


def clause_before(folded: str, start: int) -> str:
    """The text from the start of the clause (at most 90 characters back) up to `start`."""
    window = folded[max(0, start - _CLAUSE_WINDOW) : start]
    cut = 0
    for m in _CLAUSE_END.finditer(window):
        cut = m.end()
    return window[cut:]


def denied(folded: str, start: int, end: int) -> bool:
    """True when the text at `start:end` names a substance only to deny or compare with it."""
    before = clause_before(folded, start)
    if before and (_CUE_BEFORE.search(before) or _NEGATION_WITH_BEFORE.search(before)
                   or _COMPARE_CLAUSE.search(before)):
        return True
    return _AFTER.match(folded, end, min(len(folded), end + 40)) is not None
