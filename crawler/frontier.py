"""The crawl's frontier, kept crash-safe: what a resumed crawl (`vigil crawl M --resume`) needs.

Scrapy's JOBDIR writes its request queues' state only when the crawl closes, so a crawl killed
with SIGKILL leaves nothing to resume from. Here each request the scheduler accepts is recorded
`pending` (its fingerprint, role and the request itself) before it can be downloaded, and turned
`done` once everything its response produced is stored (`crawler.frontier_scheduler`). Every
state change is its own commit (SQLite WAL), so a killed crawl leaves a file whose `pending`
requests are exactly what a resumed crawl must fetch, and whose `done` ones it must not.

One file per market in the data dir (`frontier/<market>.sqlite3`); a normal crawl starts it
afresh. `Frontier` is the interface the scheduler, the tracking middleware and the run
extension use, so that a shared (Redis) frontier can take the SQLite file's place.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict

from crawler.items import PageCapture

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
    fp TEXT PRIMARY KEY, state TEXT NOT NULL, role TEXT NOT NULL DEFAULT '', url TEXT NOT NULL,
    request BLOB
);
CREATE INDEX IF NOT EXISTS requests_state ON requests (state);
CREATE TABLE IF NOT EXISTS captures (key TEXT PRIMARY KEY, capture BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS listings (listing_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL);
"""


class FrontierError(Exception):
    """There is no frontier to resume (or it cannot be read); the message says which and why."""


class Frontier(Protocol):
    """A market's frontier, shared by the scheduler, the tracking middleware and the run."""

    @property
    def runs(self) -> list[int]:
        """The runs of this pass over the market, oldest first (a resumed run is appended)."""
        ...

    def begin(self, run_id: int) -> None:
        """Run `run_id` works on the frontier from now on."""
        ...

    def add(self, fingerprint: str, role: str, request: Request, spider: Spider) -> bool:
        """Record a request `pending`; False (and nothing written) when its fingerprint is known."""
        ...

    def pending(self, spider: Spider) -> Iterator[Request]:
        """The requests recorded but not done, to schedule again when a crawl resumes."""
        ...

    def done(self, fingerprints: Iterable[str], listings: Iterable[tuple[str, datetime]] = ()) -> None:
        """Everything these requests' responses produced is stored, and with it these listings
        (id, when seen): never fetch the requests again; the listings count as seen by the pass."""
        ...

    def stored_listings(self) -> list[tuple[str, datetime]]: ...
    def count(self, state: str, role: str | None = None) -> int: ...
    def finish(self, reason: str) -> None:
        """The crawl closed (with Scrapy's close reason); what is left pending stays resumable."""
        ...

    def close(self) -> None: ...


def frontier_path(data_dir: Path, market: str) -> Path:
    return Path(data_dir) / "frontier" / f"{market}.sqlite3"


def open_frontier(data_dir: Path, market: str, *, resume: bool) -> SqliteFrontier:
    """The market's frontier: a fresh one for a normal crawl, the killed crawl's with `resume`
    (FrontierError when there is nothing to resume)."""
    path = frontier_path(data_dir, market)
    if resume:
        problem = resume_problem(data_dir, market)
        if problem:
            raise FrontierError(problem)
        return SqliteFrontier(path, market)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return SqliteFrontier(path, market)


def resume_problem(data_dir: Path, market: str) -> str | None:
    """Why `market` cannot be resumed, or None when it can: its last crawl left a frontier that
    was not finished (killed) or that still has pending requests (ended early)."""
    path = frontier_path(data_dir, market)
    if not path.is_file():
        return f"{market}: nothing to resume ({path} does not exist: no crawl of it was interrupted)"
    try:
        frontier = SqliteFrontier(path, market)
    except (sqlite3.Error, ValueError) as exc:
        return f"{market}: the frontier {path} cannot be read ({exc}); crawl without --resume"
    try:
        if not frontier.runs:
            return f"{market}: nothing to resume ({path} records no run)"
        if frontier.finished and not frontier.count("pending"):
            return (f"{market}: nothing to resume: run {frontier.runs[-1]} finished its pass "
                    f"({frontier.finished}); crawl without --resume")
        return None
    finally:
        frontier.close()


class SqliteFrontier:
    """The frontier in one SQLite file: a commit per state change, WAL, `synchronous=NORMAL`
    (what a killed process wrote survives; a power cut may lose the last commits, which are
    then fetched again, never lost)."""

    def __init__(self, path: Path, market: str) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)
        known = self._meta("market")
        if known is None:
            self._set_meta("market", market)
        elif known != market:
            raise ValueError(f"{path} is the frontier of {known}, not {market}")
        self._captures: set[str] = set()  # captures written by this process

    # --- the pass ------------------------------------------------------------------------
    @property
    def runs(self) -> list[int]:
        return [int(r) for r in json.loads(self._meta("runs") or "[]")]

    @property
    def finished(self) -> str:
        """The close reason of the last crawl that closed it ('' while running or killed)."""
        return self._meta("finished") or ""

    def begin(self, run_id: int) -> None:
        self._set_meta("runs", json.dumps([*self.runs, run_id]))
        self._set_meta("finished", "")

    def finish(self, reason: str) -> None:
        self._set_meta("finished", reason or "closed")
        if not self.count("pending"):  # the pass is over: the pages requests carried are not needed
            self.conn.execute("DELETE FROM captures")
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- requests ------------------------------------------------------------------------
    def add(self, fingerprint: str, role: str, request: Request, spider: Spider) -> bool:
        known = self.conn.execute("SELECT 1 FROM requests WHERE fp = ?", (fingerprint,)).fetchone()
        if known:
            return False
        blob = self._encode(request, spider)
        self.conn.execute(
            "INSERT INTO requests (fp, state, role, url, request) VALUES (?, 'pending', ?, ?, ?)",
            (fingerprint, role, request.url, blob),
        )
        return True

    def pending(self, spider: Spider) -> Iterator[Request]:
        rows = self.conn.execute("SELECT request FROM requests WHERE state = 'pending' ORDER BY rowid")
        for (blob,) in rows.fetchall():
            yield self._decode(blob, spider)

    def done(self, fingerprints: Iterable[str], listings: Iterable[tuple[str, datetime]] = ()) -> None:
        fps = [(fp,) for fp in fingerprints]
        seen = [(listing_id, at.isoformat()) for listing_id, at in listings]
        if not fps and not seen:
            return
        with self.conn:  # one commit for the lot
            self.conn.execute("BEGIN")
            self.conn.executemany("UPDATE requests SET state = 'done', request = NULL WHERE fp = ?", fps)
            self.conn.executemany("INSERT OR IGNORE INTO listings (listing_id, seen_at) VALUES (?, ?)", seen)

    def count(self, state: str, role: str | None = None) -> int:
        sql, params = "SELECT COUNT(*) FROM requests WHERE state = ?", [state]
        if role is not None:
            sql += " AND role = ?"
            params.append(role)
        return int(self.conn.execute(sql, params).fetchone()[0])

    def urls(self, state: str) -> list[tuple[str, str]]:
        """(role, url) of the requests in `state`, in the order they were recorded."""
        sql = "SELECT role, url FROM requests WHERE state = ? ORDER BY rowid"
        return [(r[0], r[1]) for r in self.conn.execute(sql, (state,))]

    def stored_listings(self) -> list[tuple[str, datetime]]:
        rows = self.conn.execute("SELECT listing_id, seen_at FROM listings ORDER BY listing_id")
        return [(r[0], datetime.fromisoformat(r[1])) for r in rows]

    def close(self) -> None:
        self.conn.close()

    # --- storage -------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _encode(self, request: Request, spider: Spider) -> bytes:
        """The request as Scrapy serialises it for its disk queues (callbacks by name); the
        pages a request carries (a card's category page) are kept once, not per request."""
        buffer = io.BytesIO()
        _Pickler(buffer, self).dump(request.to_dict(spider=spider))
        return buffer.getvalue()

    def _decode(self, blob: bytes, spider: Spider) -> Request:
        return request_from_dict(_Unpickler(io.BytesIO(blob), self).load(), spider=spider)

    def _save_capture(self, capture: PageCapture) -> str:
        key = hashlib.sha256(
            f"{capture.sha256}\0{capture.url}\0{capture.fetched_at.isoformat()}\0{capture.role}".encode()
        ).hexdigest()
        if key not in self._captures:
            self.conn.execute(
                "INSERT OR IGNORE INTO captures (key, capture) VALUES (?, ?)",
                (key, zlib.compress(pickle.dumps(capture, pickle.HIGHEST_PROTOCOL), 1)),
            )
            self._captures.add(key)
        return key

    def _load_capture(self, key: str) -> PageCapture:
        row = self.conn.execute("SELECT capture FROM captures WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise FrontierError(f"{self.path}: a pending request names a page it does not keep")
        return pickle.loads(zlib.decompress(row[0]))  # written by this code, into the data dir


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, frontier: SqliteFrontier) -> None:
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self.frontier = frontier

    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, PageCapture):
            return ("capture", self.frontier._save_capture(obj))
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, frontier: SqliteFrontier) -> None:
        super().__init__(file)
        self.frontier = frontier
        self._loaded: dict[str, PageCapture] = {}

    def persistent_load(self, pid: Any) -> Any:
        kind, key = pid
        if kind != "capture":
            raise pickle.UnpicklingError(f"unknown persistent id {kind!r}")
        if key not in self._loaded:
            self._loaded[key] = self.frontier._load_capture(key)
        return self._loaded[key]
