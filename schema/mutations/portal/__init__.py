"""Client portal mutations, one module each: invite (therapist), accept the invite, sign in,
cancel a session."""

import strawberry

from schema.mutations.portal.accept_portal_invite import accept_portal_invite
from schema.mutations.portal.cancel_my_session import cancel_my_session
from schema.mutations.portal.client_sign_in import client_sign_in
from schema.mutations.portal.invite_client_to_portal import invite_client_to_portal


@strawberry.type
class PortalMutations:
    invite_client_to_portal = invite_client_to_portal
    accept_portal_invite = accept_portal_invite
    client_sign_in = client_sign_in
    cancel_my_session = cancel_my_session
