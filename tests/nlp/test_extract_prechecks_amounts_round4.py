"""The fourth speed round's amount shortcuts find exactly what the plain searches find: the
patterns led by a digit tried only where a run of digits begins, the shipping-rate bracket and
word-amount patterns searched from where a match can begin, the spelled counts from their first
number word, and the dosage-form words looked for only when a field asks (see
test_extract_prechecks_round3.py for the rounds before)."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nlp import amount_patterns as pat
from nlp import amount_text, amounts, quantities
from nlp.fold import fold
from nlp.prefix_regex import matches_at


def spans(matches: object) -> list[tuple[tuple[int, int], ...]]:
    return [tuple(m.span(g) for g in range(m.re.groups + 1)) for m in matches]  # type: ignore[attr-defined]


amount_texts = st.lists(st.sampled_from(
    ["1", "12", "250", "5", "0", "1/2", " / ", "3.5", ",5", " ", ".", ",", "-", "–", "$", "€", "#", "+",
     "x", "×", "*", "g", "G", "mg", "mcg", "ml", "oz", "kg", "lb", "p", "st", "to", "per", "ml ", "(", ")",
     "tabs", "Tabs", "pills", "pcs", "xanax", "a", "for", " for ", "@", "=", " per order", "\n", "th",
     "half", "an ", "qp", "one", "ten", "dozen", "caps", "2mg", "10g", "bar"]),
    max_size=16).map("".join)

# every pattern `nlp.amount_reader` tries at the starts of digit runs only
DIGIT_LED = [pat.CONCENTRATION_RE, pat.RUN_RE, pat.COUNT_DOSE_RE, pat.FRACTION_RE, pat.LIST_RE,
             pat.AMOUNT_RE, pat.COUNT_FOR_PRICE_RE, pat.COUNT_RE, pat.PER_ORDER_RE,
             pat.COUNT_BEFORE_DOSE_RE, pat.COUNT_NAME_FORM_RE]


@pytest.mark.parametrize("regex", DIGIT_LED, ids=lambda r: r.pattern[:24])
def test_digit_led_patterns_match_at_digit_run_starts_as_their_finditer(regex: re.Pattern[str]) -> None:
    @settings(max_examples=300)
    @given(amount_texts, st.integers(0, 3))
    def check(text: str, skip: int) -> None:
        first = pat.DIGIT_RE.search(text)
        starts = [m.start() for m in pat.DIGIT_RUN_RE.finditer(text, first.start())] if first else []
        assert spans(matches_at(regex, starts, text)) == spans(regex.finditer(text))
        # the look-behinds see the text before the first digit ("order.250g", "^.5")
        longer = text * 2 + "x" * skip
        first = pat.DIGIT_RE.search(longer)
        starts = [m.start() for m in pat.DIGIT_RUN_RE.finditer(longer, first.start())] if first else []
        assert spans(matches_at(regex, starts, longer)) == spans(regex.finditer(longer))
    check()


bracket_texts = st.lists(st.sampled_from(
    ["(", ")", " ", "1", "14", "28g", "g", "-", "–", "oz", "kg", "gr", "grams", "to", "for", "in", "all",
     "countries", "class", "1st", "tracked", "signed", "royal mail", "royal", "mail", "ups", "usps",
     "dhl", "express", "shipping", "priority", "delivery", "abcdefghijkl", "x", "a", "eu", "up to 10g"]),
    max_size=16).map("".join)


@settings(max_examples=500)
@given(bracket_texts)
def test_shipping_brackets_are_found_as_by_the_plain_search(text: str) -> None:
    assert spans(pat.shipping_brackets(text)) == spans(pat.SHIPPING_BRACKET_RE.finditer(text))


def test_shipping_brackets_begin_up_to_24_characters_before_their_bracket() -> None:
    text = "royal mail abcdefghijkl (up to 10g) to all"
    assert text.index("(") == 24
    assert [m.group("bracket2") for m in pat.shipping_brackets(text)] == ["(up to 10g)"]
    assert [m.group("bracket") for m in pat.shipping_brackets("eu (14g-28g) to 51 countries")] \
        == ["(14g-28g)"]
    assert list(pat.shipping_brackets("best (top) quality 10g")) == []


word_texts = st.lists(st.sampled_from(
    ["half", "quarter", "eighth", "8th", "an", "a", " ", "oz", "ounce", "zip", "qp", "hp", "kilo", "key",
     "pound", "lb", "p", "gram", "g", "pint", "1", ".", "x", "-"]), max_size=10).map("".join)


@settings(max_examples=500)
@given(word_texts)
def test_word_amounts_are_found_as_by_the_plain_search(text: str) -> None:
    assert spans(pat.word_amounts(text)) == spans(pat.WORD_AMOUNT_RE.finditer(text))


def test_every_word_amount_holds_a_hint_within_its_first_characters() -> None:
    for text in ["a oz", "an ounce", "half g", "half a gram", "quarter lb", "qp", "hp", "eighth", "a pint"]:
        m = pat.WORD_AMOUNT_RE.fullmatch(text)
        assert m is not None, text
        assert pat.WORD_AMOUNT_HINT_RE.search(text, 0, len(text)).start() <= 3


spelled_texts = st.lists(st.sampled_from(
    ["one", "ten", "six", "sixty", "twenty", "someone", "tent", "two", "hundred", "dos", "doses", " ",
     "(", ")", "10", "5", "mg", "g", "ml", "x", "a", "\n"]), max_size=12).map("".join)


@settings(max_examples=500)
@given(spelled_texts)
def test_spelled_counts_are_found_from_the_first_number_word(text: str) -> None:
    hint = pat.NUMBER_WORD_HINT_RE.search(text)
    found = pat.SPELLED_COUNT_RE.finditer(text, hint.start()) if hint else iter(())
    assert spans(found) == spans(pat.SPELLED_COUNT_RE.finditer(text))


@settings(max_examples=300)
@given(amount_texts, st.booleans(), st.booleans())
def test_a_deferred_dosage_context_reads_as_the_value(text: str, value: bool, title: bool) -> None:
    calls: list[int] = []

    def compute() -> bool:
        calls.append(1)
        return value

    deferred = quantities.Deferred(compute)
    assert quantities.measures(text, dosage_context=deferred, title=title) == \
        quantities.measures(text, dosage_context=value, title=title)
    assert len(calls) <= 1


def test_the_dosage_context_is_read_when_an_amount_in_mg_asks() -> None:
    folded = {"title": "valium 100mg", "description": "blue"}
    hits: dict[str, list] = {"title": [], "description": []}
    # "100mg" with no dosage-form word and no medicine: a quantity in mg is doses only in context
    plain = amounts.listing_measures(folded, hits)
    assert [(q.value, q.unit) for q in plain["title"].quantities] == [(100.0, "mg")]
    with_form = amounts.listing_measures({"title": "valium 100mg", "description": "blue pills"}, hits)
    assert [(d.value, d.unit) for d in with_form["title"].doses] == [(100.0, "mg")]


@settings(max_examples=500)
@given(spelled_texts)
@example("sixty (60) pressed bars 2mg")  # a number word with another as its prefix ("six")
@example("one twenty (20)")
def test_every_spelled_count_begins_where_its_hint_finds_one(text: str) -> None:
    hint = pat.SPELLED_COUNT_HINT_RE.search(text)
    found = pat.SPELLED_COUNT_RE.finditer(text, hint.start()) if hint else iter(())
    assert spans(found) == spans(pat.SPELLED_COUNT_RE.finditer(text))


raw_texts = st.lists(st.sampled_from(
    ["50", "tabs", "TABS", "Tramadol", "We", "g", "G", "buy", "Buy", "ml", "mL", " ", "x", "ünd", "３", "٣",
     "Ⅻ", "²", "A", "b"]), max_size=12).map("".join)


@given(raw_texts)
def test_glued_words_are_marked_from_the_first_digit_of_the_folded_text(raw: str) -> None:
    folded = fold(raw)
    first = pat.DIGIT_RE.search(folded)
    assert all(pat.DIGIT_RE.match(folded, m.start()) for m in pat.DIGIT_RE.finditer(raw))  # digits stay
    if first is not None:
        assert amount_text.mark_word_starts(raw, folded, first.start()) == \
            amount_text.mark_word_starts(raw, folded)


def test_the_unrolled_substring_tests_are_the_hints() -> None:
    assert amount_text._CURRENCY == "$€£"
    assert set(amounts._LIQUID_HINTS) - {"syrups"} == {"syrup", "sirup", "lean", "sizzurp", "purple", "cough"}
