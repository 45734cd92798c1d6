"""The scenario's phases and choices as a ``transitions`` state machine.

This is the one module that imports ``transitions`` and the one place that decides which
phase follows which. We hand it only our own compiled model: state names are validated
snake_case ids, and every condition is a closure over a compiled expression. No scenario
string ever reaches ``transitions``' name resolution (which imports dotted names as code).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import Any

from transitions import Machine, MachineError

from presidium.errors import PresidiumError
from presidium.model import Branch, Scenario


class PhaseModel:
    """One game's position in the machine; transitions reads and writes its ``state``."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


def trigger_name(phase: str, choice: str | None = None, result: str | None = None) -> str:
    """``phase__choice`` (``__success``/``__failure`` for chances, ``__0``, ``__1``... for a
    chance of more outcomes); ``phase__next`` when automatic."""
    parts = [phase, choice or "next"]
    if result:
        parts.append(result)
    return "__".join(parts)


def _condition(branch: Branch) -> list[str | Callable[..., bool | None]]:
    if branch.when is None:
        return []
    evaluate = branch.when.evaluate
    return [lambda values: bool(evaluate(values))]


def transitions_of(scenario: Scenario) -> list[tuple[str, str, str, Branch]]:
    """Every (trigger, source, dest, branch) edge of the scenario, in the author's order."""
    edges = []
    for phase in scenario.phases.values():
        if phase.choices:
            for choice in phase.choices:
                if choice.chance is not None and choice.chance.outcomes:
                    for index, drawn in enumerate(choice.chance.outcomes):
                        name = trigger_name(phase.id, choice.id, str(index))
                        edges += [(name, phase.id, b.target, b) for b in drawn.outcome.next]
                elif choice.chance is not None:
                    for result, outcome in (
                        ("success", choice.chance.success),
                        ("failure", choice.chance.failure),
                    ):
                        name = trigger_name(phase.id, choice.id, result)
                        edges += [(name, phase.id, b.target, b) for b in outcome.next]
                elif choice.outcome is not None:
                    name = trigger_name(phase.id, choice.id)
                    edges += [(name, phase.id, b.target, b) for b in choice.outcome.next]
        else:
            edges += [(trigger_name(phase.id), phase.id, b.target, b) for b in phase.next]
    return edges


class _Shared:
    """The transitions machine of one scenario, built once and shared by all its games.

    Inside ``transitions`` states and triggers have names of our own making (``s0``,
    ``t0``, ...), so not even a validated scenario id is ever looked up as a name there.
    Games are not registered with the machine: an event fires for the game's own position.
    """

    def __init__(self, scenario: Scenario) -> None:
        ids = list(scenario.phases) + list(scenario.endings)
        self.state_name = {state: f"s{n}" for n, state in enumerate(ids)}
        self.state_id = {name: state for state, name in self.state_name.items()}
        self.trigger_name: dict[str, str] = {}
        self.initial = self.state_name[scenario.start]
        self.machine = Machine(
            model=None,
            states=list(self.state_id),
            initial=self.initial,
            auto_transitions=False,
            ignore_invalid_triggers=False,
            send_event=False,
        )
        # The phases that have choices, and which phases lead into each one: what
        # ``deciding`` needs to tell where a decision can still come.
        self.decided = [p.id for p in scenario.phases.values() if p.choices]
        self.sources: dict[str, set[str]] = {}
        self.deciding: frozenset[str] | None = None
        for trigger, source, dest, branch in transitions_of(scenario):
            self.sources.setdefault(dest, set()).add(source)
            internal = self.trigger_name.setdefault(trigger, f"t{len(self.trigger_name)}")
            self.machine.add_transition(
                internal,
                self.state_name[source],
                self.state_name[dest],
                conditions=_condition(branch),
            )


_SHARED: dict[int, _Shared] = {}


def _shared(scenario: Scenario) -> _Shared:
    key = id(scenario)
    shared = _SHARED.get(key)
    if shared is None:
        shared = _SHARED[key] = _Shared(scenario)
        weakref.finalize(scenario, _SHARED.pop, key, None)
    return shared


class PhaseMachine:
    """Moves one game through the scenario's phases, on the scenario's shared machine."""

    def __init__(self, scenario: Scenario) -> None:
        self.shared = _shared(scenario)
        self.machine = self.shared.machine
        self.model = PhaseModel(self.shared.initial)

    @property
    def state(self) -> str:
        return self.shared.state_id[self.model.state]

    def set_state(self, state: str) -> None:
        self.model.state = self.shared.state_name[state]

    def deciding(self) -> frozenset[str]:
        """The phases from which a decision can still come (the deciding phases included).
        Worked out once per scenario."""
        shared = self.shared
        if shared.deciding is None:
            reached = set(shared.decided)
            todo = list(reached)
            while todo:
                for source in shared.sources.get(todo.pop(), ()):
                    if source not in reached:
                        reached.add(source)
                        todo.append(source)
            shared.deciding = frozenset(reached)
        return shared.deciding

    @property
    def trigger_name(self) -> dict[str, str]:
        return self.shared.trigger_name

    def fire(self, trigger: str, values: Mapping[str, Any]) -> str:
        """Fire ``trigger`` with the game's values; return the new phase or ending id."""
        internal = self.shared.trigger_name.get(trigger)
        if internal is None:
            raise PresidiumError(f"the scenario cannot go on from '{self.state}' by '{trigger}'")
        try:
            moved = self.machine.events[internal].trigger(self.model, values)
        except MachineError as exc:
            raise PresidiumError(
                f"the scenario cannot go on from '{self.state}' by '{trigger}'"
            ) from exc
        if not moved:
            raise PresidiumError(f"no branch of '{trigger}' applies in phase '{self.state}'")
        return self.state
