"""The extractor's matchers as registered spaCy components (factory names end in `_v1`).

`extract()` calls the matchers directly (no `Doc` needed, faster); these components let the
same code run inside a spaCy pipeline, e.g. `make_pipeline()` on `spacy.blank("xx")`:
`doc.spans["substances"]` and `doc.spans["novel_candidates"]` carry char-aligned spans with
the canonical name (or the pattern) as label.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from nlp import lexicon, novel, substances
from nlp.fold import fold


class SubstanceMatcher:
    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for hit in substances.find(doc.text):
            span = doc.char_span(hit.start, hit.end, label=hit.term.entry.canonical,
                                 alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["substances"] = spans
        return doc


class NovelCandidates:
    def __call__(self, doc: Doc) -> Doc:
        known = [(h.start, h.end) for h in substances.find(doc.text)]
        spans = []
        terms = lexicon.load().terms
        for name, start, end in novel.find(doc.text, fold(doc.text), known, terms):
            span = doc.char_span(start, end, label=name, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["novel_candidates"] = spans
        return doc


@Language.factory("vigil_substances_v1", assigns=["doc.spans"])
def make_substances(nlp: Language, name: str) -> SubstanceMatcher:
    return SubstanceMatcher()


@Language.factory("vigil_novel_candidates_v1", assigns=["doc.spans"])
def make_novel(nlp: Language, name: str) -> NovelCandidates:
    return NovelCandidates()


def make_pipeline(lang: str = "xx") -> Language:
    """A blank spaCy pipeline with the extractor's components."""
    pipe = spacy.blank(lang)
    pipe.add_pipe("vigil_substances_v1")
    pipe.add_pipe("vigil_novel_candidates_v1")
    return pipe
