"""Evidence is content-addressed, stored once, and tampering is detected."""

from __future__ import annotations

import gzip
import hashlib

from index.evidence import EvidenceVault


def test_put_is_addressed_by_sha256_and_stored_once(tmp_path):
    vault = EvidenceVault(tmp_path)
    page = b"<html>listing</html>"
    digest, new = vault.put(page)
    assert digest == hashlib.sha256(page).hexdigest()
    assert new is True
    assert vault.put(page) == (digest, False)
    assert vault.get(digest) == page
    assert list(vault.stored()) == [digest]


def test_check_detects_altered_missing_and_corrupt_files(tmp_path):
    vault = EvidenceVault(tmp_path)
    altered, _ = vault.put(b"original")
    vault.path_for(altered).write_bytes(gzip.compress(b"altered"))
    corrupt, _ = vault.put(b"second")
    vault.path_for(corrupt).write_bytes(b"not gzip")
    intact, _ = vault.put(b"third")
    assert "hash mismatch" in vault.check(altered).problem
    assert "corrupt" in vault.check(corrupt).problem
    assert vault.check("0" * 64).problem == "missing"
    assert vault.check(intact) is None
