"""Reminder settings (Practice Settings > Reminders) as the API reads them; changing them is a
use case (`resolvers.use_cases`)."""

from __future__ import annotations

from uuid import UUID

from domain.reminders import ReminderSettings
from domain.services import reminders
from resolvers.context import Context


async def reminder_settings(ctx: Context, therapist_id: UUID) -> ReminderSettings:
    return await reminders.reminder_settings(ctx.services.uow(), therapist_id)
