"""Exit codes of every `vigil` command: the one definition (docs/cli.md lists them)."""

from __future__ import annotations

OK = 0
FAILED = 1
USAGE = 2  # invalid usage, config or input
NEEDS_SESSION = 3
PARTIAL = 4

#: A crawl run's status and the exit code it gives.
FOR_STATUS = {"ok": OK, "failed": FAILED, "needs_session": NEEDS_SESSION, "partial": PARTIAL}
#: Most severe first: with several markets, the exit code is the most severe status.
SEVERITY = ("failed", "needs_session", "partial", "ok")


def for_statuses(statuses: list[str]) -> int:
    """The exit code of several runs: the most severe status wins; an unknown one is a failure."""
    known = set(statuses)
    if known - set(FOR_STATUS):
        return FAILED
    for status in SEVERITY:
        if status in known:
            return FOR_STATUS[status]
    return OK
