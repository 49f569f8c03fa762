"""The hostile corpus: nightowl shows XSS, markup and Unicode payloads, escaped or raw as the truth says."""

from __future__ import annotations

import html
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from demo import World, truth_json
from demo.hostile import DESCRIPTION_PAYLOADS, TITLE_PAYLOADS, VENDOR_PAYLOADS
from demo.server import Handle, start

LISTINGS = 60


def fetch(url: str, cookie: str = "") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def login(base: str) -> str:
    """The Cookie header of a nightowl login with the demo credentials."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/login", data=b"username=demo&password=demo-password", timeout=10).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


@pytest.fixture(scope="module")
def hostile_served() -> Iterator[tuple[World, Handle]]:
    world = World(seed=7, listings=LISTINGS, day=1, interstitial_rate=0.0, hostile=True)
    handle = start(world)
    yield world, handle
    handle.stop()


def test_the_corpus_covers_every_kind_of_payload() -> None:
    corpus = TITLE_PAYLOADS + DESCRIPTION_PAYLOADS + VENDOR_PAYLOADS
    assert len(set(corpus)) >= 30
    for needle in ("<script>", "onerror=", "<svg", "javascript:", "data:", "<style>", "style=", "<iframe",
                   "</script>", '" onmouseover=', "\u202e", "\u2066", "\u200b", "\u001b", "{{7*7}}",
                   "{%", "${", "http://198.51.100.7/", "@import"):
        assert any(needle in p for p in corpus), needle


def test_the_truth_lists_every_payload_on_a_drug_listing() -> None:
    world = World(seed=7, listings=LISTINGS, day=1, hostile=True)
    hostile = world.hostile_truth()
    listings = world.truth("nightowl")["nightowl"].listings
    titles = [h for h in hostile if h.field == "title"]
    assert [h.payload for h in titles] == list(TITLE_PAYLOADS)
    for h in titles:
        assert listings[h.listing_id].title.endswith(" " + h.payload)
        assert listings[h.listing_id].substance is not None  # still a drug listing
    vendors = {h.vendor for h in hostile if h.field == "vendor"}
    assert vendors == set(VENDOR_PAYLOADS)
    assert vendors <= {t.vendor for t in listings.values()}
    assert {h.raw for h in hostile if h.field == "description"} == {True, False}
    assert truth_json(7, LISTINGS, 1, hostile=True)["hostile"][0]["payload"] == TITLE_PAYLOADS[0]


def test_a_plain_world_shows_no_payload() -> None:
    world = World(seed=7, listings=LISTINGS, day=1)
    assert world.hostile_truth() == []
    assert "hostile" not in truth_json(7, LISTINGS, 1)
    for truth in world.truth().values():
        for t in truth.listings.values():
            assert "__vigil_pwned" not in t.title + t.description + t.vendor


def test_nightowl_escapes_titles_and_vendors_and_shows_some_descriptions_raw(
    hostile_served: tuple[World, Handle],
) -> None:
    world, handle = hostile_served
    base = handle.urls["nightowl"]
    cookie = login(base)
    listings = world.truth("nightowl")["nightowl"].listings
    for h in world.hostile_truth():
        if h.field == "vendor":
            status, body = fetch(base + "/vendor/" + urllib.parse.quote(h.payload, safe="") + "/", cookie)
            assert status == 200
            assert f'<h1 class="vendor-name">{html.escape(h.payload)}</h1>' in body.decode()
            continue
        status, body = fetch(base + listings[h.listing_id].path, cookie)
        page = body.decode()
        assert status == 200
        if h.field == "title":
            assert f'<h1 class="offer-name">{html.escape(listings[h.listing_id].title)}</h1>' in page
        else:
            first = h.payload.split("\n")[0]
            assert (first if h.raw else html.escape(first)) in page
            if not h.raw:
                assert first == html.escape(first) or first not in page
