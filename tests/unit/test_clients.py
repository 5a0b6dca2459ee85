"""Client rules (`domain/clients.py`): the zone a client sees their sessions in."""

from __future__ import annotations

from domain.clients import client_zone


def test_a_client_sees_the_zone_they_booked_in_first() -> None:
    assert client_zone("Asia/Tokyo", "Europe/Paris", "America/New_York") == "Asia/Tokyo"


def test_then_their_own_zone_then_the_therapists() -> None:
    assert client_zone(None, "Europe/Paris", "America/New_York") == "Europe/Paris"
    assert client_zone(None, None, "America/New_York") == "America/New_York"
