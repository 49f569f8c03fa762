"""Faults injected into real crawls by tests (named in Scrapy settings, never in the product)."""

from __future__ import annotations

from typing import Any


class FailOnBoom:
    """An item pipeline that raises on a listing whose description says BOOM."""

    def process_item(self, item: Any) -> Any:
        if "BOOM" in str(item.fields.get("description", "")):
            raise ValueError("a pipeline failed on purpose")
        return item
