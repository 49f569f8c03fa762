"""Re-crawl cost: a sample market crawled on day 1, then on day 2, each crawl in its own
process; the CPU seconds of the day-2 crawl as a ratio of day 1's.

    .venv/bin/python bench/recrawl.py [--listings 10000] [--market rc-labor]

Checks the day-2 crawl against the simulator's truth (`demo.changes`, and what the simulator
served): only the new and the changed listings are fetched in full (200) and extracted; the
others answer 304 Not Modified (rc-labor serves validators) or, on a market without, are
fetched and kept from the extractor by their content hash. A mismatch exits 1. The last line
reads `ratio day2/day1: X`. Before it, day 2 crawled a second time (nothing changed) shows
what a re-crawl costs by itself: the process, the walk and one request per listing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.config import load_market  # noqa: E402
from crawler.secrets import env_name  # noqa: E402
from demo import DEMO_CREDENTIALS, World, changes, day_date  # noqa: E402
from demo.server import Handle, start  # noqa: E402
from vigil.demo_run import demo_login  # noqa: E402

#: The simulator's markets whose listing pages carry validators, and the path kind of those pages.
VALIDATED = {"rc-labor": "produkt"}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(handle: Handle, market: str, data: Path, day: int, env: dict[str, str]) -> tuple[float, dict]:
    """One crawl on `day` in a fresh process: its CPU seconds and its run's stats."""
    handle.set_day(day)
    handle.reset_served()
    clock = datetime.combine(day_date(day), time(12), tzinfo=UTC).isoformat()
    before = cpu_seconds()
    result = subprocess.run(
        [sys.executable, "-m", "vigil", "crawl", market, "--mirror", f"{market}={handle.urls[market]}",
         "--data-dir", str(data), "--progress", "0"],
        env={**env, "VIGIL_CLOCK": clock}, cwd=ROOT, capture_output=True, text=True,
    )
    spent = cpu_seconds() - before
    if result.returncode != 0:
        sys.exit(f"day {day}: the crawl ended {result.returncode}:\n{result.stderr[-3000:]}")
    with sqlite3.connect(data / "vigil.sqlite3") as conn:
        last = "SELECT stats FROM crawl_runs WHERE market = ? ORDER BY id DESC LIMIT 1"
        stats = json.loads(conn.execute(last, (market,)).fetchone()[0])
    return spent, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--market", default="rc-labor")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-again", action="store_true",
                        help="do not crawl day 2 a second time (the test at 10,000 listings)")
    args = parser.parse_args()
    market = args.market

    config = load_market(ROOT / "config" / "markets", market)
    world = World(seed=args.seed, listings=args.listings, day=1, interstitial_rate=0.0)
    handle = start(world, host="127.0.0.1")
    env = {**os.environ, "VIGIL_NO_POLITENESS": "1", "VIGIL_PROGRESS_INTERVAL": "0",
           "VIGIL_SECRETS_FILE": "/nonexistent"}
    if config.session.cookie_name:
        env[env_name(market)] = demo_login(handle.urls[market], DEMO_CREDENTIALS, config.session.cookie_name)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            day1, _ = crawl(handle, market, Path(scratch), 1, env)
            day2, stats2 = crawl(handle, market, Path(scratch), 2, env)
            served = handle.served(market)
            # day 2 once more: nothing changed, what the re-crawl machinery costs by itself
            again, stats_again = 0.0, {}
            if not args.skip_again:
                again, stats_again = crawl(handle, market, Path(scratch), 2, env)
    finally:
        handle.stop()

    sim = world.markets[market]
    ch = changes(args.seed, args.listings, 1, 2)[market]
    changed = ch.price_changed | ch.trade_changed
    active = len(sim.active_indices(2))
    expected = {
        "vigil/listings/new": len(ch.appeared),
        "vigil/listings/changed": len(changed),
        "vigil/listings/unchanged": active - len(ch.appeared) - len(changed),
        "vigil/extract/listings": len(ch.appeared) + len(changed),
    }
    if market in VALIDATED:
        kind = VALIDATED[market]
        pages = sim.pages_changed(1, 2) | changed  # a variant's price may move alone
        fetched = len(ch.appeared) + len(pages)
        expected_served = {(kind, 200): fetched, (kind, 304): active - fetched}
    else:
        expected_served = {}
    day_one = len(sim.active_indices(1))
    print(f"market {market}, seed {args.seed}: {day_one} listings on day 1, {active} on day 2")
    print(f"truth, day 1 -> 2: {len(ch.appeared)} new, {len(changed)} changed, {len(ch.removed)} vanished")
    print(f"{'day 2':<34} {'expected':>9} {'measured':>9}")
    mismatches = 0
    rows = [(name, want, int(stats2.get(name, 0))) for name, want in expected.items()]
    rows += [(f"served {kind} {status}", want, served.get((kind, status), 0))
             for (kind, status), want in expected_served.items()]
    for name, want, got in rows:
        flag = "" if want == got else "  MISMATCH"
        mismatches += want != got
        print(f"{name:<34} {want:>9} {got:>9}{flag}")
    print(f"extractions reused (content hash): {stats2.get('vigil/extract/listings_reused', 0)}; "
          f"pages not modified (304): {stats2.get('vigil/pages/not_modified', 0)}")
    print(f"share of day-2 listings new or changed: {(len(ch.appeared) + len(changed)) / active:.2f}")
    if not args.skip_again:
        print(f"day 2 crawled again (nothing changed): {stats_again.get('vigil/listings/unchanged', 0)} "
              "unchanged, "
              f"{stats_again.get('vigil/extract/listings', 0)} extracted, {again:.1f} CPU seconds, "
              f"{again / day1:.2f} of day 1")
    print(f"CPU seconds of the crawl process: day 1 {day1:.1f}, day 2 {day2:.1f}")
    if mismatches:
        print(f"{mismatches} count(s) differ from the simulator's truth", file=sys.stderr)
        print(f"ratio day2/day1: {day2 / day1:.2f}")
        sys.exit(1)
    print(f"ratio day2/day1: {day2 / day1:.2f}")


if __name__ == "__main__":
    main()
