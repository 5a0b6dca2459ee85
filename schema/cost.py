"""Static query cost, computed before execution (in the spirit of GitHub's node limit and
Shopify's calculated cost).

The cost of an operation is the number of objects it may return, counted from the document
and its variables alone: every field whose type is an object costs 1 per instance (scalars and
enums are free), a mutation's root field costs `MUTATION_COST`, and a list field multiplies
what it selects by its bound — so nested bounds multiply. Every field that returns a list of
objects declares its bound beside itself (`metadata=bound(...)`); a test checks that none is
missing. Bounds are:

- `Bound(items=n)`: at most n items (an enforced cap, or a documented count for lists the
  domain keeps small);
- `Bound(page="first", max=100)`: a connection: `first` items (its `edges` then count 1);
- `Bound(per_day=n)`: a range field: n items for each day [from, to) spans, at most 62 days.

The walk measures each fragment once (memoised), so it is linear in the document however
often fragments spread each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
    value_from_ast_untyped,
)

MUTATION_COST = 10  # a write costs as much as reading ten objects
MAX_RANGE_DAYS = 62  # domain.booking.MAX_RANGE_DAYS: longer ranges are refused by the resolvers
BOUND_KEY = "couchtime.bound"
SESSIONS_PER_DAY = 16  # range fields of sessions count this many per day (not a cap: an estimate)
SLOTS_PER_DAY = 288  # available start times per day: 24 h at the smallest interval (5 minutes)


@dataclass(frozen=True)
class Bound:
    """How many items a list field may return; see the module docstring."""

    items: int | None = None
    page: str | None = None  # the argument holding the page size (connections: "first")
    max: int = 100  # the largest page size (anything larger is refused by the resolver)
    per_day: int | None = None  # items per day of the `from`/`to` range

    def count(self, arguments: dict[str, Any]) -> int:
        if self.items is not None:
            return self.items
        if self.page is not None:
            size = arguments.get(self.page)
            return min(size, self.max) if isinstance(size, int) and size > 0 else self.max
        assert self.per_day is not None
        return self.per_day * _days(arguments.get("from"), arguments.get("to"))


def bound(*, items: int | None = None, page: str | None = None, max: int = 100,
          per_day: int | None = None) -> dict[str, Bound]:
    """`strawberry.field(metadata=bound(...))`: declares a list field's bound beside it."""
    return {BOUND_KEY: Bound(items=items, page=page, max=max, per_day=per_day)}


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) <= 64:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _days(start: Any, end: Any) -> int:
    """Days [start, end) touches, 1 to 62; an unreadable range counts as the longest."""
    first, last = _instant(start), _instant(end)
    try:
        span = (last - first).total_seconds() / 86400  # type: ignore[operator]
    except TypeError:  # missing, unreadable, or one naive and one aware (refused later)
        return MAX_RANGE_DAYS
    return max(1, min(MAX_RANGE_DAYS, math.ceil(span)))


_ITEM_BOUNDS: dict[str, Bound] = {}


def item_bound(type_name: str, declared: Bound) -> None:
    """Declares the bound of every list of `type_name` (e.g. the capped `userErrors` of every
    payload), beside the type and the cap that enforces it."""
    _ITEM_BOUNDS[type_name] = declared


def field_bound(field: GraphQLField) -> Bound | None:
    definition = (field.extensions or {}).get("strawberry-definition")
    metadata = getattr(definition, "metadata", None) or {}
    if BOUND_KEY in metadata:
        return metadata[BOUND_KEY]
    return _ITEM_BOUNDS.get(get_named_type(field.type).name)


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, int] = {}

    def arguments(self, node: FieldNode, field: GraphQLField) -> dict[str, Any]:
        values = {name: arg.default_value for name, arg in field.args.items()}
        for argument in node.arguments or ():
            if isinstance(argument.value, VariableNode):
                values[argument.name.value] = self.variables.get(argument.value.name.value)
            else:
                values[argument.name.value] = value_from_ast_untyped(argument.value, self.variables)
        return values

    def selections(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        """The cost of one instance of `parent` selecting `selection_set`."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, target)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> int:
        if name not in self.memo:
            self.memo[name] = 0  # a cycle (refused by validation) adds nothing
            definition = self.fragments.get(name)
            if definition is not None:
                target = self.schema.get_type(definition.type_condition.name.value)
                self.memo[name] = self.selections(definition.selection_set, target)
        return self.memo[name]

    def field(self, node: FieldNode, parent: Any) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None)
        if name.startswith("__") or not fields or name not in fields:
            return 0  # introspection (off in production), or unknown (refused by validation)
        field = fields[name]
        target = get_named_type(field.type)
        if is_leaf_type(target):
            return 0
        weight = MUTATION_COST if parent is self.schema.mutation_type else 1
        declared = field_bound(field)
        count = declared.count(self.arguments(node, field)) if declared else 1
        return count * (weight + self.selections(node.selection_set, target))


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        return next((o for o in operations if o.name and o.name.value == name), None)
    return operations[0] if len(operations) == 1 else None


def operation_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
    variables: dict[str, Any] | None,
) -> int:
    """The cost of the operation that would run (0 when there is none to run: execution then
    answers with its own error)."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        if definition.default_value is not None:
            values[definition.variable.name.value] = value_from_ast_untyped(definition.default_value)
    values.update(variables if isinstance(variables, dict) else {})
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    return _Walk(schema, document, values).selections(operation.selection_set, root)
