"""`vigil index`: set up, inspect, migrate and fill the index (SQLite or a cluster)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, print_json, settings
from vigil.cli.progress import Board, choose_mode
from vigil.services import admin

index_app = typer.Typer(
    help="Set up and look after the index: init, status, migrate, sync (SQLite to a cluster), replay.",
    no_args_is_help=True,
)


def _copying(
    totals: dict[str, int], as_json: bool, interval: float
) -> tuple[Board, Callable[[str, int], None]]:
    """Progress per kind of document on stderr, each with its total: a live display on a
    terminal, JSON lines with --json, a line every few seconds otherwise."""
    board = Board(choose_mode(as_json=as_json, interval=interval), unit="documents", interval=interval)

    def progress(kind: str, done: int) -> None:
        board.update(kind, total=totals.get(kind), documents=done)

    return board, progress


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
    as_json: JsonOption = False,
) -> None:
    """Move indices whose mapping is older than this version of Vigil to new versioned indices:
    copied by scan + bulk, then the alias swapped atomically (searches never stop). Run it
    between crawls; the old indices are kept until you delete them.

    Progress (documents copied of each index, rate, ETA) goes to stderr; --json: JSON lines
    there and the moves as JSON on stdout."""
    where = settings(data_dir=data_dir, config_dir=config_dir)
    totals = admin.migrate_totals(where, force=force)
    board, progress = _copying(totals, as_json, where.progress_interval)
    with board:
        moved = admin.migrate(where, force=force, progress=progress)
        for move in moved:
            board.finish(move["kind"], total=totals.get(move["kind"]), documents=totals.get(move["kind"], 0))
    if as_json:
        print_json(moved)
        return
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
    as_json: JsonOption = False,
) -> None:
    """Copy an embedded SQLite index into the cluster named by VIGIL_STORE / VIGIL_ES_URL.
    Safe to repeat: documents have deterministic ids, so nothing is duplicated.

    Progress (documents of each kind, rate, ETA) goes to stderr; --json: JSON lines there and
    the counts as JSON on stdout."""
    where = settings(data_dir=data_dir, config_dir=config_dir)
    origin = source or where.data_dir
    totals = admin.sync_totals(origin)
    board, progress = _copying(totals, as_json, where.progress_interval)
    with board:
        counts = admin.sync(where, origin, progress=progress)
        for kind, count in counts.items():
            board.finish(kind, total=count, documents=count)
    if as_json:
        print_json(counts)
        return
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
