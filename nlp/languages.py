"""Language of a listing, offline (`py3langid`, restricted to the languages seen on EU markets)."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

# The EU's official languages plus the neighbours common on the markets monitored.
LANGUAGES = ["bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu",
             "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "no", "ru",
             "uk", "tr", "sq", "sr"]
MIN_LETTERS = 15          # below this a guess is noise ("Speed 10g")
MIN_PROBABILITY = 0.6
MAX_CHARS = 400           # the language of a listing shows in its first sentences
# MIN_LETTERS letters with anything else between them (a match, not a count of every letter:
# letters and non-letters are disjoint classes, so it never backtracks)
_ENOUGH_LETTERS_RE = re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{MIN_LETTERS}}}")


# The byte chunks the feature walk is memoised on: a word and the space after it.
_CHUNK_RE = re.compile(rb"[^ ]* ?")
_MAX_MEMO = 100_000  # entries (a few tens of MB at most); cleared when full


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    class Identifier(LanguageIdentifier):
        """py3langid's identifier with its feature walk memoised per word (`visits`), and
        its feature table as float32 rows in C order (`rows`)."""

        rows: Any = None

        def _raw_score(self, text: bytes) -> Any:
            found = visits(self, text)
            return self._sparse_score(found, self.rows) if found else super()._raw_score(text)

    memoised = all(hasattr(LanguageIdentifier, a) for a in ("_raw_score", "_sparse_score"))
    ident = (Identifier if memoised else LanguageIdentifier).from_model_file(MODEL_FILE,
                                                                             norm_probs=True)
    ident.set_languages([lang for lang in LANGUAGES if lang in ident.nb_classes])
    if memoised:
        # The table is float16 in Fortran order (a view of the chosen languages' columns):
        # `_sparse_score` gathers a row per feature and multiplies in float32 (the float16 rows
        # promoted). Gathering float32 rows from a C-order copy gives the same float32 operand
        # (promotion is exact), bit for bit the same scores, in about half the time.
        import numpy as np

        ident.rows = np.ascontiguousarray(ident.nb_ptc, dtype=np.float32)
    return ident


_memo: dict[tuple[int, bytes], tuple[int, tuple[int, ...]]] = {}


def visits(ident: Any, text: bytes) -> Counter[int] | None:
    """py3langid's `visit_counts`: the features a walk of its automaton over the text's bytes
    meets, counted in the order met (so the same Counter, and the same float sums after it).
    The walk over each word is memoised by (state, word): words recur from listing to listing,
    the walk is a Python loop per byte over a 40 MB table, a lookup is one dict access."""
    nm, rowbase, out = ident.tk_nextmove, ident._rowbase, ident.tk_output
    if len(_memo) > _MAX_MEMO:
        _memo.clear()
    state = 0
    indexes: list[int] = []
    for chunk in _CHUNK_RE.findall(text):
        key = (state, chunk)
        hit = _memo.get(key)
        if hit is None:
            found = []
            for byte in chunk:
                state = nm[rowbase[state] + byte]
                f = out[state]
                if f >= 0:
                    found.append(f)
            _memo[key] = hit = (state, tuple(found))
        state = hit[0]
        indexes.extend(hit[1])
    return Counter(indexes) if indexes else None


def detect(text: str) -> list[str]:
    """ISO 639-1 codes of the listing's language (one, or none when unsure)."""
    text = text[:MAX_CHARS]
    if _ENOUGH_LETTERS_RE.match(text) is None:
        return []
    lang, prob = _identifier().classify(text)
    return [lang] if prob >= MIN_PROBABILITY else []
