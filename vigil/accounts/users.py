"""User accounts: names, roles, argon2 password hashes, plus tokens, sessions and saved searches."""

from __future__ import annotations

import re
import secrets
from functools import cached_property
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vigil.accounts import db, schema
from vigil.accounts.records import User, user_from_row
from vigil.accounts.roles import ROLES
from vigil.accounts.searches import SavedSearchesMixin
from vigil.accounts.tokens import TokensMixin
from vigil.services.errors import NotFound, UsageError
from vigil.settings import Settings

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
FILE = "accounts.sqlite3"


def generate_password() -> str:
    """A random password for a new user, printed once."""
    return secrets.token_urlsafe(18)


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise UsageError(f"invalid user name {name!r}: expected 1-64 letters, digits, '.', '_', '@' or '-', "
                         "starting with a letter or digit")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; expected one of: {', '.join(ROLES)}")
    return role


def check_password_strength(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UsageError(f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


class Accounts(TokensMixin, SavedSearchesMixin):
    """The accounts file, `data_dir/web/accounts.sqlite3`, created (0600, WAL) on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        db.create(path, schema.ACCOUNTS)

    @classmethod
    def open(cls, settings: Settings) -> Accounts:
        return cls(db.web_dir(settings) / FILE)

    @cached_property
    def hasher(self) -> PasswordHasher:
        return PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        """Verified against for unknown users, so a wrong name costs as long as a wrong password."""
        return self.hasher.hash(generate_password())

    def add_user(self, name: str, role: str, password: str) -> User:
        check_name(name)
        check_role(role)
        password_hash = self.hasher.hash(check_password_strength(password))
        with db.connect(self.path, write=True) as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise UsageError(f"a user named {name!r} already exists")
            conn.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                         (name, role, password_hash, db.iso(db.now())))
        user = self.user(name)
        assert user is not None
        return user

    def users(self) -> list[User]:
        with db.connect(self.path) as conn:
            return [user_from_row(row) for row in conn.execute("SELECT * FROM users ORDER BY name")]

    def user(self, name: str) -> User | None:
        with db.connect(self.path) as conn:
            row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return user_from_row(row) if row else None

    def _require(self, name: str) -> User:
        user = self.user(name)
        if user is None:
            raise NotFound(f"no user named {name!r}")
        return user

    def set_password(self, name: str, password: str) -> None:
        """A new password; the user's web sessions end (tokens stay: revoke them apart)."""
        user = self._require(name)
        password_hash = self.hasher.hash(check_password_strength(password))
        with db.connect(self.path, write=True) as conn:
            conn.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, user.name))
            conn.execute("UPDATE sessions SET ended_at = ? WHERE user = ? AND ended_at IS NULL",
                         (db.iso(db.now()), user.name))

    def set_role(self, name: str, role: str) -> None:
        user = self._require(name)
        with db.connect(self.path, write=True) as conn:
            conn.execute("UPDATE users SET role = ? WHERE name = ?", (check_role(role), user.name))

    def disable(self, name: str) -> None:
        """Disable a user: no login, no session, no token works any more."""
        user = self._require(name)
        with db.connect(self.path, write=True) as conn:
            conn.execute("UPDATE users SET disabled = 1 WHERE name = ?", (user.name,))
            conn.execute("UPDATE sessions SET ended_at = ? WHERE user = ? AND ended_at IS NULL",
                         (db.iso(db.now()), user.name))

    def check_password(self, name: str, password: str) -> User | None:
        """The user if `password` is theirs and they are enabled, else None (argon2; rehashes when
        the hasher's parameters changed)."""
        with db.connect(self.path) as conn:
            row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        stored = row["password_hash"] if row else self._dummy_hash
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or row["disabled"]:
            return None
        if self.hasher.check_needs_rehash(stored):
            with db.connect(self.path, write=True) as conn:
                conn.execute("UPDATE users SET password_hash = ? WHERE name = ? AND password_hash = ?",
                             (self.hasher.hash(password), row["name"], stored))
        return user_from_row(row)

    def ensure_admin(self) -> str | None:
        """With no users at all, create "admin" with a generated password and return it (once)."""
        with db.connect(self.path) as conn:
            if conn.execute("SELECT 1 FROM users LIMIT 1").fetchone():
                return None
        password = generate_password()
        try:
            self.add_user("admin", "admin", password)
        except UsageError:  # another process created it first
            return None
        return password
