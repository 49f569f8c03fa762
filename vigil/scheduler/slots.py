"""Cron slots of a market's schedule, read in the schedule's time zone and returned in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from croniter import croniter

from crawler.schedule import ScheduleSpec


def latest_slot(spec: ScheduleSpec, now: datetime) -> datetime:
    """The newest slot at or before `now`.

    Found by walking forward (`next_slot`) from croniter's previous slot, so that both agree on
    the slots of a day with a daylight-saving change (going back, croniter may skip one)."""
    local = now.astimezone(spec.zone)
    slot = croniter(spec.cron, local).get_prev(datetime).astimezone(UTC)
    while (following := next_slot(spec, slot)) <= now:
        slot = following
    return slot


def next_slot(spec: ScheduleSpec, now: datetime) -> datetime:
    """The first slot after `now`."""
    return croniter(spec.cron, now.astimezone(spec.zone)).get_next(datetime).astimezone(UTC)


def slot_key(slot: datetime) -> str:
    """A slot as recorded in a run's stats: UTC, ISO 8601, to the second."""
    return slot.astimezone(UTC).replace(microsecond=0).isoformat()
