"""`vigil users`: accounts of the web app and API (roles, passwords, API tokens)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from vigil import exit_codes
from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, fail, print_json, settings

app = typer.Typer(
    help="Users of the web app and API: roles admin, monitor, investigator, compliance; argon2 "
    "passwords; API tokens shown once.",
    no_args_is_help=True,
)

NameArgument = Annotated[str, typer.Argument(help="User name (letters, digits, '.', '_', '@', '-').")]


def _password_from_stdin() -> str | None:
    """The password piped on standard input (its first line), or None on a terminal."""
    if sys.stdin is None or sys.stdin.isatty():
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("standard input is not a terminal and holds no password: pipe one in, or run on a "
             "terminal to have one generated", exit_codes.USAGE)
    return password


def _show_once(what: str, secret: str) -> None:
    typer.echo(f"{what} (shown once, store it now): {secret}")


@app.command("add")
def add(
    name: NameArgument,
    role: Annotated[str, typer.Option(help="admin, monitor, investigator or compliance.")],
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Add a user. The password is read from standard input when that is not a terminal
    (`printf '%s\\n' "$PW" | vigil users add ana --role investigator`); otherwise one is
    generated and printed once."""
    from vigil.services.users import add_user

    given = _password_from_stdin()
    user, password = add_user(settings(data_dir=data_dir, config_dir=config_dir), name, role, given)
    typer.echo(f"added {user['name']} ({user['role']})")
    if given is None:
        _show_once(f"password for {user['name']}", password)


@app.command("list")
def list_command(
    as_json: JsonOption = False, data_dir: DataDirOption = None, config_dir: ConfigDirOption = None
) -> None:
    """List users: role, creation time, disabled or not, live API tokens."""
    from vigil.services.users import list_users

    found = list_users(settings(data_dir=data_dir, config_dir=config_dir))
    if as_json:
        print_json(found)
        return
    typer.echo(f"{'name':<24} {'role':<13} {'created':<20} {'state':<9} {'tokens':>6}")
    for user in found:
        state = "disabled" if user["disabled"] else "active"
        typer.echo(f"{user['name']:<24} {user['role']:<13} {user['created_at'][:19]:<20} {state:<9} "
                   f"{user['tokens']:>6}")


@app.command("token")
def token(
    name: NameArgument,
    label: Annotated[str, typer.Option(help="What the token is for, e.g. the tool that uses it.")] = "",
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Issue an API token for NAME and print it once (send it as `Authorization: Bearer TOKEN`).
    Only its SHA-256 is stored: a lost token cannot be shown again, issue a new one."""
    from vigil.services.users import issue_token

    secret = issue_token(settings(data_dir=data_dir, config_dir=config_dir), name, label)
    _show_once(f"API token for {name}", secret)


@app.command("revoke")
def revoke(name: NameArgument, data_dir: DataDirOption = None, config_dir: ConfigDirOption = None) -> None:
    """Revoke every API token of NAME."""
    from vigil.services.users import revoke_tokens

    count = revoke_tokens(settings(data_dir=data_dir, config_dir=config_dir), name)
    typer.echo(f"revoked {count} token(s) of {name}")


@app.command("disable")
def disable(name: NameArgument, data_dir: DataDirOption = None, config_dir: ConfigDirOption = None) -> None:
    """Disable NAME: its logins, web sessions and API tokens stop working at once."""
    from vigil.services.users import disable_user

    disable_user(settings(data_dir=data_dir, config_dir=config_dir), name)
    typer.echo(f"disabled {name}")


@app.command("password")
def password(name: NameArgument, data_dir: DataDirOption = None, config_dir: ConfigDirOption = None) -> None:
    """Set a new password for NAME: read from standard input when that is not a terminal,
    otherwise generated and printed once. NAME's web sessions end."""
    from vigil.services.users import set_password

    given = _password_from_stdin()
    new = set_password(settings(data_dir=data_dir, config_dir=config_dir), name, given)
    typer.echo(f"password of {name} changed")
    if given is None:
        _show_once(f"new password for {name}", new)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="users")
