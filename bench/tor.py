"""The cost of Tor routing: the sample dark market crawled end to end directly, beside the same
crawl under an onion name through the SOCKS5 stand-in for Tor (demo.socks) and Vigil's SOCKS
download handler.

    .venv/bin/python bench/tor.py [--listings 2000]

Prints seconds and listings per second for both and their ratio (compare the ratio: the
machine is noisy). The stand-in adds no network latency, so the ratio is the handler's and
the proxy hop's own cost; through real Tor, circuit latency dominates everything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crawl import timed  # noqa: E402

from demo import DEMO_CREDENTIALS, World  # noqa: E402
from demo.server import start  # noqa: E402
from demo.socks import SocksServer, onion_name  # noqa: E402
from vigil.demo_run import demo_login  # noqa: E402

MARKET = "nightowl"


def onion_config(folder: Path, onion: str) -> Path:
    """A config dir whose nightowl is reached as a dark market: its onion name, through Tor."""
    (folder / "markets").mkdir(parents=True)
    data = yaml.safe_load((ROOT / "config" / "markets" / f"{MARKET}.yaml").read_text())
    data["mirrors"] = [f"http://{onion}"]
    data["access"] = {"mode": "tor"}
    (folder / "markets" / f"{MARKET}.yaml").write_text(yaml.safe_dump(data))
    shutil.copy(ROOT / "config" / "rates.yaml", folder / "rates.yaml")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    world = World(seed=args.seed, listings=args.listings, day=1, interstitial_rate=0.0)
    active = len(world.truth()[MARKET].listings)
    handle = start(world, host="127.0.0.1")
    onion = onion_name("bench")
    socks = SocksServer(routes={onion: handle.address(MARKET)}).start()
    url = handle.urls[MARKET]
    env = {**os.environ, "VIGIL_NO_POLITENESS": "1", "VIGIL_PROGRESS_INTERVAL": "0",
           "VIGIL_SECRETS_FILE": "/nonexistent", "VIGIL_TOR_PROXY": socks.url,
           "VIGIL_SESSION_NIGHTOWL": demo_login(url, DEMO_CREDENTIALS, "owl_session")}
    python = str(Path(sys.executable))
    try:
        with tempfile.TemporaryDirectory() as scratch:
            direct, _ = timed([python, "-m", "vigil", "crawl", MARKET, "--mirror", f"{MARKET}={url}",
                               "--data-dir", f"{scratch}/direct"], env)
            config = onion_config(Path(scratch) / "config", onion)
            tor, _ = timed([python, "-m", "vigil", "crawl", MARKET, "--config-dir", str(config),
                            "--data-dir", f"{scratch}/tor"], env)
    finally:
        socks.stop()
        handle.stop()
    through = sum(1 for c in socks.connections if c.host == onion)
    print(f"market {MARKET}: {active} active listings on day 1 (seed {args.seed}); "
          f"{through} connections through the SOCKS stand-in")
    print(f"{'run':<40} {'seconds':>8} {'listings/s':>11}")
    print(f"{'direct, Scrapy HTTP/1.1 handler (baseline)':<40} {direct:>8.1f} {active / direct:>11.0f}")
    print(f"{'onion via SOCKS5 stand-in, httpx handler':<40} {tor:>8.1f} {active / tor:>11.0f}")
    print(f"ratio tor / direct time: {tor / direct:.2f}x")


if __name__ == "__main__":
    main()
