"""Weekly-hours mutations: save a day, save the week, copy a day."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from resolvers import availability
from schema.common import UserError, user_errors
from schema.cost import bound
from schema.therapist import DayAvailability, week_of


@strawberry.input(description="A wall-clock slot; bad values come back as user errors.")
class TimeSlotInput:
    start: str = strawberry.field(description="\"HH:MM\" or \"H:MM\", 24-hour (\"9:00\" = \"09:00\").")
    end: str = strawberry.field(description="\"HH:MM\" or \"H:MM\", after start; \"24:00\" = end of day.")


@strawberry.input(description="Replace one day's slots; an empty list makes the day unavailable.")
class SetDayAvailabilityInput:
    day: str = strawberry.field(description="MONDAY … SUNDAY (a string, so a typo is a user error).")
    slots: list[TimeSlotInput] = strawberry.field(description="0 to 15, non-overlapping.")


@strawberry.input(description="The whole week, as the weekly-hours screen saves it with one button.")
class SetWeeklyAvailabilityInput:
    days: list[SetDayAvailabilityInput] = strawberry.field(
        description="Each day at most once; a day left out has no hours (the whole week is replaced). "
        "Errors name the entry, e.g. [\"days\", \"2\", \"slots\", \"0\", \"end\"].")


@strawberry.input(description="Copy one day's slots onto other days, in one transaction.")
class CopyDayAvailabilityInput:
    from_day: str = strawberry.field(description="The day to copy, MONDAY … SUNDAY.")
    to_days: list[str] = strawberry.field(
        description="Days whose slots are replaced by a copy; `fromDay` and repeats are ignored."
    )


@strawberry.type(description="The whole week as it is after the mutation (or unchanged).")
class AvailabilityPayload:
    weekly_availability: list[DayAvailability] = strawberry.field(
        description="All seven days, Monday first, as stored now. Cost: 7.", metadata=bound(items=7)
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )


async def _payload(info: strawberry.Info, therapist_id: UUID, errors) -> AvailabilityPayload:
    loader = info.context.loaders.weekly_hours_by_therapist
    loader.clear_all()  # the mutation changed what an earlier field may have loaded
    hours = await availability.weekly_hours(info.context, therapist_id)
    return AvailabilityPayload(weekly_availability=week_of(hours), user_errors=user_errors(errors))


@strawberry.type
class AvailabilityMutations:
    @strawberry.mutation(description="Save one weekday's slots (replaces them atomically).")
    async def set_day_availability(
        self, info: strawberry.Info,
        input: Annotated[SetDayAvailabilityInput, strawberry.argument(
            description="The day and its new slots."
        )],
    ) -> AvailabilityPayload:
        outcome = await availability.set_day(
            info.context, day=input.day, slots=[(s.start, s.end) for s in input.slots]
        )
        return await _payload(info, outcome.value, outcome.errors)

    @strawberry.mutation(description="Save the whole week's slots in one transaction: every day is "
                         "saved, or (on any userError) none.")
    async def set_weekly_availability(
        self, info: strawberry.Info,
        input: Annotated[SetWeeklyAvailabilityInput, strawberry.argument(
            description="Every day's slots."
        )],
    ) -> AvailabilityPayload:
        outcome = await availability.set_week(
            info.context, days=[(d.day, [(s.start, s.end) for s in d.slots]) for d in input.days]
        )
        return await _payload(info, outcome.value, outcome.errors)

    @strawberry.mutation(description="Copy one day's slots onto the ticked days.")
    async def copy_day_availability(
        self, info: strawberry.Info,
        input: Annotated[CopyDayAvailabilityInput, strawberry.argument(
            description="The day to copy and the days to overwrite."
        )],
    ) -> AvailabilityPayload:
        outcome = await availability.copy_day(
            info.context, from_day=input.from_day, to_days=input.to_days
        )
        return await _payload(info, outcome.value, outcome.errors)
