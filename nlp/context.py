"""Drug context for ambiguous aliases: cue words and blocking neighbours (data in
`lexicon/_context.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from nlp.fold import fold
from nlp.lexicon import LEXICON_DIR, LexiconError
from nlp.prefix_regex import letter_first

_WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Context:
    cue_re: re.Pattern[str]
    block_before: frozenset[str]
    block_after: frozenset[str]
    non_drug_re: re.Pattern[str]
    pill_re: re.Pattern[str]
    goods_re: re.Pattern[str]
    split_phrases: frozenset[str]

    def split_phrase(self, folded: str, start: int, end: int) -> bool:
        """The span is an ordinary phrase written apart ("code in"), not a joined alias."""
        return " ".join(_WORD_RE.findall(folded[start:end])) in self.split_phrases

    def has_cue(self, folded: str) -> bool:
        return self.cue_re.search(folded) is not None

    def non_drug(self, folded: str) -> bool:
        """True when the text uses the vocabulary of an everyday good (`non_drug_words`)."""
        return self.non_drug_re.search(folded) is not None

    def press_allowed(self, folded: dict[str, str], press_spans: dict[str, list[tuple[int, int]]],
                      pill_amount: bool) -> bool:
        """Press names ("Tesla", "Gucci") count only in a pill listing without the vocabulary of
        branded goods; the press names themselves (`press_spans`) are not read as everyday
        words ("Rolex")."""
        texts = []
        for f, t in folded.items():
            for s, e in press_spans.get(f, ()):
                t = t[:s] + " " * (e - s) + t[e:]
            texts.append(t)
        if any(self.goods_re.search(t) or self.non_drug_re.search(t) for t in texts):
            return False
        return pill_amount or any(self.pill_re.search(t) for t in texts)

    def blocked(self, folded: str, start: int, end: int) -> bool:
        """True when the word right before or after the span cancels an ambiguous alias."""
        before = _WORD_RE.findall(folded[max(0, start - 40) : start])
        after = _WORD_RE.search(folded, end, min(len(folded), end + 40))
        if before:
            last = before[-1]
            two = " ".join(before[-2:])
            if last in self.block_before or two in self.block_before:
                return True
        if after is None:
            return False
        if after.group() in self.block_after:
            return True
        nxt = _WORD_RE.search(folded, after.end(), min(len(folded), after.end() + 40))
        return nxt is not None and f"{after.group()} {nxt.group()}" in self.block_after


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
    return Context(
        cue_re=_alternation(_words(data, "cue_words")),
        block_before=frozenset(_words(data, "block_before")),
        block_after=frozenset(_words(data, "block_after")),
        non_drug_re=_alternation(_words(data, "non_drug_words")),
        pill_re=_alternation(_words(data, "pill_words")),
        goods_re=_alternation(_words(data, "branded_goods_words")),
        split_phrases=frozenset(_words(data, "split_phrases")),
    )


def _alternation(words: list[str]) -> re.Pattern[str]:
    ordered = sorted(set(words), key=len, reverse=True)
    alt = "|".join(r"\W+".join(map(re.escape, w.split())) for w in ordered)
    return re.compile(letter_first(alt, r"[^\W_]") + r"(?![^\W_])")
