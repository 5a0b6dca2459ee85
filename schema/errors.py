"""Unexpected errors are masked: the client gets an error id, the log gets the traceback.

Neither gets the exception's message, which may hold PHI (a database error echoes values).
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

log = logging.getLogger("couchtime.errors")


def _is_intended(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def _mask(error: GraphQLError) -> GraphQLError:
    error_id = uuid.uuid4().hex
    original = error.original_error
    frames = "".join(traceback.format_tb(original.__traceback__)) if original else ""
    log.error(
        "unexpected error %s: %s\n%s", error_id, type(original).__name__, frames,
        extra={"error_id": error_id, "error_type": type(original).__name__},
    )
    return GraphQLError(
        f"Internal server error (id {error_id}).",
        nodes=error.nodes, path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "errorId": error_id},
    )


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and getattr(result, "errors", None):
            result.errors = [e if _is_intended(e) else _mask(e) for e in result.errors]
