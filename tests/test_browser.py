"""Browser-rendered markets: the JavaScript sample market (swapbay) crawled through Chromium.

One crawl serves most assertions (Chromium starts once for them). The crawl uses the shipped
swapbay config with a small `pages_per_context`, so that the same crawl also recycles its
browser contexts.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, need_chromium, run_vigil, write_config_dir
from parsel import Selector

from crawler.config import parse_market
from crawler.fields import read_field, select
from demo import World, day_date
from demo.server import Handle, start
from index.evidence import EvidenceVault
from index.sqlite import SqliteStore
from pipelines.normalize import clean_text

pytestmark = pytest.mark.browser

SEED = 13
LISTINGS = 30
PAGES_PER_CONTEXT = 8
CLOCK = datetime.combine(day_date(1), time(12), tzinfo=UTC).isoformat()


def swapbay_config(**browser: object) -> dict:
    data = yaml.safe_load((ROOT / "config" / "markets" / "swapbay.yaml").read_text())
    data["browser"].update(browser)
    return data


@dataclass
class Crawled:
    world: World
    handle: Handle
    result: object
    store: SqliteStore
    data_dir: Path

    @property
    def run(self):
        return self.store.runs("swapbay")[0]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Iterator[Crawled]:
    need_chromium()
    tmp = tmp_path_factory.mktemp("browser")
    world = World(seed=SEED, listings=LISTINGS, day=1)
    handle = start(world, host="127.0.0.1")
    folder = write_config_dir(tmp / "config", swapbay_config(pages_per_context=PAGES_PER_CONTEXT))
    try:
        result = run_vigil(
            "crawl", "swapbay", "--mirror", f"swapbay={handle.urls['swapbay']}",
            "--config-dir", str(folder), "--data-dir", str(tmp / "data"), env={"VIGIL_CLOCK": CLOCK},
        )
        yield Crawled(world, handle, result, SqliteStore(tmp / "data" / "vigil.sqlite3"), tmp / "data")
    finally:
        handle.stop()


def test_every_listing_is_found_with_truthful_fields(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    assert crawled.run.status == "ok"
    truth = crawled.world.truth()["swapbay"]
    assert crawled.store.count_listings("swapbay") == len(truth.listings) > 24  # more than one page
    for listing_id, expected in truth.listings.items():
        got = crawled.store.get_listing("swapbay", listing_id)
        assert got is not None, listing_id
        assert got.title == clean_text(expected.title)
        assert got.vendor == expected.vendor
        assert (got.price.amount, got.price.currency) == (expected.price, "EUR")
        if expected.ships_from:
            assert got.ships_from == [expected.ships_from]
        assert expected.description.split("\n")[0].strip()[:30] in got.description
    assert {v.alias for v in crawled.store.vendors("swapbay")} == {t.vendor for t in truth.listings.values()}


def test_without_a_browser_the_same_pages_show_no_listing(crawled):
    """The test means something: the very pages and selectors the crawl read find every card
    in the rendered HTML it kept, and nothing in the HTML the server sends."""
    config = parse_market(swapbay_config(), "swapbay")
    container = config.listings.cards.container
    base = crawled.handle.urls["swapbay"]
    some_id = next(iter(crawled.world.truth()["swapbay"].listings))
    listing = crawled.store.get_listing("swapbay", some_id)

    def static(path: str) -> Selector:
        with urllib.request.urlopen(base + path, timeout=10) as answer:
            return Selector(text=answer.read().decode())

    assert select(static("/search?page=1"), container) == []
    assert read_field(config.listings.fields["title"], static(listing.url.removeprefix(base)), base) is None

    vault = EvidenceVault(crawled.data_dir / "evidence")
    links = crawled.store.conn.execute(
        "SELECT sha256 FROM evidence_links WHERE market='swapbay' AND key=? AND role='card'", (some_id,)
    ).fetchall()
    rendered = Selector(text=vault.get(links[0][0]).decode())
    assert len(select(rendered, container)) == 24  # a full page of cards, as the browser saw it


def test_screenshots_are_kept_as_evidence_and_linked(crawled):
    vault = EvidenceVault(crawled.data_dir / "evidence")
    conn = crawled.store.conn
    for listing_id in crawled.world.truth()["swapbay"].listings:
        rows = conn.execute(
            "SELECT l.role, e.url, e.content_type, e.sha256 FROM evidence_links l "
            "JOIN evidence e ON e.sha256 = l.sha256 "
            "WHERE l.market='swapbay' AND l.record='listing' AND l.key=?", (listing_id,),
        ).fetchall()
        by_role = {}
        for role, url, content_type, sha in rows:
            by_role.setdefault(role, []).append((url, content_type, sha))
        assert set(by_role) == {"card", "listing", "screenshot"}, listing_id
        shots = by_role["screenshot"]
        # one of the category page (where the card was read), one of the listing page
        assert {url for url, _, _ in shots} == {by_role["card"][0][0], by_role["listing"][0][0]}
        for _, content_type, sha in shots:
            assert content_type == "image/png"
            assert vault.get(sha).startswith(b"\x89PNG\r\n\x1a\n")
    assert crawled.run.stats["vigil/browser/screenshots"] == crawled.run.stats["downloader/request_count"]


def test_every_page_is_closed_and_contexts_are_recycled(crawled):
    stats = crawled.run.stats
    assert stats["vigil/browser/pages_opened"] == stats["downloader/request_count"] > PAGES_PER_CONTEXT * 3
    assert stats["vigil/browser/pages_closed"] == stats["vigil/browser/pages_opened"]  # no page leaked
    assert 1 <= stats["vigil/browser/pages_open_max"] <= 4  # politeness.concurrency caps open pages
    # a fresh context every PAGES_PER_CONTEXT pages; each old one closed once its pages were done
    contexts = -(-stats["vigil/browser/pages_opened"] // PAGES_PER_CONTEXT)
    assert stats["vigil/browser/contexts_closed"] == contexts - 1  # the last closes with the browser


def test_images_are_fetched_for_screenshots_but_media_never(crawled):
    assert not any(name.startswith("vigil/browser/blocked/") and name != "vigil/browser/blocked/media"
                   for name in crawled.run.stats)


def test_without_chromium_the_crawl_refuses_clearly_and_fetches_nothing(tmp_path):
    world = World(seed=SEED, listings=5, day=1)
    handle = start(world, host="127.0.0.1")
    try:
        result = run_vigil("crawl", "swapbay", "--mirror", f"swapbay={handle.urls['swapbay']}",
                           "--data-dir", str(tmp_path), env={"VIGIL_CHROMIUM": str(tmp_path / "no-chromium")})
        assert handle.clients("swapbay") == []
    finally:
        handle.stop()
    assert result.returncode == 1
    assert "apt-get install chromium" in result.stderr and "swapbay" in result.stderr


HOSTILE_ITEM = """<html><body><h1>loading</h1><script>
document.body.innerHTML = '<h1>big</h1>' + '<p>' + 'x'.repeat(400000) + '</p>';
</script></body></html>"""


def test_a_hostile_page_is_bounded_and_the_browser_loads_nothing_off_the_market(tmp_path):
    """A page that grows past max_page_bytes in the browser is dropped (the run is partial),
    and a tracker on another host never hears from the browser."""
    need_chromium()
    from servers import serve_pages

    tracker_log: list[str] = []
    with serve_pages({}, tracker_log) as tracker:
        tracker_url = tracker.replace("127.0.0.1", "localhost")  # another host name
        pages = {
            "/list": (200, '<html><body><a class="item" href="/item/1">1</a>'
                           '<a class="item" href="/item/2">2</a></body></html>'),
            "/item/1": (200, f'<html><body><h1>Ketamine 5g</h1><img src="{tracker_url}/pixel.gif">'
                             f'<script>fetch("{tracker_url}/beacon")</script></body></html>'),
            "/item/2": (200, HOSTILE_ITEM),
        }
        with serve_pages(pages) as base:
            market = {
                "id": "hostile", "name": "hostile", "kind": "clearnet", "mirrors": [base],
                "render": "browser", "browser": {"wait_for": "a.item, h1", "wait_timeout_ms": 5000},
                "politeness": {"download_delay": 0, "max_page_bytes": 100_000, "retries": 0},
                "navigation": {"start_urls": ["/list"]},
                "listings": {"links": "a.item::attr(href)", "id_from_url": r"/item/(?P<id>\d+)",
                             "fields": {"title": "h1::text"}},
            }
            folder = write_config_dir(tmp_path / "config", market)
            result = run_vigil("crawl", "hostile", "--config-dir", str(folder),
                               "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 4, result.stderr[-3000:]  # partial: a page was dropped
    store = SqliteStore(tmp_path / "data" / "vigil.sqlite3")
    assert store.get_listing("hostile", "1").title == "Ketamine 5g"
    assert store.get_listing("hostile", "2") is None
    stats = store.runs("hostile")[0].stats
    assert stats["vigil/browser/too_large"] == 1
    assert stats["vigil/requests/failed/PageTooLarge"] == 1
    assert stats["vigil/browser/blocked/offsite"] >= 1
    assert tracker_log == []
    assert stats["vigil/browser/pages_closed"] == stats["vigil/browser/pages_opened"]
