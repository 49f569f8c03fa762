"""Crash and resume (issue 14): a crawl killed with SIGKILL at a random point and resumed with
`vigil crawl M --resume` ends with exactly the simulator's listings, none lost, none twice.

Real processes against the simulator's HTTP server: each kill point crawls a fresh data dir,
kills the crawl once it has stored k listings (k drawn by a seeded RNG, spread over the crawl),
resumes it, and checks the store against the simulator's own truth, the run records, and what
the server was asked (a page the killed crawl had finished is never fetched again).
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

import pytest
from helpers import ROOT, run_vigil
from stores import cluster_config, drop_indices

from crawler.frontier import SqliteFrontier, frontier_path
from demo import DEMO_CREDENTIALS, World, day_date
from demo.server import Handle, start
from index.elastic.store import ElasticStore
from index.records import CrawlRun
from index.sqlite import SqliteStore
from index.store import Store
from pipelines.normalize import clean_text
from vigil.demo_run import demo_login

SEED = 14
MARKET = "nightowl"  # category pages, listing pages with two tabs each, vendor pages
LISTINGS = 60
KILL_POINTS = 5
LISTING_PAGE = re.compile(r"^/listing/\d+/$")


@dataclass
class Sim:
    world: World
    handle: Handle
    cookie: str

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "VIGIL_PROGRESS_INTERVAL": "0",
            "VIGIL_NO_POLITENESS": "1",
            "VIGIL_CLOCK": datetime.combine(day_date(1), clock_time(12), tzinfo=UTC).isoformat(),
            "VIGIL_SESSION_NIGHTOWL": self.cookie,
            "VIGIL_SECRETS_FILE": "/nonexistent",
        }

    def args(self, data_dir: Path, *extra: str) -> list[str]:
        return ["crawl", MARKET, "--mirror", f"{MARKET}={self.handle.urls[MARKET]}",
                "--data-dir", str(data_dir), *extra]


@pytest.fixture(scope="module")
def sim() -> Iterator[Sim]:
    world = World(seed=SEED, listings=LISTINGS, day=1, interstitial_rate=0.0)
    handle = start(world, host="127.0.0.1")
    try:
        yield Sim(world, handle, demo_login(handle.urls[MARKET], DEMO_CREDENTIALS, "owl_session"))
    finally:
        handle.stop()


def kill_points() -> list[int]:
    """k stored listings to kill at: one drawn in each of KILL_POINTS slices of the crawl."""
    rng = random.Random(SEED)
    low, high = 3, LISTINGS - 8  # the crawl must still be running when k is reached
    width = (high - low) / KILL_POINTS
    return [rng.randint(int(low + i * width), int(low + (i + 1) * width) - 1) for i in range(KILL_POINTS)]


def stored_listings(data_dir: Path) -> int:
    """Listings the crawl has stored, as its frontier records them (after the store's write)."""
    try:
        conn = sqlite3.connect(f"file:{frontier_path(data_dir, MARKET)}?mode=ro", uri=True, timeout=0.2)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM listings").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created yet


def crawl_and_kill(
    sim: Sim, data_dir: Path, k: int, env: dict[str, str], *, reap: bool, extra: tuple[str, ...] = ()
) -> subprocess.Popen:
    """Start `vigil crawl` and SIGKILL it once it has stored at least k listings. Unless
    `reap`, the dead process is left a zombie (its parent has not waited for it yet): its pid
    still answers `kill(pid, 0)`, as with a supervisor that reaps late."""
    log = data_dir.parent / "killed.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "vigil", *sim.args(data_dir, *extra)], env=env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=stderr,
        )
        deadline = time.monotonic() + 120
        try:
            while stored_listings(data_dir) < k:
                ended = process.poll() is not None
                assert not ended, f"the crawl ended before {k} listings: {log.read_text()[-2000:]}"
                assert time.monotonic() < deadline, "the crawl did not reach the kill point in time"
                time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
        finally:
            if reap:
                process.wait()
            else:  # dead, not reaped
                os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
    return process


@dataclass
class Resumed:
    killed_fetches: list[str]
    resumed_fetches: list[str]
    done_at_kill: set[str]  # URLs the frontier had marked done when the crawl was killed
    stored_at_kill: set[str]  # listing ids it had recorded as stored


def kill_and_resume(
    sim: Sim, data_dir: Path, k: int, env: dict[str, str], *, reap: bool = True, extra: tuple[str, ...] = ()
) -> Resumed:
    before = len(sim.handle.paths(MARKET))
    process = crawl_and_kill(sim, data_dir, k, env, reap=reap, extra=extra)
    killed_fetches = sim.handle.paths(MARKET)[before:]
    frontier = SqliteFrontier(frontier_path(data_dir, MARKET), MARKET)
    done_at_kill = {url.removeprefix(sim.handle.urls[MARKET]) for _, url in frontier.urls("done")}
    stored_at_kill = {listing_id for listing_id, _ in frontier.stored_listings()}
    frontier.close()
    assert done_at_kill and stored_at_kill

    mark = len(sim.handle.paths(MARKET))
    resumed = run_vigil(*sim.args(data_dir, *extra), "--resume", env=env)
    assert process.wait() == -signal.SIGKILL
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    return Resumed(killed_fetches, sim.handle.paths(MARKET)[mark:], done_at_kill, stored_at_kill)


def check_resumed(sim: Sim, store: Store, outcome: Resumed, k: int) -> tuple[CrawlRun, CrawlRun]:
    """The store holds exactly the simulator's listings, once each; the killed run failed and
    the resumed one is ok and linked to it; nothing finished before the kill was fetched again.
    Returns the killed and the resumed run."""
    # exactly the simulator's listings, with the fields that matter
    truth = sim.world.truth()[MARKET].listings
    assert store.count_listings(MARKET) == len(truth)
    assert store.count_listings(MARKET, status="active") == len(truth)
    for listing_id, expected in truth.items():
        got = store.get_listing(MARKET, listing_id)
        assert got is not None, f"listing {listing_id} lost"
        assert got.title == clean_text(expected.title)
        assert got.vendor == expected.vendor
        assert got.price is not None and got.price.amount == expected.price
        assert got.price.currency == expected.currency
        assert len(got.evidence) == 4  # card, listing page and its two tabs
    # one observation per listing (all new on day 1): none written twice
    assert store.count_observations(MARKET) == len(truth)
    for listing_id in truth:
        assert len(store.observations(MARKET, listing_id)) == 1, listing_id

    # the killed run closed as failed, the resumed one ok and linked to it
    runs = {run.id: run for run in store.runs(MARKET)}
    assert len(runs) == 2
    killed, resumed = runs[min(runs)], runs[max(runs)]  # type: ignore[type-var]
    assert killed.status == "failed" and killed.stats.get("close_reason") == "stale_lock"
    assert resumed.status == "ok", resumed.stats
    assert resumed.stats["vigil/resumed_from"] == killed.id
    assert resumed.stats["vigil/resume/listings_adopted"] == len(outcome.stored_at_kill)
    assert resumed.stats.get("vigil/listings/removed", 0) == 0

    # nothing the killed crawl finished is fetched again; the rest exactly once
    again = set(outcome.resumed_fetches) & outcome.done_at_kill
    assert not again, f"fetched again though done before the kill: {sorted(again)[:5]}"
    listing_pages = [p for p in outcome.resumed_fetches if LISTING_PAGE.match(p)]
    assert not [p for p, n in Counter(listing_pages).items() if n > 1]
    stored_pages = {f"/listing/{listing_id}/" for listing_id in outcome.stored_at_kill}
    assert not stored_pages & set(listing_pages), "a stored listing's page was fetched again"
    every_page = {p for p in [*outcome.killed_fetches, *outcome.resumed_fetches] if LISTING_PAGE.match(p)}
    assert every_page == {f"/listing/{listing_id}/" for listing_id in truth}
    refetched = len(set(listing_pages) & set(outcome.killed_fetches))
    print(f"k={k}: killed after {len(outcome.killed_fetches)} requests ({len(outcome.stored_at_kill)} "
          f"listings stored, {len(outcome.done_at_kill)} pages done); resumed with "
          f"{len(outcome.resumed_fetches)} requests, {refetched} listing pages in flight at the kill "
          "fetched again")
    return killed, resumed


@pytest.mark.parametrize("k", kill_points())
def test_a_crawl_killed_at_a_random_point_resumes_without_loss_or_duplicates(sim, tmp_path, k):
    data_dir = tmp_path / "data"
    first = k == kill_points()[0]
    outcome = kill_and_resume(sim, data_dir, k, sim.env(), reap=not first)
    store = SqliteStore(data_dir / "vigil.sqlite3", readonly=True)
    try:
        killed, resumed = check_resumed(sim, store, outcome, k)
    finally:
        store.close()
    if first:
        shown = run_vigil("runs", "--market", MARKET, "--data-dir", str(data_dir), env=sim.env())
        assert shown.returncode == 0, shown.stderr
        assert f"resumed from run {killed.id}" in shown.stdout
        finished = run_vigil(*sim.args(data_dir), "--resume", env=sim.env())
        assert finished.returncode == 2, finished.stderr[-2000:]
        assert f"run {resumed.id} finished its pass" in finished.stderr


@pytest.mark.elasticsearch
def test_a_crawl_into_elasticsearch_killed_and_resumed_loses_nothing(sim, tmp_path, request):
    """The cluster's writes are buffered: a page is marked done only after a flush, so the
    killed crawl's buffer (lost with it) holds nothing the frontier calls done."""
    config = cluster_config(request, "elasticsearch")
    env = {**sim.env(), "VIGIL_STORE": "elasticsearch", "VIGIL_ES_URL": config.hosts[0],
           "VIGIL_ES_INDEX_PREFIX": config.index_prefix, "VIGIL_ES_REPLICAS": "0"}
    k = random.Random(SEED + 1).randint(LISTINGS // 3, 2 * LISTINGS // 3)
    # one request at a time, 50 ms apart (about 10 s for the crawl): the stored listings show
    # in the frontier at each 2-second checkpoint, and a crawl at full speed finished before a
    # checkpoint showed k of them
    slow = ("--set", "CONCURRENT_REQUESTS=1", "--set", "DOWNLOAD_DELAY=0.05")
    outcome = kill_and_resume(sim, tmp_path / "data", k, env, extra=slow)
    store = ElasticStore(config, tmp_path / "spool", readonly=True)
    try:
        check_resumed(sim, store, outcome, k)
    finally:
        store.close()
        drop_indices(config)


def test_resume_with_nothing_to_resume_is_a_usage_error(sim, tmp_path):
    data_dir = tmp_path / "data"
    never = run_vigil(*sim.args(data_dir), "--resume", env=sim.env())
    assert never.returncode == 2, never.stderr[-2000:]
    assert "nothing to resume" in never.stderr
    assert not (data_dir / "vigil.sqlite3").exists()
