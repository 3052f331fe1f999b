"""Writes events to a store and says so after each commit, then waits to be killed.

Used by tests/test_store.py: the test SIGKILLs this process mid-run and checks that
every event it reported as committed is in the store afterwards.

    python tests/helpers/durable_writer.py DB_PATH [COUNT]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hub_app.store import AuditEntry, Store
from vocabulary import Event, EventKind, utc_now


def main() -> None:
    path = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    store = Store(path)
    for number in range(count):
        event = Event(
            kind=EventKind.ALARM,
            type="help_button",
            source="durable_writer",
            occurred_at=utc_now(),
            data={"number": number},
        )
        store.record_event(event, AuditEntry("system", "test.written", subject=event.uid))
        print(f"committed {event.uid}", flush=True)
        time.sleep(0.05)  # so that the kill lands while events are still being written
    while True:  # never closes the store: the kill is the only way out
        time.sleep(3600)


if __name__ == "__main__":
    main()
