"""The one hop from a mutation field to its use case: who asks → use case → value or userErrors.

A field builds its domain command once (`SomeInput.to_command()` in `schema/mutations/`) and
calls `run(ctx, command)`. `run` finds the command's use case in `USE_CASES`, establishes who
asks (anyone, the signed-in therapist, the signed-in portal client: UNAUTHENTICATED otherwise),
calls the use case with the ports it needs, and turns a `RuleViolation` into userErrors
(`resolvers.outcome.attempt`). A new mutation adds one entry here; nothing else in resolvers/.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any
from uuid import UUID

from domain import tokens
from domain.dependencies import Dependencies
from domain.reminders import ReminderSettings
from domain.services import (
    accounts,
    availability,
    booking,
    calendar_feed,
    clients,
    date_overrides,
    event_types,
    external_busy,
    manage_links,
    outlook_connection,
    portal,
    recovery,
    reminders,
    series,
    sessions,
    time_off,
    waitlist,
    webhooks,
)
from persistence.database import Database
from resolvers import audit as audit_log
from resolvers import manage_links as manage_link_resolver
from resolvers import outlook as outlook_resolver
from resolvers import waitlist as waitlist_resolver
from resolvers.context import Context
from resolvers.outcome import Outcome, attempt


class Who(Enum):
    """Who may run a use case."""

    ANYONE = "anyone"  # no sign-in (public booking, sign-in itself)
    THERAPIST = "therapist"  # a therapist's token; UNAUTHENTICATED otherwise
    CLIENT = "client"  # a portal client's token; UNAUTHENTICATED otherwise
    ACCOUNT = "account"  # either kind of token: the account it belongs to (its password)


@dataclass(frozen=True)
class Caller:
    """Who asks, as a use case needs it."""

    id: UUID | None  # the therapist's or portal client's ID; None for ANYONE
    address: str  # the client address (rate limits per address)
    token: str | None  # the bearer token the request carries (sign-out revokes it)
    account: recovery.Account | None = None  # for ACCOUNT: whose token asks


UseCase = Callable[[Dependencies[Database], Caller, Any], Awaitable[Any]]
Afterwards = Callable[[Context, Any, Outcome[Any]], Awaitable[None]]  # e.g. audit a sign-in
Beforehand = Callable[[Context, Any], Awaitable[None]]  # e.g. prove a manage link; may raise RuleViolation


@dataclass(frozen=True)
class Binding:
    who: Who
    call: UseCase
    after: Afterwards | None = None  # runs once the outcome is known (not when rate-limited)
    before: Beforehand | None = None  # runs first; its RuleViolation is the outcome's userErrors


def anyone(call: UseCase, after: Afterwards | None = None, before: Beforehand | None = None) -> Binding:
    return Binding(Who.ANYONE, call, after, before)


def therapist(call: UseCase) -> Binding:
    return Binding(Who.THERAPIST, call)


def client(call: UseCase) -> Binding:
    return Binding(Who.CLIENT, call)


# command type → who may ask, and the use case with its ports
USE_CASES: dict[type, Binding] = {
    # accounts and recovery (domain/services/accounts.py, recovery.py)
    accounts.SignUp: anyone(lambda s, who, c: accounts.sign_up(
        s.uow(), s.hasher, s.limiter, s.clock, c, token_ttl=s.config.token_ttl,
        client_address=who.address, limits=s.config.signup_limits, policy=s.config.password_policy)),
    accounts.SignIn: anyone(lambda s, who, c: accounts.sign_in(
        s.uow(), s.hasher, s.limiter, s.clock, c, client_address=who.address,
        limits=s.config.signin_limits, token_ttl=s.config.token_ttl), after=audit_log.therapist_sign_in),
    accounts.SignOut: anyone(lambda s, who, _: accounts.sign_out(s.uow(), s.clock, who.token)),
    accounts.ProfileChanges: therapist(lambda s, me, c: accounts.update_profile(s.uow(), me.id, c)),
    recovery.ChangePassword: Binding(Who.ACCOUNT, lambda s, who, c: recovery.change_password(
        s.uow(), s.hasher, s.limiter, s.clock, who.account, c,
        limits=s.config.signin_limits, policy=s.config.password_policy)),
    recovery.RequestReset: anyone(lambda s, who, c: recovery.request_reset(
        s.uow(), s.limiter, s.clock, c, client_address=who.address,
        limits=s.config.signin_limits)),
    recovery.ResetPassword: anyone(lambda s, _, c: recovery.reset_password(
        s.uow(), s.notifications, s.hasher, s.clock, c, token_ttl=s.config.token_ttl,
        policy=s.config.password_policy)),
    booking.BookingRequest: anyone(lambda s, caller, c: booking.book(
        s.uow(), s.clock, s.rooms, s.limiter, c, client_address=caller.address,
        limits=s.config.booking_limits)),
    # the client portal and reminders (domain/services/portal.py, reminders.py)
    portal.InviteToPortal: therapist(lambda s, me, c: portal.invite(
        s.uow(), s.clock, me.id, c)),
    portal.AcceptInvite: anyone(lambda s, _, c: portal.accept_invite(
        s.uow(), s.notifications, s.hasher, s.clock, c, token_ttl=s.config.token_ttl,
        policy=s.config.password_policy)),
    portal.ClientSignIn: anyone(lambda s, who, c: portal.sign_in(
        s.uow(), s.hasher, s.limiter, s.clock, c, client_address=who.address,
        limits=s.config.signin_limits, token_ttl=s.config.token_ttl), after=audit_log.client_sign_in),
    portal.CancelMySession: client(lambda s, me, c: portal.cancel_my_session(s.uow(), s.clock, me.id, c)),
    # manage-booking links: the token is the credential; `prove` names its client in the audit log
    manage_links.CancelManagedBooking: anyone(lambda s, _, c: manage_links.cancel(
        s.uow(), s.notifications, s.clock, c), before=manage_link_resolver.prove),
    # the waitlist (domain/services/waitlist.py): the links' tokens are the credentials
    waitlist.JoinWaitlist: anyone(lambda s, caller, c: waitlist.join(
        s.uow(), s.clock, s.limiter, c, client_address=caller.address, limits=s.config.booking_limits)),
    waitlist.ClaimWaitlistHold: anyone(lambda s, _, c: waitlist.claim(
        s.uow(), s.notifications.signing_key, s.clock, s.rooms, c), before=waitlist_resolver.prove_claim),
    waitlist.LeaveWaitlist: anyone(lambda s, _, c: waitlist.leave(
        s.uow(), s.notifications.signing_key, s.clock, c), before=waitlist_resolver.prove_leave),
    waitlist.RemoveWaitlistEntry: therapist(lambda s, me, c: waitlist.remove(s.uow(), s.clock, me.id, c)),
    ReminderSettings: therapist(lambda s, me, c: reminders.update_reminder_settings(s.uow(), me.id, c)),
    # Outlook (domain/services/outlook_connection.py)
    outlook_connection.ConnectOutlook: therapist(lambda s, me, _: outlook_connection.start_connect(
        s.uow(), s.clock, s.outlook, me.id)),
    outlook_connection.CompleteOutlookConnection: therapist(
        lambda s, me, c: outlook_resolver.complete(s, me.id, c)),
    outlook_connection.DisconnectOutlook: therapist(
        lambda s, me, _: outlook_connection.disconnect(s.uow(), me.id)),
    # weekly hours and time off (domain/services/availability.py, time_off.py)
    availability.SetDay: therapist(lambda s, me, c: availability.set_day(s.uow(), me.id, c)),
    availability.SetWeek: therapist(lambda s, me, c: availability.set_week(s.uow(), me.id, c)),
    availability.CopyDay: therapist(lambda s, me, c: availability.copy_day(s.uow(), me.id, c)),
    time_off.AddTimeOff: therapist(lambda s, me, c: time_off.add(s.uow(), s.clock, me.id, c)),
    time_off.RemoveTimeOff: therapist(lambda s, me, c: time_off.remove(s.uow(), me.id, c)),
    # event types (domain/services/event_types.py)
    event_types.EventTypeFields: therapist(lambda s, me, c: event_types.create(s.uow(), s.clock, me.id, c)),
    event_types.EventTypeEdit: therapist(lambda s, me, c: event_types.update(s.uow(), me.id, c)),
    event_types.DeleteEventType: therapist(lambda s, me, c: event_types.delete(s.uow(), s.clock, me.id, c)),
    # series (domain/services/series.py)
    series.StartRepeating: therapist(lambda s, me, c: series.start_repeating(
        s.uow(), s.clock, s.rooms, me.id, c, s.config.series_policy)),
    series.StopRepeating: therapist(lambda s, me, c: series.stop_repeating(s.uow(), s.clock, me.id, c)),
    # clients and New bookings (domain/services/clients.py)
    clients.ClientFields: therapist(lambda s, me, c: clients.create(s.uow(), s.clock, me.id, c)),
    clients.ClientEdit: therapist(lambda s, me, c: clients.update(s.uow(), me.id, c)),
    clients.AcceptIntake: therapist(lambda s, me, c: clients.accept(s.uow(), me.id, c)),
    clients.RejectIntake: therapist(lambda s, me, c: clients.reject(s.uow(), me.id, c)),
    clients.MergeIntake: therapist(lambda s, me, c: clients.merge(s.uow(), me.id, c)),
    # the calendar (domain/services/sessions.py)
    sessions.SetCalendarView: therapist(lambda s, me, c: sessions.set_calendar_view(s.uow(), me.id, c)),
    sessions.CreateSession: therapist(lambda s, me, c: sessions.create(
        s.uow(), s.clock, s.rooms, me.id, c, policy=s.config.series_policy)),
    sessions.SessionEdit: therapist(lambda s, me, c: sessions.update(s.uow(), me.id, c)),
    sessions.RescheduleSession: therapist(lambda s, me, c: sessions.reschedule(s.uow(), me.id, c)),
    sessions.PreviewReschedule: therapist(lambda s, me, c: sessions.preview(s.uow(), me.id, c)),
    sessions.CancelSession: therapist(lambda s, me, c: sessions.cancel(s.uow(), me.id, c, at=s.clock.now())),
    sessions.UncancelSession: therapist(lambda s, me, c: sessions.uncancel(s.uow(), me.id, c)),
    sessions.WriteSessionNote: therapist(lambda s, me, c: sessions.write_note(s.uow(), s.clock, me.id, c)),
    sessions.RecordPayment: therapist(lambda s, me, c: sessions.record_payment(s.uow(), s.clock, me.id, c)),
    sessions.SetClaimStatus: therapist(lambda s, me, c: sessions.set_claim_status(s.uow(), me.id, c)),
    calendar_feed.RotateCalendarFeed: therapist(lambda s, me, c: calendar_feed.rotate(
        s.uow(), s.clock, s.notifications.signing_key, me.id)),
    calendar_feed.DisableCalendarFeed: therapist(
        lambda s, me, c: calendar_feed.disable(s.uow(), me.id)),
    external_busy.SetTentativeEventsBlock: therapist(
        lambda s, me, c: external_busy.set_tentative_blocks(s.uow(), me.id, c)),
    date_overrides.SetDateOverride: therapist(
        lambda s, me, c: date_overrides.set_override(s.uow(), s.clock, me.id, c)),
    date_overrides.RemoveDateOverride: therapist(
        lambda s, me, c: date_overrides.remove_override(s.uow(), me.id, c)),
    # webhooks (domain/services/webhooks.py)
    webhooks.CreateWebhookEndpoint: therapist(lambda s, me, c: webhooks.create(
        s.uow(), s.clock, s.webhooks, me.id, c)),
    webhooks.RotateWebhookSecret: therapist(lambda s, me, c: webhooks.rotate(
        s.uow(), s.clock, s.webhooks, me.id, c)),
    webhooks.DeleteWebhookEndpoint: therapist(lambda s, me, c: webhooks.delete(s.uow(), me.id, c)),
    webhooks.RedeliverWebhook: therapist(lambda s, me, c: webhooks.redeliver(s.uow(), s.clock, me.id, c)),
}


async def caller(ctx: Context, who: Who) -> Caller:
    """Who asks; UNAUTHENTICATED (a GraphQL error) when the use case needs a sign-in."""
    if who is Who.THERAPIST:
        caller_id: UUID | None = (await ctx.therapist()).id
    elif who is Who.CLIENT:
        caller_id = (await ctx.portal_client()).id
    elif who is Who.ACCOUNT:
        account = await _account(ctx)
        return Caller(account.subject_id, ctx.client_address, ctx.token, account)
    else:
        caller_id = None
    return Caller(caller_id, ctx.client_address, ctx.token)


async def _account(ctx: Context) -> recovery.Account:
    """A portal token speaks for the client's account, any other for the therapist's."""
    token = ctx.token or ""
    if tokens.kind_of(token) == tokens.CLIENT:
        client = await ctx.portal_client()
        return recovery.Account(tokens.CLIENT, client.id, client.therapist_id, tokens.hash_token(token))
    me = await ctx.therapist()
    return recovery.Account(tokens.THERAPIST, me.id, me.id, tokens.hash_token(token))


async def run(ctx: Context, command: object) -> Outcome[Any]:
    """Run the command's use case for whoever asks: its value, or the user errors a rule
    raised (nothing was written); RATE_LIMITED is a GraphQL error."""
    binding = USE_CASES[type(command)]
    who = await caller(ctx, binding.who)

    async def call() -> Any:
        if binding.before is not None:
            await binding.before(ctx, command)
        return await binding.call(ctx.services, who, command)

    outcome = await attempt(call())
    if binding.after is not None:
        await binding.after(ctx, command, outcome)
    return outcome
