"""updateClient: a client's name and contact details."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.clients import ClientEdit
from resolvers.clients import client_id
from resolvers.use_cases import run
from schema.mutations.clients.shared import ClientPayload


@strawberry.input(description="Fields left out (null) stay as they are.")
class UpdateClientInput:
    client_id: strawberry.ID = strawberry.field(
        description="One of your clients (intake or active); NOT_FOUND otherwise."
    )
    first_name: str | None = strawberry.field(default=None, description="1–100 characters. One line: no "
        "control characters or line breaks (else INVALID_CHARACTERS).")
    last_name: str | None = strawberry.field(default=None, description="1–100 characters. One line: no "
        "control characters or line breaks (else INVALID_CHARACTERS).")
    email: str | None = strawberry.field(
        default=None, description="A real address (email-validator's rules, no DNS check; else "
            "INVALID_EMAIL); stored lower-case."
    )
    phone: str | None = strawberry.field(
        default=None, description="Digits, spaces and + ( ) . / - (3–40 characters); \"\" removes it."
    )
    time_zone: str | None = strawberry.field(
        default=None, description="\"\" removes it. IANA zone from tzdata, e.g. America/New_York; an old "
            "link name (US/Eastern) is stored as the zone it names; localtime, Factory and unknown names "
            "are INVALID_TIME_ZONE."
    )

    def to_command(self) -> ClientEdit:
        return ClientEdit(
            self.first_name, self.last_name, self.email, self.phone, self.time_zone,
            client_id=client_id(self.client_id),
        )


@strawberry.mutation(description="Edit a client's name and contact details.")
async def update_client(
    info: strawberry.Info,
    input: Annotated[
        UpdateClientInput, strawberry.argument(description="The client and the fields to change.")
    ],
) -> ClientPayload:
    return ClientPayload.of(await run(info.context, input.to_command()))
