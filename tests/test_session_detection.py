"""Login walls and interstitials: the market's own detections and the generic signs, which
must fire on real walls and never on normal pages; and the session middleware, which sends
the stored cookies and user agent to the market's mirror hosts and nowhere else."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.config import parse_market
from crawler.cookiefile import Cookie
from crawler.detection import interstitial_sign, is_login_url, login_sign
from crawler.middlewares import SessionMiddleware
from crawler.secrets import write_session

MIRROR = "http://market.example"


def market(**extra) -> dict:
    data = {
        "id": "shop",
        "name": "Shop",
        "kind": "darknet",
        "mirrors": [MIRROR],
        "navigation": {"start_urls": ["/"], "category_links": "nav.cats a::attr(href)"},
        "listings": {
            "links": "div.card a.t::attr(href)",
            "id_from_url": r"/listing/(?P<id>\d+)",
            "cards": {"container": "div.card", "fields": {"title": "a.t::text"}},
            "fields": {"title": "h1.name::text", "price": "span.price::text",
                       "description": "div.desc"},
        },
        "vendors": {"fields": {"alias": "h1.vendor::text", "pgp_key": "pre.pgp::text"}},
    }
    data.update(extra)
    return data


CONFIG = parse_market(market(), "<test>")
HEADER_LOGIN = """<header><form action="/login" method="post"><input name="u">
<input type="password" name="p"><button>Login</button></form></header>"""


def page(
    url: str, body: str, role: str = "category", status: int = 200, redirected_from: str = ""
) -> HtmlResponse:
    meta = {"vigil_role": role}
    if redirected_from:
        meta["redirect_urls"] = [redirected_from]
    request = Request(url, meta=meta)
    return HtmlResponse(url, status=status, body=f"<html><body>{body}</body></html>".encode(),
                        encoding="utf-8", request=request)


def login(config, response: HtmlResponse):
    return login_sign(config, response.request, response)


def interstitial(config, response: HtmlResponse):
    return interstitial_sign(config, response.request, response)


def listing_page(description: str, url: str = f"{MIRROR}/listing/5/") -> HtmlResponse:
    body = (f"{HEADER_LOGIN}<h1 class='name'>Netflix login + password accounts</h1>"
            f"<span class='price'>USD 20</span><div class='desc'>{description}</div>")
    return page(url, body, role="listing")


CATEGORY = "<div class='card'><a class='t' href='/listing/1/'>MDMA 10g</a></div>"
LOGIN_FORM = "<h1>Sign in</h1><form method='post'><input name='user'><input type='password'></form>"


# --- login walls ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "target",
    ["/login?next=%2Fcategory%2Fx%2F", "/account/login", "/users/sign_in", "/auth", "/en/signin.php",
     "/index.php?route=account/login"],
)
def test_a_redirect_from_the_page_asked_for_to_a_login_url_is_a_login_wall(target):
    sign = login(CONFIG, page(MIRROR + target, LOGIN_FORM, redirected_from=f"{MIRROR}/category/x/"))
    assert sign is not None and sign.kind == "login"
    assert "redirected to the login page" in sign.reason
    assert "next=" not in sign.reason  # URLs in messages lose their query (session ids live there)


def test_a_password_form_instead_of_the_expected_page_is_a_login_wall():
    sign = login(CONFIG, page(f"{MIRROR}/category/x/", LOGIN_FORM))
    assert sign is not None and "password form" in sign.reason
    assert login(CONFIG, page(f"{MIRROR}/vendor/x/", LOGIN_FORM, role="vendor"))


def test_http_401_is_a_login_wall():
    assert login(CONFIG, page(f"{MIRROR}/listing/5/", "", role="listing", status=401))


def test_a_listing_that_talks_about_logins_is_not_a_login_wall():
    response = listing_page("Fresh Netflix login accounts. Sign in with the password we send. /login works.",
                            url=f"{MIRROR}/listing/5/netflix-login")
    assert login(CONFIG, response) is None
    assert interstitial(CONFIG, response) is None


def test_a_category_page_with_a_login_box_in_its_header_is_not_a_login_wall():
    assert login(CONFIG, page(f"{MIRROR}/category/x/", HEADER_LOGIN + CATEGORY)) is None


def test_a_redirect_that_does_not_end_on_a_login_path_is_not_a_login_wall():
    for target in ("/listing/5/", "/listing/5/login-guide", "/category/accounts-login/x/y/login"):
        response = page(MIRROR + target, CATEGORY, redirected_from=f"{MIRROR}/listing/5")
        assert login(CONFIG, response) is None, target


def test_login_urls():
    assert is_login_url("http://m.onion/login") and is_login_url("http://m.onion/account/login/")
    assert not is_login_url("http://m.onion/listing/1/login-netflix")
    assert not is_login_url("http://m.onion/?q=login")  # a search for "login"
    assert not is_login_url("http://m.onion/a/b/c/login")  # too deep to be the site's login page


def test_the_markets_own_detection_wins_and_generic_signs_can_be_switched_off():
    own = parse_market(market(session={"login_page": {"text": "members only"}}), "<test>")
    assert login(own, page(f"{MIRROR}/category/x/", "<p>MEMBERS ONLY area</p>"))
    off = parse_market(market(session={"generic_detection": False}), "<test>")
    wall = page(f"{MIRROR}/login", LOGIN_FORM, redirected_from=f"{MIRROR}/category/x/")
    assert login(off, wall) is None
    assert login(CONFIG, wall) is not None


# --- interstitials -------------------------------------------------------------------------
DDOS_GUARD = """<div id="ddg"><h1>Checking your browser before accessing market.onion</h1>
<p>This process is automatic. DDoS protection by DDoS-Guard.</p></div>"""
CLOUDFLARE = """<div id="cf-wrapper"><form id="challenge-form" action="/"><div class="h-captcha"></div>
</form></div>"""
QUEUE = """<h1>You are in the queue</h1><p>Estimated waiting time: 40 seconds.</p>"""
CAPTCHA = """<form method="post"><img src="/captcha.png"><input name="captcha_code"><button>Go</button>
</form>"""


@pytest.mark.parametrize("body", [DDOS_GUARD, CLOUDFLARE, QUEUE, CAPTCHA])
def test_known_interstitials_are_recognised_without_any_config(body):
    sign = interstitial(CONFIG, page(f"{MIRROR}/category/x/", body))
    assert sign is not None and sign.kind == "interstitial"


def test_a_listing_that_sells_ddos_guard_bypass_is_a_listing():
    response = listing_page("Bypass DDoS-Guard: checking your browser pages solved, captcha solver included. "
                            "<form><input name='captcha'></form>")
    assert interstitial(CONFIG, response) is None


def test_page_text_detection_from_the_config():
    own = parse_market(market(interstitial={"detect": {"text_regex": r"maintenance \d+ min"}}), "<test>")
    assert interstitial(own, page(f"{MIRROR}/", "<p>Site MAINTENANCE 15 min</p>", role="x"))
    assert interstitial(own, page(f"{MIRROR}/", "<p>Site maintenance soon</p>", role="x")) is None


@pytest.mark.parametrize(
    ("detect", "expected"),
    [({"text": "ab"}, "3 to 200 characters"), ({"text_regex": "(unclosed"}, "regular expression"),
     ({}, "give at least one of css, xpath, url_regex, status, text or text_regex")],
)
def test_text_detections_are_validated(detect, expected):
    from crawler.config import ConfigError

    with pytest.raises(ConfigError, match=expected.replace("(", r"\(")):
        parse_market(market(interstitial={"detect": detect}), "<test>")


# --- the session middleware ----------------------------------------------------------------
def middleware(tmp_path, monkeypatch, mirrors: list[str], cookies: list[Cookie]) -> SessionMiddleware:
    monkeypatch.delenv("VIGIL_SESSION_SHOP", raising=False)
    secrets = tmp_path / "secrets.yaml"
    write_session(secrets, "shop", cookies, "Mozilla/5.0 (Operator Browser)", "2026-01-05T12:00:00+00:00")
    crawler = get_crawler(settings_dict={"VIGIL_SECRETS_FILE": str(secrets)})
    crawler.spider = type("S", (), {})()
    access = {"mode": "tor"} if any(".onion" in m for m in mirrors) else {"mode": "direct"}
    crawler.spider.config = parse_market(market(mirrors=mirrors, access=access), "<test>")
    crawler.spider.mirror_hosts = frozenset(m.split("//")[1] for m in mirrors)
    return SessionMiddleware.from_crawler(crawler)


def test_every_stored_cookie_and_the_user_agent_go_to_each_mirror_host_only(tmp_path, monkeypatch):
    cookies = [Cookie("sid", "v1", "a.onion"), Cookie("csrf", "v2", ".a.onion", "/", secure=True)]
    mw = middleware(tmp_path, monkeypatch, ["http://a.onion", "http://b.onion:8080"], cookies)
    for url in ("http://a.onion/", "http://b.onion:8080/category/x/"):
        request = Request(url)
        mw.process_request(request)
        host = url.split("//")[1].split(":")[0].split("/")[0]
        assert {(c["name"], c["value"], c["domain"]) for c in request.cookies} == {
            ("sid", "v1", host), ("csrf", "v2", host)}  # a secure cookie goes to an onion over http
        assert request.headers[b"User-Agent"] == b"Mozilla/5.0 (Operator Browser)"
    elsewhere = Request("http://tracker.example/pixel.gif", headers={"User-Agent": "default"})
    mw.process_request(elsewhere)
    assert not elsewhere.cookies and elsewhere.headers[b"User-Agent"] == b"default"
    assert mw.crawler.stats.get_value("vigil/session/source") == "file"


def test_a_secure_cookie_is_never_sent_over_plain_http_to_a_clear_web_mirror(tmp_path, monkeypatch):
    cookies = [Cookie("sid", "v1", "shop.example"), Cookie("secure_sid", "v2", "shop.example", secure=True)]
    mw = middleware(tmp_path, monkeypatch, ["http://shop.example"], cookies)
    request = Request("http://shop.example/")
    mw.process_request(request)
    assert [c["name"] for c in request.cookies] == ["sid"]
    assert mw.crawler.stats.get_value("vigil/session/cookies_withheld") == 1
