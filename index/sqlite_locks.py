"""The one-crawl-per-market lock on SQLite: a row per market being crawled, with its holder
(host, pid, token) and a heartbeat. Called inside the store's write transactions."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime

from index import sqlite_rows as rows
from index.process import pid_running
from index.records import LockOwner, MarketLock, MarketLocked
from index.sqlite_rows import ts


def acquire(
    conn: sqlite3.Connection, market: str, owner: LockOwner, now: datetime, stale_after: float
) -> list[int]:
    """Take the lock or raise `MarketLocked`. A lock whose process is gone (same host, pid not
    running) or whose heartbeat is older than `stale_after` seconds is taken over; runs left
    `running` by such a crawl are marked `failed`. Returns their ids."""
    held = conn.execute("SELECT * FROM market_locks WHERE market = ?", (market,)).fetchone()
    if held is not None:
        lock = _lock(held)
        if _alive(lock, now, stale_after):
            raise MarketLocked(lock)
        conn.execute("DELETE FROM market_locks WHERE market = ?", (market,))
    # with the lock free, a run still `running` has no live crawl behind it
    stale = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM crawl_runs WHERE market = ? AND status = 'running'", (market,)
        )
    ]
    for run_id in stale:
        conn.execute(
            "UPDATE crawl_runs SET status = 'failed', finished_at = ?, "
            "stats = json_set(stats, '$.close_reason', 'stale_lock') WHERE id = ?",
            (ts(now), run_id),
        )
    conn.execute(
        "INSERT INTO market_locks (market, host, pid, token, run_id, acquired_at, heartbeat_at) "
        "VALUES (?, ?, ?, ?, NULL, ?, ?)",
        (market, owner.host, owner.pid, owner.token, ts(now), ts(now)),
    )
    return stale


def heartbeat(conn: sqlite3.Connection, market: str, owner: LockOwner, now: datetime) -> None:
    conn.execute(
        "UPDATE market_locks SET heartbeat_at = ? WHERE market = ? AND token = ?",
        (ts(now), market, owner.token),
    )


def release(conn: sqlite3.Connection, market: str, owner: LockOwner) -> None:
    conn.execute("DELETE FROM market_locks WHERE market = ? AND token = ?", (market, owner.token))


def _lock(row: sqlite3.Row) -> MarketLock:
    return MarketLock(
        market=row["market"],
        owner=LockOwner(row["host"], row["pid"], row["token"]),
        run_id=row["run_id"],
        acquired_at=rows.dt(row["acquired_at"]),  # type: ignore[arg-type]
        heartbeat_at=rows.dt(row["heartbeat_at"]),  # type: ignore[arg-type]
    )


def _alive(lock: MarketLock, now: datetime, stale_after: float) -> bool:
    """Whether the crawl holding a lock may still be running."""
    if lock.owner.host == os.uname().nodename:
        return pid_running(lock.owner.pid)
    return (now - lock.heartbeat_at).total_seconds() < stale_after
