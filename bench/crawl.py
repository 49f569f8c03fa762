"""Crawl throughput: Vigil end to end (crawl, evidence, extract, version, index) beside the
same Scrapy crawl with no pipelines, on one static sample market served from loopback.

    .venv/bin/python bench/crawl.py [--listings 10000] [--market nightowl]

Prints listings per second for both and their ratio (machines here are noisy: compare the
ratio, not the seconds). Both runs fetch the same pages with the same spider, no
politeness delay and no interstitials.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.config import load_market  # noqa: E402
from crawler.secrets import env_name  # noqa: E402
from demo import DEMO_CREDENTIALS, World  # noqa: E402
from demo.server import start  # noqa: E402
from vigil.demo_run import demo_login  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    began = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - began
    if result.returncode not in (0, 4):
        sys.exit(f"{command[2:4]} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return elapsed, result.stdout + result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--market", default="nightowl")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    config = load_market(ROOT / "config" / "markets", args.market)
    world = World(seed=args.seed, listings=args.listings, day=1, interstitial_rate=0.0)
    active = len(world.truth()[args.market].listings)
    handle = start(world, host="127.0.0.1")
    url = handle.urls[args.market]
    env = {**os.environ, "VIGIL_NO_POLITENESS": "1", "VIGIL_PROGRESS_INTERVAL": "0"}
    if config.session.cookie_name:
        env[env_name(args.market)] = demo_login(url, DEMO_CREDENTIALS, config.session.cookie_name)
    python = str(Path(sys.executable))
    try:
        with tempfile.TemporaryDirectory() as scratch:
            bare, _ = timed(
                [python, "-m", "scrapy", "crawl", "market", "-a", f"market={args.market}",
                 "-a", f"mirror={url}", "-s", "ITEM_PIPELINES={}", "-s", "EXTENSIONS={}",
                 "-s", "LOG_LEVEL=WARNING", "-s", f"VIGIL_DATA_DIR={scratch}/bare"],
                env,
            )
            full, out = timed(
                [python, "-m", "vigil", "crawl", args.market, "--mirror", f"{args.market}={url}",
                 "--data-dir", f"{scratch}/full", "--progress", "0"],
                env,
            )
    finally:
        handle.stop()
    print(f"market {args.market}: {active} active listings on day 1 (seed {args.seed})")
    summary = [line for line in out.splitlines() if line.startswith(("market ", args.market))]
    print("\n".join(summary))
    print(f"{'run':<34} {'seconds':>8} {'listings/s':>11}")
    print(f"{'scrapy, no pipelines (baseline)':<34} {bare:>8.1f} {active / bare:>11.0f}")
    print(f"{'vigil end to end':<34} {full:>8.1f} {active / full:>11.0f}")
    print(f"ratio end-to-end / baseline time: {full / bare:.2f}x")


if __name__ == "__main__":
    main()
