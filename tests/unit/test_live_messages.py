"""Typed live messages: every domain event crosses the bus (JSON) and comes back equal, as the
same class; an unknown type is skipped, never guessed."""

from __future__ import annotations

import json
import types
import typing
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import live
from domain.events import DomainEvent, SessionChanged

ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))])


def strategy(hint):
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy(a) for a in typing.get_args(hint)))
    if hint is type(None):
        return st.none()
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy(args[0]), max_size=3).map(tuple)
        return st.tuples(*(strategy(a) for a in args))
    return {uuid.UUID: st.uuids(), datetime: st.datetimes(timezones=ZONES), date: st.dates(),
            str: st.text(max_size=20), bool: st.booleans(), int: st.integers()}[hint]


EVENT_TYPES = sorted(live._all_event_types().values(), key=lambda cls: cls.__name__)


def events_of(cls: type[DomainEvent]):
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{name: strategy(hint) for name, hint in hints.items()})


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_every_event_type_comes_back_from_the_wire_equal(cls, data):
    event = data.draw(events_of(cls))
    back = live.decode(live.encode(event))
    assert type(back) is cls and back == event


def test_the_wire_form_holds_the_fields_and_the_type_only():
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the clocks change in Europe
    event = SessionChanged(uuid.uuid4(), uuid.uuid4(), "MOVED", None, (moment, moment + timedelta(hours=1)))
    wire = json.loads(live.encode(event))
    assert set(wire) == {"type", "therapist_id", "session_id", "kind", "before", "after"}
    assert wire["type"] == "SessionChanged" and wire["after"][0] == "2026-03-29T00:30:00+00:00"


def test_an_unknown_type_decodes_to_nothing():
    assert live.decode(json.dumps({"type": "FromANewerRelease", "therapist_id": str(uuid.uuid4())})) is None


def test_a_known_type_with_a_missing_field_is_refused():
    with pytest.raises((TypeError, ValueError, KeyError)):
        live.decode(json.dumps({"type": "SessionChanged", "therapist_id": str(uuid.uuid4())}))
