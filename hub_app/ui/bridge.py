"""The thin bridge between the core's thread and Qt's main thread.

Core messages arrive as Qt signals (queued into the main thread, because they are
emitted from the core's thread); commands go to the core as coroutines, and their
results come back to a callback on the main thread.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from hub_app.core import Core, CoreStopped
from hub_app.messages import (AlarmChanged, CallChanged, EventRecorded, LiveValue, Message, NurseMessage,
                              ReminderChanged, StateChanged)

log = logging.getLogger(__name__)


class CoreBridge(QObject):
    state_changed = Signal(object)  # HubState
    event_recorded = Signal(object)  # Event
    live_value = Signal(object)  # LiveValue
    reminder_changed = Signal(object)  # ReminderView
    alarm_changed = Signal(object)  # AlarmView
    nurse_message = Signal(object)  # NurseMessage
    call_changed = Signal(object)  # CallView
    _finished = Signal(object, object, object)  # future, on_result, on_error

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self._finished.connect(self._deliver)
        core.subscribe(self._on_message)

    def _on_message(self, message: Message) -> None:  # runs on the core thread
        if isinstance(message, StateChanged):
            self.state_changed.emit(message.state)
        elif isinstance(message, EventRecorded):
            self.event_recorded.emit(message.event)
        elif isinstance(message, LiveValue):
            self.live_value.emit(message)
        elif isinstance(message, ReminderChanged):
            self.reminder_changed.emit(message.reminder)
        elif isinstance(message, AlarmChanged):
            self.alarm_changed.emit(message.alarm)
        elif isinstance(message, NurseMessage):
            self.nurse_message.emit(message)
        elif isinstance(message, CallChanged):
            self.call_changed.emit(message.call)

    def run(
        self,
        command: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run a core command; `on_result` / `on_error` are called on the Qt thread."""
        try:
            future = self.core.submit(command, *args)
        except CoreStopped as exc:
            self._report(exc, on_error)
            return
        future.add_done_callback(lambda done: self._finished.emit(done, on_result, on_error))

    def _deliver(self, future: concurrent.futures.Future[Any], on_result, on_error) -> None:
        error = future.exception()
        if error is not None:
            self._report(error, on_error)
        elif on_result is not None:
            on_result(future.result())

    @staticmethod
    def _report(error: BaseException, on_error) -> None:
        log.error("Core command failed: %s", error, exc_info=error)
        if on_error is not None:
            on_error(error)
