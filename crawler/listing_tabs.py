"""A listing's sub-pages (its feedback and terms tabs, `listings.extra_pages`): fetched one
after the other, each tab followed through its `next_page`, and only then is the listing
emitted with the fields of them all. A sub-page that is missing or fails loses nothing else:
the listing keeps what its other pages gave."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.fields import read_field, read_fields
from crawler.items import PageCapture
from crawler.records import merge_fields


class ListingTabs:
    """Mixed into MarketSpider; uses its config, `_request`, `_capture`, `_on_mirror`,
    `_emit_listing` and `on_error`."""

    config: Any
    crawler: Any
    logger: Any
    market_id: str
    _request: Any
    _capture: Any
    _on_mirror: Any
    _emit_listing: Any
    on_error: Any

    def _listing_sub_pages(
        self, listing_id: str, url: str, fields: dict[str, Any], pages: list[PageCapture], step: int
    ) -> Iterator[Any]:
        """The listing's sub-pages (`listings.extra_pages`, e.g. its feedback and terms tabs)
        one after the other, then the listing with the fields of them all."""
        extra = self.config.listings.extra_pages
        while step < len(extra):
            sub = extra[step]
            request = self._request(
                urljoin(url, sub.path), self.parse_listing_page, f"listing:{sub.page_role}",
                {"listing_id": listing_id, "url": url, "fields": fields, "pages": pages, "step": step + 1},
            )
            if request is not None:
                yield request.replace(errback=self._listing_page_failed)
                return
            step += 1  # off the market's mirrors: counted by _request, the listing goes on
        yield from self._emit_listing(listing_id, url, fields, pages)

    def parse_listing_page(
        self, response: Response, listing_id: str, url: str, fields: dict[str, Any],
        pages: list[PageCapture], step: int, visited: tuple[str, ...] = (),
    ) -> Iterator[Any]:
        """A listing's sub-page: its fields complete the listing (records add up). A tab with
        `next_page` is followed page by page, up to its `max_pages`, never twice to one URL."""
        self.crawler.stats.inc_value("vigil/pages/listing_sub_page")
        sub = self.config.listings.extra_pages[step - 1]
        if response.status == 404:
            self.crawler.stats.inc_value("vigil/listings/sub_page_missing")
        else:
            pages = [*pages, self._capture(response, sub.page_role)]
            fields = merge_fields(fields, read_fields(sub.fields, response.selector, response.url))
            visited = (*visited, response.url)
            following = self._next_tab_page(response, sub, visited)
            if following is not None:
                yield following.replace(
                    cb_kwargs={"listing_id": listing_id, "url": url, "fields": fields, "pages": pages,
                               "step": step, "visited": visited},
                )
                return
        yield from self._listing_sub_pages(listing_id, url, fields, pages, step)

    def _next_tab_page(
        self, response: Response, sub: Any, visited: tuple[str, ...]
    ) -> scrapy.Request | None:
        if sub.next_page is None:
            return None
        href = read_field(sub.next_page, response.selector, response.url)
        if not isinstance(href, str):
            return None
        target = self._on_mirror(response.urljoin(href))
        if target in visited:
            return None  # a last page linking to itself, or a loop
        if len(visited) >= sub.max_pages:
            self.crawler.stats.inc_value("vigil/pages/sub_page_capped")
            self.logger.info("%s: %s tab capped at %d pages: %s", self.market_id, sub.page_role,
                             sub.max_pages, response.url)
            return None
        request = self._request(target, self.parse_listing_page, f"listing:{sub.page_role}")
        # each page of the tab once per listing, whatever the dupefilter saw: a filtered
        # request would end the chain and lose the listing
        return None if request is None else request.replace(
            errback=self._listing_page_failed, dont_filter=True
        )

    def _listing_page_failed(self, failure: Failure) -> Iterator[Any]:
        """A sub-page that failed for good: the run is incomplete, the listing is kept."""
        self.on_error(failure)
        kwargs = failure.request.cb_kwargs
        yield from self._listing_sub_pages(
            kwargs["listing_id"], kwargs["url"], kwargs["fields"], kwargs["pages"], kwargs["step"]
        )
