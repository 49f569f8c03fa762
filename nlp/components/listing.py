"""The first and last components: the working state of a listing, then the clean Doc."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp import quantities, repair, substances
from nlp.doc import TEXT_FIELDS, TEXT_KEY, WORK_KEY, add_spans, apply_listing, fields_of, get, put, record_of
from nlp.fold import fold


@dataclass
class Work:
    """What the components share while one listing runs through the pipeline (not data:
    dropped by `vigil_finish_v1` so the Doc stays serialisable)."""

    texts: dict[str, str]  # the fields' texts, mojibake repaired (nlp/repair.py)
    folded: dict[str, str]
    record: dict[str, Any]
    fields: dict[str, tuple[int, int]]
    repaired: dict[str, repair.Repaired]  # the way back to raw offsets
    # each field's leetspeak spans and leet-folded text (`substances.leet_parts`)
    leet: dict[str, tuple[tuple[tuple[int, int], ...], str]] = field(default_factory=dict)
    hits: dict[str, list[substances.Hit]] = field(default_factory=dict)
    measures: dict[str, quantities.Measures] = field(default_factory=dict)
    quantities: list[dict[str, Any]] = field(default_factory=list)


def work(doc: Doc) -> Work:
    """The working state of `doc` (set up by `vigil_listing_v1`, or here if it did not run)."""
    state = doc.user_data.get(WORK_KEY)
    if state is None:
        text = doc.user_data.get(TEXT_KEY) or doc.text
        fields = fields_of(doc)
        repaired = {name: repair.repair(text[s:e]) for name, (s, e) in fields.items()
                    if name in TEXT_FIELDS}
        texts = {name: r.text for name, r in repaired.items()}
        state = Work(texts=texts, folded={f: fold(t) for f, t in texts.items()},
                     record=record_of(doc), fields=fields, repaired=repaired)
        doc.user_data[WORK_KEY] = state
    return state


class ListingStart:
    """Reads the listing's fields out of the Doc and folds them for matching."""

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data.pop(WORK_KEY, None)
        if get(doc, "fields") is None:  # made by nlp.pipe from a `listing_input` pair
            apply_listing(doc, getattr(doc, "_context", None))
        work(doc)
        put(doc, flags=[])
        return doc


class ListingFinish:
    """Maps offsets found on repaired text back to the raw fields (`doc._` values and span
    groups), then drops the working state: what stays on the Doc is plain data."""

    def __call__(self, doc: Doc) -> Doc:
        state = doc.user_data.pop(WORK_KEY, None)
        if state is not None and any(r.changed for r in state.repaired.values()):
            values = {key: get(doc, key) for key in SPAN_KEYS}
            repair.restore_offsets(values, state.repaired, SPAN_KEYS)
            put(doc, **values)
            for group in SPAN_KEYS:
                if group in doc.spans and group != "markets":
                    add_spans(doc, group, values[group] or [], SPAN_LABELS[group], state.fields)
            for group in ("substance_matches", "quantities", "doses"):
                if group in doc.spans:
                    doc.spans[group] = _raw_spans(doc, doc.spans[group], state)
        return doc


#: The contract values that carry field offsets, and the label of their span group.
SPAN_KEYS = ("substances", "mentions", "novel_candidates", "prices", "markets", "shipping_methods")
SPAN_LABELS = {"substances": "name", "mentions": "name", "novel_candidates": "pattern",
               "prices": "currency", "shipping_methods": "name"}


def _raw_spans(doc: Doc, spans: Any, state: Work) -> list[Any]:
    """Span-group spans set on repaired offsets, moved to the raw text's."""
    out = []
    for span in spans:
        for name, (base, end) in state.fields.items():
            r = state.repaired.get(name)
            if r is None or not base <= span.start_char <= end:
                continue
            s, e = r.to_raw(span.start_char - base, span.end_char - base)
            moved = doc.char_span(base + s, base + e, label=span.label_, alignment_mode="expand")
            if moved is not None:
                out.append(moved)
            break
    return out


@Language.factory("vigil_listing_v1", assigns=["doc._.fields", "doc._.record", "doc._.flags"])
def make_listing(nlp: Language, name: str) -> ListingStart:
    return ListingStart()


@Language.factory("vigil_finish_v1", requires=["doc._.fields"])
def make_finish(nlp: Language, name: str) -> ListingFinish:
    return ListingFinish()
