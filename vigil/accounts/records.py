"""The account record the pages, the API and the CLI see."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: datetime
    disabled: bool


def user_from_row(row: sqlite3.Row) -> User:
    return User(name=row["name"], role=row["role"], created_at=datetime.fromisoformat(row["created_at"]),
                disabled=bool(row["disabled"]))
