"""`vigil markets`: list and validate market configs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.config import ConfigError, load_market_file, market_files
from vigil import exit_codes
from vigil.cli.common import ConfigDirOption, settings

app = typer.Typer(
    help="List and validate market configs (config/markets/*.yaml).", no_args_is_help=True
)


@app.command("list")
def list_markets(config_dir: ConfigDirOption = None) -> None:
    """List configured markets with kind, render mode, access and first mirror.

    An invalid config is listed as INVALID with its first problem; the others are still listed.
    """
    folder = settings(config_dir=config_dir).markets_dir
    files = market_files(folder)
    if not files:
        typer.echo(f"no market configs in {folder}", err=True)
        raise typer.Exit(exit_codes.USAGE)
    invalid = 0
    for path in files:
        try:
            config = load_market_file(path)
        except ConfigError as exc:
            invalid += 1
            typer.echo(f"{path.stem:<14} INVALID  {_first_problem(exc)}")
            continue
        typer.echo(
            f"{config.id:<14} {config.kind:<9} {config.render:<8} "
            f"{config.access.mode:<7} {config.mirrors[0]}"
        )
    if invalid:
        typer.echo(f"{invalid} invalid market config(s): see `vigil markets validate`", err=True)
    raise typer.Exit(exit_codes.USAGE if invalid else exit_codes.OK)


def _first_problem(error: ConfigError, width: int = 120) -> str:
    where, what = error.problems[0]
    text = f"{where}: {what}"
    if len(text) > width:
        text = text[: width - 1] + "…"
    more = len(error.problems) - 1
    return f"{text} (+{more} more)" if more else text


@app.command("validate")
def validate(
    files: Annotated[list[str] | None, typer.Argument(help="Config files (default: every market).")] = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Check market configs; each problem names the file, the field and what is expected.

    A market's `platform` must name a file in config/platforms/ (the registry is checked too)."""
    from vigil.referrals.files import ReferralConfigError
    from vigil.referrals.platforms import load_platforms, market_platform_error

    config = settings(config_dir=config_dir)
    folder = config.markets_dir
    targets = [Path(f) for f in files] if files else market_files(folder)
    if not targets:
        typer.echo(f"no market configs in {folder}", err=True)
        raise typer.Exit(exit_codes.USAGE)
    bad = 0
    try:
        platforms = load_platforms(config.platforms_dir)
    except ReferralConfigError as exc:
        bad, platforms = 1, None
        typer.echo(str(exc), err=True)
    for path in targets:
        try:
            market = load_market_file(path)
        except ConfigError as exc:
            bad += 1
            typer.echo(str(exc), err=True)
            continue
        if platforms is not None and (error := market_platform_error(market, path, platforms)):
            bad += 1
            typer.echo(str(error), err=True)
            continue
        typer.echo(f"ok  {path}  ({market.name}, {market.kind}, {market.render})")
    raise typer.Exit(exit_codes.USAGE if bad else exit_codes.OK)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="markets")
