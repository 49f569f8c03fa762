"""Browser-rendered markets (`render: browser`): Chromium driven by scrapy-playwright.

A browser market's crawl downloads every request through `BrowserDownloadHandler`
(crawler/browser_handler.py): there is no other handler for http(s) in that crawl, so no
request of the market bypasses the browser. Debian's Chromium (`/usr/bin/chromium`, or the
`chromium` setting) is launched headless with the background services that phone home
switched off, and with WebRTC held to the proxy.

Through a proxy (`access.proxy`, or `tor_proxy` for `access: tor`) Chromium sends every
request, names included, to the proxy (`socks5://` in Chromium resolves names through the
proxy), and `--host-resolver-rules` makes every local name lookup fail, so that no name is
ever resolved on this machine. Chromium cannot authenticate to a SOCKS proxy: a browser
market cannot have its own Tor circuit through SOCKS credentials (see docs/operations.md).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.config import MarketConfig
from crawler.items import PageCapture
from crawler.tor import is_socks, market_proxy, redacted

DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_TOR_PROXY = "socks5h://127.0.0.1:9050"
HANDLER = "crawler.browser_handler.BrowserDownloadHandler"
INSTALL_HINT = "install Debian's package (apt-get install chromium) or set VIGIL_CHROMIUM"

# Chromium flags: no sandbox (containers, root), nothing fetched behind the crawl's back
# (updates, prefetching, pings, safe browsing), WebRTC never around the proxy, and a bound
# on a hostile page's JavaScript heap. Playwright adds its own (no HTTPS upgrades, no network
# time queries...) with one `--disable-features` list: never pass another, it would replace
# that list (tests/test_browser_tor.py sees the connections to Google it lets through).
# Chromium still asks accounts.google.com and update.googleapis.com on start: their base URLs
# point at the discard port of loopback, so nothing leaves.
_NOWHERE = "http://127.0.0.1:9"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
    "--no-first-run",
    "--no-pings",
    "--dns-prefetch-disable",
    f"--gaia-url={_NOWHERE}",
    f"--component-updater=url-source={_NOWHERE}",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--enforce-webrtc-ip-permission-check",
    "--disable-dev-shm-usage",
    "--js-flags=--max-old-space-size=512",
)


def chromium_path(settings: BaseSettings | None = None) -> str:
    value = settings.get("VIGIL_CHROMIUM") if settings is not None else None
    return str(value or DEFAULT_CHROMIUM)


def chromium_problem(path: str) -> str | None:
    """None when `path` is an executable Chromium, else what to do about it."""
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return None
    return f"Chromium is needed for `render: browser` markets and was not found at {path}: {INSTALL_HINT}"


def browser_proxy(proxy: str | None) -> tuple[dict[str, str] | None, list[str]]:
    """Playwright's `proxy` launch option and the extra Chromium flags for a market's proxy.

    Chromium's `socks5://` hands names to the proxy (like curl's `socks5h://`); with the host
    resolver mapping every name to NOTFOUND (but the proxy's own), nothing is resolved here.
    """
    if not proxy:
        return None, []
    parts = urlsplit(proxy)
    host = parts.hostname or ""
    if is_socks(proxy):
        server = f"socks5://{_hostport(host, parts.port or 1080)}"
        option = {"server": server}  # no SOCKS credentials: Chromium cannot send them
    else:
        option = {"server": f"{parts.scheme}://{_hostport(host, parts.port or 8080)}"}
        if parts.username:
            option.update(username=parts.username, password=parts.password or "")
    rules = f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {host}"
    return option, [rules]


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def launch_options(config: MarketConfig, settings: BaseSettings) -> dict[str, Any]:
    proxy, args = browser_proxy(market_proxy(config, _tor_proxy(settings)))
    options: dict[str, Any] = {
        "executable_path": chromium_path(settings),
        "headless": True,
        "args": [*CHROMIUM_ARGS, *args],
        "chromium_sandbox": False,
    }
    if proxy is not None:
        options["proxy"] = proxy
    return options


def _tor_proxy(settings: BaseSettings) -> str:
    return str(settings.get("VIGIL_TOR_PROXY") or DEFAULT_TOR_PROXY)


def proxy_description(config: MarketConfig, settings: BaseSettings) -> str | None:
    """The market's proxy as a log line may show it (None: direct)."""
    proxy = market_proxy(config, _tor_proxy(settings))
    return redacted(proxy) if proxy else None


def apply_browser(crawler: Crawler, config: MarketConfig) -> None:
    """A browser market's crawl settings: every http(s) request through Chromium, and no
    other scheme at all (called before the engine starts, at "spider" priority)."""
    settings = crawler.settings
    spec = config.browser
    navigation_ms = spec.navigation_timeout_ms or int(config.politeness.timeout * 1000)
    values: dict[str, Any] = {
        "DOWNLOAD_HANDLERS": {
            "http": HANDLER, "https": HANDLER, "data": None, "file": None, "s3": None, "ftp": None,
        },
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(config, settings),
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": spec.max_pages or config.politeness.concurrency,
        # the context in use and one being retired (see BrowserDownloadHandler)
        "PLAYWRIGHT_MAX_CONTEXTS": 2,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": navigation_ms,
        "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": True,
    }
    for name, value in values.items():
        settings.set(name, value, priority="spider")


def browser_preflight(config: MarketConfig, settings: BaseSettings) -> str | None:
    """Why a browser market cannot be crawled now (None: it can): no Chromium."""
    if config.render != "browser":
        return None
    return chromium_problem(chromium_path(settings))



def screenshot_of(response: Response, fetched_at: datetime) -> tuple[PageCapture, ...]:
    """The screenshot the browser took of a page, as evidence beside it (role `screenshot`)."""
    shot = response.meta.get("vigil_screenshot") if response.request is not None else None
    if not isinstance(shot, bytes):
        return ()
    return (PageCapture(url=response.url, status=response.status, fetched_at=fetched_at, body=shot,
                        content_type="image/png", role="screenshot"),)
