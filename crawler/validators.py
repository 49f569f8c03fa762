"""What the last crawl of a market learnt about its listing pages: each page's HTTP validators
(ETag, Last-Modified), the stored page they describe, and the listing it gave.

One small SQLite file per market in the data dir (`validators/<market>.sqlite3`), beside the
index rather than in it: it is a cache of HTTP metadata that a crawl may lose at any time
(a lost or stale entry costs one full fetch, never a listing), so the `Store` protocol stays
as it is and every backend gets conditional requests alike. Keyed by the page's path and
query, so that the market's mirrors share it. Written by one crawl of the market at a time
(the market's lock), committed in batches and when the crawl ends; by the workers of one shared
run (`scheduler: redis`), one entry per commit.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler

#: Entries written between commits (a crash loses at most these: they are fetched in full).
COMMIT_EVERY = 500


@dataclass(frozen=True)
class Remembered:
    """A listing page as last fetched and stored."""

    etag: str
    last_modified: str
    sha256: str  # the stored page (evidence) the validators describe
    listing_id: str
    card: str  # digest of the card fields read with it (`card_digest`); the card is not the page
    content_hash: str  # the listing's content hash as stored from this page


def page_key(url: str) -> str:
    """A page's key: its path and query (the same page on every mirror)."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def card_digest(card: dict[str, Any]) -> str:
    """The digest of a card's raw fields: a page may be unchanged while its card is not."""
    return hashlib.sha256(json.dumps(card, sort_keys=True, default=str).encode()).hexdigest()


class Validators:
    def __init__(self, path: Path, commit_every: int = COMMIT_EVERY) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.commit_every = commit_every
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, etag TEXT NOT NULL, "
            "last_modified TEXT NOT NULL, sha256 TEXT NOT NULL, listing_id TEXT NOT NULL, "
            "card TEXT NOT NULL, content_hash TEXT NOT NULL)"
        )
        self._pending = 0

    @classmethod
    def of(cls, crawler: Crawler) -> Validators | None:
        """The crawl's validators, when conditional requests are on (`crawler.conditional`)."""
        return getattr(crawler, "_vigil_validators", None)

    def get(self, url: str) -> Remembered | None:
        row = self.conn.execute(
            "SELECT etag, last_modified, sha256, listing_id, card, content_hash FROM pages WHERE key = ?",
            (page_key(url),),
        ).fetchone()
        return None if row is None else Remembered(*row)

    def remember(self, url: str, page: Remembered) -> None:
        self._write(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)",
            (page_key(url), page.etag, page.last_modified, page.sha256, page.listing_id, page.card,
             page.content_hash),
        )

    def forget(self, url: str) -> None:
        self._write("DELETE FROM pages WHERE key = ?", (page_key(url),))

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM pages").fetchone()[0])

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
        self.conn.execute(sql, params)
        self._pending += 1
        if self._pending >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self._pending = 0

    def close(self) -> None:
        self.commit()
        self.conn.close()
