"""createClient: a client added by hand (returning client, referral); starts active."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.clients import ClientFields
from resolvers.use_cases import run
from schema.common import EMAIL_RULE, NAME_RULE, PHONE_RULE
from schema.mutations.clients.shared import ClientPayload


@strawberry.input(description="A client added by hand (returning client, referral); starts active.")
class CreateClientInput:
    first_name: str = strawberry.field(description=NAME_RULE)
    last_name: str = strawberry.field(description=NAME_RULE)
    email: str = strawberry.field(description=EMAIL_RULE)
    phone: str | None = strawberry.field(default=None, description=PHONE_RULE)
    time_zone: str | None = strawberry.field(default=None, description="Optional. IANA zone from tzdata, "
        "e.g. America/New_York; an old link name (US/Eastern) is stored as the zone it names; localtime, "
        "Factory and unknown names are INVALID_TIME_ZONE.")

    def to_command(self) -> ClientFields:
        return ClientFields(self.first_name, self.last_name, self.email, self.phone, self.time_zone)


@strawberry.mutation(description="Add a client by hand.")
async def create_client(
    info: strawberry.Info,
    input: Annotated[CreateClientInput, strawberry.argument(description="The new client.")],
) -> ClientPayload:
    return ClientPayload.of(await run(info.context, input.to_command()))
