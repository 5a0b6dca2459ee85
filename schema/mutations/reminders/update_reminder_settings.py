"""updateReminderSettings: Practice Settings > Reminders."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain import reminders
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.portal import ReminderSettings


@strawberry.input(description="Reminder emails to clients who accepted a portal invite.")
class UpdateReminderSettingsInput:
    enabled: bool = strawberry.field(description="Send reminders.")
    lead_minutes: int = strawberry.field(description="Minutes before the start: 15, 30 or 45.")
    also_day_before: bool = strawberry.field(description="Also send one 24 hours before the start.")

    def to_command(self) -> reminders.ReminderSettings:
        return reminders.ReminderSettings(self.enabled, self.lead_minutes, self.also_day_before)


@strawberry.type(description="The saved reminder settings, or why not.")
class UpdateReminderSettingsPayload:
    reminder_settings: ReminderSettings | None = strawberry.field(
        description="The settings now in force; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(description="INVALID leadMinutes; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome) -> UpdateReminderSettingsPayload:
        if outcome.value is None:
            return cls(reminder_settings=None, user_errors=user_errors(outcome.errors))
        return cls(reminder_settings=ReminderSettings.from_domain(outcome.value), user_errors=[])


@strawberry.mutation(
    description="Turn session reminders on or off and choose when they go out. They reach only "
    "clients with portal access who did not unsubscribe, never for cancelled sessions."
)
async def update_reminder_settings(
    info: strawberry.Info,
    input: Annotated[UpdateReminderSettingsInput, strawberry.argument(description="The settings.")],
) -> UpdateReminderSettingsPayload:
    return UpdateReminderSettingsPayload.of(await run(info.context, input.to_command()))
