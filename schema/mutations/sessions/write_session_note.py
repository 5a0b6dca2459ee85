"""writeSessionNote: the clinical note of a session (PHI: never logged)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.sessions import WriteSessionNote
from resolvers import global_ids
from resolvers.use_cases import run
from schema.mutations.sessions.shared import SessionWorkPayload


@strawberry.input(description="The clinical note of a session (replaces the previous text).")
class WriteSessionNoteInput:
    session_id: strawberry.ID = strawberry.field(description="The session.")
    text: str = strawberry.field(description="PHI: only you can read it; never logged. ≤ 20,000 chars. Line "
        "breaks and tabs are kept; other control characters are INVALID_CHARACTERS.")

    def to_command(self) -> WriteSessionNote:
        return WriteSessionNote(session_id=global_ids.decode_as(self.session_id, "Session"), text=self.text)


@strawberry.mutation(description="Write the session's clinical note.")
async def write_session_note(
    info: strawberry.Info,
    input: Annotated[
        WriteSessionNoteInput, strawberry.argument(description="The session and the note text.")
    ],
) -> SessionWorkPayload:
    return SessionWorkPayload.of(info, await run(info.context, input.to_command()))
