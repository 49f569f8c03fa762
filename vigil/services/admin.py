"""Looking after the index: the plain functions behind `vigil index …`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from index import open_store
from index.factory import INDEX_FILE
from index.store import Store
from vigil.services.errors import UsageError
from vigil.services.index import describe
from vigil.settings import Settings

Progress = Callable[[str, int], None]


def _cluster_store(settings: Settings, what: str) -> Any:
    if settings.store == "sqlite":
        raise UsageError(f"`{what}` is for a cluster: set VIGIL_STORE=elasticsearch or opensearch")
    return open_store(settings)


def init(settings: Settings) -> dict[str, Any]:
    """Create what the index needs (SQLite file and migrations, or templates, versioned
    indices and aliases); idempotent."""
    store = open_store(settings)
    try:
        return _status(settings, store)
    finally:
        store.close()


def status(settings: Settings) -> dict[str, Any]:
    """What the index holds and what waits in the spool; changes nothing (no replay, no
    creation: `init` creates, `replay` sends)."""
    try:
        store = open_store(settings, readonly=True)
    except FileNotFoundError as exc:
        return {"store": settings.store, "where": describe(settings), "health": "empty", "error": str(exc),
                "indices": {}, "spool": {"backlog": 0}}
    try:
        return _status(settings, store)
    finally:
        store.close()


def _status(settings: Settings, store: Store) -> dict[str, Any]:
    own = getattr(store, "status", None)
    if callable(own):
        found = dict(own())
    else:
        path = Path(settings.data_dir) / INDEX_FILE
        found = {
            "product": "sqlite",
            "health": "ok",
            "path": str(path),
            "bytes": path.stat().st_size if path.exists() else 0,
            "indices": {
                "listings": {"documents": store.count_listings()},
                "observations": {"documents": store.count_observations()},
                "vendors": {"documents": len(store.vendors())},
            },
            "spool": {"backlog": 0},
        }
    found["store"] = settings.store
    found["where"] = describe(settings)
    return found


def migrate(
    settings: Settings, *, force: bool = False, progress: Progress | None = None
) -> list[dict[str, str]]:
    """Move indices whose mapping is older than the code's to new versions (copy, then one
    atomic alias swap). SQLite migrates itself whenever it is opened."""
    if settings.store == "sqlite":
        init(settings)
        return []
    store = _cluster_store(settings, "vigil index migrate")
    try:
        moved = store.migrate(force=force, progress=progress)
    finally:
        store.close()
    return [{"kind": name, "from": old, "to": new} for name, old, new in moved]


def sync(settings: Settings, source: Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Copy the SQLite index in `source` (a data folder) into the configured cluster."""
    path = Path(source) / INDEX_FILE
    if not path.is_file():
        raise UsageError(f"no SQLite index at {path}")
    store = _cluster_store(settings, "vigil index sync")
    try:
        return dict(store.import_sqlite(path, progress=progress))
    finally:
        store.close()


def sync_totals(source: Path) -> dict[str, int]:
    """Documents per kind that `sync` will copy from the SQLite index in `source` (for progress)."""
    from index.elastic.sync import document_counts

    path = Path(source) / INDEX_FILE
    return document_counts(path) if path.is_file() else {}


def migrate_totals(settings: Settings, *, force: bool = False) -> dict[str, int]:
    """Documents per kind that `migrate` will copy (for progress): indices behind the code's
    mapping, or all of them with `force`."""
    if settings.store == "sqlite":
        return {}
    totals = {}
    for name, info in status(settings).get("indices", {}).items():
        version, wanted = info.get("version"), info.get("wanted_version")
        if version is not None and (force or (wanted is not None and version < wanted)):
            totals[name] = int(info.get("documents") or 0)
    return totals


def replay(settings: Settings) -> dict[str, int]:
    """Send what waits in the spool to the cluster, in order."""
    store = _cluster_store(settings, "vigil index replay")
    try:
        applied = store.replay()
        return {"applied": applied, "backlog": store.backlog()}
    finally:
        store.close()
