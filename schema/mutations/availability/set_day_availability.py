"""setDayAvailability: replace one weekday's slots (the Save button)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.availability import SetDay
from resolvers.use_cases import run
from schema.mutations.availability.shared import AvailabilityPayload


@strawberry.input(description="A wall-clock slot; bad values come back as user errors.")
class TimeSlotInput:
    start: str = strawberry.field(description="\"HH:MM\" or \"H:MM\", 24-hour (\"9:00\" = \"09:00\").")
    end: str = strawberry.field(description="\"HH:MM\" or \"H:MM\", after start; \"24:00\" = end of day.")


@strawberry.input(description="Replace one day's slots; an empty list makes the day unavailable.")
class SetDayAvailabilityInput:
    day: str = strawberry.field(description="MONDAY … SUNDAY (a string, so a typo is a user error).")
    slots: list[TimeSlotInput] = strawberry.field(description="0 to 15, non-overlapping.")

    def to_command(self) -> SetDay:
        return SetDay(self.day, [(s.start, s.end) for s in self.slots])


@strawberry.mutation(description="Save one weekday's slots (replaces them atomically).")
async def set_day_availability(
    info: strawberry.Info,
    input: Annotated[SetDayAvailabilityInput, strawberry.argument(description="The day and its new slots.")],
) -> AvailabilityPayload:
    return await AvailabilityPayload.of(info, await run(info.context, input.to_command()))
