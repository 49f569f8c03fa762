"""The download handler of a browser market's crawl: scrapy-playwright's, made strict.

- Every request is a browser request (there is no plain-HTTP path in this handler), with the
  market's wait conditions, a bound on the rendered page's size and, when asked, a
  screenshot (`meta["vigil_screenshot"]`, kept as evidence by the spider).
- No page is handed out: each is closed once read. Every `pages_per_context` pages a fresh
  browser context takes over and the old one is closed once its last page is done, so a
  long crawl does not grow in memory. `vigil/browser/pages_opened` and `pages_closed` in
  the run's stats show that no page leaked.
- The page may load only from the market's own hosts (and `browser.allow_hosts`); heavy
  resources it does not need are never fetched.
- Playwright (its driver process) starts with the first request, so that the handler Scrapy
  builds for the other scheme starts nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Request as PlaywrightRequest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadFailedError
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.headers import use_scrapy_headers
from scrapy_playwright.page import PageMethod

from crawler.browser import proxy_description
from crawler.config import BrowserSpec, MarketConfig
from crawler.tor import ProxyUnreachable

logger = logging.getLogger(__name__)

# Chromium's error when the TCP connection to the proxy itself fails (a proxy that answers
# but cannot reach the site gives other errors, retried like any failed page).
PROXY_DOWN = ("net::ERR_PROXY_CONNECTION_FAILED",)
NETWORK_SCHEMES = ("http", "https", "ws", "wss")


class PageTooLarge(Exception):
    """A rendered page larger than `politeness.max_page_bytes`: dropped, the run is partial."""


class BrowserPageError(DownloadFailedError):
    """A page the browser could not load or render (retried like a failed download)."""


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        config: MarketConfig = crawler.spider.config  # type: ignore[union-attr]
        self.market = config
        self.spec: BrowserSpec = config.browser
        self.max_bytes = config.politeness.max_page_bytes
        self.mirror_hosts = frozenset((urlsplit(m).hostname or "").lower() for m in config.mirrors)
        self.hosts = self.mirror_hosts | {h.lower() for h in self.spec.allow_hosts}
        self.abort_request = self._abort
        self.process_request_headers = self._headers
        self.context_kwargs: dict[str, Any] = {
            "user_agent": crawler.settings.get("USER_AGENT"),
            "java_script_enabled": True,
            "accept_downloads": False,  # a page never drops files on this machine
            "service_workers": "block",  # every request of the page passes through the routes
            "viewport": {"width": 1280, "height": 900},
        }
        self._start_lock = asyncio.Lock()
        self._generation = 0
        self._served = 0  # pages given to the current context
        self._inflight: Counter[str] = Counter()
        self._open_pages = 0
        self._warned_hosts: set[str] = set()

    # --- starting ----------------------------------------------------------------------
    async def _maybe_launch_in_thread(self) -> None:
        """Not at engine start: with the first request (see `_ensure_started`)."""

    async def _ensure_started(self) -> None:
        if getattr(self, "browser_provider", None) is not None:
            return
        async with self._start_lock:
            if getattr(self, "browser_provider", None) is None:
                proxy = proxy_description(self.market, self.crawler.settings)
                through = f" through {proxy}" if proxy else ""
                logger.info("%s: rendering in Chromium%s", self.market.id, through)
                await self._launch()

    # --- downloading -------------------------------------------------------------------
    async def download_request(self, request: Request) -> Response:  # type: ignore[override]
        meta = request.meta
        meta["playwright"] = True  # every request of a browser market goes through the browser
        meta["playwright_include_page"] = False
        meta.pop("playwright_page", None)
        name = self._context_name()
        meta["playwright_context"] = name
        meta["playwright_context_kwargs"] = self.context_kwargs
        meta["playwright_page_methods"] = self._page_methods()
        self._inflight[name] += 1
        try:
            await self._ensure_started()
            response = await super().download_request(request)
        except PlaywrightError as exc:
            raise self._translated(request, exc) from exc
        finally:
            self._inflight[name] -= 1
            await self._retire_idle_contexts()
        if len(response.body) > self.max_bytes:
            raise self._too_large(request, len(response.body))
        self._keep_screenshot(meta)
        return response

    def _page_methods(self) -> dict[str, PageMethod]:
        """Fresh for each request (a PageMethod keeps its result)."""
        methods = {"settle": PageMethod(settle, self.spec, self.max_bytes)}
        if self.spec.screenshot:
            methods["screenshot"] = PageMethod(
                "screenshot", full_page=True, type="png", timeout=self.spec.wait_timeout_ms
            )
        return methods

    def _keep_screenshot(self, meta: dict[str, Any]) -> None:
        method = (meta.get("playwright_page_methods") or {}).get("screenshot")
        if method is None or not isinstance(method.result, bytes):
            return
        shot, method.result = method.result, None
        if len(shot) > self.max_bytes:
            self.crawler.stats.inc_value("vigil/browser/screenshot_too_large")
            logger.warning("%s: screenshot of %s is %d bytes (max_page_bytes %d): not kept",
                           self.market.id, meta.get("vigil_role", "page"), len(shot), self.max_bytes)
            return
        meta["vigil_screenshot"] = shot
        self.crawler.stats.inc_value("vigil/browser/screenshots")

    def _too_large(self, request: Request, size: int) -> PageTooLarge:
        self.crawler.stats.inc_value("vigil/browser/too_large")
        return PageTooLarge(
            f"{request.url}: rendered page of {size} bytes exceeds max_page_bytes {self.max_bytes}"
        )

    def _translated(self, request: Request, exc: PlaywrightError) -> Exception:
        message = exc.message if hasattr(exc, "message") else str(exc)
        if any(code in message for code in PROXY_DOWN):
            proxy = proxy_description(self.market, self.crawler.settings) or "?"
            return ProxyUnreachable(
                f"the proxy at {proxy} does not answer Chromium ({message.splitlines()[0]}); "
                "nothing was fetched without it"
            )
        if isinstance(exc, PageTooLargeError):
            return self._too_large(request, exc.size)
        self.crawler.stats.inc_value("vigil/browser/page_errors")
        return BrowserPageError(message.splitlines()[0] if message else type(exc).__name__)

    # --- what a page may load ----------------------------------------------------------
    def _abort(self, request: PlaywrightRequest) -> bool:
        stats = self.crawler.stats
        if request.resource_type in self.spec.blocked and not request.is_navigation_request():
            stats.inc_value(f"vigil/browser/blocked/{request.resource_type}")
            return True
        parts = urlsplit(request.url)
        if parts.scheme in NETWORK_SCHEMES and (parts.hostname or "").lower() not in self.hosts:
            stats.inc_value("vigil/browser/blocked/offsite")
            host = parts.hostname or ""
            if host not in self._warned_hosts:
                self._warned_hosts.add(host)
                logger.warning("%s: the page asked for %s, off the market's hosts: blocked "
                               "(browser.allow_hosts lets it through)", self.market.id, host)
            return True
        return False

    async def _headers(
        self, *, browser_type_name: str, playwright_request: PlaywrightRequest, scrapy_request_data: dict
    ) -> dict[str, str]:
        """Scrapy's headers for the page load (scrapy-playwright's default); the page's own
        requests to the market also carry the cookies Scrapy sent (the session cookie), which
        the browser's jar does not know."""
        headers = await use_scrapy_headers(
            browser_type_name=browser_type_name, playwright_request=playwright_request,
            scrapy_request_data=scrapy_request_data,
        )
        sent = scrapy_request_data["headers"].get("Cookie")
        host = (urlsplit(playwright_request.url).hostname or "").lower()
        if sent and not playwright_request.is_navigation_request() and host in self.mirror_hosts:
            jar = headers.get("cookie", "")
            headers["cookie"] = "; ".join(c for c in (jar, sent.decode("latin-1")) if c)
        return headers

    # --- pages and contexts ------------------------------------------------------------
    def _context_name(self) -> str:
        if self._served >= self.spec.pages_per_context:
            self._generation += 1
            self._served = 0
        self._served += 1
        return f"{self.market.id}-{self._generation}"

    async def _retire_idle_contexts(self) -> None:
        """Close every context but the current one once its last page is done."""
        current = f"{self.market.id}-{self._generation}"
        for name, wrapper in list(self.context_wrappers.items()):
            if name != current and self._inflight[name] == 0:
                self._inflight.pop(name, None)
                with contextlib.suppress(PlaywrightError):
                    await wrapper.context.close()
                self.crawler.stats.inc_value("vigil/browser/contexts_closed")

    async def _create_page(self, request: Request, spider: Any) -> Page:
        page = await super()._create_page(request, spider)
        stats = self.crawler.stats
        self._open_pages += 1
        stats.inc_value("vigil/browser/pages_opened")
        stats.max_value("vigil/browser/pages_open_max", self._open_pages)
        page.once("close", self._page_closed)
        return page

    def _page_closed(self, _page: Page) -> None:
        self._open_pages -= 1
        self.crawler.stats.inc_value("vigil/browser/pages_closed")

    async def _close(self) -> None:
        self.crawler.stats.set_value("vigil/browser/pages_open_at_close", self._open_pages)
        await super()._close()


class PageTooLargeError(PlaywrightError):
    """Raised inside the page (by `settle`) before its HTML is copied out of Chromium."""

    def __init__(self, size: int) -> None:
        super().__init__(f"page too large: {size} characters")
        self.size = size


async def settle(page: Page, spec: BrowserSpec, max_bytes: int) -> None:
    """Wait as the market's config says, then check the page's size inside the browser.

    An error page (status 400 or above) is not waited for: it will never show the content,
    and the spider reads its status.
    """
    status = await page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n && n.responseStatus ? n.responseStatus : 200; }"
    )
    if status < 400:
        if spec.wait_for:
            await page.wait_for_selector(spec.wait_for, state="attached", timeout=spec.wait_timeout_ms)
        if spec.wait_network_idle:
            await page.wait_for_load_state("networkidle", timeout=spec.wait_timeout_ms)
        if spec.wait_ms:
            await page.wait_for_timeout(spec.wait_ms)
    size = await page.evaluate("() => (document.documentElement?.outerHTML || '').length")
    if size > max_bytes:
        raise PageTooLargeError(size)
