"""Webhook rules: which URLs may receive (SSRF), the retry schedule, what a message holds."""

from __future__ import annotations

import ipaddress
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from couchtime.settings import Settings, SettingsError
from domain import webhooks as rules
from domain.errors import RuleViolation
from domain.events import BookingReceived, ClientCancelledSession, IntakeResolved, SessionChanged

T = uuid.uuid4()
NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://192.168.0.1/hook", "https://172.16.0.1/",
    "https://169.254.169.254/latest/meta-data", "https://[::1]/hook", "https://[fd00::1]/hook",
    "https://[::ffff:127.0.0.1]/hook", "https://localhost/hook", "https://db.localhost/",
    "https://0.0.0.0/", "https://100.64.0.1/",
])
def test_private_addresses_are_refused_unless_allowed(url):
    with pytest.raises(RuleViolation) as refused:
        rules.check_url(url, allow_private=False)
    assert refused.value.errors[0].code == "PRIVATE_ADDRESS"
    assert rules.check_url(url, allow_private=True) == url


def test_public_https_only_outside_development():
    url = "https://hooks.example.com/x"
    assert rules.check_url(f" {url} ", allow_private=False) == url
    with pytest.raises(RuleViolation):
        rules.check_url("http://hooks.example.com/x", allow_private=False)
    assert rules.check_url("http://127.0.0.1:8000/x", allow_private=True)


def test_production_never_allows_private_endpoints():
    with pytest.raises(SettingsError):
        Settings(env="production", webhooks_allow_private=True, smtp_host="mail", signing_key="k" * 40,
                 database_url="postgresql+psycopg://x/y").validate()


def test_retries_span_more_than_a_day_then_stop():
    times = [rules.next_attempt(n, NOW) for n in range(1, len(rules.RETRY_AFTER) + 2)]
    assert all(t is not None for t in times[:-1]) and times[-1] is None
    assert timedelta(days=1) < sum(rules.RETRY_AFTER, timedelta()) < timedelta(days=2)
    assert list(rules.RETRY_AFTER) == sorted(rules.RETRY_AFTER)


@given(st.integers(min_value=200, max_value=599))
def test_only_2xx_succeeds(code):
    assert rules.succeeded(code) == (200 <= code < 300)


def test_messages_hold_ids_and_times_and_who_cancelled():
    s, c = uuid.uuid4(), uuid.uuid4()
    booked = rules.messages_for([BookingReceived(T, s, c, uuid.uuid4(), NOW, NOW + timedelta(hours=1))])
    assert booked[0].event is rules.WebhookEvent.BOOKING_CREATED
    assert booked[0].data["start"] == "2026-03-29T00:30:00Z"
    by_client = rules.messages_for([SessionChanged(T, s, "CANCELLED", (NOW, NOW), None),
                                    ClientCancelledSession(T, s)])
    cancelled = [(m.event, m.data["cancelledBy"]) for m in by_client]
    assert cancelled == [(rules.WebhookEvent.SESSION_CANCELLED, "CLIENT")]
    merged = rules.messages_for([IntakeResolved(T, c, "MERGED", into_client_id=s)])
    assert merged[0].data == {"clientId": str(c), "intoClientId": str(s)}
    assert rules.messages_for([SessionChanged(T, s, "UPDATED", (NOW, NOW), (NOW, NOW))]) == []
    assert rules.new_secret().startswith("whsec_")


PRIVATE_V4 = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
                                                "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8")]


@given(st.sampled_from(PRIVATE_V4), st.integers(min_value=0, max_value=2**24 - 1), st.booleans())
def test_any_private_ipv4_is_refused_plain_or_ipv6_mapped(network, offset, mapped):
    address = network[offset % network.num_addresses]
    host = f"[::ffff:{address}]" if mapped else str(address)
    with pytest.raises(RuleViolation):
        rules.check_url(f"https://{host}/hook", allow_private=False)


@given(st.integers(min_value=1, max_value=len(rules.RETRY_AFTER)),
       st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_each_retry_waits_its_step_in_absolute_time(attempts, now):
    # instants in UTC: a retry is never moved by a DST change
    due = rules.next_attempt(attempts, now)
    assert due is not None and due - now == rules.RETRY_AFTER[attempts - 1]
