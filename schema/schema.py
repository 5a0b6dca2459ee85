"""The strawberry.Schema with its limits; `schema/schema.graphql` is its exported SDL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from schema.errors import MaskUnexpectedErrors
from schema.mutations.accounts import AccountMutations
from schema.mutations.availability import AvailabilityMutations
from schema.mutations.booking import BookingMutations
from schema.mutations.clients import ClientMutations
from schema.mutations.event_types import EventTypeMutations
from schema.mutations.outlook import OutlookMutations
from schema.mutations.portal import PortalMutations
from schema.mutations.reminders import ReminderMutations
from schema.mutations.series import SeriesMutations
from schema.mutations.sessions import SessionMutations
from schema.mutations.time_off import TimeOffMutations
from schema.query import Query
from schema.subscription import Subscription

SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"


@strawberry.type(
    description="Everything you can change. signUp, signIn, signOut and bookSession need no sign-in; "
    "the rest answer UNAUTHENTICATED without a token. A rule that says no comes back in the "
    "payload's `userErrors` (nothing is written); RATE_LIMITED is a GraphQL error."
)
class Mutation(  # the parts' fields, merged (what strawberry.tools.merge_types does)
    AccountMutations, AvailabilityMutations, EventTypeMutations, TimeOffMutations,
    BookingMutations, ClientMutations, SessionMutations, SeriesMutations,
    OutlookMutations,
    PortalMutations, ReminderMutations,
):
    pass


@dataclass(frozen=True)
class SchemaLimits:
    max_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 30
    introspection: bool = True


class CouchtimeSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Strawberry would log every error with its message; MaskUnexpectedErrors logs instead."""


def build_schema(limits: SchemaLimits | None = None) -> strawberry.Schema:
    limits = limits or SchemaLimits()
    limit_rules = [depth_rule(limits.max_depth, None, None), alias_rule(limits.max_aliases)]
    extensions: list = [
        MaskUnexpectedErrors,
        # the depth and alias rules are classes: make them once, not a pair per request (each
        # held by a live subscription for its lifetime)
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        ParserCache,
        ValidationCache,
    ]
    if not limits.introspection:
        extensions.append(DisableIntrospection)
    return CouchtimeSchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions
    )


def sdl() -> str:
    return build_schema().as_str() + "\n"
