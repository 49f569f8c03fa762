"""`vigil schedule run`: the scheduler with real crawls (one `vigil crawl` process each, since
Scrapy's reactor runs once per process), the index as its memory, and a clean stop.

Each crawl's output goes to `<data_dir>/logs/schedule/<market>/<slot>-<trigger>.log`. A crawl
that ends without having recorded a run (its market locked by a crawl started elsewhere, a
config error, an unwritable data folder) is recorded here as a `failed` run with the slot, so
that `vigil runs` shows every launch and how it ended.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from crawler.schedule import SLOT_STAT, TRIGGER_STAT, ScheduleSpec
from index import open_store
from index.records import CrawlRun
from vigil import exit_codes
from vigil.scheduler.core import Clock, Crawl, Launch, Launcher, Scheduler
from vigil.scheduler.history import find_run, history
from vigil.scheduler.slots import slot_key
from vigil.services.errors import NotFound
from vigil.services.index import reading
from vigil.settings import Settings

logger = logging.getLogger("vigil.scheduler")

#: Seconds between two looks at the markets and the running crawls.
INTERVAL = 1.0
#: Seconds a terminated crawl gets to close its run before it is killed.
KILL_AFTER = 60.0
#: Exit codes of `vigil crawl` and the run status each stands for.
STATUS_OF_CODE = {v: k for k, v in exit_codes.FOR_STATUS.items()}


def settings_clock(settings: Settings) -> Clock:
    """The `clock` setting (a fixed time, for tests and `--once` on simulated days), else now."""
    if settings.clock:
        fixed = datetime.fromisoformat(settings.clock)
        fixed = fixed if fixed.tzinfo else fixed.replace(tzinfo=UTC)
        return lambda: fixed
    return lambda: datetime.now(UTC)


def log_path(settings: Settings, market: str, slot: datetime, trigger: str) -> Path:
    stamp = slot.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.data_dir).resolve() / "logs" / "schedule" / market / f"{stamp}-{trigger}.log"


class SubprocessLauncher:
    """Starts `vigil crawl MARKET` for a slot, in its own session (a Ctrl-C or SIGTERM meant for
    the daemon does not reach the crawls: the daemon stops them itself)."""

    def __init__(self, settings: Settings, python: str = sys.executable) -> None:
        self.settings = settings
        self.python = python

    def argv(self, market: str, slot: datetime, trigger: str) -> list[str]:
        s = self.settings
        return [
            self.python, "-m", "vigil", "crawl", market,
            "--schedule-slot", slot_key(slot), "--schedule-trigger", trigger,
            "--data-dir", str(Path(s.data_dir).resolve()), "--config-dir", str(Path(s.config_dir).resolve()),
            "--log-level", s.log_level,
        ]  # fmt: skip

    def __call__(self, market: str, slot: datetime, trigger: str) -> Crawl:
        path = log_path(self.settings, market, slot, trigger)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as out:
            return subprocess.Popen(
                self.argv(market, slot, trigger), stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )


class RunRecorder:
    """After a crawl ended: log its run's status, or record a `failed` run when it never got
    as far as recording one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, launch: Launch) -> None:
        store = open_store(self.settings)
        try:
            run = find_run(store, launch.market, launch.slot, launch.trigger)
            if run is not None:
                logger.info("%s: run %s ended %s", launch.market, run.id, run.status)
                return
            message = _tail(log_path(self.settings, launch.market, launch.slot, launch.trigger))
            now = datetime.now(UTC)
            run = store.start_run(CrawlRun(market=launch.market, started_at=launch.started_at))
            run.finished_at, run.status = now, "failed"
            run.stats = {
                SLOT_STAT: slot_key(launch.slot), TRIGGER_STAT: launch.trigger,
                "close_reason": "not_started", "vigil/run_status": "failed",
                "vigil/schedule/exit_code": launch.code,
                "vigil/close_message": f"the crawl ended (exit {launch.code}) before its run: {message}",
            }  # fmt: skip
            store.finish_run(run)
            logger.error("%s: the crawl recorded no run; run %s recorded as failed: %s",
                         launch.market, run.id, message)
        finally:
            store.close()


def _tail(path: Path, limit: int = 400) -> str:
    """The crawl's last error line (or last line) from its log: why it stopped."""
    try:
        lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "(no log)"
    errors = [line for line in lines if line.startswith("error:") or " ERROR: " in line]
    return ((errors or lines or ["(empty log)"])[-1])[:limit]


def served_slots(settings: Settings, markets: list[str]) -> dict[str, datetime | None]:
    """The newest slot served of each market, from the index (none yet: nothing served)."""
    try:
        with reading(settings) as store:
            return {market: history(store, market).served for market in markets}
    except NotFound:
        return dict.fromkeys(markets)


def run(
    settings: Settings,
    schedules: dict[str, ScheduleSpec],
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    clock: Clock | None = None,
    launcher: Launcher | None = None,
    interval: float = INTERVAL,
    sleep: Callable[[float], None] = time.sleep,
) -> Scheduler:
    """Start due crawls until `stop` is set (or, with `once`, until what was due at the first
    look has ended), then stop launching, wait up to `schedule_stop_grace` seconds for the
    running crawls, terminate them, and kill what is left after KILL_AFTER more seconds."""
    stop = stop or threading.Event()
    clock = clock or settings_clock(settings)
    if once:  # what is due at the first look, and nothing that comes due later
        first = clock()
        clock = lambda: first  # noqa: E731
    scheduler = Scheduler(
        schedules, served_slots(settings, list(schedules)), launcher or SubprocessLauncher(settings),
        clock, max_crawls=settings.schedule_max_crawls, on_exit=RunRecorder(settings),
        since=datetime.min.replace(tzinfo=UTC) if once else None,
    )
    logger.info("scheduling %d market(s): %s", len(schedules),
                ", ".join(f"{m} ({s.cron} {s.timezone})" for m, s in schedules.items()) or "none")
    while not stop.is_set():
        scheduler.tick()
        if once and not scheduler.running and not scheduler.waiting():
            break
        stop.wait(interval)
    shut_down(scheduler, settings.schedule_stop_grace, sleep)
    return scheduler


def shut_down(scheduler: Scheduler, grace: float, sleep: Callable[[float], None]) -> None:
    scheduler.stopping = True
    if scheduler.running:
        logger.warning("stopping: waiting up to %.0f s for %d running crawl(s)",
                       grace, len(scheduler.running))
    for limit, then in ((grace, scheduler.terminate), (KILL_AFTER, scheduler.kill), (KILL_AFTER, None)):
        deadline = time.monotonic() + limit
        while scheduler.running and time.monotonic() < deadline:
            scheduler.reap()
            if scheduler.running:
                sleep(0.2)
        if not scheduler.running or then is None:
            break
        then()
    scheduler.reap()


def once_exit_code(launches: list[Launch]) -> int:
    """`--once`: the most severe outcome of the crawls it started (0 when none was due)."""
    codes = [launch.code if launch.code is not None else -1 for launch in launches]
    statuses = [STATUS_OF_CODE.get(code, "failed") for code in codes]
    return exit_codes.for_statuses(statuses) if statuses else exit_codes.OK
