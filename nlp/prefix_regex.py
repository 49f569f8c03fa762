"""A regex, shaped as a trie, that finds where any of many words begins.

Python's `re` tries the alternatives of `a|b|c…` one after another at every position; the same
words as a trie (`(?:c(?:at|ow)|dog)`) reject a position after a character or two. The regex
only answers *where* one of the words starts: a word that is a prefix of another ends its branch
(the shorter one suffices), so a match may be shorter than the longest word starting there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_END = ""


def trie_alternation(words: Iterable[str], *, longest: bool = False) -> str:
    """A regex (no anchors) that matches at a position iff one of `words` starts there: the
    shortest such word, or with `longest` the longest one (what `longest|long` matches, the
    alternatives sorted longest first)."""
    trie: dict[str, dict] = {}
    for word in words:
        if not word:
            raise ValueError("an empty word matches everywhere")
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = _END in node
        if ends and not longest:
            return ""
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        alternation = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:  # a longer word first, else the word that ends here
            return f"(?:{alternation})?"
        return alternation

    if not trie:
        raise ValueError("no words")
    return emit(trie)


def word_starts(words: Iterable[str]) -> re.Pattern[str]:
    """Where a token (a run of letters and digits) begins with one of `words` (letters and
    digits themselves): `.finditer(text)` gives one match per such token, at its start."""
    return re.compile(rf"(?<![^\W_]){trie_alternation(words)}")


def finditer_at(regex: re.Pattern[str], starts: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`regex.finditer(text)` for a `regex` whose (non-empty) matches can only begin where
    `starts` matches: `regex` is tried at those positions only, left to right, each after the
    end of the previous match."""
    end = -1
    for s in starts.finditer(text):
        pos = s.start()
        if pos < end:
            continue
        m = regex.match(text, pos)
        if m is not None:
            end = m.end()
            yield m
