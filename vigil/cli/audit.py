"""`vigil audit`: read the audit log of the web app and API, and check its hash chain."""

from __future__ import annotations

from typing import Annotated

import typer

from vigil import exit_codes
from vigil.cli.common import ConfigDirOption, DataDirOption, fail, print_json, settings
from vigil.cli.text import clean


def audit(
    user: Annotated[str | None, typer.Option(help="Only this user's entries.")] = None,
    action: Annotated[
        str | None, typer.Option(help="Only this action: login, login_failed, logout, search, view_listing, "
                                      "view_vendor, view_evidence, export, api, users.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this date or time (ISO, UTC by default).")] = None,
    case: Annotated[str | None, typer.Option(help="Only entries made for this case reference.")] = None,
    limit: Annotated[int, typer.Option(help="How many entries, newest first.", min=1)] = 100,
    output: Annotated[str, typer.Option("--format", help="table or json (one object per line).")] = "table",
    verify: Annotated[
        bool, typer.Option("--verify", help="Check the whole hash chain instead: exit 1 if a row was edited, "
                                            "inserted or removed.")
    ] = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Who searched, viewed, exported, logged in, and for which case: the append-only audit log,
    newest first."""
    from vigil.services.audit import audit_entries, verify_audit

    if output not in ("table", "json"):
        fail(f"--format must be table or json, not {output!r}", exit_codes.USAGE)
    current = settings(data_dir=data_dir, config_dir=config_dir)
    if verify:
        result = verify_audit(current)
        if output == "json":
            print_json(result)
        else:
            for problem in result["problems"]:
                typer.echo(f"TAMPERED {problem}")
            typer.echo(f"{result['checked']} entries checked: "
                       f"{'chain intact' if result['ok'] else str(len(result['problems'])) + ' problem(s)'}")
        raise typer.Exit(exit_codes.OK if result["ok"] else exit_codes.FAILED)
    entries = audit_entries(current, user=user, action=action, since=since, case=case, limit=limit)
    if output == "json":
        import json
        import sys

        for entry in entries:
            sys.stdout.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return
    typer.echo(f"{'id':>6} {'at (UTC)':<19} {'user':<16} {'action':<13} {'case':<14} target")
    for e in entries:
        typer.echo(f"{e['id']:>6} {e['at'][:19]:<19} {clean(e['user']):<16} {e['action']:<13} "
                   f"{clean(e['case']) or '-':<14} {clean(e['target'])}")


def register(root: typer.Typer) -> None:
    root.command("audit")(audit)
