"""The cost budget: each caller may spend so much query cost (schema.cost) per minute.

A signed-in caller (a therapist's or a portal client's token that opens an account) spends
the budget of that token; anyone else — the public booking page, a wrong or expired token —
spends the budget of their address (so inventing tokens buys nothing). The counters live in
the rate limiter: Redis when configured (shared by every process), memory in the embedded
default.

Every HTTP request spends at least 1 (checked before its document is parsed, so a caller with
nothing left costs the server next to nothing), and a document refused by a limit (too costly,
deep, wide or long) spends the cost limit: probing the limits is not free.
"""

from __future__ import annotations

from typing import Any, Protocol

from domain import tokens
from resolvers.errors import ApiError


class CostCounter(Protocol):
    async def spend(self, key: str, amount: int, limit: int, window_seconds: int) -> int | None: ...

    async def charge(self, key: str, amount: int, window_seconds: int) -> None: ...


# Refusals that spend budget: probing the limits is not free (schema.limits codes)
PENALISED = frozenset({"QUERY_TOO_COSTLY", "QUERY_TOO_LARGE", "QUERY_TOO_DEEP", "TOO_MANY_ALIASES",
                       "TOO_MANY_TOKENS"})


class CostBudget:
    def __init__(self, counter: CostCounter, *, per_token: int, per_address: int, penalty: int,
                 window_seconds: int = 60) -> None:
        self._counter = counter
        self._penalty = penalty
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

    async def _key(self, context: Any) -> tuple[str, int]:
        if "budget-key" not in context.memo:
            if await self._signed_in(context):
                found = tokens.rate_key("cost", context.token), self._per_token
            else:
                found = tokens.rate_key("cost-public", context.client_address), self._per_address
            context.memo["budget-key"] = found
        return context.memo["budget-key"]

    async def spend(self, context: Any, cost: int) -> int | None:
        """None when the cost fits the caller's budget, else seconds until it refills. On
        HTTP the answer is then 429 with Retry-After (couchtime.app reads `memo`)."""
        if cost <= 0 or not hasattr(context, "memo"):
            return None
        key, limit = await self._key(context)
        retry_after = await self._counter.spend(key, cost, limit, self._window)
        if retry_after is not None:
            context.memo["retry-after"] = retry_after
        return retry_after

    async def spent(self, context: Any) -> int | None:
        """Before the document is even parsed: seconds until the budget refills when nothing
        is left of it (the next request is refused without any work), else None."""
        if not hasattr(context, "memo"):
            return None
        return await self.spend(context, 1)

    async def address_spent(self, address: str) -> int | None:
        """For requests without a token, before their body is read: seconds until the address's
        budget refills when penalties have overdrawn it, else None."""
        return await self._counter.spend(tokens.rate_key("cost-public", address), 0,
                                         self._per_address, self._window)

    async def penalise_address(self, address: str) -> None:
        """A request refused before GraphQL (too large, not JSON) spends the cost limit."""
        await self._counter.charge(tokens.rate_key("cost-public", address), self._penalty, self._window)

    async def penalise(self, context: Any, codes: set[str]) -> None:
        """A document refused by a limit spends as much as the largest document allowed."""
        if hasattr(context, "memo") and codes & PENALISED:
            key, _ = await self._key(context)
            await self._counter.charge(key, self._penalty, self._window)
