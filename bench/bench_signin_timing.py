"""Sign-in takes the same time whoever asks: known or unknown email, short or over-long password.

    .venv/bin/python -m bench.bench_signin_timing          (BENCH_SIGNIN_TRIES=200 by default)

In-process through the ASGI app, production Argon2id cost (t=3, 64 MiB, p=4), SQLite (or
COUCHTIME_BENCH_DATABASE_URL). For `signIn` and the portal's `clientSignIn`, four kinds of failed
sign-in — a known email with a wrong password, an unknown email, each with a short (16
characters) and an over-long (1,500 characters, over the 1,024 limit) password — are tried in
turn, in a shuffled order each round, and the median time of each kind is printed with its
distance from the fastest. The promise (README): every median within 10 % of the others.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

import httpx

from bench.harness import fresh_database_url
from couchtime.app import create_app
from couchtime.settings import Settings
from domain.portal import PortalAccount
from persistence import migrate
from resolvers import global_ids

TRIES = int(os.environ.get("BENCH_SIGNIN_TRIES", "200"))
SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { token userErrors { code } } }"
CLIENT_SIGN_IN = "mutation($i: ClientSignInInput!) { clientSignIn(input: $i) { token userErrors { code } } }"
SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token userErrors { code } } }"
CREATE_CLIENT = "mutation($i: CreateClientInput!) { createClient(input: $i) { client { id } userErrors { code } } }"
SHORT, LONG = "wrong password 16", "w" * 1500


async def main() -> None:
    url, drop = fresh_database_url()
    await asyncio.to_thread(migrate.upgrade, url)
    settings = replace(
        Settings(), database_url=url, log_level="WARNING", signin_limit_per_address=10**9,
        signin_limit_per_email=10**9, signin_limit_per_email_and_address=10**9,
    )
    app = create_app(settings)
    runtime = app.state.runtime
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                     timeout=120) as http:
            async def gql(query: str, variables: dict, token: str | None = None) -> dict:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                body = (await http.post("/graphql", json={"query": query, "variables": variables},
                                        headers=headers)).json()
                assert not body.get("errors"), body
                return body["data"]

            suffix = uuid.uuid4().hex[:8]
            therapist_email, client_email = f"t-{suffix}@example.com", f"c-{suffix}@example.com"
            token = (await gql(SIGN_UP, {"i": {
                "email": therapist_email, "password": "correct horse battery", "displayName": "Dr T",
                "username": f"t-{suffix}", "timeZone": "Europe/London"}}))["signUp"]["token"]
            created = await gql(CREATE_CLIENT, {"i": {"firstName": "C", "lastName": "L", "email": client_email}},
                                token)
            await _portal_account(runtime, global_ids.decode_as(created["createClient"]["client"]["id"], "Client"))

            kinds = {
                (op, who, pw): (query, email, password)
                for op, query, known in (("signIn", SIGN_IN, therapist_email),
                                         ("clientSignIn", CLIENT_SIGN_IN, client_email))
                for who, email in (("known email", known), ("unknown email", f"nobody-{suffix}@example.com"))
                for pw, password in (("short password", SHORT), ("long password", LONG))
            }
            times: dict[tuple[str, str, str], list[float]] = {k: [] for k in kinds}
            order = list(kinds)
            for _ in range(TRIES):
                random.shuffle(order)
                for kind in order:
                    query, email, password = kinds[kind]
                    started = time.perf_counter()
                    data = await gql(query, {"i": {"email": email, "password": password}})
                    times[kind].append((time.perf_counter() - started) * 1000)
                    assert next(iter(data.values()))["token"] is None
        print(f"{TRIES} tries of each, Argon2id t=3 m=64 MiB p=4, {'PostgreSQL' if 'postgresql' in url else 'SQLite'}")
        for op in ("signIn", "clientSignIn"):
            medians = {k: statistics.median(v) for k, v in times.items() if k[0] == op}
            fastest = min(medians.values())
            for (_, who, pw), median in medians.items():
                print(f"  {op:<13} {who:<14} {pw:<15} median {median:7.1f} ms  +{(median / fastest - 1) * 100:4.1f} %")
            spread = max(medians.values()) / fastest - 1
            print(f"  {op}: slowest median is {spread * 100:.1f} % above the fastest "
                  f"({'within' if spread <= 0.10 else 'NOT within'} 10 %)")
    finally:
        await runtime.close()
        drop()


async def _portal_account(runtime, client_id: UUID) -> None:
    """The client's portal account, as accepting an invite leaves it (no mail round trip)."""
    services = runtime.services
    password_hash = await services.hasher.hash("a long portal secret")
    uow = services.uow()
    async with uow:
        repo = services.notifications.portal(uow)
        await repo.save_account(PortalAccount(client_id, password_hash=password_hash,
                                              invited_at=datetime.now(UTC), accepted_at=datetime.now(UTC)))
        await uow.commit()


if __name__ == "__main__":
    asyncio.run(main())
