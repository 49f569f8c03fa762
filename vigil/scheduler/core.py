"""The scheduler's decisions, with its clock and its way of starting crawls injected.

Each `tick()` looks at every scheduled market once:
- its newest due slot (`latest_slot`) is served when a crawl was started for it or a later slot
  (the index remembers this across restarts: `history.served`);
- a slot that came due while the scheduler was running (after its previous tick) is
  `scheduled`; one found due at start (missed while the scheduler was down) or while the
  market's previous crawl still ran is missed, and follows the market's `catch_up` policy:
  `latest` runs it once as `catch_up` (never once per missed slot), `skip` logs it and waits
  for the next slot;
- a market whose previous crawl is still running is never started again (the crawl lock in
  the index guards the same from other processes);
- at most `max_crawls` crawls run at once; the others wait their turn, oldest slot first
  (then the market served longest ago).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from crawler.schedule import ScheduleSpec
from vigil.scheduler.slots import latest_slot, slot_key

logger = logging.getLogger("vigil.scheduler")

Clock = Callable[[], datetime]


class Crawl(Protocol):
    """A started crawl: `subprocess.Popen` is one."""

    pid: int

    def poll(self) -> int | None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...


#: Starts a crawl of a market for a slot: (market, slot, trigger) -> the running crawl.
Launcher = Callable[[str, datetime, str], Crawl]


@dataclass
class Launch:
    market: str
    slot: datetime
    trigger: str
    crawl: Crawl
    started_at: datetime
    code: int | None = None  # the exit code, once it ended


@dataclass
class _Pending:
    slot: datetime
    trigger: str  # scheduled | catch_up | skipped
    noted: bool = False  # its wait was logged


class Scheduler:
    def __init__(
        self,
        schedules: dict[str, ScheduleSpec],
        served: dict[str, datetime | None],
        launcher: Launcher,
        clock: Clock,
        *,
        max_crawls: int = 2,
        on_exit: Callable[[Launch], None] | None = None,
        since: datetime | None = None,
    ) -> None:
        self.schedules = schedules
        self.served = {market: served.get(market) for market in schedules}
        self.launcher = launcher
        self.clock = clock
        self.max_crawls = max_crawls
        self.on_exit = on_exit
        self.running: dict[str, Launch] = {}
        self.launched: list[Launch] = []
        self._pending: dict[str, _Pending] = {}
        # slots after this came due while we ran: `scheduled`; older ones were missed
        self._last_tick = clock() if since is None else since
        self.stopping = False

    # --- one look at every market ------------------------------------------------------------
    def tick(self) -> list[Launch]:
        """Reap ended crawls, then start what is due (unless stopping); returns the launches."""
        self.reap()
        now = self.clock()
        ready: list[str] = []
        for market, spec in self.schedules.items():
            pending = self._due(market, spec, now)
            if pending is not None and pending.trigger != "skipped" and market not in self.running:
                ready.append(market)
        self._last_tick = now
        if self.stopping:
            return []
        started = []
        for market in sorted(ready, key=self._turn):
            pending = self._pending[market]
            if len(self.running) >= self.max_crawls:
                if not pending.noted:
                    pending.noted = True
                    logger.info("%s: slot %s waits: %d crawls running (schedule_max_crawls)",
                                market, slot_key(pending.slot), len(self.running))
                continue
            launch = self._launch(market, pending, now)
            if launch is not None:
                started.append(launch)
        return started

    def _turn(self, market: str) -> tuple[datetime, datetime]:
        """Oldest due slot first; on a tie, the market served longest ago."""
        served = self.served.get(market)
        return self._pending[market].slot, served or datetime.min.replace(tzinfo=UTC)

    def _due(self, market: str, spec: ScheduleSpec, now: datetime) -> _Pending | None:
        """The market's slot to serve now, if any, decided once per slot."""
        due = latest_slot(spec, now)
        served = self.served.get(market)
        if served is not None and due <= served:
            self._pending.pop(market, None)
            return None
        pending = self._pending.get(market)
        if pending is None or pending.slot != due:
            fresh = due > self._last_tick
            if pending is not None and pending.trigger != "skipped":
                logger.warning("%s: slot %s was not started before slot %s came due; only the newer "
                               "one is served", market, slot_key(pending.slot), slot_key(due))
            pending = self._pending[market] = _Pending(due, "scheduled" if fresh else "catch_up")
            if market in self.running and fresh:
                pending.trigger = "catch_up"  # missed: the previous crawl still runs
                logger.warning("%s: slot %s came due while the crawl of slot %s still runs", market,
                               slot_key(due), slot_key(self.running[market].slot))
            if pending.trigger == "catch_up" and spec.catch_up == "skip":
                pending.trigger = "skipped"
                logger.warning("%s: missed slot %s skipped (catch_up: skip); next slot as scheduled",
                               market, slot_key(due))
            elif pending.trigger == "catch_up" and market not in self.running:
                logger.warning("%s: missed slot %s: catching up once (catch_up: latest)",
                               market, slot_key(due))
        return pending

    def _launch(self, market: str, pending: _Pending, now: datetime) -> Launch | None:
        self._pending.pop(market, None)
        self.served[market] = pending.slot  # served from now on, whatever the crawl's outcome
        try:
            crawl = self.launcher(market, pending.slot, pending.trigger)
        except OSError as exc:  # e.g. no log folder: said loudly, and the daemon goes on
            logger.error("%s: could not start the crawl for slot %s: %s", market, slot_key(pending.slot), exc)
            return None
        launch = Launch(market, pending.slot, pending.trigger, crawl, now)
        self.running[market] = launch
        self.launched.append(launch)
        logger.info("%s: crawl started for slot %s (%s), pid %s", market, slot_key(pending.slot),
                    pending.trigger, crawl.pid)
        return launch

    def waiting(self) -> list[str]:
        """Markets with a due slot not yet started (their previous crawl runs, or no room)."""
        return [m for m, p in self._pending.items() if p.trigger != "skipped"]

    # --- ended crawls ------------------------------------------------------------------------
    def reap(self) -> list[Launch]:
        """Crawls that ended since the last look: logged, and handed to `on_exit`."""
        ended = []
        for market, launch in list(self.running.items()):
            code = launch.crawl.poll()
            if code is None:
                continue
            launch.code = code
            del self.running[market]
            ended.append(launch)
            log = logger.info if code == 0 else logger.error
            log("%s: crawl for slot %s (%s) exited with code %s", market, slot_key(launch.slot),
                launch.trigger, code)
            if self.on_exit is not None:
                try:
                    self.on_exit(launch)
                except Exception:  # never let recording an ended crawl stop the daemon
                    logger.exception("%s: recording the end of the crawl for slot %s failed",
                                     market, slot_key(launch.slot))
        return ended

    def terminate(self) -> None:
        """Ask every running crawl to stop (Scrapy closes gracefully on SIGTERM: run `partial`)."""
        for launch in self.running.values():
            logger.warning("%s: terminating the crawl for slot %s (pid %s)", launch.market,
                           slot_key(launch.slot), launch.crawl.pid)
            launch.crawl.terminate()

    def kill(self) -> None:
        for launch in self.running.values():
            logger.error("%s: killing the crawl for slot %s (pid %s)", launch.market,
                         slot_key(launch.slot), launch.crawl.pid)
            launch.crawl.kill()
