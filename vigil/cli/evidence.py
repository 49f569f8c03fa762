"""`vigil evidence`: check and read preserved pages."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from index.evidence import EvidenceVault
from index.sqlite import SqliteStore
from vigil.cli.common import DataDirOption, fail, paths
from vigil.crawling import EXIT_FAILED, EXIT_OK, EXIT_USAGE

app = typer.Typer(
    help="Check and read preserved evidence (raw pages by SHA-256).", no_args_is_help=True
)


@app.command("verify")
def verify(data_dir: DataDirOption = None) -> None:
    """Re-hash every stored page and report missing or altered files (exit 1 if any)."""
    where = paths(data_dir)
    try:
        store = SqliteStore(where.index_path, readonly=True)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_USAGE)
    vault = EvidenceVault(where.evidence_dir)
    checked = bad = 0
    try:
        known = set()
        for evidence in store.iter_evidence():
            known.add(evidence.sha256)
            checked += 1
            problem = vault.check(evidence.sha256)
            if problem is not None:
                bad += 1
                typer.echo(f"MISMATCH {problem.sha256} {problem.problem} ({evidence.url})")
            if checked % 1000 == 0:
                typer.echo(f"  {checked} checked", err=True)
        unknown = [sha for sha in vault.stored() if sha not in known]
    finally:
        store.close()
    for sha in unknown:
        bad += 1
        typer.echo(f"UNINDEXED {sha} (a stored page no index row cites)")
    typer.echo(f"{checked} pages checked, {bad} problem(s)")
    raise typer.Exit(EXIT_FAILED if bad else EXIT_OK)


@app.command("show")
def show(
    sha256: Annotated[str, typer.Argument(help="The page's SHA-256.")],
    data_dir: DataDirOption = None,
) -> None:
    """Write a stored page's raw bytes to stdout (redirect to a file; never render it here)."""
    vault = EvidenceVault(paths(data_dir).evidence_dir)
    if sha256 not in vault:
        fail(f"no evidence {sha256}", EXIT_USAGE)
    sys.stdout.buffer.write(vault.get(sha256))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="evidence")
