"""The one-crawl-per-market lock and the run counter on a cluster, by sequence checks
(`if_seq_no` / `if_primary_term`): two crawls on two machines racing for a market, or for
the next run id, cannot both win."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from index.elastic.client import classify
from index.elastic.documents import dt, ts
from index.process import pid_running
from index.records import LockOwner, MarketLock, MarketLocked


def next_value(client: Any, index: str, name: str) -> int:
    """Increment a counter document and return its new value."""
    return _update_counter(client, index, name, lambda current: current + 1)


def raise_to(client: Any, index: str, name: str, at_least: int) -> int:
    """Raise a counter to at least `at_least` (after copying records that carry their ids)."""
    return _update_counter(client, index, name, lambda current: max(current, at_least))


def _update_counter(client: Any, index: str, name: str, change: Callable[[int], int]) -> int:
    """Compare-and-set: write `change(current)` only if nobody wrote in between, else retry."""
    for _ in range(100):
        try:
            found = client.get(index=index, id=name)
        except Exception as exc:
            if classify(exc) != "not_found":
                raise
            found = None
        current = int(found["_source"]["value"]) if found else 0
        value = change(current)
        if found is not None and value == current:
            return current
        guard = (
            {"op_type": "create"}
            if found is None
            else {"if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]}
        )
        try:
            client.index(index=index, id=name, body={"value": value}, refresh=True, **guard)
            return value
        except Exception as exc:
            if classify(exc) != "conflict":
                raise
    raise RuntimeError(f"counter {name} stayed contended")


def lock_of(source: dict[str, Any]) -> MarketLock:
    return MarketLock(
        market=source["market"],
        owner=LockOwner(source["host"], int(source["pid"]), source["token"]),
        run_id=source.get("run_id"),
        acquired_at=dt(source["acquired_at"]),  # type: ignore[arg-type]
        heartbeat_at=dt(source["heartbeat_at"]),  # type: ignore[arg-type]
    )


def lock_doc(market: str, owner: LockOwner, now: datetime, run_id: int | None = None) -> dict[str, Any]:
    return {
        "market": market,
        "host": owner.host,
        "pid": owner.pid,
        "token": owner.token,
        "run_id": run_id,
        "acquired_at": ts(now),
        "heartbeat_at": ts(now),
    }


def alive(lock: MarketLock, now: datetime, stale_after: float) -> bool:
    """Whether the crawl holding a lock may still be running: on this host, its process; on
    another, a heartbeat younger than `stale_after` seconds."""
    if lock.owner.host == os.uname().nodename:
        return pid_running(lock.owner.pid)
    return (now - lock.heartbeat_at).total_seconds() < stale_after


def acquire(
    client: Any, index: str, market: str, owner: LockOwner, now: datetime, stale_after: float
) -> None:
    """Take the lock or raise `MarketLocked`."""
    for _ in range(10):
        try:
            found = client.get(index=index, id=market)
        except Exception as exc:
            if classify(exc) != "not_found":
                raise
            found = None
        try:
            if found is None:
                client.index(
                    index=index, id=market, body=lock_doc(market, owner, now), op_type="create", refresh=True
                )
                return
            lock = lock_of(found["_source"])
            if alive(lock, now, stale_after):
                raise MarketLocked(lock)
            client.index(
                index=index,
                id=market,
                body=lock_doc(market, owner, now),
                if_seq_no=found["_seq_no"],
                if_primary_term=found["_primary_term"],
                refresh=True,
            )
            return
        except MarketLocked:
            raise
        except Exception as exc:
            if classify(exc) != "conflict":
                raise
    raise RuntimeError(f"the lock of {market} stayed contended")


def update_mine(client: Any, index: str, market: str, owner: LockOwner, **changes: Any) -> bool:
    """Change the lock if this crawl still holds it (token and sequence checked)."""
    try:
        found = client.get(index=index, id=market)
    except Exception as exc:
        if classify(exc) == "not_found":
            return False
        raise
    if found["_source"].get("token") != owner.token:
        return False
    try:
        if changes.get("delete"):
            client.delete(
                index=index,
                id=market,
                if_seq_no=found["_seq_no"],
                if_primary_term=found["_primary_term"],
                refresh=True,
            )
        else:
            client.index(
                index=index,
                id=market,
                body={**found["_source"], **changes},
                if_seq_no=found["_seq_no"],
                if_primary_term=found["_primary_term"],
                refresh=True,
            )
    except Exception as exc:
        if classify(exc) in ("conflict", "not_found"):
            return False
        raise
    return True
