"""Every type, field, argument, input field and enum value of the schema says what it is (issues 2
and 19); every mutation answers a payload with `userErrors` (issue 19)."""

from __future__ import annotations

from enum import Enum

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
)

from schema.enums import described
from schema.schema import build_schema


def test_everything_has_a_description():
    schema = build_schema()._schema
    missing = []
    for name, type_ in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Boolean", "ID", "Float"}:
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in field.args.items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        elif isinstance(type_, GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
        elif isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{value}" for value, v in type_.values.items() if not v.description]
    assert missing == [], f"{len(missing)} without description: {missing}"


def test_an_undescribed_enum_value_fails_at_import():
    class Colour(Enum):
        RED = "RED"
        GREEN = "GREEN"

    with pytest.raises(ValueError, match="GREEN"):
        described("A colour.", RED="Red.")(Colour)
    with pytest.raises(ValueError, match="BLUE"):
        described("A colour.", RED="Red.", GREEN="Green.", BLUE="Blue.")(Colour)


def test_every_error_code_is_described_with_when_it_is_returned():
    codes = build_schema()._schema.type_map["ErrorCode"].values
    assert all(len(value.description) > 20 for value in codes.values()), codes


def test_every_mutation_payload_carries_user_errors():
    schema = build_schema()._schema
    without = []
    for name, field in schema.mutation_type.fields.items():
        payload = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        errors = payload.fields.get("userErrors") if isinstance(payload, GraphQLObjectType) else None
        shape = errors.type if errors else None
        if not (isinstance(shape, GraphQLNonNull) and isinstance(shape.of_type, GraphQLList)
                and str(shape) == "[UserError!]!"):
            without.append(f"{name}: {payload}")
    assert without == []
