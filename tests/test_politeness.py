"""Politeness and resilience against real HTTP servers: Retry-After, backoff, mirrors that
fail over, page budgets, a cap on categories and pagination traps."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from helpers import run_vigil, write_config_dir
from servers import serve

from crawler.politeness import retry_after_seconds
from index.sqlite import SqliteStore


def card_page(ids: list[int], next_href: str | None = None, categories: list[str] = ()) -> bytes:
    cards = "".join(f'<div class="card"><a class="t" href="/item/{i}">Ketamine {i}g</a></div>' for i in ids)
    nav = "".join(f'<a class="cat" href="{c}">{c}</a>' for c in categories)
    more = f'<a class="next" href="{next_href}">next</a>' if next_href else ""
    return f"<html><body><nav>{nav}</nav>{cards}{more}</body></html>".encode()


def market(mirrors: list[str], **overrides) -> dict:
    data = {
        "id": "toy",
        "name": "Toy",
        "kind": "clearnet",
        "mirrors": mirrors,
        "politeness": {"download_delay": 0, "autothrottle": False, "retries": 1,
                       "retry_backoff": 0, "timeout": 5},
        "navigation": {"start_urls": ["/"], "category_links": "a.cat::attr(href)",
                       "next_page": "a.next::attr(href)"},
        "listings": {
            "links": "a.t::attr(href)",
            "id_from_url": r"/item/(?P<id>\d+)",
            "fetch_pages": "never",
            "cards": {"container": "div.card", "fields": {"title": "a.t::text"}},
        },
    }
    for key, value in overrides.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    return data


def crawl(tmp_path, data: dict):
    folder = write_config_dir(tmp_path / "config", data)
    result = run_vigil("crawl", data["id"], "--config-dir", str(folder), "--data-dir", str(tmp_path / "data"),
                       env={"VIGIL_LOG_LEVEL": "INFO"})
    store = SqliteStore(tmp_path / "data" / "vigil.sqlite3")
    return result, store


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Retry-After ------------------------------------------------------------------------
def test_retry_after_is_read_as_seconds_or_an_http_date():
    now = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(later, now=now) == pytest.approx(90)
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=5), usegmt=True), now=now) == 0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None


def test_a_429_with_retry_after_is_retried_after_the_wait_and_the_run_is_ok(tmp_path):
    times: dict[str, list[float]] = {}
    lock = threading.Lock()

    def respond(path: str, _: str) -> tuple:
        with lock:
            times.setdefault(path, []).append(time.monotonic())
            first = len(times[path]) == 1
        if path == "/" and first:
            return 429, b"slow down", {"Retry-After": "1"}
        return 200, card_page([1, 2, 3])

    with serve(respond) as url:
        result, store = crawl(tmp_path, market([url]))
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(times["/"]) == 2
    assert times["/"][1] - times["/"][0] >= 1.0  # the server's wait was honoured (a lower bound)
    run = store.runs("toy")[0]
    assert run.status == "ok"
    assert run.stats["vigil/politeness/retry_after"] == 1
    assert store.count_listings("toy") == 3


def test_a_retry_after_beyond_the_cap_is_given_up_and_the_run_is_partial(tmp_path):
    def respond(path: str, _: str) -> tuple:
        if path == "/":
            return 200, card_page([1], categories=["/c/a", "/c/b"])
        if path == "/c/b":
            return 503, b"maintenance", {"Retry-After": "86400"}
        return 200, card_page([2, 3])

    with serve(respond) as url:
        result, store = crawl(tmp_path, market([url], politeness={"max_retry_after": 30}))
    assert result.returncode == 4, result.stderr[-2000:]
    assert "max_retry_after" in result.stderr
    run = store.runs("toy")[0]
    assert run.status == "partial"
    assert run.stats["vigil/politeness/retry_after_too_long"] == 1


# --- mirrors -------------------------------------------------------------------------------
def test_a_dead_first_mirror_hands_over_to_the_next_and_the_mirror_used_is_recorded(tmp_path):
    dead = f"http://127.0.0.1:{closed_port()}"

    def respond(path: str, _: str) -> tuple:
        if path == "/":
            return 200, card_page([1, 2], categories=["/c/a"])
        return 200, card_page([3, 4])

    with serve(respond) as live:
        result, store = crawl(tmp_path, market([dead, live]))
    assert result.returncode == 0, result.stderr[-2000:]
    assert store.count_listings("toy") == 4
    run = store.runs("toy")[0]
    assert run.status == "ok"
    assert run.stats["vigil/mirror"] == live
    assert run.stats["vigil/mirror/rotated"] == 1
    assert f"mirror {dead} failed" in result.stderr


def test_a_mirror_answering_5xx_mid_crawl_hands_over(tmp_path):
    hits = {"first": 0}

    def first(path: str, _: str) -> tuple:
        hits["first"] += 1
        if path == "/":
            return 200, card_page([1], categories=["/c/a", "/c/b"])
        return 502, b"bad gateway"

    def second(path: str, _: str) -> tuple:
        return 200, card_page([2, 3] if path == "/c/a" else [4, 5])

    with serve(first) as one, serve(second) as two:
        result, store = crawl(tmp_path, market([one, two]))
    assert result.returncode == 0, result.stderr[-2000:]
    assert store.count_listings("toy") == 5
    assert store.runs("toy")[0].stats["vigil/mirror"] == two


def test_when_every_mirror_fails_the_request_is_lost_loudly(tmp_path):
    dead = [f"http://127.0.0.1:{closed_port()}" for _ in range(2)]
    result, store = crawl(tmp_path, market(dead))
    assert result.returncode == 1  # nothing was read: failed, never ok
    run = store.runs("toy")[0]
    assert run.status == "failed"
    assert run.stats["vigil/requests/failed"] == 1  # the start page, after trying both mirrors
    assert run.stats["vigil/mirror/rotated"] == 2  # each dead mirror handed over once
    assert f"mirror {dead[0]} failed" in result.stderr and f"mirror {dead[1]} failed" in result.stderr


# --- budgets and traps ------------------------------------------------------------------------
def test_the_page_budget_stops_the_run_as_partial_with_its_reason(tmp_path):
    def respond(path: str, _: str) -> tuple:
        n = int(path.rsplit("=", 1)[1]) if "=" in path else 1
        return 200, card_page([n * 10 + i for i in range(3)], next_href=f"/?p={n + 1}")

    with serve(respond) as url:
        result, store = crawl(tmp_path, market([url], politeness={"max_pages": 5}))
    assert result.returncode == 4, result.stderr[-2000:]
    run = store.runs("toy")[0]
    assert run.status == "partial"
    assert "page budget" in result.stderr + result.stdout
    assert run.stats["vigil/pages/category"] <= 6


def test_categories_beyond_the_cap_are_not_crawled_and_the_run_says_so(tmp_path):
    asked: list[str] = []

    def respond(path: str, _: str) -> tuple:
        asked.append(path)
        if path == "/":
            return 200, card_page([], categories=[f"/c/{i}" for i in range(6)])
        return 200, card_page([int(path.rsplit("/", 1)[1]) + 100])

    with serve(respond) as url:
        result, store = crawl(tmp_path, market([url], navigation={"max_categories": 4}))
    assert result.returncode == 4
    assert sorted(p for p in asked if p.startswith("/c/")) == [f"/c/{i}" for i in range(4)]
    run = store.runs("toy")[0]
    assert run.stats["vigil/pages/categories_capped"] == 2


def test_a_pagination_trap_stops_when_pages_show_nothing_new(tmp_path):
    asked: list[str] = []

    def respond(path: str, _: str) -> tuple:
        asked.append(path)
        n = int(path.rsplit("=", 1)[1]) if "=" in path else 1
        ids = [1, 2, 3] if n == 1 else [4, 5, 6]  # pages 3, 4, 5… repeat page 2
        return 200, card_page(ids, next_href=f"/?page={n + 1}")  # an endless "next"

    with serve(respond) as url:
        result, store = crawl(tmp_path, market([url]))
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(asked) == 3  # page 3 showed nothing new: pagination stopped there
    assert store.count_listings("toy") == 6
    assert store.runs("toy")[0].stats["vigil/pages/pagination_repeat"] == 1


def test_a_feedback_tab_is_followed_page_by_page_up_to_a_loop(tmp_path):
    """Feedback records add up over the tab's pages; a page linking to itself ends the walk
    (the listing is kept, never lost to the dupefilter)."""
    def feedback(n: int, count: int, next_href: str) -> bytes:
        items = "".join(f'<li class="fb"><span class="r">5/5</span><span class="d">2026-01-0{n}</span>'
                        f'<p>good {n}.{i}</p></li>' for i in range(count))
        return f'<html><ul>{items}</ul><a class="more" href="{next_href}">more</a></html>'.encode()

    asked: list[str] = []

    def respond(path: str, _: str) -> tuple:
        asked.append(path)
        if path == "/":
            return 200, b'<html><a class="t" href="/item/1/">Ketamine 1g</a></html>'
        if path == "/item/1/":
            return 200, b'<html><h1 class="t">Ketamine 1g</h1></html>'
        if path == "/item/1/feedback/":
            return 200, feedback(1, 2, "?p=2")
        if path == "/item/1/feedback/?p=2":
            return 200, feedback(2, 2, "?p=3")
        if path == "/item/1/feedback/?p=3":
            return 200, feedback(3, 1, "?p=3")  # the last page links to itself
        return 404, b"no"

    data = market([], listings={
        "links": "a.t::attr(href)", "id_from_url": r"/item/(?P<id>\d+)", "fetch_pages": "always",
        "fields": {"title": "h1.t::text"},
        "extra_pages": [{"path": "feedback/", "next_page": "a.more::attr(href)", "fields": {
            "feedback": {"container": "li.fb", "fields": {
                "rating": "span.r::text", "date": "span.d::text", "text": "p::text"}}}}],
    })
    data["listings"].pop("cards")
    with serve(respond) as url:
        data["mirrors"] = [url]
        result, store = crawl(tmp_path, data)
    assert result.returncode == 0, result.stderr[-2000:]
    assert asked.count("/item/1/feedback/?p=3") == 1
    assert store.count_feedback("toy", listing_id="1") == 5
    assert sorted(f.text for f in store.feedback("toy", listing_id="1")) == [
        "good 1.0", "good 1.1", "good 2.0", "good 2.1", "good 3.0"]
