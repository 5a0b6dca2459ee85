"""The token cache (issue 16): a signed-in request usually skips the database, yet a sign-out,
a password change or a profile change is seen at once by the process that made it and, through
the bus, by every other process; a process that cannot hear the bus asks the database."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from sqlalchemy import update

from domain import tokens
from persistence.instrumentation import count_statements
from persistence.read_models.auth import TokenCache
from persistence.tables.accounts import AuthTokenRow
from tests.support.app import REDIS_URL, Api, LiveServer, app_settings, need

ME = "query Me { me { displayName calendarView } }"
SIGN_OUT = "mutation { signOut { signedOut } }"
SIGN_IN = """mutation($i: SignInInput!) { signIn(input: $i) { token userErrors { code } } }"""
CHANGE = """mutation($i: ChangePasswordInput!) { changePassword(input: $i) { changed userErrors { code } } }"""
RENAME = """mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { userErrors { code } } }"""
VIEW = """mutation($i: SetCalendarViewInput!) { setCalendarView(input: $i) { view userErrors { code } } }"""
PASSWORD = "correct horse battery"


async def me(api: Api, token: str) -> dict | None:
    """`me`, or None when the token opens nothing (UNAUTHENTICATED)."""
    body = await api.post(ME, token=token)
    if body.get("errors"):
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body
        return None
    return body["data"]["me"]


async def eventually(check, tries: int = 300) -> bool:
    """True once `check()` holds; the cache's TTL in these tests is an hour, so only a bus
    message can make it hold."""
    for _ in range(tries):
        if await check():
            return True
        await asyncio.sleep(0.01)
    return False


async def silently_revoke(api: Api, token: str) -> None:
    """Revoked in the database and announced to nobody (as if the bus lost the message)."""
    async with api.runtime.db.write_session() as s, s.begin():
        await s.execute(update(AuthTokenRow).where(AuthTokenRow.token_hash == tokens.hash_token(token))
                        .values(revoked_at=api.clock.now()))


async def test_a_signed_in_request_skips_the_database_and_sign_out_ends_it_at_once(api):
    token, _ = await api.sign_up()
    other, _ = await api.sign_up()
    assert await me(api, token)
    with count_statements(api.runtime.db.engine) as log:
        assert (await me(api, token))["displayName"] == "Dr Test"
    assert log.count == 0  # answered from the cache: no token lookup
    assert (await api.gql(SIGN_OUT, token=token))["signOut"]["signedOut"] is True
    assert await me(api, token) is None  # the same process, the very next request
    assert await me(api, other)  # another therapist's token is untouched


async def test_a_profile_change_and_a_calendar_view_show_on_the_next_request(api):
    token, _ = await api.sign_up()
    assert (await me(api, token))["displayName"] == "Dr Test"
    renamed = await api.gql(RENAME, {"i": {"displayName": "Dr Renamed"}}, token=token)
    assert renamed["updateProfile"]["userErrors"] == []
    assert (await me(api, token))["displayName"] == "Dr Renamed"
    view = await api.gql(VIEW, {"i": {"view": "MONTH"}}, token=token)
    assert view["setCalendarView"]["userErrors"] == []
    assert (await me(api, token))["calendarView"] == "MONTH"


async def test_a_silent_revocation_lasts_at_most_the_ttl(api):
    """What the TTL bounds: a revocation nobody announced. Measured on a cache of our own with
    a hand-moved monotonic clock."""
    token, _ = await api.sign_up()
    moments = [1000.0]
    cache = TokenCache(api.runtime.db, ttl_seconds=5, bus_epoch=lambda: 0, monotonic=lambda: moments[0])
    digest, now = tokens.hash_token(token), api.clock.now()
    assert await cache.therapist(digest, tokens.THERAPIST, now) is not None
    await silently_revoke(api, token)
    moments[0] += 4.9
    assert await cache.therapist(digest, tokens.THERAPIST, now) is not None  # inside the TTL
    moments[0] += 0.2
    assert await cache.therapist(digest, tokens.THERAPIST, now) is None  # past it: asked again
    # and the token's own expiry is checked on every hit
    fresh, _ = await api.sign_up()
    fresh_digest = tokens.hash_token(fresh)
    found = await cache.therapist(fresh_digest, tokens.THERAPIST, now)
    assert found is not None
    assert await cache.therapist(fresh_digest, tokens.THERAPIST, found[1] + timedelta(seconds=1)) is None


async def two_processes(start_api, **overrides) -> tuple[Api, Api, LiveServer]:
    """Two servers over one PostgreSQL database and one Redis bus (as N × `couchtime serve`)."""
    from couchtime.app import create_app

    settings = {"redis_url": need("redis", REDIS_URL), "live_channel": f"token-cache:{uuid.uuid4().hex}",
                "token_cache_seconds": 3600, **overrides}
    one = await start_api("postgres", **settings)
    server = LiveServer(create_app(app_settings(one.runtime.settings.database_url, **settings), clock=one.clock))
    two = Api(await server.start(), server.app, one.clock, server.server)
    for api in (one, two):  # both readers subscribed before anything is announced
        await asyncio.wait_for(api.runtime.bus.ready.wait(), 10)
    return one, two, server


async def test_sign_out_password_change_and_rename_on_one_process_reach_the_other(start_api):
    one, two, server = await two_processes(start_api)
    try:
        token, therapist = await one.sign_up()
        phone = (await one.gql(SIGN_IN, {"i": {"email": therapist["email"], "password": PASSWORD}}))["signIn"]["token"]
        laptop = (await one.gql(SIGN_IN, {"i": {"email": therapist["email"], "password": PASSWORD}}))["signIn"]["token"]
        for t in (token, phone, laptop):
            assert await me(two, t)  # all three cached on process two
        await one.gql(RENAME, {"i": {"displayName": "Dr Elsewhere"}}, token=token)
        assert await eventually(lambda: _named(two, token, "Dr Elsewhere"))
        assert (await one.gql(SIGN_OUT, token=phone))["signOut"]["signedOut"] is True
        assert await eventually(lambda: _refused(two, phone))
        changed = await one.gql(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": "a new long secret"}},
                                token=token)
        assert changed["changePassword"]["changed"] is True
        assert await eventually(lambda: _refused(two, laptop))  # signed out elsewhere by the change
        assert await me(two, token)  # the device that changed it stays signed in
    finally:
        await two.close()
        await server.stop()


async def test_a_process_that_cannot_hear_the_bus_asks_the_database(start_api):
    one, two, server = await two_processes(start_api)
    try:
        token, _ = await one.sign_up()
        assert await me(two, token)
        await silently_revoke(one, token)
        assert await me(two, token)  # cached and nobody told: the TTL's case (an hour here)
        await two.runtime.bus.stop()  # two's Redis reader is gone: it hears nothing now
        assert await me(two, token) is None  # not served from the cache any more
    finally:
        await two.close()
        await server.stop()


async def _named(api: Api, token: str, name: str) -> bool:
    found = await me(api, token)
    return found is not None and found["displayName"] == name


async def _refused(api: Api, token: str) -> bool:
    return await me(api, token) is None
