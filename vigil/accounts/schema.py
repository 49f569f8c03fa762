"""Named migrations of the accounts file and the audit log file, each applied once."""

from __future__ import annotations

ACCOUNTS: list[tuple[str, str]] = [
    (
        "0001_accounts",
        """
        CREATE TABLE users (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0
        );
        -- API tokens and web sessions are kept only as the SHA-256 of the secret.
        CREATE TABLE tokens (
            token_hash TEXT PRIMARY KEY,
            user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            label TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX tokens_user ON tokens(user);
        CREATE TABLE sessions (
            session_hash TEXT PRIMARY KEY,
            user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at REAL NOT NULL,
            ended_at TEXT,
            case_ref TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX sessions_user ON sessions(user);
        CREATE TABLE saved_searches (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            title TEXT NOT NULL,
            params TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX saved_searches_user ON saved_searches(user, id);
        """,
    ),
]

AUDIT: list[tuple[str, str]] = [
    (
        "0001_audit",
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            case_ref TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}',
            client TEXT NOT NULL DEFAULT '',
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX entries_user ON entries(user, id);
        CREATE INDEX entries_action ON entries(action, id);
        CREATE INDEX entries_at ON entries(at);
        CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
        BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused');
        END;
        CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
        BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused');
        END;
        """,
    ),
]
