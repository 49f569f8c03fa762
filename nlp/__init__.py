"""Vigil's extractor: text in, extraction out (see docs/extraction.md).

`extract(record, on=date)` is the one entry point used by `vigil extract` and the crawl
pipeline; `nlp.money.parse_price` / `to_eur` and `nlp.countries.countries` are its stable
helpers.

`extract` is loaded on first use (PEP 562): the extractor pulls in spaCy, and the small helpers
(`nlp.money`, `nlp.lexicon`, …) must stay cheap to import for commands that never extract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlp.extractor import extract

__all__ = ["extract"]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from nlp.extractor import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
