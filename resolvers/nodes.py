"""`node(id:)`: any object by global ID, but only the caller's own (others read as null)."""

from __future__ import annotations

from persistence.read_models import waitlist as waitlist_reads
from resolvers import global_ids
from resolvers.context import Context


async def resolve(ctx: Context, global_id: str) -> tuple[str, object] | None:
    decoded = global_ids.decode(global_id)
    if decoded is None:
        return None
    type_name, raw_id = decoded
    me = await ctx.therapist()
    loaders = ctx.loaders
    if type_name == "Therapist":
        found = me if raw_id == me.id else None
    elif type_name == "EventType":
        found = await loaders.event_type_by_id.load(raw_id)
    elif type_name == "Client":
        found = await loaders.client_by_id.load(raw_id)
    elif type_name == "Session":
        found = await loaders.session_by_id.load(raw_id)
    elif type_name == "WaitlistEntry":
        found = await waitlist_reads.entry_by_id(ctx.services.db, raw_id)
    elif type_name == "TimeOff":
        entries = await loaders.time_off_by_therapist.load(me.id)
        found = next((t for t in entries if t.id == raw_id), None)
    else:
        return None
    if found is None or getattr(found, "therapist_id", me.id) != me.id:
        return None
    return type_name, found
