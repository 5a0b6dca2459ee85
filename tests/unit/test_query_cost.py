"""The static cost model (schema.cost) and the linear document checks (schema.limits)."""

from __future__ import annotations

from graphql import GraphQLList, GraphQLNonNull, get_named_type, is_leaf_type, is_object_type, parse

from schema.cost import SESSIONS_PER_DAY, field_bound, operation_cost
from schema.schema import build_schema

SCHEMA = build_schema()._schema


def _is_list(field_type) -> bool:
    while isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)


def test_every_list_of_objects_declares_a_bound_and_states_its_cost():
    missing, undocumented = [], []
    for type_name, graphql_type in SCHEMA.type_map.items():
        if type_name.startswith("__") or not is_object_type(graphql_type):
            continue
        for name, field in (getattr(graphql_type, "fields", None) or {}).items():
            if not _is_list(field.type) or is_leaf_type(get_named_type(field.type)):
                continue
            if field_bound(field) is None:
                missing.append(f"{type_name}.{name}")
            target = get_named_type(field.type).name
            if "Cost" not in (field.description or "") and "Cost" not in (
                SCHEMA.type_map[target].description or ""
            ):
                undocumented.append(f"{type_name}.{name}")
    assert missing == [] and undocumented == []


def cost(query: str, variables: dict | None = None) -> int:
    return operation_cost(SCHEMA, parse(query), None, variables or {})


def test_nested_bounds_multiply_and_ranges_count_days():
    week = {"from": "2026-03-02T00:00:00+00:00", "to": "2026-03-09T00:00:00+00:00"}
    flat = cost("query($from: DateTime!, $to: DateTime!) { sessions(from: $from, to: $to) { id } }", week)
    assert flat == 7 * SESSIONS_PER_DAY
    nested = cost("""query($from: DateTime!, $to: DateTime!) { sessions(from: $from, to: $to) {
        client { sessions(first: 100) { edges { node { id } } } } } }""", week)
    assert nested == 7 * SESSIONS_PER_DAY * (1 + 1 + 100 * (1 + 1 + 1))
    # an unreadable range counts as the longest one
    assert cost('{ sessions(from: "x", to: "y") { id } }') == 62 * SESSIONS_PER_DAY


def test_fragments_are_measured_once_and_count_where_spread():
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    document = "query { ...F0 } " + fragments + " fragment F40 on Query { me { id } }"
    assert cost(document) == 2**40  # computed in one pass: a test that would never end otherwise


def test_mutations_cost_ten_plus_their_payload():
    assert cost("mutation { signOut { signedOut } }") == 10
