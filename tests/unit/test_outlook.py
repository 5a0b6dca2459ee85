"""Outlook rules without I/O: event content (minimal PHI), the create/patch/delete plan, PKCE
and state, the outbox rule, tokens never printed, settings checks."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from couchtime.settings import Settings, SettingsError
from domain.events import (
    BookingReceived,
    ClientChanged,
    IntakeResolved,
    SessionChanged,
    SessionWorkedOn,
)
from domain.jobs import jobs_for
from domain.model import (
    CalendarView,
    Client,
    ClientStatus,
    EventType,
    OfficeAddress,
    Session,
    SessionSource,
    SessionStatus,
    SessionVisit,
    Therapist,
    VisitType,
)
from domain.outlook import (
    RESYNC_JOB,
    SYNC_JOB,
    EventLink,
    Grant,
    OutlookTokens,
    SyncAction,
    challenge_of,
    event_for,
    initials,
    new_pkce,
    plan,
    state_digest,
)

NOW = datetime(2026, 7, 1, 12, tzinfo=UTC)
T, C = uuid.uuid4(), uuid.uuid4()
THERAPIST = Therapist(T, "t@example.com", "x", "Dr T", "dr-t", "Europe/Berlin",
                      OfficeAddress("1 Main St", "Springfield", "IL", "62701"), CalendarView.WEEK, NOW)
CLIENT = Client(C, T, "Ann", "Lee", "ann@example.com", "+1 555", None, ClientStatus.ACTIVE, NOW)
TYPE = EventType(uuid.uuid4(), T, "Couples therapy", 50, VisitType.TELEHEALTH_AND_IN_PERSON, None, NOW)
SESSION = Session(uuid.uuid4(), T, C, TYPE.id, NOW, NOW + timedelta(minutes=50), SessionVisit.TELEHEALTH,
                  "https://meet.example/couchtime-abc", SessionStatus.SCHEDULED, SessionSource.MANUAL, NOW,
                  cancel_reason=None)


def test_an_event_carries_the_title_initials_and_link_only():
    event = event_for(SESSION, TYPE, CLIENT, THERAPIST)
    assert event.subject == "Couples therapy · A.L."
    assert "https://meet.example/couchtime-abc" in event.body and event.online_meeting_url
    text = repr(event)
    for phi in ("Ann", "Lee", "ann@example.com", "555"):
        assert phi not in text
    full = event_for(SESSION, TYPE, CLIENT, THERAPIST, full_names=True)
    assert full.subject == "Couples therapy · Ann Lee"
    in_person = event_for(replace(SESSION, visit=SessionVisit.IN_PERSON), TYPE, CLIENT, THERAPIST)
    assert in_person.location == "1 Main St, Springfield, IL 62701" and in_person.online_meeting_url is None
    assert "meet.example" not in in_person.body


def test_initials():
    assert initials(replace(CLIENT, first_name="mary ann", last_name="de la Cruz")) == "M.A.D.L.C."
    assert initials(replace(CLIENT, first_name=" ", last_name="")) == "Client"


def test_the_plan():
    event = event_for(SESSION, TYPE, CLIENT, THERAPIST)
    linked = EventLink(SESSION.id, T, "graph-1", event.content_hash())
    cancelled = replace(SESSION, status=SessionStatus.CANCELLED)
    assert plan(SESSION, None, event) is SyncAction.CREATE
    assert plan(SESSION, EventLink(SESSION.id, T), event) is SyncAction.CREATE
    assert plan(SESSION, linked, event) is SyncAction.NOTHING
    moved = event_for(replace(SESSION, start=NOW + timedelta(hours=1)), TYPE, CLIENT, THERAPIST)
    assert plan(SESSION, linked, moved) is SyncAction.PATCH
    assert plan(cancelled, linked, None) is SyncAction.DELETE
    assert plan(None, linked, None) is SyncAction.DELETE
    assert plan(None, EventLink(SESSION.id, T, transaction_id="tx"), None) is SyncAction.DELETE  # maybe made
    assert plan(cancelled, None, None) is SyncAction.NOTHING
    assert plan(None, EventLink(SESSION.id, T), None) is SyncAction.NOTHING


def test_pkce_s256_and_hashed_state():
    # RFC 7636, appendix B
    assert challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    pkce = new_pkce()
    assert 43 <= len(pkce.verifier) <= 128 and challenge_of(pkce.verifier) == pkce.challenge
    assert new_pkce().verifier != pkce.verifier
    assert len(state_digest("abc")) == 64 and state_digest("abc") != "abc"


def test_tokens_never_print():
    tokens = OutlookTokens("at-secret", "rt-secret", NOW)
    assert "secret" not in repr(tokens) and "secret" not in repr(Grant("at-secret", "rt-secret", 3600))
    assert OutlookTokens.from_bytes(tokens.to_bytes()) == tokens
    assert tokens.fresh(NOW - timedelta(minutes=5)) and not tokens.fresh(NOW - timedelta(minutes=1))


def test_the_outbox_rule():
    sid = uuid.uuid4()
    for kind in ("CREATED", "UPDATED", "MOVED", "CANCELLED", "UNCANCELLED", "DELETED"):
        assert (SYNC_JOB, {"session_id": str(sid), "therapist_id": str(T)}) in jobs_for(
            SessionChanged(T, sid, kind, None, None))
    assert (SYNC_JOB, {"session_id": str(sid), "therapist_id": str(T)}) in jobs_for(
        BookingReceived(T, sid, C, TYPE.id, NOW, NOW))
    assert (RESYNC_JOB, {"therapist_id": str(T)}) in jobs_for(ClientChanged(T, C))
    assert (RESYNC_JOB, {"therapist_id": str(T)}) in jobs_for(IntakeResolved(T, C, "REJECTED"))
    assert not [j for j in jobs_for(IntakeResolved(T, C, "ACCEPTED")) if j[0].startswith("outlook.")]
    assert not [j for j in jobs_for(SessionWorkedOn(T, sid, "NOTE")) if j[0].startswith("outlook.")]


def test_settings_refuse_insecure_endpoints_and_bad_keys():
    good = Fernet.generate_key().decode()
    with pytest.raises(SettingsError, match="COUCHTIME_OUTLOOK_AUTHORITY"):
        Settings.from_env({"COUCHTIME_OUTLOOK_AUTHORITY": "http://login.example.com/common"})
    with pytest.raises(SettingsError, match="COUCHTIME_GRAPH_BASE_URL"):
        Settings.from_env({"COUCHTIME_GRAPH_BASE_URL": "ftp://graph"})
    with pytest.raises(SettingsError, match="key 2 is not a Fernet key"):
        Settings.from_env({"COUCHTIME_SECRET_KEYS": f"{good},not-a-key"})
    local = Settings.from_env({"COUCHTIME_GRAPH_BASE_URL": "http://127.0.0.1:9/v1.0",
                               "COUCHTIME_OUTLOOK_CLIENT_SECRET": "hush", "COUCHTIME_SECRET_KEYS": good})
    assert "hush" not in repr(local) and good not in repr(local)
    assert "COUCHTIME_OUTLOOK_CLIENT_ID" in local.outlook_missing
    ready = Settings.from_env({"COUCHTIME_OUTLOOK_CLIENT_ID": "c", "COUCHTIME_SECRET_KEYS": good,
                               "COUCHTIME_OUTLOOK_REDIRECT_URL": "https://api.example.com/integrations/outlook/callback"})
    assert ready.outlook_missing is None
