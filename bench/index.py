"""Index throughput and search latency on a real Elasticsearch node.

1. Documents per second through Vigil's indexer (`ElasticStore.write_listing`: documents built
   from listings, batched by the `BulkWriter`, retried, spool-ready) beside a raw
   `elasticsearch.helpers.bulk` of the same documents to the same node, in the same run.
   Also shown: the crawl's own path, `record_listing`, which first reads each listing's stored
   state to decide new / changed / unchanged.
2. Search latency (p50 / p95) of typical investigator queries at `--listings` listings
   (default 100,000) on SQLite and on Elasticsearch, side by side.

    .venv/bin/python bench/index.py [--docs 20000] [--listings 100000] [--es-url URL]

Without `--es-url` (or VIGIL_ES_URL) a dev node is started for the run and stopped after.
Machines here are noisy: compare the ratios, not the rates. The last line is
`ratio vigil/raw: X` (the aim is >= 0.8).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from elasticsearch import helpers  # noqa: E402

from index import open_store  # noqa: E402
from index.elastic import documents as docs  # noqa: E402
from index.elastic.client import ClusterConfig, connect  # noqa: E402
from index.elastic.mapping import alias  # noqa: E402
from index.query import ListingQuery  # noqa: E402
from index.records import CrawlRun, Listing, Observation, Price  # noqa: E402
from index.store import Store  # noqa: E402

SUBSTANCES = [
    ("ketamine", "dissociative"),
    ("mdma", "entactogen"),
    ("cocaine", "stimulant"),
    ("amphetamine", "stimulant"),
    ("methamphetamine", "stimulant"),
    ("3-mmc", "cathinone"),
    ("4-mmc", "cathinone"),
    ("alpha-pvp", "cathinone"),
    ("fentanyl", "opioid"),
    ("isotonitazene", "opioid"),
    ("protonitazene", "opioid"),
    ("hhc", "cannabinoid"),
    ("mdmb-4en-pinaca", "cannabinoid"),
    ("cannabis", "cannabinoid"),
    ("bmk glycidate", "precursor"),
]
FORMS = ["crystal", "powder", "pills", "rocks", "shards", "liquid", "blotters"]
WORDS = [
    "pure",
    "lab tested",
    "stealth",
    "fast shipping",
    "escrow",
    "bulk",
    "sample",
    "top quality",
    "reship",
    "tracked",
    "vacuum sealed",
    "discount",
    "new batch",
    "best price",
]
COUNTRIES = ["NL", "DE", "BE", "FR", "ES", "PL", "CZ", "IT", "GB", "US", "CN", "IN"]
MARKETS = ["nightowl", "swapbay", "rc-labor", "darkhub", "abyss"]
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def synthetic(n: int, seed: int = 3) -> Iterator[Listing]:
    """Listings shaped like the crawl's: a title, a description, a price, a vendor, countries
    and the extractor's substances."""
    rng = random.Random(seed)
    for i in range(n):
        name, klass = rng.choice(SUBSTANCES)
        grams = rng.choice([1, 2, 5, 10, 25, 50, 100, 250, 1000])
        eur = Decimal(rng.randint(5, 4000))
        seen = T0 + timedelta(hours=rng.randint(0, 24 * 180))
        title = f"{name.upper() if rng.random() < 0.3 else name.title()} {rng.choice(FORMS)} {grams}g"
        words = " ".join(rng.sample(WORDS, 5))
        yield Listing(
            market=rng.choice(MARKETS),
            listing_id=str(i),
            url=f"http://market.example/item/{i}",
            title=title,
            description=f"{title}. {words}. Ships from {rng.choice(COUNTRIES)} within 24h.",
            category=klass,
            vendor=f"vendor{rng.randint(1, 400)}",
            price=Price(eur, "EUR", eur),
            ships_from=[rng.choice(COUNTRIES)],
            ships_to=rng.sample(COUNTRIES, 3),
            extraction={
                "substances": [{"name": name, "class": klass, "text": name}],
                "quantities": [{"value": grams, "unit": "g"}],
            },
            content_hash=f"h{i}",
            first_seen=seen,
            last_seen=seen,
        )


def observation(listing: Listing, run_id: int) -> Observation:
    assert listing.last_seen is not None
    return Observation(listing.market, listing.listing_id, run_id, listing.last_seen, listing.price, True)


def timed(run: Callable[[], None]) -> float:
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


@dataclass(frozen=True)
class Where:
    """What `open_store` needs: a backend, a data folder (SQLite file, spool) and a cluster."""

    store: str
    data_dir: Path
    cluster: ClusterConfig


def cluster(url: str, prefix: str) -> ClusterConfig:
    return ClusterConfig(product="elasticsearch", hosts=(url,), index_prefix=prefix, replicas=0, timeout=120)


def elastic(url: str, prefix: str, scratch: Path) -> Store:
    return open_store(Where("elasticsearch", scratch / prefix, cluster(url, prefix)))


def drop(url: str, *prefixes: str) -> None:
    client = connect(cluster(url, "unused"))
    for prefix in prefixes:
        names = list(client.indices.get(index=f"{prefix}-*"))
        if names:
            client.indices.delete(index=",".join(names))
    client.close()


def documents(listing: Listing, run_id: int, prefix: str) -> list[dict[str, Any]]:
    """The documents a crawl writes for a new listing, as plain bulk actions."""

    def action(name: str, doc_id: str, source: dict[str, Any]) -> dict[str, Any]:
        return {"_op_type": "index", "_index": alias(prefix, name), "_id": doc_id, "_source": source}

    obs = observation(listing, run_id)
    return [
        action("listings", docs.doc_id(*listing.key), docs.listing_doc(listing, run_id)),
        action(
            "sightings",
            docs.doc_id(run_id, *listing.key),
            docs.sighting_doc(run_id, listing.last_seen, listing),
        ),
        action(
            "observations",
            docs.observation_id(listing.market, listing.listing_id, run_id),
            docs.observation_doc(obs, listing),
        ),
    ]


# --- 1. indexing throughput -----------------------------------------------------------------
def indexing(url: str, count: int, scratch: Path) -> float:
    listings = list(synthetic(count))
    vigil = elastic(url, "bench-vigil", scratch)
    raw = elastic(url, "bench-raw", scratch)  # same mapping, its own indices
    crawl = elastic(url, "bench-crawl", scratch)
    client = connect(cluster(url, "bench-raw"))
    try:
        run_id = vigil.start_run(CrawlRun(market="bench", started_at=T0)).id

        def through_vigil() -> None:
            for listing in listings:
                vigil.write_listing(listing, observation(listing, run_id), run_id)
            vigil.flush()

        actions = [a for listing in listings for a in documents(listing, run_id, "bench-raw")]

        def through_raw() -> None:
            helpers.bulk(client, actions, chunk_size=500, refresh=False)
            client.indices.refresh(index="bench-raw-*")

        # warm the node (shards, connections, JIT) on a slice first
        helpers.bulk(client, actions[:1500], chunk_size=500)
        raw_seconds = timed(through_raw)
        vigil_seconds = timed(through_vigil)
        crawl_run = crawl.start_run(CrawlRun(market="bench", started_at=T0)).id
        sample = listings[: min(len(listings), 5000)]

        def through_record() -> None:
            for listing in sample:
                crawl.record_listing(listing, crawl_run)
            crawl.flush()

        record_seconds = timed(through_record)
        raw.flush()
        assert vigil.count_listings() == raw.count_listings() == len({x.key for x in listings})
        n = len(actions)
        print(f"indexing {len(listings)} listings = {n} documents (listing, sighting, observation each)")
        print(f"{'path':<44} {'seconds':>8} {'docs/s':>9}")
        print(f"{'raw helpers.bulk (baseline)':<44} {raw_seconds:>8.2f} {n / raw_seconds:>9.0f}")
        print(
            f"{'vigil indexer (write_listing + BulkWriter)':<44} {vigil_seconds:>8.2f} "
            f"{n / vigil_seconds:>9.0f}"
        )
        print(
            f"{'crawl path (record_listing: reads, decides)':<44} {record_seconds:>8.2f} "
            f"{len(sample) * 3 / record_seconds:>9.0f}  ({len(sample)} listings)"
        )
        return raw_seconds / vigil_seconds
    finally:
        for store in (vigil, raw, crawl):
            store.close()
        client.close()
        drop(url, "bench-vigil", "bench-raw", "bench-crawl")


# --- 2. search latency ----------------------------------------------------------------------
QUERIES: dict[str, ListingQuery] = {
    "text 'ketamine'": ListingQuery(text="ketamine"),
    "text 'nitazene' (prefix of nothing)": ListingQuery(text="nitazene"),
    "text + market + active": ListingQuery(text="crystal stealth", markets=("nightowl",), status="active"),
    "substance, price range, sort price": ListingQuery(
        substances=("3-mmc",), price_min_eur=Decimal(20), price_max_eur=Decimal(500), sort="price"
    ),
    "class + ships from + last 30 days": ListingQuery(
        classes=("opioid",), ships_from=("NL",), since=T0 + timedelta(days=150)
    ),
    "vendor, newest first": ListingQuery(vendors=("vendor42",), sort="-last_seen"),
    "text, page 5": ListingQuery(text="powder", offset=80, limit=20),
}


def latencies(search: Callable[[ListingQuery], Any], query: ListingQuery, repeat: int) -> tuple[float, float]:
    search(query)  # warm
    times = sorted(timed(lambda: search(query)) * 1000 for _ in range(repeat))
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def search_latency(url: str, count: int, scratch: Path, repeat: int) -> None:
    sqlite = open_store(Where("sqlite", scratch / "sqlite", cluster(url, "unused")))
    es = elastic(url, "bench-search", scratch)
    try:
        run_id = sqlite.start_run(CrawlRun(market="bench", started_at=T0)).id
        es_run = es.start_run(CrawlRun(market="bench", started_at=T0)).id
        print(f"loading {count} listings into SQLite and Elasticsearch ...", file=sys.stderr)
        loads = {"sqlite": 0.0, "elasticsearch": 0.0}
        for listing in synthetic(count, seed=9):
            began = time.perf_counter()
            sqlite.write_listing(listing, observation(listing, run_id), run_id)
            middle = time.perf_counter()
            es.write_listing(listing, observation(listing, es_run), es_run)
            loads["sqlite"] += middle - began
            loads["elasticsearch"] += time.perf_counter() - middle
        loads["elasticsearch"] += timed(es.flush)
        print(
            f"loaded {count} listings: sqlite {count / loads['sqlite']:.0f}/s, "
            f"elasticsearch {count / loads['elasticsearch']:.0f}/s (one write_listing each)"
        )
        print(f"search latency at {count} listings, ms over {repeat} runs")
        print(f"{'query':<38} {'hits':>7} {'sqlite p50':>11} {'p95':>7} {'es p50':>8} {'p95':>7}")
        for name, query in QUERIES.items():
            hits = sqlite.search(query).total
            es_hits = es.search(query).total
            s50, s95 = latencies(sqlite.search, query, repeat)
            e50, e95 = latencies(es.search, query, repeat)
            mark = "" if hits == es_hits else f"  (es: {es_hits} hits)"
            print(f"{name:<38} {hits:>7} {s50:>11.1f} {s95:>7.1f} {e50:>8.1f} {e95:>7.1f}{mark}")
    finally:
        es.close()
        sqlite.close()
        drop(url, "bench-search")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000, help="listings for the indexing comparison")
    parser.add_argument("--listings", type=int, default=100_000, help="listings for the search latency")
    parser.add_argument("--repeat", type=int, default=40, help="runs of each query")
    parser.add_argument("--es-url", default=os.environ.get("VIGIL_ES_URL"), help="an Elasticsearch node")
    args = parser.parse_args()

    node = None
    url = args.es_url
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        if not url:
            from vigil.devnodes import DevNode

            print("starting an Elasticsearch dev node for the run ...", file=sys.stderr)
            workdir = Path(tempfile.mkdtemp(prefix="vigil-bench-es-"))
            workdir.chmod(0o755)  # as root the node runs as vigil-node, who must enter it
            node = DevNode("elasticsearch", workdir).start()
            url = node.url
        try:
            search_latency(url, args.listings, scratch, args.repeat)
            print()
            ratio = indexing(url, args.docs, scratch)
        finally:
            if node is not None:
                node.stop()
    print(f"ratio vigil/raw: {ratio:.2f}")


if __name__ == "__main__":
    main()
