"""`vigil session`: the operator's sessions for markets behind a login or a captcha."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, print_json, settings
from vigil.cli.text import clean
from vigil.services.sessions import clear_session, import_cookies, session_status

app = typer.Typer(
    help="Operator sessions: a browser's cookies and user agent for markets behind a login or "
    "captcha (stored outside config, never logged).",
    no_args_is_help=True,
)


class Format(StrEnum):
    table = "table"
    json = "json"


@app.command("set")
def set_session(
    market: Annotated[str, typer.Argument(help="Market id (config/markets/ID.yaml).")],
    cookies: Annotated[
        Path,
        typer.Option(
            "--cookies",
            help="The browser's cookies: a Netscape cookies.txt or a Cookie-Editor / EditThisCookie "
            "JSON export (told apart by content).",
        ),
    ],
    user_agent: Annotated[
        str,
        typer.Option(
            "--user-agent", help="The exact User-Agent of that browser (markets tie sessions to it)."
        ),
    ],
    config_dir: ConfigDirOption = None,
) -> None:
    """Store a market's session: the cookies of its mirror hosts, with the browser's user agent.

    Log in (and solve any captcha) in a browser, export its cookies, then run this. The
    session goes to the secrets file (VIGIL_SECRETS_FILE, default
    ~/.config/vigil/secrets.yaml, mode 0600), keyed by market; cookies of other sites are
    ignored. Exit 2 for an unknown market or an unreadable, empty or malformed file.
    """
    report = import_cookies(settings(config_dir=config_dir), market, cookies, user_agent)
    typer.echo(
        f"{report['market']}: stored {len(report['cookies'])} cookie(s) "
        f"({clean(', '.join(report['cookies']))}) with user agent {clean(report['user_agent'])!r} "
        f"in {report['secrets_file']}"
    )
    if report["expires"]:
        typer.echo(f"earliest expiry: {report['expires']}{' (EXPIRED)' if report['expired'] else ''}")
    if report["ignored_domains"]:
        typer.echo(f"ignored cookies of other sites: {clean(', '.join(report['ignored_domains']))}")
    for warning in report["warnings"]:
        typer.echo(f"warning: {clean(warning)}", err=True)


@app.command("status")
def status(
    market: Annotated[str | None, typer.Argument(help="Only this market.")] = None,
    output: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
    config_dir: ConfigDirOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Show each configured market's session (cookie names, never values).

    For each market: whether it needs a session, whether one is stored (source: env or
    file), its cookie names, user agent, when it was set, the earliest expiry (EXPIRED when
    past) and the last run's status. Exit 2 for an unknown market or an unreadable secrets
    file.
    """
    rows = session_status(settings(config_dir=config_dir, data_dir=data_dir), market)
    if output is Format.json:
        print_json(rows)
        return
    header = (
        f"{'market':<14} {'needs':<5} {'stored':<6} {'expires':<33} {'last run':<14} "
        "cookies / user agent / set"
    )
    typer.echo(header)
    typer.echo("-" * len(header))
    for row in rows:
        typer.echo(_line(row))
    for row in rows:
        run = row["last_run"]
        if run and run["status"] == "needs_session" and run["message"]:
            typer.echo(f"{row['market']}: last run {run['id']} ended needs_session: {clean(run['message'])}")


def _line(row: dict[str, Any]) -> str:
    expires = row["expires"] or ("-" if not row["stored"] else "end of browser session")
    if row["expired"]:
        expires = f"{row['expires']} EXPIRED"
    run = row["last_run"]
    stored = row["source"] or "no"
    what = ""
    if row["stored"]:
        what = clean(", ".join(row["cookies"]))
        what += f" / {clean(row['user_agent']) if row['user_agent'] else '(default user agent)'}"
        if row["set_at"]:
            what += f" / set {row['set_at']}"
    return (
        f"{row['market']:<14} {'yes' if row['needs_session'] else 'no':<5} {stored:<6} {expires:<33} "
        f"{run['status'] if run else '-':<14} {what}"
    ).rstrip()


@app.command("clear")
def clear(
    market: Annotated[str, typer.Argument(help="Market id.")],
    config_dir: ConfigDirOption = None,
) -> None:
    """Forget a market's stored session.

    Removes it from the secrets file. Exit 2 for an unknown market; a market with no stored
    session is not an error.
    """
    report = clear_session(settings(config_dir=config_dir), market)
    if report["removed"]:
        typer.echo(f"{report['market']}: session removed from {report['secrets_file']}")
    else:
        typer.echo(f"{report['market']}: no session stored in {report['secrets_file']}")
    if report["env_variable_set"]:
        typer.echo(f"note: {report['env_variable']} is set and still supplies a session", err=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="session")
