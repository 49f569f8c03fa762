"""The crawl run: the one owner of the crawl's store, lock and run record.

When the crawl opens: the data folder must be writable, the market's lock free (a second
crawl of the same market stops here, exit 1), then the market's frontier opens (fresh, or the
killed crawl's with `--resume`: `pipelines.resume`) and the run starts. When it closes, the
run's status is decided from its stats and fails safe: `ok` only when the crawl completed without a
single lost item, request or write; only `ok` runs mark listings removed.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from twisted.internet import task
from twisted.python.failure import Failure

from crawler.clock import Clock
from crawler.frontier import FrontierError
from crawler.middlewares import close_crawl
from crawler.schedule import SLOT_ARG, SLOT_STAT, TRIGGER_ARG, TRIGGER_STAT
from index.errors import StoreError
from index.factory import check_writable
from index.records import CrawlRun, LockOwner, MarketLocked
from pipelines import resume
from pipelines.context import CrawlContext, IndexSettings, SharedStores, rates_for, vault_for
from pipelines.run_group import RunGroup, merge_stats, open_group

logger = logging.getLogger(__name__)

# Stats that make a finished crawl incomplete: something was lost on the way.
# (Retries given up are not among them: a request that then succeeded on another mirror lost
# nothing, and one that did not is counted by the spider's errback in vigil/requests/failed.)
ERROR_STATS = (
    "spider_exceptions/count",
    "httperror/response_ignored_count",
    "offsite/filtered",
    "vigil/anonymity/refused",
    "vigil/dropped",
    "vigil/frontier/unreadable",
    "vigil/items/error",
    "vigil/pages/category_missing",
    "vigil/pages/pagination_capped",
    "vigil/pages/categories_capped",
    "vigil/politeness/retry_after_too_long",
    "vigil/requests/failed",
    "vigil/requests/offsite",
    "vigil/store/spooled",
    "vigil/workers/lost",
)
LISTING_STATS = (
    "vigil/listings/new",
    "vigil/listings/changed",
    "vigil/listings/unchanged",
    "vigil/listings/reappeared",
    "vigil/listings/spooled",
    "vigil/resume/listings_adopted",  # stored by the killed run this one resumes
)
# Close reasons that mean nothing trustworthy was collected.
FAILED_REASONS = (
    "browser_unavailable", "start_error", "market_locked", "write_failed", "proxy_unreachable",
)


def run_status(reason: str, stats: dict[str, Any]) -> str:
    if reason == "needs_session":
        return "needs_session"
    if reason in FAILED_REASONS or stats.get("vigil/store/write_failed"):
        return "failed"
    if not stats.get("vigil/pages/category") and not stats.get("vigil/resume/category_pages_done"):
        return "failed"
    if not any(stats.get(name) for name in LISTING_STATS):
        # pages answered but no listing was read: the layout changed or the selectors broke;
        # never let such a run mark every listing removed
        return "failed"
    if reason != "finished":
        return "partial"
    if any(stats.get(name) for name in ERROR_STATS):
        return "partial"
    return "ok"


class CrawlRunExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.index = IndexSettings.of(crawler.settings)
        self.stale_after = crawler.settings.getfloat("VIGIL_LOCK_STALE_AFTER", 900.0)
        # a listing is removed once this many consecutive complete runs missed it
        self.remove_after_runs = max(1, crawler.settings.getint("VIGIL_REMOVE_AFTER_RUNS", 2))
        self._store_held = False
        self._heartbeat: task.LoopingCall | None = None
        # several workers on one run (`scheduler: redis`): the group, and whether this
        # worker joined the run another opened
        self.group: RunGroup | None = None
        self.joined = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        return extension

    @property
    def market(self) -> str:
        return str(getattr(self.crawler.spider, "market_id", self.crawler.spidercls.name))

    def _stop(self, reason: str, message: str) -> CloseSpider:
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("vigil/close_reason", reason)
        stats.set_value("vigil/close_message", message)
        logger.error("%s: %s", self.market, message)
        return CloseSpider(reason)

    def spider_opened(self) -> None:
        settings = self.crawler.settings
        schedule = self._schedule()
        for name, value in schedule.items():
            self.crawler.stats.set_value(name, value)  # type: ignore[union-attr]
        try:
            check_writable(self.index)
            rates = rates_for(settings)
            store = SharedStores.acquire(self.index)
        except (StoreError, ValueError) as exc:
            raise self._stop("start_error", str(exc)) from None
        self._store_held = True
        owner = LockOwner.here()
        clock = Clock.from_settings(settings)
        if settings.get("VIGIL_SCHEDULER") == "redis":
            try:
                self.group, joined = open_group(self.crawler, self.market, self.stale_after)
            except Exception as exc:  # Redis down or a group that never opened
                raise self._stop("start_error", f"the shared frontier: {exc}") from None
            if joined is not None:
                self._join(store, joined.run_id, clock, rates, owner)
                return
        try:
            stale = store.acquire_lock(self.market, owner, datetime.now(UTC), self.stale_after)
        except (MarketLocked, StoreError) as exc:
            if self.group is not None:
                self.group.abandon()
            reason = "market_locked" if isinstance(exc, MarketLocked) else "start_error"
            raise self._stop(reason, str(exc)) from None
        for run_id in stale:
            logger.warning("%s: run %s was left running by a dead crawl: marked failed", self.market, run_id)
        frontier = None
        if self.group is None:  # the shared frontier (`scheduler: redis`) lives in Redis instead
            try:  # only with the lock held: the frontier is the lock holder's
                frontier = resume.open_for_run(self.crawler, self.index.data_dir, self.market)
            except FrontierError as exc:
                store.release_lock(self.market, owner)
                raise self._stop("start_error", str(exc)) from None
        previous = None if frontier is None else resume.resumed_from(self.crawler, frontier)
        stats = dict(schedule) if previous is None else {**schedule, "vigil/resumed_from": previous}
        run = store.start_run(CrawlRun(market=self.market, started_at=clock.now(), stats=stats), owner)
        assert run.id is not None
        if frontier is not None:
            resume.begin(self.crawler, frontier, store, self.market, run.id)
        if self.group is not None:
            self.group.opened(run.id)
            self._count("vigil/workers/opened")
        self._begin(CrawlContext(store, vault_for(self.index), run, clock, rates, owner))
        logger.info("crawl run %s of %s started", run.id, run.market)

    def _join(self, store: Any, run_id: int, clock: Clock, rates: Any, owner: LockOwner) -> None:
        """Work on the run another worker opened: its queue, its run id, not its lock."""
        run = store.get_run(run_id)
        if run is None or run.status != "running":
            raise self._stop("start_error", f"the shared run {run_id} to join is not running")
        self.joined = True
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("vigil/worker/role", "joiner")
        stats.set_value("vigil/run_id", run_id)
        self._begin(CrawlContext(store, vault_for(self.index), run, clock, rates, owner))
        logger.info("joined crawl run %s of %s", run.id, run.market)

    def _begin(self, context: CrawlContext) -> None:
        self.crawler._vigil_context = context  # type: ignore[attr-defined]
        self._heartbeat = task.LoopingCall(self._beat, context)
        interval = max(1.0, min(60.0, self.stale_after / 3))
        if self.group is not None:
            interval = min(interval, 5.0)  # workers' lines go stale in 30 s
        self._heartbeat.start(interval, now=False)

    def _count(self, name: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(name, value)

    def spider_idle(self) -> None:
        """With several workers: wait while another may still queue work; the opener also
        waits until every joiner has left, then closes the run."""
        if self.group is None or getattr(self.crawler, "_vigil_context", None) is None:
            return
        action, lost = self.group.on_idle(opener=not self.joined)
        for token in lost:
            self._count("vigil/workers/lost")
            logger.error("%s: worker %s stopped answering: the requests it held are lost", self.market, token)
        stats = self.crawler.stats
        assert stats is not None
        if action == "wait":
            raise DontCloseSpider
        if action == "close":
            # every other worker has left: their counts join this run's before the close
            # monitors (crawl health) read them; then the watched pages, once, by the opener
            self._collect()
            spider: Any = self.crawler.spider
            spider.on_idle(from_group=True)

    def _schedule(self) -> dict[str, str]:
        """The schedule slot this crawl serves (spider arguments given by `vigil schedule run`
        or `vigil crawl --now`), kept in the run from its start, so a restarted scheduler knows."""
        spider = self.crawler.spider
        slot, trigger = getattr(spider, SLOT_ARG, ""), getattr(spider, TRIGGER_ARG, "")
        return {SLOT_STAT: str(slot), TRIGGER_STAT: str(trigger or "scheduled")} if slot else {}

    def _beat(self, context: CrawlContext) -> None:
        if self.group is not None:
            try:
                self.group.beat()
            except Exception as exc:  # Redis away for a moment: the next beat may get through
                logger.warning("%s: worker heartbeat failed: %s", context.run.market, exc)
        if self.joined:
            return  # the opener holds the lock
        try:
            context.store.heartbeat(context.run.market, context.owner, datetime.now(UTC))
        except StoreError as exc:
            logger.warning("%s: lock heartbeat failed: %s", context.run.market, exc)

    def item_error(self, item: Any, response: Any, spider: Any, failure: Failure) -> None:
        """An exception in a pipeline: the item is lost, so the run cannot be complete."""
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("vigil/items/error")
        stats.inc_value(f"vigil/items/error/{failure.type.__name__}")
        logger.error(
            "%s: %s %s lost in the pipelines: %s",
            self.market,
            type(item).__name__,
            getattr(item, "url", "?"),
            failure.getErrorMessage(),
        )
        if failure.check(StoreError):
            stats.inc_value("vigil/store/write_failed")
            stats.set_value("vigil/close_message", f"a write failed: {failure.getErrorMessage()}")
            close_crawl(self.crawler, "write_failed")

    def spider_closed(self, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        context: CrawlContext | None = getattr(self.crawler, "_vigil_context", None)
        if context is None:
            stats.set_value("vigil/run_status", "failed")
            self._release_store()
            return
        self._settle_writes(context)
        resume.finish(self.crawler, reason)
        if self.joined:
            self._leave_group(reason)
            return
        if self.group is not None:
            self._close_group()
        status = run_status(reason, dict(stats.get_stats()))
        run = context.run
        run.finished_at = context.clock.now()
        run.status = status  # type: ignore[assignment]
        try:
            if status == "ok":
                assert run.id is not None
                removed = context.store.mark_removed(
                    run.market, run.id, run.finished_at, confirm_runs=self.remove_after_runs
                )
                stats.set_value("vigil/listings/removed", len(removed))
            else:
                logger.warning("run %s ended %s (%s): nothing is marked removed", run.id, status, reason)
            stats.set_value("vigil/run_status", status)
            stats.set_value("vigil/run_id", run.id)
            run.stats = {k: v for k, v in stats.get_stats().items() if _keep(k)}
            run.stats["close_reason"] = reason
            context.store.finish_run(run)
            context.store.release_lock(run.market, context.owner)
        except StoreError as exc:
            # the run stays `running` with its lock; the next crawl of the market finds the
            # lock's process gone and marks the run failed
            stats.set_value("vigil/run_status", "failed")
            logger.error("%s: run %s could not be recorded: %s", run.market, run.id, exc)
        finally:
            self._release_store()

    def _leave_group(self, reason: str) -> None:
        """A joiner's end: its counts go to the run's opener, which records the run."""
        stats = self.crawler.stats
        assert stats is not None and self.group is not None
        own = dict(stats.get_stats())
        lost = reason != "finished" or any(own.get(name) for name in ERROR_STATS)
        try:
            self.group.leave(own)
        except Exception as exc:
            logger.error("%s: could not hand this worker's counts to the run: %s", self.market, exc)
            lost = True
        stats.set_value("vigil/run_status", "partial" if lost else "ok")
        self._release_store()

    def _collect(self) -> None:
        """The counts the joiners left join this worker's (the opener's) stats."""
        stats = self.crawler.stats
        assert stats is not None and self.group is not None
        try:
            merge_stats(stats, self.group.take_stats())
        except Exception as exc:
            stats.inc_value("vigil/workers/lost")  # their counts are unknown: not complete
            logger.error("%s: could not collect the other workers' counts: %s", self.market, exc)

    def _close_group(self) -> None:
        """The opener's end: the last counts collected, the frontier cleared for the next run."""
        assert self.group is not None
        self._collect()
        try:
            self.group.close()
        except Exception as exc:
            logger.warning("%s: the shared frontier could not be cleared: %s", self.market, exc)

    def _settle_writes(self, context: CrawlContext) -> None:
        """Write out what the store buffers; what is left in a spool (the cluster is down)
        is not lost, but not indexed either, so the run cannot be complete."""
        stats = self.crawler.stats
        assert stats is not None
        try:
            context.store.flush()
        except StoreError as exc:
            stats.inc_value("vigil/store/write_failed")
            stats.set_value("vigil/close_message", f"a write failed: {exc}")
            logger.error("%s: buffered writes failed: %s", self.market, exc)
        backlog = context.store.backlog()
        if backlog:
            stats.set_value("vigil/store/spooled", backlog)
            logger.warning(
                "%s: %d writes wait in the local spool for the index; they are replayed when it "
                "is back (next crawl, or `vigil index replay`)", self.market, backlog,
            )

    def _release_store(self) -> None:
        if self._store_held:
            self._store_held = False
            SharedStores.release(self.index)


def _keep(name: str) -> bool:
    return name.startswith(
        (
            "vigil/",
            "item_",
            "response_received",
            "downloader/request_count",
            "downloader/response_status_count/",  # the health checks' error and ban rates
            "retry/",
            "httperror/",
            "offsite/",
            "log_count/ERROR",
            "elapsed",
        )
    )
