"""Several workers, one crawl run (`scheduler: redis`).

The first worker of a market's crawl *opens* the run: it takes the market's crawl lock in the
store, starts the run record, clears the market's frontier in Redis and publishes the run there
(`vigil:<market>:group`). Workers started while it is open *join* it: they take requests from
the shared queue and write their listings under the same run id, so that what the run saw is in
the store, not in one worker's memory. A worker that finds the queue empty waits while another
is still working (it may yet queue more); once every worker is idle, the joiners add their stats
to the group and leave, and the opener, last, closes the run: it merges their stats, decides the
status (removal only on a complete run) and clears the frontier for the next run.

A worker that dies mid-crawl loses the requests it had taken: the opener finds its line stale,
counts it (`vigil/workers/lost`) and the run cannot be `ok`.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from crawler.redis_frontier import connect, market_key, worker_token, workers

logger = logging.getLogger(__name__)

#: Seconds a worker's line may go without news before the worker is taken for dead.
WORKER_STALE_AFTER = 30.0
#: How long a worker waits for an opening run to be published before giving up.
OPENING_WAIT = 60.0
KEYS = ("group", "requests", "dupefilter", "workers", "stats")


@dataclass(frozen=True)
class Joined:
    run_id: int
    opener: str


class GroupError(Exception):
    """The shared crawl could not be opened or joined."""


class RunGroup:
    def __init__(self, server: Any, market: str, token: str, ttl: float) -> None:
        self.server = server
        self.market = market
        self.token = token
        self.ttl = max(int(ttl), 60)

    def key(self, name: str) -> str:
        return market_key(self.market, name)

    # --- opening and joining ----------------------------------------------------------
    def claim(self) -> Joined | None:
        """Open the market's crawl (None: this worker is the opener and must start the run,
        then call `opened`) or join the run another worker opened."""
        deadline = time.monotonic() + OPENING_WAIT
        while True:
            opening = json.dumps({"state": "opening", "opener": self.token})
            if self.server.set(self.key("group"), opening, nx=True, ex=self.ttl):
                return None
            group = self._group()
            if group and group.get("state") == "open":
                return Joined(int(group["run_id"]), str(group["opener"]))
            if time.monotonic() > deadline:
                raise GroupError(
                    f"{self.market}: another worker has been opening the crawl for "
                    f"{OPENING_WAIT:.0f} s without publishing its run"
                )
            time.sleep(0.2)

    def opened(self, run_id: int) -> None:
        """The opener's run exists: start from an empty frontier and let workers join."""
        self.server.delete(*(self.key(n) for n in KEYS if n != "group"))
        self.beat("busy")
        group = json.dumps({"state": "open", "opener": self.token, "run_id": run_id})
        self.server.set(self.key("group"), group, ex=self.ttl)

    def abandon(self) -> None:
        """The opener could not start its run: let the next worker try."""
        if (self._group() or {}).get("opener") == self.token:
            self.server.delete(self.key("group"))

    # --- while crawling ---------------------------------------------------------------
    def beat(self, state: str | None = None) -> None:
        """This worker is alive (and busy or idle); the opener also keeps the group alive."""
        line = self._workers().get(self.token, {})
        state = state or line.get("state") or "busy"
        self.server.hset(self.key("workers"), self.token, json.dumps({"state": state, "at": time.time()}))
        if (self._group() or {}).get("opener") == self.token:
            self.server.expire(self.key("group"), self.ttl)

    def still_open(self, run_id: int) -> bool:
        group = self._group()
        return bool(group) and group.get("run_id") == run_id

    def on_idle(self, opener: bool) -> tuple[str, list[str]]:
        """What an idle worker does: `wait` (another worker may queue more), `leave` (a
        joiner, all done) or `close` (the opener, every joiner gone); plus the workers found
        dead (their lines are removed)."""
        self.beat("idle")
        others, lost = {}, []
        now = time.time()
        for token, line in self._workers().items():
            if token == self.token:
                continue
            if now - float(line.get("at", 0)) > WORKER_STALE_AFTER:
                lost.append(token)
                self.server.hdel(self.key("workers"), token)
            else:
                others[token] = line
        if any(line.get("state") == "busy" for line in others.values()):
            return "wait", lost
        if opener:
            return ("wait" if others else "close"), lost
        return "leave", lost

    # --- leaving and closing ----------------------------------------------------------
    def leave(self, stats: dict[str, Any]) -> None:
        """A joiner's counts go to the group (for the opener's run record); then it leaves."""
        counts = {k: v for k, v in stats.items() if isinstance(v, int) and not isinstance(v, bool)}
        pipe = self.server.pipeline()
        for name, value in counts.items():
            pipe.hincrby(self.key("stats"), name, value)
        pipe.hincrby(self.key("stats"), "vigil/workers/joined", 1)
        pipe.hdel(self.key("workers"), self.token)
        pipe.execute()

    def take_stats(self) -> dict[str, int]:
        """The counts joiners left since the last call (read and cleared at once, so that a
        count is merged once however often the opener asks)."""
        pipe = self.server.pipeline(transaction=True)
        pipe.hgetall(self.key("stats"))
        pipe.delete(self.key("stats"))
        raw, _ = pipe.execute()
        return {_text(k): int(v) for k, v in raw.items()}

    def close(self) -> None:
        """The run is over: an empty frontier for the next one."""
        self.server.delete(*(self.key(n) for n in KEYS))

    def _group(self) -> dict[str, Any] | None:
        raw = self.server.get(self.key("group"))
        return json.loads(_text(raw)) if raw else None

    def _workers(self) -> dict[str, dict[str, Any]]:
        return workers(self.server, self.market)


def open_group(crawler: Any, market: str, ttl: float) -> tuple[RunGroup, Joined | None]:
    """This worker's group for the market's crawl, and the run it joins (None: it opens it)."""
    group = RunGroup(connect(crawler.settings), market, worker_token(crawler), ttl)
    return group, group.claim()


def merge_stats(stats: Any, extra: dict[str, int]) -> None:
    """Add the joiners' counts to the opener's Scrapy stats."""
    for name, value in extra.items():
        stats.inc_value(name, value)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
