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

from nlp import fuzzy, lexicon
from nlp.fold import fold, leet

_PIECE_RE = re.compile(r"[^\W\d_]+|\d+")
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


def _scan(folded: str, idx: _Index) -> list[Hit]:
    """Pieces are read lazily from one regex pass: most pieces start no alias and are only
    tested against `starts`; a few pieces are buffered while a candidate is being joined."""
    terms, prefixes, inflected, starts = idx.terms, idx.prefixes, idx.inflected, idx.starts
    hits: list[Hit] = []
    it = _PIECE_RE.finditer(folded)
    buf: list[tuple[int, int, str]] = []
    while True:
        if buf:
            if buf[0][2] not in starts:  # the common case: no alias begins with this piece
                del buf[0]
                continue
        else:
            for m in it:
                text = m.group()
                if text in starts:
                    buf.append((m.start(), m.end(), text))
                    break
            else:
                break
        best: tuple[int, int, lexicon.Term, str] | None = None  # (piece index, end, term, how)
        joined = buf[0][2]
        term = terms.get(joined)
        if term is not None:
            best = (0, buf[0][1], term, "exact")
        else:
            t = inflected.get(joined)
            if t is not None:
                best = (0, buf[0][1], t, "inflected")
        j = 1
        while j < _MAX_PIECES and joined in prefixes:
            if j == len(buf):
                m = next(it, None)
                if m is None:
                    break
                buf.append((m.start(), m.end(), m.group()))
            start_j, end_j, text_j = buf[j]
            longer = joined + text_j
            if longer not in starts:  # neither an alias, an inflection nor the start of one
                break
            gap_start = buf[j - 1][1]
            # at most two characters, all joinable (`strip` leaves nothing of them)
            if start_j - gap_start > 2 or folded[gap_start:start_j].strip(_JOINABLE_GAP_CHARS):
                break
            joined = longer
            term = terms.get(joined)
            if term is not None:
                best = (j, end_j, term, "exact" if _glued(buf, 0, j) else "joined")
            else:
                t = inflected.get(joined)
                if t is not None:
                    best = (j, end_j, t, "inflected")
            j += 1
        if best is None:
            del buf[0]
            continue
        j, end, term, how = best
        start = buf[0][0]
        if (term.is_cas and not _CAS_SURFACE.match(folded[start:end])) or (
            term.ambiguous and end - start <= 2 and not _standalone(folded, start, end)
        ):
            del buf[0]
            continue
        hits.append(Hit(start, end, term, how))
        del buf[: j + 1]
    return hits


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


def _glued(pieces: list[tuple[int, int, str]], i: int, j: int) -> bool:
    return all(pieces[k][1] == pieces[k + 1][0] for k in range(i, j))


def _pieces(folded: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _PIECE_RE.finditer(folded)]


def find(text: str, folded: str | None = None,
         leeted: tuple[tuple[tuple[int, int], ...], str] | None = None) -> list[Hit]:
    """All lexicon aliases in `text`, left to right, non-overlapping, longest first
    (`folded`: `fold(text)`, `leeted`: `leet_parts(folded)`, when the caller has them)."""
    if not text:
        return []
    if folded is None:
        folded = fold(text)
    idx = _index()
    hits = _scan(folded, idx)
    spans, leeted_text = leeted if leeted is not None else _leet(folded)
    if spans:
        extra = [
            h for h in _scan(leeted_text, idx)
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
    near = fuzzy.find(folded, [(h.start, h.end) for h in hits])
    if near:
        hits = sorted(hits + [Hit(s, e, term, how) for s, e, term, how in near],
                      key=lambda h: h.start)
    return hits


_LEET_QUICK_RE = re.compile(r"[^\W\d_][0-9@$!|€]+[^\W\d_]|[0@$!|€][^\W\d_]{2}")


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
