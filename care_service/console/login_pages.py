"""Logging in and out of the console."""

from __future__ import annotations

import logging

from aiohttp import web

from care_service import changes
from care_service.console.sessions import LockedOut, LoginRefused
from care_service.console.web import COOKIE, SESSIONS_KEY, render

log = logging.getLogger(__name__)


async def login_form(request: web.Request) -> web.Response:
    return render(request, "login.html", problem="", username="")


async def log_in(request: web.Request) -> web.Response:
    form = await request.post()
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    try:
        token, _session = request.app[SESSIONS_KEY].log_in(username, password)
    except LockedOut as locked:
        log.warning("Console login locked out for a user name after repeated failures")
        return render(request, "login.html", status=429, username=username,
                      problem=("locked_out", {"time": locked.until.astimezone().strftime("%H:%M")}))
    except LoginRefused:
        return render(request, "login.html", status=401, username=username, problem=("login_refused", {}))
    response = web.Response(status=303, headers={"Location": "/console"})
    # HttpOnly: no script reads it; Strict: no other site's page sends it.
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=request.secure, path="/console")
    return response


async def log_out(request: web.Request) -> web.Response:
    request.app[SESSIONS_KEY].log_out(request.cookies.get(COOKIE, ""))
    await changes.announce(request.app)  # the session's open live lists end now
    response = web.Response(status=303, headers={"Location": "/console/login"})
    response.del_cookie(COOKIE, path="/console")
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/login", login_form)
    app.router.add_post("/console/login", log_in)
    app.router.add_post("/console/logout", log_out)
