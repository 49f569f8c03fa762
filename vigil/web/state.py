"""What the app keeps while it runs: settings, the accounts and audit stores (one connection
per worker thread), the signing key, the login limiter and the CSP report count."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from vigil.settings import Settings
from vigil.web.security import LoginLimiter, signing_key

log = logging.getLogger("vigil.web")


@dataclass
class WebState:
    settings: Settings
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    csp_reports: int = 0
    _local: threading.local = field(default_factory=threading.local)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.key = signing_key(self.settings.data_dir / "web")

    @property
    def accounts(self) -> Any:
        """`vigil.accounts.Accounts` of this data dir, opened once per thread."""
        if getattr(self._local, "accounts", None) is None:
            from vigil.accounts import Accounts

            self._local.accounts = Accounts.open(self.settings)
        return self._local.accounts

    @property
    def audit_log(self) -> Any:
        if getattr(self._local, "audit", None) is None:
            from vigil.accounts import AuditLog

            self._local.audit = AuditLog.open(self.settings)
        return self._local.audit

    def count_csp_report(self, report: Any) -> int:
        with self._lock:
            self.csp_reports += 1
            count = self.csp_reports
        log.warning("CSP violation reported by a browser: %.2000s", report)
        return count

    @property
    def session_seconds(self) -> float:
        return self.settings.web_session_hours * 3600
