"""The extractor's spaCy components (factory names end in `_v1`; see `nlp/config.cfg`).

Importing this package registers them (spaCy also finds them through the `spacy_factories`
entry points, so `spacy.load` of the packaged pipeline works in a process that never imported
Vigil). Order and dependencies are declared with `requires` / `assigns`:

    vigil_listing_v1 → vigil_substances_v1 → vigil_amounts_v1 → vigil_offers_v1 →
    vigil_novel_v1 → vigil_prices_v1 → vigil_identifiers_v1 → vigil_places_v1 →
    vigil_finish_v1
"""

from __future__ import annotations

from nlp.components import identifiers, listing, matching, measures

__all__ = ["identifiers", "listing", "matching", "measures"]
