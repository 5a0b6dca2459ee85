"""Shared GraphQL pieces: the Relay Node interface, user errors, enums."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain import errors as domain_errors
from domain import model
from schema.cost import Bound, item_bound

ErrorCode = strawberry.enum(
    domain_errors.ErrorCode,
    description="Why a mutation said no. Stable: switch on these, not on messages.",
)
VisitType = strawberry.enum(
    model.VisitType, description="Where sessions of an event type may take place."
)
CalendarView = strawberry.enum(model.CalendarView, description="The calendar layout.")


@strawberry.enum(description="Days of the week, Monday first (ISO 8601).")
class Weekday(Enum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


@strawberry.interface(description="An object with a global ID (Relay). Fetch any with `node`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID.")


MAX_USER_ERRORS = 20  # a payload lists at most this many (the first found); see user_errors()


@strawberry.type(description="Something wrong with a mutation's input; nothing was changed. A payload "
                 f"lists at most {MAX_USER_ERRORS} (the first found). Cost: a `userErrors` list counts "
                 f"as {MAX_USER_ERRORS}.")
class UserError:
    field: list[str] = strawberry.field(
        description="Path to the input field at fault, e.g. [\"slots\", \"2\", \"end\"]; "
        "empty when the error concerns the whole input."
    )
    code: ErrorCode = strawberry.field(description="Machine-readable reason.")  # type: ignore[valid-type]
    message: str = strawberry.field(description="Readable explanation, safe to show.")

    @classmethod
    def from_domain(cls, error: domain_errors.UserError) -> UserError:
        return cls(field=list(error.field), code=error.code, message=error.message)


def user_errors(errors: list[domain_errors.UserError]) -> list[UserError]:
    """The payload's userErrors: the first MAX_USER_ERRORS (20,000 bad slots in one input give
    20 errors, not 20,000: nothing is stored either way)."""
    return [UserError.from_domain(e) for e in errors[:MAX_USER_ERRORS]]


item_bound("UserError", Bound(items=MAX_USER_ERRORS))


@strawberry.type(description="An amount of money in minor units (cents).")
class Money:
    amount_cents: int = strawberry.field(description="Amount in cents (minor units).")
    currency: str = strawberry.field(description="ISO 4217 code, e.g. USD.")

    @classmethod
    def of(cls, cents: int | None, currency: str | None) -> Money | None:
        return cls(amount_cents=cents, currency=currency) if cents is not None and currency else None
