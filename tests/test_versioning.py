"""Listing state and history across crawls of a small market whose pages the test controls."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import run_vigil, write_config_dir
from servers import serve_pages

from index.sqlite import SqliteStore

CONFIG = {
    "id": "toy",
    "name": "Toy market",
    "kind": "clearnet",
    "mirrors": ["http://127.0.0.1:9"],
    "politeness": {"download_delay": 0, "autothrottle": False, "retries": 0},
    "navigation": {"start_urls": ["/"], "next_page": "a.next::attr(href)"},
    "listings": {
        "links": "a.t::attr(href)",
        "id_from_url": r"/item/(?P<id>\w+)",
        "cards": {"container": "li", "fields": {"title": "a.t::text", "price": "span.p::text"}},
        "fields": {"description": "div.d"},
    },
}


def category(items: dict[str, tuple[str, str]], next_page: str | None = None) -> tuple[int, str]:
    cards = "".join(
        f'<li><a class="t" href="/item/{i}">{title}</a> <span class="p">{price}</span></li>'
        for i, (title, price) in items.items()
    )
    nxt = f'<a class="next" href="{next_page}">next</a>' if next_page else ""
    return 200, f"<html><ul>{cards}</ul>{nxt}</html>"


def item_page(text: str) -> tuple[int, str]:
    return 200, f"<html><div class='d'>{text}</div></html>"


@pytest.fixture
def market(tmp_path: Path):
    folder = write_config_dir(tmp_path / "config", CONFIG) / "markets"
    pages: dict[str, tuple[int, str]] = {}
    with serve_pages(pages) as url:

        def crawl(day: int) -> int:
            result = run_vigil(
                "crawl", "toy", "--mirror", f"toy={url}", "--config-dir", str(folder.parent),
                "--data-dir", str(tmp_path / "data"),
                # one complete run without a listing removes it (tests/test_removal_confirm.py: N)
                env={"VIGIL_CLOCK": f"2026-01-0{day}T12:00:00", "VIGIL_REMOVE_AFTER_RUNS": "1"},
            )
            return result.returncode

        yield pages, crawl, tmp_path / "data" / "vigil.sqlite3"


def edit_config(tmp_path: Path, section: str, **values: object) -> None:
    path = tmp_path / "config" / "markets" / "toy.yaml"
    config = yaml.safe_load(path.read_text())
    config[section].update(values)
    path.write_text(yaml.safe_dump(config))


def day_one(pages):
    pages["/"] = category({"a": ("Ketamine 5g", "50 EUR"), "b": ("3-MMC 10g", "€40")}, "/p2")
    pages["/p2"] = category({"c": ("MDMA 100x", "$120")})
    for name in "abc":
        pages[f"/item/{name}"] = item_page(f"listing {name}")


def test_recrawl_unchanged_adds_no_rows_and_moves_last_seen(market):
    pages, crawl, index = market
    day_one(pages)
    assert crawl(1) == 0
    assert crawl(2) == 0
    store = SqliteStore(index)
    assert store.count_listings("toy") == 3
    assert store.count_observations("toy") == 3  # one "new" each, nothing for the re-crawl
    listing = store.get_listing("toy", "a")
    assert listing.first_seen.day == 1 and listing.last_seen.day == 2
    assert [r.status for r in store.runs("toy")] == ["ok", "ok"]


def test_price_change_appearance_and_removal(market):
    pages, crawl, index = market
    day_one(pages)
    assert crawl(1) == 0
    pages["/"] = category({"a": ("Ketamine 5g", "45 EUR"), "d": ("Speed 10g", "€30")}, "/p2")
    pages["/item/d"] = item_page("new")
    assert crawl(2) == 0
    store = SqliteStore(index)
    assert [o.change for o in store.observations("toy", "a")] == ["new", "changed"]
    assert [str(o.price.amount) for o in store.observations("toy", "a")] == ["50", "45"]
    assert [o.change for o in store.observations("toy", "b")] == ["new", "removed"]
    removed = store.get_listing("toy", "b")
    assert removed.status == "removed" and removed.last_seen.day == 1 and removed.removed_at.day == 2
    assert store.get_listing("toy", "c").status == "active"
    assert [o.change for o in store.observations("toy", "d")] == ["new"]
    # back again on day 3: reappeared, active
    pages["/"] = category({"a": ("Ketamine 5g", "45 EUR"), "b": ("3-MMC 10g", "€40"),
                           "d": ("Speed 10g", "€30")}, "/p2")
    assert crawl(3) == 0
    assert store.get_listing("toy", "b").status == "active"
    assert [o.change for o in store.observations("toy", "b")] == ["new", "removed", "reappeared"]


def test_incomplete_run_is_partial_and_removes_nothing(market):
    pages, crawl, index = market
    day_one(pages)
    assert crawl(1) == 0
    pages["/p2"] = (500, "<html>server error</html>")  # the second page fails
    assert crawl(2) == 4  # partial
    store = SqliteStore(index)
    assert store.runs("toy")[0].status == "partial"
    assert store.get_listing("toy", "c").status == "active"  # not seen, but not removed


def test_unreachable_market_fails(market):
    _, crawl, index = market
    assert crawl(1) == 1  # every page 404s: nothing crawled
    assert SqliteStore(index).runs("toy")[0].status == "failed"


def test_a_page_without_listings_fails_instead_of_removing_everything(market):
    pages, crawl, index = market
    day_one(pages)
    assert crawl(1) == 0
    pages["/"] = (200, "<html><p>We moved! New layout.</p></html>")
    pages["/p2"] = (200, "<html></html>")
    assert crawl(2) == 1
    store = SqliteStore(index)
    assert store.count_listings("toy", "active") == 3


def test_scrapy_crawl_command_runs_the_same_spider_and_pipelines(market, tmp_path):
    import os
    import subprocess
    import sys

    from helpers import ROOT

    pages, _, _ = market
    day_one(pages)
    with serve_pages(pages) as url:
        env = {**os.environ, "VIGIL_CONFIG_DIR": str(tmp_path / "config"),
               "VIGIL_DATA_DIR": str(tmp_path / "scrapy-data")}
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "market", "-a", "market=toy",
             "-a", f"mirror={url}"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    store = SqliteStore(tmp_path / "scrapy-data" / "vigil.sqlite3")
    assert store.count_listings("toy") == 3
    assert store.runs("toy")[0].status == "ok"


def test_a_category_longer_than_its_page_cap_makes_the_run_partial(market, tmp_path):
    pages, crawl, index = market
    day_one(pages)
    edit_config(tmp_path, "navigation", max_pages_per_category=1)
    assert crawl(1) == 4
    store = SqliteStore(index)
    assert store.runs("toy")[0].stats["vigil/pages/pagination_capped"] == 1
    assert store.count_listings("toy") == 2  # the first page's listings are kept


def test_an_oversized_page_is_dropped_and_the_run_is_partial(market, tmp_path):
    pages, crawl, index = market
    day_one(pages)
    pages["/item/b"] = item_page("x" * 300_000)
    edit_config(tmp_path, "politeness", max_page_bytes=100_000)
    assert crawl(1) == 4
    store = SqliteStore(index)
    assert store.runs("toy")[0].stats["vigil/requests/failed"] == 1
    assert store.get_listing("toy", "b") is None
    assert store.count_listings("toy") == 2
