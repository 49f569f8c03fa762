"""The `context` component: a standard spaCy `textcat_multilabel` over hashed n-grams.

`spacy.TextCatBOW.v3` hashes each token's ORTH id (a 64-bit hash, not the string) into `LENGTH`
rows of weights, so the weights hold no text. 2**15 rows × 18 labels are about 2.4 MB of
float32; the cost per listing is one hash lookup per token. Unigrams, 2**15 rows and a learning
rate of 0.01 scored best on the held-out split among bigrams/unigrams, 2**14…2**17 rows and
rates 0.001…0.03 (the development set was never used).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import nlp.tokenizer  # noqa: F401  (registers the listing tokenizer)
from nlp.doc import listing_doc
from nlp.training.labels import LABELS

NAME = "context"
LENGTH = 2**15
NGRAM_SIZE = 1
LEARN_RATE = 0.01
THRESHOLD = 0.5

#: The extraction pipeline's tokenizer: the features are hashes of its tokens, so the weights
#: carry over to the extraction pipeline only if both tokenise alike.
TOKENIZER = {"@tokenizers": "vigil.listing_tokenizer.v1"}

MakeDoc = Callable[[Mapping[str, Any]], Doc]


def component_config(length: int = LENGTH, ngram_size: int = NGRAM_SIZE) -> dict[str, Any]:
    return {
        "threshold": THRESHOLD,
        "model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False,
                  "ngram_size": ngram_size, "no_output_layer": False, "length": length},
    }


def add_context(nlp: Language, *, length: int = LENGTH, ngram_size: int = NGRAM_SIZE) -> Language:
    """Add the (untrained) `context` component with its labels to `nlp`."""
    pipe = nlp.add_pipe("textcat_multilabel", name=NAME,
                        config=component_config(length, ngram_size))
    for label in LABELS:
        pipe.add_label(label)
    return nlp


def blank_pipeline(lang: str = "xx", *, length: int = LENGTH) -> Language:
    """The standalone pipeline: `spacy.blank(lang)` with the listing tokenizer + `context`."""
    return add_context(spacy.blank(lang, config={"nlp": {"tokenizer": TOKENIZER}}), length=length)


def listing_doc_maker(nlp: Language) -> MakeDoc:
    """`make_doc(record)`: the extraction pipeline's listing Doc (title, "\n\n", description)
    made with `nlp`'s tokenizer."""

    def make_doc(record: Mapping[str, Any]) -> Doc:
        return listing_doc(nlp, record)

    return make_doc
