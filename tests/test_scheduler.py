"""The crawl scheduler: cron slots, a restart that neither double-starts nor silently skips,
one crawl per market at a time, a clean stop, and real `vigil crawl` processes it starts."""

from __future__ import annotations

import json
import re
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, run_vigil, write_config_dir
from typer.testing import CliRunner

from crawler.config import ConfigError, parse_market
from crawler.schedule import SLOT_STAT, TRIGGER_STAT, ScheduleSpec
from index.records import CrawlRun, LockOwner, MarketLocked
from index.sqlite import SqliteStore
from vigil.cli.main import app
from vigil.scheduler import daemon
from vigil.scheduler.core import Launch, Scheduler
from vigil.scheduler.slots import latest_slot, next_slot, slot_key
from vigil.services.errors import UsageError
from vigil.settings import load_settings

T0 = datetime(2026, 1, 5, 12, 0, 30, tzinfo=UTC)
STEP = timedelta(seconds=10)


def at(hhmm: str) -> str:
    """A slot of T0's day, as recorded: "12:04" -> "2026-01-05T12:04:00+00:00"."""
    hour, minute = map(int, hhmm.split(":"))
    return slot_key(T0.replace(hour=hour, minute=minute, second=0))


# --- the market config's `schedule` --------------------------------------------------------
MINIMAL = {
    "id": "toy", "name": "Toy", "kind": "clearnet", "mirrors": ["http://127.0.0.1:9"],
    "navigation": {"start_urls": ["/"]},
    "listings": {"links": "a::attr(href)", "id_from_url": r"/item/(?P<id>\d+)"},
}  # fmt: skip


@pytest.mark.parametrize(
    ("schedule", "where", "expected"),
    [
        ({"cron": "0 */6 * *"}, "schedule.cron", 'expected a 5-field cron expression such as "0 */6 * * *"'),
        ({"cron": "0 0 */6 * * *"}, "schedule.cron", "expected a 5-field cron expression"),
        ({"cron": "61 * * * *"}, "schedule.cron", "is not valid: expected a 5-field cron expression"),
        ({"cron": "every day"}, "schedule.cron", "expected a 5-field cron expression"),
        ({"cron": "0 * * * *", "timezone": "Mars/Olympus"}, "schedule.timezone", "an IANA time zone"),
        ({"cron": "0 * * * *", "catch_up": "all"}, "schedule.catch_up", "'latest' or 'skip'"),
        ({"cron": "0 * * * *", "every": 5}, "schedule.every", "unknown setting"),
        ({"timezone": "UTC"}, "schedule.cron", "Field required"),
    ],
)
def test_invalid_schedule_names_file_field_and_expectation(schedule, where, expected):
    with pytest.raises(ConfigError) as caught:
        parse_market({**MINIMAL, "schedule": schedule}, "markets/toy.yaml")
    assert "markets/toy.yaml" in str(caught.value)
    assert any(loc == where and expected in msg for loc, msg in caught.value.problems), caught.value.problems


def test_schedule_is_optional_and_defaults_to_utc_and_latest():
    assert parse_market(MINIMAL, "toy").schedule is None
    spec = parse_market({**MINIMAL, "schedule": {"cron": " 0  */6 * * * "}}, "toy").schedule
    assert (spec.cron, spec.timezone, spec.catch_up) == ("0 */6 * * *", "UTC", "latest")
    assert parse_market({**MINIMAL, "schedule": {"cron": "@Daily"}}, "toy").schedule.cron == "@daily"


def test_markets_validate_rejects_a_bad_cron_with_exit_2(tmp_path):
    folder = write_config_dir(tmp_path, {**MINIMAL, "schedule": {"cron": "0 */6 * *"}})
    result = CliRunner().invoke(app, ["markets", "validate", str(folder / "markets" / "toy.yaml")])
    assert result.exit_code == 2
    assert "toy.yaml" in result.output and "schedule.cron: '0 */6 * *': expected a 5-field" in result.output


def test_crawl_schedule_options_are_checked_before_any_request():
    from vigil.services.crawls import schedule_args

    now = schedule_args(None, None, now=True, clock="2026-01-05T13:00:30.25+01:00")
    assert now == {"schedule_slot": "2026-01-05T12:00:30+00:00", "schedule_trigger": "manual"}
    assert schedule_args(None, None, now=False, clock="") == {}
    slot = schedule_args("2026-01-05T13:00:00+01:00", "catch_up", now=False, clock="")
    assert slot == {"schedule_slot": at("12:00"), "schedule_trigger": "catch_up"}
    for bad, expected in [
        (("2026-01-05T12:00:00", None, True), "--now is a manual run"),
        (("2026-01-05T12:00:00", None, False), "a slot needs its UTC offset"),
        (("noon", None, False), "expected an ISO 8601 time"),
        ((at("12:00"), "cron", False), "expected one of scheduled, catch_up, manual"),
        ((None, "scheduled", False), "--schedule-trigger needs --schedule-slot"),
    ]:
        with pytest.raises(UsageError, match=re.escape(expected)):
            schedule_args(bad[0], bad[1], now=bad[2], clock="")


# --- slots ---------------------------------------------------------------------------------
def test_a_slot_is_due_at_its_own_minute_and_read_in_the_schedules_time_zone():
    every6 = ScheduleSpec(cron="0 */6 * * *")
    noon = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    assert latest_slot(every6, noon) == noon
    assert latest_slot(every6, datetime(2026, 1, 5, 11, 59, 59, tzinfo=UTC)).hour == 6
    assert next_slot(every6, datetime(2026, 1, 5, 12, 0, tzinfo=UTC)).hour == 18
    berlin = ScheduleSpec(cron="30 2 * * *", timezone="Europe/Berlin")  # 02:30 in Berlin: 01:30 UTC
    assert next_slot(berlin, datetime(2026, 1, 5, tzinfo=UTC)) == datetime(2026, 1, 5, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "start", [datetime(2026, 3, 28, 22, tzinfo=UTC), datetime(2026, 10, 24, 22, tzinfo=UTC)],
    ids=["spring", "autumn"],
)
def test_latest_and_next_slot_agree_across_daylight_saving_changes(start):
    spec = ScheduleSpec(cron="*/30 * * * *", timezone="Europe/Berlin")
    enumerated, slot = [], latest_slot(spec, start)
    while slot < start + timedelta(hours=6):
        enumerated.append(slot)
        slot = next_slot(spec, slot)
    seen, now = [], start
    while now < start + timedelta(hours=6):
        due = latest_slot(spec, now)
        if not seen or seen[-1] != due:
            seen.append(due)
        now += timedelta(minutes=1)
    assert seen == enumerated
    assert len(set(seen)) == len(seen)


# --- the scheduler over simulated minutes, through a restart -------------------------------
class SimClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Lab:
    """Crawls that record their runs in a real index the way `vigil crawl` does: the market's
    lock, a run with its slot and trigger from its start, the run finished and the lock
    released at its end. Each takes `durations[market]` of simulated time."""

    def __init__(self, data_dir: Path, clock: SimClock, durations: dict[str, timedelta]) -> None:
        self.store = SqliteStore(data_dir / "vigil.sqlite3")
        self.clock = clock
        self.durations = durations
        self.active: Counter[str] = Counter()
        self.most_active: Counter[str] = Counter()
        self.refused: list[tuple[str, str]] = []  # (market, slot) refused by the market's lock

    def launch(self, market: str, slot: datetime, trigger: str) -> StoreCrawl:
        return StoreCrawl(self, market, slot, trigger)


class StoreCrawl:
    def __init__(self, lab: Lab, market: str, slot: datetime, trigger: str) -> None:
        self.lab, self.market, self.pid, self.code = lab, market, 0, None
        self.owner = LockOwner.here()
        try:
            lab.store.acquire_lock(market, self.owner, lab.clock(), 900)
        except MarketLocked:
            lab.refused.append((market, slot_key(slot)))
            self.code = 1  # as `vigil crawl`: exit 1 before a run is recorded
            return
        stats = {SLOT_STAT: slot_key(slot), TRIGGER_STAT: trigger}
        self.run = lab.store.start_run(CrawlRun(market, lab.clock(), stats=stats), self.owner)
        self.ends_at = lab.clock() + lab.durations[market]
        lab.active[market] += 1
        lab.most_active[market] = max(lab.most_active[market], lab.active[market])

    def poll(self) -> int | None:
        if self.code is None and self.lab.clock() >= self.ends_at:
            self._finish("ok", "finished", 0)
        return self.code

    def terminate(self) -> None:  # Scrapy's graceful stop: the run ends partial
        if self.code is None:
            self._finish("partial", "shutdown", 4)

    kill = terminate

    def _finish(self, status: str, reason: str, code: int) -> None:
        run = self.run
        run.finished_at, run.status = self.lab.clock(), status  # type: ignore[assignment]
        run.stats = {**run.stats, "close_reason": reason, "vigil/run_status": status}
        self.lab.store.finish_run(run)
        self.lab.store.release_lock(self.market, self.owner)
        self.lab.active[self.market] -= 1
        self.code = code


SCHEDULES = {
    "steady": ScheduleSpec(cron="* * * * *"),  # 30 s crawls: always done before the next slot
    "slow": ScheduleSpec(cron="* * * * *"),  # 70 s crawls: each overruns the next slot
    "skipper": ScheduleSpec(cron="* * * * *", catch_up="skip"),
}
DURATIONS = {"steady": timedelta(seconds=30), "slow": timedelta(seconds=70), "skipper": timedelta(seconds=30)}


def start_scheduler(settings, lab: Lab) -> Scheduler:
    """A new scheduler instance, knowing only what the index says (as after a restart)."""
    served = daemon.served_slots(settings, list(SCHEDULES))
    return Scheduler(SCHEDULES, served, lab.launch, lab.clock, max_crawls=3,
                     on_exit=daemon.RunRecorder(settings))


def run_until(scheduler: Scheduler, clock: SimClock, end: datetime, orphans: tuple = ()) -> None:
    """Tick every 10 simulated seconds; `orphans` are crawls a dead scheduler left running."""
    while clock.now < end:
        scheduler.tick()
        for crawl in orphans:
            crawl.poll()
        clock.now += STEP


def served(lab: Lab, market: str) -> list[tuple[str, str]]:
    runs = sorted(lab.store.runs(market, 100), key=lambda r: r.id or 0)
    return [(r.stats[SLOT_STAT], r.stats[TRIGGER_STAT]) for r in runs]


def test_one_minute_cron_through_a_restart_no_double_start_no_missed_run(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path)
    clock = SimClock(T0)
    lab = Lab(tmp_path, clock, DURATIONS)

    first = start_scheduler(settings, lab)  # nothing served yet: `latest` catches up at once
    run_until(first, clock, T0.replace(minute=5, second=0))
    daemon.shut_down(first, grace=0, sleep=lambda _: None)  # SIGTERM: running crawls end partial

    clock.now = T0.replace(minute=9, second=15)  # down for slots 12:05 to 12:09
    second = start_scheduler(settings, lab)
    run_until(second, clock, T0.replace(minute=12, second=0))
    daemon.shut_down(second, grace=0, sleep=lambda _: None)

    scheduled = lambda *slots: [(at(s), "scheduled") for s in slots]  # noqa: E731
    caught_up = lambda *slots: [(at(s), "catch_up") for s in slots]  # noqa: E731
    # every slot while up; after the restart one catch-up, for the newest missed slot
    assert served(lab, "steady") == [
        *caught_up("12:00"), *scheduled("12:01", "12:02", "12:03", "12:04"),
        *caught_up("12:09"), *scheduled("12:10", "12:11"),
    ]  # fmt: skip
    # `skip`: missed slots (before the first run, while down) wait for the next slot
    assert served(lab, "skipper") == scheduled("12:01", "12:02", "12:03", "12:04", "12:10", "12:11")
    # a slot that comes due while the market's crawl still runs is caught up once it ended;
    # 12:03 came due while 12:02 ran and was overtaken by 12:04 before that crawl ended
    assert served(lab, "slow") == [
        *caught_up("12:00", "12:01", "12:02"), *scheduled("12:04"),
        *caught_up("12:09", "12:10", "12:11"),
    ]  # fmt: skip
    for market in SCHEDULES:
        slots = [slot for slot, _ in served(lab, market)]
        assert len(slots) == len(set(slots)), f"{market}: a slot started twice"
        assert lab.most_active[market] == 1, f"{market}: two crawls at once"
    assert lab.refused == []
    runs = lab.store.runs(None, 100)
    assert all(r.status in ("ok", "partial") for r in runs)
    # the crawls running when each scheduler stopped were terminated and ended partial
    assert [r.stats[SLOT_STAT] for r in runs if r.status == "partial"] == [at("12:11"), at("12:04")]


def test_restart_while_a_crawl_still_runs_leaves_it_alone_and_records_the_refused_launch(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path)
    clock = SimClock(T0)
    lab = Lab(tmp_path, clock, {**DURATIONS, "slow": timedelta(minutes=5)})
    first = start_scheduler(settings, lab)
    run_until(first, clock, T0.replace(minute=1, second=10))
    # the daemon dies (SIGKILL): its crawls keep running, `slow`'s (slot 12:00) for 5 minutes
    assert first.running["slow"].slot.minute == 0
    orphans = tuple(launch.crawl for launch in first.running.values())

    second = start_scheduler(settings, lab)
    run_until(second, clock, T0.replace(minute=2, second=20), orphans)
    assert lab.most_active["slow"] == 1
    assert ("slow", at("12:01")) in lab.refused  # the market's lock said no: no second crawl
    refused = [r for r in lab.store.runs("slow", 10) if r.stats.get("close_reason") == "not_started"]
    assert [(r.status, r.stats[SLOT_STAT], r.stats[TRIGGER_STAT]) for r in refused] == [
        ("failed", at("12:02"), "scheduled"), ("failed", at("12:01"), "catch_up"),
    ]  # fmt: skip
    assert "before its run" in refused[0].stats["vigil/close_message"]
    assert "slow" not in second.running  # a refused crawl does not stop the scheduler
    assert served(lab, "steady")[-2:] == [(at("12:01"), "scheduled"), (at("12:02"), "scheduled")]
    # the orphaned crawl of 12:01 ended by itself; the new scheduler started 12:02 after it
    assert [r.status for r in lab.store.runs("steady", 3)] == ["running", "ok", "ok"]


def test_at_most_max_crawls_at_once_the_others_wait_their_turn(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path)
    clock = SimClock(T0)
    lab = Lab(tmp_path, clock, DURATIONS)
    scheduler = Scheduler(SCHEDULES, {}, lab.launch, clock, max_crawls=1)
    most = 0
    while clock.now < T0.replace(minute=3):
        scheduler.tick()
        most = max(most, len(scheduler.running))
        clock.now += STEP
    assert most == 1
    assert {market for market in SCHEDULES if served(lab, market)} == set(SCHEDULES)
    assert settings.schedule_max_crawls == 2  # the default


# --- the daemon: stop, and real crawls -------------------------------------------------------
def test_stop_terminates_running_crawls_after_the_grace_and_records_how_they_ended(tmp_path):
    """A real process that ignores nothing: SIGTERM ends it; it never recorded a run, so the
    scheduler records one (`failed`, `not_started`) with the slot and the crawl's last words."""
    import subprocess

    settings = load_settings(environ={}, data_dir=tmp_path, schedule_stop_grace=0.3)
    stop = threading.Event()

    def launcher(market: str, slot: datetime, trigger: str):
        path = daemon.log_path(settings, market, slot, trigger)
        path.parent.mkdir(parents=True)
        path.write_text("error: the sample crawl was stopped\n")
        stop.set()
        return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])

    scheduler = daemon.run(settings, {"steady": SCHEDULES["steady"]}, stop=stop, clock=SimClock(T0),
                           launcher=launcher, interval=0.05)
    [launch] = scheduler.launched
    assert launch.code == -15 and scheduler.running == {}
    [run] = SqliteStore(tmp_path / "vigil.sqlite3", readonly=True).runs("steady")
    assert run.status == "failed" and run.stats["close_reason"] == "not_started"
    assert run.stats[SLOT_STAT] == at("12:00") and run.stats[TRIGGER_STAT] == "catch_up"
    assert "error: the sample crawl was stopped" in run.stats["vigil/close_message"]


def test_once_exit_code_is_the_most_severe_crawl_outcome():
    def ended(code: int | None) -> Launch:
        return Launch("m", T0, "scheduled", None, T0, code)  # type: ignore[arg-type]

    assert daemon.once_exit_code([]) == 0
    assert daemon.once_exit_code([ended(0), ended(4)]) == 4
    assert daemon.once_exit_code([ended(4), ended(1)]) == 1
    assert daemon.once_exit_code([ended(0), ended(-9)]) == 1


@pytest.fixture(scope="module")
def rc_labor_config(tmp_path_factory) -> Path:
    """rc-labor served by the simulator, crawled every minute."""
    from demo import World
    from demo.server import start

    handle = start(World(seed=3, listings=12), host="127.0.0.1")
    market = yaml.safe_load((ROOT / "config" / "markets" / "rc-labor.yaml").read_text())
    market["mirrors"] = [handle.urls["rc-labor"]]
    market["schedule"] = {"cron": "* * * * *", "timezone": "Europe/Berlin"}
    try:
        yield write_config_dir(tmp_path_factory.mktemp("config"), market)
    finally:
        handle.stop()


def test_crawl_now_and_schedule_run_once_start_real_crawls_that_record_slot_and_trigger(
    rc_labor_config, tmp_path
):
    """Real `vigil crawl` processes against the simulator; the scheduler's own commands run
    in-process (they start no reactor), the clock injected through VIGIL_CLOCK."""
    env = {"VIGIL_CONFIG_DIR": str(rc_labor_config), "VIGIL_DATA_DIR": str(tmp_path),
           "VIGIL_SECRETS_FILE": "/nonexistent", "VIGIL_PROGRESS_INTERVAL": "0"}

    def vigil(clock: str, *args: str):
        return CliRunner().invoke(app, list(args), env={**env, "VIGIL_CLOCK": clock})

    manual = run_vigil("crawl", "rc-labor", "--now", env={**env, "VIGIL_CLOCK": "2026-01-05T12:00:30+00:00"})
    assert manual.returncode == 0, manual.stderr[-2000:]
    manual_slot = "2026-01-05T12:00:30+00:00"
    listed = vigil("2026-01-05T12:00:40+00:00", "schedule", "list", "--json")
    [entry] = json.loads(listed.stdout)
    assert entry["last_run"]["trigger"] == "manual" and entry["last_run"]["status"] == "ok"
    assert entry["last_run"]["slot"] == entry["last_slot"] == manual_slot
    assert entry["missed_slot"] is None  # the manual run serves the 12:00 slot
    assert (entry["cron"], entry["timezone"]) == ("* * * * *", "Europe/Berlin")
    assert entry["next_due"] == at("12:01")

    once = vigil("2026-01-05T12:03:10+00:00", "schedule", "run", "--once")
    assert once.exit_code == 0, (once.output, once.exception)
    assert "rc-labor: crawl started for slot 2026-01-05T12:03:00+00:00 (scheduled)" in once.stderr
    assert "rc-labor: run 2 ended ok" in once.stderr
    again = vigil("2026-01-05T12:03:50+00:00", "schedule", "run", "--once")  # nothing due: no crawl
    assert again.exit_code == 0 and "crawl started" not in again.stderr

    runs = json.loads(vigil("2026-01-05T12:04:00+00:00", "runs", "--json").stdout)
    assert [(r["id"], r["status"], r["trigger"], r["slot"]) for r in runs] == [
        (2, "ok", "scheduled", at("12:03")), (1, "ok", "manual", manual_slot),
    ]  # fmt: skip
    assert runs[0]["started_at"] == "2026-01-05T12:03:10+00:00"  # the crawl got the injected clock
    logs = sorted(p.name for p in (tmp_path / "logs" / "schedule" / "rc-labor").glob("*.log"))
    assert logs == ["20260105T120300Z-scheduled.log"]
    table = vigil("2026-01-05T12:04:00+00:00", "runs").stdout.splitlines()
    assert "trigger" in table[0] and "scheduled" in table[1] and "manual" in table[2]

    text = vigil("2026-01-05T12:03:55+00:00", "schedule", "list").stdout
    line = next(line for line in text.splitlines() if line.startswith("rc-labor"))
    assert line.split() == ["rc-labor", "*", "*", "*", "*", "*", "Europe/Berlin", "2", "ok",
                            "2026-01-05T12:03", "2026-01-05T12:04"]
    late = vigil("2026-01-05T12:05:01+00:00", "schedule", "list").stdout  # the daemon is not running
    assert "now (catch-up of 2026-01-05T12:05)" in late


def test_schedule_run_refuses_a_market_without_a_schedule(tmp_path):
    args = ["schedule", "run", "--once", "--market", "nightowl", "--data-dir", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, UsageError)  # `vigil` turns it into exit 2
    assert "nightowl: no `schedule` in the market config" in str(result.exception)
