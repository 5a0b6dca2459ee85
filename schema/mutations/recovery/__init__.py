"""Account recovery mutations, one module each: changePassword, requestPasswordReset,
resetPassword."""

import strawberry

from schema.mutations.recovery.change_password import change_password
from schema.mutations.recovery.request_password_reset import request_password_reset
from schema.mutations.recovery.reset_password import reset_password


@strawberry.type
class RecoveryMutations:
    change_password = change_password
    request_password_reset = request_password_reset
    reset_password = reset_password
