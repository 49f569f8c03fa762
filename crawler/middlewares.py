"""Downloader middlewares, one concern each: anonymity, sessions, interstitials.

They read the market config from the spider (`spider.config`); a crawl of anything else
switches them off.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware as ScrapyOffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawler.clock import Clock
from crawler.config import DetectSpec, MarketConfig
from crawler.fields import matches
from crawler.secrets import session_cookie
from crawler.tor import AnonymityError, ProxyUnreachable, isolated, market_proxy

logger = logging.getLogger(__name__)

NEEDS_SESSION = "needs_session"
PROXY_UNREACHABLE = "proxy_unreachable"


def _config(crawler: Crawler) -> MarketConfig | None:
    return getattr(crawler.spider, "config", None)


def _is_onion(url: str) -> bool:
    return (urlsplit(url).hostname or "").endswith(".onion")


class AnonymityGuardMiddleware:
    """Fail closed: a `.onion` URL or a Tor market is never fetched without its proxy.

    Requests of a market with a proxy go through it, with the market's own SOCKS credentials
    (its own Tor circuit); names are resolved by the proxy, so no clear-web DNS lookup ever
    happens for an onion name. A proxy that stops answering stops the crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.tor_proxy = crawler.settings.get("VIGIL_TOR_PROXY") or "socks5h://127.0.0.1:9050"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AnonymityGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        config = _config(self.crawler)
        proxy = market_proxy(config, self.tor_proxy) if config else None
        if proxy:
            request.meta["proxy"] = isolated(proxy, config.id) if config else proxy
            return
        if _is_onion(request.url) or (config is not None and config.needs_anonymity):
            self.crawler.stats.inc_value("vigil/anonymity/refused")
            logger.error("refused %s: Tor or .onion without a proxy (fail closed)", request.url)
            raise IgnoreRequest("anonymity: no proxy configured")

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, ProxyUnreachable | AnonymityError):
            self.crawler.stats.inc_value("vigil/anonymity/proxy_unreachable")
            logger.error("%s: %s", getattr(_config(self.crawler), "id", "?"), exception)
            self.crawler.stats.set_value("vigil/close_message", str(exception))
            close_crawl(self.crawler, PROXY_UNREACHABLE)


class OffsiteMiddleware(ScrapyOffsiteMiddleware):
    """Scrapy's offsite filter, but never silent: each request it drops (a redirect to another
    host, say) is counted in `vigil/requests/offsite` and logged with its market and URL, and
    the run is then incomplete."""

    def process_request(self, request: Request, spider: Any = None) -> None:
        try:
            super().process_request(request)
        except IgnoreRequest:
            self.crawler.stats.inc_value("vigil/requests/offsite")
            config = _config(self.crawler)
            origin = (request.meta.get("redirect_urls") or [None])[0]
            logger.warning(
                "%s: %s is off the market's mirrors: not fetched%s",
                config.id if config else "?",
                request.url,
                f" (redirected from {origin})" if origin else "",
            )
            raise


class FetchTimeMiddleware:
    """Stamps each response with the (injectable) time it was received."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchTimeMiddleware:
        return cls(Clock.from_settings(crawler.settings))

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta["vigil_fetched_at"] = self.clock.now()
        return response


def page_matches(detect: DetectSpec, response: Response) -> bool:
    if detect.status and response.status in detect.status:
        return True
    if detect.url_regex and re.search(detect.url_regex, response.url):
        return True
    if not (detect.css or detect.xpath) or not hasattr(response, "selector"):
        return False
    return matches(response.selector, css=detect.css, xpath=detect.xpath)


class SessionMiddleware:
    """Sends the market's session cookie (only to its own mirrors) and ends the run as
    `needs_session` when a login wall appears, keeping what was collected."""

    def __init__(self, crawler: Crawler, secrets_file: Path | None) -> None:
        self.crawler = crawler
        self.secrets_file = secrets_file
        self._cookie: str | None = None
        self._loaded = False
        self._seeded: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SessionMiddleware:
        path = crawler.settings.get("VIGIL_SECRETS_FILE")
        return cls(crawler, Path(path) if path else None)

    def _value(self, config: MarketConfig) -> str | None:
        if not self._loaded:
            self._cookie = session_cookie(config.id, self.secrets_file)
            self._loaded = True
            self.crawler.stats.set_value("vigil/session/cookie_supplied", self._cookie is not None)
        return self._cookie

    def process_request(self, request: Request) -> None:
        config = _config(self.crawler)
        if config is None or not config.session.cookie_name:
            return
        host = urlsplit(request.url).hostname or ""
        if host in self._seeded or host not in {urlsplit(m).hostname for m in config.mirrors}:
            return
        value = self._value(config)
        if value:
            # Seed the cookie jar once per mirror, for the whole site (path "/"); from then on
            # Scrapy's CookiesMiddleware sends it, and a rotated value set by the site wins.
            self._seeded.add(host)
            cookie = {"name": config.session.cookie_name, "value": value, "domain": host, "path": "/"}
            request.cookies = [*_cookies(request), cookie]

    def process_response(self, request: Request, response: Response) -> Request | Response:
        config = _config(self.crawler)
        if config is None or config.session.login_page is None:
            return response
        if page_matches(config.session.login_page, response):
            self.crawler.stats.inc_value("vigil/session/login_wall")
            logger.warning("login wall at %s: the market needs a (new) session cookie", response.url)
            close_crawl(self.crawler, NEEDS_SESSION)
            raise IgnoreRequest("login wall")
        return response


def _cookies(request: Request) -> list[dict[str, Any]]:
    """A request's own cookies in Scrapy's verbose form."""
    cookies = request.cookies
    if isinstance(cookies, dict):
        return [{"name": k, "value": v} for k, v in cookies.items()]
    return list(cookies or [])


class InterstitialMiddleware:
    """Captcha and queue pages are retried with backoff, counted, and never parsed; when
    one persists beyond the market's retry limit the run ends `needs_session`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InterstitialMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        config = _config(self.crawler)
        if config is None or config.interstitial is None:
            return response
        if not page_matches(config.interstitial.detect, response):
            return response
        stats = self.crawler.stats
        stats.inc_value("vigil/interstitial/seen")
        tries = request.meta.get("vigil_interstitial_tries", 0)
        if tries >= config.interstitial.retries:
            stats.inc_value("vigil/interstitial/gave_up")
            logger.warning("interstitial persists at %s after %d retries", request.url, tries)
            close_crawl(self.crawler, NEEDS_SESSION)
            raise IgnoreRequest("interstitial persists")
        delay = config.interstitial.backoff * (2**tries)
        if delay > 0:
            await deferred_to_future(deferLater(reactor, delay, lambda: None))
        stats.inc_value("vigil/interstitial/retried")
        retry = request.replace(dont_filter=True)
        retry.meta["vigil_interstitial_tries"] = tries + 1
        return retry


def close_crawl(crawler: Crawler, reason: str) -> None:
    """Ask the engine to stop the crawl, without waiting for it (the first reason wins)."""
    if crawler.stats.get_value("vigil/close_reason"):
        return
    crawler.stats.set_value("vigil/close_reason", reason)
    assert crawler.engine is not None
    deferred_from_coro(crawler.engine.close_spider_async(reason=reason))
