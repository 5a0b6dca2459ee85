"""Reminder settings (Practice Settings > Reminders): who is asking, input → domain call → result."""

from __future__ import annotations

from uuid import UUID

from domain.reminders import ReminderSettings
from domain.services import reminders
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt


async def reminder_settings(ctx: Context, therapist_id: UUID) -> ReminderSettings:
    return await reminders.reminder_settings(ctx.services.uow(), therapist_id)


async def update_reminder_settings(
    ctx: Context, *, enabled: bool, lead_minutes: int, also_day_before: bool
) -> Outcome[ReminderSettings]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(reminders.update_reminder_settings(
        s.uow(), me.id, enabled=enabled, lead_minutes=lead_minutes,
        also_day_before=also_day_before,
    ))
