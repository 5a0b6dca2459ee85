"""Account recovery for therapists and portal clients: change the password (the current one
required), reset it through an emailed link, and revoke the account's tokens when it changes.

A revoked token is announced as `SignedOut` (one event per token) after commit: its live
subscriptions end and every API process closes its open sockets with 4403.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.events import SignedOut
from domain.ports import UnitOfWork


async def revoke_tokens(
    uow: UnitOfWork, subject_id: UUID, kind: str, at: datetime, *, announce_as: UUID,
    keep: str | None = None,
) -> int:
    """Revoke every live token of the account but `keep`; announce each after commit.
    `announce_as` is the practice (therapist) whose live streams should hear it."""
    hashes = await uow.tokens.revoke_all(subject_id, kind, at, keep=keep)
    for digest in hashes:
        uow.record(SignedOut(announce_as, digest))
    return len(hashes)
