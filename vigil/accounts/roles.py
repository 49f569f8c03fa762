"""Roles and what each may do: the one permission matrix of the pages and the API.

A permission names a kind of access, not a page: "search" (run searches), "view" (read a
listing or vendor), "export" (CSV/JSON downloads), "evidence" (captured pages and their raw
bytes), "markets", "runs", "sessions" (the operations views), "notices" (takedown and
compliance notices), "users" and "audit" (administration). docs/web.md shows this table.
"""

from __future__ import annotations

ROLES = ("admin", "monitor", "investigator", "compliance")

PERMISSIONS = (
    "search", "view", "export", "evidence", "markets", "runs", "sessions", "notices", "users", "audit",
)

#: role -> the permissions it has. admin has every permission.
MATRIX: dict[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS),
    "monitor": frozenset({"markets", "runs", "sessions"}),
    "investigator": frozenset({"search", "view", "export", "evidence"}),
    "compliance": frozenset({"search", "view", "evidence", "notices"}),
}


def allowed(role: str, permission: str) -> bool:
    """Whether `role` has `permission`; an unknown role or permission has nothing."""
    return permission in MATRIX.get(role, frozenset())
