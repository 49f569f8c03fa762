"""Shipping methods the extractor finds (carriers, lockers, dead drops, precursor suppliers) are
stored with every listing and searchable on every backend alike: a filter by name and by kind,
and a facet."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from helpers import run_vigil
from stores import BACKENDS, cluster_config, drop_indices, open_backend
from test_store import listing, new_run
from typer.testing import CliRunner

from index.elastic.client import connect
from index.elastic.documents import listing_doc, upgrade_listing_source
from index.elastic.mapping import INDEX_SETTINGS, MAPPINGS
from index.elastic.store import ElasticStore
from index.migrations import MIGRATIONS, migrate
from index.query import ListingQuery
from index.sqlite import SqliteStore
from nlp import extract
from vigil.cli.main import app


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    yield from open_backend(request, request.param, tmp_path)


def shipped(listing_id: str, title: str, description: str, **kwargs):
    """A listing with the extraction the crawl pipeline stores (the real extractor)."""
    found = listing(listing_id, title, description=description, **kwargs)
    found.extraction = extract({"title": title, "description": description})
    return found


@pytest.fixture
def corpus(store):
    run_id = new_run(store)
    rows = [
        shipped("1", "Amnesia Haze 10g", "Versand per DHL Packstation oder Hermes, vakuumiert"),
        shipped("2", "Mefedron 4MMC 5g", "Wysyłka InPost paczkomat, Poczta Polska list polecony"),
        shipped("3", "Speed 100g", "Ships with dhl express, tracked, stealth", market="m2"),
        shipped("4", "PMK glycidate 1kg", "CAS 28578-16-7. Made by Hebei Tongda Chemical Co., Ltd, DHL"),
        shipped("5", "Fake Rolex watch", "Sent by post, drop me a message"),
        shipped("6", "Mephedrone 10g", "Klad in Riga, photo + GPS coordinates after payment"),
    ]
    for row in rows:
        store.write_listing(row, None, run_id)
    store.flush()
    return rows


def ids(result) -> set[str]:
    return {h.listing.listing_id for h in result.hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (ListingQuery(carriers=("DHL",)), {"3", "4"}),  # a Packstation is its own name
        (ListingQuery(carriers=("dhl packstation",)), {"1"}),  # any case
        (ListingQuery(carriers=("InPost", "Hermes")), {"1", "2"}),
        (ListingQuery(shipping_kinds=("parcel_locker",)), {"1", "2"}),
        (ListingQuery(shipping_kinds=("dead_drop",)), {"6"}),
        (ListingQuery(shipping_kinds=("supplier",)), {"4"}),
        (ListingQuery(carriers=("Hebei Tongda Chemical Co., Ltd",)), {"4"}),
        (ListingQuery(carriers=("DHL",), shipping_kinds=("stealth",)), {"3"}),
        (ListingQuery(shipping_kinds=("stealth",)), {"1", "3"}),
        (ListingQuery(carriers=("DHL",), markets=("m2",)), {"3"}),
        (ListingQuery(carriers=("Royal Mail",)), set()),
    ],
)
def test_search_by_carrier_and_shipping_kind(store, corpus, query, expected):
    result = store.search(query)
    assert ids(result) == expected
    assert result.total == len(expected)


def test_the_stored_extraction_keeps_shipping_methods_with_offsets(store, corpus):
    stored = store.get_listing("m1", "2")
    methods = stored.extraction["shipping_methods"]
    assert [(m["name"], m["kind"]) for m in methods][:2] == [("InPost", "parcel_locker"),
                                                           ("Poczta Polska", "post")]
    for m in methods:
        assert getattr(stored, m["field"])[m["start"] : m["end"]] == m["text"]


def test_shipping_facet_counts_listings_per_method(store, corpus):
    facets = store.facets(ListingQuery(), ("shipping",), size=3)
    assert facets["shipping"][0] == ("DHL", 2)
    narrowed = store.facets(ListingQuery(shipping_kinds=("parcel_locker",)), ("shipping",), size=10)
    assert ("InPost", 1) in narrowed["shipping"] and ("DHL Packstation", 1) in narrowed["shipping"]


def test_a_rewrite_replaces_the_shipping_rows(store, corpus):
    run_id = new_run(store)
    store.write_listing(shipped("1", "Amnesia Haze 10g", "Versand nur mit GLS"), None, run_id)
    store.flush()
    assert "1" not in ids(store.search(ListingQuery(carriers=("DHL Packstation",))))
    assert "1" in ids(store.search(ListingQuery(carriers=("GLS",))))


def test_the_migration_fills_shipping_rows_from_extractions_stored_before_it(tmp_path):
    """An index written before shipping methods were a table: the migration reads them from
    the stored extraction JSON, and the filter finds them."""
    path = tmp_path / "index.sqlite3"
    store = SqliteStore(path)
    run_id = new_run(store)
    store.write_listing(shipped("1", "Hash 25g", "Versand mit DPD oder GLS"), None, run_id)
    store.write_listing(listing("2", "Old extraction 5g"), None, run_id)  # no shipping_methods
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE listing_shipping")
    conn.execute("DELETE FROM _migrations WHERE name = ?", (MIGRATIONS[-1][0],))
    conn.commit()
    assert migrate(conn) == ["0005_shipping_methods"]
    rows = conn.execute("SELECT name, kind FROM listing_shipping ORDER BY name").fetchall()
    conn.close()
    assert rows == [("DPD", "courier"), ("GLS", "courier")]
    store = SqliteStore(path)
    try:
        assert ids(store.search(ListingQuery(carriers=("gls",)))) == {"1"}
    finally:
        store.close()


@pytest.fixture
def data_dir(tmp_path):
    """A data dir whose SQLite index holds three listings with shipping methods."""
    data = tmp_path / "data"
    data.mkdir()
    store = SqliteStore(data / "vigil.sqlite3")
    run_id = new_run(store)
    for row in (shipped("1", "Hash 25g", "Versand mit DHL, Einschreiben"),
                shipped("2", "Speed 10g", "Wysyłka InPost paczkomat"),
                shipped("3", "Weed 5g", "Verzending met PostNL")):
        store.write_listing(row, None, run_id)
    store.close()
    return data


def search_cli(data, *args: str):
    return CliRunner().invoke(app, ["search", *args, "--data-dir", str(data)])


def test_vigil_search_carrier_and_shipping_kind(data_dir):
    result = search_cli(data_dir, "--carrier", "dhl", "--carrier", "PostNL", "--format", "json")
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert {h["listing_id"] for h in hits} == {"1", "3"}
    assert {"DHL", "registered"} <= {m["name"] for m in hits[0]["extraction"]["shipping_methods"]}
    lockers = search_cli(data_dir, "--shipping-kind", "parcel_locker", "--facet", "shipping", "--json")
    lines = [json.loads(line) for line in lockers.stdout.splitlines()]
    assert [h["listing_id"] for h in lines[:-1]] == ["2"]
    assert lines[-1] == {"facets": {"shipping": [{"value": "InPost", "count": 1}]}}


def test_vigil_search_refuses_an_unknown_shipping_kind(data_dir):
    result = run_vigil("search", "--shipping-kind", "pigeon", "--data-dir", str(data_dir))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error:")
    assert "pigeon" in result.stderr and "parcel_locker" in result.stderr


def test_a_listing_document_from_an_older_mapping_gets_its_methods_from_its_extraction():
    doc = listing_doc(shipped("1", "Hash 25g", "Versand mit DPD, vakuumiert"), 1)
    older = {k: v for k, v in doc.items() if k != "shipping_methods"}
    assert upgrade_listing_source(older)["shipping_methods"] == doc["shipping_methods"] == [
        {"name": "DPD", "kind": "courier"}, {"name": "vacuum sealed", "kind": "stealth"}]
    assert upgrade_listing_source({**older, "extraction": {}})["shipping_methods"] == []


@pytest.mark.elasticsearch
@pytest.mark.parametrize("product", ["elasticsearch", "opensearch"])
def test_a_cluster_index_made_before_shipping_methods_is_migrated_and_searchable(request, tmp_path, product):
    """Mapping v3 adds `shipping_methods`: `migrate` copies a v2 listings index and fills the
    field from each stored extraction, so the carrier filter finds listings written before."""
    config = cluster_config(request, product)
    client = connect(config)
    old = {k: v for k, v in MAPPINGS["listings"][1].items() if k != "shipping_methods"}
    try:
        client.indices.create(
            index=f"{config.index_prefix}-listings-v2",
            body={"settings": INDEX_SETTINGS, "mappings": {"dynamic": "strict", "properties": old},
                  "aliases": {f"{config.index_prefix}-listings": {}}},
        )
        doc = listing_doc(shipped("0", "Hash 25g", "Versand mit DPD oder GLS"), 1)
        before = {k: v for k, v in doc.items() if k != "shipping_methods"}
        client.index(index=f"{config.index_prefix}-listings", id="m1:0", body=before, refresh=True)
        with closing(ElasticStore(config, tmp_path / "spool")) as store:
            moved = store.migrate()
            assert ("listings", f"{config.index_prefix}-listings-v2",
                    f"{config.index_prefix}-listings-v{MAPPINGS['listings'][0]}") in moved
            assert ids(store.search(ListingQuery(carriers=("gls",)))) == {"0"}
    finally:
        client.close()
        drop_indices(config)
