"""Event types of the signed-in therapist."""

from __future__ import annotations

from uuid import UUID

from domain.errors import ErrorCode, RuleViolation
from domain.model import EventType
from domain.services import event_types
from resolvers import global_ids
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt

TYPE_NAME = "EventType"


async def of_therapist(ctx: Context, therapist_id: UUID) -> list[EventType]:
    return await ctx.loaders.event_types_by_therapist.load(therapist_id)


def _event_type_id(global_id: str) -> UUID:
    raw = global_ids.decode_as(global_id, TYPE_NAME)
    if raw is None:
        raise RuleViolation.one(("eventTypeId",), ErrorCode.NOT_FOUND, "No such event type.")
    return raw


async def create(ctx: Context, fields: event_types.EventTypeFields) -> Outcome[EventType]:
    me = await ctx.therapist()
    s = ctx.services
    return await attempt(event_types.create(s.uow(), s.clock, me.id, fields))


async def update(
    ctx: Context, global_id: str, fields: event_types.EventTypeFields
) -> Outcome[EventType]:
    me = await ctx.therapist()

    async def run() -> EventType:
        return await event_types.update(ctx.services.uow(), me.id, _event_type_id(global_id), fields)

    return await attempt(run())


async def delete(ctx: Context, global_id: str) -> Outcome[str]:
    me = await ctx.therapist()
    s = ctx.services

    async def run() -> str:
        await event_types.delete(s.uow(), s.clock, me.id, _event_type_id(global_id))
        return global_id

    return await attempt(run())
