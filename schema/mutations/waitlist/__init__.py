"""Mutations of the waitlist, one module each."""

import strawberry

from schema.mutations.waitlist.claim_waitlist_hold import claim_waitlist_hold
from schema.mutations.waitlist.join_waitlist import join_waitlist
from schema.mutations.waitlist.leave_waitlist import leave_waitlist
from schema.mutations.waitlist.remove_waitlist_entry import remove_waitlist_entry


@strawberry.type
class WaitlistMutations:
    join_waitlist = join_waitlist
    claim_waitlist_hold = claim_waitlist_hold
    leave_waitlist = leave_waitlist
    remove_waitlist_entry = remove_waitlist_entry
