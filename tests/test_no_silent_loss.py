"""Nothing lost silently: every dropped item, field, page or write is counted, logged with the
market and the URL, and keeps the run from `ok`, so that no listing is marked removed by it.

Each case crawls a small market whose pages the test controls: day 1 is a clean crawl, day 2
carries the fault.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, run_vigil, write_config_dir
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
        "cards": {
            "container": "li",
            "fields": {"title": "a.t::text", "price": "span.p::text", "price_alt": "span.alt::text"},
        },
        "fields": {"description": "div.d", "vendor": "a.v::text", "vendor_url": "a.v::attr(href)"},
    },
    "vendors": {"fields": {"alias": "h1.alias::text", "description": "div.bio"}},
}


def category(items: dict[str, tuple[str, str]], *, host: str = "") -> tuple[int, str]:
    cards = "".join(
        f'<li><a class="t" href="{host}/item/{i}">{title}</a> <span class="p">{price}</span>'
        f'<span class="alt">0.001 BTC</span></li>'
        for i, (title, price) in items.items()
    )
    return 200, f"<html><ul>{cards}</ul></html>"


def item_page(text: str, vendor: str = "/vendor/rex") -> tuple[int, str]:
    return 200, f"<html><div class='d'>{text}</div><a class='v' href='{vendor}'>rex</a></html>"


VENDOR = (200, "<html><h1 class='alias'>rex</h1><div class='bio'>Wickr: rexshop</div></html>")
ITEMS = {"a": ("Ketamine 5g", "50 EUR"), "b": ("3-MMC 10g", "€40"), "c": ("MDMA 100x", "$120")}


def day_one(pages: dict) -> None:
    pages["/"] = category(ITEMS)
    for name in ITEMS:
        pages[f"/item/{name}"] = item_page(f"listing {name}")
    pages["/vendor/rex"] = VENDOR


class Toy:
    def __init__(self, tmp_path: Path, pages: dict, url: str, log: list[str]) -> None:
        self.tmp_path, self.pages, self.url, self.log = tmp_path, pages, url, log
        self.config_dir = write_config_dir(tmp_path / "config", CONFIG)
        self.data_dir = tmp_path / "data"

    def edit(self, section: str, **values: object) -> None:
        path = self.config_dir / "markets" / "toy.yaml"
        config = yaml.safe_load(path.read_text())
        config[section].update(values)
        path.write_text(yaml.safe_dump(config))

    def args(self, day: int, *, data_dir: Path | None = None) -> tuple[list[str], dict[str, str]]:
        args = ["crawl", "toy", "--mirror", f"toy={self.url}", "--config-dir", str(self.config_dir),
                "--data-dir", str(data_dir or self.data_dir), "--log-level", "INFO"]
        return args, {"VIGIL_CLOCK": f"2026-01-0{day}T12:00:00"}

    def crawl(self, day: int, **kwargs) -> subprocess.CompletedProcess:
        args, env = self.args(day, **kwargs)
        return run_vigil(*args, env=env)

    def start_crawl(self, day: int) -> subprocess.Popen:
        """A crawl in the background; returns once its run has started."""
        args, env = self.args(day)
        process = subprocess.Popen([sys.executable, "-m", "vigil", *args], cwd=ROOT, text=True,
                                   env={**os.environ, "VIGIL_PROGRESS_INTERVAL": "0", **env},
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for_run(self, "running")
        return process

    def store(self) -> SqliteStore:
        return SqliteStore(self.data_dir / "vigil.sqlite3", readonly=True)

    def run_stats(self) -> dict:
        return self.store().runs("toy")[0].stats

    def active(self) -> set[str]:
        store = self.store()
        return {i for i in "abcdefg" if (x := store.get_listing("toy", i)) and x.status == "active"}


@pytest.fixture
def toy(tmp_path: Path):
    pages: dict = {}
    log: list[str] = []
    with serve_pages(pages, log) as url:
        yield Toy(tmp_path, pages, url, log)


def assert_nothing_removed(toy: Toy, status: str) -> None:
    store = toy.store()
    assert store.runs("toy")[0].status == status
    assert toy.active() == {"a", "b", "c"}
    assert all(o.change != "removed" for i in "abc" for o in store.observations("toy", i))


def test_an_exception_in_a_pipeline_is_counted_logged_and_makes_the_run_partial(toy):
    day_one(toy.pages)
    assert toy.crawl(1).returncode == 0
    toy.pages["/item/b"] = item_page("listing b BOOM")
    _, env = toy.args(2)
    # a pipeline that fails on one listing, placed among the real ones (the scrapy command
    # accepts settings on the command line)
    pipelines = ('{"pipelines.validate.ValidatePipeline": 100, "pipelines.evidence.EvidencePipeline": 200,'
                 ' "faults.FailOnBoom": 250, "pipelines.normalize.NormalizePipeline": 300,'
                 ' "pipelines.enrich.EnrichPipeline": 400, "pipelines.versioning.VersioningPipeline": 500}')
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "market", "-a", "market=toy", "-a", f"mirror={toy.url}",
         "-s", f"ITEM_PIPELINES={pipelines}", "-s", "LOG_LEVEL=INFO"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT / "tests"),
             "VIGIL_CONFIG_DIR": str(toy.config_dir), "VIGIL_DATA_DIR": str(toy.data_dir)},
    )
    assert "toy: ListingItem" in result.stderr and "/item/b lost in the pipelines" in result.stderr
    stats = toy.run_stats()
    assert stats["vigil/items/error"] == 1 and stats["vigil/items/error/ValueError"] == 1
    assert_nothing_removed(toy, "partial")


def test_a_27_digit_price_is_kept_as_a_listing_without_a_eur_value(toy):
    day_one(toy.pages)
    toy.pages["/"] = category({**ITEMS, "d": ("Speed 1kg", "$123456789012345678901234567")})
    toy.pages["/item/d"] = item_page("bulk")
    result = toy.crawl(1)
    assert result.returncode == 0, result.stderr[-2000:]
    listing = toy.store().get_listing("toy", "d")
    assert listing.price.amount == 123456789012345678901234567 and listing.price.eur is None


@pytest.mark.parametrize(
    ("target", "stat"),
    [("http://elsewhere.invalid/item/b", "vigil/requests/offsite"),
     ("http://hiddenmarketxyz.onion/item/b", "vigil/requests/offsite")],
)
def test_a_listing_redirected_off_the_market_is_counted_and_removes_nothing(toy, target, stat):
    day_one(toy.pages)
    assert toy.crawl(1).returncode == 0
    toy.pages["/item/b"] = (302, "", {"Location": target})
    result = toy.crawl(2)
    assert result.returncode == 4, result.stderr[-2000:]
    assert target in result.stderr and "WARNING" in result.stderr
    assert toy.run_stats()[stat] >= 1
    assert_nothing_removed(toy, "partial")


def test_card_links_to_another_mirror_host_are_on_site(toy):
    # the market has two mirrors; cards link to the second one by its own host name
    port = toy.url.rsplit(":", 1)[1]
    path = toy.config_dir / "markets" / "toy.yaml"
    config = yaml.safe_load(path.read_text())
    config["mirrors"] = [f"http://localhost:{port}", "http://othermirror.example:8080"]
    path.write_text(yaml.safe_dump(config))
    day_one(toy.pages)
    toy.pages["/"] = category(ITEMS, host="http://othermirror.example:8080")
    result = toy.crawl(1)
    assert result.returncode == 0, result.stderr[-2000:]
    assert toy.active() == {"a", "b", "c"}
    # read from the mirror being crawled, never from the other host
    assert toy.store().get_listing("toy", "a").url == f"{toy.url}/item/a"


def test_price_alt_is_stored_and_searchable(toy):
    day_one(toy.pages)
    assert toy.crawl(1).returncode == 0
    listing = toy.store().get_listing("toy", "a")
    assert listing.price_alt_raw == "0.001 BTC"
    assert listing.price_alt.currency == "BTC" and listing.price_alt.eur is not None
    found = run_vigil("search", "BTC", "--format", "json", "--data-dir", str(toy.data_dir),
                      "--config-dir", str(toy.config_dir))
    assert found.returncode == 0 and found.stdout.count('"listing_id"') == 3


def test_one_url_can_be_a_listing_and_a_vendor_page(toy):
    day_one(toy.pages)
    # the listing page of "a" is also its vendor's profile page
    toy.pages["/item/a"] = (200, "<html><h1 class='alias'>rex</h1><div class='d'>listing a</div>"
                                 "<a class='v' href='/item/a'>rex</a></html>")
    for name in "bc":
        toy.pages[f"/item/{name}"] = item_page(f"listing {name}", vendor="/item/a")
    result = toy.crawl(1)
    assert result.returncode == 0, result.stderr[-2000:]
    store = toy.store()
    assert store.get_listing("toy", "a") is not None
    vendor = store.get_vendor("toy", "rex")
    assert vendor is not None and vendor.url == f"{toy.url}/item/a"
    roles = {link.role for link in store.links_of("vendor", "toy", "rex")}
    assert roles == {"vendor"}


def test_an_unknown_currency_symbol_drops_a_required_price_and_warns_on_an_optional_one(toy):
    day_one(toy.pages)
    toy.pages["/"] = category({**ITEMS, "d": ("Speed 10g", "¤ 0.01")})
    toy.pages["/item/d"] = item_page("listing d")
    result = toy.crawl(1)  # price optional: kept, counted, logged
    assert result.returncode == 0, result.stderr[-2000:]
    assert "field price could not be read from '¤ 0.01'" in result.stderr
    assert toy.run_stats()["vigil/fields/unparsed/price"] == 1
    assert toy.store().get_listing("toy", "d").price is None
    toy.edit("listings", required=["title", "price"])
    result = toy.crawl(2)
    assert result.returncode == 4
    assert "required field price could not be read" in result.stderr and "/item/d" in result.stderr
    stats = toy.run_stats()
    assert stats["vigil/dropped"] == 1 and stats["vigil/dropped/unparsed price"] == 1
    store = toy.store()
    assert store.runs("toy")[0].status == "partial"
    assert toy.active() == {"a", "b", "c", "d"}


def test_a_data_folder_that_cannot_be_written_stops_the_crawl_before_the_first_request(toy):
    day_one(toy.pages)
    blocker = toy.tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    result = toy.crawl(1, data_dir=blocker / "data")
    assert result.returncode == 1
    assert "cannot write the data folder" in result.stderr
    assert toy.log == []  # not a single request left


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 2 MB tmpfs for the data folder (root can mount one; elsewhere an injected fault)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs here: {done.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_disk_filled_mid_crawl_fails_the_run_and_removes_nothing(toy, small_disk):
    day_one(toy.pages)
    data = small_disk / "data"
    assert toy.crawl(1, data_dir=data).returncode == 0
    toy.data_dir = data
    # day 2: every listing page is 1.5 MB that does not compress: the disk fills mid-crawl
    for name in ITEMS:
        toy.pages[f"/item/{name}"] = item_page(os.urandom(750_000).hex())
    toy.edit("politeness", max_page_bytes=10_000_000)
    result = toy.crawl(2, data_dir=data)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "No space left on device" in result.stderr or "database or disk is full" in result.stderr
    assert "lost in the pipelines" in result.stderr
    conn = sqlite3.connect(f"file:{data / 'vigil.sqlite3'}?mode=ro", uri=True)
    statuses = [r[0] for r in conn.execute("SELECT status FROM listings WHERE market = 'toy'")]
    assert statuses == ["active"] * 3
    last = conn.execute("SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert last in ("failed", "running")  # "running" only if even the run's end could not be written


def slow(pages: dict, delay: float) -> dict:
    """Pages whose listing pages answer after `delay` seconds."""

    class Slow(dict):
        def get(self, key, default=None):
            if key.startswith("/item/"):
                time.sleep(delay)
            return pages.get(key, default)

    return Slow()


def test_two_concurrent_crawls_of_one_market_one_waits_for_nothing_and_exits_1(tmp_path):
    pages: dict = {}
    day_one(pages)
    with serve_pages(slow(pages, 4.0)) as url:
        toy = Toy(tmp_path, pages, url, [])
        first = toy.start_crawl(1)
        second = toy.crawl(1)
        _, err = first.communicate(timeout=120)
    assert second.returncode == 1
    assert "another crawl of toy is running" in second.stdout + second.stderr
    assert first.returncode == 0, err[-2000:]
    store = toy.store()
    assert [r.status for r in store.runs("toy")] == ["ok"]  # the refused crawl started no run
    assert toy.active() == {"a", "b", "c"}
    assert all([o.change for o in store.observations("toy", i)] == ["new"] for i in "abc")


def wait_for_run(toy: Toy, status: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        path = toy.data_dir / "vigil.sqlite3"
        if path.exists():
            try:
                runs = toy.store().runs("toy")
            except sqlite3.Error:
                runs = []
            if runs and runs[0].status == status:
                return
        time.sleep(0.1)
    raise AssertionError(f"no {status} run within {timeout} s")


def test_a_run_killed_with_sigkill_is_marked_failed_at_the_next_start(tmp_path):
    pages: dict = {}
    day_one(pages)
    with serve_pages(slow(pages, 3.0)) as url:
        toy = Toy(tmp_path, pages, url, [])
        victim = toy.start_crawl(1)
        os.kill(victim.pid, signal.SIGKILL)
        victim.communicate(timeout=30)
        result = toy.crawl(2)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "left running by a dead crawl" in result.stderr
    runs = toy.store().runs("toy")
    assert [r.status for r in runs] == ["ok", "failed"]
    assert runs[1].stats["close_reason"] == "stale_lock"
