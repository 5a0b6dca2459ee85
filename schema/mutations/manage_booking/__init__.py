"""Manage-booking link mutations (public, the link's token is the credential): cancel."""

import strawberry

from schema.mutations.manage_booking.cancel_managed_booking import cancel_managed_booking


@strawberry.type
class ManageBookingMutations:
    cancel_managed_booking = cancel_managed_booking
