"""Normalize: Unicode NFKC, HTML entities, whitespace; prices into amount and currency;
ships-from/to text into country codes."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

from nlp.countries import countries
from nlp.money import parse_price

_INLINE_SPACE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

TEXT_FIELDS = ("title", "description", "category", "vendor", "ships_from", "ships_to", "alias")


def clean_text(value: str) -> str:
    """NFKC, decoded entities, no control characters, single spaces, at most one blank line."""
    text = unicodedata.normalize("NFKC", html.unescape(value))
    text = _CONTROL.sub("", text)
    lines = [_INLINE_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def normalize_fields(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            out[name] = clean_text(value) if name in TEXT_FIELDS else value.strip()
        elif isinstance(value, list):
            out[name] = [clean_text(v) if isinstance(v, str) else v for v in value]
        else:
            out[name] = value
    price_text = out.get("price")
    if isinstance(price_text, str):
        parsed = parse_price(clean_text(price_text))
        if parsed is None and isinstance(out.get("currency"), str):
            parsed = parse_price(f"{clean_text(price_text)} {out['currency']}")
        if parsed is not None:
            out["price_amount"], out["price_currency"] = parsed
    for name in ("ships_from", "ships_to"):
        raw = out.get(name)
        if isinstance(raw, list):
            raw = ", ".join(raw)
            out[name] = raw
        if isinstance(raw, str):
            out[f"{name}_codes"] = countries(raw)
    return out


class NormalizePipeline:
    def process_item(self, item: Any) -> Any:
        item.normalized = normalize_fields(item.fields)
        return item
