"""The bounds the extractor enforces on hostile input (the one definition of each)."""

from __future__ import annotations

#: Fields longer than this (in code points) are truncated before extraction. Listings are
#: written by criminals; a 10 MB "description" must not stall the pipeline. Offsets stay valid
#: because truncation only cuts the tail.
MAX_EXTRACTED_CHARS = 20_000

#: Short raw fields (`ships_from`, `ships_to`, `price`) are cut much earlier.
MAX_SHORT_FIELD_CHARS = 500

