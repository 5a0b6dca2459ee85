"""Direct graphql-core resolvers for the fields that take no arguments (issue 16).

Strawberry wraps every field that has a resolver in the same chain, whatever it needs: an
`Info` built, the arguments converted (`get_arguments`), the field extensions folded with
`reduce`/`partial`, then `StrawberryField.get_result` and `StrawberryResolver.__call__`; a plain
attribute still goes through `get_result` and `default_resolver`. A month view of 200 sessions
runs that chain about 2,800 times per request, and it was a quarter of the request's time.

For a field with no arguments, no field extensions (permission classes are extensions too), no
exception handlers and no `root`/`parent` parameter, the chain does exactly this: call the
method with the source as `self` (and an `Info` when it asks for one), or read the attribute.
`install` puts that call in the graphql-core field's `resolve` instead, once, when the schema is
built; every other field keeps Strawberry's resolver. A method marked `context_only` (it reads
nothing of its `info` but `info.context`, e.g. to reach a loader) counts as well: on the lean path
(`schema.lean_execution`) it gets a `ContextInfo`, one per operation, instead of an `Info`.

Each replaced resolver carries `lean = (read, with_context, leaf type or None)`, which
`schema.lean_execution` calls without building a `GraphQLResolveInfo` for the field.

The SDL is unchanged (only `resolve` is replaced); schema extensions still see every field
(they wrap `resolve` as middleware at execution, and then every field takes the ordinary way),
and a plain attribute's resolver stays marked `_is_default` as Strawberry marks it, so tracing
still skips those.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, is_leaf_type, is_non_null_type
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


def install(schema: Any) -> int:
    """Replaces the resolvers it can on `schema` (a strawberry.Schema); returns how many."""
    converter = schema.schema_converter
    info_class = schema.config.info_class
    replaced = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(BACKREF)
            if not isinstance(field, StrawberryField):
                continue
            resolve = _lean(field, info_class, converter)
            if resolve is None:
                continue
            graphql_field.resolve = resolve
            replaced += 1
            of_type = graphql_field.type.of_type if is_non_null_type(graphql_field.type) else (
                graphql_field.type)
            read, with_context = resolve.lean_read  # type: ignore[attr-defined]
            leaf = of_type if is_leaf_type(of_type) else None
            resolve.lean = (read, with_context, leaf) if read else None  # type: ignore[attr-defined]
    return replaced


def _lean(field: StrawberryField, info_class: type, converter: GraphQLCoreConverter
          ) -> Callable[..., Any] | None:
    if field.extensions or field.is_subscription or field.arguments:
        return None
    if converter._get_field_exception_handlers(field):
        return None
    resolver = field.base_resolver
    if resolver is None:
        if field.default_resolver is not getattr:
            return None
        return _attribute(field.python_name)
    if resolver.root_parameter is not None or resolver.parent_parameter is not None:
        return None
    if resolver.self_parameter is None:
        return None
    method = resolver.wrapped_func
    if not callable(method) or len(resolver.signature.parameters) != (
            1 + (resolver.info_parameter is not None)):
        return None
    if resolver.info_parameter is None:
        return _method(method)
    return _method_with_info(method, resolver.info_parameter.name, info_class, field,
                             context_only=getattr(method, LEAN_CONTEXT_ONLY, False))


LEAN_CONTEXT_ONLY = "lean_context_only"


def context_only(method: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a resolver method that uses nothing of its `info` but `info.context`."""
    setattr(method, LEAN_CONTEXT_ONLY, True)
    return method


class ContextInfo:
    """What a `context_only` method gets on the lean path: the operation's context."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


def _attribute(name: str) -> Callable[..., Any]:
    def resolve(source: Any, _info: GraphQLResolveInfo) -> Any:
        return getattr(source, name)

    resolve._is_default = True  # type: ignore[attr-defined]  # as Strawberry marks plain fields
    resolve.lean_read = (attrgetter(name), False)  # type: ignore[attr-defined]
    return resolve


def _method(method: Callable[[Any], Any]) -> Callable[..., Any]:
    def resolve(source: Any, _info: GraphQLResolveInfo) -> Any:
        return method(source)

    resolve.lean_read = (method, False)  # type: ignore[attr-defined]
    return resolve


def _method_with_info(method: Callable[..., Any], name: str, info_class: type,
                      field: StrawberryField, *, context_only: bool) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        return method(source, **{name: info_class(_raw_info=info, _field=field)})

    if context_only:
        def read(source: Any, context: ContextInfo) -> Any:
            return method(source, **{name: context})

        resolve.lean_read = (read, True)  # type: ignore[attr-defined]
    else:
        resolve.lean_read = (None, False)  # type: ignore[attr-defined]
    return resolve
