"""The real saved Hansa pages, served from loopback, crawled with nothing but a YAML config."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import run_vigil
from servers import hansa_resolver, serve_files

from index.sqlite import SqliteStore
from pipelines.normalize import clean_text

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def hansa_index(realdata: Path, tmp_path_factory: pytest.TempPathFactory) -> SqliteStore:
    data_dir = tmp_path_factory.mktemp("hansa")
    with serve_files(hansa_resolver(realdata / "hansa_2017")) as url:
        result = run_vigil(
            "crawl", "hansa2017", "--mirror", f"hansa2017={url}", "--data-dir", str(data_dir)
        )
    assert result.returncode == 0, result.stdout + result.stderr
    store = SqliteStore(data_dir / "vigil.sqlite3")
    yield store
    store.close()


def _rows(realdata: Path) -> list[dict]:
    return [json.loads(line) for line in (realdata / "hansa2017_category_listings.jsonl").open()]


def _cards(realdata: Path) -> dict[str, dict]:
    return {row["url"].strip("/").split("/")[-1]: row for row in _rows(realdata)}


def test_every_card_becomes_a_listing_with_the_cards_fields(hansa_index, realdata):
    by_url: dict[str, list[dict]] = {}
    for row in _rows(realdata):
        by_url.setdefault(row["url"], []).append(row)
    watched_only = {"24459", "42171", "56750", "80539"} - set(_cards(realdata))
    assert hansa_index.count_listings("hansa2017") == len(by_url) + len(watched_only)
    for url, rows in by_url.items():
        # a card saved on two category pages (a category and its parent) may differ a little
        # (price in USD moves with BTC): the listing must agree with one of its cards
        listing = hansa_index.get_listing("hansa2017", url.strip("/").split("/")[-1])
        assert listing is not None, url
        assert listing.title in {clean_text(r["title"]) for r in rows}
        assert listing.vendor in {r["vendor"] for r in rows}
        assert listing.category in {r["category"] for r in rows}
        assert listing.ships_from_raw in {r["ships_from"] or "" for r in rows}
        assert listing.price is not None and listing.price.currency == "USD"
        assert listing.price.amount in {Decimal(r["price_usd"]) for r in rows}
        assert listing.price.eur is not None and listing.price.eur > 0
        if listing.ships_from_raw:
            assert listing.ships_from, listing.ships_from_raw


def test_saved_listing_pages_fill_in_description_and_shipping(hansa_index, realdata):
    cards = _cards(realdata)
    saved = sorted(
        p.name.split("_")[1]
        for p in (realdata / "hansa_2017").glob("listing_*_.htm")
        if p.name.count("_") == 2
    )
    assert len(saved) == 5
    for listing_id in saved:
        listing = hansa_index.get_listing("hansa2017", listing_id)
        assert listing is not None
        assert len(listing.description) > 40, listing_id
        page = (realdata / "hansa_2017" / f"listing_{listing_id}_.htm").read_text(
            "utf-8", "replace"
        )
        if ">Ships To<" in page:  # physical goods
            assert listing.ships_to_raw and listing.ships_to, listing_id
        else:  # digital goods have no shipping
            assert not listing.ships_to_raw
        evidence = [hansa_index.get_evidence(sha) for sha in listing.evidence]
        kinds = {e.url.rstrip("/").split("/")[-2] for e in evidence}
        if listing_id in cards:  # the card's page and the listing page
            assert listing.title == clean_text(cards[listing_id]["title"])
            assert kinds == {"category", "listing"}
        else:  # reached through the config's watch list only
            assert kinds == {"listing"}


def test_saved_vendor_pages_give_alias_and_pgp_key(hansa_index, realdata):
    aliases = sorted(
        p.name.split("_")[1] for p in (realdata / "hansa_2017").glob("vendor_*_pgp_.htm")
    )
    assert len(aliases) == 5
    for alias in aliases:
        vendor = hansa_index.get_vendor("hansa2017", alias)
        assert vendor is not None, alias
        assert vendor.pgp_key.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
        assert vendor.pgp_key.rstrip().endswith("-----END PGP PUBLIC KEY BLOCK-----")
        assert len(vendor.evidence) == 2  # profile and PGP page
