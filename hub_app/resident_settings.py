"""What the resident (or a relative) chooses on the screen itself: larger text for now.

A choice is an audit row ("resident.larger_text" with {"on": ...}); the newest one is in
force, so the choice survives a restart and who changed it when is on record. With no
row yet, the config's `larger_text` holds.
"""

from __future__ import annotations

from hub_app.store import AuditEntry, Store

A_LARGER_TEXT = "resident.larger_text"


class ResidentSettings:
    def __init__(self, store: Store, default_larger_text: bool) -> None:
        self._store = store
        self._default = default_larger_text

    async def larger_text(self) -> bool:
        rows = self._store.audit_rows(actions=[A_LARGER_TEXT], limit=1)
        if rows and isinstance(rows[0]["detail"], dict) and "on" in rows[0]["detail"]:
            return bool(rows[0]["detail"]["on"])
        return self._default

    async def set_larger_text(self, on: bool) -> bool:
        """Chosen on the screen; written down at once."""
        self._store.audit(AuditEntry("resident", A_LARGER_TEXT, detail={"on": bool(on)}))
        return bool(on)
