"""The resident's status line and day, as one immutable `HubState`: device problems,
today's plan items and what can be measured. A change is told to the screens once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from hub_app.messages import HubState, Message, StateChanged
from vocabulary import DeviceKind, PlanItem, Problem


class ScreenState:
    def __init__(self, emit: Callable[[Message], None]) -> None:
        self._emit = emit
        self.state = HubState()

    async def set_problem(self, problem: Problem) -> HubState:
        others = tuple(p for p in self.state.problems if p.device != problem.device)
        return self._set(replace(self.state, problems=others + (problem,)))

    async def clear_problem(self, device: DeviceKind) -> HubState:
        kept = tuple(p for p in self.state.problems if p.device != device)
        return self._set(replace(self.state, problems=kept))

    def apply_problems(self, wanted: dict[DeviceKind, Problem | None]) -> None:
        """Set or clear the problems of the device kinds in `wanted`; others stay."""
        kept = tuple(p for p in self.state.problems if p.device not in wanted)
        added = tuple(p for p in wanted.values() if p is not None)
        self._set(replace(self.state, problems=kept + added))

    def set_measures(self, profiles: tuple[str, ...]) -> None:
        self._set(replace(self.state, measures=profiles))

    def set_today(self, items: tuple[PlanItem, ...]) -> None:
        self._set(replace(self.state, today=items))

    def _set(self, state: HubState) -> HubState:
        if state != self.state:
            self.state = state
            self._emit(StateChanged(state))
        return state
