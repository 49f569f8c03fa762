"""A session lost half-way through a crawl (the sample market expires it): the run ends
`needs_session` loudly, keeps what it collected and removes nothing; with a fresh session,
imported from a cookies.txt, the next crawl completes `ok`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest
from helpers import run_vigil

from demo import DEMO_CREDENTIALS, World, changes, day_date
from demo.server import Handle, start
from index.sqlite import SqliteStore
from vigil.demo_run import demo_login_cookies

SEED, LISTINGS = 13, 120
COMMAND = 'vigil session set nightowl --cookies FILE --user-agent "UA"'
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture()
def served() -> Iterator[Handle]:
    handle = start(World(seed=SEED, listings=LISTINGS, day=1, interstitial_rate=0.0))
    yield handle
    handle.stop()


def test_a_session_lost_half_way_ends_needs_session_then_a_fresh_one_completes(served, tmp_path):
    url = served.urls["nightowl"]
    env = {"VIGIL_SECRETS_FILE": str(tmp_path / "secrets.yaml"), "VIGIL_SESSION_NIGHTOWL": "",
           "VIGIL_REMOVE_AFTER_RUNS": "1"}  # the first complete run removes what vanished

    def crawl(day: int):
        clock = datetime.combine(day_date(day), time(12), tzinfo=UTC).isoformat()
        return run_vigil("crawl", "nightowl", "--mirror", f"nightowl={url}",
                         "--data-dir", str(tmp_path / "data"), env={**env, "VIGIL_CLOCK": clock})

    # day 1: a session from `vigil demo login`, a complete crawl
    login = run_vigil("demo", "login", "--url", url, env=env)
    assert login.returncode == 0, login.stderr
    assert crawl(1).returncode == 0
    store = SqliteStore(tmp_path / "data" / "vigil.sqlite3")
    day1 = store.count_listings("nightowl", "active")
    assert day1 == len(served.world.truth()["nightowl"].listings)

    # day 2: the market logs the crawler out after 60 pages
    served.set_day(2)
    served.world.session_lifetime = 60
    assert run_vigil("demo", "login", "--url", url, env=env).returncode == 0
    lost = crawl(2)
    assert lost.returncode == 3, lost.stderr[-3000:]
    error_lines = [line for line in lost.stderr.splitlines() if "ERROR" in line and COMMAND in line]
    assert error_lines and "login wall at" in error_lines[0] and "redirected from" in error_lines[0]
    assert COMMAND in lost.stdout  # the end-of-run summary
    run = store.runs("nightowl")[0]
    assert run.status == "needs_session"
    assert COMMAND in run.stats["vigil/close_message"]
    # what it collected before is in the index; nothing was marked removed
    truth2 = served.world.truth()["nightowl"].listings
    got = [store.get_listing("nightowl", i) for i in truth2]
    seen2 = [g for g in got if g is not None and g.last_seen.date() == day_date(2)]
    assert 0 < len(seen2) < len(truth2)
    assert store.count_listings("nightowl", "removed") == 0
    assert not run.stats.get("vigil/listings/removed")

    # a fresh login, exported the way a browser extension writes cookies.txt, imported
    served.world.session_lifetime = 0
    lines = ["# Netscape HTTP Cookie File", ""]
    for c in demo_login_cookies(url, DEMO_CREDENTIALS, UA):
        prefix = "#HttpOnly_" if c.http_only else ""
        expiry = int(c.expires or 0)
        lines.append(f"{prefix}{c.domain}\tFALSE\t{c.path}\tFALSE\t{expiry}\t{c.name}\t{c.value}")
    (tmp_path / "cookies.txt").write_text("\n".join(lines) + "\n")
    imported = run_vigil("session", "set", "nightowl", "--cookies", str(tmp_path / "cookies.txt"),
                         "--user-agent", UA, env=env)
    assert imported.returncode == 0, imported.stderr
    done = crawl(2)
    assert done.returncode == 0, done.stderr[-3000:]
    assert store.runs("nightowl")[0].status == "ok"
    removed = changes(SEED, LISTINGS, 1, 2)["nightowl"].removed
    assert store.count_listings("nightowl", "removed") == len(removed)
    assert store.count_listings("nightowl", "active") == len(truth2)
