"""removeWaitlistEntry: the therapist takes someone off their waitlist."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.waitlist import RemoveWaitlistEntry
from resolvers import global_ids
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.waitlist import WaitlistEntry


@strawberry.input(description="The entry to remove.")
class RemoveWaitlistEntryInput:
    id: strawberry.ID = strawberry.field(
        description="A WaitlistEntry ID from me.waitlist; NOT_FOUND otherwise.")

    def to_command(self) -> RemoveWaitlistEntry:
        return RemoveWaitlistEntry(global_ids.decode_as(self.id, "WaitlistEntry"))


@strawberry.type(description="The removed entry, or why not.")
class RemoveWaitlistEntryPayload:
    entry: WaitlistEntry | None = strawberry.field(description="Now REMOVED; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(
        description="NOT_FOUND (not yours), NOT_WAITING (booked, left or lapsed); nothing was changed.")

    @classmethod
    def of(cls, outcome: Outcome) -> RemoveWaitlistEntryPayload:
        return cls(entry=WaitlistEntry.from_domain(outcome.value) if outcome.value else None,
                   user_errors=user_errors(outcome.errors))


@strawberry.mutation(description="Remove someone from your waitlist. A time held for them goes to the next "
                     "person waiting. They get no email.")
async def remove_waitlist_entry(
    info: strawberry.Info,
    input: Annotated[RemoveWaitlistEntryInput, strawberry.argument(description="Which entry.")],
) -> RemoveWaitlistEntryPayload:
    return RemoveWaitlistEntryPayload.of(await run(info.context, input.to_command()))
