"""What to type to play a real scenario a given way, read from the game's own offered options.

Tests that drive the command line type option numbers and then look at the choice ids a save
records. Working both out with the real engine, instead of writing them down, keeps those tests
about saving and leaving, not about the story: an edit to the scenario's content changes what
is typed and recorded, never what the tests check.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from conftest import SCENARIO_1957
from presidium.compiler import load_scenario
from presidium.engine import Game
from presidium.events import Option
from presidium.model import Phase, Scenario


@functools.cache
def scenario(path: Path = SCENARIO_1957) -> Scenario:
    loaded, _ = load_scenario(path, path.name)
    return loaded


@dataclass(frozen=True)
class Taken:
    """One decision of the player's: the scene it was taken in, and the option as offered."""

    phase: Phase
    option: Option


@dataclass
class Played:
    """The decisions taken, and the game just after the last of them (over, or at the next)."""

    taken: list[Taken]
    game: Game

    @property
    def ids(self) -> list[str]:
        """The choices as a save records them."""
        return [t.option.id for t in self.taken]

    @property
    def numbers(self) -> list[int]:
        """The option numbers typed."""
        return [t.option.number for t in self.taken]

    @property
    def typed(self) -> str:
        """What a player types to take these decisions, one line each."""
        return "".join(f"{t.option.number}\n" for t in self.taken)

    @property
    def offered(self) -> list[Option]:
        """The options available at the decision the game has reached."""
        return [o for o in self.game.options() if o.available]


def first_available(phase: Phase, options: Sequence[Option]) -> Option:
    """The first option that can be taken and does not give the game up (that asks to confirm)."""
    conceding = {c.id for c in phase.choices if c.concedes}
    usable = [o for o in options if o.available and o.id not in conceding]
    assert usable, f"nothing to choose in {phase.id}"
    return usable[0]


def play(
    side: str,
    seed: int,
    numbers: Sequence[int] = (),
    decisions: int | None = None,
    path: Path = SCENARIO_1957,
) -> Played:
    """Play ``side`` as ``presidium play --seed SEED`` does: type ``numbers`` at the first
    decisions, then the first available option, until ``decisions`` are taken (by default as
    many as ``numbers``; with neither given, to the end of the game).
    """
    if decisions is None and numbers:
        decisions = len(numbers)
    game = Game(scenario(path), [side], seed=seed)
    game.start()
    taken: list[Taken] = []
    while not game.over and (decisions is None or len(taken) < decisions):
        phase = game.phase
        assert phase is not None
        options = game.options()
        if len(taken) < len(numbers):
            (option,) = [o for o in options if o.number == numbers[len(taken)]]
            assert option.available, f"option {option.number} is not open in {phase.id}"
        else:
            option = first_available(phase, options)
        taken.append(Taken(phase, option))
        game.step(option.id)
    assert decisions is None or len(taken) == decisions, "the game ended too soon"
    return Played(taken, game)
