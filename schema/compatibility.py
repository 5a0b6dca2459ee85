"""The breaking-change rule for the published schema.

Clients in the field (mobile apps that update late, integrations) break when a field, argument,
enum value or type they use disappears or changes type. The rule: a change graphql-core calls
breaking is allowed only for what the last released schema (`schema/released.graphql`) had
already marked `@deprecated` — deprecate first, release, remove later.

The check compares the current SDL with the released SDL *minus everything it deprecated* (and
minus the types only those deprecated parts used): whatever graphql-core still finds breaking
was never announced.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from graphql import (
    DocumentNode,
    NamedTypeNode,
    TypeDefinitionNode,
    Visitor,
    build_ast_schema,
    find_breaking_changes,
    parse,
    visit,
)
from graphql.language import REMOVE

SCHEMA_DIR = Path(__file__).resolve().parent
CURRENT_SDL = SCHEMA_DIR / "schema.graphql"
RELEASED_SDL = SCHEMA_DIR / "released.graphql"
CHANGELOG = SCHEMA_DIR.parent / "CHANGELOG.md"
ROOT_TYPES = {"Query", "Mutation", "Subscription"}
# The line a CHANGELOG entry carries to vouch for a released schema (see CHANGELOG.md).
RELEASED_HASH_LINE = re.compile(r"released\.graphql sha256: ([0-9a-f]{64})")


def unannounced_breaking_changes(released_sdl: str, current_sdl: str) -> list[str]:
    """Breaking changes from `released_sdl` to `current_sdl` that were not deprecated first."""
    announced = _without_deprecated(parse(released_sdl))
    return [
        change.description
        for change in find_breaking_changes(build_ast_schema(announced), build_ast_schema(parse(current_sdl)))
    ]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def changelog_vouches_for(changelog: str, released_hash: str) -> bool:
    """True when the newest CHANGELOG entry that names a released schema names this one."""
    found = RELEASED_HASH_LINE.search(changelog)
    return found is not None and found.group(1) == released_hash


class _DropDeprecated(Visitor):
    def _drop_if_deprecated(self, node, *_args) -> object:
        if any(d.name.value == "deprecated" for d in node.directives or ()):
            return REMOVE
        return None

    enter_field_definition = _drop_if_deprecated
    enter_input_value_definition = _drop_if_deprecated
    enter_enum_value_definition = _drop_if_deprecated


def _without_deprecated(document: DocumentNode) -> DocumentNode:
    """The document with deprecated parts removed, then the types nothing refers to any more."""
    document = visit(document, _DropDeprecated())
    while True:
        used = _referenced_type_names(document) | ROOT_TYPES
        kept = tuple(
            d for d in document.definitions
            if not isinstance(d, TypeDefinitionNode) or d.name.value in used
        )
        if len(kept) == len(document.definitions):
            return document
        document = DocumentNode(definitions=kept)


def _referenced_type_names(document: DocumentNode) -> set[str]:
    names: set[str] = set()

    class Collect(Visitor):
        def enter_named_type(self, node: NamedTypeNode, *_args) -> None:
            names.add(node.name.value)

    visit(document, Collect())
    return names

