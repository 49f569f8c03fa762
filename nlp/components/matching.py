"""Substances from the lexicon, what the listing offers of them, and novel candidates."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp import listing_rules, novel, substances
from nlp.components.listing import work
from nlp.doc import TEXT_FIELDS, add_spans, get, put
from nlp.lexicon import load as load_lexicon


class SubstanceMatcher:
    """Every lexicon alias in the listing (`doc.spans["substance_matches"]`, label = the
    canonical name), offered or not: `vigil_offers_v1` decides."""

    def __call__(self, doc: Doc) -> Doc:
        state = work(doc)
        state.hits = {f: substances.find(state.texts[f], state.folded[f]) for f in TEXT_FIELDS}
        matches = [{"field": f, "start": h.start, "end": h.end, "name": h.term.entry.canonical}
                   for f in TEXT_FIELDS for h in state.hits[f]]
        add_spans(doc, "substance_matches", matches, "name", state.fields)
        return doc


class Offers:
    """The listing rules (`nlp.listing_rules`): `doc._.substances`, `doc._.mentions` and the
    listing flags (`guide`, `non_drug`, `precursor`, `counterfeit_medicine`)."""

    def __call__(self, doc: Doc) -> Doc:
        state = work(doc)
        found, mentions, flags = listing_rules.offered(state.texts, state.folded, state.hits,
                                                       state.measures)
        put(doc, substances=found, mentions=mentions, flags=[*(get(doc, "flags") or []), *flags])
        add_spans(doc, "substances", found, "name", state.fields)
        add_spans(doc, "mentions", mentions, "name", state.fields)
        return doc


class NovelCandidates:
    """Names shaped like an NPS family that no lexicon entry knows (`nlp.novel`)."""

    def __call__(self, doc: Doc) -> Doc:
        state = work(doc)
        terms = load_lexicon().terms
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for f in TEXT_FIELDS:
            text = state.texts[f]
            if not text:
                continue
            known = [(h.start, h.end) for h in state.hits.get(f, [])]
            for name, s, e in novel.find(text, state.folded[f], known, terms, seen):
                out.append({"text": text[s:e], "start": s, "end": e, "field": f, "pattern": name})
        put(doc, novel_candidates=out)
        if out:
            put(doc, flags=[*(get(doc, "flags") or []), "novel_candidate"])
        add_spans(doc, "novel_candidates", out, "pattern", state.fields)
        return doc


@Language.factory("vigil_substances_v1", requires=["doc._.fields"], assigns=["doc.spans"])
def make_substances(nlp: Language, name: str) -> SubstanceMatcher:
    return SubstanceMatcher()


@Language.factory("vigil_offers_v1", requires=["doc.spans", "doc._.quantities"],
                  assigns=["doc._.substances", "doc._.mentions", "doc._.flags", "doc.spans"])
def make_offers(nlp: Language, name: str) -> Offers:
    return Offers()


@Language.factory("vigil_novel_v1", requires=["doc.spans"],
                  assigns=["doc._.novel_candidates", "doc._.flags", "doc.spans"])
def make_novel(nlp: Language, name: str) -> NovelCandidates:
    return NovelCandidates()
