"""Client mutations, one module each: add and edit by hand; accept, reject or merge intakes."""

import strawberry

from schema.mutations.clients.accept_intake import accept_intake
from schema.mutations.clients.create_client import create_client
from schema.mutations.clients.merge_intake import merge_intake
from schema.mutations.clients.reject_intake import reject_intake
from schema.mutations.clients.update_client import update_client


@strawberry.type
class ClientMutations:
    create_client = create_client
    update_client = update_client
    accept_intake = accept_intake
    reject_intake = reject_intake
    merge_intake = merge_intake
