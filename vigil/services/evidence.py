"""Evidence: preserved pages by SHA-256, what cites them, and whether they are intact.

Every hash from outside is checked (64 hex characters) before it is looked up, and only a
hash the index knows is ever read from the vault, so no string becomes a path outside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from index import open_vault
from index.evidence import TamperedEvidence, check_sha256
from vigil.services.errors import NotFound, UsageError
from vigil.services.index import reading
from vigil.settings import Settings


def _checked(sha256: str) -> str:
    try:
        return check_sha256(sha256.strip().lower())
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def evidence_info(settings: Settings, sha256: str) -> dict[str, Any]:
    """URL, fetch time, HTTP status, size, whether the stored bytes are intact, and every
    record that cites the page (record, market, key, role)."""
    sha256 = _checked(sha256)
    with reading(settings) as store:
        evidence = store.get_evidence(sha256)
        if evidence is None:
            raise NotFound(f"no evidence {sha256} in the index")
        links = store.evidence_links(sha256)
    problem = open_vault(settings).check(sha256)
    return {
        "sha256": sha256,
        "url": evidence.url,
        "fetched_at": evidence.fetched_at.isoformat(),
        "status": evidence.status,
        "size": evidence.size,
        "content_type": evidence.content_type,
        "intact": problem is None,
        "problem": None if problem is None else problem.problem,
        "cited_by": [
            {"record": link.record, "market": link.market, "key": link.key, "role": link.role}
            for link in links
        ],
    }


def evidence_bytes(settings: Settings, sha256: str) -> bytes:
    """A known page's raw bytes, re-hashed: `TamperedEvidence` when they do not match."""
    sha256 = _checked(sha256)
    with reading(settings) as store:
        if store.get_evidence(sha256) is None:
            raise NotFound(f"no evidence {sha256} in the index")
    try:
        return open_vault(settings).get(sha256)
    except FileNotFoundError:
        raise TamperedEvidence(sha256, "the stored file is missing") from None


def screenshots_of(settings: Settings, sha256: str) -> list[dict[str, Any]]:
    """The screenshots kept beside a page (role `screenshot`, cited by the same records, of the
    same URL; crawler/browser.py): `{sha256, url, fetched_at, content_type}`, oldest first."""
    sha256 = _checked(sha256)
    found: dict[str, dict[str, Any]] = {}
    with reading(settings) as store:
        page = store.get_evidence(sha256)
        if page is None:
            raise NotFound(f"no evidence {sha256} in the index")
        for cite in store.evidence_links(sha256):
            for link in store.links_of(cite.record, cite.market, cite.key):
                if link.role != "screenshot" or link.sha256 in found:
                    continue
                shot = store.get_evidence(link.sha256)
                if shot is not None and shot.url == page.url:
                    found[shot.sha256] = {"sha256": shot.sha256, "url": shot.url,
                                          "fetched_at": shot.fetched_at.isoformat(),
                                          "content_type": shot.content_type}
    return sorted(found.values(), key=lambda s: (s["fetched_at"], s["sha256"]))


@dataclass(frozen=True)
class Problem:
    kind: str  # MISMATCH (missing, corrupt or altered) | UNINDEXED (a file no row cites)
    sha256: str
    detail: str


def verify(settings: Settings) -> Iterator[Problem | int]:
    """Re-hash every indexed page; yields each problem, and the running count of pages
    checked every 1,000 pages and at the end (an int)."""
    vault = open_vault(settings)
    known = set()
    checked = 0
    with reading(settings) as store:
        for evidence in store.iter_evidence():
            known.add(evidence.sha256)
            checked += 1
            mismatch = vault.check(evidence.sha256)
            if mismatch is not None:
                yield Problem("MISMATCH", evidence.sha256, f"{mismatch.problem} ({evidence.url})")
            if checked % 1000 == 0:
                yield checked
    for sha256 in vault.stored():
        if sha256 not in known:
            yield Problem("UNINDEXED", sha256, "a stored page no index row cites")
    yield checked


__all__ = ["Problem", "TamperedEvidence", "evidence_bytes", "evidence_info", "screenshots_of", "verify"]
