"""The explorer does no more work than a check needs, and finds exactly what it found before.

Exploring plays every edge of a story through the real engine; these tests pin down the work
it now leaves out (putting text together that nobody reads, trying again a text the engine
has already shown) and that what a game says and records is the same either way.
"""

from __future__ import annotations

import gc
import random
from typing import Any

import pytest

from presidium import explore as explore_module
from presidium.conditions import INT
from presidium.engine import Game
from presidium.events import Event, GameEnded, Narration, PhaseStarted
from presidium.explore import _Intervals, explore
from presidium.model import Scenario


def random_game(scenario: Scenario, side: str, seed: int, quiet: bool = False) -> Game:
    """A seeded game of ``side`` with seeded random choices, traced as the explorer traces."""
    game = Game(scenario, [side], seed=seed)
    game.quiet = quiet
    game.trace = []
    pick = random.Random(seed)
    game.start()
    while not game.over:
        available = [o.id for o in game.options() if o.available]
        game.step(available[int(pick.random() * len(available))])
    return game


def where_it_went(game: Game) -> tuple[Any, ...]:
    """Everything the explorer reads of a game: its trace, the choices taken, its values and
    ending. A telling game keeps the choices in its trail; a quiet one, in its trace alone."""
    traced = [
        (kind, getattr(item, "id", item), concrete) for kind, item, concrete, _ in game.trace or ()
    ]
    trace = [entry for entry in traced if entry[0] != "choice"]
    if game.quiet:
        assert game.trail == []
        taken = [(phase, choice) for kind, phase, choice in traced if kind == "choice"]
    else:
        assert len(trace) == len(traced)
        taken = [(entry.phase, entry.choice) for entry in game.trail]
    assert taken
    return (trace, taken, sorted(game.values.items()), game.ending, game.scenes)


@pytest.mark.parametrize("seed", range(6))
def test_a_quiet_game_goes_exactly_where_a_telling_one_goes(june_1957: Scenario, seed: int) -> None:
    for side in june_1957.sides:
        told = random_game(june_1957, side, seed)
        quiet = random_game(june_1957, side, seed, quiet=True)
        assert where_it_went(quiet) == where_it_went(told)


def test_a_quiet_game_puts_no_text_together_but_decides_every_condition(
    june_1957: Scenario,
) -> None:
    side = next(iter(june_1957.sides))
    game = Game(june_1957, [side], seed=3)
    game.quiet = True
    game.trace = []
    events: list[Event] = game.start()
    while not game.over:
        available = [o.id for o in game.options() if o.available]
        events += game.step(available[0])
    texts = [e.text for e in events if isinstance(e, PhaseStarted | Narration | GameEnded)]
    assert texts and not any(texts)
    assert any(kind == "text" for kind, *_ in game.trace)


def test_text_the_engine_showed_is_reachable_without_following_values(
    june_1957: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conditional text a game the explorer played has shown is marked as the game shows
    it; following the text variables' values is needed only for the others."""
    full = explore(june_1957, next(iter(june_1957.sides)))
    monkeypatch.setattr(explore_module, "_propagate_text", lambda *args: None)
    played = explore(june_1957, next(iter(june_1957.sides)))
    assert played.texts  # found by the engine itself, nothing carried along the edges
    assert played.texts <= full.texts


def test_moving_intervals_within_bounds_is_the_same_as_merging_them(
    june_1957: Scenario,
) -> None:
    name = next(
        n
        for n, v in june_1957.variables.items()
        if v.type.kind == INT
        and v.type.minimum is not None
        and v.type.maximum is not None
        and v.type.maximum - v.type.minimum >= 12
    )
    domain = _Intervals(june_1957, name)
    low, top = domain.lo, domain.hi
    spans = ((low + 1, low + 2), (low + 5, low + 7))
    assert domain.apply(spans, "+=", 3) == ((low + 4, low + 5), (low + 8, low + 10))
    assert domain.apply(spans, "-=", 1) == ((low, low + 1), (low + 4, low + 6))
    assert domain.apply(spans, "-=", 3) == ((low, low), (low + 2, low + 4))  # held at the bound
    assert domain.apply(((top - 3, top - 2), (top - 1, top)), "+=", 2) == ((top - 1, top),)
    assert domain.union(None, ((1, 1),)) == (((1, 1),), True)
    assert domain.union(((1, 1),), ((1, 1),)) == (((1, 1),), False)
    assert domain.union(((1, 1),), ((2, 3),)) == (((1, 3),), True)


def test_which_variables_decide_the_story_is_worked_out_once_for_every_side(
    june_1957: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presidium.model import per_scenario

    worked_out: list[str] = []

    def counted(scenario: Scenario) -> Any:
        worked_out.append(scenario.id)
        return explore_module.relevance(scenario)

    monkeypatch.setattr(explore_module, "_relevance", per_scenario(counted))
    runs = [explore(june_1957, side) for side in june_1957.sides]
    assert len(runs) == 2 and worked_out == [june_1957.id]
    assert runs[0].relevance == explore_module.relevance(june_1957)


def test_exploring_in_a_process_of_its_own_leaves_the_collector_out(
    june_1957: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the ``presidium`` program, nothing an exploration builds is scanned by the collector,
    then or later (its edges are frozen, as a loaded scenario is); inside another program the
    collector runs as it always does."""
    from presidium import launch

    side = next(iter(june_1957.sides))
    passes: list[str] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(phase)

    gc.collect()
    gc.callbacks.append(counted)
    try:
        explore(june_1957, side)  # as a library: the collector runs as the work goes on
        assert passes
        passes.clear()
        monkeypatch.setattr(launch, "owns_process", True)
        frozen = gc.get_freeze_count()
        run = explore(june_1957, side)
        assert not passes
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen + len(run.edges)
    finally:
        gc.callbacks.remove(counted)
        gc.unfreeze()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (((1, 3),), ((5, 9),)),
        (((5, 9),), ((1, 3),)),
        (((1, 3),), ((4, 9),)),
        (((4, 9),), ((1, 3),)),
        (((1, 9),), ((2, 3),)),
        (((2, 3),), ((1, 9),)),
        (((1, 3),), ((1, 5),)),
        (((1, 5),), ((1, 3),)),
        (((-5, -5),), ((-4, -4),)),
        (((1, 3), (7, 8)), ((4, 5),)),
    ],
)
def test_two_sets_of_values_join_as_merging_their_intervals_would(
    june_1957: Scenario, old: tuple[tuple[int, int], ...], new: tuple[tuple[int, int], ...]
) -> None:
    name = next(n for n, v in june_1957.variables.items() if v.type.kind == INT)
    domain = _Intervals(june_1957, name)
    merged, grew = domain.union(old, new)
    assert merged == explore_module._merge([*old, *new])
    assert grew == (merged != old)


def test_an_exploration_leaves_no_cycles_that_grow_with_the_story(june_1957: Scenario) -> None:
    """What makes pausing the collector safe: the few objects an exploration leaves in
    cycles (its game and dice) do not grow with the states and edges it explores."""
    side = next(iter(june_1957.sides))
    explore(june_1957, side)  # templates and other things compiled once, first
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        run = explore(june_1957, side)
        left = gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    assert len(run.edges) > 4000
    assert left < 100
