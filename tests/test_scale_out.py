"""Scale-out (`scheduler: redis`): two worker processes crawl one market through one frontier
in a real Redis, against the simulator over real HTTP. Every listing is collected once, no URL
is fetched twice, and the result equals a single worker's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock_time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from helpers import ROOT
from stores import BACKENDS, cluster_config, drop_indices

from demo import World, day_date
from demo.server import Request, Response, _handler, make_app
from index.elastic.client import ClusterConfig
from index.elastic.store import ElasticStore
from index.query import ListingQuery
from index.sqlite import SqliteStore

pytestmark = pytest.mark.redis

MARKET = "rc-labor"
LISTINGS = 160


class GatedApp:
    """The market, counting every request; beyond the start page it answers only once the
    gate opens (both workers are in), then a little slowly, so that the work is shared."""

    def __init__(self, app, gate: threading.Event) -> None:
        self.app = app
        self.gate = gate
        self.paths: list[str] = []
        self.lock = threading.Lock()

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.paths.append(request.raw_path)
        if request.path.rstrip("/") != "/shop":
            self.gate.wait(timeout=300)
            time.sleep(0.02)
        return self.app.handle(request)


@pytest.fixture(scope="module")
def market() -> Iterator[tuple[str, GatedApp, World]]:
    world = World(seed=23, listings=LISTINGS, day=1, interstitial_rate=0.0)
    app = GatedApp(make_app(MARKET, world), threading.Event())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(app))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", app, world
    finally:
        server.shutdown()
        server.server_close()


def crawl(url: str, data_dir: Path, **env: str) -> subprocess.Popen:
    full_env = {
        **os.environ,
        "VIGIL_PROGRESS_INTERVAL": "0",
        "VIGIL_NO_POLITENESS": "1",
        "VIGIL_SECRETS_FILE": "/nonexistent",
        "VIGIL_CLOCK": datetime.combine(day_date(1), clock_time(12), tzinfo=UTC).isoformat(),
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "vigil", "crawl", MARKET, "--mirror", f"{MARKET}={url}",
         "--data-dir", str(data_dir), "--set", "CONCURRENT_REQUESTS=4"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env, cwd=ROOT,
    )


@dataclass
class Index:
    """Where the workers write: the embedded SQLite file, or a real Elasticsearch node."""

    env: dict[str, str]
    cluster: ClusterConfig | None = None

    def open(self, data_dir: Path):
        if self.cluster is None:
            return SqliteStore(data_dir / "vigil.sqlite3")
        return ElasticStore(self.cluster, data_dir / "spool", readonly=True)


@pytest.fixture(scope="module", params=BACKENDS[:2])
def index(request) -> Iterator[Index]:
    if request.param == "sqlite":
        yield Index({})
        return
    config = cluster_config(request, request.param)
    env = {"VIGIL_STORE": "elasticsearch", "VIGIL_ES_URL": config.hosts[0],
           "VIGIL_ES_INDEX_PREFIX": config.index_prefix, "VIGIL_ES_REPLICAS": "0"}
    yield Index(env, config)
    drop_indices(config)


def listings(index: Index, data_dir: Path) -> dict[str, tuple]:
    store = index.open(data_dir)
    try:
        result = store.search(ListingQuery(markets=(MARKET,), limit=1000))
        return {
            h.listing.listing_id: (
                h.listing.title, h.listing.vendor, h.listing.price and h.listing.price.amount,
                tuple(s["name"] for s in h.listing.extraction.get("substances", [])),
            )
            for h in result.hits
        }
    finally:
        store.close()


def both_busy(server) -> bool:
    lines = [json.loads(v) for v in server.hgetall(f"vigil:{MARKET}:workers").values()]
    return len(lines) >= 2 and all(line["state"] == "busy" for line in lines)


@pytest.fixture(scope="module")
def two_workers(market, index: Index, redis_url: str, tmp_path_factory) -> dict:
    url, app, world = market
    data_dir = tmp_path_factory.mktemp("shared")
    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    app.gate.clear()
    app.paths.clear()
    workers = [crawl(url, data_dir, VIGIL_SCHEDULER="redis", VIGIL_REDIS_URL=redis_url, **index.env)
               for _ in range(2)]
    # the gate opens once both workers hold requests (a worker that joined while the queue was
    # still empty takes its first one at Scrapy's next 5-second heartbeat; opened at once, the
    # gate let the first worker finish the market in a second)
    deadline = time.monotonic() + 300
    while not both_busy(server) and time.monotonic() < deadline:
        if any(w.poll() is not None for w in workers):
            break
        time.sleep(0.05)
    app.gate.set()
    outputs = [w.communicate(timeout=300) for w in workers]
    return {"data_dir": data_dir, "index": index, "outputs": outputs,
            "codes": [w.returncode for w in workers], "paths": list(app.paths), "world": world,
            "redis": server}


def test_both_workers_finish_ok(two_workers):
    for code, (out, err) in zip(two_workers["codes"], two_workers["outputs"], strict=True):
        assert code == 0, out + err[-3000:]


def test_every_listing_is_collected_once_and_no_url_is_fetched_twice(two_workers):
    world = two_workers["world"]
    truth = set(world.truth(MARKET)[MARKET].listings)
    assert set(listings(two_workers["index"], two_workers["data_dir"])) == truth
    fetched = Counter(p for p in two_workers["paths"])
    assert fetched and max(fetched.values()) == 1, fetched.most_common(3)
    listing_pages = [p for p in fetched if re.search(r"/(produkt|product|item|listing)/", p)]
    assert len(listing_pages) >= len(truth)


def test_the_work_was_shared_and_the_run_is_one(two_workers):
    pages = []
    for out, _ in two_workers["outputs"]:
        found = re.search(rf"^{MARKET}\s+ok\s+(\d+)", out, re.M)
        assert found, [o for o, _ in two_workers["outputs"]]
        pages.append(int(found.group(1)))
    assert all(p > 0 for p in pages), pages
    store = two_workers["index"].open(two_workers["data_dir"])
    try:
        runs = store.runs(MARKET)
    finally:
        store.close()
    assert [r.status for r in runs] == ["ok"], [r.stats for r in runs]
    stats = runs[0].stats
    assert stats["vigil/workers/joined"] == 1
    assert not stats.get("vigil/health/alerts"), stats.get("vigil/health/alerts")
    # the run's record (and the opener's summary) counts both workers' pages: every page the
    # server answered; the joiner's summary counts its own
    joiner, opener = sorted(pages)
    assert stats["response_received_count"] == opener == len(two_workers["paths"])
    assert 0 < joiner < opener, (pages, stats)
    # the frontier is cleared for the next run (its category pages are fetched again)
    assert not two_workers["redis"].keys(f"vigil:{MARKET}:*")


def test_the_result_equals_a_single_workers(two_workers, market, tmp_path):
    url, app, _ = market
    app.gate.set()
    single = crawl(url, tmp_path)  # the local frontier, into its own SQLite index
    out, err = single.communicate(timeout=300)
    assert single.returncode == 0, out + err[-3000:]
    assert listings(Index({}), tmp_path) == listings(two_workers["index"], two_workers["data_dir"])
