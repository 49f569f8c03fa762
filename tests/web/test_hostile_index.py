"""The hostile corpus as the crawler stored it: escaped payloads kept as text, raw markup reduced
to its text, and the evidence keeping the page as served (what the browser tests then show)."""

from __future__ import annotations

import re

from webharness import HostileIndex

from vigil.services.evidence import evidence_bytes
from vigil.services.listings import listing_detail
from vigil.services.vendors import vendor_profile
from vigil.settings import load_settings

#: C0 controls other than tab and newline: the crawler drops them from text (they are invisible
#: and break terminals), so the stored title is the payload without them.
C0 = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _settings(index: HostileIndex):
    return load_settings(environ={}, data_dir=index.data)


def test_escaped_payloads_are_stored_as_their_text(hostile_index: HostileIndex) -> None:
    settings = _settings(hostile_index)
    titles = [h for h in hostile_index.hostile if h.field == "title"]
    assert len(titles) >= 30
    found = 0
    for h in titles:
        stored = listing_detail(settings, "nightowl", h.listing_id)
        assert stored["title"] == C0.sub("", hostile_index.listings[h.listing_id].title)
        found += bool(stored["substances"])
    # still drug listings to the extractor (the odd one, "3M 1 OZ", it does not read as 3-MMC)
    assert found >= 0.9 * len(titles)
    for h in (h for h in hostile_index.hostile if h.field == "description" and not h.raw):
        stored = listing_detail(settings, "nightowl", h.listing_id)
        words = " ".join(stored["description"].split())  # the market's <br> is a line break of its own
        assert words.startswith(" ".join(h.payload.split())), (h.payload, stored["description"][:200])


def test_raw_markup_is_stored_as_text_and_kept_verbatim_in_the_evidence(hostile_index: HostileIndex) -> None:
    settings = _settings(hostile_index)
    raw = [h for h in hostile_index.hostile if h.field == "description" and h.raw]
    assert raw
    for h in raw:
        stored = listing_detail(settings, "nightowl", h.listing_id)
        assert "<script" not in stored["description"] and "onerror" not in stored["description"]
        page = next(p for p in stored["pages"] if p["url"].rstrip("/").endswith("/" + h.listing_id))
        captured = evidence_bytes(settings, page["sha256"]).decode("utf-8")
        assert h.payload.split("\n")[0] in captured  # the live markup, as the market served it


def test_hostile_vendor_names_are_stored_and_profiled(hostile_index: HostileIndex) -> None:
    settings = _settings(hostile_index)
    vendors = [h.vendor for h in hostile_index.hostile if h.field == "vendor"]
    assert len(vendors) >= 8
    for alias in vendors:
        profile = vendor_profile(settings, "nightowl", alias)
        assert profile["alias"] == alias
        assert profile["listings"], alias
