"""Whether a lock holder's process on this host is still running."""

from __future__ import annotations

import os
from pathlib import Path


def pid_running(pid: int) -> bool:
    """True while process `pid` runs. A process killed (SIGKILL included) but not yet reaped
    by its parent is a zombie: it still answers `kill(pid, 0)`, but it is dead and its lock
    must be taken over."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (or it just went): trust kill(pid, 0)
    # "pid (comm) state ...": comm may hold spaces and parentheses, the state follows the last ")"
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
