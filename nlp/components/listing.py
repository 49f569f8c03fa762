"""The first and last components: the working state of a listing, then the clean Doc."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp import quantities, substances
from nlp.doc import TEXT_FIELDS, TEXT_KEY, WORK_KEY, fields_of, put, record_of
from nlp.fold import fold


@dataclass
class Work:
    """What the components share while one listing runs through the pipeline (not data:
    dropped by `vigil_finish_v1` so the Doc stays serialisable)."""

    texts: dict[str, str]
    folded: dict[str, str]
    record: dict[str, Any]
    fields: dict[str, tuple[int, int]]
    hits: dict[str, list[substances.Hit]] = field(default_factory=dict)
    measures: dict[str, quantities.Measures] = field(default_factory=dict)
    quantities: list[dict[str, Any]] = field(default_factory=list)


def work(doc: Doc) -> Work:
    """The working state of `doc` (set up by `vigil_listing_v1`, or here if it did not run)."""
    state = doc.user_data.get(WORK_KEY)
    if state is None:
        text = doc.user_data.get(TEXT_KEY) or doc.text
        fields = fields_of(doc)
        texts = {name: text[s:e] for name, (s, e) in fields.items() if name in TEXT_FIELDS}
        state = Work(texts=texts, folded={f: fold(t) for f, t in texts.items()},
                     record=record_of(doc), fields=fields)
        doc.user_data[WORK_KEY] = state
    return state


class ListingStart:
    """Reads the listing's fields out of the Doc and folds them for matching."""

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data.pop(WORK_KEY, None)
        work(doc)
        put(doc, flags=[])
        return doc


class ListingFinish:
    """Drops the working state: what stays on the Doc is plain data."""

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data.pop(WORK_KEY, None)
        return doc


@Language.factory("vigil_listing_v1", assigns=["doc._.fields", "doc._.record", "doc._.flags"])
def make_listing(nlp: Language, name: str) -> ListingStart:
    return ListingStart()


@Language.factory("vigil_finish_v1", requires=["doc._.fields"])
def make_finish(nlp: Language, name: str) -> ListingFinish:
    return ListingFinish()
