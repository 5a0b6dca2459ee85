"""`node(id:)`: any object by global ID, but only the caller's own (others read as null)."""

from __future__ import annotations

from resolvers import global_ids
from resolvers.context import Context


async def resolve(ctx: Context, global_id: str) -> tuple[str, object] | None:
    decoded = global_ids.decode(global_id)
    if decoded is None:
        return None
    type_name, raw_id = decoded
    me = await ctx.therapist()
    if type_name == "Therapist":
        return (type_name, me) if raw_id == me.id else None
    if type_name == "EventType":
        event_type = await ctx.loaders.event_type_by_id.load(raw_id)
        if event_type is None or event_type.therapist_id != me.id:
            return None
        return type_name, event_type
    return None
