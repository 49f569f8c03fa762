"""Fixtures of the web app's tests: the demo world crawled once per test session, and the
app itself running in a real process, driven by a real Chromium.

Every web test reads the same index: the static sample markets crawled on day 1, then on
day 2 (so listings have history and some are removed), into one temporary data dir. Tests
that write (users, the audit log, saved searches) use their own copy of `web/` or their
own users, never each other's.

The browser tests (`@pytest.mark.browser`) read another index, `hostile_index`: the same
markets with nightowl showing the hostile corpus (demo/hostile.py), served by `vigil web`
as a subprocess on a free loopback port (`web_app`), one user per role made with
`vigil users add`, in Debian's Chromium through pytest-playwright (one browser a session).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, need_chromium, run_vigil
from webharness import HostileIndex, WebApp, add_user, free_port, log_in

SEED, LISTINGS = 7, 40
STATIC_MARKETS = ("nightowl", "rc-labor")
HOSTILE_LISTINGS = 60  # nightowl shows every title payload (demo.hostile) on its first 60 listings
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
WEB_ROLES = ("admin", "monitor", "investigator", "compliance")


@dataclass(frozen=True)
class DemoIndex:
    data: Path
    seed: int = SEED
    listings: int = LISTINGS


def _crawl(data: Path, listings: int, *extra: str) -> None:
    """The static sample markets crawled on day 1, then day 2, into `data`."""
    for day in ("1", "2"):
        result = run_vigil("demo", "run", "--day", day, "--seed", str(SEED), "--listings", str(listings),
                           "--data-dir", str(data), "--progress", "0", *extra,
                           *(arg for market in STATIC_MARKETS for arg in ("--market", market)),
                           env={"VIGIL_REMOVE_AFTER_RUNS": "1"})
        assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> DemoIndex:
    """The demo world's static markets crawled on day 1 and day 2 into a fresh data dir."""
    data = tmp_path_factory.mktemp("web-demo") / "data"
    _crawl(data, LISTINGS)
    return DemoIndex(data)


# -- the hostile world -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> HostileIndex:
    from demo import World

    data = tmp_path_factory.mktemp("web-hostile") / "data"
    _crawl(data, HOSTILE_LISTINGS, "--hostile")
    world = World(seed=SEED, listings=HOSTILE_LISTINGS, day=1, hostile=True)
    return HostileIndex(data, world.hostile_truth(), world.truth("nightowl")["nightowl"].listings)


# -- the app in its own process --------------------------------------------------------------

@pytest.fixture(scope="session")
def web_app(hostile_index: HostileIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    """`vigil web` on the hostile index, on a free loopback port, with its test hooks on."""
    users = {role: (f"c-{role}", secrets.token_urlsafe(12)) for role in WEB_ROLES}
    for role, (name, password) in users.items():
        add_user(hostile_index.data, name, role, password)
    port = free_port()
    log = tmp_path_factory.mktemp("web-app") / "vigil-web.log"
    env = {**os.environ, "VIGIL_DATA_DIR": str(hostile_index.data), "VIGIL_WEB_TEST_HOOKS": "1",
           "VIGIL_PROGRESS_INTERVAL": "0"}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "vigil", "web", "--host", "127.0.0.1",
                                    "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env,
                                   cwd=ROOT)
    app = WebApp(f"http://127.0.0.1:{port}", hostile_index.data, log, users)
    try:
        _wait_until_up(app, process)
        yield app
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _wait_until_up(app: WebApp, process: subprocess.Popen[bytes], limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"vigil web exited with {process.returncode}:\n{app.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(app.url + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"vigil web did not answer on {app.url} within {limit:.0f} s:\n{app.log.read_text()[-3000:]}")


# -- Chromium --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium, headless (Playwright's download is unavailable)."""
    return {**browser_type_launch_args, "executable_path": need_chromium(), "headless": True,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests write their screenshots (printed at the end of the session)."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def sign_in(browser: Any, web_app: WebApp, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """role -> a storage-state file of a session signed in through the login form (once a role:
    the app rate-limits logins)."""
    states: dict[str, Path] = {}
    folder = tmp_path_factory.mktemp("browser-states")

    def state(role: str) -> Path:
        if role not in states:
            context = browser.new_context(base_url=web_app.url)
            try:
                page = context.new_page()
                log_in(page, *web_app.users[role])
                states[role] = folder / f"{role}.json"
                context.storage_state(path=str(states[role]))
            finally:
                context.close()
        return states[role]

    return state


