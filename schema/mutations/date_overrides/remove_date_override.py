"""removeDateOverride: a date goes back to its weekday's hours."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from domain.services.date_overrides import RemoveDateOverride
from resolvers.use_cases import run
from schema.common import UserError, user_errors


@strawberry.input(description="The date whose override goes.")
class RemoveDateOverrideInput:
    date: dt.date = strawberry.field(description="A date with an override; NOT_FOUND otherwise.")

    def to_command(self) -> RemoveDateOverride:
        return RemoveDateOverride(self.date)


@strawberry.type(description="The date now back on its weekday's hours, or why not.")
class RemoveDateOverridePayload:
    date: dt.date | None = strawberry.field(description="Null when userErrors is not empty.")
    user_errors: list[UserError] = strawberry.field(description="NOT_FOUND when the date had no override.")


@strawberry.mutation(description="Remove a date's override: it takes its weekday's hours again.")
async def remove_date_override(
    info: strawberry.Info,
    input: Annotated[RemoveDateOverrideInput, strawberry.argument(description="The date.")],
) -> RemoveDateOverridePayload:
    outcome = await run(info.context, input.to_command())
    return RemoveDateOverridePayload(date=outcome.value, user_errors=user_errors(outcome.errors))
