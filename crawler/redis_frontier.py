"""A market's frontier on Redis, shared by every worker crawling it (`scheduler: redis`).

scrapy-redis keeps the request queue and the duplicate filter in Redis, so several crawler
processes, on one machine or many, take requests from one queue and never fetch one URL twice.
Its keys are named after the spider, and every market is crawled by the one `MarketSpider`:
here they are named after the market (`vigil:<market>:requests`, `…:dupefilter`), and the
duplicate filter uses the crawl's own fingerprinter (the page's role is part of it).

The keys outlive each worker (`persist`): the run group (`pipelines.run_group`) clears them when
a run opens and when it ends, so that category and pagination pages are fetched again by the
next run. Each worker also says here whether it is working, for the group to know when the
whole crawl is done.
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)
# scrapy-redis 0.9 passes `spider=` to the stats collector, which Scrapy 2.19 deprecates: a
# warning on every request otherwise
warnings.filterwarnings("ignore", r"Passing a 'spider' argument to StatsCollector", ScrapyDeprecationWarning,
                        r"scrapy_redis\.")

PREFIX = "vigil"


def market_key(market: str, name: str) -> str:
    return f"{PREFIX}:{market}:{name}"


def connect(settings: Any) -> Any:
    """A Redis client for `REDIS_URL` (the `redis_url` setting)."""
    return get_redis_from_settings(settings)


class MarketDupeFilter(RFPDupeFilter):
    """scrapy-redis's filter with the crawl's request fingerprinter (role-aware)."""

    def __init__(self, server: Any, key: str, fingerprinter: Any, debug: bool = False) -> None:
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()


class MarketRedisScheduler(Scheduler):
    """scrapy-redis's scheduler with per-market keys, which tells the group when it works."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MarketRedisScheduler:
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.persist = True  # the run group clears the keys, not each worker
        return instance

    def open(self, spider: Any) -> None:
        market = str(getattr(spider, "market_id", spider.name))
        self.market = market
        self.queue_key = market_key(market, "requests")
        self.dupefilter_key = market_key(market, "dupefilter")
        self.df = MarketDupeFilter(
            self.server,
            self.dupefilter_key,
            self.crawler.request_fingerprinter,
            debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"),
        )
        self.worker = WorkerState(self.server, market, self.crawler)
        super().open(spider)

    def next_request(self) -> Request | None:
        # busy before the pop: whoever finds the queue empty after this pop then finds this
        # worker busy (it stays busy until Scrapy finds it idle: `pipelines.run_group`)
        if not self.has_pending_requests():
            return None
        self.worker.set("busy")
        return super().next_request()


class WorkerState:
    """This worker's line in the market's `workers` hash: busy or idle, and when it said so."""

    def __init__(self, server: Any, market: str, crawler: Crawler) -> None:
        self.server = server
        self.key = market_key(market, "workers")
        self.token = worker_token(crawler)

    def set(self, state: str) -> None:
        self.server.hset(self.key, self.token, json.dumps({"state": state, "at": time.time()}))


def worker_token(crawler: Crawler) -> str:
    """This crawl's worker id (set once per crawler by the run group, or made here)."""
    token = getattr(crawler, "_vigil_worker", None)
    if token is None:
        import os
        import uuid

        token = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        crawler._vigil_worker = token  # type: ignore[attr-defined]
    return token


def workers(server: Any, market: str) -> dict[str, dict[str, Any]]:
    """Every worker of the market's current crawl: token -> {state, at}."""
    raw = server.hgetall(market_key(market, "workers"))
    return {_text(k): json.loads(_text(v)) for k, v in raw.items()}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
