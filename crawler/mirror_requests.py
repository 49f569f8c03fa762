"""The spider's requests: which mirror it crawls, links moved onto that mirror, and requests in
a role (`crawler.fingerprint`) that never leave the market's hosts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response


class MirrorRequests:
    """Mixed into MarketSpider; uses its config, mirror hosts, crawler, logger and `on_error`."""

    config: Any
    crawler: Any
    logger: Any
    market_id: str
    mirror_hosts: frozenset[str]
    mirror_index: int
    on_error: Any

    @property
    def mirror(self) -> str:
        return self.config.mirrors[self.mirror_index]

    @property
    def base_url(self) -> str:
        return self.mirror

    def rotate_mirror(self, failed: str, why: str) -> None:
        """The mirror being crawled failed for good: crawl the next one from now on."""
        if failed != self.mirror or len(self.config.mirrors) < 2:
            return
        self.mirror_index = (self.mirror_index + 1) % len(self.config.mirrors)
        self.crawler.stats.inc_value("vigil/mirror/rotated")
        down = self.crawler.stats.get_value("vigil/mirror/down") or []
        self.crawler.stats.set_value("vigil/mirror/down", [*down, failed])  # for the health checks
        self.logger.warning("%s: mirror %s failed (%s); now crawling %s",
                            self.market_id, failed, why, self.mirror)

    def _absolute(self, path: str) -> str:
        return urljoin(self.base_url + "/", path)

    def _on_mirror(self, url: str) -> str:
        """A link to any of the market's mirror hosts, read from the mirror being crawled."""
        parts = urlsplit(url)
        if parts.netloc in self.mirror_hosts:
            base = urlsplit(self.base_url)
            return parts._replace(scheme=base.scheme, netloc=base.netloc).geturl()
        return url

    def _request(
        self, url: str, callback: Any, role: str, cb_kwargs: dict[str, Any] | None = None
    ) -> scrapy.Request | None:
        """A request in a role (see `crawler.fingerprint`); a link off the market's hosts is
        not followed, but counted and logged, and the run is then incomplete."""
        url = self._on_mirror(url)
        if netloc(url) not in self.mirror_hosts:
            self.crawler.stats.inc_value("vigil/requests/offsite")
            self.logger.warning("%s: %s link to %s is off the market's mirrors: not followed",
                                self.market_id, role, url)
            return None
        meta: dict[str, Any] = {"vigil_role": role}
        if self.config.render == "browser":
            meta["playwright"] = True  # no request of a browser market bypasses the browser
        return scrapy.Request(url, callback=callback, errback=self.on_error,
                              cb_kwargs=cb_kwargs or {}, meta=meta)

    def _follow(
        self, response: Response, href: str, callback: Any, role: str,
        cb_kwargs: dict[str, Any] | None = None,
    ) -> Iterator[scrapy.Request]:
        request = self._request(response.urljoin(href), callback, role, cb_kwargs)
        if request is not None:
            yield request


def netloc(url: str) -> str:
    return urlsplit(url).netloc.lower()
