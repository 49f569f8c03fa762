"""The crawl's requests through the market's frontier (`crawler.frontier`).

`FrontierScheduler` is Scrapy's scheduler (memory queues, priorities) with the frontier as its
lasting duplicate filter: a new request is recorded `pending` before it can be downloaded, and a
request the frontier knows (done, or already pending) is filtered. When a crawl resumes, the
pending requests of the killed crawl are scheduled again (with their priorities) before any
other.

`FrontierMiddleware` turns a request `done` once everything its response produced is stored:
its follow-up requests recorded by the scheduler and its items through every pipeline (Scrapy
hands a callback's output to both through a queue, so the end of the output is not enough).
A response whose callback raised, or one of whose items failed in the pipelines, stays
pending, and a resumed crawl fetches it again.

Both switch themselves off when the crawl has no frontier (`crawler._vigil_frontier`, set by
the run extension once it holds the market's lock; the extension also settles the last marks
and closes the frontier when the crawl ends).
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, signals
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.internet import task

from crawler.frontier import Frontier
from crawler.items import ListingItem

logger = logging.getLogger(__name__)

FP_KEY = "vigil_frontier_fp"  # the frontier entry a request (or its retry, its redirect) is


def frontier_of(crawler: Crawler) -> Frontier | None:
    return getattr(crawler, "_vigil_frontier", None)


class FrontierScheduler(Scheduler):
    _loaded = False

    def _frontier(self) -> Frontier | None:
        assert self.crawler is not None
        frontier = frontier_of(self.crawler)
        if frontier is not None and not self._loaded:
            self._loaded = True
            rescheduled = 0
            try:
                for request in frontier.pending(self.spider):
                    rescheduled += super().enqueue_request(request)
            except Exception as exc:  # a damaged file: what is left would be lost silently
                assert self.stats is not None
                self.stats.inc_value("vigil/frontier/unreadable")
                logger.error("the frontier's pending requests cannot be read: %s", exc)
            if rescheduled:
                assert self.stats is not None
                self.stats.set_value("vigil/frontier/rescheduled", rescheduled)
                logger.info("%d requests pending in the frontier scheduled again", rescheduled)
        return frontier

    def enqueue_request(self, request: Request) -> bool:
        frontier = self._frontier()
        if frontier is None:
            return super().enqueue_request(request)
        assert self.crawler is not None and self.stats is not None
        fp = self.crawler.request_fingerprinter.fingerprint(request).hex()
        known = request.meta.get(FP_KEY)
        # a retry or a redirect of a recorded request goes through: its entry stays pending
        continuation = known is not None and (known == fp or bool(request.meta.get("redirect_urls")))
        filtered = unrecorded = False
        if not continuation:
            request.meta[FP_KEY] = fp
            try:
                recorded = frontier.add(fp, str(request.meta.get("vigil_role", "")), request, self.spider)
            except (ValueError, TypeError, AttributeError, pickle.PicklingError) as exc:
                # fetched all the same; its parent stays pending, so a resumed crawl redoes both
                del request.meta[FP_KEY]
                recorded, unrecorded = False, True
                self.stats.inc_value("vigil/frontier/unrecorded")
                logger.warning("%s cannot be kept in the frontier: %s", request.url, exc)
            if recorded:
                self.stats.inc_value("vigil/frontier/recorded")
            elif not request.dont_filter and not unrecorded:
                filtered = True  # the frontier knows it: done, or pending already
                self.df.log(request, self.spider)
        tracker = getattr(self.crawler, "_vigil_frontier_tracker", None)
        if tracker is not None:
            (tracker.request_dropped if unrecorded else tracker.scheduled)(request)
        return False if filtered else super().enqueue_request(request)

    def has_pending_requests(self) -> bool:
        self._frontier()
        return super().has_pending_requests()

    def next_request(self) -> Request | None:
        self._frontier()
        return super().next_request()


@dataclass
class _Work:
    """A response being processed: how many items it produced and how many are through."""

    fingerprint: str
    produced: int = 0
    finished: int = 0
    exhausted: bool = False
    failed: bool = False


class FrontierMiddleware:
    """Marks a request done once its response's output is stored (see the module docstring).

    With a store that commits each write when it returns, the mark follows at once; with one
    that buffers (a cluster's bulk writer: `crawler._vigil_flush`), marks wait for the next
    checkpoint, which flushes the store first, so a killed crawl never has a page marked done
    whose records were still in a buffer."""

    checkpoint = 2.0  # seconds between flushes of a buffering store

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._open: dict[Any, _Work] = {}
        self._requests: dict[Request, Response] = {}  # follow-ups not yet recorded, by response
        self._staged: list[str] = []  # done, waiting for the next commit
        self._listings: list[tuple[str, datetime]] = []  # stored, recorded with the same commit
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.item_finished, signal=signals.item_scraped)
        crawler.signals.connect(middleware.item_finished, signal=signals.item_dropped)
        crawler.signals.connect(middleware.item_error, signal=signals.item_error)
        crawler.signals.connect(middleware.request_dropped, signal=signals.request_dropped)
        crawler._vigil_frontier_tracker = middleware  # type: ignore[attr-defined]
        return middleware

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterator[Any]:
        work = self._start(response)
        if work is None:
            yield from result
            return
        try:
            for output in result:
                self._produced(response, work, output)
                yield output
        except BaseException:
            self._abandon(response, work)
            raise
        self._exhausted(response, work)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        work = self._start(response)
        if work is None:
            async for output in result:
                yield output
            return
        try:
            async for output in result:
                self._produced(response, work, output)
                yield output
        except BaseException:
            self._abandon(response, work)
            raise
        self._exhausted(response, work)

    def _start(self, response: Response) -> _Work | None:
        fingerprint = response.meta.get(FP_KEY) if response.request is not None else None
        if frontier_of(self.crawler) is None or fingerprint is None:
            return None
        work = self._open[response] = _Work(fingerprint)
        return work

    def _produced(self, response: Response, work: _Work, output: Any) -> None:
        if output is None:
            return
        work.produced += 1
        if isinstance(output, Request):
            self._requests[output] = response  # finished once the scheduler has recorded it

    def scheduled(self, request: Request) -> None:
        """The scheduler recorded (or filtered) a request: one output of its response is done."""
        response = self._requests.pop(request, None)
        if response is not None:
            self._count(response)

    def request_dropped(self, request: Request, spider: Any = None) -> None:
        """A request dropped before the scheduler saw it; Scrapy logs why."""
        response = self._requests.pop(request, None)
        if response is not None:
            work = self._open.get(response)
            if work is not None:
                work.failed = True
            self._count(response)

    def _abandon(self, response: Response, work: _Work) -> None:
        """The callback raised (or its output was dropped): the request stays pending."""
        work.failed = True
        self._open.pop(response, None)

    def _exhausted(self, response: Response, work: _Work) -> None:
        work.exhausted = True
        self._settle(response, work)

    def item_finished(self, item: Any, response: Any, spider: Any = None, **_: Any) -> None:
        if isinstance(item, ListingItem) and item.change != "":  # through the versioning pipeline
            self._listings.append((item.listing_id, datetime.now(UTC)))
        self._count(response)
        if self._listings:
            self._committing()  # also when the item came from an errback (no tracked response)

    def item_error(self, item: Any, response: Any, spider: Any = None, **_: Any) -> None:
        work = self._open.get(response)
        if work is not None:
            work.failed = True
        self._count(response)

    def _count(self, response: Any) -> None:
        work = self._open.get(response)
        if work is not None:
            work.finished += 1
            self._settle(response, work)

    def _settle(self, response: Any, work: _Work) -> None:
        if not work.exhausted or work.finished < work.produced:
            return
        del self._open[response]
        if work.failed:
            return
        self._staged.append(work.fingerprint)
        self._committing()

    def _committing(self) -> None:
        """Commit now (a store that writes through), or at the next checkpoint."""
        flush: Callable[[], None] | None = getattr(self.crawler, "_vigil_flush", None)
        if flush is None:
            self._commit()
        elif self._loop is None:
            self._loop = task.LoopingCall(self._checkpoint, flush)
            self._loop.start(self.checkpoint, now=False)

    def _checkpoint(self, flush: Callable[[], None]) -> None:
        try:
            flush()
        except Exception as exc:  # the store says why; the marks wait for the next checkpoint
            logger.warning("frontier checkpoint: the store could not flush: %s", exc)
            return
        self._commit()

    def _commit(self) -> None:
        frontier = frontier_of(self.crawler)
        if frontier is None or not (self._staged or self._listings):
            return
        staged, listings, self._staged, self._listings = self._staged, self._listings, [], []
        frontier.done(staged, listings)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("vigil/frontier/done", len(staged))

    def settle(self) -> None:
        """The last marks, once the crawl's items are all through (the run extension calls it
        when the crawl closes, after the store's last flush)."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        flush = getattr(self.crawler, "_vigil_flush", None)
        if flush is not None:
            self._checkpoint(flush)
        else:
            self._commit()
