"""Account mutations, one module each: sign up, sign in, sign out, update profile."""

import strawberry

from schema.mutations.accounts.sign_in import sign_in
from schema.mutations.accounts.sign_out import sign_out
from schema.mutations.accounts.sign_up import sign_up
from schema.mutations.accounts.update_profile import update_profile


@strawberry.type
class AccountMutations:
    sign_up = sign_up
    sign_in = sign_in
    sign_out = sign_out
    update_profile = update_profile
