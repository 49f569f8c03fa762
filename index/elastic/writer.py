"""Bulk writes that lose nothing: buffered, retried with backoff, and kept in the durable
local spool (`index.spool`) when the cluster cannot take them.

Order is what makes replay safe: once anything is spooled, every later write goes to the
spool too, behind it, until a replay has drained it. Every action carries a deterministic
id, so an action applied twice (a replay killed after the cluster took a batch but before
the spool recorded it) overwrites itself instead of duplicating.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from index.elastic.client import classify
from index.errors import StoreError

logger = logging.getLogger(__name__)

#: A spooled operation: {"op": "bulk", "actions": [...]} or one the store decides on replay.
Op = dict[str, Any]


class ClusterUnavailable(StoreError):
    """The cluster could not be reached or would not take writes (after the retries)."""


class BulkWriter:
    def __init__(
        self,
        client: Any,
        spool: Any,
        *,
        batch: int = 500,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.spool = spool
        self.batch = batch
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.pending: list[dict[str, Any]] = []
        self.spooling = spool.backlog() > 0
        self.spooled = 0  # operations this writer put in the spool

    # --- writing --------------------------------------------------------------------
    def submit(self, actions: list[dict[str, Any]]) -> None:
        """Queue actions (`{"_op_type", "_index", "_id", "_source"}`); sent in batches."""
        if self.spooling:
            self.spool_ops([{"op": "bulk", "actions": actions}])
            return
        self.pending.extend(actions)
        if len(self.pending) >= self.batch:
            self.flush()

    def divert(self) -> None:
        """Spool from now on, starting with what is queued (the cluster is known to be down)."""
        self.spooling = True
        if self.pending:
            actions, self.pending = self.pending, []
            self.spool_ops([{"op": "bulk", "actions": actions}])

    def spool_ops(self, ops: list[Op]) -> None:
        """Keep operations in the spool, behind what is already there (fsync'd on return)."""
        try:
            self.spool.append_many(ops)
        except OSError as exc:
            raise StoreError(f"the cluster is unavailable and the spool cannot be written: {exc}") from exc
        self.spooled += len(ops)

    def flush(self) -> None:
        """Send what is queued. When the cluster stays unavailable it all goes to the spool,
        and the writer spools from then on (raising nothing: the data is safe)."""
        if not self.pending:
            return
        actions, self.pending = self.pending, []
        try:
            self.send(actions)
        except ClusterUnavailable as exc:
            logger.warning("cluster unavailable (%s): %d writes kept in the spool", exc, len(actions))
            self.spooling = True
            self.spool_ops([{"op": "bulk", "actions": actions}])

    def send(self, actions: list[dict[str, Any]]) -> None:
        """Bulk-send now, retrying what the cluster pushes back (429, 5xx, connection lost)
        with exponential backoff. Raises `ClusterUnavailable` when it stays so, `StoreError`
        when the cluster refuses a document (a mapping error: retrying cannot help)."""
        todo = actions
        if not todo:
            return
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                todo = self._bulk(todo)
            except StoreError:
                raise
            except Exception as exc:
                kind = classify(exc)
                if kind not in ("unavailable", "rejected"):
                    raise StoreError(f"bulk write failed: {exc}") from exc
                last: BaseException = exc
                continue
            if not todo:
                return
            last = ClusterUnavailable(f"{len(todo)} documents pushed back")
        raise ClusterUnavailable(str(last))

    def _bulk(self, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One bulk request; returns the actions to retry."""
        body: list[dict[str, Any]] = []
        for action in actions:
            meta = {"_index": action["_index"], "_id": action["_id"]}
            op = action.get("_op_type", "index")
            body.append({op: meta})
            if op != "delete":
                body.append(action["_source"])
        response = self.client.bulk(body=body, refresh=False)
        if not response.get("errors"):
            return []
        retry: list[dict[str, Any]] = []
        for action, item in zip(actions, response["items"], strict=True):
            result = next(iter(item.values()))
            status = int(result.get("status", 200))
            op = action.get("_op_type", "index")
            if status < 300 or (status == 409 and op == "create") or (status == 404 and op == "delete"):
                continue  # done, or already there (create is "keep the first")
            if status in (429, 502, 503, 504):
                retry.append(action)
                continue
            raise StoreError(f"the cluster refused {action['_index']}/{action['_id']}: {result.get('error')}")
        return retry
