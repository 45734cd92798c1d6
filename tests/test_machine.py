"""The transitions adapter: our names and our callables only, and no automatic triggers."""

from __future__ import annotations

import pytest

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
