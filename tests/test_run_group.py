"""The run group of scale-out crawls on a real Redis: who opens, who joins, when each may stop."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import redis
from helpers import run_vigil

from pipelines import run_group
from pipelines.run_group import GroupError, Joined, RunGroup


@pytest.fixture
def server(redis_url: str):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def group(server, token: str, market: str = "m1") -> RunGroup:
    return RunGroup(server, market, token, ttl=120)


@pytest.mark.redis
def test_the_first_worker_opens_and_the_next_joins_its_run(server):
    first, second = group(server, "w1"), group(server, "w2")
    assert first.claim() is None
    first.opened(41)
    assert second.claim() == Joined(41, "w1")
    # another market is another group
    assert group(server, "w3", market="m2").claim() is None


@pytest.mark.redis
def test_opening_clears_what_a_previous_run_left(server):
    for name in ("requests", "dupefilter", "workers", "stats"):
        server.set(f"vigil:m1:{name}", "left over")
    opener = group(server, "w1")
    assert opener.claim() is None
    opener.opened(7)
    assert server.get("vigil:m1:requests") is None and server.get("vigil:m1:dupefilter") is None
    assert set(server.hkeys("vigil:m1:workers")) == {b"w1"}


@pytest.mark.redis
def test_a_joiner_waits_for_an_opening_run_and_gives_up_on_one_that_never_opens(server, monkeypatch):
    server.set("vigil:m1:group", json.dumps({"state": "opening", "opener": "w1"}))
    monkeypatch.setattr(run_group, "OPENING_WAIT", 0.5)
    with pytest.raises(GroupError, match="opening the crawl"):
        group(server, "w2").claim()


@pytest.mark.redis
def test_idle_workers_wait_while_another_works_then_joiners_leave_and_the_opener_closes_last(server):
    opener, joiner = group(server, "w1"), group(server, "w2")
    opener.claim()
    opener.opened(3)
    joiner.claim()
    joiner.beat("busy")
    assert opener.on_idle(opener=True) == ("wait", [])  # the joiner may still queue pages
    joiner.beat("busy")
    opener.beat("busy")
    assert joiner.on_idle(opener=False) == ("wait", [])  # and so may the opener
    opener.on_idle(opener=True)
    assert joiner.on_idle(opener=False) == ("leave", [])
    assert opener.on_idle(opener=True) == ("wait", [])  # the joiner has not left yet
    joiner.leave({"response_received_count": 5, "vigil/listings/new": 4, "vigil/mirror": "x",
                  "finish_time": 1.5})
    assert opener.on_idle(opener=True) == ("close", [])
    assert opener.take_stats() == {"response_received_count": 5, "vigil/listings/new": 4,
                                   "vigil/workers/joined": 1}
    assert opener.take_stats() == {}  # merged once
    opener.close()
    assert not server.keys("vigil:m1:*")


@pytest.mark.redis
def test_a_silent_worker_is_taken_for_dead(server):
    opener = group(server, "w1")
    opener.claim()
    opener.opened(3)
    stale = json.dumps({"state": "busy", "at": time.time() - run_group.WORKER_STALE_AFTER - 1})
    server.hset("vigil:m1:workers", "w9", stale)
    assert opener.on_idle(opener=True) == ("close", ["w9"])
    assert server.hget("vigil:m1:workers", "w9") is None


def test_a_redis_that_does_not_answer_stops_the_crawl_before_any_request(tmp_path: Path):
    result = run_vigil(
        "crawl", "rc-labor", "--mirror", "rc-labor=http://127.0.0.1:9", "--data-dir", str(tmp_path),
        env={"VIGIL_SCHEDULER": "redis", "VIGIL_REDIS_URL": "redis://:s3cret@127.0.0.1:9/0"},
    )
    assert result.returncode == 1, result.stderr
    assert "the Redis at redis://127.0.0.1:9/0" in result.stderr and "nothing was fetched" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
