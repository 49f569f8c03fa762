"""`vigil markets`: list and validate market configs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.config import ConfigError, load_market_file, market_files
from vigil.cli.common import ConfigDirOption, paths
from vigil.crawling import EXIT_OK, EXIT_USAGE, waiting_reason

app = typer.Typer(
    help="List and validate market configs (config/markets/*.yaml).", no_args_is_help=True
)


@app.command("list")
def list_markets(config_dir: ConfigDirOption = None) -> None:
    """List configured markets with kind, render mode, access and first mirror."""
    folder = paths(config_dir=config_dir).markets_dir
    code = EXIT_OK
    for path in market_files(folder):
        try:
            config = load_market_file(path)
        except ConfigError:
            typer.echo(f"{path.stem:<14} INVALID (run `vigil markets validate`)")
            code = EXIT_USAGE
            continue
        note = waiting_reason(config) or ""
        typer.echo(
            f"{config.id:<14} {config.kind:<9} {config.render:<8} "
            f"{config.access.mode:<7} {config.mirrors[0]}  {note}".rstrip()
        )
    raise typer.Exit(code)


@app.command("validate")
def validate(
    files: Annotated[list[str] | None, typer.Argument(help="Config files (default: every market).")] = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Check market configs; each problem names the file, the field and what is expected."""
    targets = (
        [Path(f) for f in files]
        if files
        else market_files(paths(config_dir=config_dir).markets_dir)
    )
    if not targets:
        typer.echo("no market configs found", err=True)
        raise typer.Exit(EXIT_USAGE)
    bad = 0
    for path in targets:
        try:
            config = load_market_file(path)
        except ConfigError as exc:
            bad += 1
            typer.echo(str(exc), err=True)
            continue
        typer.echo(f"ok  {path}  ({config.name}, {config.kind}, {config.render})")
    raise typer.Exit(EXIT_USAGE if bad else EXIT_OK)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="markets")
