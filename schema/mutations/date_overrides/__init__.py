"""Date-override mutations, one module each."""

import strawberry

from schema.mutations.date_overrides.remove_date_override import remove_date_override
from schema.mutations.date_overrides.set_date_override import set_date_override


@strawberry.type
class DateOverrideMutations:
    set_date_override = set_date_override
    remove_date_override = remove_date_override
