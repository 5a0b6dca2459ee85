"""The lean field path (schema/lean_fields.py, schema/lean_execution.py) answers exactly as
Strawberry and graphql-core do: values, nulls, errors and their paths (issue 16)."""

from __future__ import annotations

import asyncio

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from schema import lean_fields
from schema.lean_execution import LeanExecutionContext


@strawberry.type
class Item:
    name: str
    nickname: str | None
    required: str  # set to None below: a null for a non-null field
    count_text: str  # "x" below: not an Int

    @strawberry.field
    def upper(self) -> str:
        return self.name.upper()

    @strawberry.field
    def fails(self) -> str | None:
        raise ValueError(f"no value for {self.name}")

    @strawberry.field
    def fails_required(self) -> str:
        raise ValueError("required value missing")

    @strawberry.field
    def count(self) -> int:
        return self.count_text  # type: ignore[return-value]  # coercion fails for "x"

    @strawberry.field
    @lean_fields.context_only
    def tag(self, info: strawberry.Info) -> str:
        return f"{info.context['tag']}-{self.name}"

    @strawberry.field
    @lean_fields.context_only
    def later(self, info: strawberry.Info) -> int:
        async def length() -> int:
            await asyncio.sleep(0)
            return len(self.name) + info.context["offset"]

        return length()  # type: ignore[return-value]

    @strawberry.field
    def twin(self) -> Item | None:
        return Item(name=self.name + "2", nickname=None, required="r", count_text="2")


ITEMS = [
    Item(name="a", nickname="A", required="r", count_text="1"),
    Item(name="b", nickname=None, required=None, count_text="x"),  # type: ignore[arg-type]
]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return list(ITEMS)


class Tracing(SchemaExtension):  # a `resolve` hook: graphql-core middleware, every field its way
    def resolve(self, _next, root, info, *args, **kwargs):
        return _next(root, info, *args, **kwargs)


def _schemas(extensions=()):
    plain = strawberry.Schema(query=Query, extensions=list(extensions))
    lean = strawberry.Schema(query=Query, extensions=list(extensions),
                             execution_context_class=LeanExecutionContext)
    assert lean_fields.install(lean) > 0
    return plain, lean


def _answer(result):
    errors = sorted((e.message, tuple(e.path or ()), tuple((loc.line, loc.column) for loc in e.locations or ()))
                    for e in result.errors or ())
    return result.data, errors


QUERIES = [
    "{ items { name nickname upper tag later } }",
    "{ items { name required } }",
    "{ items { name fails } }",
    "{ items { name failsRequired } }",
    "{ items { name count } }",
    "{ items { twin { name upper tag twin { later } } } }",
    "{ items { __typename n: name name } }",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("traced", [False, True])
def test_the_lean_path_answers_as_strawberry_does(query: str, traced: bool) -> None:
    plain, lean = _schemas([Tracing] if traced else [])
    context = {"tag": "t", "offset": 10}
    expected = asyncio.run(plain.execute(query, context_value=dict(context)))
    got = asyncio.run(lean.execute(query, context_value=dict(context)))
    assert _answer(got) == _answer(expected)


def test_errors_and_nulls_land_where_graphql_core_puts_them() -> None:
    _, lean = _schemas()
    result = asyncio.run(lean.execute("{ items { name required count } }", context_value={}))
    assert result.data == {"items": [{"name": "a", "required": "r", "count": 1}, None]}
    # the null for a non-null field nulls the item; graphql-core stops at that first error
    assert [tuple(e.path) for e in result.errors] == [("items", 1, "required")]
