"""The one generic spider: walks any market its YAML config describes.

    scrapy crawl market -a market=nightowl [-a mirror=http://127.0.0.1:8731]

Start pages and category pages are read for listing cards and links; listing pages are
visited according to `listings.fetch_pages`; vendor pages once each.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.browser import apply_browser, browser_preflight, screenshot_of
from crawler.clock import Clock
from crawler.config import MarketConfig, load_market, with_mirrors
from crawler.fields import read_all, read_field, read_fields, select
from crawler.items import ListingItem, PageCapture, VendorItem
from crawler.listing_tabs import ListingTabs
from crawler.mirror_requests import MirrorRequests, netloc
from crawler.politeness import apply_politeness
from crawler.records import merge_fields
from crawler.tor import download_handlers
from crawler.validators import Validators, card_digest


class MarketSpider(MirrorRequests, ListingTabs, scrapy.Spider):
    name = "market"

    def __init__(self, market: str = "", mirror: str = "", access: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not market:
            raise ValueError("give the market to crawl: -a market=ID")
        self.market_id = market
        self.mirror_override = [m for m in mirror.split(",") if m] if mirror else []
        # `-a access=tor` (or a JSON access block): how the overriding mirrors are reached
        self.access_override: dict[str, Any] | None = _access(access) if access else None
        self.config: MarketConfig = cast(MarketConfig, None)
        self.clock = Clock()
        self._id_pattern: re.Pattern[str] = re.compile(".")
        self._seen_listings: set[str] = set()  # only to skip watched pages the walk reached
        self._watch_scheduled = False
        self.mirror_hosts: frozenset[str] = frozenset()
        self.mirror_index = 0  # the mirror being crawled; moves on when it fails for good
        self._category_ids: dict[str, set[str]] = {}  # listing ids seen per category walk

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> MarketSpider:
        spider = cast(MarketSpider, super().from_crawler(crawler, *args, **kwargs))
        settings = crawler.settings
        config = load_market(Path(settings["VIGIL_CONFIG_DIR"]) / "markets", spider.market_id)
        configured = list(config.mirrors)
        if spider.mirror_override or spider.access_override:
            config = with_mirrors(config, spider.mirror_override or configured, spider.access_override)
        spider.config = config
        spider.clock = Clock.from_settings(settings)
        spider._id_pattern = re.compile(config.listings.id_from_url)
        # every mirror host of the market is on-site, the configured ones included when a
        # mirror is overridden: links to them are read from the mirror being crawled
        spider.mirror_hosts = frozenset(netloc(m) for m in [*configured, *config.mirrors])
        spider.allowed_domains = sorted({urlsplit(m).hostname or "" for m in [*configured, *config.mirrors]})
        apply_politeness(crawler, config)
        handlers = download_handlers(config, settings.get("VIGIL_TOR_PROXY") or "")
        if handlers:
            crawler.settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
        if config.render == "browser":
            apply_browser(crawler, config)  # every request through Chromium
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    def closed(self, reason: str) -> None:
        if reason == "closespider_pagecount":
            budget = self.config.politeness.max_pages
            message = (f"the run's page budget ({budget} pages, politeness.max_pages) was reached: "
                       "the run is partial and marks nothing removed")
            self.crawler.stats.set_value("vigil/close_message", message)
            self.logger.warning("%s: %s", self.market_id, message)

    async def start(self) -> AsyncIterator[Any]:
        problem = browser_preflight(self.config, self.crawler.settings)
        if problem:  # never read a JavaScript market's API directly instead
            self.crawler.stats.set_value("vigil/close_reason", "browser_unavailable")
            self.crawler.stats.set_value("vigil/close_message", problem)
            self.logger.error("%s: %s", self.market_id, problem)
            raise CloseSpider("browser_unavailable")
        if self._joined_crawl():
            return  # the shared queue has the start pages: the worker that opened the run queued them
        for path in self.config.navigation.start_urls:
            request = self._request(self._absolute(path), self.parse_start, "category")
            if request is not None:
                yield request

    def _watched(self) -> list[scrapy.Request]:
        """Watched pages the walk did not reach, visited once it is done (so that a
        listing reached through its card keeps the card's fields)."""
        nav = self.config.navigation
        requests = []
        for path in nav.watch_listings:
            url = self._absolute(path)
            listing_id = self._listing_id(url)
            if listing_id is None:
                self.logger.error("watched listing %s: its URL has no id (listings.id_from_url)", url)
            elif listing_id not in self._seen_listings:
                requests.append(
                    self._request(
                        url, self.parse_listing, "listing",
                        {"listing_id": listing_id, "card": {}, "card_page": None},
                    )
                )
        if self.config.vendors is not None:
            requests += [
                self._request(self._absolute(path), self.parse_vendor, "vendor")
                for path in nav.watch_vendors
            ]
        return [r for r in requests if r is not None]

    def _shared_frontier(self) -> bool:
        return self.crawler.settings.get("VIGIL_SCHEDULER") == "redis"

    def _joined_crawl(self) -> bool:
        """This worker joined a run another worker opened (`scheduler: redis`)."""
        return self.crawler.stats.get_value("vigil/worker/role") == "joiner"

    def on_idle(self, from_group: bool = False) -> None:
        """The walk is done: queue the watched pages it did not reach. With several workers
        (`scheduler: redis`) only the run's opener does, once every worker is idle
        (`pipelines.runs` calls it then)."""
        if self._watch_scheduled or (self._shared_frontier() and not from_group):
            return
        self._watch_scheduled = True
        requests = self._watched()
        assert self.crawler.engine is not None
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    # --- callbacks ----------------------------------------------------------------------
    def parse_start(self, response: Response) -> Iterator[Any]:
        nav = self.config.navigation
        if nav.category_links is not None:
            links = list(dict.fromkeys(read_all(nav.category_links, response.selector, response.url)))
            if len(links) > nav.max_categories:
                self.crawler.stats.inc_value("vigil/pages/categories_capped", len(links) - nav.max_categories)
                self.logger.warning(
                    "%s: %d category links, more than navigation.max_categories (%d): the rest "
                    "are not crawled", self.market_id, len(links), nav.max_categories,
                )
            for href in links[: nav.max_categories]:
                yield from self._follow(response, href, self.parse_category, "category", {"page_number": 1})
        yield from self.parse_category(response, page_number=1)

    def parse_category(
        self, response: Response, page_number: int, walk: str | None = None
    ) -> Iterator[Any]:
        walk = walk or response.url  # a category's pages share the URL of its first page
        if response.status != 200:
            self.crawler.stats.inc_value("vigil/pages/category_missing")
            self.logger.error("category page %s answered %s", response.url, response.status)
            return
        self.crawler.stats.inc_value("vigil/pages/category")
        capture = self._capture(response, "card")
        spec = self.config.listings
        nav = self.config.navigation
        category = None
        if nav.category_name is not None:
            category = read_field(nav.category_name, response.selector, response.url)
        before = len(self._category_ids.setdefault(walk, set()))
        if spec.cards is not None:
            for card in select(response.selector, spec.cards.container):
                yield from self._from_card(response, card, capture, category, walk)
        else:
            for href in read_all(spec.links, response.selector, response.url):
                url = self._on_mirror(response.urljoin(href))
                listing_id = self._listing_id(url)
                if listing_id:
                    self._category_ids[walk].add(listing_id)
                    yield from self._follow(
                        response, url, self.parse_listing, "listing",
                        {"listing_id": listing_id, "card": {}, "card_page": None},
                    )
        if nav.next_page is not None:
            href = read_field(nav.next_page, response.selector, response.url)
            if isinstance(href, str) and page_number >= nav.max_pages_per_category:
                # the market has more than the cap allows: this run did not see everything
                self.crawler.stats.inc_value("vigil/pages/pagination_capped")
                self.logger.warning("pagination capped at %d pages: %s", page_number, response.url)
            elif isinstance(href, str) and page_number > 1 and len(self._category_ids[walk]) == before:
                # a next page that shows nothing this category has not shown: a pagination
                # trap (or a last page linking to itself): stop here
                self.crawler.stats.inc_value("vigil/pages/pagination_repeat")
                self.logger.info("%s: %s shows no new listing: pagination stops",
                                 self.market_id, response.url)
            elif isinstance(href, str):
                yield from self._follow(
                    response, href, self.parse_category, "category",
                    {"page_number": page_number + 1, "walk": walk},
                )

    def _from_card(
        self, response: Response, card: Selector, capture: PageCapture, category: object,
        walk: str = "",
    ) -> Iterator[Any]:
        spec = self.config.listings
        href = read_field(spec.links, card, response.url)
        if not isinstance(href, str):
            self.crawler.stats.inc_value("vigil/cards/without_link")
            return
        url = self._on_mirror(response.urljoin(href))
        listing_id = self._listing_id(url)
        if not listing_id:
            self.crawler.stats.inc_value("vigil/cards/without_id")
            return
        self._category_ids.setdefault(walk, set()).add(listing_id)
        assert spec.cards is not None
        fields = read_fields(spec.cards.fields, card, response.url)
        if isinstance(category, str) and "category" not in fields:
            fields["category"] = category
        if "vendor_url" in fields:
            fields["vendor_url"] = self._on_mirror(response.urljoin(str(fields["vendor_url"])))
        missing = [name for name in spec.required if name not in fields]
        visit = spec.fetch_pages == "always" or (spec.fetch_pages == "missing" and missing)
        if visit:
            yield from self._follow(
                response, url, self.parse_listing, "listing",
                {"listing_id": listing_id, "card": fields, "card_page": capture},
            )
        else:
            yield from self._emit_listing(listing_id, url, fields, [capture])

    def parse_listing(
        self,
        response: Response,
        listing_id: str,
        card: dict[str, Any],
        card_page: PageCapture | None,
    ) -> Iterator[Any]:
        self.crawler.stats.inc_value("vigil/pages/listing")
        if response.status == 304:  # as stored by an earlier crawl (`crawler.conditional`)
            remembered = response.meta["vigil_validated"]
            self.crawler.stats.inc_value("vigil/pages/not_modified")
            yield from self._emit_listing(
                remembered.listing_id, response.url, dict(card), [p for p in (card_page,) if p is not None],
                card_digest=remembered.card, not_modified=remembered.sha256,
            )
            return
        if response.status == 404:
            # Gone since its card was read: keep what the card says, or nothing.
            self.crawler.stats.inc_value("vigil/listings/page_missing")
            if card and card_page is not None:
                yield from self._emit_listing(listing_id, response.url, card, [card_page])
            return
        capture = self._capture(response, "listing")
        page_fields = read_fields(self.config.listings.fields, response.selector, response.url)
        if "vendor_url" in page_fields:
            page_fields["vendor_url"] = self._on_mirror(response.urljoin(str(page_fields["vendor_url"])))
        fields = {**page_fields, **card}  # card values first, the page fills in the rest
        pages = [p for p in (card_page, capture) if p is not None]
        if Validators.of(self.crawler) is not None:  # its validators are remembered with the card
            yield from self._emit_listing(listing_id, response.url, fields, pages,
                                          card_digest=card_digest(card))
        else:
            yield from self._listing_sub_pages(listing_id, response.url, fields, pages, 0)
        vendors = self.config.vendors
        if vendors is not None and vendors.follow and vendors.links is not None:
            for href in read_all(vendors.links, response.selector, response.url):
                yield from self._follow(response, href, self.parse_vendor, "vendor")

    def _emit_listing(
        self, listing_id: str, url: str, fields: dict[str, Any], pages: list[PageCapture],
        card_digest: str = "", not_modified: str = "",
    ) -> Iterator[Any]:
        if "id" in fields and isinstance(fields["id"], str) and not not_modified:
            listing_id = fields["id"]
        # a listing on two category pages is emitted twice: the versioning pipeline keeps the
        # first, by what the run has already stored
        self._seen_listings.add(listing_id)
        yield ListingItem(market=self.market_id, listing_id=listing_id, url=url, fields=fields, pages=pages,
                          card_digest=card_digest, not_modified=not_modified)
        vendors = self.config.vendors
        vendor_url = fields.get("vendor_url")
        if vendors is not None and vendors.follow and isinstance(vendor_url, str):
            request = self._request(vendor_url, self.parse_vendor, "vendor")
            if request is not None:
                yield request

    def refetch_listing(self, item: ListingItem) -> scrapy.Request | None:
        """A listing page asked for again in full: its 304 stood for a stored page that the
        index does not hold (replaced, or a write lost); past the duplicate filter."""
        card_page = item.pages[0] if item.pages else None
        request = self._request(item.url, self.parse_listing, "listing",
                                {"listing_id": item.listing_id, "card": item.fields, "card_page": card_page})
        if request is None:
            return None
        request.meta["vigil_unconditional"] = True
        return request.replace(dont_filter=True)

    def parse_vendor(
        self,
        response: Response,
        fields: dict[str, Any] | None = None,
        pages: list[PageCapture] | None = None,
        step: int = 0,
    ) -> Iterator[Any]:
        """A vendor profile, then its extra pages (e.g. the PGP key) one after the other."""
        self.crawler.stats.inc_value("vigil/pages/vendor")
        spec = self.config.vendors
        assert spec is not None
        fields = dict(fields or {})
        pages = list(pages or [])
        if response.status == 404:
            self.crawler.stats.inc_value("vigil/vendors/page_missing")
            if step == 0:
                return
        else:
            role = "vendor" if step == 0 else _page_role(spec.extra_pages[step - 1].path)
            pages.append(self._capture(response, role))
            page_specs = spec.fields if step == 0 else spec.extra_pages[step - 1].fields
            found = read_fields(page_specs, response.selector, response.url)
            fields = merge_fields(fields, found)
        if step == 0:
            fields["_url"] = response.url
        if step < len(spec.extra_pages):
            extra = spec.extra_pages[step]
            request = self._request(
                urljoin(fields["_url"], extra.path), self.parse_vendor, f"vendor:{_page_role(extra.path)}",
                {"fields": fields, "pages": pages, "step": step + 1},
            )
            if request is not None:
                yield request
            return
        url = fields.pop("_url")
        alias = fields.get("alias")
        if not isinstance(alias, str):
            self.crawler.stats.inc_value("vigil/vendors/without_alias")
            self.logger.warning("vendor page without an alias: %s", url)
            return
        yield VendorItem(market=self.market_id, alias=alias.strip(), url=url, fields=fields, pages=pages)

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after retries, or refused): the run is incomplete."""
        if failure.check(IgnoreRequest) and self.crawler.stats.get_value("vigil/close_reason"):
            return  # the crawl is already ending (login wall, captcha): that is its status
        self.crawler.stats.inc_value("vigil/requests/failed")
        self.crawler.stats.inc_value(f"vigil/requests/failed/{failure.type.__name__}")
        self.logger.error("%s failed: %s", failure.request.url, failure.getErrorMessage())

    def _listing_id(self, url: str) -> str | None:
        match = self._id_pattern.search(url)
        return match.group("id") if match else None

    def _capture(self, response: Response, role: str) -> PageCapture:
        """One capture per response, shared by every listing read from it."""
        cached = response.meta.get("vigil_capture")
        if cached is None:
            fetched_at = response.meta.get("vigil_fetched_at") or self.clock.now()
            cached = PageCapture(
                url=response.url,
                status=response.status,
                fetched_at=fetched_at,
                body=response.body,
                content_type=(response.headers.get("Content-Type") or b"").decode("latin-1"),
                role=role,
                attachments=screenshot_of(response, fetched_at),
                etag=(response.headers.get("ETag") or b"").decode("latin-1"),
                last_modified=(response.headers.get("Last-Modified") or b"").decode("latin-1"),
            )
            response.meta["vigil_capture"] = cached
        return cached


def _access(value: str) -> dict[str, Any]:
    if value.lstrip().startswith("{"):
        return dict(json.loads(value))
    return {"mode": value}


def _page_role(path: str) -> str:
    """A vendor sub-page's role from its path: `pgp/` -> `pgp`."""
    return path.strip("/").rsplit("/", 1)[-1] or "vendor_page"
