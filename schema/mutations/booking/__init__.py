"""Mutations of the public booking page, one module each."""

import strawberry

from schema.mutations.booking.book_session import book_session


@strawberry.type
class BookingMutations:
    book_session = book_session
