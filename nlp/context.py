"""Drug context for ambiguous aliases: cue words and blocking neighbours (data in
`lexicon/_context.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from nlp.fold import fold
from nlp.lexicon import LEXICON_DIR, LexiconError

_WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Context:
    cue_re: re.Pattern[str]
    block_before: frozenset[str]
    block_after: frozenset[str]

    def has_cue(self, folded: str) -> bool:
        return self.cue_re.search(folded) is not None

    def blocked(self, folded: str, start: int, end: int) -> bool:
        """True when the word right before or after the span cancels an ambiguous alias."""
        before = _WORD_RE.findall(folded[max(0, start - 40) : start])
        after = _WORD_RE.search(folded, end, min(len(folded), end + 40))
        if before:
            last = before[-1]
            two = " ".join(before[-2:])
            if last in self.block_before or two in self.block_before:
                return True
        return after is not None and after.group() in self.block_after


def _words(data: dict[str, object], key: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"_context.yaml: '{key}' must be a list of words")
    return [" ".join(_WORD_RE.findall(fold(v))) for v in value]


@cache
def load() -> Context:
    data = yaml.safe_load((LEXICON_DIR / "_context.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != 1:
        raise LexiconError("_context.yaml: needs 'version: 1'")
    cues = sorted(set(_words(data, "cue_words")), key=len, reverse=True)
    cue_alt = "|".join(r"\W+".join(map(re.escape, c.split())) for c in cues)
    return Context(
        cue_re=re.compile(rf"(?<![^\W_])(?:{cue_alt})(?![^\W_])"),
        block_before=frozenset(_words(data, "block_before")),
        block_after=frozenset(_words(data, "block_after")),
    )
