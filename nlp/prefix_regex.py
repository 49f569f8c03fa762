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
    r"""Where a token (a run of letters and digits) begins with one of `words` (letters and
    digits themselves): `.finditer(text)` gives one match per such token, at its start.
    (`(?<![^\W_])` + the trie, with the look-behind after each first character, so that `re`
    scans for those characters.)"""
    groups: dict[str, list[str]] = {}
    for word in words:
        if not word:
            raise ValueError("an empty word matches everywhere")
        groups.setdefault(word[0], []).append(word[1:])
    if not groups:
        raise ValueError("no words")
    branches = []
    for first, rests in sorted(groups.items()):
        c = re.escape(first)
        tail = "" if "" in rests else trie_alternation(rests)  # the shortest word suffices
        branches.append(rf"{c}(?<![^\W_]{c}){tail}")
    return re.compile("(?:" + "|".join(branches) + ")")


def finditer_at(regex: re.Pattern[str], starts: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`regex.finditer(text)` for a `regex` whose (non-empty) matches can only begin where
    `starts` matches: `regex` is tried at those positions only, left to right, each after the
    end of the previous match."""
    return matches_at(regex, (s.start() for s in starts.finditer(text)), text)


def matches_at(regex: re.Pattern[str], positions: Iterable[int], text: str) -> Iterator[re.Match[str]]:
    """`regex.finditer(text)` for a `regex` whose (non-empty) matches can only begin at one of
    `positions` (ascending): tried there only, each after the end of the previous match."""
    end = -1
    for pos in positions:
        if pos < end:
            continue
        m = regex.match(text, pos)
        if m is not None:
            end = m.end()
            yield m



def alternatives(regex: str) -> list[str]:
    """The top-level alternatives of `regex` (`a|b(?:c|d)|[|]` -> `a`, `b(?:c|d)`, `[|]`)."""
    out: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class: `]` right after `[` or `[^` is a literal
            i += 2 if regex[i + 1 : i + 2] == "^" else 1
            i += 1 if regex[i : i + 1] == "]" else 0
            while regex[i] != "]":
                i += 2 if regex[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(regex[start:i])
            start = i + 1
        i += 1
    out.append(regex[start:])
    return out


def letter_first(fragments: Iterable[str] | str, not_after: str | None) -> str:
    """`(?<!{not_after})(?:f1|f2|…)` with the same matches, written so that `re` skips ahead to
    a character that can start one of `fragments` (a list, or one regex's top-level
    alternatives): the fragments grouped by their first character, in their order, the
    lookbehind moved after it (`c(?<!{not_after}c)`). A leading lookbehind makes `re` try every
    position; a leading literal lets it scan for the characters that can start a match. When a
    fragment does not begin with a literal letter or digit, the plain form is returned. With
    `not_after` None, no lookbehind: the alternatives grouped by first character, which `re`
    then tells apart in one step instead of trying each (`(?:g|gr|kg)` -> `(?:g(?:|r)|k(?:g))`)."""
    fragments = alternatives(fragments) if isinstance(fragments, str) else list(fragments)
    groups: dict[str, list[str]] = {}
    for fragment in fragments:
        first, rest = fragment[:1], fragment[1:]
        if not first.isalnum() or rest[:1] in ("?", "*", "+", "{"):
            plain = f"(?:{'|'.join(fragments)})"
            return plain if not_after is None else f"(?<!{not_after}){plain}"
        groups.setdefault(first, []).append(rest)
    if not groups:
        raise ValueError("no fragments")
    after = "" if not_after is None else f"(?<!{not_after}{{c}})"
    return "(?:" + "|".join(f"{c}{after.format(c=c)}(?:{'|'.join(rests)})"
                            for c, rests in groups.items()) + ")"
