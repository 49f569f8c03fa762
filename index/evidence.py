"""Content-addressed evidence: raw page bytes, gzip-compressed, named by their SHA-256.

The hash is of the raw bytes as fetched, so anyone can re-hash a decompressed file and
check it against the hash a listing, a report or a notice cites.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.errors import StoreError

_SHA256 = re.compile(r"[0-9a-f]{64}")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_sha256(value: object) -> bool:
    """64 lower-case hex characters, nothing else: the only shape a page's address may have."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def check_sha256(value: object) -> str:
    """`value` when it is a SHA-256 hex digest; ValueError otherwise (checked at every boundary,
    so that no other string ever becomes a path)."""
    if not is_sha256(value):
        raise ValueError(f"not a SHA-256 hex digest (64 characters 0-9a-f): {value!r:.80}")
    return str(value)


@dataclass(frozen=True)
class Mismatch:
    sha256: str
    problem: str  # "missing" | "corrupt" | "hash mismatch (got ...)"


class TamperedEvidence(Exception):
    """A stored page that no longer hashes to its address."""

    def __init__(self, sha256: str, problem: str) -> None:
        self.sha256 = sha256
        self.problem = problem
        super().__init__(f"evidence {sha256} is altered or corrupt: {problem}")


class EvidenceVault:
    """Files under `root/ab/cd/<sha256>.gz`; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}.gz"

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store bytes; returns (sha256, whether they were new)."""
        digest = sha256_of(data)
        path = self.path_for(digest)
        if path.exists():
            return digest, False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except OSError as exc:
            raise StoreError(f"cannot write evidence under {self.root}: {exc}") from exc
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
                gz.write(data)
            os.replace(tmp, path)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise StoreError(f"cannot write evidence under {self.root}: {exc}") from exc
            raise
        return digest, True

    def get(self, sha256: str) -> bytes:
        """The stored bytes, re-hashed: raises `TamperedEvidence` when they no longer hash to
        `sha256` (or cannot be read), so that no caller hands on altered evidence."""
        path = self.path_for(sha256)
        try:
            data = gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as exc:
            if not path.exists():
                raise
            raise TamperedEvidence(sha256, f"corrupt ({exc})") from None
        actual = sha256_of(data)
        if actual != sha256:
            raise TamperedEvidence(sha256, f"content hashes to {actual}")
        return data

    def __contains__(self, sha256: object) -> bool:
        return is_sha256(sha256) and self.path_for(str(sha256)).exists()

    def stored(self) -> Iterator[str]:
        for path in sorted(self.root.glob("*/*/*.gz")):
            name = path.name.removesuffix(".gz")
            if is_sha256(name):
                yield name

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
