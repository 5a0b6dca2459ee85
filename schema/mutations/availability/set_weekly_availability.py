"""setWeeklyAvailability: save the whole week's slots with the screen's one Save button."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.availability import SetWeek
from resolvers.use_cases import run
from schema.mutations.availability.set_day_availability import SetDayAvailabilityInput
from schema.mutations.availability.shared import AvailabilityPayload


@strawberry.input(description="The whole week, as the weekly-hours screen saves it with one button.")
class SetWeeklyAvailabilityInput:
    days: list[SetDayAvailabilityInput] = strawberry.field(
        description="Each day at most once; a day left out has no hours (the whole week is replaced). "
        "Errors name the entry, e.g. [\"days\", \"2\", \"slots\", \"0\", \"end\"].")

    def to_command(self) -> SetWeek:
        return SetWeek([(d.day, [(s.start, s.end) for s in d.slots]) for d in self.days])


@strawberry.mutation(description="Save the whole week's slots in one transaction: every day is "
                     "saved, or (on any userError) none.")
async def set_weekly_availability(
    info: strawberry.Info,
    input: Annotated[SetWeeklyAvailabilityInput, strawberry.argument(description="Every day's slots.")],
) -> AvailabilityPayload:
    return await AvailabilityPayload.of(info, await run(info.context, input.to_command()))
