"""The audit log's pure rules: which changes an event is, and what an entry may hold."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from domain import audit
from domain.events import (
    AvailabilityChanged,
    ClientChanged,
    IntakeResolved,
    SessionChanged,
    SessionWorkedOn,
    TimeOffChanged,
)

AT = datetime(2026, 3, 1, tzinfo=UTC)


def test_changes_name_each_practices_clients_sessions_and_notes_once():
    a, b = uuid.uuid4(), uuid.uuid4()
    client, into, session = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    events = [
        SessionChanged(a, session, "MOVED", None, None),
        SessionWorkedOn(a, session, "NOTE"),
        IntakeResolved(b, client, "MERGED", into_client_id=into),
        ClientChanged(b, client),
        AvailabilityChanged(a, (1,)),  # hours: no PHI, no entry of its own
    ]
    origin = audit.Origin(actor=lambda: audit.Actor(audit.THERAPIST, a), operation="mutation x",
                          request_id="r1", address="10.0.0.1")
    entries = {e.practice_id: e for e in audit.changes_for(events, AT, origin)}
    assert set(entries) == {a, b}
    assert entries[a].subjects == tuple(sorted({f"session:{session}", f"note:{session}"}))
    assert entries[b].subjects == tuple(sorted({f"client:{client}", f"client:{into}"}))
    assert all(e.action == audit.CHANGE and e.request_id == "r1" and e.operation == "mutation x"
               for e in entries.values())


def test_no_entry_when_nothing_personal_changed():
    therapist = uuid.uuid4()
    assert audit.changes_for([TimeOffChanged(therapist, AT, AT), AvailabilityChanged(therapist, (2,))], AT) == []


def test_reads_are_collected_only_while_a_response_is_built():
    session, client = uuid.uuid4(), uuid.uuid4()
    audit.saw("session", session, client)  # no collector: nothing happens
    collector = audit.Reads(operation="query sessions")
    token = audit.reads.set(collector)
    try:
        audit.saw("session", session, client)
        audit.saw("session", session, client)
        audit.saw("client", client, client)
    finally:
        audit.reads.reset(token)
    subjects, clients = collector.take()
    assert subjects == {f"session:{session}", f"client:{client}"} and clients == {str(client)}
    assert collector.take() == (set(), set())
