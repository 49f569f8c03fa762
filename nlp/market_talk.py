"""Sentences about the drug market in general, not about the listing: "street coke is often
only 20% pure", "most MDMA on the market is 30%". A figure in one describes the market, so it
is not the listing's purity (used by `nlp.quantities.purity`). Runs on folded text."""

from __future__ import annotations

import re

from nlp.prefix_regex import letter_first

# A sentence about the drug market in general, not this listing: "street coke is often only
# 20% pure", "most MDMA on the market is 30%", "other vendors sell 40%".
_GENERAL_RE = re.compile(letter_first(
    r"street|streets|on\sthe\smarket|in\sthe\smarket|market\saverage|other\svendors?|"
    r"elsewhere|on\saverage|average|strasse|strassen\w*|strase|strasen\w*|auf\sdem\smarkt|"
    r"im\sschnitt|durchschnitt\w*|"
    r"de\srue|dans\sla\srue|sur\sle\smarche|en\smoyenne|de\scalle|en\sla\scalle|en\sel\smercado|"
    r"di\sstrada|in\sstrada|sul\smercato|op\sstraat|straat\w*|op\sde\smarkt|gemiddeld|na\sulicy|"
    r"uliczn\w*|na\srynku|srednio|na\sulici|poulicni", r"[^\W_]") + r"(?![^\W_])"
)
# ... unless the clause speaks of the listing's own product or boasts about it
_OWN_RE = re.compile(letter_first(
    r"our|ours|we|my|this|here|unser\w*|dies\w*|notre|nos|ce|cette|nuestr\w*|este|"
    r"esta|nostr\w*|questo|questa|onze|deze|nasz\w*|ten|ta|nas|best|highest|purest|top|beste\w*|"
    r"hochste\w*|reinste\w*|meilleur\w*|mejor|migliore|najlepsz\w*|hoogste", r"[^\W_]") + r"(?![^\W_])"
)
_CLAUSE_BREAK_RE = re.compile(r"[;!?\n]|[.,](?!\d)|\s(?:but|aber|mais|pero|ma|maar|ale|ours)(?![^\W_])")
_CLAUSE_CHARS = 120


def about_the_market(folded: str, start: int, end: int) -> bool:
    """The percentage stands in a clause about the market in general (see `_GENERAL_RE`)."""
    before = folded[max(0, start - _CLAUSE_CHARS) : start]
    breaks = list(_CLAUSE_BREAK_RE.finditer(before))
    lo = start - len(before) + (breaks[-1].end() if breaks else 0)
    after = _CLAUSE_BREAK_RE.search(folded, end, min(len(folded), end + _CLAUSE_CHARS))
    clause = folded[lo : after.start() if after else min(len(folded), end + _CLAUSE_CHARS)]
    return _GENERAL_RE.search(clause) is not None and _OWN_RE.search(clause) is None
