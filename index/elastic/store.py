"""`Store` on Elasticsearch or OpenSearch (one code path; only the client differs).

Writes go through `BulkWriter`: batched, retried, and spooled to disk when the cluster is
down. A sighting (`record_listing`) needs the stored state to decide what changed; when the
cluster cannot be read it is spooled whole and decided when the spool is replayed, against
the state the earlier operations left: the same decision, only later.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from index.elastic import admin, locks
from index.elastic import documents as docs
from index.elastic.client import ClusterConfig, classify, connect, healthy
from index.elastic.reads import ClusterReads
from index.elastic.writer import BulkWriter, ClusterUnavailable
from index.errors import StoreError
from index.evidence import check_sha256
from index.records import (
    CrawlRun,
    Evidence,
    EvidenceLink,
    Feedback,
    Listing,
    LockOwner,
    Observation,
    Vendor,
)
from index.spool import Spool
from index.store import Pages
from index.versioning import Recorded, plan

logger = logging.getLogger(__name__)

#: The indices a flush makes searchable (not locks and counters, written synchronously).
REFRESHED = ("listings", "observations", "sightings", "vendors", "runs", "evidence", "links", "feedback")
#: How often a spooling writer looks whether the cluster is back (seconds).
RETRY_REPLAY_EVERY = 5.0


class ElasticStore(ClusterReads):
    """The Store protocol on a cluster: reads from `ClusterReads`, writes through the bulk
    writer and the spool."""

    def __init__(self, config: ClusterConfig, spool_dir: Path, *, readonly: bool = False) -> None:
        self.config = config
        self.client = connect(config)
        self.readonly = readonly
        self.spool = Spool(spool_dir)
        self.writer = BulkWriter(self.client, self.spool)
        self._seen: set[tuple[int, str, str]] = set()  # sent or queued
        self._spooled_seen: set[tuple[int, str, str]] = set()  # waiting in the spool
        self._written: dict[tuple[str, str], Listing] = {}  # queued, not yet sent
        self._vendors_written: dict[str, dict[str, Any]] = {}  # queued, not yet sent
        self._last_replay_try = 0.0
        if readonly:
            try:
                exists = self._call("open", self.client.indices.exists_alias, name=self._index("listings"))
            except ClusterUnavailable:
                return  # `status` reports it with the spool; a search raises on its own call
            if not exists:
                raise FileNotFoundError(
                    f"no Vigil index ({config.index_prefix}-*) on {self._where}: crawl something first"
                )
            return
        try:
            admin.ensure_indices(self.client, config)
            if self.spool.backlog():
                self.replay()
        except ClusterUnavailable:
            pass  # writes go to the spool until the cluster returns
        except Exception as exc:
            if classify(exc) != "unavailable":
                raise StoreError(f"cannot open the index on {self._where}: {exc}") from exc
            self.writer.divert()

    def _refresh(self, *names: str) -> None:
        self._call("refresh", self.client.indices.refresh, index=",".join(self._index(n) for n in names))

    def _action(self, name: str, doc_id: str, source: dict[str, Any], op: str = "index") -> dict[str, Any]:
        return {"_op_type": op, "_index": self._index(name), "_id": doc_id, "_source": source}

    def _links(self, pages: Pages, record: str, market: str, key: str) -> list[dict[str, Any]]:
        out = []
        for sha, role in pages:
            link = EvidenceLink(check_sha256(sha), record, market, key, role)  # type: ignore[arg-type]
            out.append(self._action("links", docs.link_id(link), docs.link_doc(link)))
        return out

    # --- durability ---------------------------------------------------------------------
    def flush(self) -> None:
        self.writer.flush()
        self._written.clear()
        self._vendors_written.clear()
        if self.writer.spooling:
            self._try_replay(force=True)
        if not self.writer.spooling:
            with contextlib.suppress(ClusterUnavailable):
                self._refresh(*REFRESHED)

    def backlog(self) -> int:
        return self.spool.backlog()

    def _try_replay(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_replay_try < RETRY_REPLAY_EVERY:
            return
        self._last_replay_try = now
        if not healthy(self.client):
            return  # still down: keep spooling
        with contextlib.suppress(ClusterUnavailable):
            self.replay()

    def replay(self) -> int:
        """Apply the spool in order; the writer stops spooling once it is empty."""
        self.writer.flush()
        self._written.clear()
        self._vendors_written.clear()
        applied = self.spool.replay(self._apply_ops)
        if self.spool.backlog() == 0:
            self.writer.spooling = False
        if applied:
            logger.info("replayed %d spooled operations into %s", applied, self._where)
        return applied

    def _apply_ops(self, ops: list[dict[str, Any]]) -> None:
        batch: list[dict[str, Any]] = []
        for op in ops:
            kind = op["op"]
            if kind == "bulk":
                batch.extend(op["actions"])
                continue
            self.writer.send(batch)  # what came before is in the cluster before deciding
            batch = []
            if kind == "record":
                listing = docs.listing_of(op["listing"])
                self._record(listing, int(op["run_id"]), [tuple(p) for p in op["pages"]], send=True)
            elif kind == "vendor":
                self._write_vendor(docs.vendor_of(op["vendor"]), [tuple(p) for p in op["pages"]], send=True)
            elif kind == "release":
                owner = LockOwner(op["host"], int(op["pid"]), op["token"])
                self._call(
                    "release lock",
                    locks.update_mine,
                    self.client,
                    self._index("locks"),
                    op["market"],
                    owner,
                    delete=True,
                )
            else:
                raise StoreError(f"unknown spooled operation {kind!r}")
        self.writer.send(batch)

    # --- crawl runs and locks -------------------------------------------------------------
    def acquire_lock(self, market: str, owner: LockOwner, now: datetime, stale_after: float) -> list[int]:
        if self.writer.spooling:
            self._try_replay(force=True)
        self._call(
            "take the lock", locks.acquire, self.client, self._index("locks"), market, owner, now, stale_after
        )
        stale = []
        for source in self._scan(
            "runs",
            {"bool": {"filter": [{"term": {"market": market}}, {"term": {"status": "running"}}]}},
            [{"id": "asc"}],
        ):
            run = docs.run_of(source)
            run.status = "failed"
            run.finished_at = now
            run.stats = {**run.stats, "close_reason": "stale_lock"}
            self._call(
                "mark a stale run",
                self.client.index,
                index=self._index("runs"),
                id=str(run.id),
                body=docs.run_doc(run),
                refresh=True,
            )
            stale.append(int(run.id or 0))
        return stale

    def heartbeat(self, market: str, owner: LockOwner, now: datetime) -> None:
        self._call(
            "heartbeat",
            locks.update_mine,
            self.client,
            self._index("locks"),
            market,
            owner,
            heartbeat_at=docs.ts(now),
        )

    def release_lock(self, market: str, owner: LockOwner) -> None:
        op = {"op": "release", "market": market, "host": owner.host, "pid": owner.pid, "token": owner.token}
        if self.writer.spooling:
            self.writer.spool_ops([op])
            return
        try:
            self._call(
                "release lock",
                locks.update_mine,
                self.client,
                self._index("locks"),
                market,
                owner,
                delete=True,
            )
        except ClusterUnavailable:
            self.writer.spool_ops([op])

    def start_run(self, run: CrawlRun, owner: LockOwner | None = None) -> CrawlRun:
        run.id = self._call("next run id", locks.next_value, self.client, self._index("counters"), "runs")
        self._call(
            "start run",
            self.client.index,
            index=self._index("runs"),
            id=str(run.id),
            body=docs.run_doc(run),
            refresh=True,
        )
        if owner is not None:
            self._call(
                "lock run",
                locks.update_mine,
                self.client,
                self._index("locks"),
                run.market,
                owner,
                run_id=run.id,
            )
        return run

    def finish_run(self, run: CrawlRun) -> None:
        self.writer.submit([self._action("runs", str(run.id), docs.run_doc(run))])
        self.flush()

    # --- listings ---------------------------------------------------------------------------
    def get_listing(self, market: str, listing_id: str) -> Listing | None:
        queued = self._written.get((market, listing_id))
        if queued is not None:
            return queued
        source = self._get("listings", docs.doc_id(market, listing_id))
        return None if source is None else docs.listing_of(source)

    def seen_in_run(self, run_id: int, market: str, listing_id: str) -> bool:
        if (run_id, market, listing_id) in self._seen:
            return True
        return self._get("sightings", docs.doc_id(run_id, market, listing_id)) is not None

    def _seen_and_previous(self, run_id: int, market: str, listing_id: str) -> tuple[bool, Listing | None]:
        """Whether this run has recorded the listing, and its stored state: one round trip."""
        if (run_id, market, listing_id) in self._seen:
            return True, None
        queued = self._written.get((market, listing_id))
        docs_ = [{"_index": self._index("sightings"), "_id": docs.doc_id(run_id, market, listing_id)}]
        if queued is None:
            docs_.append({"_index": self._index("listings"), "_id": docs.doc_id(market, listing_id)})
        found = self._call("read listing", self.client.mget, body={"docs": docs_})["docs"]
        for doc in found:
            if "error" in doc:
                raise StoreError(f"read {doc.get('_index')}/{doc.get('_id')} failed: {doc['error']}")
        if found[0].get("found"):
            return True, None
        if queued is not None:
            return False, queued
        return False, docs.listing_of(found[1]["_source"]) if found[1].get("found") else None

    def record_listing(self, listing: Listing, run_id: int, pages: Pages = ()) -> Recorded:
        if self.writer.spooling:
            self._try_replay()
        if self.writer.spooling:
            return self._spool_record(listing, run_id, pages)
        try:
            return self._record(listing, run_id, pages)
        except ClusterUnavailable:
            self._start_spooling()
            return self._spool_record(listing, run_id, pages)

    def _start_spooling(self) -> None:
        """The queue goes to the spool first, so that the spool keeps the order of writes."""
        self.writer.divert()
        self._written.clear()
        self._vendors_written.clear()

    def _spool_record(self, listing: Listing, run_id: int, pages: Pages) -> Recorded:
        key = (run_id, listing.market, listing.listing_id)
        if key in self._seen or key in self._spooled_seen:
            return Recorded("duplicate")
        self.writer.spool_ops(
            [
                {
                    "op": "record",
                    "listing": docs.listing_doc(listing, run_id),
                    "run_id": run_id,
                    "pages": list(pages),
                }
            ]
        )
        self._spooled_seen.add(key)
        return Recorded("spooled")

    def _record(self, listing: Listing, run_id: int, pages: Pages, *, send: bool = False) -> Recorded:
        seen, previous = self._seen_and_previous(run_id, listing.market, listing.listing_id)
        if seen:
            return Recorded("duplicate")
        recorded, state, observation = plan(previous, listing, run_id)
        actions = self._listing_actions(state, observation, run_id, pages)
        if send:
            self.writer.send(actions)
        else:
            self.writer.submit(actions)
            self._written[listing.key] = state
        self._seen.add((run_id, listing.market, listing.listing_id))
        return recorded

    def _listing_actions(
        self, listing: Listing, observation: Observation | None, run_id: int, pages: Pages
    ) -> list[dict[str, Any]]:
        key = docs.doc_id(listing.market, listing.listing_id)
        assert listing.last_seen is not None
        actions = [
            self._action("listings", key, docs.listing_doc(listing, run_id)),
            self._action(
                "sightings",
                docs.doc_id(run_id, listing.market, listing.listing_id),
                docs.sighting_doc(run_id, listing.last_seen, listing),
            ),
            *self._links(pages, "listing", listing.market, listing.listing_id),
        ]
        if observation is not None:
            obs_id = docs.observation_id(observation.market, observation.listing_id, observation.run_id)
            actions.append(self._action("observations", obs_id, docs.observation_doc(observation, listing)))
            actions.extend(self._links(pages, "observation", listing.market, obs_id))
        return actions

    def write_listing(
        self, listing: Listing, observation: Observation | None, run_id: int, pages: Pages = ()
    ) -> None:
        self.writer.submit(self._listing_actions(listing, observation, run_id, pages))
        self._written[listing.key] = listing
        self._seen.add((run_id, listing.market, listing.listing_id))

    def touch_listing(
        self, market: str, listing_id: str, seen_at: datetime, run_id: int, pages: Pages = ()
    ) -> None:
        listing = self.get_listing(market, listing_id)
        if listing is None:
            raise StoreError(f"no listing {market}/{listing_id} to touch")
        listing.last_seen = seen_at
        self.write_listing(listing, None, run_id, pages)

    def mark_removed(self, market: str, run_id: int, at: datetime, confirm_runs: int = 1) -> list[str]:
        self.flush()
        if self.writer.spooling:
            raise ClusterUnavailable("cannot decide removals while writes are spooled")
        query: dict[str, Any] = {
            "bool": {
                "filter": [{"term": {"market": market}}, {"term": {"status": "active"}}],
                "must_not": [{"term": {"last_run_id": run_id}}],
            }
        }
        if confirm_runs > 1:
            # missed by the N - 1 previous complete runs too: last seen before the oldest of them
            oldest = self._earlier_ok_run(market, run_id, confirm_runs - 1)
            if oldest is None:
                return []
            query["bool"]["filter"].append({"range": {"last_run_id": {"lt": oldest}}})
        sources = list(self._scan("listings", query, [{"listing_id": "asc"}]))
        gone = [docs.listing_of(source) for source in sources]
        actions: list[dict[str, Any]] = []
        for listing, source in zip(gone, sources, strict=True):
            listing.status = "removed"
            listing.removed_at = at
            key = docs.doc_id(market, listing.listing_id)
            actions.append(
                self._action("listings", key, docs.listing_doc(listing, int(source["last_run_id"])))
            )
            obs = Observation(
                market,
                listing.listing_id,
                run_id,
                at,
                listing.price,
                False,
                tuple(listing.evidence),
                "removed",
                sales=listing.sales,
                feedback_count=listing.feedback_count,
                stock=listing.stock,
            )
            obs_id = docs.observation_id(market, listing.listing_id, run_id)
            actions.append(self._action("observations", obs_id, docs.observation_doc(obs, listing)))
        self.writer.send(actions)
        self._refresh("listings", "observations")
        return [listing.listing_id for listing in gone]

    def _earlier_ok_run(self, market: str, run_id: int, back: int) -> int | None:
        """The id of the `back`-th `ok` run of `market` before run `run_id` (1: the latest)."""
        query = {"bool": {"filter": [
            {"term": {"market": market}}, {"term": {"status": "ok"}}, {"range": {"id": {"lt": run_id}}},
        ]}}
        hits = self._search("runs", {"query": query, "sort": [{"id": "desc"}], "size": back,
                                     "_source": ["id"]})["hits"]["hits"]
        return int(hits[-1]["_source"]["id"]) if len(hits) == back else None

    # --- vendors and evidence ------------------------------------------------------------------
    def write_vendor(self, vendor: Vendor, pages: Pages = ()) -> None:
        """Store the vendor's profile; its `first_seen` stays the first one written."""
        if self.writer.spooling:
            self._try_replay()
        if not self.writer.spooling:
            try:
                self._write_vendor(vendor, pages)
                return
            except ClusterUnavailable:
                self._start_spooling()
        self.writer.spool_ops([{"op": "vendor", "vendor": docs.vendor_doc(vendor), "pages": list(pages)}])

    def _write_vendor(self, vendor: Vendor, pages: Pages, *, send: bool = False) -> None:
        key = docs.doc_id(vendor.market, vendor.alias)
        previous = self._vendors_written.get(key) or self._get("vendors", key)
        if previous and previous.get("first_seen"):
            first = docs.dt(previous["first_seen"])
            if vendor.first_seen is None or (first is not None and first < vendor.first_seen):
                vendor = replace(vendor, first_seen=first)
        source = docs.vendor_doc(vendor)
        actions = [
            self._action("vendors", key, source),
            *self._links(pages, "vendor", vendor.market, vendor.alias),
        ]
        if send:
            self.writer.send(actions)
        else:
            self.writer.submit(actions)
            self._vendors_written[key] = source

    def write_feedback(self, records: Sequence[Feedback]) -> None:
        """`create` with the record's key as id: a feedback already stored is left as it is
        (a conflict, not an error), and a replayed spool cannot duplicate one."""
        self.writer.submit(
            [self._action("feedback", docs.feedback_id(r), docs.feedback_doc(r), "create") for r in records]
        )

    def add_evidence(self, evidence: Evidence) -> bool:
        check_sha256(evidence.sha256)
        self.writer.submit(
            [self._action("evidence", evidence.sha256, docs.evidence_doc(evidence), op="create")]
        )
        return True

    # --- administration (`vigil index …`) --------------------------------------------------
    def status(self) -> dict[str, Any]:
        """Health, each index with its mapping version and count, and the spool's backlog."""
        try:
            found = self._call("status", admin.status, self.client, self.config)
        except ClusterUnavailable as exc:
            found = {
                "product": self.config.product,
                "health": "unreachable",
                "error": str(exc),
                "indices": {},
            }
        found["hosts"] = list(self.config.hosts)
        found["spool"] = {
            "backlog": self.spool.backlog(),
            "bytes": self.spool.backlog_bytes(),
            "oldest": docs.ts(self.spool.oldest()),
        }
        return found

    def migrate(self, *, force: bool = False, progress: Any = None) -> list[tuple[str, str, str]]:
        return self._call(
            "migrate",
            admin.migrate,
            self.client,
            self.config,
            self.writer.send,
            force=force,
            progress=progress,
        )

    def import_sqlite(self, path: Path, *, progress: Any = None) -> dict[str, int]:
        """Copy an embedded index into this cluster (`vigil index sync`)."""
        from index.elastic.sync import highest_run_id, sync
        from index.sqlite import SqliteStore

        source = SqliteStore(path, readonly=True)
        try:
            counts = self._call("sync", sync, source, self.config, self.writer.send, progress=progress)
            self._call(
                "run counter",
                locks.raise_to,
                self.client,
                self._index("counters"),
                "runs",
                highest_run_id(source),
            )
        finally:
            source.close()
        self.flush()
        return counts

    def close(self) -> None:
        if not self.readonly:
            try:
                self.flush()
            finally:
                self.spool.close()
        self.client.close()
