"""graphql-core's executor, minus one cache a live subscription would keep for hours.

For a subscription, graphql-core makes one executor per event as a shallow copy of the
subscription's executor, so the copies share its `_relevant_sub_fields` memo (the collected
sub-selections of each object type): after the first event every open calendar holds ~45 such
objects (lists, dicts, `FieldDetails`) for as long as it is open, and the garbage collector
walks them in every full collection (couchtime/gc_pauses.py). Here each event gets its own memo,
which goes away with the event; collecting the sub-selections again per event is cheap next to
executing it.
"""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class LeanExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any):  # type: ignore[override]
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor
