"""The strawberry.Schema with its limits; `schema/schema.graphql` is its exported SDL."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import strawberry
from graphql import DocumentNode, GraphQLError, parse, specified_rules, validate
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers import audit as audit_log
from resolvers.errors import ApiError
from schema import lean_fields, limits
from schema.cost import operation_cost
from schema.errors import mask_unexpected
from schema.lean_execution import LeanExecutionContext
from schema.mutations.accounts import AccountMutations
from schema.mutations.availability import AvailabilityMutations
from schema.mutations.booking import BookingMutations
from schema.mutations.calendar_feed import CalendarFeedMutations
from schema.mutations.clients import ClientMutations
from schema.mutations.date_overrides import DateOverrideMutations
from schema.mutations.event_types import EventTypeMutations
from schema.mutations.manage_booking import ManageBookingMutations
from schema.mutations.outlook import OutlookMutations
from schema.mutations.portal import PortalMutations
from schema.mutations.recovery import RecoveryMutations
from schema.mutations.reminders import ReminderMutations
from schema.mutations.series import SeriesMutations
from schema.mutations.sessions import SessionMutations
from schema.mutations.time_off import TimeOffMutations
from schema.mutations.waitlist import WaitlistMutations
from schema.mutations.webhooks import WebhookMutations
from schema.query import Query
from schema.scalars import SCALAR_OVERRIDES
from schema.subscription import Subscription

log = logging.getLogger(__name__)
SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"


@strawberry.type(
    description="Everything you can change. signUp, signIn, signOut, bookSession, "
    "requestPasswordReset, resetPassword, cancelManagedBooking, joinWaitlist, claimWaitlistHold and "
    "leaveWaitlist need no sign-in; "
    "the rest answer UNAUTHENTICATED without a token. A rule that says no comes back in the "
    "payload's `userErrors` (nothing is written); RATE_LIMITED is a GraphQL error."
)
class Mutation(  # the parts' fields, merged (what strawberry.tools.merge_types does)
    AccountMutations, AvailabilityMutations, DateOverrideMutations, EventTypeMutations, TimeOffMutations,
    BookingMutations, ClientMutations, SessionMutations, SeriesMutations,
    OutlookMutations, CalendarFeedMutations,
    PortalMutations, ReminderMutations,
    RecoveryMutations, WebhookMutations, ManageBookingMutations, WaitlistMutations,
):
    pass


@dataclass(frozen=True)
class SchemaLimits:
    max_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 30
    max_fields: int = 2_000  # fields a document selects with its fragments spread
    max_cost: int = 20_000  # objects a request may return (schema.cost)
    max_variables_bytes: int = 65_536  # variables as JSON (HTTP bodies are limited before)
    deadline_seconds: float = 10.0  # a query still running after this is stopped
    introspection: bool = True  # also shows "Did you mean …?" hints when on


class CostBudget(Protocol):
    """Spends a request's cost from its caller's budget: None when it fits, else the seconds
    until the budget refills (schema.budget.CostBudget)."""

    async def spend(self, context: Any, cost: int) -> int | None: ...


CACHED_DOCUMENTS = 128  # distinct query texts kept parsed and validated (as ParserCache does)
DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"


class CouchtimeSchema(strawberry.Schema):
    """The schema with its limits, a parse and validation cache, and error masking built in.

    These are usually Strawberry extensions. They live here instead because a subscription
    holds its extensions (instances, hook contexts, an exit stack) for as long as it is open:
    about 3.5 KiB per live calendar, for work that is done once at subscribe time. This relies on
    `Schema._create_execution_context` and `Schema._execute_operation`, which is why
    strawberry-graphql is pinned to a minor release; the limit and masking tests fail if the
    hooks stop being called.

    Before execution, in this order: the token limit (parser), the depth, alias and size
    limits (schema.limits, linear in the document), the cost limit (schema.cost, with the
    request's variables), graphql-core's validation, then the caller's cost budget per minute. A
    query (not a mutation: a write cut off half-way would leave the client unsure whether it
    happened) is stopped at the deadline.
    """

    def __init__(self, *, limits: SchemaLimits, budget: CostBudget | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        lean_fields.install(self)  # argument-free fields skip Strawberry's per-call chain
        rules = [*specified_rules, MaybeNullValidationRule, OneOfInputValidationRule]
        if not limits.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self._rules = tuple(rules)
        self._limits = limits
        self._budget = budget
        # keyed by the query text: one parsed document shared by every subscription to it
        self._parsed = lru_cache(maxsize=CACHED_DOCUMENTS)(self._parse_and_measure)
        self._validated = lru_cache(maxsize=CACHED_DOCUMENTS)(self._validate)
        self._operation_names = lru_cache(maxsize=CACHED_DOCUMENTS)(self._name_operation)

    def _parse_and_measure(self, query: str) -> tuple[DocumentNode, tuple[GraphQLError, ...]]:
        document = parse(query, max_tokens=self._limits.max_tokens)
        limits_ = self._limits
        errors = limits.shape_errors(document, max_depth=limits_.max_depth,
                                     max_aliases=limits_.max_aliases, max_fields=limits_.max_fields)
        return document, tuple(errors)

    def _validate(self, query: str) -> tuple[GraphQLError, ...]:
        document, _ = self._parsed(query)
        return tuple(validate(self._schema, document, self._rules,
                              hide_suggestions=not self._limits.introspection))

    def _create_execution_context(self, query, *args, **kwargs):
        """Parse (cached), the shape limits (cached), the cost (per request: it depends on the
        variables), then graphql-core's validation (cached): the cheap refusals come first, so a
        document over a limit never reaches the costlier validation rules."""
        context = super()._create_execution_context(query, *args, **kwargs)
        context.parse_options = {"max_tokens": self._limits.max_tokens}
        context.validation_rules = self._rules
        if not query:
            return context
        if context.variables and _json_size(context.variables) > self._limits.max_variables_bytes:
            context.pre_execution_errors = [limits.variables_too_large(self._limits.max_variables_bytes)]
            return context
        try:
            context.graphql_document, errors = self._parsed(query)
        except GraphQLError:
            return context  # Strawberry parses it again and answers with the syntax error
        if not errors:
            cost = operation_cost(self._schema, context.graphql_document,
                                  context.operation_name, context.variables)
            context.couchtime_cost = cost
            if cost > self._limits.max_cost:
                errors = (limits.too_costly(cost, self._limits.max_cost),)
            else:
                errors = self._validated(query)
        context.pre_execution_errors = list(errors)  # set: Strawberry does not validate again
        return context

    def _operation(self, query: str | None, operation_name: str | None) -> str:
        return self._operation_names(query, operation_name)

    def _name_operation(self, query: str | None, operation_name: str | None) -> str:
        """The audit log's operation name ("query sessions,conflicts"), cached like the document."""
        try:
            return audit_log.operation_of(self._parsed(query)[0] if query else None, operation_name)
        except GraphQLError:
            return ""

    async def execute(self, query, variable_values=None, context_value=None, root_value=None,
                      operation_name=None, allowed_operation_types=None, operation_extensions=None):
        """Also writes what the response exposed to the audit log (one INSERT); a response
        that cannot be audited is withheld (README: "Audit log")."""
        with audit_log.reading(self._operation(query, operation_name)) as reads:
            result = await super().execute(query, variable_values, context_value, root_value,
                                           operation_name, allowed_operation_types, operation_extensions)
        try:
            await audit_log.flush_reads(context_value, reads)
        except Exception:
            log.exception("audit log write failed; response withheld")
            return ExecutionResult(data=None, errors=[ApiError("Try again later.", "UNAVAILABLE")])
        return result

    async def stream(self, query, variable_values=None, context_value=None, root_value=None,
                     operation_name=None, operation_extensions=None, allowed_operation_types=None):
        """Websocket operations: each delivery's reads are one audit entry, written before
        it is sent."""
        source = await super().stream(query, variable_values, context_value, root_value,
                                      operation_name, operation_extensions, allowed_operation_types)
        return _audited(source, context_value, self._operation(query, operation_name))

    async def _execute_operation(self, execution_context, *args, **kwargs):
        cost = getattr(execution_context, "couchtime_cost", 0)
        if self._budget is not None and not execution_context.result:
            retry_after = await self._budget.spend(execution_context.context, cost)
            if retry_after is not None:
                execution_context.result = GraphQLExecutionResult(
                    data=None, errors=[budget_spent(retry_after)])
        if execution_context.operation_type is not OperationType.QUERY or execution_context.result:
            return await super()._execute_operation(execution_context, *args, **kwargs)
        try:
            async with asyncio.timeout(self._limits.deadline_seconds):
                return await super()._execute_operation(execution_context, *args, **kwargs)
        except TimeoutError:
            execution_context.result = GraphQLExecutionResult(data=None, errors=[GraphQLError(
                f"The query ran longer than {self._limits.deadline_seconds:g} seconds and was "
                "stopped. Ask for less (shorter ranges, smaller pages).",
                extensions={"code": DEADLINE_EXCEEDED},
            )])
            return await super()._execute_operation(execution_context, *args, **kwargs)

    def process_errors(self, errors, execution_context=None) -> None:
        """Strawberry would log every error with its message; unexpected ones are masked (and
        logged with a traceback but no message) instead. Messages are tidied (schema.limits)."""
        mask_unexpected(errors)
        for error in errors:
            error.message = limits.tidy_message(error.message, suggestions=self._limits.introspection)
            if error.message.startswith("Syntax Error") and not (error.extensions or {}).get("code"):
                code = limits.syntax_error_code(error.message)
                error.extensions = {**(error.extensions or {}), "code": code}


async def _audited(source, context, operation: str):
    reads = audit_log.start_reading(operation)  # this operation's task, for its lifetime
    async for item in source:
        try:  # the sockets one event reaches write their entries in one INSERT
            await audit_log.flush_reads(context, reads, coalesce=True)
        except Exception:
            log.exception("audit log write failed; delivery withheld")
            yield ExecutionResult(data=None, errors=[ApiError("Try again later.", "UNAVAILABLE")])
            return
        yield item


def _json_size(value: Any) -> int:
    try:
        return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False))
    except (TypeError, ValueError, RecursionError):
        return 1 << 62


def budget_spent(retry_after: int) -> GraphQLError:
    return GraphQLError(
        f"Query budget spent. Try again in {retry_after} seconds.",
        extensions={"code": "RATE_LIMITED", "retryAfterSeconds": retry_after},
    )


def build_schema(limits: SchemaLimits | None = None, budget: CostBudget | None = None,
                 extensions: Sequence[type] = ()) -> strawberry.Schema:
    """`extensions`: Strawberry extension classes (tracing, when it is on)."""
    return CouchtimeSchema(
        query=Query, mutation=Mutation, subscription=Subscription, limits=limits or SchemaLimits(),
        budget=budget, extensions=list(extensions),
        execution_context_class=LeanExecutionContext,  # no per-subscription memo (lean_execution)
        scalar_overrides=SCALAR_OVERRIDES,  # DateTime out in UTC with Z (schema/scalars.py)
    )


def sdl() -> str:
    return build_schema().as_str() + "\n"
