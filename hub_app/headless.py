"""`welfare-hub run --headless`: the core alone, no Qt, until SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import signal

from hub_app.core import Core

log = logging.getLogger(__name__)
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def run_headless(core: Core) -> int:
    # Block the stop signals before the core thread exists, so that it inherits the
    # mask and the main thread is the one that receives them, in sigwait().
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        core.start()
        log.info("Hub running headless; stop it with SIGTERM or Ctrl-C")
        received = signal.sigwait(STOP_SIGNALS)
        log.info("Received %s; shutting down", signal.Signals(received).name)
        core.stop()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    return 0
