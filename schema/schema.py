"""The strawberry.Schema with its limits; `schema/schema.graphql` is its exported SDL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import strawberry
from graphql import DocumentNode, GraphQLError, parse, specified_rules
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import validate_document

from schema.errors import mask_unexpected
from schema.lean_execution import LeanExecutionContext
from schema.mutations.accounts import AccountMutations
from schema.mutations.availability import AvailabilityMutations
from schema.mutations.booking import BookingMutations
from schema.mutations.clients import ClientMutations
from schema.mutations.event_types import EventTypeMutations
from schema.mutations.outlook import OutlookMutations
from schema.mutations.portal import PortalMutations
from schema.mutations.recovery import RecoveryMutations
from schema.mutations.reminders import ReminderMutations
from schema.mutations.series import SeriesMutations
from schema.mutations.sessions import SessionMutations
from schema.mutations.time_off import TimeOffMutations
from schema.query import Query
from schema.subscription import Subscription

SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"


@strawberry.type(
    description="Everything you can change. signUp, signIn, signOut, bookSession, "
    "requestPasswordReset and resetPassword need no sign-in; "
    "the rest answer UNAUTHENTICATED without a token. A rule that says no comes back in the "
    "payload's `userErrors` (nothing is written); RATE_LIMITED is a GraphQL error."
)
class Mutation(  # the parts' fields, merged (what strawberry.tools.merge_types does)
    AccountMutations, AvailabilityMutations, EventTypeMutations, TimeOffMutations,
    BookingMutations, ClientMutations, SessionMutations, SeriesMutations,
    OutlookMutations,
    PortalMutations, ReminderMutations,
    RecoveryMutations,
):
    pass


@dataclass(frozen=True)
class SchemaLimits:
    max_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 30
    introspection: bool = True


CACHED_DOCUMENTS = 128  # distinct query texts kept parsed and validated (as ParserCache does)


class CouchtimeSchema(strawberry.Schema):
    """The schema with its limits, a parse and validation cache, and error masking built in.

    These are usually Strawberry extensions. They live here instead because a subscription
    holds its extensions (instances, hook contexts, an exit stack) for as long as it is open:
    about 3.5 KiB per live calendar, for work that is done once at subscribe time. This relies on
    `Schema._create_execution_context`, which is why strawberry-graphql is pinned to a minor
    release; the limit and masking tests fail if the hook stops being called.
    """

    def __init__(self, *, limits: SchemaLimits, **kwargs) -> None:
        super().__init__(**kwargs)
        rules = [*specified_rules, depth_rule(limits.max_depth, None, None), alias_rule(limits.max_aliases)]
        if not limits.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self._rules = tuple(rules)
        self._max_tokens = limits.max_tokens
        # keyed by the query text: one parsed document shared by every subscription to it
        self._prepare = lru_cache(maxsize=CACHED_DOCUMENTS)(self._parse_and_validate)

    def _parse_and_validate(self, query: str) -> tuple[DocumentNode, tuple[GraphQLError, ...]]:
        document = parse(query, max_tokens=self._max_tokens)
        return document, tuple(validate_document(self._schema, document, self._rules))

    def _create_execution_context(self, query, *args, **kwargs):
        context = super()._create_execution_context(query, *args, **kwargs)
        context.parse_options = {"max_tokens": self._max_tokens}
        context.validation_rules = self._rules
        if query:
            try:
                context.graphql_document, errors = self._prepare(query)
            except GraphQLError:
                return context  # Strawberry parses it again and answers with the syntax error
            context.pre_execution_errors = list(errors)  # set: Strawberry does not validate again
        return context

    def process_errors(self, errors, execution_context=None) -> None:
        """Strawberry would log every error with its message; unexpected ones are masked (and
        logged with a traceback but no message) instead."""
        mask_unexpected(errors)


def build_schema(limits: SchemaLimits | None = None, extensions: Sequence[type] = ()) -> strawberry.Schema:
    """`extensions`: Strawberry extension classes (tracing, when it is on)."""
    return CouchtimeSchema(
        query=Query, mutation=Mutation, subscription=Subscription, limits=limits or SchemaLimits(),
        extensions=list(extensions),
        execution_context_class=LeanExecutionContext,  # no per-subscription memo (lean_execution)
    )


def sdl() -> str:
    return build_schema().as_str() + "\n"
