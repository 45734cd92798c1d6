"""Exhaustive exploration of a scenario from one side: every choice, every chance outcome.

Unlike a checker that follows labels only, the explorer plays the real engine and remembers
states by phase *and* variable values, so a branch that the variables make impossible is
never counted as reachable. It is the basis of ``presidium check`` and of the tests' golden
reachability counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from presidium.engine import Game, Snapshot
from presidium.errors import PresidiumError
from presidium.events import PhaseStarted
from presidium.model import Scenario


class StateBudgetExceeded(PresidiumError):
    """More distinct states than the caller allowed."""


class _NeedRoll(Exception):
    def __init__(self, percent: int) -> None:
        super().__init__(percent)
        self.percent = percent


class _ForcedDice:
    """Dice that answer from a queue and ask the explorer when the queue is empty."""

    def __init__(self) -> None:
        self.queue: list[bool] = []

    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        if not self.queue:
            raise _NeedRoll(percent)
        success = self.queue.pop(0)
        return success, (1 if success else 100)


@dataclass
class Exploration:
    side: str
    endings: Counter[str] = field(default_factory=Counter)  # ending -> paths reaching it (memoised)
    phases: set[str] = field(default_factory=set)
    choices: set[tuple[str, str]] = field(default_factory=set)  # (phase, choice) taken
    states: int = 0
    dead_ends: list[str] = field(default_factory=list)


def explore(scenario: Scenario, side: str, max_states: int = 200_000) -> Exploration:
    """Play every path open to ``side`` (the other seats follow the scenario's script)."""
    dice = _ForcedDice()
    game = Game(scenario, [side], dice=dice)
    result = Exploration(side)
    seen: set[object] = set()

    def outcomes(percent: int) -> list[bool]:
        if percent >= 100:
            return [True]
        if percent <= 0:
            return [False]
        return [True, False]

    def visit(snap: Snapshot, action: str | None, rolls: list[bool]) -> None:
        game.restore(snap)
        dice.queue = list(rolls)
        before = len(game.trail)
        try:
            events = game.start() if action is None else game.step(action)
        except _NeedRoll as need:
            for outcome in outcomes(need.percent):
                visit(snap, action, [*rolls, outcome])
            return
        except PresidiumError as exc:
            result.dead_ends.append(str(exc))
            return
        for entry in game.trail[before:]:
            result.choices.add((entry.phase, entry.choice))
        result.phases.update(e.phase for e in events if isinstance(e, PhaseStarted))
        if game.over:
            assert game.ending is not None
            result.endings[game.ending] += 1
            return
        key = game.state_key()
        if key in seen:
            return
        seen.add(key)
        result.states += 1
        if result.states > max_states:
            raise StateBudgetExceeded(f"more than {max_states:,} states; raise --max-states")
        here = game.snapshot()
        for option in game.options():
            if option.available:
                visit(here, option.id, [])

    visit(game.snapshot(), None, [])
    return result
