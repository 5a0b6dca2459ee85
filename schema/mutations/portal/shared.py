"""The payload both portal sign-ins answer with: a portal token."""

from __future__ import annotations

import strawberry

from resolvers.outcome import Outcome
from schema.common import UserError, user_errors


@strawberry.type(description="A client portal token, or why not.")
class ClientTokenPayload:
    token: str | None = strawberry.field(
        description="A portal token (`Authorization: Bearer <token>`), shown once; it opens the portal's "
        "fields only. Null on userErrors."
    )
    first_name: str | None = strawberry.field(description="The client's first name; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(description="Why not; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome) -> ClientTokenPayload:
        if outcome.value is None:
            return cls(token=None, first_name=None, user_errors=user_errors(outcome.errors))
        client, token = outcome.value
        return cls(token=token, first_name=client.first_name, user_errors=[])
