"""Outlook mutations, one module each: connect, complete the connection, disconnect."""

import strawberry

from schema.mutations.outlook.complete_outlook_connection import complete_outlook_connection
from schema.mutations.outlook.connect_outlook import connect_outlook
from schema.mutations.outlook.disconnect_outlook import disconnect_outlook


@strawberry.type
class OutlookMutations:
    connect_outlook = connect_outlook
    complete_outlook_connection = complete_outlook_connection
    disconnect_outlook = disconnect_outlook
