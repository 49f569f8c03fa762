"""How a market is fetched: access (direct, a proxy, Tor), politeness, browser rendering, and
how its login walls and interstitial pages look. Part of the market config language
(`crawler/config.py`, documented in docs/market-config.md)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from crawler.field_specs import Strict as _Strict
from crawler.selector_checks import valid_css, valid_regex, valid_xpath

PROXY_SCHEMES = ("socks5h", "socks5", "http", "https")


class AccessSpec(_Strict):
    """How requests leave: directly, through an HTTP proxy, or through Tor.

    `tor` sends every request, names included, through a SOCKS5 proxy (`socks5h://`; Tor
    resolves the names) or an HTTP proxy in front of Tor (Privoxy); without a `proxy` of its
    own the market uses the `tor_proxy` setting. A `.onion` mirror needs `tor`.
    """

    mode: Literal["direct", "proxy", "tor"] = "direct"
    proxy: str | None = Field(
        default=None,
        description="proxy URL: socks5h://127.0.0.1:9050 (Tor) or http://127.0.0.1:8118 (Privoxy); "
        "required for mode proxy; for mode tor the `tor_proxy` setting is the default",
    )

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
            raise ValueError(
                f"{value!r} is not a proxy URL; expected socks5h://HOST:PORT or http://HOST:PORT"
            )
        return value

    @model_validator(mode="after")
    def _proxy_when_needed(self) -> AccessSpec:
        if self.mode == "proxy" and not self.proxy:
            raise ValueError("access mode proxy needs `proxy` (e.g. http://127.0.0.1:8118)")
        if self.mode == "direct" and self.proxy:
            raise ValueError("access mode direct takes no `proxy`; use mode proxy or tor")
        return self


class PolitenessSpec(_Strict):
    download_delay: float = Field(default=1.0, ge=0)
    concurrency: int = Field(default=2, ge=1, le=64)
    autothrottle: bool = True
    timeout: float = Field(default=60, gt=0, description="seconds per request")
    max_page_bytes: int = Field(default=5_000_000, gt=0, description="larger pages are dropped")
    max_pages: int = Field(
        default=25_000, ge=0, description="page budget of one run; 0: no cap (not advised)"
    )
    retries: int = Field(default=3, ge=0)
    retry_backoff: float = Field(
        default=1.0, ge=0, description="seconds before the first retry, doubled on each (max 60)"
    )
    max_retry_after: float = Field(
        default=600, ge=0, description="longest Retry-After (429/503) waited for, in seconds"
    )
    autothrottle_max_delay: float = Field(default=60.0, gt=0, description="AutoThrottle's ceiling")


# Playwright's resource types a browser market may block (the page itself never).
RESOURCE_TYPES = (
    "stylesheet", "image", "media", "font", "script", "texttrack", "xhr", "fetch",
    "eventsource", "websocket", "manifest", "other",
)  # fmt: skip


class BrowserSpec(_Strict):
    """How a `render: browser` market's pages are rendered in Chromium (crawler/browser.py)."""

    wait_for: str | None = Field(
        default=None, description="CSS selector that must be in the page before it is read"
    )
    wait_network_idle: bool = Field(
        default=False, description="wait until the page has made no request for 500 ms"
    )
    wait_ms: int = Field(default=0, ge=0, le=60_000, description="a fixed wait after loading, in ms")
    wait_timeout_ms: int = Field(
        default=15_000, gt=0, le=300_000,
        description="how long wait_for and wait_network_idle may take; then the page fails",
    )
    navigation_timeout_ms: int | None = Field(
        default=None, gt=0, le=600_000, description="loading a page; default politeness.timeout"
    )
    screenshot: bool = Field(default=False, description="keep a PNG of every page as evidence")
    max_pages: int | None = Field(
        default=None, ge=1, le=32, description="pages open at once; default politeness.concurrency"
    )
    pages_per_context: int = Field(
        default=200, ge=1, description="a fresh browser context (cookies, cache) after this many pages"
    )
    block_resources: list[str] | None = Field(
        default=None,
        description="resource types never fetched; default image, media, font (media only "
        "with screenshot)",
    )
    allow_hosts: list[str] = Field(
        default_factory=list, description="other hosts the pages may load from (default: none)"
    )

    _css_compiles = field_validator("wait_for")(valid_css)

    @field_validator("wait_for")
    @classmethod
    def _plain_css(cls, value: str | None) -> str | None:
        if value is not None and "::" in value:
            raise ValueError("a plain CSS selector, as the browser reads it (no ::text or ::attr)")
        return value

    @field_validator("block_resources")
    @classmethod
    def _known_types(cls, value: list[str] | None) -> list[str] | None:
        unknown = sorted(set(value or []) - set(RESOURCE_TYPES))
        if unknown:
            raise ValueError(f"unknown resource type(s) {', '.join(unknown)}; expected any of: "
                             f"{', '.join(RESOURCE_TYPES)}")
        return value

    @property
    def blocked(self) -> frozenset[str]:
        if self.block_resources is not None:
            return frozenset(self.block_resources)
        return frozenset({"media"} if self.screenshot else {"image", "media", "font"})


class DetectSpec(_Strict):
    """How to recognise a page: any of the selectors matches, the URL matches, the status is
    one of `status`, or the page text contains `text` / matches `text_regex`."""

    css: str | None = None
    xpath: str | None = None
    url_regex: str | None = None
    status: list[int] = Field(default_factory=list)
    text: str | None = Field(
        default=None, description="a phrase found in the page text (case-insensitive)"
    )
    text_regex: str | None = Field(
        default=None, description="a regular expression found in the page text (case-insensitive)"
    )

    _css_compiles = field_validator("css")(valid_css)
    _xpath_compiles = field_validator("xpath")(valid_xpath)
    _regex_compiles = field_validator("url_regex", "text_regex")(valid_regex)

    @field_validator("text")
    @classmethod
    def _phrase(cls, value: str | None) -> str | None:
        if value is not None and not (3 <= len(value.strip()) <= 200):
            raise ValueError("a phrase of 3 to 200 characters (a shorter one matches too much)")
        return value

    @model_validator(mode="after")
    def _something(self) -> DetectSpec:
        if not (self.css or self.xpath or self.url_regex or self.status or self.text or self.text_regex):
            raise ValueError("give at least one of css, xpath, url_regex, status, text or text_regex")
        return self


class SessionSpec(_Strict):
    required: bool = False
    cookie_name: str | None = Field(
        default=None,
        description="the session cookie's name: the value in VIGIL_SESSION_<ID> is sent under it",
    )
    login_page: DetectSpec | None = Field(
        default=None, description="how a login wall looks: the run ends needs_session"
    )
    generic_detection: bool = Field(
        default=True,
        description="also recognise login walls and interstitials by generic signs (a redirect to "
        "a login URL, a password form, a known DDoS-guard or captcha page)",
    )


class InterstitialSpec(_Strict):
    detect: DetectSpec
    retries: int = Field(default=4, ge=0, description="retries of one URL before giving up")
    backoff: float = Field(default=1.0, ge=0, description="seconds, doubled on each retry")
