"""Document limits checked before execution, in time linear in the document.

Strawberry's QueryDepthLimiter and MaxAliasesLimiter walk a fragment again at every spread:
30 fragments that each spread the next twice (1 KB) take 2³⁰ steps. Here each fragment is
measured once (depth and aliases memoised per fragment), so the check costs one pass over
the document whatever it spreads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
VARIABLES_TOO_LARGE = "VARIABLES_TOO_LARGE"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
MAX_MERGE_WORK = 1_000  # pairs of same-named fields in merged selection sets (_merge_work)
MAX_ECHOED_NAME = 64  # characters of a name quoted back in an error message


@dataclass(frozen=True)
class _Measure:
    depth: int  # nested selection sets below this point; a leaf field is 0
    aliases: int  # aliased fields, fragments expanded
    fields: int  # fields, fragments expanded (what execution would have to collect)


class _Shape:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, _Measure] = {}

    def selections(self, selection_set: SelectionSetNode | None) -> _Measure:
        depth = aliases = fields = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue  # introspection: off in production, deep by nature in GraphiQL
                inner = self.selections(selection.selection_set)
                depth = max(depth, inner.depth + 1 if selection.selection_set else 0)
                aliases += inner.aliases + (1 if selection.alias else 0)
                fields += inner.fields + 1
            else:
                inner = (self.selections(selection.selection_set)
                         if isinstance(selection, InlineFragmentNode)
                         else self.fragment(selection.name.value))  # type: ignore[union-attr]
                depth = max(depth, inner.depth)
                aliases, fields = aliases + inner.aliases, fields + inner.fields
        return _Measure(depth, aliases, fields)

    def fragment(self, name: str) -> _Measure:
        if name not in self.memo:
            self.memo[name] = _Measure(0, 0, 0)  # a cycle (refused by validation) adds nothing
            definition = self.fragments.get(name)
            if definition is not None:
                self.memo[name] = self.selections(definition.selection_set)
        return self.memo[name]


def _collect(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode],
             groups: dict[str, list[SelectionSetNode | None]], seen: frozenset[str]) -> None:
    """Fields of a selection set by response name, fragments and inline fragments merged in."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                groups.setdefault((selection.alias or selection.name).value, []).append(
                    selection.selection_set)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, groups, seen)
        elif selection.name.value not in seen and selection.name.value in fragments:
            name = selection.name.value
            _collect(fragments[name].selection_set, fragments, groups, seen | {name})


def _merge_work(document: DocumentNode, operation: OperationDefinitionNode, limit: int) -> int:
    """What graphql-core's OverlappingFieldsCanBeMerged rule will do, roughly: fields with the
    same response name in one selection set are compared pairwise, and their sub-selections
    are merged and compared again. Returns the number of such pairs, k·(k−1)/2 for every group
    of k same-named fields in every merged selection set, stopping past `limit`. Fragments are
    expanded here, so call it only on documents whose expanded size is bounded (the fields
    limit): O(fields)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    total = 0
    pending: list[list[SelectionSetNode]] = [[operation.selection_set]]
    while pending:
        groups: dict[str, list[SelectionSetNode | None]] = {}
        for selection_set in pending.pop():
            _collect(selection_set, fragments, groups, frozenset())
        for subs in groups.values():
            total += len(subs) * (len(subs) - 1) // 2
            if total > limit:
                return total
            merged = [sub for sub in subs if sub is not None]
            if merged:
                pending.append(merged)
    return total


def _safe_merge_work(document: DocumentNode, operation: OperationDefinitionNode, limit: int) -> int:
    try:
        return _merge_work(document, operation, limit)
    except RecursionError:  # fragments nested past Python's stack: far past any real query
        return limit + 1


def shape_errors(document: DocumentNode, *, max_depth: int, max_aliases: int,
                 max_fields: int, max_merge_work: int = MAX_MERGE_WORK) -> list[GraphQLError]:
    """Errors for operations deeper than `max_depth`, with more than `max_aliases` aliased
    fields, or expanding to more than `max_fields` fields (fragments expanded where they are
    spread: a fragment spread twice counts twice). One pass over the document: each fragment is
    measured once. Runs before graphql-core's own validation, so a document refused here costs
    no more than its parse.

    A document within those limits may still be slow to validate: graphql-core compares fields
    of the same response name pairwise, through merged sub-selections (500 copies of
    `me { id }`, 5 KB, took seconds). `_merge_work` estimates that work; past `max_merge_work`
    the document is refused too."""
    errors: list[GraphQLError] = []
    shape = _Shape(document)
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        name = operation.name.value if operation.name else "anonymous"
        try:
            measure = shape.selections(operation.selection_set)
        except RecursionError:
            measure = _Measure(max_depth + 1, 0, 0)
        if measure.depth > max_depth:
            errors.append(GraphQLError(
                f"'{_short(name)}' exceeds the maximum operation depth of {max_depth}.",
                operation, extensions={"code": QUERY_TOO_DEEP, "limit": max_depth},
            ))
        if measure.aliases > max_aliases:
            errors.append(GraphQLError(
                f"{measure.aliases} aliases found; at most {max_aliases} allowed per operation "
                "(fragments counted where they are spread).",
                operation, extensions={"code": TOO_MANY_ALIASES, "limit": max_aliases},
            ))
        if measure.fields > max_fields:
            errors.append(GraphQLError(
                f"'{_short(name)}' selects {measure.fields} fields once its fragments are spread; "
                f"at most {max_fields} are allowed.",
                operation, extensions={"code": QUERY_TOO_LARGE, "limit": max_fields},
            ))
        elif measure.depth <= max_depth and (work := _safe_merge_work(document, operation, max_merge_work)) \
                > max_merge_work:
            errors.append(GraphQLError(
                f"'{_short(name)}' repeats fields too often (the same name selected many times in "
                "one selection set, fragments merged): simplify it.",
                operation, extensions={"code": QUERY_TOO_LARGE, "limit": max_merge_work, "work": work},
            ))
    return errors


def syntax_error_code(message: str) -> str:
    """The code of a parser error: the token and nesting limits have their own."""
    if "contains more than" in message:
        return TOO_MANY_TOKENS
    if "nested too deeply" in message:
        return QUERY_TOO_DEEP
    return "GRAPHQL_PARSE_FAILED"


def variables_too_large(limit: int) -> GraphQLError:
    return GraphQLError(f"The variables are larger than {limit} bytes as JSON.",
                        extensions={"code": VARIABLES_TOO_LARGE, "limit": limit})


def too_costly(cost: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"This query may return {cost} objects; at most {limit} are allowed per request. "
        "Ask for smaller pages (`first`), shorter ranges or fewer nested lists.",
        extensions={"code": QUERY_TOO_COSTLY, "cost": cost, "limit": limit},
    )


_QUOTED = re.compile("(['\"])([^'\"]{" + str(MAX_ECHOED_NAME + 1) + ",})\\1")
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?", re.DOTALL)


def _short(text: str) -> str:
    return text if len(text) <= MAX_ECHOED_NAME else text[:MAX_ECHOED_NAME] + "…"


def tidy_message(message: str, *, suggestions: bool) -> str:
    """An error message as it may go out: quoted names cut to 64 characters (a 1 MB field name
    is not echoed back) and, where introspection is off, no "Did you mean …?" hints (they would
    reveal the schema)."""
    message = _QUOTED.sub(lambda m: m.group(1) + _short(m.group(2)) + m.group(1), message)
    if not suggestions:
        message = _SUGGESTION.sub("", message)
    return message if len(message) <= 1000 else message[:1000] + "…"
