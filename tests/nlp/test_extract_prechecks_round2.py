"""The second speed round's rewrites find exactly what the plain patterns find: alternatives
grouped by their first letter with the lookbehind after it (`letter_first`), lookbehinds moved
after a pattern's first digit, market mentions tried only where their first word begins, and
the cheap tests that skip a pattern (see test_extract_prechecks.py for the first round's)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp import amount_patterns as pat
from nlp import contacts, fuzzy, units
from nlp.prefix_regex import alternatives, letter_first, matches_at

fragments = st.lists(
    st.tuples(st.text(alphabet="abé1", min_size=1, max_size=4),
              st.sampled_from(["", "s?", "(?:a|b1)", r"\w*", "-?b", r"\sa", "[|a]"]))
    .map("".join), min_size=1, max_size=8)
texts = st.text(alphabet="abé1s-_ x|", max_size=50)
NOT_AFTER = [r"[^\W\d_]", r"[^\W_]", None]


def spans(regex: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], ...]]:
    return [tuple(m.span(g) for g in range(regex.groups + 1)) for m in regex.finditer(text)]


@given(fragments, texts, st.sampled_from(NOT_AFTER), st.sampled_from(["", r"(?![^\W\d_])"]))
def test_letter_first_matches_as_the_lookbehind_and_alternation(frags: list[str], text: str,
                                                                not_after: str | None,
                                                                tail: str) -> None:
    plain = "(?:" + "|".join(frags) + ")"
    plain = plain if not_after is None else f"(?<!{not_after}){plain}"
    fast = letter_first(frags, not_after)
    assert fast != plain  # the fast form was built
    assert spans(re.compile(f"({fast}){tail}"), text) == spans(re.compile(f"({plain}){tail}"), text)


@given(fragments)
def test_alternatives_splits_at_the_top_level_bars_only(frags: list[str]) -> None:
    assert alternatives("|".join(frags)) == frags
    assert letter_first("|".join(frags), r"[^\W_]") == letter_first(frags, r"[^\W_]")


def test_letter_first_keeps_the_plain_form_when_a_fragment_has_no_literal_start() -> None:
    assert letter_first([r"ab", r"\w+"], r"[^\W_]") == r"(?<![^\W_])(?:ab|\w+)"
    assert letter_first(["ab", "a?b"], None) == "(?:ab|a?b)"
    with pytest.raises(ValueError):
        letter_first([], None)


unit_texts = st.lists(st.sampled_from(
    ["g", "gr", "grams", "kg", "k", "mg", "ml", "oz", "l", "lb", "lbs", "p", "qp", "fl oz", "fluid ounce",
     "tabs", "tab", "x", "pcs", "pre-rolls", "st", "stk", "1", "5", " ", "-", ".", "s", "a"]),
    max_size=12).map("".join)


@given(unit_texts)
def test_the_grouped_unit_alternations_match_as_the_sorted_ones(text: str) -> None:
    for table in (units.MASS_UNITS, units.COUNT_UNITS):
        plain = "|".join(sorted((re.escape(u) for u in set(table)), key=len, reverse=True))
        fast = units.MASS_ALT if table is units.MASS_UNITS else units.COUNT_ALT
        for tail in ("", r"(?![^\W\d_])"):
            assert spans(re.compile(f"({fast}){tail}"), text) == spans(re.compile(f"({plain}){tail}"), text)


amount_texts = st.lists(st.sampled_from(
    ["1", "12", "250", "5", "0", " ", ".", ",", "/", "-", "$", "#", "x", "g", "mg", "oz", "half", "an ",
     "qp", "hp", "a", "for", " per order", " an order", "tabs", "xanax", "2mg", "pills", "\n"]),
    max_size=14).map("".join)
# (pattern, its head now, its head before): the lookbehinds moved after the first digit
MOVED = [
    (pat.LIST_RE, r"(?P<nums>\d(?<![\d.,/]\d)\d{0,6}(?:[.,]\d{1,4})?", rf"(?<![\d.,/])(?P<nums>{units.NUM}"),
    (pat.FRACTION_RE, r"(?P<num>[1-9])(?<![\d.,/][1-9])", r"(?<![\d.,/])(?P<num>[1-9])"),
    (pat.COUNT_FOR_PRICE_RE, r"(?P<num>\d(?<![\w.,$€£/-]\d)\d{0,4})", r"(?<![\w.,$€£/-])(?P<num>\d{1,5})"),
    (pat.PER_ORDER_RE, r"(?P<n>\d(?<![\w.,$€£/-]\d)\d{0,3})", r"(?<![\w.,$€£/-])(?P<n>\d{1,4})"),
    (pat.COUNT_BEFORE_DOSE_RE, r"(?P<n>\d(?<![\w$€£#/+-]\d)(?<!\d[.,]\d)\d{0,4})",
     r"(?<![\w$€£#/+-])(?<!\d[.,])(?P<n>\d{1,5})"),
    (pat.COUNT_NAME_FORM_RE, r"(?P<n>\d(?<![\w$€£#/+-]\d)(?<!\d[.,]\d)\d{0,4})",
     r"(?<![\w$€£#/+-])(?<!\d[.,])(?P<n>\d{1,5})"),
    (pat.WORD_AMOUNT_RE, None,
     r"(?<![^\W\d_])(?P<w>half\s?(?:an?\s)?(?:oz|ounce|zip|pound|lb|p|kilo|key|gram|g)|"
     r"quarter\s?(?:oz|ounce|pound|lb|p|kilo|key)|eighth|8th|an?\s(?:oz|ounce|zip|qp|hp|kilo|key|pound|pint)"
     r"|(?<![\d.,])(?:qp|hp))(?![^\W\d_])"),
]


@pytest.mark.parametrize(("regex", "now", "before"), MOVED)
def test_moved_lookbehinds_match_as_before(regex: re.Pattern[str], now: str | None, before: str) -> None:
    assert now is None or regex.pattern.startswith(now)
    plain = re.compile(before if now is None else before + regex.pattern[len(now):])

    @given(amount_texts)
    def check(text: str) -> None:
        assert spans(regex, text) == spans(plain, text)
        assert spans(regex, text * 3) == spans(plain, text * 3)  # long runs, repeats
    check()


@given(amount_texts)
def test_the_hint_tries_find_a_word_where_the_alternations_do(text: str) -> None:
    for hint, ws in ((pat.WORD_AMOUNT_HINT_RE, pat.WORD_AMOUNT_HINTS),
                     (pat.NUMBER_WORD_HINT_RE, units.NUMBER_WORDS)):
        plain = re.compile("|".join(re.escape(w) for w in ws))
        assert (hint.search(text) is None) == (plain.search(text) is None)


molar_texts = st.lists(st.sampled_from(
    ["molar", "mass", "molecular", "weight", "formula", "average", "mol", ".", "wt", "mw", " ", ":",
     "12", ".5", "g", "da", "m", "w", "t"]), max_size=10).map("".join)


@given(molar_texts)
def test_the_molar_mass_pattern_needs_one_of_its_words(text: str) -> None:
    if pat.NOT_AMOUNT_BEFORE_SPAN_RE.search(text):
        assert "mass" in text or "weight" in text or "wt" in text or "mw" in text


price_texts = st.lists(st.sampled_from(["30", " ", "for", "@", "=", "$", "250", "usd", "x", "f"]),
                       max_size=10).map("".join)


@given(price_texts)
def test_the_price_tier_pattern_needs_for_at_or_equals(text: str) -> None:
    if pat.COUNT_FOR_PRICE_RE.search(text):
        assert "for" in text or "@" in text or "=" in text


# ------------------------------------------------------------------ contacts and fuzzy names

mention_texts = st.lists(st.sampled_from(
    ["also", "Also", "ALSO", "alsook", "ook", "op", "on", "at", "as", "seen", "find", "me", "us",
     "vendor", "selling", "ex", "-", "formerly", "previously", "auch", "auf", "aussi", "sur", "też",
     "tez", "na", "agora", "Dream", "swapbay", "holiday", "under", "als", "foo_bar", "ſell", " ", "\n"]),
    max_size=14).map("".join)


@given(mention_texts)
def test_market_mentions_are_found_from_their_first_words_as_everywhere(text: str) -> None:
    starts = [m.start() for m in contacts._MENTION_START_RE.finditer(text)]
    for regex in (contacts._MARKET_MENTION_RE, contacts._OTHER_MARKET_MENTION_RE):
        assert [m.span() for m in matches_at(regex, starts, text)] == [m.span() for m in regex.finditer(text)]


def test_the_mention_start_letters_are_those_that_match_without_case() -> None:
    firsts = re.compile(f"(?i)[{''.join(contacts.MENTION_WORDS)}]")
    literals = {branch[0] for branch in alternatives(contacts._MENTION_START_RE.pattern)}
    assert {chr(c) for c in range(0x110000) if firsts.fullmatch(chr(c))} == literals


def test_a_mention_starting_inside_another_start_word_is_found() -> None:
    found = contacts.find_market_mentions({"description": "alsook op agora als dutch_direct"})
    assert [(m["market"], m["alias"]) for m in found] == [("agora", "dutch_direct")]


@given(st.lists(st.sampled_from(["05", "0", "5", "a", "f", "g", "ab" * 16, " "]), max_size=12).map("".join))
def test_session_ids_are_found_as_with_the_leading_lookbehind(text: str) -> None:
    plain = re.compile(r"(?<![0-9a-fA-F])05[0-9a-fA-F]{64}(?![0-9a-fA-F])")
    assert spans(contacts._SESSION_ID_RE, text) == spans(plain, text)


@given(st.lists(st.sampled_from(["1", "12", "g", "mg", "x", "cocaine", "Kokain", " ", "abc", "5"]),
                max_size=10).map("".join))
def test_names_glued_after_a_unit_are_found_as_with_the_digit_lookbehind(text: str) -> None:
    plain = re.compile(r"(?<=\d)(mg|kg|gr|ml|ug|oz|g|x)([^\W\d_]{3,})")
    assert ([(m.span(1), m.span(2)) for m in fuzzy._AFTER_UNIT_RE.finditer(text)]
            == [(m.span(1), m.span(2)) for m in plain.finditer(text)])


# ------------------------------------------------------------------ word starts, CAS, leet

@given(st.lists(st.text(alphabet="abc1é", min_size=1, max_size=4), min_size=1, max_size=8), texts)
def test_word_starts_match_as_the_look_behind_and_trie(words: list[str], text: str) -> None:
    from nlp.prefix_regex import trie_alternation, word_starts

    plain = re.compile(rf"(?<![^\W_]){trie_alternation(words)}")
    assert spans(word_starts(words), text) == spans(plain, text)


@given(st.lists(st.sampled_from(["50", "-", "32", "8", "1", "2", "123456", "7", " ", "a"]), max_size=12)
       .map("".join))
def test_cas_numbers_are_found_as_with_the_leading_look_behind(text: str) -> None:
    from nlp import shipping

    plain = re.compile(r"(?<![\d-])\d{2,7}-\d{2}-\d(?![\d-])")
    assert spans(shipping._CAS_RE, text) == spans(plain, text)


@given(st.lists(st.sampled_from(["a", "b", "x", "0", "3", "1", "@", "$", "!", "|", "€", " ", "-", "_", "é"]),
                max_size=20).map("".join))
def test_leet_tokens_are_those_the_letter_first_quick_pattern_finds(text: str) -> None:
    from nlp import substances

    plain = re.compile(r"[^\W\d_][0-9@$!|€]+[^\W\d_]|[0@$!|€][^\W\d_]{2}")
    fast = substances._LEET_QUICK_RE
    try:
        substances._LEET_QUICK_RE = plain
        expected = substances.leet_spans(text)
    finally:
        substances._LEET_QUICK_RE = fast
    assert substances.leet_spans(text) == expected
