"""The JavaScript sample market as a dark market: swapbay under a fake `.onion` name, rendered
in Chromium through a real SOCKS5 server on loopback (demo.socks, standing in for Tor).

The server connects out from 127.0.0.2, so the market can tell every request came through
it; the crawl process records every name it asks the system resolver for (tests/dnswatch).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, need_chromium, run_vigil, write_config_dir

from demo import World
from demo.server import Handle, start
from demo.socks import SocksServer, onion_name
from index.sqlite import SqliteStore

pytestmark = [pytest.mark.browser, pytest.mark.tor]

ONION = onion_name("swapbay-test")
DNSWATCH = ROOT / "tests" / "dnswatch"


def onion_swapbay(proxy: str | None = None) -> dict:
    data = yaml.safe_load((ROOT / "config" / "markets" / "swapbay.yaml").read_text())
    data.update(kind="darknet", mirrors=[f"http://{ONION}"],
                access={"mode": "tor", **({"proxy": proxy} if proxy else {})})
    data["politeness"]["retries"] = 1
    return data


@dataclass
class Dark:
    world: World
    handle: Handle
    socks: SocksServer

    def crawl(self, folder: Path, data_dir: Path, dns_log: Path):
        return run_vigil(
            "crawl", "swapbay", "--config-dir", str(folder), "--data-dir", str(data_dir),
            env={"VIGIL_TOR_PROXY": self.socks.url, "VIGIL_TEST_DNS_LOG": str(dns_log),
                 "PYTHONPATH": os.pathsep.join([str(DNSWATCH), os.environ.get("PYTHONPATH", "")])},
        )


@pytest.fixture(scope="module")
def dark() -> Iterator[Dark]:
    need_chromium()
    world = World(seed=17, listings=25, day=1)
    handle = start(world, host="127.0.0.1")
    socks = SocksServer(routes={ONION: handle.address("swapbay")}).start()
    try:
        yield Dark(world, handle, socks)
    finally:
        socks.stop()
        handle.stop()


@pytest.fixture(scope="module")
def crawled(dark: Dark, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("browser-tor")
    folder = write_config_dir(tmp / "config", onion_swapbay())
    dns_log = tmp / "dns.log"
    result = dark.crawl(folder, tmp / "data", dns_log)
    return {
        "result": result,
        "store": SqliteStore(tmp / "data" / "vigil.sqlite3"),
        "clients": dark.handle.clients("swapbay"),
        "connections": list(dark.socks.connections),
        "dns": dns_log.read_text().splitlines() if dns_log.exists() else [],
    }


def test_chromium_through_the_proxy_finds_every_listing(dark, crawled):
    assert crawled["result"].returncode == 0, crawled["result"].stderr[-3000:]
    truth = dark.world.truth()["swapbay"]
    assert crawled["store"].count_listings("swapbay") == len(truth.listings)
    assert crawled["store"].runs("swapbay")[0].stats["vigil/browser/pages_opened"] > len(truth.listings)


def test_the_market_saw_only_the_proxy_and_the_proxy_saw_every_request(crawled):
    clients = crawled["clients"]
    # every page load, script and JSON call of the browser
    assert len(clients) > 3 * crawled["store"].count_listings("swapbay")
    assert set(clients) == {"127.0.0.2"}  # the proxy's outbound address, never the crawler's
    # nothing else: no call home to Google, no HTTPS upgrade attempt
    assert {(c.host, c.port) for c in crawled["connections"]} == {(ONION, 80)}


def test_chromium_handed_the_onion_name_to_the_proxy_and_nothing_was_resolved_here(crawled):
    assert all(c.address_type == "domain" for c in crawled["connections"])
    assert crawled["dns"], "the resolver watch saw nothing: it is not live"
    assert not [line for line in crawled["dns"] if ".onion" in line], crawled["dns"]


def test_a_proxy_that_dies_mid_crawl_stops_chromium_and_nothing_goes_direct(dark, tmp_path):
    """The preflight finds something listening, then the port closes: Chromium's first page
    load fails on the proxy, the crawl stops (failed, naming the proxy), and the market sees
    no request."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def probe_then_close() -> None:
        conn, _ = listener.accept()
        conn.close()
        listener.close()

    threading.Thread(target=probe_then_close, daemon=True).start()
    folder = write_config_dir(tmp_path / "config", onion_swapbay(proxy=f"socks5h://127.0.0.1:{port}"))
    before = len(dark.handle.clients("swapbay"))
    result = dark.crawl(folder, tmp_path / "data", tmp_path / "dns.log")
    assert result.returncode == 1, result.stderr[-3000:]
    assert f"127.0.0.1:{port} does not answer Chromium" in result.stderr
    assert len(dark.handle.clients("swapbay")) == before
    run = SqliteStore(tmp_path / "data" / "vigil.sqlite3").runs("swapbay")[0]
    assert run.status == "failed" and run.stats["close_reason"] == "proxy_unreachable"
