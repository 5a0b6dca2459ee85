"""Calendar mutations, one module each: schedule by hand, edit, drag, cancel; note, payment, claim."""

import strawberry

from schema.mutations.sessions.cancel_session import cancel_session
from schema.mutations.sessions.create_session import create_session
from schema.mutations.sessions.record_payment import record_payment
from schema.mutations.sessions.reschedule_session import reschedule_session
from schema.mutations.sessions.set_calendar_view import set_calendar_view
from schema.mutations.sessions.set_claim_status import set_claim_status
from schema.mutations.sessions.uncancel_session import uncancel_session
from schema.mutations.sessions.update_session import update_session
from schema.mutations.sessions.write_session_note import write_session_note


@strawberry.type
class SessionMutations:
    create_session = create_session
    update_session = update_session
    reschedule_session = reschedule_session
    cancel_session = cancel_session
    uncancel_session = uncancel_session
    write_session_note = write_session_note
    record_payment = record_payment
    set_claim_status = set_claim_status
    set_calendar_view = set_calendar_view
