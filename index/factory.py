"""`open_store(settings)`: the one place that constructs an index backend.

Everything else (pipelines, services, CLI) receives a `Store` from here, so a new backend
plugs in by adding a branch, not by touching its callers.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Protocol

from index.elastic.client import PRODUCTS, ClusterConfig
from index.errors import StoreError
from index.evidence import EvidenceVault
from index.store import Store

INDEX_FILE = "vigil.sqlite3"
EVIDENCE_DIR = "evidence"
SPOOL_DIR = "spool"


class StoreSettings(Protocol):
    """What the index needs of the application's settings."""

    @property
    def store(self) -> str: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def cluster(self) -> ClusterConfig: ...


def open_store(settings: StoreSettings, *, readonly: bool = False) -> Store:
    """The configured backend. Read-only stores are for searching; a crawl opens one writer.

    Raises FileNotFoundError (read-only, nothing indexed yet) or `index.errors.StoreError`."""
    if settings.store == "sqlite":
        from index.sqlite import SqliteStore

        return SqliteStore(Path(settings.data_dir) / INDEX_FILE, readonly=readonly)
    if settings.store in PRODUCTS:
        from index.elastic.store import ElasticStore

        return ElasticStore(settings.cluster, spool_dir(settings), readonly=readonly)
    raise ValueError(f"unknown store {settings.store!r}; expected: sqlite, {', '.join(PRODUCTS)}")


def spool_dir(settings: StoreSettings) -> Path:
    """Where writes wait while the cluster is down: one spool per cluster index prefix."""
    return Path(settings.data_dir) / SPOOL_DIR / settings.cluster.index_prefix


def check_writable(settings: StoreSettings) -> None:
    """Raise `StoreError` unless the data folder (index and evidence) can be written: a crawl
    checks this before its first request, so that nothing is fetched that could not be kept."""
    data = Path(settings.data_dir)
    try:
        for folder in (data, data / EVIDENCE_DIR):
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
                pass
    except OSError as exc:
        raise StoreError(f"cannot write the data folder {data}: {exc.strerror or exc}") from None


def open_vault(settings: StoreSettings) -> EvidenceVault:
    """The evidence vault that goes with the index (raw pages by SHA-256)."""
    return EvidenceVault(Path(settings.data_dir) / EVIDENCE_DIR)
