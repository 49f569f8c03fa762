"""Pages that are not the market: login walls and interstitials (captcha, queue, DDoS guard).

Two sources, checked on every response of a market:

- the market's own detections (`session.login_page`, `interstitial.detect`): selectors, URL,
  status, page text;
- generic signs that need no config (`session.generic_detection`, on by default):
  a redirect from the page asked for to a login URL (`/login`, `/signin`, `/account/login`,
  `?route=account/login`...), HTTP 401, a password form, a known interstitial (DDoS-Guard,
  "checking your browser", Cloudflare's challenge, a queue page, a captcha form).

The generic signs are built not to fire on normal pages. A redirect counts only when it ends
on a login path (a word such as "login" in a listing's text, title or URL slug is no sign).
A password form, an interstitial phrase or a captcha widget count only when the page lacks
what the crawler expected there (the cards or links of a category page, the fields of a
listing or vendor page, by the market's own selectors): a shop with a login box in its
header, or a listing that sells "DDoS-Guard bypass", is still read as what it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlsplit
from weakref import WeakKeyDictionary

from parsel import Selector
from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.config import DetectSpec, FieldSpec, MarketConfig
from crawler.fields import matches, select

Kind = Literal["login", "interstitial"]

LOGIN_WORDS = frozenset({
    "login", "log-in", "log_in", "logon", "signin", "sign-in", "sign_in", "auth", "authenticate",
    "authentication",
})  # fmt: skip
_EXTENSION = re.compile(r"\.(php|html?|aspx?|jsp|cgi)$", re.I)
# query parameters that name the page in PHP-style routers (`index.php?route=account/login`)
_ROUTE_PARAMS = frozenset({"route", "r", "page", "action", "act", "do", "p"})

# Phrases of interstitial pages, lower case, found in the page's text.
INTERSTITIAL_PHRASES = (
    "checking your browser",  # Cloudflare (old), DDoS-Guard
    "ddos-guard",
    "ddos protection by",
    "just a moment...",  # Cloudflare
    "verify you are human",
    "verifying you are human",
    "are you a robot",
    "i am not a robot",
    "you are in the queue",  # EndGame-style queues on onion services
    "you are in queue",
    "waiting in the queue",
    "position in queue",
    "queue position",
    "estimated waiting time",
    "estimated wait time",
    "solve the captcha",
    "complete the captcha",
    "enter the captcha",
    "captcha to continue",
    "access denied by anti-ddos",
)
# Markup of challenge pages and captcha widgets.
_CHALLENGE_XPATH = (
    "//*[@id='challenge-form' or @id='cf-challenge-running' or @id='cf-wrapper']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' g-recaptcha ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' h-captcha ')]"
    " | //iframe[contains(translate(@src, 'CAPTCHA', 'captcha'), 'captcha')]"
    " | //form//input[contains(translate(@name, 'CAPTCHA', 'captcha'), 'captcha')"
    " or contains(translate(@id, 'CAPTCHA', 'captcha'), 'captcha')"
    " or contains(translate(@placeholder, 'CAPTCHA', 'captcha'), 'captcha')]"
    " | //form//img[contains(translate(@alt, 'CAPTCHA', 'captcha'), 'captcha')"
    " or contains(translate(@src, 'CAPTCHA', 'captcha'), 'captcha')]"
)
_PASSWORD_XPATH = "//input[translate(@type, 'PASWORD', 'pasword') = 'password']"
_TEXT_XPATH = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)] | //title/text()"
)
_TEXTS: WeakKeyDictionary[Response, str] = WeakKeyDictionary()  # responses have no room for it
MAX_TEXT = 200_000  # characters of page text searched (pages are bounded, this bounds the work)


@dataclass(frozen=True)
class Sign:
    """What a page is, and why we think so (for the log and the run record: no secrets)."""

    kind: Kind
    reason: str


def shown(url: str) -> str:
    """A URL for messages, without its query: some sites put a session id there."""
    return urlsplit(url)._replace(query="", fragment="").geturl()


def page_text(response: Response) -> str:
    """The page's visible text, lower case (computed once per response)."""
    cached = _TEXTS.get(response)
    if cached is None:
        if isinstance(response, TextResponse):
            cached = " ".join(response.selector.xpath(_TEXT_XPATH).getall())[:MAX_TEXT].lower()
        else:
            cached = ""
        _TEXTS[response] = cached
    return cached


def page_matches(detect: DetectSpec, response: Response) -> bool:
    """A market's own detection: status, URL, selectors or page text."""
    if detect.status and response.status in detect.status:
        return True
    if detect.url_regex and re.search(detect.url_regex, response.url):
        return True
    if not isinstance(response, TextResponse):
        return False
    if (detect.css or detect.xpath) and matches(response.selector, css=detect.css, xpath=detect.xpath):
        return True
    if detect.text and detect.text.strip().lower() in page_text(response):
        return True
    return bool(detect.text_regex and re.search(detect.text_regex, page_text(response), re.I))


def is_login_url(url: str) -> bool:
    """A login page's URL: its last path segment (of at most three) is a login word, or a
    router parameter names one (`?route=account/login`)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if segments and len(segments) <= 3 and _EXTENSION.sub("", segments[-1]) in LOGIN_WORDS:
        return True
    for name, value in parse_qsl(parts.query):
        last = value.lower().strip("/").rsplit("/", 1)[-1]
        if name.lower() in _ROUTE_PARAMS and _EXTENSION.sub("", last) in LOGIN_WORDS:
            return True
    return False


def login_sign(config: MarketConfig, request: Request, response: Response) -> Sign | None:
    """Is this page (the answer to `request`, redirects followed) a login wall?"""
    role = request.meta.get("vigil_role")
    session = config.session
    chain = request.meta.get("redirect_urls") or []
    if session.login_page is not None and page_matches(session.login_page, response):
        origin = f", redirected from {shown(chain[0])}" if chain else ""
        return Sign("login", f"login wall at {shown(response.url)} (session.login_page{origin})")
    if not session.generic_detection:
        return None
    if chain and is_login_url(response.url) and not is_login_url(chain[0]):
        return Sign("login", f"{shown(chain[0])} redirected to the login page {shown(response.url)}")
    if response.status == 401:
        return Sign("login", f"{shown(response.url)} answered 401 (authentication required)")
    if (
        response.status in (200, 403)
        and isinstance(response, TextResponse)
        and response.selector.xpath(_PASSWORD_XPATH)
        and not looks_expected(config, role, response.selector)
    ):
        return Sign("login", f"a password form at {shown(response.url)} instead of a {role} page")
    return None


def interstitial_sign(config: MarketConfig, request: Request, response: Response) -> Sign | None:
    """Is this page a captcha, queue or DDoS-guard page?"""
    role = request.meta.get("vigil_role")
    if config.interstitial is not None and page_matches(config.interstitial.detect, response):
        return Sign("interstitial", f"interstitial at {shown(response.url)} (interstitial.detect)")
    if not config.session.generic_detection or not isinstance(response, TextResponse):
        return None
    text = page_text(response)
    phrase = next((p for p in INTERSTITIAL_PHRASES if p in text), None)
    widget = bool(response.selector.xpath(_CHALLENGE_XPATH))
    if (phrase or widget) and not looks_expected(config, role, response.selector):
        what = f"the phrase {phrase!r}" if phrase else "a captcha or challenge form"
        return Sign("interstitial", f"interstitial at {shown(response.url)} ({what})")
    return None


def looks_expected(config: MarketConfig, role: str | None, page: Selector) -> bool:
    """Whether the page shows what the crawler went there for, by the market's selectors: a
    category page's cards or links, or two of a listing's or vendor's fields (one alone, such
    as a bare `h1`, may be on a login page too). A role it does not know counts as expected:
    no claim without evidence."""
    specs = _expected_specs(config, role)
    specs = [spec for spec in specs or [] if spec.url_regex is None]
    if not specs:
        return True
    needed = 1 if role == "category" else min(2, len(specs))
    found = 0
    for spec in specs:
        found += bool(select(page, spec))
        if found >= needed:
            return True
    return False


def _expected_specs(config: MarketConfig, role: str | None) -> list[FieldSpec] | None:
    listings = config.listings
    if role == "category":
        specs = [listings.links, *([listings.cards.container] if listings.cards else [])]
        if config.navigation.category_links is not None:
            specs.append(config.navigation.category_links)
        return specs
    if role == "listing":
        return list(listings.fields.values()) or None
    vendors = config.vendors
    if vendors is None or role is None or not role.startswith("vendor"):
        return None
    if role == "vendor":
        return list(vendors.fields.values()) or None
    for extra in vendors.extra_pages:  # `vendor:pgp`: the fields of that sub-page
        if role == f"vendor:{extra.path.strip('/').rsplit('/', 1)[-1]}":
            return list(extra.fields.values()) or None
    return None
