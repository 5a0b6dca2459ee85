"""setDateOverride: one date's own hours (or none), replacing its weekday's on the booking page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from domain.services.date_overrides import SetDateOverride
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.mutations.availability.set_day_availability import TimeSlotInput
from schema.therapist import DateOverride


@strawberry.input(description="A date and its hours; an empty list closes the date.")
class SetDateOverrideInput:
    date: dt.date = strawberry.field(description="Today or later (therapist's clock), within two years; "
                                     "OUT_OF_RANGE otherwise.")
    slots: list[TimeSlotInput] = strawberry.field(description="0 to 15, non-overlapping; empty: no hours "
                                                  "that date.")

    def to_command(self) -> SetDateOverride:
        return SetDateOverride(self.date, tuple((s.start, s.end) for s in self.slots))


@strawberry.type(description="The date's hours as saved, or why nothing was changed.")
class SetDateOverridePayload:
    date_override: DateOverride | None = strawberry.field(description="Null when userErrors is not empty.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed; empty on success.")


@strawberry.mutation(description="Give one date its own hours (\"24 December: 09:00–12:00\") or none; "
                     "they replace that weekday's hours, and time off still applies on top. Replaces an "
                     "earlier override of the same date.")
async def set_date_override(
    info: strawberry.Info,
    input: Annotated[SetDateOverrideInput, strawberry.argument(description="The date and its hours.")],
) -> SetDateOverridePayload:
    outcome = await run(info.context, input.to_command())
    return SetDateOverridePayload(
        date_override=DateOverride.from_domain(outcome.value) if outcome.value else None,
        user_errors=user_errors(outcome.errors))
