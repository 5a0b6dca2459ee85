"""Video rooms on a Jitsi-style host: a room is an unguessable path on the provider's base URL.

Another provider plugs in behind the same `VideoRooms` port (e.g. one that calls an API).
"""

from __future__ import annotations

import secrets


class VideoRoomUrls:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def new_room_url(self) -> str:
        return f"{self.base_url}/couchtime-{secrets.token_urlsafe(18)}"
