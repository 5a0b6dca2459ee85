"""The `WebhookSender` port: Standard Webhooks signatures (the `standardwebhooks` package) and
one POST with httpx.

No redirects are followed (a 3xx is a failed attempt: a redirect could lead to an internal
address). Outside development the host's addresses are resolved first and the call is refused
when any of them is private, loopback, link-local or reserved (SSRF), whatever the name says.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from standardwebhooks.webhooks import Webhook

from domain.webhooks import is_private_address, is_private_host

log = logging.getLogger(__name__)
USER_AGENT = "Couchtime-Webhooks/1"


def signature(secrets: Sequence[str], message_id: str, timestamp: datetime, body: str) -> str:
    """`webhook-signature`: one `v1,…` per secret, space-separated (a receiver holding either
    secret during a rotation accepts the message)."""
    return " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in secrets)


class HttpWebhookSender:
    def __init__(self, *, timeout_seconds: float = 10.0, allow_private: bool = False) -> None:
        self.timeout = httpx.Timeout(timeout_seconds)
        self.allow_private = allow_private

    async def send(self, url: str, *, message_id: str, timestamp: datetime, body: str,
                   secrets: Sequence[str]) -> int | None:
        if not self.allow_private and not await self._public(url):
            log.warning("webhook refused: the endpoint resolves to a private address",
                        extra={"webhook_id": message_id})
            return None
        headers = {
            "content-type": "application/json", "user-agent": USER_AGENT,
            "webhook-id": message_id, "webhook-timestamp": str(int(timestamp.timestamp())),
            "webhook-signature": signature(secrets, message_id, timestamp, body),
        }
        try:
            client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, trust_env=False)
            async with client as http:
                response = await http.post(url, content=body.encode(), headers=headers)
        except httpx.HTTPError as error:
            log.info("webhook attempt failed: %s", type(error).__name__, extra={"webhook_id": message_id})
            return None
        return response.status_code

    async def _public(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        if is_private_host(host):
            return False
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            return True  # unresolvable: the POST fails and is retried
        return not any(is_private_address(ipaddress.ip_address(info[4][0].split("%")[0])) for info in infos)
