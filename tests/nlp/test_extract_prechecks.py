"""The speed pre-checks never hide a match: each cheap test or narrowed search finds exactly what
the plain search it stands for finds (trie regexes, matching only where a pattern's first word
begins, the novel patterns' windows, the CAS and language pre-checks)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import languages, novel, shipping, ships_from
from nlp.fold import fold
from nlp.prefix_regex import finditer_at, trie_alternation, word_starts

words = st.lists(st.text(alphabet="abc1-", min_size=1, max_size=5), min_size=1, max_size=8)
texts = st.text(alphabet="abc1- _.é", max_size=60)


@given(words, texts)
def test_the_longest_trie_matches_like_the_alternation_sorted_longest_first(ws: list[str],
                                                                            text: str) -> None:
    plain = re.compile("|".join(re.escape(w) for w in sorted(set(ws), key=len, reverse=True)))
    trie = re.compile(trie_alternation(ws, longest=True))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(words, texts)
def test_the_shortest_trie_matches_where_some_word_begins(ws: list[str], text: str) -> None:
    trie = re.compile(trie_alternation(ws))
    starts = {i for i in range(len(text)) if any(text.startswith(w, i) for w in ws)}
    found = {m.start() for m in trie.finditer(text)}
    assert found <= starts
    # every start is found unless an earlier match covers it (finditer does not overlap)
    covered = {i for m in trie.finditer(text) for i in range(m.start(), m.end())}
    assert starts - covered <= found


@given(st.lists(st.text(alphabet="abc1", min_size=1, max_size=4), min_size=1, max_size=6),
       st.lists(st.text(alphabet="abc1", min_size=1, max_size=4), min_size=1, max_size=6), texts)
def test_finditer_at_word_starts_is_finditer(firsts: list[str], rests: list[str],
                                             text: str) -> None:
    patterns = [f"{re.escape(f)}[-_ ]?{re.escape(r)}" for f, r in zip(firsts, rests, strict=False)]
    regex = re.compile(rf"(?<![^\W_])(?:{'|'.join(patterns)})(?![^\W_])")
    starts = word_starts(firsts[: len(patterns)])
    assert ([m.span() for m in finditer_at(regex, starts, text)]
            == [m.span() for m in regex.finditer(text)])


def test_the_trie_needs_words() -> None:
    with pytest.raises(ValueError):
        trie_alternation([])
    with pytest.raises(ValueError):
        trie_alternation(["a", ""])


# ------------------------------------------------------------------ the matchers that use them


def _shipping_patterns() -> list[str]:
    import yaml

    from nlp.lexicon import LEXICON_DIR

    data = yaml.safe_load((LEXICON_DIR / "_shipping.yaml").read_text(encoding="utf-8"))
    return [str(p) for g in data["groups"] for e in g["entries"] for p in e["patterns"]]


@pytest.mark.parametrize("pattern", _shipping_patterns())
def test_every_shipping_pattern_is_still_found_in_a_sentence(pattern: str) -> None:
    sh = shipping.load()
    text = f"Fast and discreet, we use {pattern} for all orders."
    folded = fold(text)
    start = text.index(pattern)
    plain = [(m.start(), m.end()) for m in sh.folded_re.finditer(folded)]
    plain += [(m.start(), m.end()) for m in sh.exact_re.finditer(text)]
    found = [(s, e) for _, s, e in shipping._matches(sh, text, folded)]
    assert any(s == start for s, _ in plain)  # the pattern itself matches here
    assert sorted(found) == sorted(set(found))
    assert {s for s, _ in found} >= {s for s, _ in plain if s == start}


shipping_words = st.sampled_from(["DHL", "dhl express", "UPS", "U.P.S", "post", "stealth",
                                  "vacuum sealed", "Packstation", "tracked", "dead drop",
                                  "no tracking", "ships from", "Versand aus", "Germany", " ",
                                  ", ", "-", "and", "we ship only from", "the Netherlands"])
shipping_texts = st.lists(st.one_of(shipping_words, st.text(max_size=8)), max_size=20).map("".join)


@settings(max_examples=300)
@given(shipping_texts)
def test_shipping_matches_as_the_full_alternations_do(text: str) -> None:
    sh = shipping.load()
    folded = fold(text)
    taken = [m.span() for m in sh.exact_re.finditer(text)]
    plain = [(s, e) for s, e in taken]
    plain += [m.span() for m in sh.folded_re.finditer(folded)
              if not any(a < m.end() and m.start() < b for a, b in taken)]
    assert sorted((s, e) for _, s, e in shipping._matches(sh, text, folded)) == sorted(plain)


@settings(max_examples=300)
@given(shipping_texts)
def test_ships_from_phrases_are_found_as_the_full_regex_finds_them(text: str) -> None:
    regex, starts, _ = ships_from._data()
    folded = fold(text)
    assert ([m.span() for m in finditer_at(regex, starts, folded)]
            == [m.span() for m in regex.finditer(folded)])


novel_words = st.sampled_from([
    "mdmb-4en-pinaca", "adb-butinaca", "5f-mdmb-pica", "tropical", "pica", "jwh 018", "4f-abinaca",
    "protonitazene", "flubrotizolam", "3-cmc", "2c-b", "25i-nbome", "4-ho-met", "o-pce", "hhc-p",
    "u-47700", "a-pvp", "alpha-php", "ketamine", "fentanyl", " ", "-", "x ", "10g ", "inaca",
])
novel_texts = st.lists(st.one_of(novel_words, st.text(alphabet="abcp- 01", max_size=10)),
                       max_size=25).map("".join)


def _novel_candidates_before(text: str) -> list[tuple[str, int, int]]:
    """`novel.candidates` as it was: the triggers as a plain alternation, longest first, and
    each gated pattern run over the whole text."""
    alternation = re.compile("|".join(re.escape(t) for t in novel._ALL_TRIGGERS))
    present = set(alternation.findall(text))
    return [(name, m.start(), m.end()) for name, pattern in novel.PATTERNS
            if not novel._TRIGGER_SETS[name].isdisjoint(present)
            for m in pattern.finditer(text)]


@settings(max_examples=400)
@given(novel_texts)
def test_novel_candidates_are_those_of_the_plain_searches(text: str) -> None:
    assert novel.candidates(text) == _novel_candidates_before(text)


@settings(max_examples=400)
@given(novel_texts)
def test_a_novel_pattern_run_finds_what_it_finds_on_the_whole_text(text: str) -> None:
    # where no trigger hides another ("pbpica": "pbp" is read, "pica" not), the gating hides
    # nothing either
    found = novel.candidates(text)
    ran = {name for name, _ in novel.PATTERNS} - {
        name for name, ts in novel._TRIGGER_SETS.items()
        if ts.isdisjoint(novel._TRIGGER_RE.findall(text))}
    plain = [(name, m.start(), m.end()) for name, pattern in novel.PATTERNS if name in ran
             for m in pattern.finditer(text)]
    assert found == plain


def test_novel_trigger_gating_runs_every_pattern_that_can_match() -> None:
    # every family's trigger words stand in for the pattern: a candidate of each is found
    for text, family in [("mdmb-4en-pinaca", "synthetic_cannabinoid"), ("metonitazene", "nitazene"),
                         ("x" * 300 + " adb-butinaca", "synthetic_cannabinoid"),
                         ("flubrotizolam", "benzodiazepine"), ("4-ho-met", "tryptamine")]:
        assert family in {name for name, _, _ in novel.candidates(text)}


@given(st.text(alphabet="ab1 .é_", max_size=40))
def test_the_language_pre_check_counts_letters(text: str) -> None:
    letters = sum(1 for c in text if c.isalpha())
    assert (languages._ENOUGH_LETTERS_RE.match(text) is not None) == (
        letters >= languages.MIN_LETTERS)


@given(st.text(alphabet="0123456789- ", max_size=30))
def test_the_cas_pre_check_hides_no_cas_number(text: str) -> None:
    assert shipping.has_cas(text) == any(shipping.cas_valid(m.group())
                                         for m in shipping._CAS_RE.finditer(text))


@settings(max_examples=200, deadline=None)  # the first example loads the model
@given(st.lists(st.sampled_from(["the ", "der ", "Versand ", "é", "ß ", "  ", "1g ", "ketamine",
                                 "de la ", "z Polski ", "\u0441 ", "x"]), max_size=30).map("".join))
def test_language_features_are_py3langids(text: str) -> None:
    from py3langid.langid import visit_counts

    ident = languages._identifier()
    data = ident._encode(text)
    ours = languages.visits(ident, data)
    theirs = visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, data)
    assert ours == theirs
    assert list((ours or {}).items()) == list((theirs or {}).items())  # the same order


def test_languages_are_what_py3langid_says() -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    plain = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    plain.set_languages([lang for lang in languages.LANGUAGES if lang in plain.nb_classes])
    assert type(languages._identifier()) is not LanguageIdentifier  # the memoised walk is used
    for text in ["Versand aus Deutschland, beste Qualität, schnelle Lieferung",
                 "Top quality cocaine, fast shipping worldwide, vacuum sealed",
                 "Wysyłka z Polski, najlepsza jakość, szybka dostawa",
                 "Envío desde España, la mejor calidad del mercado"]:
        assert languages._identifier().classify(text) == plain.classify(text)


def test_the_shared_pipeline_is_warm_and_frozen_out_of_the_collectors_sight() -> None:
    import gc

    from nlp import substances
    from nlp.pipeline import shared

    shared()
    assert substances._index.cache_info().currsize == 1  # loaded by the warm-up
    assert gc.get_freeze_count() > 0
