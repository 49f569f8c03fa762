"""A market's crawl schedule: the `schedule` block of its config, and the names under which a
scheduled crawl records its slot and trigger.

`vigil schedule run` (vigil/scheduler/) starts the crawls; the crawl itself only records which
slot it serves (spider arguments `schedule_slot` and `schedule_trigger`, stats
`vigil/schedule/slot` and `vigil/schedule/trigger`), so that the index is the scheduler's
memory across restarts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from crawler.field_specs import Strict

#: Spider arguments (`-a NAME=VALUE`, as Scrapyd passes them) of a crawl that serves a slot.
SLOT_ARG = "schedule_slot"
TRIGGER_ARG = "schedule_trigger"
#: Run stats that keep them, at the run's start and after it finished.
SLOT_STAT = "vigil/schedule/slot"
TRIGGER_STAT = "vigil/schedule/trigger"
#: Why a crawl ran: its slot came due, a missed slot caught up at start, or a person asked.
TRIGGERS = ("scheduled", "catch_up", "manual")
Trigger = Literal["scheduled", "catch_up", "manual"]

CRON_NICKNAMES = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
CRON_EXPECTED = 'expected a 5-field cron expression such as "0 */6 * * *" (minute hour day month weekday)'


class ScheduleSpec(Strict):
    """When the market is crawled by `vigil schedule run`."""

    cron: str = Field(description='a 5-field cron expression, e.g. "0 */6 * * *", or @daily, @hourly…')
    timezone: str = Field(default="UTC", description="the IANA time zone the cron is read in")
    catch_up: Literal["latest", "skip"] = Field(
        default="latest",
        description="slots missed while the scheduler was down or the market busy: `latest` runs "
        "once for the newest of them, `skip` waits for the next slot",
    )

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        value = " ".join(value.split())
        if value.lower() in CRON_NICKNAMES:
            return value.lower()
        if len(value.split(" ")) != 5:
            raise ValueError(f"{value!r}: {CRON_EXPECTED}")
        from croniter import croniter

        if not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not valid: {CRON_EXPECTED}")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r}: expected an IANA time zone such as UTC or Europe/Berlin") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_slot(value: str) -> datetime:
    """A slot as recorded (ISO 8601, aware); raises ValueError otherwise."""
    slot = datetime.fromisoformat(value)
    if slot.tzinfo is None:
        raise ValueError(f"{value!r}: a slot needs its UTC offset")
    return slot
