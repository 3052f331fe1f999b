"""One signal for "something changed at the service" (an alarm arrived, a nurse acted,
a plan changed): the open channels (hubs' `/hub/events`, the nurses' live alarm
lists) wait on it and each looks for what concerns it. Waits are short, so that a
shutdown never waits long for an open channel, and so that a channel whose credential
is revoked, or whose session ends, is closed within LOOK_S."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web

LOOK_S = 0.5
WAKE_KEY = web.AppKey("wake", asyncio.Condition)
CLOSING_KEY = web.AppKey("channels_closing", asyncio.Event)
# Set on a request by whoever checked its credential: whether that credential still
# holds (a hub not revoked, a nurse's session not ended). A stream asks it before every
# delivery, so what is revoked elsewhere (another process on the same database) ends too.
STILL_VALID_KEY = web.RequestKey("credential_still_valid", Callable[[], bool])


async def announce(app: web.Application) -> None:
    """Something new: wake the open channels."""
    wake = app[WAKE_KEY]
    async with wake:
        wake.notify_all()


async def wait(app: web.Application) -> bool:
    """Until the next change or LOOK_S: True if woken by a change."""
    wake = app[WAKE_KEY]
    async with wake:
        try:
            await asyncio.wait_for(wake.wait(), LOOK_S)
            return True
        except asyncio.TimeoutError:
            return False


def closing(app: web.Application) -> bool:
    return app[CLOSING_KEY].is_set()


KEEPALIVE_S = 15.0


async def event_stream(request: web.Request, pending: Callable[[], list[str]],
                       still_valid: Callable[[], bool] | None = None) -> web.StreamResponse:
    """A server-sent event response held open until shutdown, or until `still_valid()`
    (default: the request's STILL_VALID_KEY) says its credential no longer holds:
    `pending()` gives the events to send now (each complete, ending in a blank line),
    asked at the start and after every change; a comment line every 15 s keeps proxies
    from closing it."""
    app = request.app
    still_valid = still_valid or request.get(STILL_VALID_KEY)
    if still_valid is None:  # every channel carries someone's data: none is open without a check
        raise RuntimeError("an event stream needs a way to check its credential")
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
    await response.prepare(request)
    quiet = 0.0
    while not closing(app) and still_valid():  # checked before each delivery
        for event in pending():
            await response.write(event.encode())
            quiet = 0.0
        if not await wait(app):
            quiet += LOOK_S
        if quiet >= KEEPALIVE_S:
            await response.write(b": still here\n\n")
            quiet = 0.0
    return response


async def _close_channels(app: web.Application) -> None:
    """On shutdown the open channels end at once (clients reconnect to whoever serves next)."""
    app[CLOSING_KEY].set()
    await announce(app)


def setup(app: web.Application) -> None:
    app[WAKE_KEY] = asyncio.Condition()
    app[CLOSING_KEY] = asyncio.Event()
    app.on_shutdown.append(_close_channels)
