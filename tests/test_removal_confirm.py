"""A disappearance is confirmed over N consecutive complete runs before a listing is removed
(`Store.mark_removed(..., confirm_runs=N)`), on every index backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from stores import BACKENDS, open_backend
from test_store import T0, listing

from index.records import CrawlRun


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    yield from open_backend(request, request.param, tmp_path)


def crawl(store, day: int, seen: str, status: str = "ok", confirm_runs: int = 2) -> list[str]:
    """One run of market m1 on `day` that sees the listings named in `seen`; an ok run
    decides removals as the crawl run extension does, then is finished."""
    at = T0 + timedelta(days=day)
    run = store.start_run(CrawlRun(market="m1", started_at=at))
    for listing_id in seen:
        store.record_listing(listing(listing_id, f"t{listing_id}", seen=at), run.id)
    store.flush()
    removed = store.mark_removed("m1", run.id, at, confirm_runs=confirm_runs) if status == "ok" else []
    run.status, run.finished_at = status, at
    store.finish_run(run)
    store.flush()
    return removed


def test_a_vanished_listing_is_removed_by_the_second_complete_run_that_misses_it(store):
    assert crawl(store, 1, "123") == []
    assert crawl(store, 2, "12") == []  # one complete run without 3: still active
    assert store.get_listing("m1", "3").status == "active"
    assert crawl(store, 3, "1") == ["3"]  # 2 has been missed once only
    assert [store.get_listing("m1", i).status for i in "123"] == ["active", "active", "removed"]
    gone = store.get_listing("m1", "3")
    assert gone.last_seen == T0 + timedelta(days=1)  # its last sighting is kept
    assert [o.change for o in store.observations("m1", "3")] == ["new", "removed"]
    assert crawl(store, 4, "1") == ["2"]


def test_runs_that_are_not_ok_neither_count_nor_break_the_confirmation(store):
    crawl(store, 1, "12")
    crawl(store, 2, "1")  # ok, misses 2
    crawl(store, 3, "", status="partial")  # decides nothing, and does not count
    crawl(store, 4, "", status="failed")
    assert store.get_listing("m1", "2").status == "active"
    assert crawl(store, 5, "1") == ["2"]


def test_a_listing_seen_again_starts_the_count_afresh(store):
    crawl(store, 1, "12")
    crawl(store, 2, "1")  # misses 2 once
    crawl(store, 3, "12", status="partial")  # a partial run saw it: it is still there
    assert crawl(store, 4, "1") == []
    assert crawl(store, 5, "1") == ["2"]


def test_the_first_complete_run_of_a_market_removes_nothing_with_confirmation(store):
    crawl(store, 1, "12", status="partial")
    assert crawl(store, 2, "1") == []
    assert store.get_listing("m1", "2").status == "active"


def test_one_run_confirms_when_so_configured(store):
    crawl(store, 1, "12", confirm_runs=1)
    assert crawl(store, 2, "1", confirm_runs=1) == ["2"]


def test_three_runs_confirm_when_so_configured(store):
    crawl(store, 1, "12", confirm_runs=3)
    assert crawl(store, 2, "1", confirm_runs=3) == []
    assert crawl(store, 3, "1", confirm_runs=3) == []
    assert crawl(store, 4, "1", confirm_runs=3) == ["2"]
