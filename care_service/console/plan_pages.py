"""The care-plan editor and scheduling a video check-in, on a resident's plan page.
Each save makes a new version of the plan (the hub fetches it at once); a form with
problems is shown again with each problem next to its field, listed at the top as well,
and nothing saved.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from care_service import changes
from care_service.console import i18n, plan_words  # noqa: F401  (plan_words: the plan.* words)
from care_service.console import plan_form as pf
from care_service.console import resident_view as rv
from care_service.console.say import Say
from care_service.console.web import DESK_KEY, nurse_name, render, resident_of, see_other
from vocabulary import PERSON_ALARM_KINDS

log = logging.getLogger(__name__)

LIMIT_WORDS = {"green-low": "plan.green_low", "green-high": "plan.green_high", "yellow-low": "plan.yellow_low",
               "yellow-high": "plan.yellow_high"}


def _problem_list(problems: pf.Problems, plan: dict[str, Any], say: Say) -> list[dict[str, str]]:
    """Each problem with the name of its field, for the list at the top of a long form
    (each links to its field)."""
    out = []
    for name, (key, values) in problems.items():
        if name == "_form":
            continue
        parts = name.split("-")
        if parts[0] == "med" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(plan["medications"]):
            field = say.t("plan.times" if parts[2] == "times" else "plan.window")
            label = f"{plan['medications'][int(parts[1])]['name']}: {field}"
        elif parts[0] == "lim" and len(parts) == 4 and parts[1] in rv.LIMITED_MEASURES:
            label = f"{say.t('res.m.' + parts[1])}: {say.t(LIMIT_WORDS['-'.join(parts[2:])])}"
        elif parts[0] == "contact" and len(parts) == 3 and parts[1].isdigit():
            label = f"{say.t('plan.contact_n', n=int(parts[1]) + 1)}: {say.known('plan.' + parts[2], parts[2])}"
        elif parts[0] == "consent":
            label = say.known("res.consent." + name.removeprefix("consent-"), name)
        else:
            label = say.known("plan." + name, name)
        out.append({"field": name, "label": label, "text": say.t(key, **values)})
    return out


def _plan_page(request: web.Request, resident: dict[str, Any], status: int = 200,
               values: dict[str, str] | None = None, problems: pf.Problems | None = None,
               check_in: dict[str, str] | None = None, check_in_problems: pf.Problems | None = None) -> web.Response:
    store = request.app[DESK_KEY].store
    lang = i18n.language_of(request)
    version, document = rv.plan_document(store, resident["id"])
    shown = values if values is not None else pf.form_values(document, lang)
    shown["version"] = str(version)  # a re-shown form saves over the version it now shows
    typed_check_in = dict(check_in or {})
    typed_check_in["version"] = str(version)
    plan, say = rv.plan_summary(document), Say(lang, datetime.now(timezone.utc))
    summary = problems or check_in_problems or {}  # listed at the top, each linking to its field
    return render(
        request, "plan.html", status=status, resident=resident, version=version, plan=plan,
        values=shown, problems=problems or {}, summary=summary, problem_list=_problem_list(summary, plan, say),
        contact_rows=pf.contact_rows(shown), check_in=typed_check_in, check_in_problems=check_in_problems or {},
        measures=rv.LIMITED_MEASURES, units=rv.UNITS, features=rv.CONSENT_FEATURES, weekdays=rv.WEEKDAYS, say=say,
        alarm_kinds=PERSON_ALARM_KINDS,
        saved=request.query.get("saved") == "1", scheduled=request.query.get("scheduled") == "1")


async def plan_page(request: web.Request) -> web.Response:
    return _plan_page(request, resident_of(request))


def _fields(form) -> dict[str, str]:
    """The posted fields as plain text (the first of a repeated name; files ignored)."""
    out: dict[str, str] = {}
    for name, value in form.items():
        if isinstance(name, str) and isinstance(value, str) and name not in out:
            out[name] = value
    return out


async def save_plan(request: web.Request) -> web.Response:
    resident = resident_of(request)
    fields = _fields(await request.post())
    store, nurse = request.app[DESK_KEY].store, nurse_name(request)
    _version, old = rv.plan_document(store, resident["id"])
    document, problems = pf.parse_plan_form(fields, old, nurse, datetime.now(rv.ZONE).date())
    if document is None:
        return _plan_page(request, resident, status=400, values=fields, problems=problems)
    version = store.set_plan(resident["id"], document, by=nurse)
    await changes.announce(request.app)
    log.info("Care plan of resident %s saved as version %d by a nurse", resident["id"], version)
    return see_other(f"/console/residents/{resident['id']}/plan?saved=1")


async def add_check_in(request: web.Request) -> web.Response:
    resident = resident_of(request)
    fields = _fields(await request.post())
    store, nurse = request.app[DESK_KEY].store, nurse_name(request)
    _version, old = rv.plan_document(store, resident["id"])
    document, problems = pf.parse_check_in(fields, old)
    if document is None:
        return _plan_page(request, resident, status=400, check_in=fields, check_in_problems=problems)
    version = store.set_plan(resident["id"], document, by=nurse)
    await changes.announce(request.app)
    log.info("A video check-in added to the care plan of resident %s (version %d)", resident["id"], version)
    return see_other(f"/console/residents/{resident['id']}/plan?scheduled=1#check-ins")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/residents/{id}/plan", plan_page)
    app.router.add_post("/console/residents/{id}/plan", save_plan)
    app.router.add_post("/console/residents/{id}/check-in", add_check_in)
