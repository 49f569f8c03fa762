"""Test helpers: real-data location, the marker rule (nothing skips in CI), the CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def vigil_on_a_terminal(*args: str, stdin_too: bool = False) -> tuple[int, bytes, bytes]:
    """`vigil ARGS` with stdout (and, with `stdin_too`, stdin) on a pseudo-terminal: the exit code,
    what the terminal got, and stderr (sent to the terminal too with `stdin_too`)."""
    import subprocess
    import sys

    master, slave = os.openpty()
    env = {**os.environ, "VIGIL_PROGRESS_INTERVAL": "0"}
    try:
        proc = subprocess.Popen([sys.executable, "-m", "vigil", *args], stdout=slave,
                                stdin=slave if stdin_too else None,
                                stderr=subprocess.STDOUT if stdin_too else subprocess.PIPE, env=env, cwd=ROOT)
    finally:
        os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the program closed its end of the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    stderr = proc.stderr.read() if proc.stderr else b""
    return proc.wait(timeout=120), shown, stderr


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
