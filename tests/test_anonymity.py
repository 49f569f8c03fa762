"""Fail closed: an onion or Tor market is never fetched without its proxy, and with one
every request (names included) goes through it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from helpers import run_vigil, write_config_dir
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler
from servers import serve

from crawler.config import parse_market
from crawler.middlewares import AnonymityGuardMiddleware

PAGE = b"""<html><body>
<div class="card"><a class="t" href="/item/7">Ketamine 5g</a></div>
</body></html>"""


def market(mirror: str, access: dict) -> dict:
    return {
        "id": "hidden",
        "name": "Hidden market",
        "kind": "darknet",
        "mirrors": [mirror],
        "access": access,
        "politeness": {"download_delay": 0, "autothrottle": False, "retries": 0},
        "navigation": {"start_urls": ["/"]},
        "listings": {
            "links": "a.t::attr(href)",
            "id_from_url": r"/item/(?P<id>\d+)",
            "fetch_pages": "never",
            "cards": {"container": "div.card", "fields": {"title": "a.t::text"}},
        },
    }


@contextmanager
def recording_proxy() -> Iterator[tuple[str, list[str]]]:
    """An HTTP proxy stand-in on loopback: answers every request, records request lines."""
    seen: list[str] = []

    def respond(_: str, request_line: str) -> tuple[int, bytes]:
        seen.append(request_line)
        return 200, PAGE

    with serve(respond) as url:
        yield url, seen


def config_dir(tmp_path, data: dict):
    return write_config_dir(tmp_path / "config", data)


def test_onion_market_without_proxy_is_refused_before_any_request(tmp_path):
    with recording_proxy() as (_, seen):
        folder = config_dir(tmp_path, market("http://hiddenmarketxyz.onion", {"mode": "direct"}))
        result = run_vigil("crawl", "hidden", "--config-dir", str(folder),
                           "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert "fail closed" in result.stderr
    assert seen == []
    assert not (tmp_path / "data").exists()


def test_tor_market_goes_through_its_proxy_with_the_onion_name_unresolved(tmp_path):
    with recording_proxy() as (proxy, seen):
        data = market("http://hiddenmarketxyz.onion", {"mode": "tor", "proxy": proxy})
        folder = config_dir(tmp_path, data)
        result = run_vigil("crawl", "hidden", "--config-dir", str(folder),
                           "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    # the proxy got the absolute URL: the name was never resolved locally
    assert seen and seen[0].startswith("GET http://hiddenmarketxyz.onion/ ")


@pytest.mark.parametrize("url", ["http://abc.onion/x", "https://sub.market.onion/"])
def test_guard_refuses_onion_urls_when_no_market_proxy(url):
    crawler = get_crawler()
    guard = AnonymityGuardMiddleware(crawler)
    with pytest.raises(IgnoreRequest):
        guard.process_request(Request(url))


def test_guard_routes_every_request_of_a_proxied_market():
    crawler = get_crawler()
    crawler.spider = type("S", (), {})()
    crawler.spider.config = parse_market(
        market("http://abc.onion", {"mode": "tor", "proxy": "http://127.0.0.1:8118"}), "<test>"
    )
    request = Request("http://abc.onion/item/1")
    AnonymityGuardMiddleware(crawler).process_request(request)
    assert request.meta["proxy"] == "http://127.0.0.1:8118"
