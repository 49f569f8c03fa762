"""Progress on long crawls, read from the crawl's stats every few seconds.

The figures (`figures(stats)`) are those of the summary printed after the crawl: pages, listings
(new + changed + same: every listing versioned in this run), vendors, errors (items dropped or
failed and requests failed: the summary's `lost`) and interstitials. Where they go is a *sink*
passed in the Scrapy setting `PROGRESS_SINK`, an object, not a `VIGIL_*` value: the `vigil`
command passes a Rich display on a terminal, JSON lines with `--json`; without one, one plain
line per market goes to stderr.

A sink has `start(key)`, `update(key, **figures)`, `finish(key, **figures)` and may have `tick`
(seconds between updates; default `VIGIL_PROGRESS_INTERVAL`). Scrapy and Twisted are imported
only when a crawl starts, so that the summary can read `figures` cheaply.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

#: Kinds of versioned listing that count as listings seen by the run (pipelines/versioning.py).
LISTING_CHANGES = ("new", "reappeared", "changed", "unchanged")
#: Stats that count a loss: an item dropped or failed, a request that failed.
ERROR_STATS = ("vigil/dropped", "vigil/items/error", "vigil/requests/failed")


def figures(stats: Mapping[str, Any]) -> dict[str, int]:
    """The progress figures of a crawl from its stats."""

    def count(name: str) -> int:
        return int(stats.get(name, 0) or 0)

    return {
        "pages": count("response_received_count"),
        "listings": sum(count(f"vigil/listings/{change}") for change in LISTING_CHANGES),
        "vendors": count("vigil/vendors/written"),
        "errors": sum(count(name) for name in ERROR_STATS),
        "interstitials": count("vigil/interstitial/seen"),
    }


class LineSink:
    """One plain line per market on stderr at every tick (not on a terminal, or no other sink)."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}

    def start(self, key: str) -> None:
        self.started[key] = time.monotonic()

    def update(self, key: str, **counts: int) -> None:
        elapsed = time.monotonic() - self.started.get(key, time.monotonic())
        rate = counts.get("pages", 0) / elapsed if elapsed > 0 else 0.0
        print(
            f"  {key}: {counts.get('pages', 0)} pages, {counts.get('listings', 0)} listings, "
            f"{counts.get('vendors', 0)} vendors, {counts.get('errors', 0)} errors, "
            f"{counts.get('interstitials', 0)} interstitials ({rate:.1f} pages/s)",
            file=sys.stderr,
            flush=True,
        )

    def finish(self, key: str, **counts: int) -> None:
        """Nothing: the summary follows."""


class ProgressExtension:
    def __init__(self, crawler: Crawler, interval: float, sink: Any) -> None:
        self.crawler = crawler
        self.interval = interval
        self.sink = sink
        self.loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        interval = crawler.settings.getfloat("VIGIL_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        sink = crawler.settings.get("PROGRESS_SINK")
        if not callable(getattr(sink, "finish", None)):  # unset (or a string from `--set`)
            sink = LineSink()
        extension = cls(crawler, float(getattr(sink, "tick", None) or interval), sink)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    @property
    def market(self) -> str:
        return str(getattr(self.crawler.spider, "market_id", "?"))

    def figures(self) -> dict[str, int]:
        stats = self.crawler.stats
        return figures(stats.get_stats() if stats is not None else {})

    def opened(self) -> None:
        from twisted.internet import task

        self.sink.start(self.market)
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self) -> None:
        self.sink.update(self.market, **self.figures())

    def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.sink.finish(self.market, **self.figures())
