"""Misspelled drug names and German compounds, in letter runs that no alias covered.

- **Misspellings** ("ketamien", "fentanly", "kettamine"): a bounded edit distance (optimal
  string alignment, so a transposition is one edit) to the lexicon's one-word, unambiguous
  names of 6+ letters: 1 for names of 6–8 letters, 2 for 9+. Never acronyms, codes or context
  aliases. Candidates come from a deletion-neighbourhood index (SymSpell), so a token costs a
  few dictionary lookups, and each token's answer is cached.
- **Compounds** ("Amphetaminpaste", "Kokainpulver"): a product-form ending is stripped and the
  head looked up, exactly or within the distance above.

Guards: a misspelling keeps its first letter ("methylfenidate" is not "ethylphenidate" with an
extra letter); ordinary words within reach of a drug name ("morphing", "lyrics", "concert") are
listed in `lexicon/_fuzzy_guard.yaml` and never match; a token shaped like a designer-drug
family member (`nlp.novel`: "flubrotizolam") is a novel candidate, not a typo; a token as close
to two substances is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import yaml
from rapidfuzz.distance import OSA

from nlp import lexicon, novel
from nlp.fold import fold

MIN_LEN = 6
_TOKEN_RE = re.compile(r"[^\W\d_]{6,}")
_WORD_RE = re.compile(r"[^\W\d_]+")
# Product-form endings of German (and Dutch) compounds, longest first.
_COMPOUND_ENDINGS = ("kristallen", "kristalle", "tabletten", "kristall", "kristal", "crystals",
                     "pulver", "poeder", "powder", "shards", "pillen", "paste", "pasta", "bluten",
                     "bricks", "brick", "base", "salz", "hcl")
# A name glued after an amount's unit, where line breaks or spaces were lost: "1gCocaine",
# "5gMDMA", "10xXanax" (the unit, then the name, read exactly or as a misspelling; the digit
# is part of the match, not a lookbehind, so that `re` scans for digits).
_AFTER_UNIT_RE = re.compile(r"\d(mg|kg|gr|ml|ug|oz|g|x)([^\W\d_]{3,})")
_DIGIT_RE = re.compile(r"\d")  # (`_AFTER_UNIT_RE` needs one)
_MIN_HEAD = 4


def max_distance(key: str) -> int:
    """Edits allowed for a key: none under 6 letters, 1 for 6–8, 2 for 9+."""
    n = len(key)
    return 0 if n < MIN_LEN else 1 if n <= 8 else 2


@dataclass(frozen=True)
class _Index:
    terms: dict[str, lexicon.Term]  # every exact key (fuzzy never re-reads one)
    names: dict[str, lexicon.Term]  # the keys a misspelling may reach
    deletes: dict[str, tuple[str, ...]]  # deletion variant → names
    guard: frozenset[str]


def _deletions(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def eligible(alias: str, term: lexicon.Term) -> bool:
    """A name a misspelling may reach: one word of 6+ letters, unambiguous, not a CAS number,
    and the substance's own name or a spelling of it (`amfetamine`, `ketamin`), not a brand:
    brands ("Concerta", "Lyrica", "Sublimaze") sit one letter from too many ordinary words."""
    key = lexicon.squeeze(alias)
    if not (len(key) >= MIN_LEN and key.isalpha() and not term.ambiguous and not term.is_cas
            and _WORD_RE.fullmatch(fold(alias).strip()) is not None):
        return False
    name = lexicon.squeeze(term.entry.canonical)
    limit = max(3, len(name) // 3)  # "kokain", "amfetamine", "metamfetamina" are spellings
    return OSA.distance(key, name, score_cutoff=limit) <= limit


@cache
def _index() -> _Index:
    lex = lexicon.load()
    names = {key: term for key, term in lex.terms.items() if eligible(term.alias, term)}
    deletes: dict[str, list[str]] = {}
    for key in names:
        for variant in _deletions(key, max_distance(key)):
            deletes.setdefault(variant, []).append(key)
    return _Index(lex.terms, names, {k: tuple(v) for k, v in deletes.items()}, guard_words())


@cache
def guard_words() -> frozenset[str]:
    """Ordinary words that are never read as a misspelled drug name (`_fuzzy_guard.yaml`)."""
    data = yaml.safe_load((lexicon.LEXICON_DIR / "_fuzzy_guard.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != 1:
        raise lexicon.LexiconError("_fuzzy_guard.yaml: needs 'version: 1'")
    words: set[str] = set()
    for key in ("words", "generated"):
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise lexicon.LexiconError(f"_fuzzy_guard.yaml: '{key}' must be a list of words")
        words.update(lexicon.squeeze(w) for w in value)
    return frozenset(words)


def nearest(token: str, *, guarded: bool = True) -> tuple[lexicon.Term, int] | None:
    """The one lexicon name within its edit distance of `token` (folded letters), or None."""
    idx = _index()
    if len(token) < MIN_LEN or token in idx.terms or (guarded and token in idx.guard):
        return None
    best: dict[str, int] = {}
    for variant in _deletions(token, 2):
        for key in idx.deletes.get(variant, ()):
            if key in best or key[0] != token[0]:  # a typo keeps the first letter
                continue
            limit = max_distance(key)
            d = OSA.distance(token, key, score_cutoff=limit)
            if d <= limit:
                best[key] = d
    if not best:
        return None
    low = min(best.values())
    entries = {idx.names[k].entry.canonical for k, d in best.items() if d == low}
    if len(entries) != 1:
        return None  # as close to two substances: not a typo we can read
    key = min(k for k, d in best.items() if d == low)
    return idx.names[key], low


@lru_cache(maxsize=65536)
def lookup(token: str) -> tuple[int, lexicon.Term, str] | None:
    """(length of the matched head, term, how) for one folded letter run, or None."""
    if novel.candidates(token):
        return None  # shaped like a family member: a novel candidate, not a misspelling
    found = nearest(token)
    if found is not None:
        return len(token), found[0], "fuzzy"
    idx = _index()
    for ending in _COMPOUND_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= _MIN_HEAD:
            head = token[: -len(ending)]
            term = idx.terms.get(head)
            if term is not None and not term.ambiguous and not term.is_cas:
                return len(head), term, "compound"
            found = nearest(head)
            if found is not None:
                return len(head), found[0], "fuzzy"
            break
    return None


@lru_cache(maxsize=16384)
def _after_unit(name: str) -> lexicon.Term | None:
    """The substance a letter run glued after a unit names, exactly or misspelled."""
    idx = _index()
    term = idx.terms.get(name)
    if term is not None:
        return None if term.ambiguous or term.is_cas else term
    found = nearest(name)
    return found[0] if found is not None else None


def find(folded: str, covered: list[tuple[int, int]],
         pieces: list[str] | None = None) -> list[tuple[int, int, lexicon.Term, str]]:
    """(start, end, term, how) for letter runs of 6+ letters that no span of `covered` (sorted,
    non-overlapping) touches, and for names glued after a unit ("1gcocaine").

    `pieces`: the text's letter runs and digit runs (`substances.pieces_of`), when the caller
    has them: a field whose pieces are all known to read nothing skips the loop over its runs."""
    out = []
    for m in _AFTER_UNIT_RE.finditer(folded) if _DIGIT_RE.search(folded) else ():
        s, e = m.span(2)
        if any(cs < e and s < ce for cs, ce in covered):
            continue
        term = _after_unit(m.group(2))
        if term is not None:
            out.append((s, e, term, "compound"))
    if _MISSES.issuperset(_TOKEN_RE.findall(folded) if pieces is None else pieces):
        return out  # every letter run is one `lookup` reads nothing in: the loop adds nothing
    if len(_MISSES) > _MAX_MISSES:
        _MISSES.clear()
    if pieces is not None:  # digit runs and runs under 6 letters are never looked up
        _MISSES.update(p for p in pieces if _TOKEN_RE.fullmatch(p) is None)
    if out:
        covered = sorted([*covered, *((s, e) for s, e, _, _ in out)])
    i, n = 0, len(covered)
    for m in _TOKEN_RE.finditer(folded):
        s, e = m.span()
        while i < n and covered[i][1] <= s:
            i += 1
        found = lookup(m.group())
        if found is None:
            _MISSES.add(m.group())
        elif not (i < n and covered[i][0] < e):
            length, term, how = found
            out.append((s, s + length, term, how))
    return out


# Letter runs whose `lookup` is None (the common case), and pieces that are no letter run of 6+
# letters: a field whose runs (or pieces) are all here has no fuzzy or compound match, found
# with one set operation in C instead of a loop over its runs. (Covered runs are looked up
# too, so that a field naming a drug exactly can take this path.)
_MISSES: set[str] = set()
_MAX_MISSES = 200_000  # cleared when full
