"""The SMS the modem hands over: each kept once in the store (the modem deletes it only after
that), then read as a relative's answer to an alarm ("JA", "NEI"). The number and text
stay out of the log above debug."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from hub_app.alarms import Alarms
from hub_app.context import HubContext
from vocabulary import Event, EventKind

log = logging.getLogger(__name__)

SMS_NAMESPACE = uuid.UUID("5b1f6c2e-8d7a-4e90-a3c1-6f2d9e4b7a15")  # an incoming SMS's identity, once stored


class SmsReceiver:
    def __init__(self, ctx: HubContext, alarms: Alarms) -> None:
        self._ctx, self._alarms = ctx, alarms

    async def from_modem(self, sms) -> None:
        """The modem's incoming SMS (devices.modem.IncomingSms). Each part of a long one is
        kept; an answer is in the first, so only that one is read."""
        await self.received(sms.number, sms.text, sms.received_at, read=sms.part is None or sms.part.sequence == 1)

    async def received(self, number: str, text: str, received_at: datetime, read: bool = True) -> str:
        """Kept first, once however often the modem hands it over, then read as an answer."""
        uid = str(uuid.uuid5(SMS_NAMESPACE, f"{number}/{received_at.isoformat()}/{text}"))
        event = Event(EventKind.DEVICE, "sms_received", "modem", received_at, {"from": number, "text": text}, uid=uid)
        _stored, new = self._ctx.store.record_event_once(event)
        if not new:
            return "seen"
        log.info("An SMS came in")
        if not read:
            return "kept"
        log.debug("SMS from %s: %r", number, text)
        return await self._alarms.sms_reply(number, text)
