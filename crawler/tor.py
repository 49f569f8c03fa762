"""Routing through Tor that fails closed.

Scrapy's default download handler speaks no SOCKS. A market reached through a SOCKS5 proxy
(Tor's SocksPort) is fetched by `SocksDownloadHandler`, Scrapy's httpx handler with SOCKS
(`httpx[socks]`): the host name goes to the proxy as a name (SOCKS5 address type "domain"),
so Tor resolves it and no DNS lookup for it leaves this machine. The handler refuses any
request without a SOCKS proxy: a Tor market never falls back to a direct connection.

Each market gets its own circuit: its requests carry SOCKS credentials derived from the market
id, and Tor (with `IsolateSOCKSAuth`, on by default) never shares a circuit between streams
with different credentials. The credentials are opaque, so they tell nobody the market's name
or that Vigil is calling.

An HTTP proxy in front of Tor (Privoxy with `forward-socks5t`) also works: Scrapy's own
handler then sends the absolute URL to that proxy, which hands the name to Tor.
"""

from __future__ import annotations

import hashlib
import socket
from typing import Any
from urllib.parse import quote, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadConnectionRefusedError
from scrapy.http import Response

from crawler.config import MarketConfig

SOCKS_SCHEMES = ("socks5h", "socks5")


class AnonymityError(Exception):
    """A request that would leave without the market's proxy (never retried)."""


class ProxyUnreachable(Exception):
    """The market's proxy does not answer: the crawl stops (never retried, never direct)."""


#: Errors that stop a Tor crawl: never retried, never sent to another mirror, never direct.
FAIL_CLOSED = (ProxyUnreachable, AnonymityError)


def market_proxy(config: MarketConfig, tor_proxy: str) -> str | None:
    """The proxy every request of this market goes through (None: direct)."""
    if config.access.mode == "direct":
        return None
    return config.access.proxy or tor_proxy


def is_socks(proxy: str | None) -> bool:
    return bool(proxy) and urlsplit(proxy or "").scheme in SOCKS_SCHEMES


def isolated(proxy: str, market_id: str) -> str:
    """The proxy URL with this market's SOCKS credentials (its own Tor circuit), unless the
    URL already carries credentials of its own."""
    parts = urlsplit(proxy)
    if parts.username or not is_socks(proxy):
        return proxy
    token = hashlib.sha256(f"vigil-circuit:{market_id}".encode()).hexdigest()[:16]
    return parts._replace(netloc=f"{quote(token)}:{quote(token[::-1])}@{parts.netloc}").geturl()


def redacted(proxy: str) -> str:
    """A proxy URL fit for a log line: no credentials."""
    parts = urlsplit(proxy)
    host = parts.hostname or ""
    return parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host).geturl()


def check_reachable(proxy: str, timeout: float = 5.0) -> str | None:
    """None when something listens at the proxy's address, else why not (a TCP connect to
    the proxy itself: nothing is sent through it)."""
    parts = urlsplit(proxy)
    port = parts.port or (1080 if is_socks(proxy) else 8080)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return None
    except OSError as exc:
        return f"{exc.strerror or exc}"


def _httpx_handler() -> Any:
    try:
        from scrapy.core.downloader.handlers._httpx import HttpxDownloadHandler
    except ImportError as exc:  # pragma: no cover - a Scrapy without it
        raise RuntimeError(f"SOCKS needs Scrapy's httpx download handler (Scrapy 2.19+): {exc}") from exc
    return HttpxDownloadHandler


class SocksDownloadHandler(_httpx_handler()):  # type: ignore[misc]
    """Every request through its SOCKS proxy, or not at all."""

    experimental = False  # pinned and tested here: see tests/test_tor.py

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler

    async def download_request(self, request: Request) -> Response:
        proxy = request.meta.get("proxy")
        if not is_socks(proxy):
            raise AnonymityError(f"refused {request.url}: no SOCKS proxy for a Tor market (fail closed)")
        try:
            return await super().download_request(request)
        except DownloadConnectionRefusedError as exc:
            if _proxy_refused(exc):
                raise ProxyUnreachable(
                    f"the Tor/SOCKS proxy at {redacted(str(proxy))} does not answer "
                    f"({exc.__cause__}); nothing was fetched without it"
                ) from exc
            raise


def _proxy_refused(exc: BaseException) -> bool:
    """httpx raises ConnectError when the TCP connection to the proxy fails, and ProxyError
    when the proxy answers but cannot reach the host (a normal, retried failure)."""
    import httpx

    return isinstance(exc.__cause__, httpx.ConnectError)


def download_handlers(config: MarketConfig, tor_proxy: str) -> dict[str, str] | None:
    """The crawl's DOWNLOAD_HANDLERS for a market reached through SOCKS (None: Scrapy's)."""
    if config.render == "static" and is_socks(market_proxy(config, tor_proxy)):
        handler = f"{SocksDownloadHandler.__module__}.{SocksDownloadHandler.__qualname__}"
        return {"http": handler, "https": handler}
    return None
