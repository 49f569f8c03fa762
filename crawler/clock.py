"""The injectable clock: a fixed time (`VIGIL_CLOCK`, ISO 8601) for tests and simulated days."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.settings import BaseSettings


class Clock:
    def __init__(self, fixed: datetime | None = None) -> None:
        self.fixed = fixed

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Clock:
        value = settings.get("VIGIL_CLOCK") or ""
        if not value:
            return cls()
        fixed = datetime.fromisoformat(value)
        return cls(fixed if fixed.tzinfo else fixed.replace(tzinfo=UTC))

    def now(self) -> datetime:
        return self.fixed or datetime.now(UTC)
