"""`vigil index init | status | sync | migrate` on real Elasticsearch and OpenSearch nodes:
a unit grows from its SQLite index into a cluster without losing or doubling a record, and a
mapping migration moves every document to a new versioned index while searches go on."""

from __future__ import annotations

import json
import socket
import threading
from contextlib import closing
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import run_vigil
from stores import cluster_config, drop_indices
from test_store import T0, listing

from index.elastic.client import ClusterConfig
from index.elastic.mapping import MAPPINGS
from index.elastic.store import ElasticStore
from index.query import ListingQuery
from index.records import CrawlRun, Evidence, Price, Vendor
from index.sqlite import SqliteStore

pytestmark = pytest.mark.elasticsearch

PRODUCTS = ["elasticsearch", "opensearch"]
CARD, PAGE = "c" * 64, "d" * 64


@pytest.fixture(params=PRODUCTS)
def cluster(request, tmp_path):
    config = cluster_config(request, request.param)
    env = {
        "VIGIL_STORE": request.param,
        "VIGIL_ES_URL": config.hosts[0],
        "VIGIL_ES_INDEX_PREFIX": config.index_prefix,
        "VIGIL_ES_REPLICAS": "0",
        "VIGIL_DATA_DIR": str(tmp_path / "cluster-data"),
        "VIGIL_SECRETS_FILE": "/nonexistent",
    }
    yield config, env
    drop_indices(config)


def reader(config: ClusterConfig, folder: Path) -> ElasticStore:
    return ElasticStore(config, folder / "reader-spool", readonly=True)


def fill_sqlite(folder: Path) -> None:
    """Two markets, two runs on one of them (a price change and a removal), a vendor, and
    preserved pages cited by a listing, its observation and the vendor."""
    store = SqliteStore(folder / "vigil.sqlite3")
    try:
        store.add_evidence(Evidence(CARD, "http://m1/card", T0, 200, 10, "text/html"))
        store.add_evidence(Evidence(PAGE, "http://m1/page", T0, 200, 10, "text/html"))
        first = store.start_run(CrawlRun(market="m1", started_at=T0)).id
        rows = [
            listing(
                "1",
                "Ketamine crystal 5g",
                substances=[("ketamine", "dissociative")],
                eur="50",
                ships_from=["NL"],
                vendor="DutchDirect",
            ),
            listing("2", "3-MMC 10g", substances=[("3-MMC", "cathinone")], eur="40", vendor="DutchDirect"),
            listing("3", "Fake Rolex watch", eur="120"),
        ]
        for row in rows:
            store.record_listing(
                row, first, [(CARD, "card"), (PAGE, "listing")] if row.listing_id == "1" else ()
            )
        store.write_vendor(Vendor("m1", "DutchDirect", first_seen=T0, last_seen=T0), [(PAGE, "vendor")])
        store.finish_run(replace(store.get_run(first), status="ok", finished_at=T0))
        later = T0 + timedelta(days=7)
        second = store.start_run(CrawlRun(market="m1", started_at=later)).id
        cheaper = replace(
            rows[0],
            price=Price(Decimal("45"), "EUR", Decimal("45")),
            content_hash="cheaper",
            first_seen=later,
            last_seen=later,
        )
        store.record_listing(cheaper, second)
        store.record_listing(replace(rows[1], first_seen=later, last_seen=later), second)
        store.mark_removed("m1", second, later)
        store.finish_run(replace(store.get_run(second), status="ok", finished_at=later))
        other = store.start_run(CrawlRun(market="m2", started_at=T0)).id
        store.record_listing(
            listing("9", "Ketamin 1g", market="m2", substances=[("ketamine", "dissociative")], eur="12"),
            other,
        )
        store.finish_run(replace(store.get_run(other), status="ok", finished_at=T0))
    finally:
        store.close()


def snapshot(store) -> dict:
    """Everything an investigator reads, in a form two backends can be compared by."""
    hits = store.search(ListingQuery(text="", limit=100, sort="price"))
    # Observation ids are the backend's own (a row id, a document id): compare by position.
    observation_keys = {
        str(o.id): f"{m}/{i}#{n}"
        for m, i in (("m1", "1"), ("m1", "2"), ("m1", "3"), ("m2", "9"))
        for n, o in enumerate(store.observations(m, i))
    }
    return {
        "listings": [
            (h.listing.market, h.listing.listing_id, h.listing.status, str(h.listing.price.amount))
            for h in hits.hits
        ],
        "observations": {
            (m, i): [(o.change, str(o.price.amount) if o.price else None) for o in store.observations(m, i)]
            for m, i in (("m1", "1"), ("m1", "2"), ("m1", "3"), ("m2", "9"))
        },
        "counts": (
            store.count_listings(),
            store.count_observations(),
            store.count_listings(status="removed"),
        ),
        "vendors": sorted((v.market, v.alias, v.first_seen) for v in store.vendors()),
        "runs": sorted((r.id, r.market, r.status) for r in store.runs(limit=100)),
        "links": sorted(
            (x.record, x.market, observation_keys[x.key] if x.record == "observation" else x.key, x.role)
            for x in store.evidence_links(PAGE)
        ),
        "ketamine": sorted(
            h.listing.listing_id for h in store.search(ListingQuery(text="ketamine", limit=100)).hits
        ),
    }


def test_init_is_idempotent_and_status_reports_each_index_and_an_empty_spool(cluster):
    config, env = cluster
    for _ in range(2):
        result = run_vigil("index", "init", "--json", env=env)
        assert result.returncode == 0, result.stderr
    result = run_vigil("index", "status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["health"] in ("green", "yellow") and status["spool"]["backlog"] == 0
    assert {"listings", "observations", "vendors", "runs", "links"} <= set(status["indices"])
    for info in status["indices"].values():
        assert (
            info["index"].startswith(config.index_prefix + "-") and info["version"] == info["wanted_version"]
        )
        assert info["documents"] is not None


def test_status_of_an_unreachable_cluster_exits_1_and_says_so(cluster):
    _, env = cluster
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    env = {**env, "VIGIL_ES_URL": f"http://127.0.0.1:{free}", "VIGIL_ES_TIMEOUT": "2"}
    result = run_vigil("index", "status", "--json", env=env)
    assert result.returncode == 1
    assert json.loads(result.stdout)["health"] == "unreachable"


def test_sync_copies_a_sqlite_index_whole_and_repeating_it_doubles_nothing(cluster, tmp_path):
    config, env = cluster
    source = tmp_path / "embedded"
    source.mkdir()
    fill_sqlite(source)
    embedded = SqliteStore(source / "vigil.sqlite3", readonly=True)
    expected = snapshot(embedded)
    embedded.close()
    assert expected["counts"] == (4, 6, 1)  # 4 listings; 4 new + 1 changed + 1 removed; 1 removed

    for _ in range(2):
        result = run_vigil("index", "sync", "--from", str(source), env=env)
        assert result.returncode == 0, result.stderr
        with closing(reader(config, tmp_path)) as store:
            assert snapshot(store) == expected

    # The cluster's run counter continues after the imported runs: no id is reused.
    with closing(ElasticStore(config, tmp_path / "writer-spool")) as writer:
        assert writer.start_run(CrawlRun(market="m1", started_at=T0)).id > max(r[0] for r in expected["runs"])


def test_migrate_moves_every_index_to_a_new_version_while_searches_go_on(cluster, tmp_path):
    config, env = cluster
    source = tmp_path / "embedded"
    source.mkdir()
    fill_sqlite(source)
    assert run_vigil("index", "sync", "--from", str(source), env=env).returncode == 0
    store = reader(config, tmp_path)
    before = snapshot(store)

    current = run_vigil("index", "migrate", env=env)
    assert current.returncode == 0 and "every index is current" in current.stdout

    stop, seen = threading.Event(), []

    def search_meanwhile() -> None:
        while not stop.is_set():
            try:
                seen.append(store.count_listings())
            except Exception as exc:  # a missing alias mid-swap must fail the test, not the thread
                seen.append(repr(exc))

    searcher = threading.Thread(target=search_meanwhile)
    searcher.start()
    try:
        moved = run_vigil("index", "migrate", "--force", env=env)
    finally:
        stop.set()
        searcher.join()
    assert moved.returncode == 0, moved.stderr
    assert seen and set(seen) == {4}  # never an empty or half-copied index behind the alias

    status = json.loads(run_vigil("index", "status", "--json", env=env).stdout)
    for name, info in status["indices"].items():
        version = MAPPINGS[name][0]  # the version a new index gets; --force moves it one up
        assert info["index"] == f"{config.index_prefix}-{name}-v{version + 1}", name
        assert f"{name}: {config.index_prefix}-{name}-v{version} -> {info['index']}" in moved.stdout
    try:
        assert snapshot(store) == before
    finally:
        store.close()

    # New writes land behind the moved aliases.
    with closing(ElasticStore(config, tmp_path / "writer-spool")) as writer:
        run = writer.start_run(CrawlRun(market="m3", started_at=T0)).id
        writer.record_listing(listing("7", "Mephedrone 5g", market="m3"), run)
        writer.flush()
        assert writer.get_listing("m3", "7").title == "Mephedrone 5g"
        assert writer.count_listings() == 5
