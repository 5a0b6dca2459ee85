"""Session reminders ("Practice Settings > Reminders"): when one is due, as pure rules.

A reminder of kind LEAD is due `lead_minutes` before the start, DAY_BEFORE 24 hours before.
It is sent when `due <= now < start` and `now <= due + grace` (a scheduler that was down longer
than the grace sends nothing late), and never when the session was created after its due time
(booked inside the window: no late reminder for a time already passed). The rule reads the
session's current start, so a moved session is reminded at its new time; the idempotency key
holds the start, so each start is reminded at most once per kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.errors import ErrorCode, UserError

LEADS = (15, 30, 45)
DAY_BEFORE = timedelta(hours=24)
DEFAULT_GRACE = timedelta(minutes=10)


class ReminderKind(StrEnum):
    LEAD = "reminder.lead"
    DAY_BEFORE = "reminder.day_before"


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """Per therapist. Off until the therapist turns it on."""

    enabled: bool = False
    lead_minutes: int = 30
    also_day_before: bool = False


def settings_errors(lead_minutes: int) -> list[UserError]:
    if lead_minutes not in LEADS:
        return [UserError(("leadMinutes",), ErrorCode.INVALID, "Choose 15, 30 or 45 minutes.")]
    return []


def kinds(settings: ReminderSettings) -> list[ReminderKind]:
    if not settings.enabled:
        return []
    return [ReminderKind.LEAD] + ([ReminderKind.DAY_BEFORE] if settings.also_day_before else [])


def due_at(start: datetime, kind: ReminderKind, settings: ReminderSettings) -> datetime:
    lead = DAY_BEFORE if kind is ReminderKind.DAY_BEFORE else timedelta(minutes=settings.lead_minutes)
    return start - lead


def is_due(
    now: datetime, *, start: datetime, created_at: datetime, kind: ReminderKind,
    settings: ReminderSettings, grace: timedelta = DEFAULT_GRACE,
) -> bool:
    if kind not in kinds(settings):
        return False
    due = due_at(start, kind, settings)
    return due <= now < start and now <= due + grace and created_at <= due


def max_lookahead(grace: timedelta = DEFAULT_GRACE) -> timedelta:
    """How far ahead of now a start can be for some reminder to be due (the index range)."""
    return timedelta(minutes=max(LEADS))


def key(session_id: UUID, start: datetime) -> str:
    """Idempotency key of a reminder: the session and the start it reminds of."""
    return f"{session_id}@{start.astimezone(UTC).strftime('%Y-%m-%dT%H:%MZ')}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scheduled session in the look-ahead range whose client may receive reminders."""

    session_id: UUID
    start: datetime
    created_at: datetime
    settings: ReminderSettings


def due_reminders(
    candidates: list[Candidate], now: datetime, grace: timedelta = DEFAULT_GRACE
) -> list[tuple[Candidate, ReminderKind]]:
    return [
        (c, kind) for c in candidates for kind in kinds(c.settings)
        if is_due(now, start=c.start, created_at=c.created_at, kind=kind, settings=c.settings,
                  grace=grace)
    ]
