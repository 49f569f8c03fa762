"""The third speed round's shortcuts find exactly what the plain searches find: the fuzzy pass
skipped for a field whose pieces are all known misses, the substance scan given its pieces by
the caller, the shipping-rate bracket and liquid patterns tried only when a substring they need
is there, and the language scores computed from float32 rows (see test_extract_prechecks.py and
test_extract_prechecks_round2.py for the earlier rounds)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import amount_patterns as pat
from nlp import amounts, fuzzy, languages, substances
from nlp.fold import fold

# ---------------------------------------------------------------------------- fuzzy names

NAME_WORDS = ["ketamien", "kettamine", "cocaine", "kokainpulver", "amphetaminpaste", "fentanly",
              "morphing", "concert", "lyrics", "flubrotizolam", "methylfenidate", "quality", "shipping",
              "1gcocaine", "5gmdma", "10xxanax", "ketamine", "speed", "pills", "12", "x", "é", "straße"]
GAPS = [" ", "\n", ", ", "-", "", "1"]
name_texts = st.lists(st.tuples(st.sampled_from(NAME_WORDS), st.sampled_from(GAPS)), max_size=12).map(
    lambda parts: "".join(w + g for w, g in parts))


def plain_fuzzy(folded: str, covered: list[tuple[int, int]]) -> list[tuple[int, int, Any, str]]:
    """`fuzzy.find` as it was: every letter run not covered is looked up."""
    out = []
    for m in fuzzy._AFTER_UNIT_RE.finditer(folded) if fuzzy._DIGIT_RE.search(folded) else ():
        s, e = m.span(2)
        if any(cs < e and s < ce for cs, ce in covered):
            continue
        term = fuzzy._after_unit(m.group(2))
        if term is not None:
            out.append((s, e, term, "compound"))
    if out:
        covered = sorted([*covered, *((s, e) for s, e, _, _ in out)])
    i, n = 0, len(covered)
    for m in fuzzy._TOKEN_RE.finditer(folded):
        s, e = m.span()
        while i < n and covered[i][1] <= s:
            i += 1
        if i < n and covered[i][0] < e:
            continue
        found = fuzzy.lookup(m.group())
        if found is not None:
            length, term, how = found
            out.append((s, s + length, term, how))
    return out


@settings(max_examples=300, deadline=None)  # the first example loads the lexicon's indexes
@given(name_texts, st.booleans())
def test_the_fuzzy_pass_finds_what_the_plain_loop_finds_known_misses_or_not(text: str,
                                                                          clear: bool) -> None:
    folded = fold(text)
    if clear:
        fuzzy._MISSES.clear()
    covered = [(h.start, h.end) for h in substances._scan(folded, substances._index())]
    pieces = substances.pieces_of(folded)[1::2]
    expected = plain_fuzzy(folded, covered)
    assert fuzzy.find(folded, covered, pieces) == expected
    assert fuzzy.find(folded, covered, pieces) == expected  # now every run is known
    assert fuzzy.find(folded, covered) == expected  # the runs found by the pass itself


def test_known_misses_hold_only_runs_that_read_nothing_and_pieces_that_are_no_run() -> None:
    folded = fold("Kettamine 5g, best quality ketamine, fast shipping")
    fuzzy.find(folded, [], substances.pieces_of(folded)[1::2])
    assert "kettamine" not in fuzzy._MISSES  # a misspelling: read every time
    assert {"quality", "shipping", "ketamine", "5", "g", "best"} <= fuzzy._MISSES
    assert [folded[s:e] for s, e, _, how in fuzzy.find(folded, [])] == ["kettamine"]


@settings(max_examples=200, deadline=None)
@given(name_texts)
def test_the_scan_given_its_pieces_finds_what_it_finds_alone(text: str) -> None:
    folded = fold(text)
    idx = substances._index()
    assert substances._scan(folded, idx, substances.pieces_of(folded)) == substances._scan(folded, idx)


# ---------------------------------------------------------------------------- amounts

bracket_texts = st.lists(st.sampled_from(
    ["(", ")", " ", "1", "14", "28g", "g", "-", "–", "oz", "kg", "to", "for", "in", "all", "countries",
     "class", "1st", "tracked", "signed", "royal", "mail", "royal mail", "ups", "usps", "dhl", "x",
     "express", "shipping", "a", "eu"]), max_size=14).map("".join)


@settings(max_examples=400)
@given(bracket_texts)
def test_a_shipping_rate_bracket_is_never_hidden_by_its_pre_check(text: str) -> None:
    if pat.SHIPPING_BRACKET_RE.search(text):
        assert pat.may_hold_shipping_bracket(text)


def test_the_pre_check_lets_both_kinds_of_rate_bracket_through() -> None:
    for text in ["1st class eu (14g-28g) to 51 countries", "tracked (1-7g)", "(1 - 7g) for all countries",
                 "royal mail (up to 10g)"]:
        assert pat.SHIPPING_BRACKET_RE.search(text) and pat.may_hold_shipping_bracket(text)
    assert not pat.may_hold_shipping_bracket("best (top) quality 10g")


liquid_texts = st.lists(st.sampled_from(
    ["syrup", "syrups", "sirup", "lean", "sizzurp", "purple", "drank", "cough", "medicine", " ", "\n",
     "s", "clean", "x", "16", "oz", "a", "-"]), max_size=10).map("".join)


@given(liquid_texts)
def test_the_liquid_words_are_found_as_by_the_pattern_alone(text: str) -> None:
    assert amounts.names_a_liquid(text) == (amounts._LIQUID_RE.search(text) is not None)


def test_the_liquid_hints_are_the_words_first_parts() -> None:
    assert amounts._LIQUID_HINTS == ("syrup", "syrups", "sirup", "lean", "sizzurp", "purple", "cough")
    assert pat._SHIPPING_RATE_HINTS[-1] == "royal"
    assert all(re.fullmatch(r"[a-z]+", w) for w in amounts._LIQUID_HINTS + pat._SHIPPING_RATE_HINTS)


# ---------------------------------------------------------------------------- languages


@cache
def _plain_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    plain = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    plain.set_languages([lang for lang in languages.LANGUAGES if lang in plain.nb_classes])
    return plain


@settings(max_examples=100, deadline=None)  # the first example loads both models
@given(st.lists(st.sampled_from(["the ", "der ", "Versand ", "é", "ß ", "  ", "1g ", "ketamine ",
                                 "de la ", "z Polski ", "\u0441 ", "envío ", "qualità ", "x"]),
                max_size=30).map("".join))
def test_language_scores_from_the_float32_rows_are_py3langids_bit_for_bit(text: str) -> None:
    ours = languages._identifier()
    assert ours.rows.dtype == np.float32 and ours.rows.flags["C_CONTIGUOUS"]
    assert np.array_equal(ours._decide(text), _plain_identifier()._decide(text))


# ---------------------------------------------------------------------------- arbitration

_item = st.fixed_dictionaries({
    "name": st.sampled_from(["MDMA", "cannabis", "hashish", "cocaine", "safrole"]),
    "class": st.sampled_from(["entactogen", "cannabis", "stimulant", "precursor"]),
    "text": st.sampled_from(["MDMA", "chocolate", "coke", "x"]), "start": st.just(0),
    "end": st.just(4), "field": st.sampled_from(["title", "description"]),
    "confidence": st.sampled_from([0.6, 0.7, 0.85, 0.95])})
_cats = st.fixed_dictionaries({key: st.floats(0, 1) for key in (
    "OFFER", "GUIDE", "NON_DRUG", "CLASS_entactogen", "CLASS_cannabis", "CLASS_stimulant")})


@given(st.lists(_item, max_size=2), st.lists(_item, max_size=2),
       st.lists(st.sampled_from(["guide", "non_drug", "precursor", "counterfeit_medicine"]),
                max_size=2), _cats, st.lists(_item, max_size=3), st.booleans())
def test_arbitration_reads_candidates_and_everyday_words_only_where_the_rules_kept_nothing(
        found: list[dict[str, Any]], mentions: list[dict[str, Any]], flags: list[str],
        cats: dict[str, float], candidates: list[dict[str, Any]], everyday: bool) -> None:
    from nlp.arbitration import arbitrate

    decided = {"substances": found, "mentions": mentions, "flags": flags}
    full = arbitrate(decided, cats, candidates, everyday=everyday)
    if found or mentions:  # what the component then passes: no candidates, not everyday
        assert arbitrate(decided, cats, [], everyday=False) == full


# ---------------------------------------------------------------------------- identifiers

_OLD_FPR_RE = re.compile(
    r"(?=[0-9A-Fa-f])(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{4}[ \t]?){9}[0-9A-Fa-f]{4}(?![0-9A-Fa-f])")
hex_texts = st.lists(st.sampled_from(["ABCD", "0f3e", "12", "a", "g", " ", "\t", "  ", "x", "9", "F"]),
                     max_size=30).map("".join)


@settings(max_examples=400)
@given(hex_texts)
def test_fingerprints_are_found_as_with_the_leading_look_behind(text: str) -> None:
    from nlp import contacts

    assert [m.span() for m in contacts._FPR_RE.finditer(text)] == \
        [m.span() for m in _OLD_FPR_RE.finditer(text)]


bech_texts = st.lists(st.sampled_from(["bc", "ltc", "BC", "LTC", "1", "q", "w508d6qejxtdg4y5r3zarvary0c5xw7k",
                                       "a", " ", "tc", "l", "B", "c"]), max_size=8).map("".join)


@given(bech_texts)
def test_a_segwit_address_always_holds_one_of_the_substrings_tested_first(text: str) -> None:
    from nlp import crypto

    if crypto._BECH32_RE.search(text):
        assert any(p in text for p in ("bc1", "BC1", "ltc1", "LTC1"))


# ---------------------------------------------------------------------------- shipping methods


@cache
def _shipping_pair() -> tuple[Any, Any]:
    """The shipping matcher, and the same built with the plain `(?<![^\\W_])(?:a|b|…)` form."""
    import yaml

    from nlp import shipping
    from nlp.lexicon import LEXICON_DIR

    data = yaml.safe_load((LEXICON_DIR / "_shipping.yaml").read_text(encoding="utf-8"))
    fast = shipping.parse(data)
    real = shipping.letter_first
    shipping.letter_first = lambda frags, not_after: f"(?<!{not_after})(?:{'|'.join(frags)})"
    try:
        plain = shipping.parse(data)
    finally:
        shipping.letter_first = real
    return fast, plain


ship_words = st.sampled_from(["DHL", "dhl express", "UPS", "U.P.S", "U P S", "An Post", "Correos", "post",
                              "stealth", "vacuum sealed", "Packstation", "tracked", "dead drop", "usps",
                              "us postal service", "royal mail", "next day", "xups", "é", " ", ", ", "-",
                              "and", "the", "Germany"])
ship_texts = st.lists(st.one_of(ship_words, st.text(alphabet="abdeps U-.", max_size=4)),
                      max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(ship_texts)
def test_shipping_patterns_grouped_by_first_letter_match_as_the_plain_alternations(text: str) -> None:
    from nlp.fold import fold

    fast, plain = _shipping_pair()
    assert fast.exact_re.pattern != plain.exact_re.pattern  # the grouped form was built
    folded = fold(text)
    assert [m.span() for m in fast.exact_re.finditer(text)] == \
        [m.span() for m in plain.exact_re.finditer(text)]
    assert [m.span() for m in fast.folded_re.finditer(folded)] == \
        [m.span() for m in plain.folded_re.finditer(folded)]
    for name, regex in fast.cue_res.items():
        assert [m.span() for m in regex.finditer(folded)] == \
            [m.span() for m in plain.cue_res[name].finditer(folded)]
