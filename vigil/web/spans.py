"""The spans of a listing's extraction in one text field, for highlighting: substances,
mentions, novel candidates, prices, shipping methods and market mentions by the extractor's
code-point offsets; quantities, doses and identifiers (crypto addresses, contacts, PGP
fingerprints), which the extraction keeps without offsets, where their text occurs."""

from __future__ import annotations

import re
from typing import Any

Span = tuple[int, int, str, str]

#: (extraction key, highlight kind): entries with `start`, `end` and `field`.
_WITH_OFFSETS = (("substances", "substance"), ("mentions", "substance"), ("novel_candidates", "novel"),
                 ("prices", "price"), ("shipping_methods", "shipping"), ("markets", "market"))
_AMOUNT = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s?(kg|g|gr|grams?|mg|ug|µg|mcg|ml|oz|pcs|pills?|tabs?|tablets?|"
    r"blotters?|caps|capsules?|x)(?!\w)", re.IGNORECASE)


def field_spans(extraction: dict[str, Any] | None, field: str, text: str) -> list[Span]:
    if not extraction or not text:
        return []
    spans: list[Span] = []
    for key, kind in _WITH_OFFSETS:
        for item in extraction.get(key) or []:
            if item.get("field") == field and isinstance(item.get("start"), int):
                spans.append((item["start"], item["end"], kind, _label(key, item)))
    numbers = {float(a["value"]) for key in ("quantities", "doses") for a in extraction.get(key) or []
               if isinstance(a.get("value"), int | float)}
    for match in _AMOUNT.finditer(text):
        value = float(match.group(1).replace(",", "."))
        if value in numbers or value * 1000 in numbers:
            spans.append((match.start(), match.end(), "quantity", "quantity or dose"))
    lowered = text.lower()
    for kind, value in _identifiers(extraction):
        at = lowered.find(value.lower()) if len(value) >= 4 else -1
        while at >= 0:
            spans.append((at, at + len(value), "identifier", kind))
            at = lowered.find(value.lower(), at + len(value))
    return spans


def _label(key: str, item: dict[str, Any]) -> str:
    if key in ("substances", "mentions"):
        return f"{item.get('name')} ({item.get('class')})" + (" mentioned" if key == "mentions" else "")
    if key == "prices":
        return f"{item.get('amount')} {item.get('currency')} = {item.get('eur')} EUR"
    if key == "novel_candidates":
        return f"novel candidate ({item.get('pattern')})"
    return str(item.get("name") or item.get("market") or key)


def _identifiers(extraction: dict[str, Any]) -> list[tuple[str, str]]:
    out = [(f"{a.get('chain')} address", str(a.get("address", ""))) for a in
           extraction.get("crypto_addresses") or []]
    out += [(f"{c.get('kind')} contact", str(c.get("value", ""))) for c in extraction.get("contacts") or []]
    out += [("PGP fingerprint", str(fp)) for fp in extraction.get("pgp_fingerprints") or []]
    return [(kind, value) for kind, value in out if value]
