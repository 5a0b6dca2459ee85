"""The cost budget: each caller may spend so much query cost (schema.cost) per minute.

A signed-in caller (a therapist's or a portal client's token that opens an account) spends
the budget of that token; anyone else — the public booking page, a wrong or expired token —
spends the budget of their address (so inventing tokens buys nothing). The counters live in
the rate limiter: Redis when configured (shared by every process), memory in the embedded
default.
"""

from __future__ import annotations

from typing import Any, Protocol

from domain import tokens
from resolvers.errors import ApiError


class CostCounter(Protocol):
    async def spend(self, key: str, amount: int, limit: int, window_seconds: int) -> int | None: ...


class CostBudget:
    def __init__(self, counter: CostCounter, *, per_token: int, per_address: int,
                 window_seconds: int = 60) -> None:
        self._counter = counter
        self._per_token = per_token
        self._per_address = per_address
        self._window = window_seconds

    async def _signed_in(self, context: Any) -> bool:
        if not context.token:
            return False
        if await context.viewer() is not None:
            return True
        try:
            await context.portal_client()
        except ApiError:
            return False
        return True

    async def spend(self, context: Any, cost: int) -> int | None:
        """None when the cost fits the caller's budget, else seconds until it refills. On
        HTTP the answer is then 429 with Retry-After (couchtime.app reads `memo`)."""
        if cost <= 0 or not hasattr(context, "memo"):
            return None
        if await self._signed_in(context):
            key, limit = tokens.rate_key("cost", context.token), self._per_token
        else:
            key, limit = tokens.rate_key("cost-public", context.client_address), self._per_address
        retry_after = await self._counter.spend(key, cost, limit, self._window)
        if retry_after is not None:
            context.memo["retry-after"] = retry_after
        return retry_after
