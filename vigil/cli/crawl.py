"""`vigil crawl`: crawl configured markets into the index."""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.cli.common import (
    ConfigDirOption,
    DataDirOption,
    JsonOption,
    LogLevelOption,
    ProgressOption,
    print_json,
    settings,
)
from vigil.cli.progress import Board, choose_mode
from vigil.cli.summary import print_summary, summary_json
from vigil.services.crawls import (
    check_browser,
    check_proxies,
    check_resumable,
    crawl_markets,
    exit_code,
    preflight,
    schedule_args,
    select_markets,
)
from vigil.services.errors import UsageError


def crawl(
    markets: Annotated[
        list[str] | None, typer.Argument(help="Market ids (config/markets/ID.yaml).")
    ] = None,
    all_markets: Annotated[
        bool, typer.Option("--all", help="Crawl every enabled market.")
    ] = False,
    mirror: Annotated[
        list[str] | None,
        typer.Option(help="Override a market's mirror: MARKET=URL (repeatable)."),
    ] = None,
    scrapy_set: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="A Scrapy setting for this crawl, as `scrapy crawl -s`: NAME=VALUE (repeatable; "
            "a dict or list as JSON).",
        ),
    ] = None,
    now: Annotated[
        bool,
        typer.Option(
            "--now",
            help="A manual run outside the market's schedule, recorded with trigger `manual` "
            "(shown by `vigil runs` and counted by `vigil schedule run` as serving the slots before it).",
        ),
    ] = False,
    schedule_slot: Annotated[
        str | None, typer.Option(hidden=True, help="The schedule slot served (set by `vigil schedule run`).")
    ] = None,
    schedule_trigger: Annotated[
        str | None, typer.Option(hidden=True, help="scheduled or catch_up (set by `vigil schedule run`).")
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Resume the market's interrupted crawl (killed, or stopped early) where it "
            "stopped: pages already stored are not fetched again, the new run links to the "
            "interrupted one. Exit 2 when there is nothing to resume.",
        ),
    ] = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
    log_level: LogLevelOption = None,
    progress: ProgressOption = None,
    as_json: JsonOption = False,
) -> None:
    """Crawl markets: fetch, keep evidence, extract, version and index their listings.

    Progress goes to stderr: a live display on a terminal (pages, listings, vendors, errors,
    rate), a line per market every few seconds otherwise, JSON lines with --json (the summary
    is then JSON on stdout).

    Exit codes: 0 ok, 1 failed (or another crawl of the market is running), 2 invalid usage
    or config, 3 needs_session (supply a session cookie), 4 partial.
    """
    where = settings(
        data_dir=data_dir, config_dir=config_dir, log_level=log_level, progress_interval=progress
    )
    spider_args = schedule_args(schedule_slot, schedule_trigger, now=now, clock=where.clock)
    configs = select_markets(where, markets or [], all_markets=all_markets, mirrors=_mirrors(mirror or []))
    preflight(where)
    check_browser(where, configs)
    check_proxies(where, configs)
    overrides: dict[str, object] = {**_scrapy_settings(scrapy_set or [])}
    if resume:
        check_resumable(where, configs)
        overrides["RESUME_CRAWL"] = True
    board = Board(choose_mode(as_json=as_json, interval=where.progress_interval), unit="pages")
    if board.mode in ("rich", "json"):
        overrides["PROGRESS_SINK"] = board
    with board:
        outcomes = crawl_markets(where, configs, overrides, spider_args)
    if as_json:
        print_json(summary_json(where, outcomes))
    else:
        print_summary(where, outcomes)
    raise typer.Exit(exit_code(outcomes))


def _mirrors(values: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for value in values:
        market, sep, url = value.partition("=")
        if not sep or not url:
            raise UsageError(f"--mirror expects MARKET=URL, got {value!r}")
        out.setdefault(market, []).append(url)
    return out


def _scrapy_settings(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip() or name.startswith("VIGIL_"):
            raise UsageError(
                f"--set expects NAME=VALUE with a Scrapy setting name, got {value!r} "
                "(Vigil's own settings are options or VIGIL_* variables)"
            )
        out[name.strip()] = setting
    return out


def register(root: typer.Typer) -> None:
    root.command("crawl")(crawl)



