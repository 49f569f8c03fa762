"""`vigil schedule`: the crawl scheduler (a daemon) and the markets' schedules."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Annotated

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, LogLevelOption, print_json, settings

app = typer.Typer(
    help="Crawl markets on their schedules (the `schedule` block of each market config).",
    no_args_is_help=True,
)


@app.command("run")
def run(
    market: Annotated[
        list[str] | None, typer.Option(help="Only this market (repeatable); default: every scheduled one.")
    ] = None,
    once: Annotated[
        bool,
        typer.Option(
            "--once",
            help="Start what is due now (each market's newest unserved slot), wait for those crawls, "
            "exit: for cron or a systemd timer instead of the daemon.",
        ),
    ] = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
    log_level: LogLevelOption = None,
) -> None:
    """Run the scheduler: start each market's crawl when its cron slot comes due.

    One `vigil crawl` process per crawl, at most `schedule_max_crawls` at once, never two of
    one market. Missed slots (the scheduler was down, the market's previous crawl still ran)
    follow the market's `catch_up`: `latest` runs once for the newest, `skip` waits for the next.
    SIGTERM or Ctrl-C: no new crawls; running ones get `schedule_stop_grace` seconds, then are
    terminated; exit 0. With --once the exit code is the most severe of the crawls' (0 if none).
    """
    from vigil.scheduler import daemon
    from vigil.services.schedules import scheduled_markets

    where = settings(data_dir=data_dir, config_dir=config_dir, log_level=log_level)
    schedules = scheduled_markets(where, market)
    _log_to_stderr(where.log_level)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler = daemon.run(where, schedules, once=once, stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    raise typer.Exit(daemon.once_exit_code(scheduler.launched) if once else 0)


@app.command("list")
def list_(
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Every market with its cron, time zone, last run (status, time) and next due time.

    `now` as next due time: a missed slot waits to be caught up (`catch_up: latest`)."""
    from vigil.scheduler.daemon import settings_clock
    from vigil.services.schedules import list_schedules

    where = settings(data_dir=data_dir, config_dir=config_dir)
    now = settings_clock(where)()
    entries = list_schedules(where, now)
    if as_json:
        print_json(entries)
        return
    typer.echo(f"{'market':<12} {'cron':<16} {'timezone':<16} {'last run':<34} next due (UTC)")
    for e in entries:
        run = e["last_run"]
        last = f"{run['id']} {run['status']} {run['started_at'][:16]}" if run else "-"
        if e["cron"] is None:
            due = "not scheduled"
        elif not e["enabled"]:
            due = "disabled"
        elif e["missed_slot"] and e["catch_up"] == "latest":
            due = f"now (catch-up of {e['missed_slot'][:16]})"
        else:
            due = e["next_due"][:16]
        typer.echo(f"{e['market']:<12} {e['cron'] or '-':<16} {e['timezone'] or '-':<16} {last:<34} {due}")


class _Stderr(logging.Handler):
    """Writes to the current sys.stderr (also when a test swapped it after set-up)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging must never stop the daemon
            self.handleError(record)


def _log_to_stderr(level: str) -> None:
    """The scheduler's own lines (launches, exits, catch-ups) show at INFO at least."""
    logger = logging.getLogger("vigil.scheduler")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(min(logging.INFO, logging.getLevelName(level)))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="schedule")
