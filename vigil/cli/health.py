"""`vigil health`: the crawl health of every configured market, with an exit code for cron."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, print_json, settings
from vigil.cli.text import clean


def health(
    market: Annotated[str | None, typer.Option(help="Only this market.")] = None,
    runs: Annotated[int, typer.Option(help="Runs shown in the listings trend, newest last.", min=1)] = 10,
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Each market's last run, open health alerts and listings trend.

    Open alerts: those the market's latest finished run raised (docs/operations.md).

    Exit 1 when a market has an open error-severity alert, else 0 (for cron and monitoring).
    """
    from vigil.services.health import exit_code, market_health  # the checks import Scrapy

    found = market_health(settings(data_dir=data_dir, config_dir=config_dir), market, runs)
    if as_json:
        print_json(found)
    else:
        _print(found)
    raise typer.Exit(exit_code(found))


def _print(markets: list[dict[str, Any]]) -> None:
    typer.echo(f"{'market':<12} {'state':<20} {'last run':<24} {'status':<14} {'alerts':>6}  "
               "listings (oldest to newest)")
    for m in markets:
        last = m["last_run"]
        run = f"#{last['id']} {last['started_at'][:16].replace('T', ' ')}" if last else "never"
        trend = " ".join(str(r["listings"]) for r in m["listings_trend"]) or "-"
        state = m["state"] + (" (disabled)" if not m["enabled"] else "")
        typer.echo(f"{m['market']:<12} {state:<20} {run:<24} {last['status'] if last else '-':<14} "
                   f"{len(m['alerts']):>6}  {trend}")
        if m["running"]:
            typer.echo(f"{'':>4}a run is in progress")
        for alert in m["alerts"]:
            severity = str(alert["severity"]).upper()
            typer.echo(f"{'':>4}{severity:<7} {alert['kind']}: {clean(alert['message'])}")


def register(root: typer.Typer) -> None:
    root.command("health")(health)
