"""The STUN and TURN servers a call page is given (docs/video-calls.md), with TURN
credentials in coturn's REST API form: the user name `<expiry unix time>:<room>` and
the password base64(HMAC-SHA1(secret, user name)). The secret never leaves the service."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime


def turn_password(secret: str, username: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()).decode()


@dataclass(frozen=True)
class IceServers:
    stun: tuple[str, ...] = ()
    turn: tuple[str, ...] = ()
    turn_secret: str | None = None

    def __post_init__(self) -> None:
        for url in self.stun:
            if not url.startswith("stun:") and not url.startswith("stuns:"):
                raise ValueError(f"a STUN server is stun:HOST[:PORT] (not {url!r})")
        for url in self.turn:
            if not url.startswith("turn:") and not url.startswith("turns:"):
                raise ValueError(f"a TURN server is turn:HOST[:PORT][?transport=udp|tcp] (not {url!r})")
        if self.turn and not self.turn_secret:
            raise ValueError("TURN servers need the shared secret (--turn-secret-file) for their credentials")

    def for_room(self, room_id: str, until: datetime) -> list[dict]:
        """The `iceServers` for one page of one room, valid until the room expires."""
        servers: list[dict] = []
        if self.stun:
            servers.append({"urls": list(self.stun)})
        if self.turn and self.turn_secret:
            username = f"{int(until.timestamp())}:{room_id}"
            servers.append({"urls": list(self.turn), "username": username,
                            "credential": turn_password(self.turn_secret, username)})
        return servers
