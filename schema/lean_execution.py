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

And a leaf field (a scalar or an enum) whose resolver `schema.lean_fields` marked as a plain
read of its object (`lean_read`: an attribute, or a method that takes neither arguments nor
`info`) is answered in `execute_fields` without the per-field machinery of `execute_field`
(a `GraphQLResolveInfo` and a `Path` built, the type dispatch of `complete_value`): read, then
the type's `coerce_output_value`, as `complete_leaf_value` does. Whatever is not that plain case
— an error raised, null, an awaitable, a value the type refuses — goes the ordinary way with the
value already read, so errors, nulls and their paths are exactly graphql-core's. With schema
middleware (tracing) every field takes the ordinary way. A month view answers about 2,200 of
its 2,800 fields here, the slot listing all of its 1,032.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graphql import ExecutionResult, GraphQLObjectType
from graphql.execution.executor import gather_with_cancel, to_nodes
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from domain.live import Delivery
from resolvers import live
from resolvers.context import Context
from schema.lean_fields import ContextInfo

_PLAIN = frozenset({str, int, float, bool, datetime})  # never awaitable, never an exception


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

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None,
                       grouped_field_set: Any, position_context: Any) -> Any:
        """graphql-core's `execute_fields`, with the fields `schema.lean_fields` made lean read
        in place."""
        middleware = self.middleware_manager
        if middleware is not None and middleware.middlewares:  # tracing: every field its way
            return super().execute_fields(parent_type, source_value, path, grouped_field_set,
                                          position_context)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        fields = parent_type.fields
        try:
            for response_name, field_details_list in grouped_field_set.items():
                field_def = fields.get(field_details_list[0].node.name.value)
                lean = getattr(field_def.resolve, "lean", None) if field_def else None
                if lean is None:
                    result = self.execute_field(parent_type, source_value, field_details_list,
                                                Path(path, response_name, parent_type.name),
                                                position_context)
                    if result is Undefined:
                        continue
                else:  # read it here; the ordinary way only for what is not a plain value
                    read, with_context, leaf = lean
                    try:
                        value = read(source_value, self._context_info()) if with_context else (
                            read(source_value))
                    except Exception as error:  # noqa: BLE001 - a field error, as graphql-core's
                        self.handle_field_error(error, field_def.type, field_details_list,
                                                Path(path, response_name, parent_type.name))
                        results[response_name] = None
                        continue
                    if leaf is not None and value is not None and (type(value) in _PLAIN or (
                            not isinstance(value, Exception) and not is_awaitable(value))):
                        try:
                            coerced = leaf.coerce_output_value(value)
                        except Exception:  # noqa: BLE001 - the ordinary way raises it where it belongs
                            coerced = None
                        if coerced is not None and coerced is not Undefined:
                            results[response_name] = coerced
                            continue
                    result = self._complete_read(parent_type, path, response_name, field_details_list,
                                                 field_def, value, position_context)
                results[response_name] = result
                if is_awaitable(result):
                    awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _context_info(self) -> ContextInfo:
        found = self.__dict__.get("_lean_context")
        if found is None or found.context is not self.context_value:
            found = self._lean_context = ContextInfo(self.context_value)
        return found

    def _complete_read(self, parent_type, path, response_name, field_details_list, field_def, value,
                       position_context) -> Any:
        """The rest of graphql-core's `execute_field` for a value already read."""
        field_path = Path(path, response_name, parent_type.name)
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, field_path)
        try:
            if self.is_awaitable(value):
                return self.complete_awaitable_value(return_type, field_details_list, info, field_path,
                                                     value, position_context)
            completed = self.complete_value(return_type, field_details_list, info, field_path, value,
                                            position_context)
        except Exception as error:  # noqa: BLE001 - a field error, as graphql-core handles it
            self.handle_field_error(error, return_type, field_details_list, field_path)
            return None
        if self.is_awaitable(completed):
            return self._await_completed(completed, return_type, field_details_list, field_path)
        return completed

    async def _await_completed(self, completed, return_type, field_details_list, field_path) -> Any:
        try:
            return await completed
        except Exception as error:  # noqa: BLE001 - a field error, as graphql-core handles it
            self.handle_field_error(error, return_type, field_details_list, field_path)
            return None
