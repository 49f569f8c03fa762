"""The pages on Elasticsearch: the demo crawled into a real node, and the search page (with its
facet counts), a listing, a vendor, trends with first sightings, and a CSV export show the
simulator's truth there as on SQLite (the app calls the services only)."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from bs4 import BeautifulSoup
from helpers import run_vigil
from web_client import logged_in

from demo import World
from vigil.accounts import Accounts
from vigil.services.search import SearchRequest, search
from vigil.settings import load_settings
from vigil.web.app import create_app

pytestmark = pytest.mark.elasticsearch
SEED, LISTINGS, CRAWLED = 7, 40, ("nightowl", "rc-labor")
TRUTH = World(SEED, LISTINGS, day=1).truth()
PASSWORD = "a long enough test password 10"


@pytest.fixture(scope="module")
def on_es(es_url, tmp_path_factory):
    data = tmp_path_factory.mktemp("pages-es") / "data"
    env = {"VIGIL_ES_URL": es_url, "VIGIL_ES_INDEX_PREFIX": f"web{uuid.uuid4().hex[:8]}",
           "VIGIL_ES_REPLICAS": "0"}
    result = run_vigil("demo", "run", "--store", "elasticsearch", "--day", "1", "--seed", str(SEED),
                       "--listings", str(LISTINGS), "--data-dir", str(data), "--progress", "0",
                       *(arg for market in CRAWLED for arg in ("--market", market)), env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    settings = load_settings(environ={}, data_dir=data, store="elasticsearch", es_url=es_url,
                             es_index_prefix=env["VIGIL_ES_INDEX_PREFIX"], es_replicas=0,
                             web_secure_cookies=False)
    Accounts.open(settings).add_user("esther", "investigator", PASSWORD)
    return settings, logged_in(create_app(settings), "esther", PASSWORD)


def soup_of(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[-1500:])
    return BeautifulSoup(response.text, "html.parser")


def test_the_pages_show_the_truth_on_elasticsearch(on_es):
    settings, client = on_es
    soup = soup_of(client, "/search")
    total = sum(len(TRUTH[m].listings) for m in CRAWLED)
    assert soup.select_one("#results-title").get_text() == f"{total} listings"
    counts = {lbl.select_one("input")["value"]: int(lbl.select_one(".count").get_text())
              for lbl in soup.select("#facet-market label")}
    assert counts == {m: len(TRUTH[m].listings) for m in CRAWLED}
    lid, truth = next(iter(TRUTH["nightowl"].listings.items()))
    listing = soup_of(client, f"/listings/nightowl/{lid}")
    assert listing.select_one("h1.listing-title").get_text() == truth.title
    assert listing.select_one("#vendor-link").get_text() == truth.vendor
    vendor = soup_of(client, f"/vendors/nightowl/{truth.vendor}")
    titles = {a.get_text() for a in vendor.select("table.hits a")}
    assert titles == {t.title for t in TRUTH["nightowl"].listings.values() if t.vendor == truth.vendor}
    rows = soup_of(client, "/trends?interval=day").select("table.first tbody tr")
    assert len(rows) >= 5 and all(r.select("td")[2].get_text() == "2026-01-05" for r in rows)
    assert {r.select_one("a")["href"].split("/")[3] for r in rows} <= {
        lid for m in CRAWLED for lid in TRUTH[m].listings}
    exported = list(csv.DictReader(io.StringIO(client.get("/export.csv?market=rc-labor").text)))
    hits = search(settings, SearchRequest(markets=("rc-labor",), limit=1000))["hits"]
    assert [(r["market"], r["listing_id"]) for r in exported] == [
        (h["market"], h["listing_id"]) for h in hits]
    assert {r["listing_id"] for r in exported} == set(TRUTH["rc-labor"].listings)
