"""Series mutations, one module each: start repeating (or change the cadence), stop repeating."""

import strawberry

from schema.mutations.series.start_repeating import start_repeating
from schema.mutations.series.stop_repeating import stop_repeating


@strawberry.type
class SeriesMutations:
    start_repeating = start_repeating
    stop_repeating = stop_repeating
