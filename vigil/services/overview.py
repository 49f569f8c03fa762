"""The markets at a glance: each configured market's health (state, last run, open alerts)
beside its session (needed, stored, expired) and whether an operator must act."""

from __future__ import annotations

from typing import Any

from vigil.services.health import market_health
from vigil.services.sessions import session_status
from vigil.settings import Settings


def markets_overview(settings: Settings) -> list[dict[str, Any]]:
    """`market_health` rows, each with `session` (`session_status` row, no cookie values) and
    `session_needed`: the market needs a session and has none, or its last run ended
    `needs_session`, or a stored cookie expired."""
    sessions = {row["market"]: row for row in session_status(settings)}
    out = []
    for health in market_health(settings, runs=10):
        session = sessions.get(health["market"])
        last = (session or {}).get("last_run") or {}
        needed = bool(session) and (
            (session["needs_session"] and not session["stored"]) or session["expired"]
            or last.get("status") == "needs_session")
        out.append({**health, "session": session, "session_needed": needed})
    return out
