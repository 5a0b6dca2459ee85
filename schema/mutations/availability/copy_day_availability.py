"""copyDayAvailability: one day's slots onto the ticked days, all or nothing."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.availability import CopyDay
from resolvers.use_cases import run
from schema.mutations.availability.shared import AvailabilityPayload


@strawberry.input(description="Copy one day's slots onto other days, in one transaction.")
class CopyDayAvailabilityInput:
    from_day: str = strawberry.field(description="The day to copy, MONDAY … SUNDAY.")
    to_days: list[str] = strawberry.field(
        description="Days whose slots are replaced by a copy; `fromDay` and repeats are ignored."
    )

    def to_command(self) -> CopyDay:
        return CopyDay(self.from_day, self.to_days)


@strawberry.mutation(description="Copy one day's slots onto the ticked days.")
async def copy_day_availability(
    info: strawberry.Info,
    input: Annotated[CopyDayAvailabilityInput, strawberry.argument(
        description="The day to copy and the days to overwrite."
    )],
) -> AvailabilityPayload:
    return await AvailabilityPayload.of(info, await run(info.context, input.to_command()))
