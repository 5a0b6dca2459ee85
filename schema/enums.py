"""GraphQL enums with a description on every value.

The domain's enums (domain/ imports no Strawberry) get their GraphQL descriptions here, when the
Strawberry enum is built: `described("What the enum is.", VALUE="when it applies", ...)(Enum)`.
A value without a description, or a description for a value that does not exist, fails at import
(and tests/unit/test_schema_lint.py walks the built schema for any enum made another way), so a
new domain value cannot reach the schema undescribed.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])


def described(description: str, /, **values: str) -> Callable[[E], E]:
    """Build the Strawberry enum of `cls` with `description` and one description per value."""

    def build(cls: E) -> E:
        names = [member.name for member in cls]
        missing = [name for name in names if not values.get(name)]
        unknown = sorted(set(values) - set(names))
        if missing or unknown:
            raise ValueError(f"{cls.__name__}: describe {missing}; no such value {unknown}")
        enum = strawberry.enum(cls, description=description)
        for value in enum.__strawberry_definition__.values:  # type: ignore[attr-defined]
            value.description = values[value.name]
        return enum

    return build
