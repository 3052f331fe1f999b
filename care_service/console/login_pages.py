"""Logging in and out of the console."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
from datetime import datetime, timedelta

from aiohttp import web

from care_service import changes
from care_service.console import i18n
from care_service.console.device_cookies import LIFE, PATH
from care_service.console.sessions import HeldBack, LoginRefused
from care_service.console.web import COOKIE, SESSIONS_KEY, render

log = logging.getLogger(__name__)
MAX_FORM_BYTES = 4096  # a name and a password; nothing bigger is read before a login
SAY_SECONDS_UNDER = 120  # a shorter hold is told in seconds, a longer one as a time of day
SLOW_DOWN_S = 1.0
MAX_SLOWED = 1000
SLOWED_KEY = web.AppKey("logins_slowed", list)  # [how many held-back answers are pausing now]

i18n.add({
    # (a no-break space: the number and its unit on one line)
    "login_held": ("For mange forsøk. Prøv igjen om {seconds}\u00a0s.", "Too many attempts. Try again in {seconds}\u00a0s."),
    "login_busy": ("Mange logger inn akkurat nå. Prøv igjen om et øyeblikk.",
                   "Many are logging in just now. Try again in a moment."),
})


def client_of(request: web.Request) -> str | None:
    """The address a login came from. Behind a proxy on the same machine (the documented
    set-up) every request comes from it, so its X-Forwarded-For says: its last address is
    the one the proxy saw (those before it the client may have written itself)."""
    forwarded = request.headers.get("X-Forwarded-For")
    try:
        from_proxy = ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        from_proxy = False
    if forwarded and from_proxy:
        return forwarded.split(",")[-1].strip()
    return request.remote


async def _slow_down(app: web.Application, seconds: float) -> None:
    """A login held back is answered after a pause (at most SLOW_DOWN_S): a client that
    ignores Retry-After and asks again at once still costs the service little, a few
    requests a second, instead of taking the event loop with its thousands. Only so many
    wait at once; beyond that they are answered at once."""
    waiting = app[SLOWED_KEY]
    if waiting[0] >= MAX_SLOWED:
        return
    waiting[0] += 1
    try:
        await asyncio.sleep(min(SLOW_DOWN_S, seconds))
    finally:
        waiting[0] -= 1


async def login_form(request: web.Request) -> web.Response:
    return render(request, "login.html", problem="", username="")


async def log_in(request: web.Request) -> web.Response:
    if request.content_length is None or request.content_length > MAX_FORM_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_FORM_BYTES, request.content_length or 0)
    form = await request.post()
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    book = request.app[SESSIONS_KEY]
    try:
        logged_in = await book.log_in(username, password, client_of(request),
                                      request.cookies.get(book.devices.cookie_name(username)))
    except HeldBack as held:
        seconds = math.ceil(held.seconds)
        await _slow_down(request.app, seconds)
        if held.busy:
            problem = ("login_busy", {})
        elif seconds < SAY_SECONDS_UNDER:
            problem = ("login_held", {"seconds": seconds})
        else:
            until = datetime.now().astimezone() + timedelta(seconds=seconds)
            problem = ("locked_out", {"time": until.strftime("%H:%M")})
        response = render(request, "login.html", status=503 if held.busy else 429, username=username,
                          problem=problem)
        response.headers["Retry-After"] = str(seconds)
        return response
    except LoginRefused:
        return render(request, "login.html", status=401, username=username, problem=("login_refused", {}))
    response = web.Response(status=303, headers={"Location": "/console"})
    # HttpOnly: no script reads it; Strict: no other site's page sends it.
    response.set_cookie(COOKIE, logged_in.token, httponly=True, samesite="Strict", secure=request.secure,
                        path="/console")
    name, value = logged_in.device_cookie
    response.set_cookie(name, value, max_age=int(LIFE.total_seconds()), httponly=True, samesite="Strict",
                        secure=request.secure, path=PATH)
    return response


async def log_out(request: web.Request) -> web.Response:
    request.app[SESSIONS_KEY].log_out(request.cookies.get(COOKIE, ""))
    await changes.announce(request.app)  # the session's open live lists end now
    response = web.Response(status=303, headers={"Location": "/console/login"})
    response.del_cookie(COOKIE, path="/console")
    return response


async def _stop_checking(app: web.Application) -> None:
    app[SESSIONS_KEY].close()


def add_routes(app: web.Application) -> None:
    app[SLOWED_KEY] = [0]
    app.router.add_get("/console/login", login_form)
    app.router.add_post("/console/login", log_in)
    app.router.add_post("/console/logout", log_out)
    app.on_cleanup.append(_stop_checking)
