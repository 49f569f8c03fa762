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


__all__ = ["Problem", "TamperedEvidence", "evidence_bytes", "evidence_info", "verify"]
