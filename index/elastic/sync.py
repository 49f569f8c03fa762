"""`sync`: copy an embedded SQLite index into a cluster, the way a unit grows from the
default. Idempotent (deterministic ids: a second sync rewrites, never duplicates) and
resumable (run it again after an interruption)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from index import sqlite_rows as rows
from index.elastic import documents as docs
from index.elastic.client import ClusterConfig
from index.elastic.mapping import alias
from index.records import EvidenceLink, Listing
from index.sqlite import SqliteStore

Send = Callable[[list[dict[str, Any]]], None]
Progress = Callable[[str, int], None]


def _actions(source: SqliteStore, prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, bulk action) for every record of the SQLite index."""
    conn = source.conn

    def action(name: str, doc_id: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return name, {"_op_type": "index", "_index": alias(prefix, name), "_id": doc_id, "_source": body}

    for row in conn.execute("SELECT * FROM crawl_runs ORDER BY id"):
        run = rows.run(row)
        yield action("runs", str(run.id), docs.run_doc(run))
    current: dict[tuple[str, str], Listing] = {}
    for row in conn.execute("SELECT * FROM listings ORDER BY market, listing_id"):
        listing = rows.listing(row)
        current[listing.key] = listing
        yield action(
            "listings", docs.doc_id(*listing.key), docs.listing_doc(listing, int(row["last_run_id"] or 0))
        )
    observation_keys: dict[str, str] = {}
    for row in conn.execute("SELECT * FROM observations ORDER BY id"):
        obs = rows.observation(row)
        key = docs.observation_id(obs.market, obs.listing_id, obs.run_id)
        observation_keys[str(obs.id)] = key
        yield action(
            "observations", key, docs.observation_doc(obs, current.get((obs.market, obs.listing_id)))
        )
    runs_started = {r[0]: docs.dt(r[1]) for r in conn.execute("SELECT id, started_at FROM crawl_runs")}
    for run_id, market, listing_id in conn.execute("SELECT run_id, market, listing_id FROM run_listings"):
        seen = current.get((market, listing_id)) or Listing(market, listing_id, "", "")
        yield action(
            "sightings",
            docs.doc_id(run_id, market, listing_id),
            docs.sighting_doc(run_id, runs_started.get(run_id), seen),
        )
    for row in conn.execute("SELECT * FROM vendors ORDER BY market, alias"):
        vendor = rows.vendor(row)
        yield action("vendors", docs.doc_id(vendor.market, vendor.alias), docs.vendor_doc(vendor))
    for row in conn.execute("SELECT * FROM feedback ORDER BY market, key"):
        record = rows.feedback(row)
        yield action("feedback", docs.feedback_id(record), docs.feedback_doc(record))
    for row in conn.execute("SELECT * FROM evidence ORDER BY sha256"):
        evidence = rows.evidence(row)
        yield action("evidence", evidence.sha256, docs.evidence_doc(evidence))
    for row in conn.execute("SELECT * FROM evidence_links"):
        link = rows.link(row)
        if link.record == "observation":
            key = observation_keys.get(link.key)
            if key is None:
                continue  # a link to an observation that no longer exists
            link = EvidenceLink(link.sha256, link.record, link.market, key, link.role)
        yield action("links", docs.link_id(link), docs.link_doc(link))


#: The SQLite table each kind of document comes from (in `_actions`' order).
TABLES = {
    "runs": "crawl_runs", "listings": "listings", "observations": "observations",
    "sightings": "run_listings", "vendors": "vendors", "feedback": "feedback",
    "evidence": "evidence", "links": "evidence_links",
}


def document_counts(path: Path) -> dict[str, int]:
    """Documents per kind that `sync` will send from the SQLite index at `path` (the totals of
    its progress; links to observations that no longer exist are skipped, so `links` may
    overcount by those)."""
    from index.sqlite import SqliteStore

    source = SqliteStore(path, readonly=True)
    try:
        return {kind: int(source.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for kind, table in TABLES.items()}
    finally:
        source.close()


def sync(
    source: SqliteStore,
    config: ClusterConfig,
    send: Send,
    *,
    progress: Progress | None = None,
    batch: int = 1000,
) -> dict[str, int]:
    """Copy everything; returns the number of documents per kind."""
    counts: dict[str, int] = {}
    pending: list[dict[str, Any]] = []
    for kind, action in _actions(source, config.index_prefix):
        counts[kind] = counts.get(kind, 0) + 1
        pending.append(action)
        if len(pending) >= batch:
            send(pending)
            pending = []
            if progress:
                progress(kind, counts[kind])
    send(pending)
    return counts


def highest_run_id(source: SqliteStore) -> int:
    return int(source.conn.execute("SELECT COALESCE(max(id), 0) FROM crawl_runs").fetchone()[0])
