"""Start the hub with its window: Qt on the main thread, the core on its own."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Iterator

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

from hub_app.core import Core
from hub_app.speech import Speaker
from hub_app.ui import i18n
from hub_app.ui.bridge import CoreBridge
from hub_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("welfare-hub")
    return app


@contextlib.contextmanager
def quit_on_signals(app: QApplication) -> Iterator[None]:
    """While inside, SIGTERM and SIGINT quit the app (and so shut the hub down cleanly).

    Qt's loop does not run Python code while it waits, so the signal's byte on a
    socket wakes it (no polling timer). The previous handlers come back on exit.
    """
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno())
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    for sig in previous:
        signal.signal(sig, lambda number, _frame: log.info("Received %s; shutting down", signal.Signals(number).name))
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def wake() -> None:
        reader.recv(64)
        app.quit()

    notifier.activated.connect(wake)
    try:
        yield
    finally:
        notifier.setEnabled(False)
        notifier.deleteLater()
        signal.set_wakeup_fd(previous_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reader.close()
        writer.close()


def build_window(core: Core, app: QApplication, speaker: Speaker | None = None,
                 px_per_inch: float | None = None) -> MainWindow:
    """Translations, bridge and window for a started core."""
    language = core.config.resident.language
    for old in getattr(app, "_welfare_translators", []):
        app.removeTranslator(old)
    app._welfare_translators = i18n.install(app, language)  # keep them alive
    bridge = CoreBridge(core, app)
    return MainWindow(bridge, core.config, i18n.locale_for(language), i18n.DATE_FORMATS[language],
                      speaker or Speaker(language), px_per_inch=px_per_inch,
                      larger_text=core.call(core.settings.larger_text))


def run_window(core: Core) -> int:
    app = application()
    if not core.running:  # the demo starts its core first, to connect its devices
        core.start()
    try:
        window = build_window(core, app)
        with quit_on_signals(app):
            if core.config.hub.fullscreen:
                window.showFullScreen()
            else:
                window.resize(1280, 800)
                window.show()
            # Ends when the window is closed (the last window: Qt quits) or on a signal.
            code = app.exec()
        window.close()
    finally:
        core.stop()
    return code
