"""Conditional requests for listing pages: a page fetched and stored by an earlier crawl is
asked for with its validators (If-None-Match, If-Modified-Since); "304 Not Modified" means
the listing is as stored, and it is then neither parsed, extracted nor re-indexed (the
pipelines record it as seen unchanged, citing the stored page).

Only a listing's own page, and only when it stands for the whole listing: not for a market
whose listings have tabs (`listings.extra_pages`, fetched after the page and able to change on
their own) nor for a browser market, and not when the listing's card (on the category page,
always re-fetched) differs from the card read with the stored page. Category, start and
pagination pages are never conditional.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.validators import COMMIT_EVERY, Remembered, Validators, card_digest

logger = logging.getLogger(__name__)

#: The listing-page role (`MarketSpider._request`); tabs are `listing:<tab>`.
LISTING_ROLE = "listing"


class ConditionalRequestMiddleware:
    def __init__(self, crawler: Crawler, data_dir: Path) -> None:
        self.crawler = crawler
        self.data_dir = data_dir
        self.validators: Validators | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        if not crawler.settings.getbool("VIGIL_CONDITIONAL_REQUESTS", True):
            raise NotConfigured("conditional requests are off (VIGIL_CONDITIONAL_REQUESTS)")
        middleware = cls(crawler, Path(crawler.settings["VIGIL_DATA_DIR"] or "data"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        config = getattr(spider, "config", None)
        if config is None or config.listings.extra_pages or config.render == "browser":
            return  # this market's listing pages do not stand for their listings alone
        path = self.data_dir / "validators" / f"{spider.market_id}.sqlite3"
        try:
            # several workers of one run (`scheduler: redis`) on this machine share the file:
            # each entry is then committed at once, never held in a batch they would wait for
            shared = self.crawler.settings.get("VIGIL_SCHEDULER") == "redis"
            self.validators = Validators(path, commit_every=1 if shared else COMMIT_EVERY)
        except (OSError, sqlite3.Error) as exc:  # a cache: without it every page is fetched in full
            logger.warning("%s: no conditional requests (%s: %s)", spider.market_id, path, exc)
            return
        self.crawler._vigil_validators = self.validators  # type: ignore[attr-defined]

    def spider_closed(self, spider: Any) -> None:
        if self.validators is not None:
            self.validators.close()
            self.validators = None
            self.crawler._vigil_validators = None  # type: ignore[attr-defined]

    def process_request(self, request: Request) -> None:
        if self.validators is None or request.meta.get("vigil_role") != LISTING_ROLE:
            return
        if request.meta.get("vigil_unconditional"):
            return
        remembered = self.validators.get(request.url)
        if remembered is None:
            return
        stats = self.crawler.stats
        assert stats is not None
        if remembered.card != card_digest(request.cb_kwargs.get("card") or {}):
            stats.inc_value("vigil/conditional/card_changed")
            return
        if remembered.etag:
            request.headers["If-None-Match"] = remembered.etag
        if remembered.last_modified:
            request.headers["If-Modified-Since"] = remembered.last_modified
        request.meta["vigil_validated"] = remembered
        allowed = request.meta.get("handle_httpstatus_list")
        if allowed is None:
            allowed = self.crawler.settings.getlist("HTTPERROR_ALLOWED_CODES")
        request.meta["handle_httpstatus_list"] = [*allowed, 304]
        stats.inc_value("vigil/conditional/sent")

    def process_response(self, request: Request, response: Response) -> Response:
        remembered: Remembered | None = request.meta.get("vigil_validated")
        if remembered is not None and response.status == 304:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("vigil/conditional/not_modified")
        return response

