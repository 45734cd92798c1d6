"""The scenario's phases and choices as a ``transitions`` state machine.

This is the one module that imports ``transitions`` and the one place that decides which
phase follows which. We hand it only our own compiled model: state names are validated
snake_case ids, and every condition is a compiled expression. No scenario string ever
reaches ``transitions``' name resolution (which imports dotted names as code).

There is one machine per scenario, shared by all its games (the branches out of a phase go in
the first time a game reaches it); every move of every game is an event of that machine choosing among its transitions, by the library's own
``Event._process`` and ``Transition._eval_conditions``. Our event, transition and condition
classes (the library's ``event_cls``, ``transition_cls`` and ``condition_cls``) leave out only
what we never use and would pay for on every move: an ``EventData`` and a ``partial`` per
firing, the machine's queue, state enter and exit with their logging, empty lists of
callbacks, and resolving a condition's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from transitions import Event, Machine, MachineError, Transition
from transitions.core import Condition, EventData

from presidium.errors import PresidiumError
from presidium.model import Branch, Phase, Scenario, per_scenario


class PhaseModel:
    """One game's position in the machine; transitions reads and writes its ``state``."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


def trigger_name(phase: str, choice: str | None = None, result: str | None = None) -> str:
    """``phase__choice`` (``__success``/``__failure`` for chances, ``__0``, ``__1``... for a
    chance of more outcomes); ``phase__next`` when automatic."""
    if result:
        return f"{phase}__{choice or 'next'}__{result}"
    return f"{phase}__{choice or 'next'}"


def transitions_of(scenario: Scenario) -> list[tuple[str, str, str, Branch]]:
    """Every (trigger, source, dest, branch) edge of the scenario, in the author's order."""
    return [edge for phase in scenario.phases.values() for edge in _edges_from(phase)]


def _edges_from(phase: Phase) -> list[tuple[str, str, str, Branch]]:
    """The (trigger, source, dest, branch) edges out of one phase, in the author's order."""
    return [
        (name, phase.id, b.target, b) for name, branches in _triggers_from(phase) for b in branches
    ]


def _triggers_from(phase: Phase) -> list[tuple[str, tuple[Branch, ...]]]:
    """Each trigger out of one phase with its branches, in the author's order."""
    out: list[tuple[str, tuple[Branch, ...]]] = []
    pid = phase.id
    for choice in phase.choices:
        chance = choice.chance
        if chance is not None and chance.outcomes:
            for index, drawn in enumerate(chance.outcomes):
                out.append((trigger_name(pid, choice.id, str(index)), drawn.outcome.next))
        elif chance is not None:
            out.append((trigger_name(pid, choice.id, "success"), chance.success.next))
            out.append((trigger_name(pid, choice.id, "failure"), chance.failure.next))
        elif choice.outcome is not None:
            out.append((trigger_name(pid, choice.id), choice.outcome.next))
    if not phase.choices:
        out.append((trigger_name(pid), phase.next))
    return out


class _Move(EventData):
    """One game's attempt to move, as ``transitions`` passes it to conditions: the game's
    position (``model``) and the values its branches' conditions read. Each game keeps one
    and fills in the values each time an event fires."""

    model: PhaseModel

    def __init__(self, machine: Machine, model: PhaseModel) -> None:
        super().__init__(None, None, machine, model, (), {})
        self.values: Mapping[str, Any] = {}


class _Condition(Condition):
    """A branch's ``when``: our compiled expression, called with the game's values.

    The library's own ``Condition`` resolves its function first, and a string there would be
    looked up on the model or imported as a dotted name; ours only ever holds a callable.
    """

    def __init__(self, func: Callable[[Mapping[str, Any]], Any], target: bool = True) -> None:
        if not callable(func):
            raise TypeError("a phase machine's condition must be a compiled expression")
        super().__init__(func, target)
        self.holds = func

    def check(self, move: _Move) -> bool:  # type: ignore[override]  # only ever given a _Move
        return bool(self.holds(move.values)) == self.target


class _Branch(Transition):
    """One branch of a phase's ``next``: it moves the game when its conditions hold.

    The library's ``_eval_conditions`` checks them. Our states and transitions have no
    callbacks (no ``prepare``, ``before``, ``after``, ``on_enter`` or ``on_exit``), so the
    rest of the library's ``execute`` would only log each step, run empty lists of callbacks
    and look the states up again; here a branch that holds just moves the model.
    """

    condition_cls = _Condition
    dest: str  # never None: every branch of ours leads somewhere

    def execute(self, move: _Move) -> bool:  # type: ignore[override]  # only ever given a _Move
        if not self._eval_conditions(move):
            return False
        move.model.state = self.dest
        return True


class _Trigger(Event):
    """A choice, or a phase's way on, fired as the library's ``Event.trigger`` does (its
    ``_is_valid_source`` and ``_process``: the transitions from the game's state, tried in the
    author's order, the first whose conditions hold taken), without building an ``EventData``
    and a ``partial`` per firing or going through the machine's (unused) queue."""

    def fire(self, move: _Move) -> bool:
        move.state = self.machine.states[move.model.state]
        move.result = False
        if self._is_valid_source(move.state):  # raises MachineError where it does not apply
            self._process(move)
        return bool(move.result)


class _Machine(Machine):
    """A ``transitions`` machine whose events and transitions are the classes above."""

    event_cls = _Trigger
    transition_cls = _Branch


class _Shared:
    """The transitions machine of one scenario, shared by all its games. Its states are
    all there from the start; the branches out of a phase are added the first time a game
    stands in it (``ready``), and stay.

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
        self.machine = _Machine(
            model=None,
            states=[self.initial],
            initial=self.initial,
            auto_transitions=False,
            ignore_invalid_triggers=False,
            send_event=False,
        )
        # The other states, as ``Machine.add_states`` adds states given by name to a machine
        # with no models and no automatic transitions: each the library's state, made by its
        # ``_create_state``, without re-reading the arguments' other forms for each one.
        make_state, states = self.machine._create_state, self.machine.states
        for name in self.state_id:
            if name not in states:
                states[name] = make_state(name, ignore_invalid_triggers=False)
        # The phases that have choices, and which phases lead into each one: what
        # ``deciding`` needs to tell where a decision can still come.
        self.decided = [p.id for p in scenario.phases.values() if p.choices]
        self.sources: dict[str, set[str]] = {}
        self.deciding: frozenset[str] | None = None
        self.phases = scenario.phases
        self.built: set[str] = set()
        for phase in scenario.phases.values():  # where each branch leads, and from where
            for _, branches in _triggers_from(phase):
                for branch in branches:
                    self.sources.setdefault(branch.target, set()).add(phase.id)

    def ready(self, state: str) -> None:
        """Put the transitions out of ``state`` (the machine's name for a phase) into the
        machine, the first time any game stands there: a game of a large story passes through
        a small part of it, and a branch in the machine costs about a kilobyte."""
        if state in self.built:
            return
        self.built.add(state)
        phase = self.phases.get(self.state_id[state])
        machine, events, names = self.machine, self.machine.events, self.trigger_name
        state_name = self.state_name
        # What ``Machine.add_transition`` does for a trigger and one source and destination
        # given by name, on a machine with no models (nothing to attach the trigger to): the
        # library's event and transition, of the classes the machine names (what its
        # ``_create_event`` and ``_create_transition`` make), without re-reading the
        # arguments' every other form for each of a large story's branches.
        make_event = machine.event_cls
        make_transition: Callable[..., Transition] = machine.transition_cls
        for trigger, branches in _triggers_from(phase) if phase else ():
            if not branches:
                continue
            internal = names.get(trigger)
            if internal is None:
                internal = names[trigger] = f"t{len(names)}"
            event = events.get(internal)
            if event is None:
                event = events[internal] = make_event(internal, machine)
            add = event.add_transition
            for branch in branches:
                when = branch.when
                add(
                    make_transition(
                        state, state_name[branch.target], None if when is None else [when.evaluate]
                    )
                )


_shared = per_scenario(_Shared)  # a large story's machine is tens of thousands of objects


class PhaseMachine:
    """Moves one game through the scenario's phases, on the scenario's shared machine."""

    def __init__(self, scenario: Scenario) -> None:
        self.shared = _shared(scenario)
        self.machine = self.shared.machine
        self.model = PhaseModel(self.shared.initial)
        self.move = _Move(self.machine, self.model)

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
        # The machine's event as it is now (not one kept aside), so that the machine alone
        # says which moves exist.
        shared = self.shared
        if self.model.state not in shared.built:
            shared.ready(self.model.state)
        internal = shared.trigger_name.get(trigger, "")
        event = cast("_Trigger | None", self.machine.events.get(internal))
        if event is None:
            raise PresidiumError(f"the scenario cannot go on from '{self.state}' by '{trigger}'")
        move = self.move
        move.event, move.values = event, values
        try:
            moved = event.fire(move)
        except MachineError as exc:
            raise PresidiumError(
                f"the scenario cannot go on from '{self.state}' by '{trigger}'"
            ) from exc
        if not moved:
            raise PresidiumError(f"no branch of '{trigger}' applies in phase '{self.state}'")
        return shared.state_id[self.model.state]
