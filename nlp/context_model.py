"""The shipped `context` model (nlp/model/context/, a spaCy pipeline directory): load it once,
read `cats` for listings, and the extraction with the model arbitrating (`nlp.arbitration`).

The directory is a standalone pipeline (the listing tokenizer + `context`), loaded with
`spacy.load`; its docs are the extraction pipeline's listing Docs (`nlp.doc.listing_doc`), so
`nlp.pipeline.package` copies the component's weights into the packaged extraction pipeline
as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from nlp import substances
from nlp.arbitration import arbitrate
from nlp.doc import TEXT_FIELDS, field_text, listing_doc
from nlp.limits import MAX_EXTRACTED_CHARS
from nlp.training.model import NAME

MODEL_DIR = Path(__file__).resolve().parent / "model" / "context"


@cache
def load(path: Path = MODEL_DIR) -> Language:
    return spacy.load(path)


def cats_many(records: Iterable[Mapping[str, Any]], *, nlp: Language | None = None,
              batch_size: int = 256) -> list[dict[str, float]]:
    """The `context` component's scores for each record (batched through `nlp.pipe`)."""
    nlp = nlp or load()
    docs = (listing_doc(nlp, r) for r in records)
    with nlp.select_pipes(enable=[NAME]):
        return [dict(doc.cats) for doc in nlp.pipe(docs, batch_size=batch_size)]


def cats(record: Mapping[str, Any], *, nlp: Language | None = None) -> dict[str, float]:
    return cats_many([record], nlp=nlp)[0]


def candidates(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every alias the substance matcher finds in the record's title and description (what the
    extraction pipeline keeps as `doc.spans["substance_matches"]`)."""
    out: list[dict[str, Any]] = []
    for f in TEXT_FIELDS:
        text = field_text(record, f, MAX_EXTRACTED_CHARS)
        for h in substances.find(text):
            out.append({"name": h.term.entry.canonical, "class": h.term.entry.cls,
                        "text": text[h.start : h.end], "start": h.start, "end": h.end, "field": f})
    return out


def with_context(extract: Callable[..., dict[str, Any]], *, nlp: Language | None = None
                 ) -> Callable[..., dict[str, Any]]:
    """An `extract(record, **kw)` whose result the model arbitrates over."""

    def run(record: Mapping[str, Any], **kw: Any) -> dict[str, Any]:
        return arbitrate(extract(record, **kw), cats(record, nlp=nlp), candidates(record))

    return run
