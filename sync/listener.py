"""The hub's end of the fast channel: it keeps `GET /hub/events` open (server-sent
events) and hands each message to the hub (an alarm acknowledged by a nurse, ...).

It runs on a thread of its own (requests blocks while it waits for the next line),
reconnects with a backoff when the line drops, and asks for what it missed with
`Last-Event-ID`, so no acknowledgement is lost to a dropped connection.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import requests

from sync.client import CareServiceClient

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 60.0  # the service sends a keep-alive every 15 s; silence this long is a dead line


class Listener:
    def __init__(self, client: CareServiceClient, on_message: Callable[[int | None, str, dict[str, Any]], None],
                 backoff_max: float = 30.0, last_id: int = 0) -> None:
        """`on_message(number, kind, body)`; `last_id`: the last number the hub has kept
        (it asks for what came after, so a restart neither loses nor repeats)."""
        self._client = client
        self._on_message = on_message
        self._backoff_max = backoff_max
        self._stop = threading.Event()
        self.last_id = last_id
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="care-service-events")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop listening, without waiting for a read in progress: closing the response
        from here would block until the next line arrives (up to a keep-alive, 15 s).
        The thread is a daemon; it delivers nothing more and ends at its next line."""
        self._stop.set()

    def _run(self) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            try:
                self._listen()
                backoff = 1.0
            except (requests.RequestException, ValueError, AttributeError) as exc:
                if self._stop.is_set():
                    return
                log.info("The care service's event channel dropped (%s); again in %.0f s", type(exc).__name__, backoff)
            self.connected.clear()
            if self._stop.wait(backoff):
                return
            backoff = min(backoff * 2, self._backoff_max)

    def _listen(self) -> None:
        session, headers = self._client.session_and_headers()
        headers = {**headers, "Accept": "text/event-stream", "Last-Event-ID": str(self.last_id)}
        with session.get(f"{self._client.base_url}/hub/events", headers=headers, stream=True,
                         timeout=(5.0, READ_TIMEOUT_S)) as response:
            if response.status_code != 200:
                raise requests.HTTPError(f"the event channel answered {response.status_code}")
            self.connected.set()
            number, kind, data = None, "message", []
            for line in response.iter_lines(decode_unicode=True):
                if self._stop.is_set():
                    return
                if line == "":  # the end of one event
                    if data:
                        self._deliver(number, kind, "\n".join(data))
                    number, kind, data = None, "message", []
                elif line.startswith(":"):
                    continue  # a keep-alive
                else:
                    name, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    if name == "id":
                        number = value
                    elif name == "event":
                        kind = value
                    elif name == "data":
                        data.append(value)

    def _deliver(self, number: str | None, kind: str, data: str) -> None:
        if self._stop.is_set():
            return
        try:
            body = json.loads(data)
        except json.JSONDecodeError:
            log.warning("The care service sent an event that is not JSON; ignored")
            return
        numbered = int(number) if number and number.isdigit() else None
        self._on_message(numbered, kind, body)
        if numbered is not None:
            self.last_id = numbered
