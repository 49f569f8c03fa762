"""Novel-substance candidates: names shaped like an NPS family but absent from the lexicon.

Each pattern names the family it recognises; patterns run on folded, leet-folded text (same
length as the original), so spans are offsets into the field. A candidate that overlaps a
lexicon match, or whose squeezed form is a lexicon key, is not novel.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from nlp.prefix_regex import trie_alternation

# (pattern name, regex). Anchored on word boundaries; bounded repetitions only.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("nitazene", re.compile(
        r"(?<![^\W_])(?:[a-z0-9]{1,12}-){0,2}[a-z0-9]{2,20}(?:nitazen[eo]?s?|nitazepyne|azepyne)"
        r"(?![^\W_])")),
    ("fentanyl", re.compile(
        r"(?<![^\W_])(?:[a-z0-9]{1,10}-){0,3}[a-z0-9]{2,20}fentan[iy]l(?:e|o|a)?s?(?![^\W_])")),
    ("synthetic_cannabinoid", re.compile(
        r"(?<![^\W_])(?:[0-9]?[a-z]{0,3}[0-9]?[- ]?)?(?:[a-z0-9]{2,8}[- ]?)?[a-z0-9]{0,8}"
        r"[- ]?(?:[0-9a-z]{1,4}[- ])?(?:pinaca|pica|butinaca|binaca|fubinaca|fubica|pinac|inaca|"
        r"pinica|pica)(?![^\W_])")),
    ("benzodiazepine", re.compile(
        r"(?<![^\W_])[a-z]{3,20}(?:azolam|zolam|azepam|azepin|azepine)(?![^\W_])")),
    ("cathinone_3xmc", re.compile(r"(?<![^\W_])[234]-?[a-z]{1,3}mc(?![^\W_])")),
    ("cathinone_apxp", re.compile(
        r"(?<![^\W_])(?:a|alpha)-?p[a-z]{1,3}p(?![^\W_])")),
    ("cathinone_xpvp", re.compile(
        r"(?<![^\W_])[234]-?(?:f|cl|br|me|meo|mo|i|methyl|fluoro|chloro)-?a?-?(?:pvp|php|pihp|pep|"
        r"phip|pvt|pbp|pcyp|pvn)(?![^\W_])")),
    ("cathinone_suffix", re.compile(
        r"(?<![^\W_])[a-z-]{2,20}(?:edrone|ylone|cathinone)(?![^\W_])")),
    ("phenethylamine_2c", re.compile(r"(?<![^\W_])2c-?[a-z]{1,2}(?:-?[0-9])?(?![^\W_])")),
    ("nbome", re.compile(
        r"(?<![^\W_])(?:25|30|5)?[a-z]{1,3}-?nb(?:ome|oh|f|cn|mdo)(?![^\W_])")),
    ("tryptamine", re.compile(
        r"(?<![^\W_])[4-5]-?(?:ho|aco|meo|po)-?[a-z]{2,6}t(?![^\W_])")),
    ("arylcyclohexylamine", re.compile(
        r"(?<![^\W_])(?:[234]-?(?:meo|ho|f|cl|me|oh)-?)(?:pc[ep]|pcpy|pcpr|pcm|dck|xe|ketamine)"
        r"(?![^\W_])|(?<![^\W_])[a-z]{1,4}xe(?<!axe)(?<!exe)(?<!oxe)(?![^\W_])(?=\s?\d)")),
    ("novel_opioid_u", re.compile(r"(?<![^\W_])u-?4[0-9]{4}(?![^\W_])")),
    ("hhc_family", re.compile(
        r"(?<![^\W_])(?:hhc-?(?:[a-z]{1,3}|[0-9]{1,2})|thc-?(?:p|b|h|jd|o|x|ph|hx))(?![^\W_])")),
]

# Cheap pre-checks: a pattern runs only on text containing one of its trigger substrings.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "nitazene": ("nitazen", "azepyne"),
    "fentanyl": ("fentan",),
    "synthetic_cannabinoid": ("pica", "inaca", "pinac", "pinica", "fubica"),
    "benzodiazepine": ("zolam", "azepam", "azepin"),
    "cathinone_3xmc": ("mc",),
    "cathinone_apxp": ("a-p", "a p", "alpha"),
    "cathinone_xpvp": ("pvp", "php", "pep", "pvt", "pbp", "pcyp", "pvn", "pihp", "phip"),
    "cathinone_suffix": ("edrone", "ylone", "cathinone"),
    "phenethylamine_2c": ("2c",),
    "nbome": ("nbo", "nbf", "nbcn", "nbmdo"),
    "tryptamine": tuple(f"{n}{sep}{g}" for n in "45" for sep in ("", "-", " ")
                        for g in ("ho", "aco", "meo", "po")),
    "arylcyclohexylamine": ("pce", "pcp", "pcm", "dck", "xe", "ketamine"),
    "novel_opioid_u": ("u4", "u-4"),
    "hhc_family": ("hhc", "thc"),
}


_ALL_TRIGGERS = sorted({t for ts in TRIGGERS.values() for t in ts}, key=len, reverse=True)
# the same matches as the alternation of the triggers longest first, written as a trie (faster)
_TRIGGER_RE = re.compile(trie_alternation(_ALL_TRIGGERS, longest=True))
_TRIGGER_SETS = {name: frozenset(ts) for name, ts in TRIGGERS.items()}


# Patterns whose every match contains one of their triggers, at most `before` characters after
# the match's start and at most `after` characters before its end: such a pattern is run only
# from `before` characters ahead of its first trigger to `after` past its last one (the
# synthetic-cannabinoid pattern backtracks at every word of a long text that says "tropical").
# The arylcyclohexylamine pattern ("4-meo-pcp", "dxe 5") has its trigger at most 6 characters
# after its start and reads at most 9 past the trigger's start (with its look-aheads), the
# hhc/thc pattern 0 and 8: both get room to spare. (Its "xe" trigger occurs in many ordinary
# words: the whole text was tried at every position.)
WINDOWS: dict[str, tuple[int, int]] = {"synthetic_cannabinoid": (40, 16), "arylcyclohexylamine": (12, 16),
                                       "hhc_family": (8, 16)}


def candidates(text: str) -> list[tuple[str, int, int]]:
    """(pattern name, start, end) of every NPS-shaped name in folded, leet-folded `text`."""
    present = set(_TRIGGER_RE.findall(text))
    if not present:
        return []
    out = []
    for name, pattern in PATTERNS:
        if _TRIGGER_SETS[name].isdisjoint(present):
            continue
        window = WINDOWS.get(name)
        if window is None:
            matches = pattern.finditer(text)
        else:
            firsts = [i for i in (text.find(t) for t in TRIGGERS[name]) if i >= 0]
            last = max(text.rfind(t) for t in TRIGGERS[name])
            # (look-behinds see the text before `pos`; `endpos` is past any match's end)
            matches = pattern.finditer(text, max(0, min(firsts) - window[0]),
                                       min(len(text), last + window[1]))
        out.extend((name, m.start(), m.end()) for m in matches)
    return out


# Family words that name no particular substance: never reported alone.
GENERIC = frozenset({
    "nitazene", "nitazenes", "fentanyl", "fentanil", "fentanyls", "pica", "pinaca", "inaca",
    "binaca", "cathinone", "cathinones", "azepam", "zolam", "2cb", "nbome", "nboh", "hhc", "thc",
})


def find(text: str, folded: str, known: list[tuple[int, int]], keys: Collection[str],
         seen: set[str] | None = None, leeted: str | None = None) -> list[tuple[str, int, int]]:
    """Novel candidates in one field: (pattern, start, end), skipping lexicon matches (`known`
    spans), lexicon keys and family words; `seen` dedupes across fields (squeezed forms).
    `leeted`: `substances.leet_text(folded)`, when the caller has it."""
    from nlp.lexicon import squeeze
    from nlp.substances import leet_text

    seen = set() if seen is None else seen
    out = []
    if leeted is None:
        leeted = leet_text(folded)
    for name, s, e in candidates(leeted):
        while s < e and not leeted[s].isalnum():
            s += 1
        key = squeeze(leeted[s:e])
        if (not key or key in GENERIC or key in keys or key in seen
                or any(a < e and s < b for a, b in known)):
            continue
        seen.add(key)
        out.append((name, s, e))
    return out
