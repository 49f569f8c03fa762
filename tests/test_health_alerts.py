"""Crawl health end to end: a sample market crawled twice, then its layout changes; the next
run raises a selector-breakage alert that names the market and the field, is in the run
record, and reaches a real webhook receiver and a real SMTP server on loopback. A sink that
fails never fails the run; `vigil health` shows it all and exits 1 while the alert is open."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from alert_sinks import Mailbox, Webhook, free_port, smtp_sink, webhook_receiver
from helpers import run_vigil

from demo import World
from demo.server import Handle, start
from index.sqlite import SqliteStore
from vigil.services.errors import UsageError
from vigil.services.health import exit_code, market_health
from vigil.settings import load_settings

MARKET = "rc-labor"
RECIPIENTS = ["ops@unit.example", "oncall@unit.example"]


@pytest.fixture(scope="session")
def webhook() -> Iterator[Webhook]:
    with webhook_receiver() as hook:
        yield hook


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    with smtp_sink() as box:
        yield box


@dataclass
class Crawls:
    data_dir: Path
    results: list = field(default_factory=list)  # one finished `vigil crawl` per run, in order
    posts_before_layout_change: int = 0
    mails_before_layout_change: int = 0
    snapshot_with_open_alert: Path | None = None

    def run(self, n: int):
        """Run number n (1-based) as the store recorded it."""
        return SqliteStore(self.data_dir / "vigil.sqlite3").runs(MARKET)[::-1][n - 1]


def _snapshot(data_dir: Path, to: Path) -> Path:
    to.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(data_dir / "vigil.sqlite3") as source, sqlite3.connect(to / "vigil.sqlite3") as copy:
        source.backup(copy)
    return to


@pytest.fixture(scope="module")
def markets() -> Iterator[Handle]:
    """The simulator's markets, 40 listings each, on loopback."""
    handle = start(World(seed=23, listings=40, day=1))
    try:
        yield handle
    finally:
        handle.stop()


def crawl(handle: Handle, market: str, data_dir: Path, env: dict[str, str]):
    # every listing page read in full: the fill rates compare whole runs (with conditional
    # requests, a run of the same day reads no unchanged page, and counts no field there)
    env = {"VIGIL_SECRETS_FILE": "/nonexistent", "VIGIL_SESSION_NIGHTOWL": "",
           "VIGIL_CONDITIONAL_REQUESTS": "0", **env}
    mirror = f"{market}={handle.urls[market]}"
    return run_vigil("crawl", market, "--mirror", mirror, "--data-dir", str(data_dir), env=env)


@pytest.fixture(scope="module")
def crawls(
    markets: Handle, webhook: Webhook, mailbox: Mailbox, tmp_path_factory: pytest.TempPathFactory
) -> Crawls:
    """Five crawls of a 40-listing market: two normal, two after the layout change (the first
    with live sinks, the second with sinks that do not answer), one after it is undone."""
    handle = markets
    found = Crawls(tmp_path_factory.mktemp("health"))
    live = {
        "VIGIL_ALERT_WEBHOOK_URL": f"{webhook.url}/hooks/vigil",
        "VIGIL_ALERT_SMTP_HOST": mailbox.host,
        "VIGIL_ALERT_SMTP_PORT": str(mailbox.port),
        "VIGIL_ALERT_SMTP_FROM": "vigil@unit.example",
        "VIGIL_ALERT_SMTP_TO": ", ".join(RECIPIENTS),
    }
    dead = {**live, "VIGIL_ALERT_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/hooks/TOKEN-123",
            "VIGIL_ALERT_SMTP_PORT": str(free_port()), "VIGIL_ALERT_TIMEOUT": "2"}

    def run(sinks: dict[str, str]) -> None:
        found.results.append(crawl(handle, MARKET, found.data_dir, sinks))

    try:
        run(live)
        run(live)
        found.posts_before_layout_change = len(webhook.posts)
        found.mails_before_layout_change = len(mailbox.messages)
        handle.set_layout(2)
        run(live)
        run(dead)
        found.snapshot_with_open_alert = _snapshot(found.data_dir, tmp_path_factory.mktemp("open-alert"))
    finally:
        handle.set_layout(1)
    run(live)
    return found


def test_every_crawl_completes(crawls):
    for result in crawls.results:
        assert result.returncode == 0, result.stderr[-3000:]
    assert [crawls.run(n).status for n in range(1, 6)] == ["ok"] * 5


def test_normal_runs_raise_no_alert_and_send_nothing(crawls):
    for n in (1, 2):
        assert crawls.run(n).stats["vigil/health/alerts"] == []
        assert crawls.run(n).stats["vigil/fields/vendor/filled"] == 40
        assert crawls.run(n).stats["vigil/fields/vendor.contacts/filled"] == 1  # the shop's contact page
    assert crawls.posts_before_layout_change == 0 and crawls.mails_before_layout_change == 0


def test_a_layout_change_raises_a_selector_breakage_alert_in_the_run_record(crawls):
    run = crawls.run(3)
    assert run.stats.get("vigil/fields/vendor/filled", 0) == 0
    assert run.stats["vigil/fields/vendor/seen"] == 40
    (alert,) = run.stats["vigil/health/alerts"]
    assert (alert["kind"], alert["market"], alert["field"], alert["severity"]) == (
        "field_fill_drop", MARKET, "vendor", "error")
    assert (alert["value"], alert["baseline"]) == (0.0, 1.0)
    assert "field vendor" in alert["message"]
    assert run.stats["vigil/health/delivered"] == ["webhook", "email"]
    log = crawls.results[2].stderr
    assert "ERROR: health alert (field_fill_drop): rc-labor: field vendor filled in 0%" in log
    assert "FAIL: Fields/fields still filled" in log  # Spidermon's report: the monitor that failed
    assert "health ERROR field_fill_drop: rc-labor: field vendor filled in 0%" in crawls.results[2].stdout


def test_the_alert_reaches_the_webhook(crawls, webhook):
    (path, body) = webhook.posts[0]
    assert path == "/hooks/vigil"
    assert (body["market"], body["run_id"], body["status"], body["severity"]) == (
        MARKET, crawls.run(3).id, "ok", "error")
    assert [(a["kind"], a["field"]) for a in body["alerts"]] == [("field_fill_drop", "vendor")]
    assert len(webhook.posts) == 1  # the dead-sink run reached nothing, the recovered run sent nothing


def test_the_alert_reaches_the_smtp_sink(crawls, mailbox):
    assert len(mailbox.messages) == 1
    sender, recipients, message = mailbox.messages[0]
    assert (sender, recipients) == ("vigil@unit.example", RECIPIENTS)
    assert "rc-labor" in message["Subject"] and "error" in message["Subject"]
    assert "field_fill_drop" in message.get_payload() and "field vendor" in message.get_payload()


def test_a_sink_that_fails_never_fails_the_run(crawls):
    run = crawls.run(4)
    assert crawls.results[3].returncode == 0 and run.status == "ok"
    assert [a["field"] for a in run.stats["vigil/health/alerts"]] == ["vendor"]  # still recorded
    assert run.stats["vigil/health/delivered"] == []
    log = crawls.results[3].stderr
    assert "alerts not delivered to the webhook at http://127.0.0.1:" in log
    assert "alerts not e-mailed through 127.0.0.1:" in log
    assert "TOKEN-123" not in log


def test_vigil_health_shows_the_open_alert_and_exits_1(crawls):
    result = run_vigil("health", "--data-dir", str(crawls.snapshot_with_open_alert))
    assert result.returncode == 1, result.stderr
    line = next(row for row in result.stdout.splitlines() if row.startswith(MARKET))
    assert line.split()[1] == "error" and line.split()[-4:] == ["40"] * 4
    assert "ERROR   field_fill_drop: rc-labor: field vendor" in result.stdout
    as_json = run_vigil("health", "--json", "--data-dir", str(crawls.snapshot_with_open_alert))
    assert as_json.returncode == 1
    markets = {m["market"]: m for m in json.loads(as_json.stdout)}
    assert markets["nightowl"]["state"] == "never_run" and markets["nightowl"]["last_run"] is None
    rc = markets[MARKET]
    assert (rc["state"], rc["last_run"]["id"], rc["checked"]) == ("error", 4, True)
    assert [(a["kind"], a["field"]) for a in rc["alerts"]] == [("field_fill_drop", "vendor")]
    assert [r["listings"] for r in rc["listings_trend"]] == [40, 40, 40, 40]


def test_the_next_healthy_run_closes_the_alert(crawls):
    assert crawls.run(5).stats["vigil/health/alerts"] == []
    found = market_health(load_settings(data_dir=str(crawls.data_dir)), MARKET)
    assert [(m["market"], m["state"], m["alerts"], len(m["listings_trend"])) for m in found] == [
        (MARKET, "ok", [], 5)]
    assert exit_code(found) == 0


def test_vigil_health_names_an_unknown_market(crawls):
    with pytest.raises(UsageError, match=r"unknown market 'nosuch'; configured: .*rc-labor"):
        market_health(load_settings(data_dir=str(crawls.data_dir)), "nosuch")


def test_a_first_run_that_loses_its_session_alerts_without_history(markets, tmp_path):
    result = crawl(markets, "nightowl", tmp_path, {})  # no session stored: the login wall
    assert result.returncode == 3, result.stderr[-3000:]
    run = SqliteStore(tmp_path / "vigil.sqlite3").runs("nightowl")[0]
    assert run.status == "needs_session"
    (alert,) = run.stats["vigil/health/alerts"]  # absolute: no earlier run needed
    assert (alert["kind"], alert["market"], alert["severity"]) == ("session_lost", "nightowl", "error")
    assert "vigil session set nightowl" in alert["message"]
    assert run.stats["vigil/health/delivered"] == []  # no sink configured
