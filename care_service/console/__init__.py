"""The nurse console: the web pages nurses use (login, the live alarm list, the
residents' pages, care-plan editing, video calls), served by the reference care service under
`/console`."""

from __future__ import annotations

from aiohttp import web

from care_service.alarm_desk import AlarmDesk
from care_service.console import alarm_pages, call_pages, login_pages, plan_pages, resident_pages
from care_service.console.sessions import SessionBook
from care_service.console.web import DESK_KEY, HERE, SESSIONS_KEY, TEMPLATES_KEY, templates


def add_console(app: web.Application, desk: AlarmDesk) -> None:
    app[DESK_KEY] = desk
    app[SESSIONS_KEY] = SessionBook(desk.store)
    app[TEMPLATES_KEY] = templates()
    login_pages.add_routes(app)
    alarm_pages.add_routes(app)
    resident_pages.add_routes(app)
    plan_pages.add_routes(app)
    call_pages.add_routes(app)
    app.router.add_static("/console/static/", HERE / "static")

    async def home(_request: web.Request) -> web.Response:
        return web.Response(status=303, headers={"Location": "/console"})

    app.router.add_get("/", home)
