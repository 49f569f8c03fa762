"""Content-addressed evidence: raw page bytes, gzip-compressed, named by their SHA-256.

The hash is of the raw bytes as fetched, so anyone can re-hash a decompressed file and
check it against the hash a listing, a report or a notice cites.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Mismatch:
    sha256: str
    problem: str  # "missing" | "corrupt" | "hash mismatch (got ...)"


class EvidenceVault:
    """Files under `root/ab/cd/<sha256>.gz`; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}.gz"

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store bytes; returns (sha256, whether they were new)."""
        digest = sha256_of(data)
        path = self.path_for(digest)
        if path.exists():
            return digest, False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
                gz.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest, True

    def get(self, sha256: str) -> bytes:
        return gzip.decompress(self.path_for(sha256).read_bytes())

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def stored(self) -> Iterator[str]:
        for path in sorted(self.root.glob("*/*/*.gz")):
            yield path.name.removesuffix(".gz")

    def check(self, sha256: str) -> Mismatch | None:
        """Re-hash one stored page; None when it is intact."""
        path = self.path_for(sha256)
        if not path.exists():
            return Mismatch(sha256, "missing")
        try:
            data = gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as exc:
            return Mismatch(sha256, f"corrupt ({exc})")
        actual = sha256_of(data)
        if actual != sha256:
            return Mismatch(sha256, f"hash mismatch (content hashes to {actual})")
        return None
