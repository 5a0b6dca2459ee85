"""A mutation's result: the value, or the user errors a rule raised (nothing was written)."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from domain.errors import RateLimited, RuleViolation, UserError
from resolvers.errors import rate_limited

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    errors: list[UserError] = field(default_factory=list)


async def attempt(call: Awaitable[T]) -> Outcome[T]:
    try:
        return Outcome(value=await call)
    except RuleViolation as violation:
        return Outcome(errors=violation.errors)
    except RateLimited as limited:
        raise rate_limited(limited.retry_after) from None
