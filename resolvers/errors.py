"""GraphQL errors with `extensions.code`: who you are and what you may do, not business rules."""

from __future__ import annotations

from graphql import GraphQLError

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
RATE_LIMITED = "RATE_LIMITED"
BAD_REQUEST = "BAD_REQUEST"


class ApiError(GraphQLError):
    """An error we mean to show; anything else is masked (see couchtime.errors)."""

    def __init__(self, message: str, code: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


def unauthenticated() -> ApiError:
    return ApiError("Sign in to do this.", UNAUTHENTICATED)


def forbidden() -> ApiError:
    return ApiError("You are not allowed to do this.", FORBIDDEN)


def rate_limited(retry_after: int) -> ApiError:
    return ApiError(
        f"Too many attempts. Try again in {retry_after} seconds.",
        RATE_LIMITED,
        retryAfterSeconds=retry_after,
    )


def bad_request(message: str) -> ApiError:
    return ApiError(message, BAD_REQUEST)
