"""Purity: a percentage tied to the drug, on folded text (see DECISIONS.md "Units")."""

from __future__ import annotations

import re

from nlp import units
from nlp.market_talk import about_the_market

_PERCENT_RE = re.compile(r"(?P<num>\d(?<![\d.,]\d)\d{0,2}(?:[.,]\d{1,3})?)\s?%")
_PURITY_CUE_RE = re.compile(
    r"(?:pur(?:e|ity|eza|ete|ezza)?|rein(?:heit)?|czyst\w*|zuiver\w*|lab\s?tested|tested|"
    r"quality|qualit[äa]t|qualite|hcl|base|crystal|kristal\w*|mdma|thc|cbd|cocaine|kokain\w*|"
    r"cocaina|speed|amph\w*|ketamin\w*|heroin\w*|mephedron\w*|content|potency|gehalt)"
)
_PERCENT_BLOCK_AFTER = re.compile(
    r"^\s?(?:\w+\s)?(?:ship|refund|reship|guarantee|garant|positive|feedback|satisf|off\b|"
    r"discount|rabatt|safe|legit|escrow|money|customer|delivery|deliver|success|stealth|bonus|"
    r"free|extra|more|rating|cashback|fe\b|finalize|upfront|payment|deposit|real|genuine|"
    r"original|authentic|sure|secure|anonym|trust|response|of\s(?:the|all|our|my|orders)|"
    r"natural|organic|solvent|money|vegan|cotton|polyester|cacao|cocoa|juice|alcohol|abv|vol)"
)


def purity(folded: str, anchors: list[tuple[int, int]]) -> float | None:
    """A percentage tied to the drug: near a substance (`anchors`) or a purity word."""
    if "%" not in folded:
        return None
    for m in _PERCENT_RE.finditer(folded):
        value = units.number(m.group("num"))
        if not 0 < value <= 100:
            continue
        if _PERCENT_BLOCK_AFTER.match(folded[m.end() : m.end() + 30]):
            continue
        if about_the_market(folded, m.start(), m.end()):
            continue  # "street coke is often only 20% pure": not this listing's purity
        lo, hi = m.start() - 30, m.end() + 30
        near_anchor = any(a < hi and lo < b for a, b in anchors)
        window = folded[max(0, lo) : hi]
        if near_anchor or _PURITY_CUE_RE.search(window):
            return units.round_sig(value)
    return None
