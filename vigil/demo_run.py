"""`vigil demo run`: serve the sample markets, log in, crawl them all, summarise.

The simulator's day maps to a calendar date, which becomes the crawl's clock, so that
day 1 then day 2 read like two days of monitoring.
"""

from __future__ import annotations

import contextlib
import os
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, time
from http.cookiejar import CookieJar
from typing import Any

from crawler.config import MarketConfig, load_market, with_mirrors
from crawler.cookiefile import Cookie
from crawler.secrets import env_name
from vigil.services.crawls import CrawlOutcome, check_browser, crawl_markets, preflight
from vigil.settings import Settings


def demo_login(base_url: str, credentials: tuple[str, str], cookie_name: str) -> str:
    """Log in to the sample dark market the way an operator would, and return the cookie."""
    for cookie in demo_login_cookies(base_url, credentials):
        if cookie.name == cookie_name and cookie.value:
            return cookie.value
    raise RuntimeError(f"the sample market at {base_url} issued no {cookie_name} cookie")


def demo_login_cookies(
    base_url: str, credentials: tuple[str, str], user_agent: str | None = None
) -> list[Cookie]:
    """Log in to the sample dark market (with this user agent) and return every cookie it
    set. Raises OSError (URLError) when nothing answers at `base_url`."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if user_agent:
        opener.addheaders = [("User-Agent", user_agent)]
    form = urllib.parse.urlencode({"username": credentials[0], "password": credentials[1]})
    # the page after login may be a queue page (an HTTP error): the cookie is already set
    with contextlib.suppress(urllib.error.HTTPError):
        opener.open(f"{base_url}/login", data=form.encode(), timeout=10).read()
    return [
        Cookie(
            name=c.name, value=c.value or "", domain=c.domain, path=c.path or "/", secure=c.secure,
            http_only=c.has_nonstandard_attr("HttpOnly"), expires=float(c.expires) if c.expires else None,
        )
        for c in jar
    ]


def run_demo(
    settings: Settings, *, seed: int, listings: int, day: int, interstitial_rate: float,
    markets: list[str] | None = None, hostile: bool = False,
) -> tuple[list[CrawlOutcome], dict[str, str]]:
    """Serve the sample markets, crawl every one (swapbay through Chromium, nightowl through a
    SOCKS5 stand-in for Tor), return the outcomes."""
    from demo import DEMO_CREDENTIALS, MARKETS, World, day_date
    from demo.server import start

    preflight(settings)
    configs = [load_market(settings.markets_dir, m) for m in MARKETS if m in (markets or MARKETS)]
    check_browser(settings, configs)  # swapbay renders in Chromium: no Chromium, no demo
    world = World(seed=seed, listings=listings, day=day, interstitial_rate=interstitial_rate, hostile=hostile)
    handle = start(world, host="127.0.0.1")
    socks = dark_proxy(handle).start()
    try:
        for config in configs:
            if config.session.cookie_name:
                cookie = demo_login(handle.urls[config.id], DEMO_CREDENTIALS,
                                    config.session.cookie_name)
                os.environ[env_name(config.id)] = cookie
        clock = datetime.combine(day_date(day), time(12, 0), tzinfo=UTC).isoformat()
        served = [as_served(c, handle) for c in configs]
        outcomes = crawl_markets(settings.with_overrides(clock=clock, tor_proxy=socks.url), served)
    finally:
        socks.stop()
        handle.stop()
    urls = {m: served_url(m, handle) for m in handle.urls}
    urls["tor"] = f"{socks.url} (a SOCKS5 stand-in for Tor)"
    return outcomes, urls


def dark_proxy(handle: Any) -> Any:
    """A SOCKS5 proxy on loopback that stands in for Tor: it maps each sample dark market's
    onion name to the simulator (demo.socks)."""
    from demo import DARK_MARKETS
    from demo.socks import SocksServer, onion_name

    return SocksServer(routes={onion_name(m): handle.address(m) for m in DARK_MARKETS})


def served_url(market: str, handle: Any) -> str:
    """Where the demo serves a market: a dark market under its onion name (through the proxy)."""
    from demo import DARK_MARKETS
    from demo.socks import onion_name

    return f"http://{onion_name(market)}" if market in DARK_MARKETS else handle.urls[market]


def as_served(config: MarketConfig, handle: Any) -> MarketConfig:
    """The market's config pointed at the simulator; a dark market is reached through Tor."""
    url = served_url(config.id, handle)
    access = {"mode": "tor"} if url.endswith(".onion") else None
    return with_mirrors(config, [url], access=access)


def web_hint(settings: Settings) -> str:
    """How to open the web app on what the demo just crawled (printed at the end of the demo)."""
    return (f"to browse it: vigil web --data-dir {settings.data_dir}  then open "
            f"http://{settings.web_host}:{settings.web_port}/ (the first start prints a one-time password "
            "for the user 'admin' on stderr; `vigil users add NAME --role investigator` adds others)")
