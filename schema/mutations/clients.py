"""Client mutations: add and edit by hand; accept, reject or merge intake clients."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.clients import ClientFields
from resolvers import clients
from resolvers.global_ids import encode
from schema.clients import Client
from schema.common import UserError, user_errors


@strawberry.input(description="A client added by hand (returning client, referral); starts active.")
class CreateClientInput:
    first_name: str = strawberry.field(description="1–100 characters. One line: no control characters or "
        "line breaks (else INVALID_CHARACTERS).")
    last_name: str = strawberry.field(description="1–100 characters. One line: no control characters or "
        "line breaks (else INVALID_CHARACTERS).")
    email: str = strawberry.field(description="A real address (email-validator's rules, no DNS check; else "
        "INVALID_EMAIL); stored lower-case.")
    phone: str | None = strawberry.field(
        default=None, description="Optional: digits, spaces and + ( ) . / - (3–40 characters)."
    )
    time_zone: str | None = strawberry.field(default=None, description="Optional. IANA zone from tzdata, "
        "e.g. America/New_York; an old link name (US/Eastern) is stored as the zone it names; localtime, "
        "Factory and unknown names are INVALID_TIME_ZONE.")


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


@strawberry.input(description="The intake client to accept or reject.")
class IntakeInput:
    client_id: strawberry.ID = strawberry.field(description="An intake client from `newBookings`.")


@strawberry.input(description="An intake client and the active client to merge it into.")
class MergeIntakeInput:
    client_id: strawberry.ID = strawberry.field(description="The intake client.")
    into_client_id: strawberry.ID = strawberry.field(description="An existing active client.")
    take_contact_details: bool = strawberry.field(
        default=False, description="Replace the active client's email with the one typed when booking, "
        "and their phone and time zone when given (links sent to the old email stop working).")


@strawberry.type(description="The client after the change, or why nothing was changed.")
class ClientPayload:
    client: Client | None = strawberry.field(
        description="The client after the change; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )


@strawberry.type(description="Which intake client was removed, or why nothing was changed.")
class RejectIntakePayload:
    removed_client_id: strawberry.ID | None = strawberry.field(
        description="The removed client's ID; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )


def _payload(outcome) -> ClientPayload:
    return ClientPayload(
        client=Client.from_domain(outcome.value) if outcome.value else None,
        user_errors=user_errors(outcome.errors),
    )


@strawberry.type
class ClientMutations:
    @strawberry.mutation(description="Add a client by hand.")
    async def create_client(
        self, info: strawberry.Info,
        input: Annotated[CreateClientInput, strawberry.argument(description="The new client.")],
    ) -> ClientPayload:
        fields = ClientFields(input.first_name, input.last_name, input.email, input.phone,
                              input.time_zone)
        return _payload(await clients.create(info.context, fields))

    @strawberry.mutation(description="Edit a client's name and contact details.")
    async def update_client(
        self, info: strawberry.Info,
        input: Annotated[UpdateClientInput, strawberry.argument(
            description="The client and the fields to change."
        )],
    ) -> ClientPayload:
        fields = ClientFields(input.first_name, input.last_name, input.email, input.phone,
                              input.time_zone)
        return _payload(await clients.update(info.context, input.client_id, fields))

    @strawberry.mutation(description="Accept an intake client: they become an active client.")
    async def accept_intake(
        self, info: strawberry.Info,
        input: Annotated[IntakeInput, strawberry.argument(description="The intake client.")],
    ) -> ClientPayload:
        return _payload(await clients.accept(info.context, input.client_id))

    @strawberry.mutation(
        description="Reject an intake client: the record and their booked sessions are removed "
        "and the slots are free again."
    )
    async def reject_intake(
        self, info: strawberry.Info,
        input: Annotated[IntakeInput, strawberry.argument(description="The intake client.")],
    ) -> RejectIntakePayload:
        outcome = await clients.reject(info.context, input.client_id)
        return RejectIntakePayload(
            removed_client_id=strawberry.ID(encode("Client", outcome.value)) if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )

    @strawberry.mutation(
        description="Merge an intake client into an existing active client: the booked sessions "
        "move over and the intake record goes away. Returns the active client."
    )
    async def merge_intake(
        self, info: strawberry.Info,
        input: Annotated[MergeIntakeInput, strawberry.argument(
            description="The intake client and the active client to keep."
        )],
    ) -> ClientPayload:
        return _payload(await clients.merge(info.context, input.client_id, input.into_client_id,
                                            take_contact_details=input.take_contact_details))
