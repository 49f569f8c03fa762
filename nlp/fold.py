"""Text folding for matching: one code point in, one code point out.

Every folded string has exactly the length of its original, so an offset into the folded text
*is* the offset into the original text (the offset map back is the identity). This keeps the
"`record[field][start:end] == text`" invariant trivially true and makes folding a single
`str.translate` call.

Two folds:
- `fold(text)`: lower case, diacritics removed (`é`→`e`, `ł`→`l`), compatibility forms
  (full-width letters, `µ`→`u`), and homoglyphs from Cyrillic and Greek (`а`→`a`, `о`→`o`,
  `α`→`a`), zero-width and other format characters turned into spaces.
- `leet(text)`: on top of `fold`, leetspeak digits and symbols to letters (`3`→`e`,
  `0`→`o`, `!`→`i`, `@`→`a`, `$`→`s`). Applied only to mixed tokens by the matcher, never
  to a whole text (it would turn `3-MMC` into `e-mmc`).
"""

from __future__ import annotations

import unicodedata
from functools import cache

# Look-alikes that Unicode decomposition does not fold (script confusables), lower case keys.
_HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "и": "u", "і": "i", "ї": "i", "ј": "j",
    "к": "k", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y",
    "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ь": "b", "ɡ": "g", "һ": "h", "ү": "y",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "σ": "o", "ϲ": "c",
    # Latin letters without a decomposition
    "ł": "l", "đ": "d", "ø": "o", "ı": "i", "ħ": "h", "ŧ": "t", "ß": "s", "æ": "a", "œ": "o",
    "þ": "p", "ð": "d", "ŀ": "l", "ɑ": "a", "ɩ": "i", "ʏ": "y",
}

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
         "!": "i", "|": "l", "€": "e"}

# Characters that are invisible or joiners: folded to a space (never deleted: lengths stay equal).
_FORMAT_CATEGORIES = {"Cf", "Cc", "Zs", "Zl", "Zp"}


def _fold_char(ch: str) -> str:
    if unicodedata.category(ch) in _FORMAT_CATEGORIES:
        return " "
    low = ch.lower()
    if len(low) != 1:
        low = ch
    if low in _HOMOGLYPHS:
        return _HOMOGLYPHS[low]
    decomposed = unicodedata.normalize("NFKD", low)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    if len(base) == 1:
        return _HOMOGLYPHS.get(base, base)
    return low


@cache
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [(0, 0x2500), (0xFB00, 0xFB07), (0xFE00, 0xFE10), (0xFEFF, 0xFF00), (0xFF00, 0xFFF0),
              (0x1D400, 0x1D800)]  # mathematical alphanumerics (𝐟𝐞𝐧𝐭𝐚𝐧𝐲𝐥)
    for lo, hi in ranges:
        for cp in range(lo, hi):
            ch = chr(cp)
            if 0xD800 <= cp <= 0xDFFF:
                continue
            folded = _fold_char(ch)
            if folded != ch:
                table[cp] = folded
    return table


@cache
def _leet_table() -> dict[int, str]:
    return {ord(k): v for k, v in _LEET.items()}


def fold(text: str) -> str:
    """Lower-cased, diacritic- and homoglyph-folded copy of `text`, of the same length."""
    return text.translate(_table())


def leet(folded: str) -> str:
    """Leetspeak-folded copy of an already folded string, of the same length."""
    return folded.translate(_leet_table())


LEET_CHARS = frozenset(_LEET)
