"""One signal for "something changed at the service" (an alarm arrived, a nurse acted,
a plan changed): the open channels (hubs' `/hub/events`, the nurses' live alarm
lists) wait on it and each looks for what concerns it. Waits are short, so that a
shutdown never waits long for an open channel."""

from __future__ import annotations

import asyncio

from aiohttp import web

LOOK_S = 0.5
WAKE_KEY = web.AppKey("wake", asyncio.Condition)
CLOSING_KEY = web.AppKey("channels_closing", asyncio.Event)


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


async def _close_channels(app: web.Application) -> None:
    """On shutdown the open channels end at once (clients reconnect to whoever serves next)."""
    app[CLOSING_KEY].set()
    await announce(app)


def setup(app: web.Application) -> None:
    app[WAKE_KEY] = asyncio.Condition()
    app[CLOSING_KEY] = asyncio.Event()
    app.on_shutdown.append(_close_channels)
