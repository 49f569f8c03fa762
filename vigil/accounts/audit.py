"""The audit log: who did what, when, and for which case; append-only and hash-chained.

Triggers refuse UPDATE and DELETE. Someone with the file can still drop the triggers and edit a
row, so each row also carries the SHA-256 of the previous row's hash and its own content: an
edited, inserted or deleted row breaks the chain, and `verify()` (`vigil audit --verify`) finds
it. Cutting rows off the end leaves a valid shorter chain; compare counts with a copy for that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigil.accounts import db, schema
from vigil.settings import Settings

FILE = "audit.sqlite3"
GENESIS = "0" * 64
ACTIONS = ("login", "login_failed", "logout", "search", "view_listing", "view_vendor", "view_evidence",
           "export", "api", "api_denied", "users")
COLUMNS = ("id", "at", "user", "action", "target", "case_ref", "detail", "client")


def row_hash(prev_hash: str, values: dict[str, Any]) -> str:
    """The chain hash of a row: SHA-256 over the previous hash and the row's columns as canonical JSON."""
    content = json.dumps([values[column] for column in COLUMNS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


@dataclass
class Verification:
    """What `AuditLog.verify` found: rows checked and the problems, first one first."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class AuditLog:
    """The audit log file, `data_dir/web/audit.sqlite3`, created (0600, WAL) on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        db.create(path, schema.AUDIT)

    @classmethod
    def open(cls, settings: Settings) -> AuditLog:
        return cls(db.web_dir(settings) / FILE)

    def record(self, user: str, action: str, target: str = "", *, case: str = "", detail: dict | None = None,
               client: str = "") -> None:
        """Append one entry. `detail` must be JSON-serialisable and must never hold a secret."""
        values: dict[str, Any] = {
            "at": db.iso(db.now()), "user": user, "action": action, "target": target,
            "case_ref": case.strip(), "detail": json.dumps(detail or {}, sort_keys=True, ensure_ascii=False),
            "client": client,
        }
        with db.connect(self.path, write=True) as conn:
            last = conn.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
            values["id"] = last["id"] + 1 if last else 1
            prev_hash = last["hash"] if last else GENESIS
            conn.execute(
                "INSERT INTO entries (id, at, user, action, target, case_ref, detail, client, prev_hash,"
                " hash)"
                " VALUES (:id, :at, :user, :action, :target, :case_ref, :detail, :client, :prev_hash, :hash)",
                {**values, "prev_hash": prev_hash, "hash": row_hash(prev_hash, values)})

    def entries(self, *, user: str | None = None, action: str | None = None, since: datetime | None = None,
                case: str | None = None, limit: int = 100) -> list[dict]:
        """The newest `limit` entries matching every filter given, newest first:
        {id, at, user, action, target, case, detail, client}."""
        where, params = [], []
        for column, value in (("user", user), ("action", action), ("case_ref", case)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            where.append("at >= ?")
            params.append(db.iso(since if since.tzinfo else since.replace(tzinfo=UTC)))
        sql = "SELECT * FROM entries" + (" WHERE " + " AND ".join(where) if where else "")
        with db.connect(self.path) as conn:
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, max(0, limit))).fetchall()
        return [{"id": row["id"], "at": row["at"], "user": row["user"], "action": row["action"],
                 "target": row["target"], "case": row["case_ref"], "detail": json.loads(row["detail"]),
                 "client": row["client"]} for row in rows]

    def count(self) -> int:
        with db.connect(self.path) as conn:
            return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])

    def verify(self) -> Verification:
        """Walk the chain from the first row: every row's hash and link must match its content."""
        result = Verification()
        prev_hash, expected_id = GENESIS, 1
        with db.connect(self.path) as conn:
            for row in conn.execute("SELECT * FROM entries ORDER BY id"):
                result.checked += 1
                values = {column: row[column] for column in COLUMNS}
                if row["id"] != expected_id:
                    result.problems.append(f"entry {row['id']}: expected entry {expected_id} (rows missing)")
                if row["prev_hash"] != prev_hash:
                    result.problems.append(f"entry {row['id']}: link to the previous entry broken")
                if row_hash(row["prev_hash"], values) != row["hash"]:
                    result.problems.append(f"entry {row['id']}: content does not match its hash (edited)")
                prev_hash, expected_id = row["hash"], row["id"] + 1
        return result
