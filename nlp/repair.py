"""Mojibake repair before matching, with offsets back to the raw text.

Listings scraped with the wrong encoding carry UTF-8 read as cp1252 or latin-1 ("GrÃ¶ÃŸe",
"cafÃ©", "â€“"). Folded, the broken bytes become stray letters and spaces, and a stray "e"
beside an amount reads as ecstasy. `repair(text)` fixes the encoding with ftfy, but only when a
cheap check says the text looks broken (clean text costs one `isascii` or one regex search),
and keeps the alignment between the repaired and the raw text: the extractor matches on
`Repaired.text` and reports `to_raw(start, end)`, so every span still satisfies
`record[field][start:end] == text` on the raw field.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ftfy

# What UTF-8 read as cp1252/latin-1 looks like: a lead byte (Â…ß for two-byte sequences, à…ï for
# three-byte ones) followed by a continuation byte (U+0080…U+00BF, or its cp1252 reading), or a
# stray C1 control character.
_CONT = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
         "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122")
_SUSPECT_RE = re.compile(rf"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u0080-\u009f]")

_RUN_RE = re.compile(r"[^\x00-\x7f]+")
# Only the encoding fixes: HTML entities, quotes, widths, ligatures and line breaks stay as
# listed (the rest of the extractor reads them as they are).
_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
    remove_control_chars=False, normalization=None, explain=False,
)


@dataclass(frozen=True)
class Repaired:
    """A repaired text and the way back to the raw one."""

    raw: str
    text: str
    # (repaired start, repaired end, raw start, raw end, equal) blocks covering `text`, in order
    blocks: tuple[tuple[int, int, int, int, bool], ...] = ()
    starts: tuple[int, ...] = ()  # the repaired start of each block (for bisection)

    @property
    def changed(self) -> bool:
        return self.text != self.raw

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """The raw span of the repaired span [start, end): exact over unchanged text, widened
        to whole repaired sequences inside a repair ("ö" ↔ "Ã¶")."""
        if not self.changed:
            return start, end
        return self._raw_start(start), max(self._raw_start(start), self._raw_end(end))

    def _raw_start(self, pos: int) -> int:
        if pos <= 0:
            return 0
        if pos >= len(self.text):
            return len(self.raw)
        b1, _b2, a1, _a2, equal = self.blocks[bisect_right(self.starts, pos) - 1]
        return a1 + (pos - b1) if equal else a1

    def _raw_end(self, pos: int) -> int:
        if pos <= 0:
            return 0
        if pos >= len(self.text):
            return len(self.raw)
        b1, _b2, a1, a2, equal = self.blocks[bisect_right(self.starts, pos - 1) - 1]
        return a1 + (pos - b1) if equal else a2


def looks_broken(text: str) -> bool:
    """Cheap pre-check: could `text` hold mojibake?"""
    return not text.isascii() and _SUSPECT_RE.search(text) is not None


def repair(text: str) -> Repaired:
    """`text` with its broken encoding fixed (or unchanged), and the offset map back.

    Mojibake lives in runs of non-ASCII characters ("Ã¶Ã\x9f", "â€“", "ÐšÐµÑ‚"): each run
    that looks broken is fixed on its own, and ASCII text between runs is copied, so the map
    is exact everywhere outside a repaired run and a repaired run maps to its whole raw run."""
    if not looks_broken(text):
        return Repaired(text, text)
    parts: list[str] = []
    blocks: list[tuple[int, int, int, int, bool]] = []
    raw_pos = out_pos = 0
    for m in _RUN_RE.finditer(text):
        s, e = m.span()
        if s > raw_pos:
            parts.append(text[raw_pos:s])
            blocks.append((out_pos, out_pos + s - raw_pos, raw_pos, s, True))
            out_pos += s - raw_pos
        run = m.group()
        fixed = ftfy.fix_text(run, _CONFIG) if _SUSPECT_RE.search(run) else run
        parts.append(fixed)
        if fixed:  # a run repaired to nothing leaves no repaired position to map
            blocks.append((out_pos, out_pos + len(fixed), s, e, fixed == run))
        out_pos += len(fixed)
        raw_pos = e
    if raw_pos < len(text):
        parts.append(text[raw_pos:])
        blocks.append((out_pos, out_pos + len(text) - raw_pos, raw_pos, len(text), True))
    fixed_text = "".join(parts)
    if fixed_text == text:
        return Repaired(text, text)
    return Repaired(text, fixed_text, tuple(blocks), tuple(b[0] for b in blocks))


_SPAN_KEYS = ("substances", "mentions", "novel_candidates", "prices", "markets")


def restore_offsets(result: dict[str, Any], repaired: Mapping[str, Repaired],
                    keys: Iterable[str] = _SPAN_KEYS) -> None:
    """Map every span in an extraction from repaired to raw offsets, in place, and take its
    `text` from the raw field."""
    for key in keys:
        for item in result.get(key) or ():
            r = repaired.get(item.get("field", ""))
            if r is None or not r.changed or "start" not in item:
                continue
            item["start"], item["end"] = r.to_raw(item["start"], item["end"])
            if "text" in item:
                item["text"] = r.raw[item["start"] : item["end"]]
