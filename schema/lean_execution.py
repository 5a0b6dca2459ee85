"""graphql-core's executor, minus one cache a live subscription would keep for hours.

For a subscription, graphql-core makes one executor per event as a shallow copy of the
subscription's executor, so the copies share its `_relevant_sub_fields` memo (the collected
sub-selections of each object type): after the first event every open calendar holds ~45 such
objects (lists, dicts, `FieldDetails`) for as long as it is open, and the garbage collector
walks them in every full collection (couchtime/gc_pauses.py). Here each event gets its own memo,
which goes away with the event; collecting the sub-selections again per event is cheap next to
executing it.

And an event's response is resolved once per process for all the subscribers that would
resolve it the same way (`execute_operation` below).
"""

from __future__ import annotations

from typing import Any

from graphql import ExecutionResult
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from domain.live import Delivery
from resolvers import live
from resolvers.context import Context


class LeanExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any):  # type: ignore[override]
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor

    def execute_operation(self, serially: bool | None = None):  # type: ignore[override]
        """An event's response, resolved once for every subscriber of this process with the
        same document, variables and viewer (the payload's root object is shared by them, see
        schema.subscription); each still gets its own result object and audit entry."""
        root = self.root_value
        delivery = getattr(root, "delivery", None)
        if serially is not False or not isinstance(delivery, Delivery):
            return super().execute_operation(serially)
        context = self.context_value
        viewer = context.audit_actor() if isinstance(context, Context) else None
        variables = repr(sorted(self.variable_values.coerced.items()))
        key = ("response", id(root), id(self.operation), variables, viewer)
        return self._shared_response(delivery, key)

    async def _shared_response(self, delivery: Delivery, key: tuple) -> ExecutionResult:
        async def resolve() -> ExecutionResult:
            result = super(LeanExecutionContext, self).execute_operation(False)
            return await result if self.is_awaitable(result) else result

        found = await live.shared(delivery, key, resolve)
        return ExecutionResult(found.data, list(found.errors) if found.errors else None,
                               found.extensions)
