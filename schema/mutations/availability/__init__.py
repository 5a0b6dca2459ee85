"""Weekly-hours mutations, one module each: save a day, save the week, copy a day."""

import strawberry

from schema.mutations.availability.copy_day_availability import copy_day_availability
from schema.mutations.availability.set_day_availability import set_day_availability
from schema.mutations.availability.set_weekly_availability import set_weekly_availability


@strawberry.type
class AvailabilityMutations:
    set_day_availability = set_day_availability
    set_weekly_availability = set_weekly_availability
    copy_day_availability = copy_day_availability
