"""Unexpected errors are masked: the client gets an error id, the log gets the traceback.

Neither gets the exception's message, which may hold PHI (a database error echoes values).
"""

from __future__ import annotations

import logging
import traceback
import uuid

from graphql import GraphQLError

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


def mask_unexpected(errors: list[GraphQLError]) -> None:
    """Replaces, in place, every error that is not one we raised on purpose by its masked form.

    In place because Strawberry hands the result's own list to `Schema.process_errors` for
    every result it sends — a query, a mutation and each event of a subscription alike.
    """
    for i, error in enumerate(errors):
        if not _is_intended(error):
            errors[i] = _mask(error)
