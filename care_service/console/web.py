"""What every console page shares: the templates (Jinja2, everything escaped), the
nurse's session and its CSRF token, the language, and the guard in front of every
`/console` address: no session, no page (a browser is sent to the login page, a
script gets 401), and no state change without the session's CSRF token. The call
pages under `/call/` need no session (their key or invitation token is the credential)
and get the same security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from care_service import changes
from care_service.alarm_desk import AlarmDesk
from care_service.console import i18n
from care_service.console.sessions import Session, SessionBook

HERE = Path(__file__).parent
COOKIE = "nurse_session"
SESSIONS_KEY = web.AppKey("nurse_sessions", SessionBook)
DESK_KEY = web.AppKey("alarm_desk", AlarmDesk)
TEMPLATES_KEY = web.AppKey("console_templates", jinja2.Environment)
NURSE_KEY = web.RequestKey("nurse", Session)
OPEN_PATHS = ("/console/login", "/console/static/")
# The call pages: no session (their key or invitation token is the credential), the
# same protection otherwise.
CALL_PATHS = "/call/"
SECURITY_HEADERS = {
    # Our own scripts and styles only; no framing (clickjacking), no referrer leaving.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    # Only the call pages use the camera and microphone (they say so themselves).
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=jinja2.select_autoescape(default=True), undefined=jinja2.StrictUndefined)
    return env


def session_of(request: web.Request) -> Session:
    """The logged-in nurse (the guard has made sure there is one)."""
    return request[NURSE_KEY]


def nurse_name(request: web.Request) -> str:
    """The logged-in nurse as residents and colleagues know her ("Sykepleier Nina")."""
    session = session_of(request)
    return session.name or session.username


def resident_of(request: web.Request) -> dict[str, Any]:
    """The resident the address names (its `{id}`); 404 "Unknown resident." if there is none."""
    found = request.app[DESK_KEY].store.patient(request.match_info["id"])
    if found is None:
        raise web.HTTPNotFound(text=i18n.text(i18n.language_of(request), "res.unknown"))
    return found


def see_other(location: str) -> web.Response:
    """The answer to a form that was taken: go (back) to `location` (303)."""
    return web.Response(status=303, headers={"Location": location})


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    lang = i18n.language_of(request)

    def t(key: str, **values: Any) -> str:
        words = i18n.text(lang, key)
        return words.format(**values) if values else words

    session = request.get(NURSE_KEY)
    body = request.app[TEMPLATES_KEY].get_template(template).render(
        t=t, lang=lang, nurse=session, csrf=session.csrf if session else "", path=request.path, **context)
    response = web.Response(text=body, content_type="text/html", status=status)
    if request.query.get("lang") in i18n.LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Strict",
                            path="/call" if request.path.startswith(CALL_PATHS) else "/console")
    return response


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@web.middleware
async def guard(request: web.Request, handler):
    if not request.path.startswith(("/console", CALL_PATHS)):
        return await handler(request)
    if not request.path.startswith((*OPEN_PATHS, CALL_PATHS)):
        book, token = request.app[SESSIONS_KEY], request.cookies.get(COOKIE)
        session = book.session(token)
        if session is None:
            if wants_json(request) or request.path == "/console/live":
                raise web.HTTPUnauthorized(text="log in first")
            raise web.HTTPSeeOther("/console/login")
        request[NURSE_KEY] = session
        # A live list ends when its session does (logged out, or past its shift).
        request[changes.STILL_VALID_KEY] = lambda: book.alive(token)
        if request.method not in ("GET", "HEAD"):
            offered = request.headers.get("X-CSRF-Token")
            if offered is None:
                offered = (await request.post()).get("csrf")
            if not session.csrf_ok(offered if isinstance(offered, str) else None):
                raise web.HTTPForbidden(text=i18n.text(i18n.language_of(request), "form_expired"))
    try:
        response = await handler(request)
    except web.HTTPException as answer:  # a 404 or a redirect raised by a page: protected the same way
        for name, value in SECURITY_HEADERS.items():
            answer.headers.setdefault(name, value)
        raise
    if not response.prepared:  # (a call's WebSocket has answered already)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
    return response
