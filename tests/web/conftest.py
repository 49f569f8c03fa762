"""Fixtures of the web app's tests: the demo world crawled once per test session.

Every web test reads the same index: the static sample markets crawled on day 1, then on
day 2 (so listings have history and some are removed), into one temporary data dir. Tests
that write (users, the audit log, saved searches) use their own copy of `web/` or their
own users, never each other's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import run_vigil

SEED, LISTINGS = 7, 40
STATIC_MARKETS = ("nightowl", "rc-labor")


@dataclass(frozen=True)
class DemoIndex:
    data: Path
    seed: int = SEED
    listings: int = LISTINGS


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> DemoIndex:
    """The demo world's static markets crawled on day 1 and day 2 into a fresh data dir."""
    data = tmp_path_factory.mktemp("web-demo") / "data"
    for day in ("1", "2"):
        result = run_vigil("demo", "run", "--day", day, "--seed", str(SEED), "--listings", str(LISTINGS),
                           "--data-dir", str(data), "--progress", "0",
                           *(arg for market in STATIC_MARKETS for arg in ("--market", market)),
                           env={"VIGIL_REMOVE_AFTER_RUNS": "1"})
        assert result.returncode == 0, result.stderr[-3000:]
    return DemoIndex(data)
