"""Politeness and resilience: retries with backoff that honour `Retry-After`, and mirrors
rotated when the one being crawled stops answering.

Both replace or sit beside Scrapy's RetryMiddleware (see `crawler/settings.py`):

- `BackoffRetryMiddleware` is Scrapy's retry with a wait before each retry: the server's
  `Retry-After` on 429 and 503 (seconds or an HTTP date), else exponential backoff. A
  `Retry-After` also pauses every other request to the market until it has passed. One
  longer than `politeness.max_retry_after` is not waited for: the page is given up, counted
  and logged, and the run is then incomplete.
- `MirrorRotationMiddleware` sees a request only once its retries are spent. A connection
  failure or a 5xx from the mirror being crawled moves the whole crawl to the market's next
  mirror and sends the request there; every mirror is tried at most once per request. The
  mirror in use is kept in the stats (`vigil/mirror`), and so in the run record.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future
from twisted.internet.task import deferLater

from crawler.config import MarketConfig
from crawler.tor import FAIL_CLOSED

logger = logging.getLogger(__name__)

RETRY_AFTER_CODES = (429, 503)
MIRROR_DOWN_CODES = (500, 502, 503, 504, 520, 521, 522, 523, 524)
MAX_BACKOFF = 60.0


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """A `Retry-After` header as seconds from now (RFC 9110: delay-seconds or an HTTP date);
    None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def _sleep(seconds: float) -> None:
    # the reactor is imported here, not at module level: importing it installs one, and the
    # spider imports this module before Scrapy installs the asyncio reactor
    from twisted.internet import reactor

    if seconds > 0:
        await deferred_to_future(deferLater(reactor, seconds, lambda: None))


def _politeness(crawler: Crawler) -> Any:
    config = getattr(crawler.spider, "config", None)
    return getattr(config, "politeness", None)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, spaced out: `Retry-After` when the server gives one, else backoff."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self._resume_at = 0.0  # monotonic time before which no request of the market leaves

    async def process_request(self, request: Request) -> None:
        wait = self._resume_at - time.monotonic()
        if wait > 0:
            await _sleep(wait)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        delay = None
        if response.status in RETRY_AFTER_CODES:
            delay = retry_after_seconds(response.headers.get("Retry-After"))
        polite = _politeness(self.crawler)
        cap = getattr(polite, "max_retry_after", 600.0)
        stats = self.crawler.stats
        if delay is not None and delay > cap:
            stats.inc_value("vigil/politeness/retry_after_too_long")
            logger.warning("%s asks to wait %.0f s (Retry-After), more than max_retry_after (%.0f s): "
                           "given up", request.url, delay, cap)
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        if delay is not None:
            stats.inc_value("vigil/politeness/retry_after")
            self._resume_at = max(self._resume_at, time.monotonic() + delay)
        else:
            delay = self._backoff(request, polite)
        await _sleep(delay)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:  # type: ignore[override]
        if isinstance(exception, FAIL_CLOSED):
            return None  # never retried: the crawl stops (see AnonymityGuardMiddleware)
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await _sleep(self._backoff(request, _politeness(self.crawler)))
        return retry  # type: ignore[return-value]

    @staticmethod
    def _backoff(request: Request, polite: Any) -> float:
        base = getattr(polite, "retry_backoff", 1.0)
        tries = request.meta.get("retry_times", 0)
        return min(MAX_BACKOFF, base * (2**tries))


class MirrorRotationMiddleware:
    """Moves the crawl to the next mirror when the current one fails for good."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MirrorRotationMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        spider = self.crawler.spider
        if response.status in MIRROR_DOWN_CODES:
            return self._elsewhere(request, f"HTTP {response.status}") or response
        if hasattr(spider, "mirror") and _base(request.url) == spider.mirror:
            self.crawler.stats.set_value("vigil/mirror", spider.mirror)
        return response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if isinstance(exception, FAIL_CLOSED):
            return None  # the proxy is down, not the mirror
        return self._elsewhere(request, type(exception).__name__)

    def _elsewhere(self, request: Request, why: str) -> Request | None:
        """The request on another mirror, or None when every mirror was tried for it."""
        spider = self.crawler.spider
        mirrors: list[str] = list(getattr(getattr(spider, "config", None), "mirrors", []) or [])
        if len(mirrors) < 2 or not hasattr(spider, "rotate_mirror"):
            return None
        tried: list[str] = list(request.meta.get("vigil_mirrors_tried", []))
        failed = _base(request.url)
        if failed not in tried:
            tried.append(failed)
        if failed == spider.mirror:
            spider.rotate_mirror(failed, why)
        target = spider.mirror
        if target in tried:
            untried = [m for m in mirrors if m not in tried]
            if not untried:
                return None
            target = untried[0]
        self.crawler.stats.inc_value("vigil/mirror/retargeted")
        retry = request.replace(url=_on(target, request.url), dont_filter=True)
        retry.meta["vigil_mirrors_tried"] = tried
        retry.meta.pop("retry_times", None)
        return retry


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _on(mirror: str, url: str) -> str:
    base = urlsplit(mirror)
    return urlsplit(url)._replace(scheme=base.scheme, netloc=base.netloc).geturl()


def apply_politeness(crawler: Crawler, config: MarketConfig) -> None:
    """The market's politeness and bounds become this crawl's Scrapy settings."""
    p = config.politeness
    values: dict[str, Any] = {
        "DOWNLOAD_DELAY": p.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": p.concurrency,
        "CONCURRENT_REQUESTS": max(p.concurrency, 1),
        "AUTOTHROTTLE_ENABLED": p.autothrottle,
        "DOWNLOAD_TIMEOUT": p.timeout,
        "DOWNLOAD_MAXSIZE": p.max_page_bytes,
        "DOWNLOAD_WARNSIZE": min(p.max_page_bytes, 1_000_000),
        # The walk is bounded by its structure (start -> categories, each at most
        # max_pages_per_category pages -> listings -> vendors), not by link depth, which
        # would silently cut long categories short.
        "DEPTH_LIMIT": 0,
        "RETRY_TIMES": p.retries,
        "CLOSESPIDER_PAGECOUNT": p.max_pages,
        "AUTOTHROTTLE_START_DELAY": max(p.download_delay, 1.0),
        "AUTOTHROTTLE_MAX_DELAY": p.autothrottle_max_delay,
    }
    if crawler.settings.getbool("VIGIL_NO_POLITENESS"):  # benchmarks on loopback only
        values.update(DOWNLOAD_DELAY=0, AUTOTHROTTLE_ENABLED=False)
    for name, value in values.items():
        crawler.settings.set(name, value, priority="spider")
