"""The transitions adapter: our names and our callables only, and no automatic triggers."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from transitions import Transition
from transitions.core import Event, EventData

from presidium.engine import Game
from presidium.errors import PresidiumError
from presidium.machine import PhaseMachine, transitions_of, trigger_name
from presidium.model import Scenario


def test_no_scenario_string_reaches_transitions(june_1957: Scenario) -> None:
    machine = PhaseMachine(june_1957)
    internal_states = set(machine.machine.states)
    assert internal_states == {
        f"s{n}" for n in range(len(june_1957.phases) + len(june_1957.endings))
    }
    assert set(machine.machine.events) == set(machine.trigger_name.values())
    for event in machine.machine.events.values():
        for transitions in event.transitions.values():
            for transition in transitions:
                assert all(callable(c.func) for c in transition.conditions)


def test_automatic_to_state_triggers_are_off(june_1957: Scenario) -> None:
    machine = PhaseMachine(june_1957)
    assert not any(name.startswith("to_") for name in machine.machine.events)


def test_edges_follow_the_scenario(june_1957: Scenario) -> None:
    edges = transitions_of(june_1957)
    assert (trigger_name("sverdlov_hall", "go_quietly"), "sverdlov_hall", "quiet_exit") in {
        e[:3] for e in edges
    }
    assert (trigger_name("the_plot", "sound_out_zhukov", "failure"), "the_plot", "plot_chair") in {
        e[:3] for e in edges
    }
    assert {e[1] for e in edges} == set(june_1957.phases)


def test_conditional_branches_take_the_first_that_holds(june_1957: Scenario) -> None:
    machine = PhaseMachine(june_1957)
    values = dict(june_1957.initial_values())
    machine.set_state("presidium_gives_way")
    values["cc_in_moscow"] = 10
    assert machine.fire(trigger_name("presidium_gives_way"), values) == "friday_vote"
    machine.set_state("presidium_gives_way")
    values["cc_in_moscow"] = 86
    assert machine.fire(trigger_name("presidium_gives_way"), values) == "forced_plenum"


def test_an_unknown_trigger_is_our_error_not_a_machine_error(june_1957: Scenario) -> None:
    machine = PhaseMachine(june_1957)
    with pytest.raises(PresidiumError, match="cannot go on from 'background' by 'nowhere'"):
        machine.fire("nowhere", {})
    with pytest.raises(PresidiumError, match="cannot go on from 'background'"):
        machine.fire(trigger_name("ambush", "hit_back", "success"), {})


def _branches(machine: PhaseMachine, trigger: str, source: str) -> list[Transition]:
    """The ``transitions`` objects of one trigger from one phase, in the author's order."""
    machine.shared.ready(machine.shared.state_name[source])
    event = machine.machine.events[machine.trigger_name[trigger]]
    return list(event.transitions[machine.shared.state_name[source]])


def test_the_machine_s_transition_decides_where_a_choice_leads(
    june_1957: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = Game(june_1957, ["khrushchev"], seed=1)
    game.start()
    trigger = trigger_name("ambush", "play_for_time")
    (branch,) = _branches(game.machine, trigger, "ambush")
    assert isinstance(branch, Transition)
    # Point the machine's own transition at an ending: the game follows it there.
    monkeypatch.setattr(branch, "dest", game.machine.shared.state_name["harsh_verdict"])
    game.step("play_for_time")
    assert game.ending == "harsh_verdict"


def test_a_branch_whose_machine_condition_says_no_is_not_taken(
    june_1957: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine = PhaseMachine(june_1957)
    values = dict(june_1957.initial_values(), cc_in_moscow=86)
    trigger = trigger_name("presidium_gives_way")
    forced, friday = _branches(machine, trigger, "presidium_gives_way")
    machine.set_state("presidium_gives_way")
    assert machine.fire(trigger, values) == "forced_plenum"
    # The same values, but the machine's first branch now has a condition of its own that
    # refuses: the machine takes the next branch.
    refuse = type(forced).condition_cls(lambda values: False)
    monkeypatch.setattr(forced, "conditions", [*forced.conditions, refuse])
    machine.set_state("presidium_gives_way")
    assert machine.fire(trigger, values) == "friday_vote"
    # No branch holds: the move is refused, and the game stays where it was.
    monkeypatch.setattr(friday, "conditions", [refuse])
    machine.set_state("presidium_gives_way")
    with pytest.raises(PresidiumError, match="no branch of 'presidium_gives_way__next' applies"):
        machine.fire(trigger, values)
    assert machine.state == "presidium_gives_way"


def test_a_condition_the_machine_would_look_up_by_name_is_refused(june_1957: Scenario) -> None:
    machine = PhaseMachine(june_1957).machine
    with pytest.raises(TypeError, match="compiled expression"):
        machine.add_transition("t_new", "s0", "s1", conditions=["os.system"])


def test_every_move_of_a_game_is_chosen_by_the_library_s_event(
    june_1957: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each move goes through transitions' own ``Event._process`` (its loop over the
    transitions from the current state), and the branch it settles on is the one taken."""
    chosen: list[tuple[str, str]] = []
    process = Event._process

    def spy(event: Event, event_data: EventData) -> None:
        process(event, event_data)
        assert event_data.result and event_data.transition is not None
        chosen.append((event_data.transition.source, event_data.transition.dest))

    monkeypatch.setattr(Event, "_process", spy)
    game = Game(june_1957, ["khrushchev"], seed=3)
    names = game.machine.shared.state_name
    game.start()
    while not game.over:
        game.step(next(o.id for o in game.options() if o.available))
    passed = [names[p] for p in game.scenes] + [names[game.ending or ""]]
    assert chosen == list(itertools.pairwise(passed))


def test_a_transition_removed_from_the_machine_can_no_longer_be_taken(
    june_1957: Scenario,
) -> None:
    scenario = dataclasses.replace(june_1957)  # a machine of its own, to change
    game = Game(scenario, ["khrushchev"], seed=1)
    game.start()
    shared = game.machine.shared
    shared.ready(shared.state_name["ambush"])
    internal = shared.trigger_name[trigger_name("ambush", "play_for_time")]
    shared.machine.remove_transition(
        internal, shared.state_name["ambush"], shared.state_name["ambush_reply"]
    )
    with pytest.raises(
        PresidiumError, match="cannot go on from 'ambush' by 'ambush__play_for_time'"
    ):
        game.step("play_for_time")


def test_building_a_large_machine_runs_no_garbage_collection() -> None:
    """The build makes tens of thousands of objects and no cycles; each collection would
    rescan all of them, so a build under the collector grows faster than the story."""
    import gc
    import sys
    from pathlib import Path

    from conftest import compile_yaml

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import syn

    scenario, _ = compile_yaml(syn.build(400), "syn-400.yaml")
    assert scenario is not None
    collections: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(phase)

    gc.collect()
    gc.callbacks.append(seen)
    try:
        PhaseMachine(scenario)
    finally:
        gc.callbacks.remove(seen)
    # One young collection may run as the collector comes back on, after the build.
    assert len(collections) <= 1, collections
    assert gc.isenabled()


def test_the_machine_holds_the_branches_of_the_phases_games_reached(june_1957: Scenario) -> None:
    """A phase's branches go into the machine when a game first stands there, so a game of a
    large story does not pay for the whole story's machine."""
    scenario = dataclasses.replace(june_1957)  # a machine of its own
    game = Game(scenario, ["khrushchev"], seed=2)
    game.start()
    while not game.over:
        game.step(next(o.id for o in game.options() if o.available))
    shared = game.machine.shared
    held = {
        source
        for event in shared.machine.events.values()
        for source, branches in event.transitions.items()
        if branches
    }
    reached = {shared.state_name[p] for p in game.scenes}
    assert held <= reached
    left = {shared.state_name[p] for p in scenario.phases} - reached
    assert left, "the game should leave some of june_1957's phases unvisited"
    # Where the game left off, the machine can still be asked: the branches come in then.
    machine = PhaseMachine(scenario)
    elsewhere = next(p for p in scenario.phases if shared.state_name[p] in left)
    machine.set_state(elsewhere)
    shared.ready(shared.state_name[elsewhere])
    assert any(
        shared.state_name[elsewhere] in e.transitions for e in shared.machine.events.values()
    )
