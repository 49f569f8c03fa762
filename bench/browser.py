"""Browser crawl cost: peak memory and time of a browser crawl of swapbay (Chromium) beside a
static crawl of the same size of a static sample market, both served from loopback.

    .venv/bin/python bench/browser.py [--listings 1000] [--static rc-labor]

Memory is of the crawl process plus all its descendants (Chromium's browser, renderer, GPU
and utility processes, Playwright's driver), sampled from /proc every 0.5 s: summed RSS
(which counts pages shared between Chromium's processes, such as its 300 MB binary, once per
process) and summed PSS (shared pages split between their processes: the honest total). The
peak PSS of the first and the second half of each crawl shows whether memory grows with it.
Both crawls run end to end (`vigil crawl`: evidence, extraction, index) with no politeness
delay; swapbay as configured (screenshots on, concurrency 4). Machines here are noisy:
compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.config import load_market  # noqa: E402
from crawler.secrets import env_name  # noqa: E402
from demo import DEMO_CREDENTIALS, World  # noqa: E402
from demo.server import start  # noqa: E402
from vigil.demo_run import demo_login  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) bytes of `root` and every descendant, summed."""
    tree, rss, pss, todo = _children(), 0, 0, [root]
    while todo:
        pid = todo.pop()
        todo += tree.get(pid, [])
        with contextlib.suppress(OSError, IndexError, ValueError):  # a process that ended
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
    return rss, pss


@dataclass
class Figures:
    seconds: float
    samples: list[tuple[float, int, int]]  # (seconds since start, RSS, PSS)
    output: str

    @property
    def peak_rss(self) -> int:
        return max((s[1] for s in self.samples), default=0)

    @property
    def peak_pss(self) -> int:
        return max((s[2] for s in self.samples), default=0)

    def half_peaks(self) -> tuple[int, int]:
        half = self.seconds / 2
        first = max((s[2] for s in self.samples if s[0] < half), default=0)
        second = max((s[2] for s in self.samples if s[0] >= half), default=0)
        return first, second


def measured(command: list[str], env: dict[str, str]) -> Figures:
    began = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.perf_counter() - began, *tree_memory(process.pid)))
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    done.set()
    sampler.join()
    elapsed = time.perf_counter() - began
    if process.returncode not in (0, 4):
        sys.exit(f"{command[3:5]} failed ({process.returncode}):\n{err[-3000:]}")
    return Figures(elapsed, samples, out + err)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=1000)
    parser.add_argument("--static", default="rc-labor", help="the static market to compare with")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    world = World(seed=args.seed, listings=args.listings, day=1, interstitial_rate=0.0)
    truth = world.truth()
    handle = start(world, host="127.0.0.1")
    env = {**os.environ, "VIGIL_NO_POLITENESS": "1", "VIGIL_PROGRESS_INTERVAL": "0"}
    config = load_market(ROOT / "config" / "markets", args.static)
    if config.session.cookie_name:
        env[env_name(args.static)] = demo_login(handle.urls[args.static], DEMO_CREDENTIALS,
                                                config.session.cookie_name)
    python = str(Path(sys.executable))
    results = {}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for market in (args.static, "swapbay"):
                results[market] = measured(
                    [python, "-m", "vigil", "crawl", market, "--mirror", f"{market}={handle.urls[market]}",
                     "--data-dir", f"{scratch}/{market}", "--progress", "0"],
                    env,
                )
    finally:
        handle.stop()
    print(f"{args.listings} listings per market on day 1 (seed {args.seed}); active: "
          + ", ".join(f"{m} {len(truth[m].listings)}" for m in results))
    for market, figures in results.items():
        print("\n".join(line for line in figures.output.splitlines() if line.startswith(market + " ")))
    mb = 2**20
    print(f"{'crawl':<20} {'seconds':>8} {'listings/s':>10} {'peak RSS MB':>11} {'peak PSS MB':>11} "
          f"{'PSS 1st/2nd half MB':>20}")
    for market, f in results.items():
        label = f"{market} ({'Chromium' if market == 'swapbay' else 'static'})"
        halves = " / ".join(f"{peak / mb:.0f}" for peak in f.half_peaks())
        print(f"{label:<20} {f.seconds:>8.1f} {len(truth[market].listings) / f.seconds:>10.1f} "
              f"{f.peak_rss / mb:>11.0f} {f.peak_pss / mb:>11.0f} {halves:>20}")
    static, browser = results[args.static], results["swapbay"]
    print(f"ratio browser / static: time {browser.seconds / static.seconds:.1f}x, "
          f"peak RSS {browser.peak_rss / static.peak_rss:.1f}x, "
          f"peak PSS {browser.peak_pss / static.peak_pss:.1f}x")


if __name__ == "__main__":
    main()
