"""`vigil crawl`: crawl configured markets into the index."""

from __future__ import annotations

from typing import Annotated

import typer

from crawler.config import ConfigError, MarketConfig, load_market, load_markets, with_mirrors
from vigil.cli.common import ConfigDirOption, DataDirOption, fail, paths
from vigil.crawling import (
    EXIT_FAILED,
    EXIT_USAGE,
    CrawlOutcome,
    crawl_markets,
    crawl_settings,
    exit_code,
    waiting_reason,
)
from vigil.summary import print_summary


def crawl(
    markets: Annotated[
        list[str] | None, typer.Argument(help="Market ids (config/markets/ID.yaml).")
    ] = None,
    all_markets: Annotated[
        bool, typer.Option("--all", help="Crawl every configured market.")
    ] = False,
    mirror: Annotated[
        list[str] | None,
        typer.Option(help="Override a market's mirror: MARKET=URL (repeatable)."),
    ] = None,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
    log_level: Annotated[str, typer.Option(help="Scrapy log level.")] = "WARNING",
    progress: Annotated[float, typer.Option(help="Seconds between progress lines; 0: none.")] = 5.0,
) -> None:
    """Crawl markets: fetch, keep evidence, extract, version and index their listings.

    Exit codes: 0 ok, 1 failed, 2 invalid usage or config, 3 needs_session (supply a session
    cookie), 4 partial.
    """
    where = paths(data_dir, config_dir)
    if not markets and not all_markets:
        fail("name a market or use --all (see `vigil markets list`)", EXIT_USAGE)
    try:
        configs = (
            [c for c in load_markets(where.markets_dir).values() if c.enabled]
            if all_markets
            else [load_market(where.markets_dir, m) for m in markets or []]
        )
        overrides = _mirrors(mirror or [])
        configs = [with_mirrors(c, overrides[c.id]) if c.id in overrides else c for c in configs]
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    runnable, waiting = _split(configs)
    for config in runnable:
        if config.needs_anonymity and not config.access.proxy:
            fail(
                f"{config.id}: a Tor/.onion market needs access.proxy; refusing to fetch it "
                "without one (fail closed)",
                EXIT_USAGE,
            )
    if not runnable:
        for outcome in waiting:
            typer.echo(f"{outcome.market}: {outcome.status}", err=True)
        raise typer.Exit(EXIT_FAILED)
    settings = crawl_settings(
        data_dir=where.data_dir,
        config_dir=where.config_dir,
        overrides={"LOG_LEVEL": log_level.upper(), "VIGIL_PROGRESS_INTERVAL": progress},
    )
    outcomes = crawl_markets(runnable, settings, {c.id: c.mirrors for c in runnable})
    print_summary(outcomes + waiting, where.index_path)
    raise typer.Exit(exit_code(outcomes))


def _mirrors(values: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for value in values:
        market, sep, url = value.partition("=")
        if not sep or not url:
            fail(f"--mirror expects MARKET=URL, got {value!r}", EXIT_USAGE)
        out.setdefault(market, []).append(url)
    return out


def _split(configs: list[MarketConfig]) -> tuple[list[MarketConfig], list[CrawlOutcome]]:
    runnable, waiting = [], []
    for config in configs:
        reason = waiting_reason(config)
        if reason:
            waiting.append(CrawlOutcome(market=config.id, status=reason))
        else:
            runnable.append(config)
    return runnable, waiting


def register(root: typer.Typer) -> None:
    root.command("crawl")(crawl)
