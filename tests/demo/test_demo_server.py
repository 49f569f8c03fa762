"""The sample markets over real HTTP: login wall, queue pages, pagination, JS shell, evolution."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from demo import World
from demo.server import Handle, start


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, cookie: str | None = None, data: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode() if data else None)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def login(base: str) -> str:
    """Log in to nightowl with the demo credentials; return the Cookie header value."""
    status, headers, _ = fetch(base + "/login", data={"username": "demo", "password": "demo-password"})
    assert status == 302 and headers["Set-Cookie"].startswith("owl_session=")
    return headers["Set-Cookie"].split(";")[0]


@pytest.fixture()
def served() -> Iterator[Handle]:
    handle = start(World(seed=7, listings=80, day=1, interstitial_rate=0.0))
    yield handle
    handle.stop()


def _crawl_nightowl(base: str, cookie: str) -> dict[str, str]:
    """Follow categories and `rel=next` links; listing id -> card title."""
    status, _, home = fetch(base + "/", cookie)
    assert status == 200
    found: dict[str, str] = {}
    for slug in sorted(set(re.findall(r'href="(/category/[a-z\-]+/)"', home.decode()))):
        url: str | None = base + slug
        while url:
            status, _, body = fetch(url, cookie)
            assert status == 200
            text = body.decode()
            cards = re.findall(r'<div class="offer-title"><a href="/listing/(\d+)/">([^<]*)</a>', text)
            found.update(cards)
            nxt = re.search(r'rel="next" class="next" href="([^"]+)"', text)
            url = base + nxt.group(1) if nxt else None
    return found


def test_login_wall(served: Handle) -> None:
    base = served.urls["nightowl"]
    status, headers, _ = fetch(base + "/category/opioids/?page=1")
    assert status == 302 and headers["Location"].startswith("/login?next=")
    status, _, body = fetch(base + headers["Location"])
    assert status == 200 and b'name="username"' in body and b'alt="captcha"' in body
    status, _, _ = fetch(base + "/login", data={"username": "demo", "password": "wrong"})
    assert status == 403
    status, headers, _ = fetch(base + "/login", data={"username": "demo", "password": "demo-password",
                                                     "next": "/vendor/x/"})
    assert status == 302 and headers["Location"] == "/vendor/x/" and "owl_session=" in headers["Set-Cookie"]
    cookie = headers["Set-Cookie"].split(";")[0]
    assert fetch(base + "/", cookie)[0] == 200
    assert fetch(base + "/", "owl_session=forged-value")[0] == 302


def test_nightowl_pages_match_truth(served: Handle) -> None:
    base = served.urls["nightowl"]
    cookie = login(base)
    truth = served.world.truth()["nightowl"]
    found = _crawl_nightowl(base, cookie)
    assert set(found) == set(truth.listings)
    listing = next(iter(truth.listings.values()))
    status, _, body = fetch(base + listing.path, cookie)
    text = body.decode()
    assert status == 200 and f"USD {listing.price}" in text and "XMR " in text and "BTC " in text
    status, _, body = fetch(base + f"/vendor/{listing.vendor}/", cookie)
    text = body.decode()
    assert "BEGIN PGP PUBLIC KEY BLOCK" in text and "Fingerprint:" in text
    shared = [v for v in truth.vendors.values() if v.markets]
    text = fetch(base + shared[0].path, cookie)[2].decode()
    assert f"also on swapbay as {shared[0].markets['swapbay']}" in text
    assert fetch(base + "/listing/99999999/", cookie)[0] == 404


def test_day_two_removes_and_adds(served: Handle) -> None:
    base = served.urls["nightowl"]
    cookie = login(base)
    day1 = served.world.truth()["nightowl"].listings
    served.set_day(2)
    day2 = served.world.truth()["nightowl"].listings
    gone = set(day1) - set(day2)
    assert gone
    assert fetch(base + day1[next(iter(gone))].path, cookie)[0] == 404
    assert set(_crawl_nightowl(base, cookie)) == set(day2)
    assert b"2026-01-06" in fetch(base + "/", cookie)[2]


def test_interstitial_retry_gets_through() -> None:
    handle = start(World(seed=7, listings=20, interstitial_rate=1.0))
    try:
        base = handle.urls["nightowl"]
        cookie = login(base)
        status, _, body = fetch(base + "/category/opioids/", cookie)
        assert status == 503 and b'id="queue-guard"' in body and b"offer-card" not in body
        status, _, body = fetch(base + "/category/opioids/", cookie)
        assert status == 200 and b"cat-title" in body
    finally:
        handle.stop()


def test_interstitial_rate_is_deterministic() -> None:
    results = []
    for _ in range(2):
        handle = start(World(seed=7, listings=40, interstitial_rate=0.3))
        try:
            base = handle.urls["nightowl"]
            cookie = login(base)
            slugs = ("rc", "opioids", "cannabis") * 4
            results.append([fetch(f"{base}/category/{s}/", cookie)[0] for s in slugs])
        finally:
            handle.stop()
    assert results[0] == results[1] and 503 in results[0] and 200 in results[0]


def test_captcha_always() -> None:
    handle = start(World(seed=7, listings=20, captcha_always=True))
    try:
        base = handle.urls["nightowl"]
        cookie = login(base)
        for _ in range(3):
            status, _, body = fetch(base + "/", cookie)
            assert status == 503 and b'id="queue-guard"' in body
        assert fetch(base + "/login")[0] == 200
    finally:
        handle.stop()


def test_swapbay_shell_has_no_listings_json_has(served: Handle) -> None:
    base = served.urls["swapbay"]
    truth = served.world.truth()["swapbay"].listings
    status, _, shell = fetch(base + "/")
    assert status == 200 and b"<noscript>" in shell and b'src="/static/app.js"' in shell
    assert not any(t.title.encode() in shell for t in truth.values())
    assert fetch(base + "/static/app.js")[0] == 200
    seen: dict[str, dict] = {}
    page = 1
    while page:
        data = json.loads(fetch(f"{base}/api/listings?page={page}")[2])
        seen.update({x["id"]: x for x in data["items"]})
        page = page + 1 if data["next"] else 0
    assert set(seen) == set(truth)
    some = next(iter(truth.values()))
    status, _, shell = fetch(base + some.path)
    assert status == 200 and some.title.encode() not in shell
    item = json.loads(fetch(f"{base}/api/item/{some.id}")[2])
    assert item["title"] == some.title and item["description"] == some.description
    assert item["price"] == str(some.price)


def test_rclabor_shop(served: Handle) -> None:
    base = served.urls["rc-labor"]
    truth = served.world.truth()["rc-labor"].listings
    found: set[str] = set()
    url: str | None = base + "/shop/"
    while url:
        text = fetch(url)[2].decode()
        found |= set(re.findall(r'href="/produkt/([a-z0-9\-]+)/" class="woocommerce', text))
        nxt = re.search(r'<link rel="next" href="([^"]+)"', text)
        url = base + nxt.group(1) if nxt else None
    assert found == set(truth)
    precursor = next(t for t in truth.values() if t.cas)
    text = fetch(base + precursor.path)[2].decode()
    assert precursor.cas in text and "nicht für den menschlichen verzehr" in text.lower()
    assert f"{precursor.price:.2f}".replace(".", ",") + "\u00a0€" in text
    contact = fetch(base + "/kontakt/")[2].decode()
    assert "Threema" in contact and "Telegram" in contact and "@" in contact


def test_same_seed_same_bytes() -> None:
    bodies = []
    for _ in range(2):
        handle = start(World(seed=9, listings=50, interstitial_rate=0.0))
        try:
            cookie = login(handle.urls["nightowl"])
            truth = handle.world.truth()
            listing = next(iter(truth["nightowl"].listings.values()))
            vendor = next(iter(truth["nightowl"].vendors.values()))
            bodies.append([
                fetch(handle.urls["nightowl"] + "/category/cannabis/", cookie)[2],
                fetch(handle.urls["nightowl"] + listing.path, cookie)[2],
                fetch(handle.urls["nightowl"] + vendor.path, cookie)[2],
                fetch(handle.urls["swapbay"] + "/api/listings?page=1")[2],
                fetch(handle.urls["rc-labor"] + "/shop/?seite=2")[2],
            ])
        finally:
            handle.stop()
    assert bodies[0] == bodies[1]


def test_hundred_thousand_listings_serve() -> None:
    handle = start(World(seed=1, listings=100_000, interstitial_rate=0.0))
    try:
        base = handle.urls["nightowl"]
        cookie = login(base)
        status, _, body = fetch(base + "/category/stimulants/?page=300", cookie)
        assert status == 200 and body.count(b'class="offer-card"') == 30 and b'rel="next"' in body
        ids = re.findall(rb'href="(/listing/\d+/)"', body)
        assert fetch(base + ids[0].decode(), cookie)[0] == 200
        data = json.loads(fetch(handle.urls["swapbay"] + "/api/listings?page=4000")[2])
        assert len(data["items"]) == 24
        assert fetch(handle.urls["rc-labor"] + "/shop/?seite=4000")[0] == 200
    finally:
        handle.stop()


def test_a_session_expires_after_its_lifetime_and_a_new_login_works() -> None:
    handle = start(World(seed=7, listings=20, interstitial_rate=0.0, session_lifetime=3))
    try:
        base = handle.urls["nightowl"]
        cookie = login(base)
        assert [fetch(base + "/", cookie)[0] for _ in range(3)] == [200, 200, 200]
        status, headers, _ = fetch(base + "/category/opioids/", cookie)
        assert status == 302 and headers["Location"] == "/login?next=%2Fcategory%2Fopioids%2F"
        assert fetch(base + "/", cookie)[0] == 302  # expired for good
        handle.world.session_lifetime = 0  # may change while serving
        assert fetch(base + "/", login(base))[0] == 200
    finally:
        handle.stop()
