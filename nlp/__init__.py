"""Vigil's extractor: text in, extraction out (see docs/extraction.md).

`extract(record, on=date)` is the one entry point used by `vigil extract` and the crawl
pipeline; `nlp.money.parse_price` / `to_eur` and `nlp.countries.countries` are its stable
helpers.
"""

from __future__ import annotations

from nlp.extractor import extract

__all__ = ["extract"]
