"""`vigil evidence`: check and read preserved pages (thin over `vigil.services.evidence`)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from vigil import exit_codes
from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, fail, print_json, settings
from vigil.cli.text import clean
from vigil.services.evidence import Problem, evidence_bytes, evidence_info, verify

app = typer.Typer(
    help="Check and read preserved evidence (raw pages by SHA-256).", no_args_is_help=True
)


@app.command("verify")
def verify_command(data_dir: DataDirOption = None, config_dir: ConfigDirOption = None) -> None:
    """Re-hash every stored page and report missing or altered files (exit 1 if any)."""
    bad = checked = 0
    for found in verify(settings(data_dir=data_dir, config_dir=config_dir)):
        if isinstance(found, Problem):
            bad += 1
            typer.echo(f"{found.kind} {found.sha256} {clean(found.detail)}")
        else:
            checked = found
            typer.echo(f"  {checked} checked", err=True)
    typer.echo(f"{checked} pages checked, {bad} problem(s)")
    raise typer.Exit(exit_codes.FAILED if bad else exit_codes.OK)


@app.command("show")
def show(
    sha256: Annotated[str, typer.Argument(help="The page's SHA-256 (64 hex characters).")],
    force: Annotated[
        bool, typer.Option("--force", help="Write the raw bytes even to a terminal.")
    ] = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Write a known page's raw bytes to stdout, re-hashed first (exit 1 if they no longer
    match). Redirect to a file; a terminal gets them only with --force."""
    where = settings(data_dir=data_dir, config_dir=config_dir)
    data = evidence_bytes(where, sha256)
    if sys.stdout.isatty() and not force:
        fail("refusing to write a market's raw page to a terminal (it may carry escape "
             "sequences): redirect to a file, or add --force", exit_codes.USAGE)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


@app.command("info")
def info(
    sha256: Annotated[str, typer.Argument(help="The page's SHA-256 (64 hex characters).")],
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """URL, fetch time, HTTP status and size of a page, whether it is intact, and the
    listings, observations and vendors that cite it."""
    found = evidence_info(settings(data_dir=data_dir, config_dir=config_dir), sha256)
    if as_json:
        print_json(found)
    else:
        typer.echo(f"{found['sha256']}")
        typer.echo(f"  url         {clean(found['url'])}")
        typer.echo(f"  fetched at  {found['fetched_at']}  status {found['status']}  "
                   f"{found['size']} bytes  {clean(found['content_type'])}")
        typer.echo(f"  intact      {'yes' if found['intact'] else 'NO: ' + str(found['problem'])}")
        typer.echo(f"  cited by    {len(found['cited_by'])} record(s)")
        for link in found["cited_by"]:
            where = f"{clean(link['market'])}/{clean(link['key'])}"
            typer.echo(f"    {link['record']:<12} {where}  as {link['role']}")
    raise typer.Exit(exit_codes.OK if found["intact"] else exit_codes.FAILED)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="evidence")
