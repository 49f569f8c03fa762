"""The shipped `context` model (nlp/model/context/, a spaCy pipeline directory): load it once,
and read `cats` for listings. Inside the extraction pipeline the model arbitrates through the
`arbitration` component (`nlp.pipeline.assemble` puts a trained model there).

The directory is a standalone pipeline (the listing tokenizer + `context`), loaded with
`spacy.load`; its docs are the extraction pipeline's listing Docs (`nlp.doc.listing_doc`), so
`nlp.pipeline.package` copies the component's weights into the packaged extraction pipeline
as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from nlp.doc import listing_doc
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
