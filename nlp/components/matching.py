"""Substances from the lexicon, what the listing offers of them, and novel candidates."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp import listing_rules, novel, substances
from nlp.arbitration import arbitrate, product_candidates
from nlp.components.listing import work
from nlp.context import load as load_context
from nlp.doc import TEXT_FIELDS, add_spans, get, put
from nlp.lexicon import load as load_lexicon


class SubstanceMatcher:
    """Every lexicon alias in the listing (`doc.spans["substance_matches"]`, label = the
    canonical name), offered or not: `vigil_offers_v1` decides."""

    def __call__(self, doc: Doc) -> Doc:
        state = work(doc)
        state.leet = {f: substances.leet_parts(state.folded[f]) for f in TEXT_FIELDS}
        state.hits = {f: substances.find(state.texts[f], state.folded[f], state.leet[f])
                      for f in TEXT_FIELDS}
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


class Arbitration:
    """The context model (`doc.cats`, from the `context` component) arbitrates over what the
    listing rules decided (`nlp.arbitration`): it moves names between `substances` and
    `mentions`, and never adds one the matcher did not find. Without `doc.cats` (the
    component removed) the rules' decision stands."""

    def __call__(self, doc: Doc) -> Doc:
        if not doc.cats:
            return doc
        state = work(doc)
        decided = {"substances": get(doc, "substances") or [],
                   "mentions": get(doc, "mentions") or [], "flags": get(doc, "flags") or []}
        # only a listing where the rules kept nothing can be rescued: the candidates and the
        # everyday words matter there only (`arbitrate` reads them in that case alone)
        rescue = not decided["substances"] and not decided["mentions"]
        candidates: list[dict[str, Any]] = []
        if rescue:
            candidates = [{"name": h.term.entry.canonical, "class": h.term.entry.cls,
                           "text": state.texts[f][h.start : h.end], "start": h.start, "end": h.end,
                           "field": f} for f in TEXT_FIELDS for h in state.hits[f]]
            candidates += [{**c, "text": state.texts[c["field"]][c["start"] : c["end"]]}
                           for c in product_candidates(state.folded)]
        everyday = rescue and any(load_context().non_drug(state.folded[f]) for f in TEXT_FIELDS)
        out = arbitrate(decided, doc.cats, candidates, everyday=everyday)
        if out != decided:
            put(doc, substances=out["substances"], mentions=out["mentions"], flags=out["flags"])
            add_spans(doc, "substances", out["substances"], "name", state.fields)
            add_spans(doc, "mentions", out["mentions"], "name", state.fields)
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
            leeted = state.leet[f][1] if f in state.leet else None
            for name, s, e in novel.find(text, state.folded[f], known, terms, seen, leeted):
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


@Language.factory("vigil_arbitration_v1", requires=["doc._.substances", "doc.cats"],
                  assigns=["doc._.substances", "doc._.mentions", "doc._.flags", "doc.spans"])
def make_arbitration(nlp: Language, name: str) -> Arbitration:
    return Arbitration()


@Language.factory("vigil_novel_v1", requires=["doc.spans"],
                  assigns=["doc._.novel_candidates", "doc._.flags", "doc.spans"])
def make_novel(nlp: Language, name: str) -> NovelCandidates:
    return NovelCandidates()
