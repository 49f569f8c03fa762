"""API tokens and web sessions: random secrets shown once, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path

from vigil.accounts import db
from vigil.accounts.records import User, user_from_row
from vigil.services.errors import NotFound, UsageError


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokensMixin:
    """API tokens and sessions of `Accounts` (which provides `path` and `user`)."""

    path: Path

    def user(self, name: str) -> User | None:  # pragma: no cover - provided by Accounts
        raise NotImplementedError

    def _active_user(self, name: str) -> User:
        user = self.user(name)
        if user is None:
            raise NotFound(f"no user named {name!r}")
        if user.disabled:
            raise UsageError(f"user {name!r} is disabled")
        return user

    def issue_token(self, name: str, label: str = "") -> str:
        """A new API token for `name`; the caller shows it once, only its hash is kept."""
        user = self._active_user(name)
        token = new_secret()
        with db.connect(self.path, write=True) as conn:
            conn.execute("INSERT INTO tokens (token_hash, user, label, created_at) VALUES (?, ?, ?, ?)",
                         (digest(token), user.name, label, db.iso(db.now())))
        return token

    def user_for_token(self, token: str) -> User | None:
        """The enabled user holding this unrevoked token, else None."""
        if not token:
            return None
        wanted = digest(token)
        with db.connect(self.path) as conn:
            row = conn.execute(
                "SELECT t.token_hash, u.* FROM tokens t JOIN users u ON u.name = t.user"
                " WHERE t.token_hash = ? AND t.revoked_at IS NULL", (wanted,)).fetchone()
        if row is None or not hmac.compare_digest(row["token_hash"], wanted) or row["disabled"]:
            return None
        return user_from_row(row)

    def tokens(self, name: str) -> list[dict]:
        """The tokens of `name` (label and dates; never the secret)."""
        with db.connect(self.path) as conn:
            rows = conn.execute("SELECT label, created_at, revoked_at FROM tokens WHERE user = ?"
                                " ORDER BY created_at", (name,)).fetchall()
        return [dict(row) for row in rows]

    def revoke_tokens(self, name: str) -> int:
        """Revoke every token of `name`; the number revoked."""
        with db.connect(self.path, write=True) as conn:
            cursor = conn.execute("UPDATE tokens SET revoked_at = ? WHERE user = ? AND revoked_at IS NULL",
                                  (db.iso(db.now()), name))
        return cursor.rowcount

    def start_session(self, name: str, lifetime: float) -> str:
        """A new web session for `name` lasting `lifetime` seconds; its id is returned once."""
        if lifetime <= 0:
            raise UsageError(f"session lifetime must be positive seconds, got {lifetime!r}")
        user = self._active_user(name)
        session_id = new_secret()
        with db.connect(self.path, write=True) as conn:
            conn.execute("INSERT INTO sessions (session_hash, user, created_at, expires_at)"
                         " VALUES (?, ?, ?, ?)",
                         (digest(session_id), user.name, db.iso(db.now()), time.time() + lifetime))
        return session_id

    def user_for_session(self, session_id: str) -> User | None:
        """The user of a live session: None once expired, ended, or the user disabled."""
        row = self._session_row(session_id)
        if row is None or row["disabled"]:
            return None
        return user_from_row(row)

    def _session_row(self, session_id: str):
        if not session_id:
            return None
        wanted = digest(session_id)
        with db.connect(self.path) as conn:
            row = conn.execute(
                "SELECT s.session_hash, s.case_ref, u.* FROM sessions s JOIN users u ON u.name = s.user"
                " WHERE s.session_hash = ? AND s.ended_at IS NULL AND s.expires_at > ?",
                (wanted, time.time())).fetchone()
        if row is None or not hmac.compare_digest(row["session_hash"], wanted):
            return None
        return row

    def end_session(self, session_id: str) -> None:
        """End a session (logout); ending an unknown or ended one does nothing."""
        with db.connect(self.path, write=True) as conn:
            conn.execute("UPDATE sessions SET ended_at = ? WHERE session_hash = ? AND ended_at IS NULL",
                         (db.iso(db.now()), digest(session_id)))

    def set_session_case(self, session_id: str, case: str) -> None:
        """Keep the case reference the user works on with the session (it goes into the audit log)."""
        with db.connect(self.path, write=True) as conn:
            conn.execute("UPDATE sessions SET case_ref = ? WHERE session_hash = ?",
                         (case.strip(), digest(session_id)))

    def session_case(self, session_id: str) -> str:
        """The case reference of a live session ('' if none or the session is not live)."""
        row = self._session_row(session_id)
        return row["case_ref"] if row is not None else ""
