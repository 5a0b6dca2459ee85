"""Client mutations: add and edit by hand; accept, reject or merge intake clients."""

from __future__ import annotations

import strawberry

from domain.services.clients import ClientFields
from resolvers import clients
from resolvers.global_ids import encode
from schema.clients import Client
from schema.common import UserError, user_errors


@strawberry.input(description="A client added by hand (returning client, referral); starts active.")
class CreateClientInput:
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    time_zone: str | None = strawberry.field(default=None, description="IANA zone, optional.")


@strawberry.input(description="Fields left out (null) stay as they are.")
class UpdateClientInput:
    client_id: strawberry.ID
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    time_zone: str | None = None


@strawberry.input
class IntakeInput:
    client_id: strawberry.ID = strawberry.field(description="An intake client from `newBookings`.")


@strawberry.input
class MergeIntakeInput:
    client_id: strawberry.ID = strawberry.field(description="The intake client.")
    into_client_id: strawberry.ID = strawberry.field(description="An existing active client.")


@strawberry.type
class ClientPayload:
    client: Client | None
    user_errors: list[UserError]


@strawberry.type
class RejectIntakePayload:
    removed_client_id: strawberry.ID | None
    user_errors: list[UserError]


def _payload(outcome) -> ClientPayload:
    return ClientPayload(
        client=Client.from_domain(outcome.value) if outcome.value else None,
        user_errors=user_errors(outcome.errors),
    )


@strawberry.type
class ClientMutations:
    @strawberry.mutation(description="Add a client by hand.")
    async def create_client(self, info: strawberry.Info, input: CreateClientInput) -> ClientPayload:
        fields = ClientFields(input.first_name, input.last_name, input.email, input.phone,
                              input.time_zone)
        return _payload(await clients.create(info.context, fields))

    @strawberry.mutation(description="Edit a client's name and contact details.")
    async def update_client(self, info: strawberry.Info, input: UpdateClientInput) -> ClientPayload:
        fields = ClientFields(input.first_name, input.last_name, input.email, input.phone,
                              input.time_zone)
        return _payload(await clients.update(info.context, input.client_id, fields))

    @strawberry.mutation(description="Accept an intake client: they become an active client.")
    async def accept_intake(self, info: strawberry.Info, input: IntakeInput) -> ClientPayload:
        return _payload(await clients.accept(info.context, input.client_id))

    @strawberry.mutation(
        description="Reject an intake client: the record and their booked sessions are removed "
        "and the slots are free again."
    )
    async def reject_intake(self, info: strawberry.Info, input: IntakeInput) -> RejectIntakePayload:
        outcome = await clients.reject(info.context, input.client_id)
        return RejectIntakePayload(
            removed_client_id=strawberry.ID(encode("Client", outcome.value)) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )

    @strawberry.mutation(
        description="Merge an intake client into an existing active client: the booked sessions "
        "move over and the intake record goes away. Returns the active client."
    )
    async def merge_intake(self, info: strawberry.Info, input: MergeIntakeInput) -> ClientPayload:
        return _payload(await clients.merge(info.context, input.client_id, input.into_client_id))
