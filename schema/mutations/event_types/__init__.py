"""Event-type mutations, one module each: create, update, delete."""

import strawberry

from schema.mutations.event_types.create_event_type import create_event_type
from schema.mutations.event_types.delete_event_type import delete_event_type
from schema.mutations.event_types.update_event_type import update_event_type


@strawberry.type
class EventTypeMutations:
    create_event_type = create_event_type
    update_event_type = update_event_type
    delete_event_type = delete_event_type
