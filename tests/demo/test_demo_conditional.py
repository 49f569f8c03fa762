"""The simulator's validators: rc-labor's product pages carry ETag and Last-Modified and answer
conditional requests with 304; nightowl's listing pages carry none; every response is counted
per kind of path and status."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from demo import World, changes
from demo.server import Handle, start

SEED, LISTINGS = 7, 60


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture()
def served() -> Iterator[Handle]:
    handle = start(World(seed=SEED, listings=LISTINGS, day=1, interstitial_rate=0.0))
    yield handle
    handle.stop()


def product_url(handle: Handle, listing_id: str) -> str:
    return handle.urls["rc-labor"] + f"/produkt/{listing_id}/"


def test_product_pages_answer_conditional_requests(served):
    ch = changes(SEED, LISTINGS, 1, 2)["rc-labor"]
    repriced = sorted(ch.price_changed)[0]
    kept = sorted(set(served.world.truth()["rc-labor"].listings) - ch.price_changed - ch.removed)[0]
    validators = {}
    for listing_id in (repriced, kept):
        status, headers, body = get(product_url(served, listing_id))
        assert status == 200 and body and headers["ETag"].startswith('"')
        assert headers["Last-Modified"] == "Mon, 05 Jan 2026 12:00:00 GMT"  # day 1, never changed
        validators[listing_id] = headers["ETag"], headers["Last-Modified"]
        etag = validators[listing_id][0]
        status, headers, body = get(product_url(served, listing_id), **{"If-None-Match": etag})
        assert (status, body, headers["ETag"]) == (304, b"", validators[listing_id][0])
    served.set_day(2)
    etag, modified = validators[kept]
    assert get(product_url(served, kept), **{"If-None-Match": etag})[0] == 304
    assert get(product_url(served, kept), **{"If-Modified-Since": modified})[0] == 304
    assert get(product_url(served, kept), **{"If-None-Match": '"other"'})[0] == 200  # ETag wins
    etag, modified = validators[repriced]
    status, headers, body = get(product_url(served, repriced), **{"If-None-Match": etag})
    assert status == 200 and body and headers["ETag"] != etag
    assert headers["Last-Modified"] == "Tue, 06 Jan 2026 12:00:00 GMT"
    assert get(product_url(served, repriced), **{"If-Modified-Since": modified})[0] == 200
    counted = served.served("rc-labor")
    assert counted[("produkt", 304)] == 4 and counted[("produkt", 200)] == 5


def test_other_pages_and_markets_carry_no_validators(served):
    status, headers, _ = get(served.urls["rc-labor"] + "/shop/")
    assert status == 200 and "ETag" not in headers and "Last-Modified" not in headers
    listing = sorted(served.world.truth()["nightowl"].listings)[0]
    status, headers, _ = get(served.urls["nightowl"] + f"/listing/{listing}/")  # the login wall
    assert "ETag" not in headers and "Last-Modified" not in headers
    assert served.served("rc-labor") == {("shop", 200): 1}
    assert sum(served.served("nightowl").values()) == 2  # the redirect, then the login page
    served.reset_served()
    assert not served.served("rc-labor")
