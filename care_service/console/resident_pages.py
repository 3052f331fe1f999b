"""The nurse's pages about residents: the list, and one resident's page (charts of the
last 7 or 30 days, doses, what happened, devices, video calls, the care plan) with a
short message to the resident's screen. The care-plan editor and scheduling a video
check-in are plan_pages.py's; calling and inviting are call_pages.py's; the words are
resident_words.py's, and how times and values are said is say.py's.

Every page works without JavaScript; every form posts with the session's CSRF token
and is answered with a redirect back (303), or, when something is wrong, with the
same page showing each problem next to its field and what the nurse typed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from care_service import changes
from care_service.console import alarm_pages, call_pages, charts, i18n
from care_service.console import plan_form as pf
from care_service.console import resident_view as rv
from care_service.console.say import DECIMALS, Say
from care_service.console.web import DESK_KEY, nurse_name, render, resident_of, see_other

log = logging.getLogger(__name__)

DAY_CHOICES = (7, 30)
MIN_SPAN = {"weight": 4.0, "temperature": 1.5, "glucose": 3.0}  # a chart's least value range


def _days(request: web.Request) -> int:
    text = request.query.get("days", "")
    return int(text) if text in {str(d) for d in DAY_CHOICES} else DAY_CHOICES[0]


async def resident_list(request: web.Request) -> web.Response:
    desk = request.app[DESK_KEY]
    say = Say(i18n.language_of(request), datetime.now(timezone.utc))
    return render(request, "residents.html", rows=rv.residents(desk.store, desk), say=say)


def _charts(series: dict[str, list[rv.Point]], limits: dict[str, rv.Limits], since: datetime, now: datetime,
            say: Say) -> list[dict[str, Any]]:
    end = rv.window_end(now)

    def latest(measures: tuple[str, ...]) -> dict[str, Any]:
        points = [series[m][-1] for m in measures if series[m]]
        judged = None
        for point in points:
            judged = rv.worse(judged, point.band)
        values = {m: series[m][-1].value for m in measures if series[m]}
        return {"text": say.reading(values), "band": judged, "at": say.when(max(p.at for p in points))}

    out = []
    groups = (("blood_pressure", ("systolic", "diastolic")), ("pulse", ("pulse",)), ("spo2", ("spo2",)),
              ("temperature", ("temperature",)), ("weight", ("weight",)), ("glucose", ("glucose",)))
    for name, measures in groups:
        if not any(series[m] for m in measures):
            continue
        lines = [charts.Line(say.t(f"res.m.{m}"), series[m], limits.get(m), dashed=(m == "diastolic"))
                 for m in measures]
        title = say.t(f"res.m.{name}")
        svg = charts.line_chart(lines, since, end, rv.UNITS[measures[0]], title, say.lang, f"chart-{name}",
                                decimals=DECIMALS.get(name, 0), min_span=MIN_SPAN.get(name, 1.0))
        out.append({"name": name, "title": title, "svg": svg, "latest": latest(measures)})
    return out


def _timeline(entries: list[rv.Entry], say: Say) -> list[dict[str, Any]]:
    out = []
    for entry in entries:
        if entry.kind == "reading":
            title, value = say.t(f"res.m.{entry.what}"), say.reading(entry.values)
        elif entry.kind == "dose_taken":
            title, value = say.t("res.dose_taken"), entry.detail
        else:  # the hub says a missed dose as "Missed dose: <medicine>": the title says the first half
            title, value = say.alarm_kind(entry.what), entry.detail.removeprefix("Missed dose: ")
        state = ""
        if entry.kind == "alarm":
            state = (say.t("res.state_open") if entry.state == "open"
                     else say.t(f"res.state_{entry.state}", name=entry.by))
            if entry.escalated and entry.state == "open":
                state += f" · {say.t('res.escalated')}"
        out.append({"kind": entry.kind, "at": entry.at.isoformat(), "when": say.when(entry.at), "title": title,
                    "value": value, "band": entry.band, "state": entry.state, "state_text": state,
                    "note": entry.note})
    return out


i18n.add({
    "res.contact": ("Telefon og adresse", "Phone and address"),
    "res.contact_saved": ("Lagret.", "Saved."),
    "res.phone_wrong": ("Skriv et telefonnummer med 3 til 15 sifre (gjerne +47 først).",
                        "Write a phone number of 3 to 15 digits (+47 first if you like)."),
    "res.address_wrong": ("Adressen kan være høyst 200 tegn.", "The address can be at most 200 characters."),
    "res.save_contact": ("Lagre", "Save"),
})


def _resident_page(request: web.Request, status: int = 200, message: str = "",
                   message_problems: pf.Problems | None = None, contact_problem: str = "",
                   contact_typed: dict[str, str] | None = None) -> web.Response:
    resident = resident_of(request)
    desk = request.app[DESK_KEY]
    store, pid = desk.store, resident["id"]
    now, days = datetime.now(timezone.utc), _days(request)
    say = Say(i18n.language_of(request), now)
    since = rv.window_start(now, days)
    version, document = rv.plan_document(store, pid)
    summary = rv.plan_summary(document)
    limits = summary["limits"]
    return render(
        request, "resident.html", status=status, resident=resident, days=days, day_choices=DAY_CHOICES, say=say,
        charts=_charts(rv.vital_series(store, pid, since, limits), limits, since, now, say),
        adherence=rv.adherence(store, pid, since, now),
        timeline=_timeline(rv.timeline(store, desk, pid, since, limits), say),
        alarm_cards=alarm_pages.cards(request, [a for a in desk.alarms(patient_id=pid) if a.state != "resolved"]),
        devices=rv.devices(store, pid), last_seen=rv.instant(store.last_seen(pid)),
        version=version, plan=summary, weekdays=rv.WEEKDAYS, sent=request.query.get("sent") == "1",
        message=message, message_problems=message_problems or {}, max_message=pf.MAX_MESSAGE,
        contact=contact_typed or {"phone": resident.get("phone", ""), "address": resident.get("address", "")},
        contact_problem=contact_problem, contact_saved=request.query.get("contact") == "1",
        **call_pages.resident_calls(request, resident, document))


async def resident_page(request: web.Request) -> web.Response:
    return _resident_page(request)


async def send_message(request: web.Request) -> web.Response:
    resident = resident_of(request)
    form = await request.post()
    text, problems = pf.parse_message(form)
    if problems or text is None:
        typed = form.get("text", "")
        return _resident_page(request, status=400, message=typed if isinstance(typed, str) else "",
                              message_problems=problems)
    store = request.app[DESK_KEY].store
    with store.db.conn:
        number = store.queue_for_hub(resident["id"], "message", {"text": text, "from": nurse_name(request)})
    await changes.announce(request.app)
    log.info("A nurse's message for resident %s queued for the hub (number %d)", resident["id"], number)
    return see_other(f"/console/residents/{resident['id']}?sent=1#message")


async def save_contact(request: web.Request) -> web.Response:
    """The resident's phone number and address, shown on each of their alarms."""
    resident = resident_of(request)
    form = await request.post()
    phone, address = str(form.get("phone", "")), str(form.get("address", ""))
    store = request.app[DESK_KEY].store
    try:
        store.set_contact(resident["id"], phone, address)
    except ValueError as wrong:
        return _resident_page(request, status=400, contact_problem=f"res.{wrong}_wrong",
                              contact_typed={"phone": phone, "address": address})
    await changes.announce(request.app)  # the alarm cards show them
    return see_other(f"/console/residents/{resident['id']}?contact=1#contact")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/residents", resident_list)
    app.router.add_get("/console/residents/{id}", resident_page)
    app.router.add_post("/console/residents/{id}/message", send_message)
    app.router.add_post("/console/residents/{id}/contact", save_contact)
