"""Reminders with a controlled clock, over a real SMTP server: timing (15/30/45 minutes and the
day before), who never gets one, and exactly one when schedulers, workers and retries race."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
import pytest

from couchtime.notifications_wiring import notification_setup
from domain.reminders import ReminderKind
from domain.services.notifications import enqueue_due_reminders, send_reminder
from persistence.database import Database
from tests.support.booking import booked
from tests.support.calendar import create
from tests.support.mail import APP_URL, link_in, text_of
from tests.support.portal import CANCEL, REMINDERS, portal_client


async def remindable(api, smtp, *, lead=30, day_before=False, portal=True, days_ahead=3):
    b = await booked(api, days_ahead=days_ahead)
    data = await api.gql(REMINDERS, {"input": {"enabled": True, "lead": f"MINUTES_{lead}", "alsoDayBefore": day_before}},
                         token=b["token"])
    assert data["updateReminderSettings"]["userErrors"] == []
    assert data["updateReminderSettings"]["reminderSettings"]["lead"] == f"MINUTES_{lead}"
    if portal:
        b["portal_token"] = await portal_client(api, smtp, b)
    return b


async def tick(api) -> int:
    """What the scheduler's periodic job does each tick."""
    s = api.runtime.services
    return await enqueue_due_reminders(s.uow(), s.notifications, api.clock)


@pytest.fixture
def clock(mail_api):
    yield mail_api.clock
    mail_api.clock.reset()


@pytest.mark.parametrize("lead", [15, 30, 45])
async def test_a_reminder_goes_out_lead_minutes_before_the_start(mail_api, smtp, clock, lead):
    b = await remindable(mail_api, smtp, lead=lead)
    start = b["start"]
    clock.set(start - timedelta(minutes=lead, seconds=1), frozen=True)
    assert await tick(mail_api) == 0
    clock.set(start - timedelta(minutes=lead), frozen=True)
    assert await tick(mail_api) == 1
    [email] = await smtp.wait_for(b["client_email"], "Reminder")
    body = text_of(email)
    assert f"{APP_URL}/portal" in body and f"{APP_URL}/unsubscribe?token=" in body
    assert email["List-Unsubscribe"]
    clock.set(start - timedelta(minutes=lead - 1), frozen=True)
    assert await tick(mail_api) == 0  # at most once
    await smtp.settle(0.5)
    assert len(smtp.to(b["client_email"], "Reminder")) == 1


async def test_day_before_and_lead_reminders(mail_api, smtp, clock):
    b = await remindable(mail_api, smtp, lead=15, day_before=True)
    start = b["start"]
    clock.set(start - timedelta(hours=24, minutes=1), frozen=True)
    assert await tick(mail_api) == 0
    clock.set(start - timedelta(hours=23, minutes=58), frozen=True)
    assert await tick(mail_api) == 1
    [day_before] = await smtp.wait_for(b["client_email"], "Reminder", count=1)
    assert "tomorrow at " in day_before["Subject"] and "tomorrow at " in text_of(day_before)
    assert "soon" not in text_of(day_before)
    assert text_of(day_before).count(b["confirmation"]["meetingUrl"]) == 1  # telehealth: the link, once
    clock.set(start - timedelta(minutes=14), frozen=True)
    assert await tick(mail_api) == 1
    await smtp.wait_for(b["client_email"], "Reminder", count=2)


async def test_reminder_lead_is_one_of_three_choices(mail_api):
    b = await booked(mail_api)
    missing = await mail_api.gql(REMINDERS, {"input": {"enabled": True, "alsoDayBefore": False}}, token=b["token"])
    assert [e["code"] for e in missing["updateReminderSettings"]["userErrors"]] == ["REQUIRED"]
    body = await mail_api.post(REMINDERS, {"input": {"enabled": True, "lead": "MINUTES_20", "alsoDayBefore": False}},
                               token=b["token"])
    assert body["errors"]  # not a value of the enum: the request is refused before it runs
    old = await mail_api.gql(REMINDERS, {"input": {"enabled": True, "leadMinutes": 45, "alsoDayBefore": False}},
                             token=b["token"])
    assert old["updateReminderSettings"]["reminderSettings"]["lead"] == "MINUTES_45"


async def test_late_scheduler_sends_nothing_after_the_grace_or_the_start(mail_api, smtp, clock):
    b = await remindable(mail_api, smtp, lead=45)
    clock.set(b["start"] - timedelta(minutes=45) + timedelta(minutes=11), frozen=True)  # grace is 10
    assert await tick(mail_api) == 0
    clock.set(b["start"] + timedelta(minutes=1), frozen=True)
    assert await tick(mail_api) == 0


async def test_no_reminder_for_cancelled_sessions_no_portal_or_unsubscribed(mail_api, smtp, clock):
    cancelled = await remindable(mail_api, smtp)
    await mail_api.gql(CANCEL, {"input": {"sessionId": cancelled["session_id"]}}, token=cancelled["token"])
    no_portal = await remindable(mail_api, smtp, portal=False)
    unsubscribed = await remindable(mail_api, smtp)
    # the unsubscribe link of an earlier reminder (the token names the client, not a session)
    clock.set(unsubscribed["start"] - timedelta(minutes=30), frozen=True)
    assert await tick(mail_api) >= 1
    [first] = await smtp.wait_for(unsubscribed["client_email"], "Reminder")
    link = link_in(first, "/unsubscribe")
    async with httpx.AsyncClient(base_url=mail_api.base_url) as http:
        path = link.removeprefix(APP_URL)
        page = await http.get(path)
        assert page.status_code == 200 and "<form method='post'" in page.text
        assert (await http.get("/unsubscribe?token=bogus")).status_code == 400
        done = await http.post("/unsubscribe", data={"token": path.split("token=")[1]})
        assert done.status_code == 200 and "unsubscribed" in done.text
    for b in (cancelled, no_portal, unsubscribed):
        clock.set(b["start"] - timedelta(minutes=29), frozen=True)
        s = mail_api.runtime.services
        assert await send_reminder(s.notifications, clock, _raw(b["session_id"]), ReminderKind.LEAD,
                                   b["start"]) is False
    await smtp.settle(0.5)
    assert smtp.to(cancelled["client_email"], "Reminder") == []
    assert smtp.to(no_portal["client_email"], "Reminder") == []
    assert len(smtp.to(unsubscribed["client_email"], "Reminder")) == 1


async def test_booked_inside_the_window_gets_no_late_reminder(mail_api, smtp, clock):
    """A session made 40 minutes before it starts, with a 45-minute lead, is past its reminder
    time when it is made: no late reminder. One made days before is reminded at that point."""
    b = await remindable(mail_api, smtp, lead=45)
    clock.set(b["start"] - timedelta(minutes=40), frozen=True)  # inside the 10-minute grace
    await tick(mail_api)  # (the shared server may hold other tests' sessions at this time)
    await smtp.wait_for(b["client_email"], "Reminder")  # booked days ago: reminded
    accepted = await mail_api.gql("""mutation($i: IntakeInput!) { acceptIntake(input: $i) { userErrors { code } } }""",
                              {"i": {"clientId": b["client_id"]}}, token=b["token"])
    assert accepted["acceptIntake"]["userErrors"] == []
    late_start = b["start"] + timedelta(days=1)
    clock.set(late_start - timedelta(minutes=40), frozen=True)
    made = await create(mail_api, b["token"], b["client_id"], b["event_type"], late_start.isoformat())
    assert made["userErrors"] == [] and made["session"]["id"]
    await tick(mail_api)
    clock.set(late_start - timedelta(minutes=35), frozen=True)
    await tick(mail_api)
    await smtp.settle(0.5)
    assert len(smtp.to(b["client_email"], "Reminder")) == 1


async def test_exactly_one_reminder_when_schedulers_workers_and_retries_race(mail_api, smtp, clock):
    b = await remindable(mail_api, smtp, lead=30)
    clock.set(b["start"] - timedelta(minutes=29), frozen=True)
    settings = mail_api.runtime.settings
    other_db = Database(settings.database_url)  # a second worker process' own engine
    try:
        other = notification_setup(settings, other_db)
        mine = mail_api.runtime.services.notifications
        session_id = _raw(b["session_id"])
        reserved = await asyncio.gather(
            enqueue_due_reminders(mail_api.runtime.services.uow(), mine, clock),
            *(send_reminder(setup, clock, session_id, ReminderKind.LEAD, b["start"])
              for setup in (mine, other, mine, other)),
        )
        await smtp.settle(1.5)  # the enqueued job (if any) has run
        assert sum(1 for r in reserved[1:] if r is True) <= 1
        assert len(smtp.to(b["client_email"], "Reminder")) == 1
        assert await tick(mail_api) == 0
    finally:
        await other_db.dispose()


def _raw(global_id: str):
    from resolvers.global_ids import decode

    return decode(global_id)[1]


async def test_a_moved_session_is_reminded_at_its_new_time(mail_api, smtp, clock):
    b = await remindable(mail_api, smtp, lead=30)
    old = b["start"]
    new_day = (old + timedelta(days=1)).date().isoformat()
    moved = await mail_api.gql(
        """mutation($i: RescheduleSessionInput!) { rescheduleSession(input: $i) {
             session { start } userErrors { code } } }""",
        {"i": {"sessionId": b["session_id"], "target": new_day, "view": "MONTH"}}, token=b["token"])
    assert moved["rescheduleSession"]["userErrors"] == []
    new = datetime.fromisoformat(moved["rescheduleSession"]["session"]["start"])
    assert new - old == timedelta(days=1)
    clock.set(old - timedelta(minutes=30), frozen=True)
    assert await tick(mail_api) == 0  # nothing at the old time
    clock.set(new - timedelta(minutes=30), frozen=True)
    assert await tick(mail_api) == 1
    await smtp.wait_for(b["client_email"], "Reminder", count=1)
