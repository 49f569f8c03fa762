"""The tokenizer for listing text: spaCy's multi-language rules plus listing habits.

Listings glue amounts to names (`Ketamine1g`, `MDMA100mg`), write counts as `10x` / `x10`, and
use a few tokens that must stay whole (`#3` heroin, `1/2` ounce, `w/`). The extractor's
matchers work on characters, so tokens matter for spans (`doc.spans[...]` align to them) and
for the context model's features, not for what is found.
"""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

# a word glued to an amount ("Ketamine1g", "MDMA84%"): split where letters turn to digits
# (a one-character look-behind: the tokenizer tries infixes on every new token)
_GLUED_AMOUNT = r"(?<=[a-zA-Z])(?=[0-9])"
_COUNT_PREFIX = r"x(?=\d)"
_COUNT_SUFFIX = r"(?<=\d)x"
_KEEP_WHOLE = ("#3", "#4", "1/2", "1/4", "1/8", "1/16", "3/4", "w/", "w/o", "b+", "a+")


@spacy.registry.tokenizers("vigil.listing_tokenizer.v1")
def create_listing_tokenizer() -> Callable[[Language], Tokenizer]:
    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        prefixes = compile_prefix_regex([_COUNT_PREFIX, *defaults.prefixes])
        suffixes = compile_suffix_regex([_COUNT_SUFFIX, *defaults.suffixes])
        infixes = compile_infix_regex([_GLUED_AMOUNT, *defaults.infixes])
        rules = dict(defaults.tokenizer_exceptions)
        for orth in _KEEP_WHOLE:
            rules[orth] = [{"ORTH": orth}]
            rules[orth.upper()] = [{"ORTH": orth.upper()}]
        return Tokenizer(nlp.vocab, rules=rules, prefix_search=prefixes.search,
                         suffix_search=suffixes.search, infix_finditer=infixes.finditer,
                         token_match=defaults.token_match, url_match=defaults.url_match)

    return make
