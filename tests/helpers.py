"""Test helpers: real-data location, the marker rule (nothing skips in CI), the CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def realdata_dir() -> Path:
    return Path(os.environ.get("VIGIL_REALDATA", ROOT.parent / "shared" / "real-data"))


def need(condition: bool, what: str) -> None:
    """Skip outside CI with a message saying what to install; fail in CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true): nothing may skip")
    pytest.skip(f"{what} not available (a skip outside CI only; CI=true fails instead)")


def run_vigil(*args: str, env: dict[str, str] | None = None, timeout: float = 600):
    """Run the `vigil` command in a fresh process (Scrapy's reactor runs once per process)."""
    import subprocess
    import sys

    full_env = {**os.environ, "VIGIL_PROGRESS_INTERVAL": "0", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "vigil", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=ROOT,
    )


def write_config_dir(folder: Path, *markets: dict) -> Path:
    """A config dir as a unit would keep one: `markets/<id>.yaml` for each market given, and
    the rate table (markets and rates always come from the same folder)."""
    import shutil

    import yaml

    (folder / "markets").mkdir(parents=True, exist_ok=True)
    for market in markets:
        (folder / "markets" / f"{market['id']}.yaml").write_text(yaml.safe_dump(market))
    shutil.copy(ROOT / "config" / "rates.yaml", folder / "rates.yaml")
    return folder


def need_chromium() -> str:
    """The Chromium that browser tests launch (`VIGIL_CHROMIUM`, else Debian's); skips outside
    CI, fails in CI, when it is missing."""
    from crawler.browser import DEFAULT_CHROMIUM, chromium_problem

    path = os.environ.get("VIGIL_CHROMIUM") or DEFAULT_CHROMIUM
    need(chromium_problem(path) is None, f"Chromium at {path} (apt-get install chromium)")
    return path
