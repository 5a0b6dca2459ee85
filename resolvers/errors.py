"""GraphQL errors with `extensions.code`: who you are and what you may do, not business rules."""

from __future__ import annotations

from graphql import GraphQLError

from domain import text

UNAUTHENTICATED = "UNAUTHENTICATED"
RATE_LIMITED = "RATE_LIMITED"
BAD_REQUEST = "BAD_REQUEST"
BAD_USER_INPUT = "BAD_USER_INPUT"


class ApiError(GraphQLError):
    """An error we mean to show; anything else is masked (schema/errors.py, `mask_unexpected`)."""

    def __init__(self, message: str, code: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


def unauthenticated() -> ApiError:
    return ApiError("Sign in to do this.", UNAUTHENTICATED)


def rate_limited(retry_after: int) -> ApiError:
    return ApiError(
        f"Too many attempts. Try again in {retry_after} seconds.",
        RATE_LIMITED,
        retryAfterSeconds=retry_after,
    )


def bad_request(message: str) -> ApiError:
    return ApiError(message, BAD_REQUEST)


def check_text_argument(value: str | None, field: str) -> None:
    """A query's text argument follows the input rule of `domain.text` (no control characters,
    no lone surrogates): else a BAD_USER_INPUT error naming the argument."""
    if value is not None and text.has_bad_characters(value):
        raise ApiError("Remove control characters and invalid characters.", BAD_USER_INPUT, field=field)


def check_page_size(first: int, maximum: int) -> None:
    """A connection's `first` outside 1..maximum is BAD_USER_INPUT naming `first`, like every other
    argument out of its range."""
    if not 1 <= first <= maximum:
        raise ApiError(f"`first` must be between 1 and {maximum}.", BAD_USER_INPUT, field="first")
