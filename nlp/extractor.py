"""`extract(record)`: one listing in, the extraction contract out (see docs/extraction.md).

A thin conversion: the listing becomes a spaCy `Doc` (`nlp.doc.listing_doc`), the pipeline
(`nlp.pipeline`, components in `nlp.components`) stores what it finds on the Doc, and
`nlp.doc.to_contract` reads the result back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from typing import Any

from nlp.doc import TEXT_FIELDS
from nlp.money import RateTable
from nlp.pipeline import extractor, shared

__all__ = ["TEXT_FIELDS", "extract"]


def extract(
    record: Mapping[str, Any], *, on: date | None = None, rates: RateTable | None = None
) -> dict[str, Any]:
    """Everything the extractor finds in one listing (see the extraction contract).

    `on` is the observation date for currency conversion; `rates` the crypto rate table (the
    caller's settings load it: the core reads no configuration of its own)."""
    return _shared_extractor()(record, on=on, rates=rates)


@cache
def _shared_extractor() -> Callable[..., dict[str, Any]]:
    return extractor(shared())
