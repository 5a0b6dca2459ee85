"""Practice Settings > Reminders."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.errors import ErrorCode
from domain.errors import UserError as RuleError
from resolvers import portal as resolve
from schema.common import UserError, user_errors
from schema.portal import ReminderLead, ReminderSettings


@strawberry.input(description="Reminder emails to clients who accepted a portal invite.")
class UpdateReminderSettingsInput:
    enabled: bool = strawberry.field(description="Send reminders.")
    lead: ReminderLead | None = strawberry.field(
        default=None, description="When before the start (required unless `leadMinutes` is given).")
    lead_minutes: int | None = strawberry.field(
        default=None, description="Minutes before the start: 15, 30 or 45.",
        deprecation_reason="Use `lead`.")
    also_day_before: bool = strawberry.field(description="Also send one 24 hours before the start.")


@strawberry.type(description="The saved reminder settings, or why not.")
class UpdateReminderSettingsPayload:
    reminder_settings: ReminderSettings | None = strawberry.field(
        description="The settings now in force; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        description="REQUIRED lead (neither `lead` nor `leadMinutes` given); INVALID leadMinutes (not 15, "
        "30 or 45, or not what `lead` says); empty on success.")


@strawberry.type
class ReminderMutations:
    @strawberry.mutation(
        description="Turn session reminders on or off and choose when they go out. They reach only "
        "clients with portal access who did not unsubscribe, never for cancelled sessions."
    )
    async def update_reminder_settings(
        self, info: strawberry.Info,
        input: Annotated[UpdateReminderSettingsInput, strawberry.argument(description="The settings.")],
    ) -> UpdateReminderSettingsPayload:
        if input.lead is None and input.lead_minutes is None:
            return UpdateReminderSettingsPayload(reminder_settings=None, user_errors=user_errors([
                RuleError(("lead",), ErrorCode.REQUIRED, "Choose 15, 30 or 45 minutes.")]))
        if input.lead is not None and input.lead_minutes not in (None, input.lead.value):
            return UpdateReminderSettingsPayload(reminder_settings=None, user_errors=user_errors([
                RuleError(("leadMinutes",), ErrorCode.INVALID, "Give `lead` alone.")]))
        outcome = await resolve.update_reminder_settings(
            info.context, enabled=input.enabled,
            lead_minutes=input.lead.value if input.lead is not None else input.lead_minutes,
            also_day_before=input.also_day_before,
        )
        if outcome.value is None:
            return UpdateReminderSettingsPayload(reminder_settings=None,
                                                 user_errors=user_errors(outcome.errors))
        return UpdateReminderSettingsPayload(
            reminder_settings=ReminderSettings.from_domain(outcome.value), user_errors=[]
        )
