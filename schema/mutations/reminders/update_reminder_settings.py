"""updateReminderSettings: Practice Settings > Reminders."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain import reminders
from domain.errors import ErrorCode
from domain.errors import UserError as RuleError
from resolvers.outcome import Outcome
from resolvers.use_cases import run
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

    def input_errors(self) -> list[RuleError]:
        """What the two spellings of the lead time make wrong before any rule is asked: neither
        given, or both given and not the same."""
        if self.lead is None and self.lead_minutes is None:
            return [RuleError(("lead",), ErrorCode.REQUIRED, "Choose 15, 30 or 45 minutes.")]
        if self.lead is not None and self.lead_minutes not in (None, self.lead.value):
            return [RuleError(("leadMinutes",), ErrorCode.INVALID, "Give `lead` alone.")]
        return []

    def to_command(self) -> reminders.ReminderSettings:
        lead = self.lead.value if self.lead is not None else self.lead_minutes
        assert lead is not None  # input_errors() refused the input otherwise
        return reminders.ReminderSettings(self.enabled, lead, self.also_day_before)


@strawberry.type(description="The saved reminder settings, or why not.")
class UpdateReminderSettingsPayload:
    reminder_settings: ReminderSettings | None = strawberry.field(
        description="The settings now in force; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        description="REQUIRED lead (neither `lead` nor `leadMinutes` given); INVALID leadMinutes (not 15, "
        "30 or 45, or not what `lead` says); empty on success.")

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
    if errors := input.input_errors():
        return UpdateReminderSettingsPayload.of(Outcome(None, errors))
    return UpdateReminderSettingsPayload.of(await run(info.context, input.to_command()))
