"""The audit log's request side: reads collected per response, sign-ins, the therapist's view.

A response's reads are collected while its types are built (`domain.audit.saw`, called from the
types' `from_domain` and the note and payment fields) and written as one entry in one INSERT
when the response (or a subscription's delivery) is complete: `reading` starts the collection,
`flush_reads` writes it. The entry names the records, never their content.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

from graphql import DocumentNode, FieldNode, OperationDefinitionNode

from domain import audit
from domain.accounts import email_errors, normalize_email
from persistence import audit as audit_store
from resolvers import cursors
from resolvers.context import LINK_CLIENT, Context
from resolvers.errors import ApiError, check_page_size
from resolvers.outcome import Outcome

MAX_PAGE = 100


def operation_of(document: DocumentNode | None, operation_name: str | None) -> str:
    """"query sessions,conflicts": the operation type and its root fields (never arguments)."""
    if document is None:
        return ""
    for node in document.definitions:
        if isinstance(node, OperationDefinitionNode) and (
            operation_name is None or (node.name and node.name.value == operation_name)
        ):
            names = [s.name.value for s in node.selection_set.selections if isinstance(s, FieldNode)]
            return f"{node.operation.value} {','.join(names)}"[:200]
    return ""


@contextlib.contextmanager
def reading(operation: str) -> Iterator[audit.Reads]:
    """Collect what this execution exposes, and name its operation for changes it makes."""
    collector = audit.Reads(operation=operation)
    reads_token = audit.reads.set(collector)
    origin_token = audit.origin.set(replace(audit.origin.get(), operation=operation))
    try:
        yield collector
    finally:
        audit.reads.reset(reads_token)
        audit.origin.reset(origin_token)


def start_reading(operation: str) -> audit.Reads:
    """For a stream (a subscription): collect from here on in this task, for its lifetime."""
    collector = audit.Reads(operation=operation)
    audit.reads.set(collector)
    audit.origin.set(replace(audit.origin.get(), operation=operation))
    return collector


def _practice(actor: audit.Actor, ctx: Context) -> UUID | None:
    if actor.kind == audit.CLIENT:
        link = ctx.memo.get(LINK_CLIENT)
        if actor.name in (audit.MANAGE_LINK, audit.WAITLIST_LINK) and link is not None:
            return link[1]  # type: ignore[index]
        client = ctx.memo.get("portal_client")
        return getattr(client, "therapist_id", None)
    return actor.practice


async def flush_reads(ctx: object, collector: audit.Reads | None, *, coalesce: bool = False) -> None:
    """One READ entry for what was collected (nothing, and no statement, when it was empty).

    `coalesce` (live deliveries): the entries of every delivery written in the same turn of the
    event loop — the sockets one event reaches — go in one INSERT, still one entry each."""
    if collector is None or not collector.seen or not isinstance(ctx, Context):
        return
    subjects, clients = collector.take()
    actor = ctx.audit_actor()
    source = replace(audit.origin.get(), operation=collector.operation)
    entry = audit.entry(_practice(actor, ctx), audit.READ, subjects, datetime.now(UTC), source, actor=actor)
    row = audit_store.row_of(entry, clients)
    if coalesce:
        await _batch_of(ctx.services.db).append(row)
    else:
        await audit_store.append(ctx.services.db, [row])


class _Batch:
    """Rows handed over in one turn of the event loop, written together once it ends; each
    writer waits for (and fails with) the INSERT that holds its row. No timer: the batch is
    whatever is ready at once."""

    def __init__(self, db) -> None:
        self._db = db
        self._rows: list[dict] = []
        self._written: asyncio.Future | None = None

    async def append(self, row: dict) -> None:
        if self._written is None:
            loop = asyncio.get_running_loop()
            self._written = loop.create_future()
            loop.call_soon(self._start)
        self._rows.append(row)
        await asyncio.shield(self._written)

    def _start(self) -> None:
        rows, written = self._rows, self._written
        self._rows, self._written = [], None
        task = asyncio.ensure_future(audit_store.append(self._db, rows))
        task.add_done_callback(lambda t: _settle(t, written))


def _settle(task: asyncio.Task, written: asyncio.Future | None) -> None:
    if written is None or written.done():
        return
    if task.cancelled():
        written.cancel()
    elif task.exception() is not None:
        written.set_exception(task.exception())
    else:
        written.set_result(None)


_batches: dict[int, _Batch] = {}  # by database (one per process; tests run several)


def _batch_of(db) -> _Batch:
    found = _batches.get(id(db))
    if found is None or found._db is not db:
        found = _batches[id(db)] = _Batch(db)
    return found


async def signed_in(ctx: Context, actor: audit.Actor, practice: UUID | None) -> None:
    entry = audit.entry(practice, audit.SIGN_IN, (), datetime.now(UTC), actor=actor)
    await audit_store.append(ctx.services.db, [audit_store.row_of(entry)])


async def sign_in_failed(ctx: Context, email: str, *, therapist: bool) -> None:
    """A refused sign-in: for a therapist account, in that practice's log (it is theirs to
    see); otherwise (unknown email, or the portal) in the log of no practice. The email itself
    is never stored."""
    practice = None
    email = normalize_email(email)
    if therapist and not email_errors(email):  # not an address: no account has it
        practice = await audit_store.practice_of_email(ctx.services.db, email)
    entry = audit.entry(practice, audit.SIGN_IN_FAILED, (), datetime.now(UTC), actor=audit.ANONYMOUS_ACTOR)
    await audit_store.append(ctx.services.db, [audit_store.row_of(entry)])


async def therapist_sign_in(ctx: Context, command: object, outcome: Outcome) -> None:
    """After a therapist's sign-in: the success, or the refusal (rate limits record nothing)."""
    if outcome.value is not None:
        therapist = outcome.value[0]
        await signed_in(ctx, audit.Actor(audit.THERAPIST, therapist.id), therapist.id)
    else:
        await sign_in_failed(ctx, command.email, therapist=True)  # type: ignore[attr-defined]


async def client_sign_in(ctx: Context, command: object, outcome: Outcome) -> None:
    """After a portal sign-in: the success, in the therapist's log, or the refusal."""
    if outcome.value is not None:
        client = outcome.value[0]
        await signed_in(ctx, audit.Actor(audit.CLIENT, client.id), client.therapist_id)
    else:
        await sign_in_failed(ctx, command.email, therapist=False)  # type: ignore[attr-defined]


# --- auditEvents ------------------------------------------------------------------------------


def encode_cursor(row_id: int) -> str:
    return cursors.encode(cursors.AUDIT, row_id)


def decode_cursor(cursor: str) -> int:
    try:
        return int(cursors.decode(cursors.AUDIT, cursor))
    except ValueError:
        raise cursors.not_from_this_list() from None


async def events(ctx: Context, *, first: int, after: str | None, client_id: UUID | None,
                 start: datetime | None, end: datetime | None) -> tuple[list, bool]:
    me = await ctx.therapist()
    check_page_size(first, MAX_PAGE)
    if start is not None and end is not None and end <= start:
        raise ApiError("`to` must be after `from`.", "BAD_USER_INPUT")
    before = decode_cursor(after) if after else None
    return await audit_store.page(ctx.services.db, me.id, first=first, before_id=before,
                                  client_id=client_id, start=start, end=end)
