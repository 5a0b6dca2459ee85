"""Outlook mutations, one module each: connect, complete the connection, disconnect, and whether
tentative appointments block slots."""

import strawberry

from schema.mutations.outlook.complete_outlook_connection import complete_outlook_connection
from schema.mutations.outlook.connect_outlook import connect_outlook
from schema.mutations.outlook.disconnect_outlook import disconnect_outlook
from schema.mutations.outlook.set_tentative_events_block import set_tentative_events_block


@strawberry.type
class OutlookMutations:
    set_tentative_events_block = set_tentative_events_block
    connect_outlook = connect_outlook
    complete_outlook_connection = complete_outlook_connection
    disconnect_outlook = disconnect_outlook
