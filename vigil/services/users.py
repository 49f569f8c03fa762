"""Users of the web app and API: add, list, disable, new password, API tokens.

Every change is written to the audit log as action "users", by `cli:<login>` (the operating
system account that ran the command), and never with the password or token itself.
"""

from __future__ import annotations

import getpass
from typing import Any

from vigil.accounts import Accounts, AuditLog, User
from vigil.accounts.users import generate_password
from vigil.services.errors import NotFound
from vigil.settings import Settings


def operator() -> str:
    """Who runs the command, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def user_json(user: User, tokens: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": user.name, "role": user.role, "created_at": user.created_at.isoformat(),
                           "disabled": user.disabled}
    if tokens is not None:
        out["tokens"] = tokens
    return out


def _audit(settings: Settings, target: str, **detail: Any) -> None:
    AuditLog.open(settings).record(operator(), "users", target, detail=detail)


def add_user(
    settings: Settings, name: str, role: str, password: str | None = None
) -> tuple[dict[str, Any], str]:
    """Create a user; with no password one is generated. Returns the user and the password
    (to show once when it was generated)."""
    password = password if password is not None else generate_password()
    user = Accounts.open(settings).add_user(name, role, password)
    _audit(settings, user.name, change="add", role=role)
    return user_json(user), password


def list_users(settings: Settings) -> list[dict[str, Any]]:
    """Every user with the number of its live (unrevoked) API tokens."""
    accounts = Accounts.open(settings)
    return [user_json(user, sum(1 for t in accounts.tokens(user.name) if not t["revoked_at"]))
            for user in accounts.users()]


def issue_token(settings: Settings, name: str, label: str = "") -> str:
    """A new API token for `name`, to print once."""
    token = Accounts.open(settings).issue_token(name, label)
    _audit(settings, name, change="token", label=label)
    return token


def revoke_tokens(settings: Settings, name: str) -> int:
    """Revoke every API token of `name`; how many were live."""
    accounts = Accounts.open(settings)
    if accounts.user(name) is None:
        raise NotFound(f"no user named {name!r}")
    revoked = accounts.revoke_tokens(name)
    _audit(settings, name, change="revoke_tokens", revoked=revoked)
    return revoked


def disable_user(settings: Settings, name: str) -> dict[str, Any]:
    """Disable a user: logins, sessions and tokens stop working at once."""
    accounts = Accounts.open(settings)
    accounts.disable(name)
    _audit(settings, name, change="disable")
    user = accounts.user(name)
    assert user is not None
    return user_json(user)


def set_password(settings: Settings, name: str, password: str | None = None) -> str:
    """A new password (generated when none is given); the user's web sessions end."""
    password = password if password is not None else generate_password()
    Accounts.open(settings).set_password(name, password)
    _audit(settings, name, change="password")
    return password
