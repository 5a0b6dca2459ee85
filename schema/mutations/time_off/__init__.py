"""Time-off mutations, one module each: add, remove."""

import strawberry

from schema.mutations.time_off.add_time_off import add_time_off
from schema.mutations.time_off.remove_time_off import remove_time_off


@strawberry.type
class TimeOffMutations:
    add_time_off = add_time_off
    remove_time_off = remove_time_off
