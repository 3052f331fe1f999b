"""Video calls the hub starts: a check-in from the care plan ringing at its time (through
the care service's rooms when the link is on its origin), and the resident calling the
service or a relative with one touch (the relative gets the invitation by SMS)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hub_app.call_origins import origin_of
from hub_app.calls import CallError, Calls, CallView
from hub_app.care_link import CareLink
from hub_app.context import HubContext
from hub_app.messages import ReminderChanged
from hub_app.plan_keeper import PlanKeeper
from hub_app.reminders import ReminderView

log = logging.getLogger(__name__)


# The SMS that invites a contact to a video call, in the resident's language: {resident}
# (the resident's first name, or `someone` when the hub has none) and {link}.
INVITATIONS: dict[str, dict[str, str]] = {
    "nb": {"text": "{resident} vil gjerne ha en videosamtale med deg. Åpne: {link}", "someone": "Din pårørende"},
    "nn": {"text": "{resident} vil gjerne ha ein videosamtale med deg. Opne: {link}", "someone": "Din pårørande"},
    "se": {"text": "{resident} háliida videoságastallat duinna. Raba: {link}", "someone": "Du fuolki"},
    "en": {"text": "{resident} would like a video call with you. Open: {link}", "someone": "Your relative"},
}


def invitation_text(language: str, resident: str, link: str) -> str:
    words = INVITATIONS.get(language, INVITATIONS["nb"])
    return words["text"].format(resident=resident or words["someone"], link=link)


@dataclass(frozen=True)
class CallTile:
    """Someone the resident can call with one touch: a contact who agreed, or the home-care service."""

    target: str  # "service", or the contact's name
    name: str
    relation: str = ""


class CallDesk:
    def __init__(self, ctx: HubContext, *, calls: Calls, link: CareLink, plans: PlanKeeper) -> None:
        self._ctx, self._calls, self._link, self._plans = ctx, calls, link, plans
        self._ringing: set[str] = set()  # check-ins whose room is being asked for

    def reminder_changed(self, view: ReminderView) -> None:
        """A reminder opened or closed: shown; a check-in's is a call and rings instead."""
        if view.kind != "check_in":
            self._ctx.emit(ReminderChanged(view))
        elif view.open:
            check_in = next((c for c in self._plans.plan.check_ins if c.id == view.item_id), None)
            if check_in is not None:
                self._ctx.spawn(self._ring_check_in(check_in, f"check-in/{view.uid}"))

    async def _ring_check_in(self, check_in, key: str) -> None:
        """A check-in comes due. A link on the care service's own origin is a call through
        its rooms: the service makes one now (every nurse's console shows it, with "Join");
        any other allowed link (a municipality's Jitsi Meet) is opened as it is."""
        if self._ctx.store.call_by_key(key) is not None or key in self._ringing:
            return  # rung already, or being rung (the reminder is told again: shown, a restart)
        self._ringing.add(key)  # one room per check-in, even while the service answers
        try:
            url, room = check_in.link, None
            if self._link.connected and origin_of(url) == origin_of(self._ctx.config.care_service.url):
                try:
                    found = await self._link.start_call("service", "")
                    url, room = found["url"], found["room"]
                except Exception as exc:  # it rings all the same; the nurse has the plan too
                    log.warning("The care service could not make a room for a check-in: %s", exc)
            await self._calls.ring(check_in.who, url, key=key, room=room, scheduled=True, caller="check_in")
        finally:
            self._ringing.discard(key)

    async def tiles(self) -> list[CallTile]:
        tiles = [CallTile("service", "")] if self._ctx.config.care_service.url else []
        return tiles + [CallTile(c.name, c.name, c.relation) for c in self._plans.plan.contacts if c.calls]

    async def call_out(self, target: str) -> CallView:
        """The resident touched a tile: the care service makes a room; a contact is sent
        the invitation by SMS (the home-care service sees the call on its console)."""
        if not self._link.connected:
            raise CallError("this hub is not connected to a care service")
        contact = None
        if target != "service":
            contact = next((c for c in self._plans.plan.contacts if c.calls and c.name == target), None)
            if contact is None:
                raise CallError("this person is not among those the resident may call")
        room = await self._link.start_call("service" if contact is None else "contact",
                                           "" if contact is None else contact.name)
        if contact is not None:
            await self._ctx.send_sms(contact.phone, self._invitation_text(room["guest_url"]))
        return await self._calls.started(target if contact else "service", room["url"], room["room"])

    def _invitation_text(self, link: str) -> str:
        resident = self._ctx.config.resident
        return invitation_text(self._plans.plan.language_or(resident.language), resident.name, link)
