"""Reading and checking the audit log (`vigil audit`)."""

from __future__ import annotations

from typing import Any

from vigil.accounts import AuditLog
from vigil.services.errors import UsageError
from vigil.services.search import parse_date
from vigil.settings import Settings

MAX_LIMIT = 100_000


def audit_entries(
    settings: Settings, *, user: str | None = None, action: str | None = None, since: str | None = None,
    case: str | None = None, limit: int = 100,
) -> list[dict[str, Any]]:
    """The newest `limit` entries that match, newest first: {id, at, user, action, target, case,
    detail, client}. `since` is an ISO date or time (UTC when it names no zone)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"limit must be 1 to {MAX_LIMIT}, not {limit}")
    return AuditLog.open(settings).entries(user=user, action=action, since=parse_date(since, "since"),
                                           case=case, limit=limit)


def verify_audit(settings: Settings) -> dict[str, Any]:
    """Walk the hash chain: {ok, checked, problems}; a problem names the entry and what is wrong."""
    result = AuditLog.open(settings).verify()
    return {"ok": result.ok, "checked": result.checked, "problems": result.problems}
