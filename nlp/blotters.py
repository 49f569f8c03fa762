"""Blotters sold by their microgram strength without a name: "Tabs 10x 150ug", "200mcg hits x 5".

A listing that names no drug but sells tabs, blotters or hits dosed in micrograms (a typical
LSD dose, 10–1000 µg) offers `LSD`, the drug such blotters are named after. Thyroid hormones,
vitamins and clenbuterol, also sold as microgram tablets, are excluded. Used by
`nlp.listing_rules`.
"""

from __future__ import annotations

import re
from typing import Any

from nlp import quantities
from nlp.prefix_regex import letter_first

_FORM_RE = re.compile(letter_first(
    r"tabs?|blotters?|blotter\spaper|hits?|microdots?|gel\s?tabs?|sheets?|"
    r"papers?|pappen|pappe|buvards?|kartonki|papierki|trips?", r"[^\W_]") + r"(?![^\W_])"
)
_NOT_LSD_RE = re.compile(letter_first(
    r"t3|t4|cytomel|liothyronine|levothyroxine|thyroxine|thyroid|vitamins?|b12|"
    r"folic|selenium|biotin|iodine|clen|melatonin|patch|patches|nasal|spray|inhaler", r"[^\W_]")
    + r"(?![^\W_])"
)
_MIN_UG, _MAX_UG = 10.0, 1000.0
CONFIDENCE = 0.6


def blotter(texts: dict[str, str], folded: dict[str, str],
            measures: dict[str, quantities.Measures]) -> dict[str, Any] | None:
    """An `LSD` substance for tabs sold by a microgram strength with no name, or None."""
    if any(_NOT_LSD_RE.search(t) for t in folded.values()):
        return None
    dosed = any(a.unit == "ug" and _MIN_UG <= a.value <= _MAX_UG
                for m in measures.values() for a in m.quantities + m.doses)
    if not dosed:
        return None
    for field, text in folded.items():
        m = _FORM_RE.search(text)
        if m is not None:
            return {"name": "LSD", "class": "psychedelic", "text": texts[field][m.start():m.end()],
                    "start": m.start(), "end": m.end(), "field": field, "confidence": CONFIDENCE}
    return None
