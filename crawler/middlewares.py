"""Downloader middlewares, one concern each: anonymity, sessions, interstitials.

They read the market config from the spider (`spider.config`); a crawl of anything else
switches them off.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware as ScrapyOffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawler.clock import Clock
from crawler.config import InterstitialSpec, MarketConfig
from crawler.detection import Sign, interstitial_sign, login_sign
from crawler.secrets import SecretsError, StoredSession, load_session, set_command
from crawler.tor import FAIL_CLOSED, isolated, market_proxy

logger = logging.getLogger(__name__)

NEEDS_SESSION = "needs_session"
PROXY_UNREACHABLE = "proxy_unreachable"
_LOGIN_SIGNS: WeakKeyDictionary[Response, Sign | None] = WeakKeyDictionary()
DEFAULT_INTERSTITIAL = InterstitialSpec(detect={"status": [503]})  # its retries and backoff


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
        if isinstance(exception, FAIL_CLOSED):
            self.crawler.stats.inc_value("vigil/anonymity/proxy_unreachable")
            market = getattr(_config(self.crawler), "id", "?")
            close_crawl(self.crawler, PROXY_UNREACHABLE, f"{market}: {exception}")


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


class SessionMiddleware:
    """Sends the market's stored session (every cookie, and the browser's user agent) to its
    own mirror hosts only, and ends the run `needs_session` when a login wall appears,
    keeping what was collected. Cookie values never reach a log line, a stat or the run."""

    def __init__(self, crawler: Crawler, secrets_file: Path | None) -> None:
        self.crawler = crawler
        self.secrets_file = secrets_file
        self._session: StoredSession | None = None
        self._loaded = False
        self._seeded: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SessionMiddleware:
        path = crawler.settings.get("VIGIL_SECRETS_FILE")
        return cls(crawler, Path(path) if path else None)

    def _load(self, config: MarketConfig) -> StoredSession | None:
        if self._loaded:
            return self._session
        self._loaded = True
        stats = self.crawler.stats
        try:
            self._session = load_session(config.id, self.secrets_file, config.session.cookie_name)
        except SecretsError as exc:
            close_crawl(self.crawler, "start_error", f"{config.id}: {exc}")
            raise IgnoreRequest("unreadable secrets file") from None
        session = self._session
        stats.set_value("vigil/session/cookie_supplied", session is not None)
        stats.set_value("vigil/session/source", session.source if session else "none")
        stats.set_value("vigil/session/cookies", len(session.cookies) if session else 0)
        if session is not None:
            logger.info("%s: using the %s session (cookies %s)", config.id, session.source,
                        ", ".join(session.names))
            expiry = session.earliest_expiry
            if expiry is not None and expiry < time.time():
                logger.warning("%s: the stored session has a cookie that expired at %s; the market "
                               "will probably ask for a new one", config.id, _utc(expiry))
        return session

    def process_request(self, request: Request) -> None:
        config = _config(self.crawler)
        if config is None:
            return
        session = self._load(config)
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if session is None or host not in _mirror_hostnames(self.crawler, config):
            return
        if session.user_agent:
            request.headers[b"User-Agent"] = session.user_agent
        if host in self._seeded:
            return
        # Seed the cookie jar once per mirror host; from then on Scrapy's CookiesMiddleware
        # sends them, and a value the site rotates wins.
        self._seeded.add(host)
        plain_http = parts.scheme != "https" and not host.endswith(".onion")
        sent = [c for c in session.cookies if not (c.secure and plain_http)]
        withheld = [c.name for c in session.cookies if c.secure and plain_http]
        if withheld:
            self.crawler.stats.inc_value("vigil/session/cookies_withheld", len(withheld))
            logger.warning("%s: secure cookies %s not sent over plain http to %s",
                           config.id, ", ".join(withheld), host)
        seeded = [
            {"name": c.name, "value": c.value, "domain": host, "path": c.path or "/",
             "secure": c.secure and parts.scheme == "https"}
            for c in sent
        ]
        request.cookies = [*_cookies(request), *seeded]

    def process_response(self, request: Request, response: Response) -> Request | Response:
        config = _config(self.crawler)
        if config is None:
            return response
        sign = _login_sign(config, request, response)
        if sign is None:
            return response
        self.crawler.stats.inc_value("vigil/session/login_wall")
        message = needs_session_message(config.id, sign.reason, self._session is not None)
        close_crawl(self.crawler, NEEDS_SESSION, message)
        raise IgnoreRequest("login wall")


def _login_sign(config: MarketConfig, request: Request, response: Response) -> Sign | None:
    """The login-wall check of a response, done once (both middlewares ask)."""
    if response not in _LOGIN_SIGNS:
        _LOGIN_SIGNS[response] = login_sign(config, request, response)
    return _LOGIN_SIGNS[response]


def _mirror_hostnames(crawler: Crawler, config: MarketConfig) -> set[str]:
    """The host names of the market's mirrors (configured and overridden): the only hosts
    its session is ever sent to."""
    netlocs = getattr(crawler.spider, "mirror_hosts", None) or [urlsplit(m).netloc for m in config.mirrors]
    return {urlsplit(f"//{n}").hostname or "" for n in netlocs} - {""}


def _cookies(request: Request) -> list[dict[str, Any]]:
    """A request's own cookies in Scrapy's verbose form."""
    cookies = request.cookies
    if isinstance(cookies, dict):
        return [{"name": k, "value": v} for k, v in cookies.items()]
    return list(cookies or [])


def _utc(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def needs_session_message(market: str, reason: str, had_session: bool) -> str:
    """What the operator reads in the log, the summary and the run record: what happened and
    the exact command to run."""
    had = "a new session" if had_session else "a session (none is stored)"
    return (
        f"{market} needs {had}: {reason}. Log in with a browser (solving any captcha), export "
        f"its cookies as cookies.txt, then run: {set_command(market)} "
        "(UA: that browser's exact user agent) and crawl again"
    )


class InterstitialMiddleware:
    """Captcha and queue pages (the market's `interstitial.detect`, or a generic sign) are
    retried with backoff, counted, and never parsed; when one persists beyond the retry limit
    the run ends `needs_session`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InterstitialMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        config = _config(self.crawler)
        if config is None or _login_sign(config, request, response) is not None:
            return response  # a login wall is the session middleware's
        sign = interstitial_sign(config, request, response)
        if sign is None:
            return response
        retries = config.interstitial.retries if config.interstitial else DEFAULT_INTERSTITIAL.retries
        backoff = config.interstitial.backoff if config.interstitial else DEFAULT_INTERSTITIAL.backoff
        stats = self.crawler.stats
        stats.inc_value("vigil/interstitial/seen")
        tries = request.meta.get("vigil_interstitial_tries", 0)
        if tries >= retries:
            stats.inc_value("vigil/interstitial/gave_up")
            reason = f"{sign.reason} persists after {tries} retries"
            had = stats.get_value("vigil/session/source", "none") != "none"
            close_crawl(self.crawler, NEEDS_SESSION, needs_session_message(config.id, reason, had))
            raise IgnoreRequest("interstitial persists")
        delay = backoff * (2**tries)
        if delay > 0:
            await deferred_to_future(deferLater(reactor, delay, lambda: None))
        stats.inc_value("vigil/interstitial/retried")
        retry = request.replace(dont_filter=True)
        retry.meta["vigil_interstitial_tries"] = tries + 1
        return retry


def close_crawl(crawler: Crawler, reason: str, message: str | None = None) -> None:
    """Ask the engine to stop the crawl, without waiting for it (the first reason wins). A
    `message` for the operator is logged as an ERROR and kept in the run record."""
    if crawler.stats.get_value("vigil/close_reason"):
        return
    crawler.stats.set_value("vigil/close_reason", reason)
    if message:
        crawler.stats.set_value("vigil/close_message", message)
        logger.error("%s", message)
    assert crawler.engine is not None
    deferred_from_coro(crawler.engine.close_spider_async(reason=reason))
