"""The one hop from a mutation field to its use case: who asks → use case → value or userErrors.

A field builds its domain command once (`SomeInput.to_command()` in `schema/mutations/`) and
calls `run(ctx, command)`. `run` finds the command's use case in `USE_CASES`, establishes who
asks (anyone, the signed-in therapist, the signed-in portal client: UNAUTHENTICATED otherwise),
calls the use case with the ports it needs, and turns a `RuleViolation` into userErrors
(`resolvers.outcome.attempt`). A new mutation adds one entry here; nothing else in resolvers/.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any
from uuid import UUID

from domain.services import booking, sessions
from resolvers.context import Context, Services
from resolvers.outcome import Outcome, attempt


class Who(Enum):
    """Who may run a use case."""

    ANYONE = "anyone"  # no sign-in (public booking, sign-in itself)
    THERAPIST = "therapist"  # a therapist's token; UNAUTHENTICATED otherwise
    CLIENT = "client"  # a portal client's token; UNAUTHENTICATED otherwise


@dataclass(frozen=True)
class Caller:
    """Who asks, as a use case needs it."""

    id: UUID | None  # the therapist's or portal client's ID; None for ANYONE
    address: str  # the client address (rate limits per address)
    token: str | None  # the bearer token the request carries (sign-out revokes it)


UseCase = Callable[[Services, Caller, Any], Awaitable[Any]]


@dataclass(frozen=True)
class Binding:
    who: Who
    call: UseCase


def anyone(call: UseCase) -> Binding:
    return Binding(Who.ANYONE, call)


def therapist(call: UseCase) -> Binding:
    return Binding(Who.THERAPIST, call)


def client(call: UseCase) -> Binding:
    return Binding(Who.CLIENT, call)


# command type → who may ask, and the use case with its ports
USE_CASES: dict[type, Binding] = {
    booking.BookingRequest: anyone(lambda s, caller, c: booking.book(
        s.uow(), s.clock, s.rooms, s.limiter, c, client_address=caller.address,
        limits=s.config.booking_limits)),
    sessions.CancelSession: therapist(lambda s, me, c: sessions.cancel(s.uow(), me.id, c, at=s.clock.now())),
    sessions.UncancelSession: therapist(lambda s, me, c: sessions.uncancel(s.uow(), me.id, c)),
}


async def caller(ctx: Context, who: Who) -> Caller:
    """Who asks; UNAUTHENTICATED (a GraphQL error) when the use case needs a sign-in."""
    if who is Who.THERAPIST:
        caller_id: UUID | None = (await ctx.therapist()).id
    elif who is Who.CLIENT:
        caller_id = (await ctx.portal_client()).id
    else:
        caller_id = None
    return Caller(caller_id, ctx.client_address, ctx.token)


async def run(ctx: Context, command: object) -> Outcome[Any]:
    """Run the command's use case for whoever asks: its value, or the user errors a rule
    raised (nothing was written); RATE_LIMITED is a GraphQL error."""
    binding = USE_CASES[type(command)]
    who = await caller(ctx, binding.who)
    return await attempt(binding.call(ctx.services, who, command))
