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
    uow: UnitOfWork, therapist_id: UUID, settings: ReminderSettings
) -> ReminderSettings:
    """The settings are their own command: saved as given once the lead time is allowed."""
    errors = settings_errors(settings.lead_minutes)
    if errors:
        raise RuleViolation(errors)
    async with uow:
        await uow.reminder_settings.save(therapist_id, settings)
        await uow.commit()
    return settings
