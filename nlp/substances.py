"""The substance matcher: one pass over folded text, longest alias first, with offsets.

Text is folded (`nlp.fold`) to the same length, cut into pieces (runs of letters, runs of
digits), and pieces are joined while the joined string is a prefix of some lexicon key; the
longest joined string that is a key wins. Keys are aliases with only their letters and digits
(`3-MMC`, `3 MMC` and `3mmc` are all `3mmc`), so spacing, hyphens and gluing (`Ketamine1g`,
`THJ2201`) do not matter, while a match always starts and ends on a piece boundary (`ice` is
not found in `iced`, `coke` not in `cokes`… except as a recognised inflection).

A second pass looks at tokens that mix letters with leetspeak characters (`f3ntanyl`,
`N!tazene`, `0xycodone`) through the leet fold. Inflections are tried by stripping a short
list of suffixes from a last piece that is not itself a key. A last pass reads misspellings
and German compounds in letter runs no alias covered (`nlp.fuzzy`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate, compress

from nlp import fuzzy, lexicon
from nlp.fold import fold, leet

_PIECE_RE = re.compile(r"[^\W\d_]+|\d+")
_PIECE_SPLIT_RE = re.compile(f"({_PIECE_RE.pattern})")
# Between two pieces that may be joined: nothing, or a short run of these.
_JOINABLE_GAP_CHARS = " -_.*·'’~"
_MAX_PIECES = 14
# Inflection endings in the EU's languages (folded), longest first.
_SUFFIXES = ("ami", "ach", "ow", "om", "em", "es", "en", "ie", "ou", "um", "s", "e", "n", "a",
             "u", "y", "i", "o", "a")
_MIN_INFLECTED_KEY = 5
_CAS_SURFACE = re.compile(r"^\d{2,7}-\d{2}-\d$")
# Tokens worth a leet pass: a leet character between letters, or leading leet before letters.
_LEET_TOKEN_START_RE = re.compile(r"(?<![\w@$!|€])[0@$!|€]+[^\W\d_]{2}[\w@$!|€]*")
_LEET_TOKEN_MID_RE = re.compile(r"(?<![\w@$!|€])[\w@$!|€]*[^\W\d_][0-9@$!|€]+[^\W\d_][\w@$!|€]*")
_MIN_LEET_KEY = 4


@dataclass(frozen=True, slots=True)
class Hit:
    """One alias found in a text: code-point span, the term, and how it was found."""

    start: int
    end: int
    term: lexicon.Term
    how: str  # "exact", "joined", "inflected", "leet", "fuzzy", "compound"


@dataclass(frozen=True)
class _Index:
    terms: dict[str, lexicon.Term]
    prefixes: frozenset[str]
    inflected: dict[str, lexicon.Term]  # key + inflection ending → term
    starts: frozenset[str]  # every string a match can begin with: prefixes, keys, inflections


@cache
def _index() -> _Index:
    lex = lexicon.load()
    prefixes = set()
    inflected: dict[str, lexicon.Term] = {}
    for key, term in lex.terms.items():
        for i in range(1, len(key)):
            prefixes.add(key[:i])
        if len(key) >= _MIN_INFLECTED_KEY and not term.ambiguous and key[-1].isalpha():
            for suf in _SUFFIXES:
                inflected.setdefault(key + suf, term)
    inflected = {k: t for k, t in inflected.items() if k not in lex.terms}
    starts = frozenset(prefixes) | frozenset(lex.terms) | frozenset(inflected)
    return _Index(lex.terms, frozenset(prefixes), inflected, starts)


def pieces_of(folded: str) -> list[str]:
    """The text split around its pieces: gap, piece, gap, piece, …, gap (pieces at odd indexes)."""
    return _PIECE_SPLIT_RE.split(folded)


def _scan(folded: str, idx: _Index, parts: list[str] | None = None) -> list[Hit]:
    """The text is split into pieces and their offsets in C (`re.split`, `accumulate`); only the
    pieces some alias can begin with (`starts`: the common case is none) are looked at, each
    joined with the pieces after it while the joined string begins an alias (`parts`:
    `pieces_of(folded)`, when the caller has it)."""
    terms, prefixes, inflected, starts = idx.terms, idx.prefixes, idx.inflected, idx.starts
    if parts is None:
        parts = _PIECE_SPLIT_RE.split(folded)  # gap, piece, gap, piece, …, gap
    pieces = parts[1::2]
    if starts.isdisjoint(pieces):
        return []
    # (the indexes of the pieces in `starts`, selected in C)
    candidates = compress(range(len(pieces)), map(starts.__contains__, pieces))
    # piece i spans offsets[2i + 1]:offsets[2i + 2]; the gap before it is parts[2i]
    offsets = [0, *accumulate(map(len, parts))]
    n = len(pieces)
    hits: list[Hit] = []
    resume = 0  # the first piece after the last hit
    for i in candidates:
        if i < resume:
            continue
        best: tuple[int, int, lexicon.Term, str] | None = None  # (pieces joined after i, end, …)
        joined = pieces[i]
        term = terms.get(joined)
        if term is not None:
            best = (0, offsets[2 * i + 2], term, "exact")
        else:
            t = inflected.get(joined)
            if t is not None:
                best = (0, offsets[2 * i + 2], t, "inflected")
        j = 1
        glued = True  # no gap between the pieces joined so far
        while j < _MAX_PIECES and joined in prefixes and i + j < n:
            k = i + j
            longer = joined + pieces[k]
            if longer not in starts:  # neither an alias, an inflection nor the start of one
                break
            gap = parts[2 * k]
            # at most two characters, all joinable (`strip` leaves nothing of them)
            if len(gap) > 2 or gap.strip(_JOINABLE_GAP_CHARS):
                break
            joined = longer
            glued = glued and not gap
            term = terms.get(joined)
            if term is not None:
                best = (j, offsets[2 * k + 2], term, "exact" if glued else "joined")
            else:
                t = inflected.get(joined)
                if t is not None:
                    best = (j, offsets[2 * k + 2], t, "inflected")
            j += 1
        if best is None:
            continue
        j, end, term, how = best
        start = offsets[2 * i + 1]
        if (term.is_cas and not _CAS_SURFACE.match(folded[start:end])) or (
            term.ambiguous and end - start <= 2 and not _standalone(folded, start, end)
        ):
            continue
        hits.append(Hit(start, end, term, how))
        resume = i + j + 1
    return hits


# Where no alias joins across (a gap `_scan` stops at): a character that is neither a piece's nor
# a joinable gap's, or three gap characters in a row. (The same read backwards.)
_HARD_GAP_RE = re.compile(r"[^\w \-.*·'’~]|[\W_]{3}")
_CONTEXT = 3  # characters `_standalone` reads around a hit


def _leet_scan(leeted: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]],
               idx: _Index) -> list[Hit]:
    """`_scan(leeted, idx)`'s hits that can overlap a leet span, from the stretches around the
    spans only: each from a hard gap before a span to one after it (`_HARD_GAP_RE`), with the
    characters `_standalone` reads beyond. No join crosses a hard gap, so `_scan` finds the same
    hits between two of them whatever lies outside (the hits outside overlap no span)."""
    n = len(leeted)
    windows: list[list[int]] = []
    backwards = leeted[::-1]
    for s, e in spans:
        m = _HARD_GAP_RE.search(backwards, n - s)  # the nearest hard gap ending at or before s
        a = 0 if m is None else max(0, n - m.start() - _CONTEXT)
        m = _HARD_GAP_RE.search(leeted, e)
        b = n if m is None else min(n, m.start() + _CONTEXT)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], b)
        else:
            windows.append([a, b])
    if windows == [[0, n]]:
        return _scan(leeted, idx)
    return [Hit(h.start + a, h.end + a, h.term, h.how)
            for a, b in windows for h in _scan(leeted[a:b], idx)]


def _standalone(folded: str, start: int, end: int) -> bool:
    """A short alias must stand alone: `X` in `5000x` or `K` in `K2` is not a drug name."""
    before = folded[start - 1] if start > 0 else " "
    after = folded[end] if end < len(folded) else " "
    if before.isalnum() or after.isalnum() or before in "-'" or after in "-'":
        return False
    # "100 x 2mg", "10 X": a letter after a number is a multiplication sign or a count
    previous = folded[max(0, start - 3) : start].rstrip()[-1:]
    following = folded[end : end + 3].lstrip()[:1]
    if previous.isdigit():
        return False
    if previous and previous in ")]" and following.isdigit():
        return False  # "(13.2g) x 7"
    # "2mg x 100": between an amount and a number it is a multiplication sign too
    return not (previous.isalnum() and following.isdigit())


def find(text: str, folded: str | None = None,
         leeted: tuple[tuple[tuple[int, int], ...], str] | None = None) -> list[Hit]:
    """All lexicon aliases in `text`, left to right, non-overlapping, longest first
    (`folded`: `fold(text)`, `leeted`: `leet_parts(folded)`, when the caller has them)."""
    if not text:
        return []
    if folded is None:
        folded = fold(text)
    idx = _index()
    parts = _PIECE_SPLIT_RE.split(folded)
    hits = _scan(folded, idx, parts)
    spans, leeted_text = leeted if leeted is not None else _leet(folded)
    if spans:
        extra = [
            h for h in _leet_scan(leeted_text, spans, idx)
            if len(h.term.alias) >= _MIN_LEET_KEY
            and any(s < h.end and h.start < e for s, e in spans)
            and not any(
                o.start < h.end and h.start < o.end and not o.term.ambiguous for o in hits
            )
        ]
        if extra:
            kept = [o for o in hits
                    if not any(o.start < h.end and h.start < o.end for h in extra)]
            hits = sorted(kept + [Hit(h.start, h.end, h.term, "leet") for h in extra],
                          key=lambda h: h.start)
    near = fuzzy.find(folded, [(h.start, h.end) for h in hits], parts[1::2])
    if near:
        hits = sorted(hits + [Hit(s, e, term, how) for s, e, term, how in near],
                      key=lambda h: h.start)
    return hits


# (the leet character first, so that `re` scans for it: "a leet run between letters" is
# matched from the run, the letter before it looked behind at)
_LEET_QUICK_RE = re.compile(r"[0-9@$!|€](?:(?<=[^\W\d_].)[0-9@$!|€]*[^\W\d_]|(?<=[0@$!|€])[^\W\d_]{2})")


_LEET_TOKEN_CHARS = frozenset("@$!|€_")


def _token_char(c: str) -> bool:
    return c.isalnum() or c in _LEET_TOKEN_CHARS


def leet_spans(folded: str) -> list[tuple[int, int]]:
    """Spans of tokens that mix letters with leetspeak characters.

    Only the tokens around a quick match are looked at (a token is a run of word characters
    and `@$!|€`), each checked whole against the two token patterns.
    """
    out: list[tuple[int, int]] = []
    end_of_last = -1
    n = len(folded)
    for m in _LEET_QUICK_RE.finditer(folded):
        s = m.start()
        if s < end_of_last:
            continue
        while s > 0 and _token_char(folded[s - 1]):
            s -= 1
        e = m.end()
        while e < n and _token_char(folded[e]):
            e += 1
        end_of_last = e
        token = folded[s:e]
        if _LEET_TOKEN_MID_RE.fullmatch(token) or _LEET_TOKEN_START_RE.fullmatch(token):
            out.append((s, e))
    return out


def leet_parts(folded: str) -> tuple[tuple[tuple[int, int], ...], str]:
    """Leet spans and leet text of a folded field (the substance matcher and the novel-candidate
    patterns both need them: the pipeline computes them once per field)."""
    spans = tuple(leet_spans(folded))
    return spans, leet_text(folded, list(spans))


_leet = lru_cache(maxsize=16)(leet_parts)


def leet_text(folded: str, spans: list[tuple[int, int]] | None = None) -> str:
    """`folded` with its leetspeak tokens folded to letters (same length)."""
    if spans is None:
        return _leet(folded)[1]
    if not spans:
        return folded
    chars = list(folded)
    for s, e in spans:
        chars[s:e] = leet(folded[s:e])
    return "".join(chars)
