"""Saved searches: a user's named search parameters, to run again from the search page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vigil.accounts import db
from vigil.services.errors import NotFound, UsageError

MAX_TITLE = 200


class SavedSearchesMixin:
    """Saved searches of `Accounts` (which provides `path` and `_active_user`)."""

    path: Path

    def _active_user(self, name: str) -> Any:  # pragma: no cover - provided by TokensMixin
        raise NotImplementedError

    def save_search(self, name: str, title: str, params: dict) -> int:
        """Save `params` (JSON-serialisable) under `title` for `name`; the new search's id."""
        user = self._active_user(name)
        title = title.strip()
        if not title or len(title) > MAX_TITLE:
            raise UsageError(f"a saved search needs a title of 1 to {MAX_TITLE} characters")
        try:
            encoded = json.dumps(params)  # key order kept: it is the order the user gave
        except (TypeError, ValueError) as exc:
            raise UsageError(f"saved search parameters must be JSON values: {exc}") from None
        with db.connect(self.path, write=True) as conn:
            cursor = conn.execute("INSERT INTO saved_searches (user, title, params, created_at)"
                                  " VALUES (?, ?, ?, ?)", (user.name, title, encoded, db.iso(db.now())))
        return int(cursor.lastrowid or 0)

    def saved_searches(self, name: str) -> list[dict]:
        """The saved searches of `name`, oldest first: {id, title, params, created_at}."""
        with db.connect(self.path) as conn:
            rows = conn.execute("SELECT id, title, params, created_at FROM saved_searches WHERE user = ?"
                                " ORDER BY id", (name,)).fetchall()
        return [{"id": row["id"], "title": row["title"], "params": json.loads(row["params"]),
                 "created_at": row["created_at"]} for row in rows]

    def delete_saved_search(self, name: str, search_id: int) -> None:
        """Delete one of `name`'s saved searches; NotFound if it is not theirs."""
        with db.connect(self.path, write=True) as conn:
            cursor = conn.execute("DELETE FROM saved_searches WHERE id = ? AND user = ?", (search_id, name))
        if cursor.rowcount == 0:
            raise NotFound(f"user {name!r} has no saved search {search_id}")
