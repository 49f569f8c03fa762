"""`vigil index`: set up, inspect, migrate and fill the index (SQLite or a cluster)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, print_json, settings
from vigil.services import admin

index_app = typer.Typer(
    help="Set up and look after the index: init, status, migrate, sync (SQLite to a cluster), replay.",
    no_args_is_help=True,
)


def _progress(kind: str, done: int) -> None:
    print(f"  {kind}: {done} documents", file=sys.stderr, flush=True)


@index_app.command("init")
def init(
    data_dir: DataDirOption = None, config_dir: ConfigDirOption = None, as_json: JsonOption = False
) -> None:
    """Create the index (templates, versioned indices and aliases on a cluster); idempotent."""
    _show(admin.init(settings(data_dir=data_dir, config_dir=config_dir)), as_json)


@index_app.command("status")
def status(
    data_dir: DataDirOption = None, config_dir: ConfigDirOption = None, as_json: JsonOption = False
) -> None:
    """Health, documents per index, mapping versions, and the spool's backlog.

    Exit code 1 when the cluster is unreachable or writes wait in the spool."""
    found = admin.status(settings(data_dir=data_dir, config_dir=config_dir))
    _show(found, as_json)
    if found.get("health") == "unreachable" or found.get("spool", {}).get("backlog"):
        raise typer.Exit(1)


@index_app.command("migrate")
def migrate(
    force: Annotated[bool, typer.Option(help="Copy every index to a new version, even if current.")] = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Move indices whose mapping is older than this version of Vigil to new versioned indices:
    copied by scan + bulk, then the alias swapped atomically (searches never stop). Run it
    between crawls; the old indices are kept until you delete them."""
    moved = admin.migrate(settings(data_dir=data_dir, config_dir=config_dir), force=force, progress=_progress)
    for move in moved:
        typer.echo(f"{move['kind']}: {move['from']} -> {move['to']}")
    if not moved:
        typer.echo("every index is current")


@index_app.command("sync")
def sync(
    source: Annotated[
        Path | None,
        typer.Option("--from", help="Data folder of the SQLite index to copy (default: --data-dir)."),
    ] = None,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Copy an embedded SQLite index into the cluster named by VIGIL_STORE / VIGIL_ES_URL.
    Safe to repeat: documents have deterministic ids, so nothing is duplicated."""
    where = settings(data_dir=data_dir, config_dir=config_dir)
    counts = admin.sync(where, source or where.data_dir, progress=_progress)
    for kind, count in counts.items():
        typer.echo(f"{kind}: {count}")


@index_app.command("replay")
def replay(data_dir: DataDirOption = None, config_dir: ConfigDirOption = None) -> None:
    """Send the writes that wait in the local spool to the cluster, in order.

    Exit code 1 when the cluster is still unreachable (nothing is lost: try again later)."""
    result = admin.replay(settings(data_dir=data_dir, config_dir=config_dir))
    typer.echo(f"replayed {result['applied']} operations; {result['backlog']} left")
    if result["backlog"]:
        raise typer.Exit(1)


def _show(found: dict, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    typer.echo(f"index: {found['where']}")
    typer.echo(f"health: {found.get('health')}")
    if found.get("error"):
        typer.echo(f"error: {found['error']}")
    for name, info in found.get("indices", {}).items():
        version = ""
        if info.get("version") is not None:
            version = f"  {info['index']} (mapping v{info['version']}"
            version += (
                ", migrate to v{})".format(info["wanted_version"])
                if info["version"] < info["wanted_version"]
                else ")"
            )
        typer.echo(
            f"  {name:<13} {info.get('documents') if info.get('documents') is not None else '-':>9}{version}"
        )
    spool = found.get("spool", {})
    if spool.get("backlog"):
        typer.echo(
            f"spool: {spool['backlog']} operations wait for the cluster (oldest {spool.get('oldest')})"
        )
    else:
        typer.echo("spool: empty")


def register(root: typer.Typer) -> None:
    root.add_typer(index_app, name="index")
