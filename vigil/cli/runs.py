"""`vigil runs`: the latest crawl runs and how they ended."""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, print_json, settings
from vigil.services.runs import list_runs


def runs(
    market: Annotated[str | None, typer.Option(help="Only this market's runs.")] = None,
    limit: Annotated[int, typer.Option(help="How many runs, newest first.", min=1)] = 20,
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """List crawl runs: status, times, pages, listings new/changed/removed, losses."""
    found = list_runs(settings(data_dir=data_dir, config_dir=config_dir), market, limit)
    if as_json:
        print_json(found)
        return
    typer.echo(f"{'run':>5} {'market':<12} {'status':<14} {'started':<20} {'pages':>6} {'new':>5} "
               f"{'changed':>7} {'removed':>7} {'lost':>5} {'trigger':<9}  reason / mirror")
    for r in found:
        lost = r["dropped"] + r["errors"] + r["failed_requests"]
        typer.echo(f"{r['id']:>5} {r['market']:<12} {r['status']:<14} {r['started_at'][:19]:<20} "
                   f"{r['pages']:>6} {r['new']:>5} {r['changed']:>7} {r['removed']:>7} {lost:>5} "
                   f"{r['trigger'] or '-':<9}  "
                   f"{r['close_reason'] or ''}{'  ' + r['mirror'] if r['mirror'] else ''}"
                   f"{_resumed(r)}")
        if r["message"] and r["status"] != "ok":
            typer.echo(f"{'':>6}{r['message']}")


def _resumed(run: dict) -> str:
    return f"  resumed from run {run['resumed_from']}" if run.get("resumed_from") else ""


def register(root: typer.Typer) -> None:
    root.command("runs")(runs)
