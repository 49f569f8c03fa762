"""An outage of the cluster loses nothing: a crawl whose node goes down part-way finishes into
the local spool, and a replay (even one killed with SIGKILL half-way) brings the index to the
simulator's ground truth, with no duplicates."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

import pytest
from helpers import ROOT, run_vigil

from demo import DEMO_CREDENTIALS, World, day_date
from demo.server import start
from index.elastic.client import ClusterConfig
from index.elastic.store import ElasticStore
from index.spool import Spool
from pipelines.normalize import clean_text
from vigil.demo_run import demo_login

pytestmark = pytest.mark.elasticsearch

SEED, LISTINGS, MARKET = 5, 240, "nightowl"
PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.evidence.EvidencePipeline": 200,
    "pipelines.normalize.NormalizePipeline": 300,
    "pipelines.enrich.EnrichPipeline": 400,
    "faults.StopNodeAfter": 450,
    "pipelines.versioning.VersioningPipeline": 500,
}


@pytest.fixture(scope="module")
def market() -> Iterator[tuple[World, str, str]]:
    world = World(seed=SEED, listings=LISTINGS, day=1, interstitial_rate=0.0)
    handle = start(world, host="127.0.0.1")
    try:
        url = handle.urls[MARKET]
        yield world, url, demo_login(url, DEMO_CREDENTIALS, "owl_session")
    finally:
        handle.stop()


class Outage:
    """One crawl into its own indices on the restartable node, and the commands around it."""

    def __init__(self, node, market: tuple[World, str, str], tmp_path: Path) -> None:
        self.node, (self.world, self.url, self.cookie) = node, market
        self.data_dir = tmp_path / "data"
        self.prefix = f"fault{uuid.uuid4().hex[:8]}"
        self.env = {
            "VIGIL_STORE": "elasticsearch",
            "VIGIL_ES_URL": node.url,
            "VIGIL_ES_INDEX_PREFIX": self.prefix,
            "VIGIL_ES_REPLICAS": "0",
            "VIGIL_DATA_DIR": str(self.data_dir),
            "VIGIL_CLOCK": datetime.combine(day_date(1), clock_time(12), tzinfo=UTC).isoformat(),
            "VIGIL_SESSION_NIGHTOWL": self.cookie,
            "VIGIL_SECRETS_FILE": "/nonexistent",
            "PYTHONPATH": str(ROOT / "tests"),
        }

    def crawl_stopping_the_node_after(self, items: int):
        return run_vigil(
            "crawl", MARKET, "--mirror", f"{MARKET}={self.url}",
            "--set", f"ITEM_PIPELINES={json.dumps(PIPELINES)}",
            "--set", f"FAULT_NODE_PGID={self.node.pid}",
            "--set", f"FAULT_NODE_PORT={self.node.port}",
            "--set", f"FAULT_STOP_AFTER={items}",
            env=self.env,
        )

    def restart_node(self) -> None:
        self.node.stop()  # reaps what the outage left
        self.node.start()

    def spool_backlog(self) -> int:
        spool = Spool(self.data_dir / "spool" / self.prefix)
        try:
            return spool.backlog()
        finally:
            spool.close()

    def store(self) -> ElasticStore:
        config = ClusterConfig(product="elasticsearch", hosts=(self.node.url,), index_prefix=self.prefix)
        return ElasticStore(config, self.data_dir / "spool-reader", readonly=True)


def assert_index_equals_truth(outage: Outage) -> None:
    truth = outage.world.truth()[MARKET].listings
    store = outage.store()
    try:
        store.flush()
        assert store.count_listings(MARKET) == len(truth)
        assert store.count_observations(MARKET) == len(truth)  # one "new" each, none twice
        for listing_id, expected in truth.items():
            got = store.get_listing(MARKET, listing_id)
            assert got is not None, listing_id
            assert got.title == clean_text(expected.title)
            assert [o.change for o in store.observations(MARKET, listing_id)] == ["new"]
        run = store.runs(MARKET)[0]
        assert run.status == "partial" and run.stats["vigil/store/spooled"] > 0
        assert {v.alias for v in store.vendors(MARKET)} == {t.vendor for t in truth.values()}
    finally:
        store.close()


def test_a_crawl_whose_node_stops_finishes_into_the_spool_and_a_replay_completes_it(
    restartable_es, market, tmp_path
):
    outage = Outage(restartable_es, market, tmp_path)
    result = outage.crawl_stopping_the_node_after(25)
    assert result.returncode == 4, result.stderr[-3000:]  # partial
    assert "writes wait in the spool" in result.stdout
    backlog = outage.spool_backlog()
    assert backlog > 0

    outage.restart_node()
    status = run_vigil("index", "status", "--json", env=outage.env)
    assert status.returncode == 1, status.stderr[-3000:]  # writes wait in the spool
    assert json.loads(status.stdout)["spool"]["backlog"] == backlog
    replay = run_vigil("index", "replay", env=outage.env)
    assert replay.returncode == 0, replay.stderr[-3000:]
    assert outage.spool_backlog() == 0
    assert_index_equals_truth(outage)
    # the next replay finds nothing to do and changes nothing
    assert run_vigil("index", "replay", env=outage.env).returncode == 0
    assert_index_equals_truth(outage)


def test_a_replay_killed_half_way_is_completed_by_the_next_one(restartable_es, market, tmp_path):
    outage = Outage(restartable_es, market, tmp_path)
    assert outage.crawl_stopping_the_node_after(2).returncode == 4
    outage.restart_node()
    replay = subprocess.Popen(
        [sys.executable, "-m", "vigil", "index", "replay"], cwd=ROOT,
        env={**os.environ, **outage.env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    store = outage.store()
    try:
        deadline = time.monotonic() + 120
        while store.count_listings(MARKET) <= 2 and time.monotonic() < deadline:
            store.client.indices.refresh(index=f"{outage.prefix}-listings")
        replay.send_signal(signal.SIGKILL)
        replay.wait()
        store.client.indices.refresh(index=f"{outage.prefix}-listings")
        half = store.count_listings(MARKET)
    finally:
        store.close()
    assert 2 < half < len(outage.world.truth()[MARKET].listings), "the kill did not land mid-replay"
    assert outage.spool_backlog() > 0

    again = run_vigil("index", "replay", env=outage.env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert outage.spool_backlog() == 0
    assert_index_equals_truth(outage)
