"""Bearer-token reads for the API: the signed-in therapist with the token's expiry.

One indexed statement (the primary key of `auth_tokens` joined to `therapists`), built once at
import, used for every HTTP request and for every operation on a websocket, so that a revoked or
expired token stops working on a socket that is already open.

`TokenCache` keeps recent answers in the process for a few seconds (README: "Token checks").
Revocation stays immediate: every change that can end a token or alter the signed-in therapist
is announced on the event bus (`SignedOut` per token, `ProfileUpdated`, `AccountChanged`); this
process drops the entries before the mutation that made the change answers, other processes as
soon as they hear it. While the bus cannot be heard (Redis down) the cache is not used at all,
and it starts empty after every reconnection; the TTL bounds what a message lost in between could
leave behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from domain.events import AccountChanged, DomainEvent, ProfileUpdated, SignedOut
from domain.model import Therapist
from persistence.database import Database
from persistence.mapping import therapist_from_row
from persistence.tables.accounts import AuthTokenRow, TherapistRow

_LIVE_TOKEN = (
    select(TherapistRow.__table__, AuthTokenRow.expires_at.label("token_expires_at"))
    .join(AuthTokenRow.__table__, AuthTokenRow.subject_id == TherapistRow.id)
    .where(
        AuthTokenRow.token_hash == bindparam("token_hash"),
        AuthTokenRow.kind == bindparam("kind"),
        AuthTokenRow.revoked_at.is_(None),
        AuthTokenRow.expires_at > bindparam("now"),
    )
)


async def therapist_by_live_token(
    db: Database, token_hash: str, kind: str, now: datetime
) -> tuple[Therapist, datetime] | None:
    """(the therapist, when the token expires) for a live token of `kind`; None otherwise."""
    async with db.engine.connect() as conn:
        row = (await conn.execute(
            _LIVE_TOKEN, {"token_hash": token_hash, "kind": kind, "now": now}
        )).first()
    if row is None:
        return None
    return therapist_from_row(row), row.token_expires_at  # type: ignore[arg-type]


# Messages after which a therapist's cached tokens are dropped: a token revoked (sign-out, a
# password change or reset: one SignedOut per token), the therapist's own row changed.
FORGETTING_EVENTS = (SignedOut, ProfileUpdated, AccountChanged)


@dataclass(frozen=True, slots=True)
class _Entry:
    therapist: Therapist
    expires_at: datetime  # the token's own expiry (checked on every hit)
    fresh_until: float  # monotonic seconds: looked up again after this


class TokenCache:
    """Therapist-token answers kept `ttl_seconds` (monotonic) in this process.

    `bus_epoch()` says whether the bus is heard: None when it is not (then every call reads the
    database), else a number that changes on every (re)connection (then the cache restarts
    empty, since messages may have been lost while it was down).
    """

    def __init__(self, db: Database, *, ttl_seconds: float, bus_epoch: Callable[[], int | None],
                 max_entries: int = 10_000, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._ttl = ttl_seconds
        self._bus_epoch = bus_epoch
        self._max = max_entries
        self._monotonic = monotonic
        self._entries: dict[str, _Entry] = {}
        self._by_therapist: dict[str, set[str]] = {}
        self._epoch: int | None = None
        self._generation = 0  # bumped by every forget: a lookup in flight then stores nothing

    async def therapist(self, token_hash: str, kind: str, now: datetime
                        ) -> tuple[Therapist, datetime] | None:
        epoch = self._bus_epoch()
        if epoch != self._epoch:
            self._clear(epoch)
        if epoch is not None:
            hit = self._entries.get(token_hash)
            if hit is not None and hit.fresh_until > self._monotonic() and now < hit.expires_at:
                return hit.therapist, hit.expires_at
        generation = self._generation
        found = await therapist_by_live_token(self._db, token_hash, kind, now)
        if (found is not None and epoch is not None and generation == self._generation
                and self._bus_epoch() == epoch):
            self._store(token_hash, found)
        return found

    def _store(self, token_hash: str, found: tuple[Therapist, datetime]) -> None:
        if token_hash not in self._entries and len(self._entries) >= self._max:
            self._drop(next(iter(self._entries)))  # the oldest
        therapist, expires_at = found
        self._entries[token_hash] = _Entry(therapist, expires_at, self._monotonic() + self._ttl)
        self._by_therapist.setdefault(str(therapist.id), set()).add(token_hash)

    def on_bus_event(self, event: DomainEvent) -> None:
        """A bus watcher: every event this process hears (its own included)."""
        if not isinstance(event, FORGETTING_EVENTS):
            return
        self._generation += 1
        if isinstance(event, SignedOut):
            self._drop(event.token_hash)
        for token_hash in list(self._by_therapist.get(str(event.therapist_id), ())):
            self._drop(token_hash)

    async def on_event(self, event: DomainEvent) -> None:
        """A bus handler: this process's own events, before the change's response leaves."""
        self.on_bus_event(event)

    def _drop(self, token_hash: str) -> None:
        entry = self._entries.pop(token_hash, None)
        if entry is None:
            return
        key = str(entry.therapist.id)
        hashes = self._by_therapist.get(key)
        if hashes is not None:
            hashes.discard(token_hash)
            if not hashes:
                del self._by_therapist[key]

    def _clear(self, epoch: int | None) -> None:
        self._entries.clear()
        self._by_therapist.clear()
        self._generation += 1
        self._epoch = epoch

    def __len__(self) -> int:
        return len(self._entries)

