"""The real saved Hansa pages, served from loopback, crawled with nothing but a YAML config."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import run_vigil
from lxml import html
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
        roles = {link.role for link in hansa_index.links_of("listing", "hansa2017", listing_id)}
        if listing_id in cards:  # the card's page, the listing page and its tabs
            assert listing.title == clean_text(cards[listing_id]["title"])
            assert roles == {"card", "listing", "feedback", "terms"}
        else:  # reached through the config's watch list only
            assert roles == {"listing", "feedback", "terms"}


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
        assert len(vendor.evidence) == 3  # profile, PGP and terms pages


# --- what the pages show about trade, checked against each saved page itself ------------------
def _page(realdata: Path, stem: str) -> html.HtmlElement:
    folder = realdata / "hansa_2017"
    path = next(p for p in (folder / f"{stem}_.htm", folder / f"{stem}.htm") if p.is_file())
    return html.fromstring(path.read_bytes())


def _saved(realdata: Path, kind: str) -> list[str]:
    """Ids (or aliases) of the saved `kind` pages that have a feedback or terms tab saved."""
    return sorted({p.name.split("_")[1] for p in (realdata / "hansa_2017").glob(f"{kind}_*_terms*.htm")})


def _text_after(heading: html.HtmlElement) -> str:
    """The text of everything after a heading in its parent (text nodes and elements alike)."""
    return heading.xpath("string(..)").rsplit(heading.xpath("string(.)"), 1)[1]


def _page_time(page: html.HtmlElement) -> datetime:
    """The market's clock in the page footer ("Date: 2017-06-24 01:17 UTC")."""
    stamp = re.search(r"Date: (\d{4}-\d\d-\d\d \d\d:\d\d) UTC", page.text_content())
    assert stamp, "no date in the footer"
    return datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def test_every_saved_feedback_page_yields_dated_rated_records(hansa_index, realdata):
    listings = _saved(realdata, "listing")
    assert len(listings) == 5
    total = 0
    for listing_id in listings:
        page = _page(realdata, f"listing_{listing_id}_feedback")
        rows = page.xpath("//table[thead/tr/th[normalize-space(.)='Feedback']]/tbody/tr")
        negative = [r for r in rows if r.xpath("td[1]//*[contains(@class,'label-danger')]")]
        stored = hansa_index.feedback("hansa2017", listing_id=listing_id, limit=1000)
        assert len(stored) == len(rows), listing_id  # each row once, none merged
        assert sum(1 for f in stored if f.rating == 0.0) == len(negative)
        fetched = _page_time(page)
        for record in stored:
            assert record.date is not None and record.date_precision == "time", record
            assert datetime(2015, 1, 1, tzinfo=UTC) < record.date <= fetched
            assert record.rating in (0.0, 0.5, 1.0) and record.rating_text
            assert record.buyer and "***" in record.buyer
            assert record.vendor == hansa_index.get_listing("hansa2017", listing_id).vendor
        shown = {clean_text(" ".join(r.xpath("td[2]")[0].text_content().split())) for r in rows}
        assert {" ".join(f.text.split()) for f in stored} <= shown
        total += len(stored)
    assert total > 0


def test_terms_stock_shipping_and_second_price_come_from_the_listing_pages(hansa_index, realdata):
    for listing_id in _saved(realdata, "listing"):
        listing = hansa_index.get_listing("hansa2017", listing_id)
        terms_page = _page(realdata, f"listing_{listing_id}_terms")
        heading = terms_page.xpath("//h3[normalize-space(.)='Terms & Conditions']")[0]
        shown = " ".join(_text_after(heading).split())
        assert " ".join(listing.terms.split()) == " ".join(clean_text(shown).split()), listing_id

        page = _page(realdata, f"listing_{listing_id}")
        label = " ".join(page.xpath("//div[contains(@class,'listing-stock')]")[0].text_content().split())
        digits = re.search(r"\d+", label)
        assert listing.in_stock is True, label
        assert listing.stock == (int(digits.group()) if digits else None), label

        options = page.xpath("//select[@name='shippingID']/option[@value!='0']")
        assert len(listing.shipping_options) == len(options), listing_id
        for option, stored in zip(options, listing.shipping_options, strict=True):
            assert stored.name and stored.name in clean_text(option.text_content())
            assert stored.price is not None and stored.price.eur is not None
            assert stored.price.currency == "USD"
            assert f"{stored.price.amount:.2f}" in option.text_content()

        assert listing.price_alt is not None and listing.price_alt.currency == "BTC"
        assert listing.price_alt.amount > 0 and listing.price_alt.eur > 0


def test_every_vendor_page_yields_its_statistics(hansa_index, realdata):
    aliases = _saved(realdata, "vendor")
    assert len(aliases) == 5
    for alias in aliases:
        page = _page(realdata, f"vendor_{alias}")
        text = " ".join(page.text_content().split())
        stats = hansa_index.get_vendor("hansa2017", alias).stats
        level = re.search(r"Level (\d+)", text)
        assert stats["level"] == int(level.group(1)), alias
        for kind in ("positive", "neutral", "negative"):
            count = page.xpath(f"//a[contains(@href,'show={kind}')]//strong/text()")[0]
            assert stats[f"feedback_{kind}"] == int(count), (alias, kind)
        orders = page.xpath("//h3[normalize-space(.)='Orders']/following-sibling::p[1]//strong/text()")[0]
        assert stats["sales"] == int(re.sub(r"\D", "", orders))
        seen = re.search(r"Last seen - (\d{4}-\d\d-\d\d)", text)
        assert stats["last_active"].date().isoformat() == seen.group(1)
        assert stats["last_active"] <= _page_time(page)
        since = re.search(r"Vendor since - (\d{4}-\d\d-\d\d)", text)
        if since:  # not every profile says
            assert stats["member_since"].date().isoformat() == since.group(1)
            assert stats["member_since"] <= stats["last_active"]
        else:
            assert "member_since" not in stats
        share = re.search(r"([\d.]+)% positive feedback", text)
        if share:
            assert stats["rating"] == pytest.approx(float(share.group(1)) / 100)
        vendor = hansa_index.get_vendor("hansa2017", alias)
        terms = _page(realdata, f"vendor_{alias}_terms")
        heading = terms.xpath("//h4[normalize-space(.)='Terms & Conditions']")[0]
        assert bool(vendor.terms) == bool(_text_after(heading).strip()), alias
