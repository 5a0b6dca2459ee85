"""Use cases of Practice Settings > Reminders (sending reminders is domain/services/notifications.py)."""

from __future__ import annotations

from uuid import UUID

from domain.errors import RuleViolation
from domain.ports.unit_of_work import UnitOfWork
from domain.reminders import ReminderSettings, settings_errors


async def reminder_settings(uow: UnitOfWork, therapist_id: UUID) -> ReminderSettings:
    async with uow:
        return await uow.reminder_settings.get(therapist_id)


async def update_reminder_settings(
    uow: UnitOfWork, therapist_id: UUID, *, enabled: bool,
    lead_minutes: int, also_day_before: bool,
) -> ReminderSettings:
    errors = settings_errors(lead_minutes)
    if errors:
        raise RuleViolation(errors)
    settings = ReminderSettings(enabled, lead_minutes, also_day_before)
    async with uow:
        await uow.reminder_settings.save(therapist_id, settings)
        await uow.commit()
    return settings
