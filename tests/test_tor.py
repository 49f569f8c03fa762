"""Tor routing that fails closed, against a real SOCKS5 server on loopback.

The server (demo.socks) stands in for Tor: it maps fake `.onion` names to the sample dark
market, resolves names itself, and connects out from 127.0.0.2, so the market can tell
that a request came through it. The crawl runs in its own process with a resolver watch
(tests/dnswatch) that records every name the process asks the system resolver for.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, run_vigil, write_config_dir

from demo import DEMO_CREDENTIALS, World
from demo.server import Handle, start
from demo.socks import SocksServer, onion_name
from index.sqlite import SqliteStore
from vigil.demo_run import demo_login

pytestmark = pytest.mark.tor

ONION = onion_name("nightowl-test")
MIRROR_2 = onion_name("nightowl-test-2")
DNSWATCH = ROOT / "tests" / "dnswatch"


def onion_market(proxy: str | None = None, mirrors: tuple[str, ...] = (ONION,)) -> dict:
    """The sample dark market's own config, reached as a real one is: onion mirrors, Tor."""
    data = yaml.safe_load((ROOT / "config" / "markets" / "nightowl.yaml").read_text())
    data["mirrors"] = [f"http://{m}" for m in mirrors]
    data["access"] = {"mode": "tor", **({"proxy": proxy} if proxy else {})}
    data["politeness"]["retries"] = 1
    return data


@dataclass
class DarkMarket:
    world: World
    handle: Handle
    socks: SocksServer
    cookie: str

    def crawl(self, folder: Path, data_dir: Path, dns_log: Path, **env: str):
        return run_vigil(
            "crawl", "nightowl", "--config-dir", str(folder), "--data-dir", str(data_dir),
            env={
                "VIGIL_SESSION_NIGHTOWL": self.cookie,
                "VIGIL_SECRETS_FILE": "/nonexistent",
                "VIGIL_TOR_PROXY": self.socks.url,
                "VIGIL_LOG_LEVEL": "INFO",
                "PYTHONPATH": os.pathsep.join([str(DNSWATCH), os.environ.get("PYTHONPATH", "")]),
                "VIGIL_TEST_DNS_LOG": str(dns_log),
                **env,
            },
        )


@pytest.fixture(scope="module")
def dark() -> Iterator[DarkMarket]:
    world = World(seed=5, listings=40, day=1)
    handle = start(world, host="127.0.0.1")
    target = handle.address("nightowl")
    socks = SocksServer(routes={ONION: target, MIRROR_2: target}).start()
    try:
        cookie = demo_login(handle.urls["nightowl"], DEMO_CREDENTIALS, "owl_session")
        yield DarkMarket(world, handle, socks, cookie)
    finally:
        socks.stop()
        handle.stop()


@pytest.fixture(scope="module")
def crawled(dark: DarkMarket, tmp_path_factory) -> dict:
    """One crawl through the proxy, shared by the assertions below."""
    tmp = tmp_path_factory.mktemp("tor")
    folder = write_config_dir(tmp / "config", onion_market())
    before = len(dark.handle.clients("nightowl"))
    dns_log = tmp / "dns.log"
    result = dark.crawl(folder, tmp / "data", dns_log)
    return {
        "result": result,
        "store": SqliteStore(tmp / "data" / "vigil.sqlite3"),
        "clients": dark.handle.clients("nightowl")[before:],
        "connections": list(dark.socks.connections),
        "dns": dns_log.read_text().splitlines() if dns_log.exists() else [],
    }


def test_crawl_through_the_proxy_finds_every_listing(dark, crawled):
    assert crawled["result"].returncode == 0, crawled["result"].stderr[-3000:]
    truth = dark.world.truth()["nightowl"]
    assert crawled["store"].count_listings("nightowl") == len(truth.listings)


def test_every_request_reached_the_market_from_the_proxy(crawled):
    clients = crawled["clients"]
    assert clients, "the market answered nothing"
    assert set(clients) == {"127.0.0.2"}  # the proxy's outbound address, never the crawler's


def test_the_proxy_was_asked_for_names_with_the_markets_own_credentials(crawled):
    asked = [c for c in crawled["connections"] if c.host == ONION]
    assert asked and all(c.address_type == "domain" for c in asked)
    credentials = {(c.username, c.password) for c in asked}
    assert len(credentials) == 1  # one circuit for the market (IsolateSOCKSAuth)
    username, _ = credentials.pop()
    assert username and "nightowl" not in username  # opaque: names neither market nor tool


def test_no_onion_name_reached_the_system_resolver(crawled):
    assert crawled["result"].returncode == 0
    # the watch is live: it saw the lookup of the proxy's own address
    assert any(line.endswith(" 127.0.0.1") for line in crawled["dns"]), crawled["dns"]
    assert not [line for line in crawled["dns"] if ".onion" in line], crawled["dns"]


def test_markets_crawled_together_get_separate_circuits(dark, tmp_path):
    other = onion_market(mirrors=(MIRROR_2,))
    other["id"] = "nightowl2"
    folder = write_config_dir(tmp_path / "config", onion_market(), other)
    start = len(dark.socks.connections)
    result = run_vigil(
        "crawl", "nightowl", "nightowl2", "--config-dir", str(folder), "--data-dir", str(tmp_path / "d"),
        env={"VIGIL_SESSION_NIGHTOWL": dark.cookie, "VIGIL_SESSION_NIGHTOWL2": dark.cookie,
             "VIGIL_SECRETS_FILE": "/nonexistent", "VIGIL_TOR_PROXY": dark.socks.url},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = dark.socks.connections[start:]
    by_host = {host: {c.username for c in seen if c.host == host} for host in (ONION, MIRROR_2)}
    assert all(len(names) == 1 for names in by_host.values()), by_host
    assert by_host[ONION] != by_host[MIRROR_2]


def test_with_the_proxy_stopped_nothing_is_fetched_and_the_crawl_fails_clearly(dark, tmp_path):
    stopped = SocksServer(routes={ONION: dark.handle.address("nightowl")}).start()
    url = stopped.url
    stopped.stop()
    folder = write_config_dir(tmp_path / "config", onion_market(proxy=url))
    before = len(dark.handle.clients("nightowl"))
    dns_log = tmp_path / "dns.log"
    result = dark.crawl(folder, tmp_path / "data", dns_log)
    assert result.returncode == 1
    assert "does not answer" in result.stderr and "fail closed" in result.stderr
    assert url.removeprefix("socks5h://") in result.stderr
    assert len(dark.handle.clients("nightowl")) == before  # no direct connection
    assert not dns_log.exists() or ".onion" not in dns_log.read_text()


def test_a_proxy_that_dies_mid_crawl_stops_the_crawl_without_going_direct(dark, tmp_path):
    """The preflight passes (something listens), then every connection through it fails:
    the crawl stops as failed, naming the proxy, and the market saw no direct request."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    folder = write_config_dir(tmp_path / "config", onion_market(proxy=f"socks5h://127.0.0.1:{port}"))
    before = len(dark.handle.clients("nightowl"))

    # accept the preflight's probe, then close the port: the crawl's own connections fail
    import threading

    def probe_then_close() -> None:
        conn, _ = listener.accept()
        conn.close()
        listener.close()

    threading.Thread(target=probe_then_close, daemon=True).start()
    result = dark.crawl(folder, tmp_path / "data", tmp_path / "dns.log")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "does not answer" in result.stderr
    assert len(dark.handle.clients("nightowl")) == before
    store = SqliteStore(tmp_path / "data" / "vigil.sqlite3")
    run = store.runs("nightowl")[0]
    assert run.status == "failed"


def test_validate_rejects_an_onion_mirror_with_direct_access(tmp_path):
    data = onion_market()
    data["access"] = {"mode": "direct"}
    folder = write_config_dir(tmp_path / "config", data)
    result = run_vigil("markets", "validate", "--config-dir", str(folder))
    assert result.returncode == 2
    assert "nightowl.yaml" in result.stderr + result.stdout
    assert "needs `access: {mode: tor}`" in result.stderr + result.stdout


def test_an_onion_mirror_tor_cannot_reach_hands_over_to_the_next(dark, tmp_path):
    """The proxy answers but cannot reach the first onion (Tor's "host unreachable"): that
    mirror is down, not the proxy, so the crawl moves on to the next onion mirror."""
    gone = onion_name("nightowl-seized")
    data = onion_market(mirrors=(gone, ONION))
    folder = write_config_dir(tmp_path / "config", data)
    result = dark.crawl(folder, tmp_path / "data", tmp_path / "dns.log")
    assert result.returncode == 0, result.stderr[-3000:]
    store = SqliteStore(tmp_path / "data" / "vigil.sqlite3")
    run = store.runs("nightowl")[0]
    assert run.stats["vigil/mirror"] == f"http://{ONION}"
    assert run.stats["vigil/mirror/rotated"] == 1
    assert any(c.host == gone and not c.routed for c in dark.socks.connections)
    assert store.count_listings("nightowl") == len(dark.world.truth()["nightowl"].listings)
