"""The crash-safe frontier file (`crawler.frontier`): what a resumed crawl reads back."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
import scrapy

from crawler.frontier import FrontierError, SqliteFrontier, frontier_path, open_frontier, resume_problem
from crawler.items import PageCapture

T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)


class Walker(scrapy.Spider):
    name = "walker"

    def parse_listing(self, response, listing_id: str, card_page: PageCapture) -> None: ...

    def on_error(self, failure) -> None: ...


def listing_request(n: int, page: PageCapture) -> scrapy.Request:
    spider = Walker()
    return scrapy.Request(
        f"http://127.0.0.1:1/listing/{n}/", callback=spider.parse_listing, errback=spider.on_error,
        cb_kwargs={"listing_id": str(n), "card_page": page}, meta={"vigil_role": "listing"}, priority=3,
    )


def card_page() -> PageCapture:
    return PageCapture("http://127.0.0.1:1/c/1", 200, T0, b"<html>" + b"x" * 50_000, "text/html", "card")


def test_pending_requests_come_back_whole_with_the_pages_they_carry_kept_once(tmp_path):
    frontier = open_frontier(tmp_path, "m1", resume=False)
    page, spider = card_page(), Walker()
    assert frontier.add("fp1", "listing", listing_request(1, page), spider)
    assert frontier.add("fp2", "listing", listing_request(2, page), spider)
    assert not frontier.add("fp1", "listing", listing_request(1, page), spider)  # known: filtered
    frontier.done(["fp1"])
    frontier.close()

    again = SqliteFrontier(frontier_path(tmp_path, "m1"), "m1")
    [request] = list(again.pending(spider))
    assert request.url == "http://127.0.0.1:1/listing/2/" and request.priority == 3
    assert request.callback.__name__ == "parse_listing" and request.errback.__name__ == "on_error"
    assert request.meta["vigil_role"] == "listing"
    assert request.cb_kwargs["listing_id"] == "2"
    assert request.cb_kwargs["card_page"] == page
    assert again.urls("done") == [("listing", "http://127.0.0.1:1/listing/1/")]
    assert again.count("pending", "listing") == 1
    # the 50 kB category page is stored once however many requests carry it
    assert again.conn.execute("SELECT COUNT(*) FROM captures").fetchone()[0] == 1
    again.finish("shutdown")  # still resumable: the page stays
    assert again.conn.execute("SELECT COUNT(*) FROM captures").fetchone()[0] == 1
    again.done(["fp2"])
    again.finish("finished")  # the pass is over: nothing needs it
    assert again.conn.execute("SELECT COUNT(*) FROM captures").fetchone()[0] == 0
    again.close()


def test_a_normal_crawl_starts_a_fresh_frontier(tmp_path):
    frontier = open_frontier(tmp_path, "m1", resume=False)
    frontier.begin(1)
    frontier.add("fp1", "category", scrapy.Request("http://127.0.0.1:1/"), Walker())
    frontier.close()
    fresh = open_frontier(tmp_path, "m1", resume=False)
    assert fresh.runs == [] and fresh.count("pending") == 0
    fresh.close()


def test_what_can_be_resumed(tmp_path):
    assert "nothing to resume" in (resume_problem(tmp_path, "m1") or "")
    with pytest.raises(FrontierError, match="nothing to resume"):
        open_frontier(tmp_path, "m1", resume=True)

    frontier = open_frontier(tmp_path, "m1", resume=False)
    frontier.begin(7)
    frontier.add("fp1", "category", scrapy.Request("http://127.0.0.1:1/"), Walker())
    assert resume_problem(tmp_path, "m1") is None  # killed while running
    frontier.done([], [("L1", T0)])
    frontier.finish("shutdown")
    assert resume_problem(tmp_path, "m1") is None  # stopped early: one request left
    frontier.done(["fp1"])
    assert "run 7 finished its pass" in (resume_problem(tmp_path, "m1") or "")
    frontier.close()

    resumed = open_frontier(tmp_path, "m1", resume=False)
    resumed.close()
    frontier_path(tmp_path, "m1").write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        frontier_path(tmp_path, "m1").with_name(f"m1.sqlite3{suffix}").unlink(missing_ok=True)
    assert "cannot be read" in (resume_problem(tmp_path, "m1") or "")


def test_a_frontier_belongs_to_one_market(tmp_path):
    open_frontier(tmp_path, "m1", resume=False).close()
    with pytest.raises(ValueError, match="frontier of m1, not m2"):
        SqliteFrontier(frontier_path(tmp_path, "m1"), "m2")


def test_every_state_change_is_committed_when_it_returns(tmp_path):
    """What a killed process wrote is there for the next one: no buffering, no close needed."""
    frontier = open_frontier(tmp_path, "m1", resume=False)
    frontier.begin(3)
    frontier.add("fp1", "listing", listing_request(1, card_page()), Walker())
    reader = sqlite3.connect(frontier_path(tmp_path, "m1"))
    assert reader.execute("SELECT state FROM requests").fetchall() == [("pending",)]
    frontier.done(["fp1"], [("L1", T0)])
    assert reader.execute("SELECT state FROM requests").fetchall() == [("done",)]
    assert reader.execute("SELECT listing_id FROM listings").fetchall() == [("L1",)]
    reader.close()
    frontier.close()
