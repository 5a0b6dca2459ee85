"""The audit log's storage: appending entries, the hash chain, verifying it, pruning it.

Entries are inserted unchained (`seq` and `hash` null): a change's entry in the change's own
transaction, a request's reads in one INSERT at its end. The linker (`link`, run by the
`audit.link` job every few seconds) then gives each unlinked entry, in insertion order, the next
`seq` of its practice and `hash = sha256(previous hash, seq, the entry's fields)`, and moves the
practice's head (`audit_heads`) forward. Nothing on the request path waits for the chain, and
only the linker (one at a time: an advisory lock on PostgreSQL, SQLite's single writer) writes
it. `verify` recomputes every practice's chain from its checkpoint: an edited field, a deleted
entry (a gap, or a head the chain no longer reaches) or two entries swapped (a hash that no
longer fits its place) are reported. `prune` deletes linked entries older than the retention
and leaves the last deleted entry's seq and hash as the chain's checkpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, bindparam, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit
from persistence.database import Database
from persistence.tables.audit import AuditEntryRow, AuditHeadRow
from persistence.tables.sessions import SessionRow

GENESIS = "0" * 64
_ENTRIES = AuditEntryRow.__table__
_HEADS = AuditHeadRow.__table__
_LOCK_KEY = 0x0A0D17  # pg_advisory_xact_lock key held by the linker and the pruner
_INSERT = insert(_ENTRIES)


def row_of(entry: audit.Entry, client_ids: set[str] | frozenset[str] = frozenset()) -> dict:
    clients = set(client_ids) | {s.split(":", 1)[1] for s in entry.subjects if s.startswith("client:")}
    return {
        "practice_id": entry.practice_id, "at": entry.at, "actor_kind": entry.actor.kind,
        "actor_id": entry.actor.id, "actor_name": entry.actor.name, "action": entry.action,
        "operation": entry.operation, "subjects": " ".join(entry.subjects),
        "client_ids": " ".join(sorted(clients)), "request_id": entry.request_id,
        "address": entry.address,
    }


async def append(db: Database, rows: Sequence[dict]) -> None:
    """Entries outside any unit of work (a request's reads, a sign-in): one INSERT, committed
    at once. It takes no lock of the chain."""
    if not rows:
        return
    async with db.quick_write() as conn:  # one row: one INSERT, its compiled form cached
        await conn.execute(_INSERT, list(rows) if len(rows) > 1 else rows[0])


class SqlAuditTrail:
    """The `AuditTrail` of a unit of work: entries recorded during the use case, plus one CHANGE
    entry per practice derived from its events, written by `flush` just before the commit."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._entries: list[audit.Entry] = []

    def record(self, entry: audit.Entry) -> None:
        self._entries.append(entry)

    async def flush(self, events, at: datetime) -> None:
        entries = [*self._entries, *audit.changes_for(events, at)]
        self._entries = []
        if not entries:
            return
        sessions = {UUID(s.split(":", 1)[1]) for e in entries for s in e.subjects if s.startswith("session:")}
        owners: dict[str, str] = {}
        if sessions:  # the filter by client also finds changes named by session (a note, a move)
            found = await self.session.execute(
                select(SessionRow.id, SessionRow.client_id).where(SessionRow.id.in_(sessions)))
            owners = {str(sid): str(cid) for sid, cid in found}
        rows = []
        for e in entries:
            clients = {owners[s.split(":", 1)[1]] for s in e.subjects if s.split(":", 1)[1] in owners}
            rows.append(row_of(e, clients))
        await self.session.execute(_INSERT, rows if len(rows) > 1 else rows[0])


# --- the chain ------------------------------------------------------------------------------


def digest(previous: str, seq: int, row) -> str:
    """The link: the previous entry's hash, this entry's place and every field but its id."""
    fields = (
        previous, str(seq), str(row.practice_id), row.at.isoformat(), row.actor_kind,
        str(row.actor_id or ""), row.actor_name or "", row.action, row.operation, row.subjects,
        row.client_ids, row.request_id or "", row.address or "",
    )
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


_COLUMNS = [c for c in _ENTRIES.c if c.name not in ("seq", "hash")]


async def _lock(session: AsyncSession, db: Database) -> None:
    if not db.is_sqlite:
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


async def link(db: Database, batch: int = 5000) -> int:
    """Chain up to `batch` unlinked entries, oldest first; returns how many."""
    async with db.write_session() as session, session.begin():
        await _lock(session, db)
        rows = (await session.execute(
            select(*_COLUMNS).where(_ENTRIES.c.seq.is_(None)).order_by(_ENTRIES.c.id).limit(batch)
        )).all()
        if not rows:
            return 0
        practices = {r.practice_id for r in rows}
        found = await session.execute(select(_HEADS.c.practice_id, _HEADS.c.seq, _HEADS.c.hash)
                                      .where(_HEADS.c.practice_id.in_(practices)))
        heads = {h.practice_id: [h.seq, h.hash] for h in found.all()}
        new = practices - set(heads)
        links = []
        for row in rows:
            head = heads.setdefault(row.practice_id, [0, GENESIS])
            head[0] += 1
            head[1] = digest(head[1], head[0], row)
            links.append({"row_id": row.id, "new_seq": head[0], "new_hash": head[1]})
        await session.execute(
            update(_ENTRIES).where(_ENTRIES.c.id == bindparam("row_id"))
            .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
            .execution_options(synchronize_session=False),
            links,
        )
        if new:
            await session.execute(insert(_HEADS).values([
                {"practice_id": p, "seq": heads[p][0], "hash": heads[p][1], "checkpoint_seq": 0}
                for p in new]))
        for practice in practices - new:
            await session.execute(update(_HEADS).where(_HEADS.c.practice_id == practice)
                                  .values(seq=heads[practice][0], hash=heads[practice][1]))
        return len(rows)


async def link_all(db: Database) -> int:
    total = 0
    while (done := await link(db)) > 0:
        total += done
    return total


@dataclass(frozen=True)
class Problem:
    practice_id: UUID
    seq: int
    what: str

    def __str__(self) -> str:
        return f"practice {self.practice_id}: entry {self.seq}: {self.what}"


@dataclass(frozen=True)
class Report:
    practices: int
    entries: int
    unlinked: int
    problems: tuple[Problem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


async def verify(db: Database, page: int = 5000) -> Report:
    """Recompute every practice's chain from its checkpoint (or the start)."""
    problems: list[Problem] = []
    checked = 0
    async with db.read_session() as session:
        heads = {h.practice_id: h for h in (await session.execute(select(_HEADS))).all()}
        unlinked = (await session.execute(
            select(func.count()).select_from(_ENTRIES).where(_ENTRIES.c.seq.is_(None)))).scalar_one()
        chained = set((await session.execute(
            select(_ENTRIES.c.practice_id).where(_ENTRIES.c.seq.is_not(None)).distinct())).scalars())
        for practice in sorted(set(heads) | chained, key=str):
            head = heads.get(practice)
            if head is None:
                problems.append(Problem(practice, 0, "linked entries but no chain head (head deleted)"))
                continue
            expected, previous = head.checkpoint_seq + 1, head.checkpoint_hash or GENESIS
            after = head.checkpoint_seq
            while True:
                rows = (await session.execute(
                    select(_ENTRIES).where(_ENTRIES.c.practice_id == practice, _ENTRIES.c.seq > after)
                    .order_by(_ENTRIES.c.seq).limit(page))).all()
                for row in rows:
                    checked += 1
                    if row.seq != expected:
                        problems.append(Problem(practice, expected,
                                                f"missing (deleted?): entries {expected}–{row.seq - 1}"))
                    if digest(previous, row.seq, row) != row.hash:
                        problems.append(Problem(practice, row.seq, "hash does not match (edited or moved)"))
                    previous, expected = row.hash, row.seq + 1
                if len(rows) < page:
                    break
                after = rows[-1].seq
            below = (await session.execute(select(func.count()).select_from(_ENTRIES).where(
                _ENTRIES.c.practice_id == practice, _ENTRIES.c.seq <= head.checkpoint_seq))).scalar_one()
            if below:
                problems.append(Problem(practice, head.checkpoint_seq,
                                        f"{below} entries at or before the checkpoint"))
            if head.seq != expected - 1 or head.hash != previous:
                problems.append(Problem(practice, head.seq,
                                        "the chain does not reach its head (last entries deleted?)"))
    return Report(len(set(heads) | chained), checked, unlinked, tuple(problems))


async def prune(db: Database, before: datetime) -> int:
    """Delete linked entries older than `before`; each practice keeps a checkpoint (the last
    deleted entry's seq and hash) from which `verify` goes on. Returns how many were deleted."""
    deleted = 0
    async with db.write_session() as session, session.begin():
        await _lock(session, db)
        cut = (await session.execute(
            select(_ENTRIES.c.practice_id, func.max(_ENTRIES.c.seq))
            .where(_ENTRIES.c.seq.is_not(None), _ENTRIES.c.at < before)
            .group_by(_ENTRIES.c.practice_id))).all()
        for practice, last in cut:
            last_hash = (await session.execute(select(_ENTRIES.c.hash).where(
                _ENTRIES.c.practice_id == practice, _ENTRIES.c.seq == last))).scalar_one()
            result = await session.execute(delete(_ENTRIES).where(
                _ENTRIES.c.practice_id == practice, _ENTRIES.c.seq <= last))
            deleted += result.rowcount or 0
            await session.execute(update(_HEADS).where(_HEADS.c.practice_id == practice).values(
                checkpoint_seq=last, checkpoint_hash=last_hash, checkpoint_at=before))
    return deleted


# --- the therapist's view -------------------------------------------------------------------


async def page(
    db: Database, practice_id: UUID, *, first: int, before_id: int | None, client_id: UUID | None,
    start: datetime | None, end: datetime | None,
) -> tuple[list, bool]:
    """A practice's entries, newest first; (rows, has_next)."""
    where = [_ENTRIES.c.practice_id == practice_id]
    if before_id is not None:
        where.append(_ENTRIES.c.id < before_id)
    if client_id is not None:
        where.append(_ENTRIES.c.client_ids.contains(str(client_id), autoescape=True))
    if start is not None:
        where.append(_ENTRIES.c.at >= start)
    if end is not None:
        where.append(_ENTRIES.c.at < end)
    async with db.read_session() as session:
        rows = (await session.execute(
            select(_ENTRIES).where(and_(*where)).order_by(_ENTRIES.c.id.desc()).limit(first + 1))).all()
    return rows[:first], len(rows) > first



async def practice_of_email(db: Database, email: str) -> UUID | None:
    """The therapist account an email signs in to, if any (for a failed sign-in's entry)."""
    from persistence.tables.accounts import TherapistRow

    async with db.read_session() as session:
        return (await session.execute(
            select(TherapistRow.id).where(TherapistRow.email == email))).scalar_one_or_none()


async def job_read(db: Database, job_name: str, session_id: UUID) -> None:
    """A job acted on one session (sent an email about it, synced it to Outlook): a READ of
    the session and its client in the session's practice, by the job."""
    from datetime import UTC

    async with db.read_session() as session:
        found = (await session.execute(select(SessionRow.therapist_id, SessionRow.client_id)
                                       .where(SessionRow.id == session_id))).first()
    if found is None:
        return
    therapist_id, client_id = found
    entry = audit.Entry(
        practice_id=therapist_id, at=datetime.now(UTC), actor=audit.Actor(audit.JOB, name=job_name),
        action=audit.READ, operation=job_name,
        subjects=tuple(sorted({audit.subject("session", session_id), audit.subject("client", client_id)})),
    )
    await append(db, [row_of(entry)])
