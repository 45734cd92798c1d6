"""The engine: pure, deterministic, and the same for every seat and front end."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from presidium import events as ev
from presidium.engine import Game, HistoryDice, SeededDice
from presidium.errors import GameOver, IllegalChoice
from presidium.model import Scenario

SRC = Path(__file__).resolve().parent.parent / "src" / "presidium"
PURE_MODULES = [
    "engine.py",
    "machine.py",
    "conditions.py",
    "model.py",
    "events.py",
    "explore.py",
    "template.py",
]


def play(scenario: Scenario, side: str, seed: int, picks: list[int]) -> list[dict[str, object]]:
    """Play choosing the n-th available option at each decision (cycling through picks)."""
    game = Game(scenario, [side], seed=seed)
    out = [e.to_dict() for e in game.start()]
    n = 0
    while not game.over:
        available = [o for o in game.options() if o.available]
        choice = available[picks[n % len(picks)] % len(available)]
        out += [e.to_dict() for e in game.step(choice.id)]
        n += 1
    return out


def test_same_seed_and_choices_give_the_same_game(june_1957: Scenario) -> None:
    for side in ("khrushchev", "molotov"):
        for seed in (0, 1, 99):
            assert play(june_1957, side, seed, [1, 0, 2]) == play(june_1957, side, seed, [1, 0, 2])


def test_seeds_matter(june_1957: Scenario) -> None:
    games = {str(play(june_1957, "khrushchev", seed, [1])) for seed in range(8)}
    assert len(games) > 1


def test_the_engine_imports_neither_rich_nor_yaml() -> None:
    code = (
        "import sys, presidium.engine, presidium.explore; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'yaml')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize("module", PURE_MODULES)
def test_the_engine_has_no_io_clock_or_global_randomness(module: str) -> None:
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("print", "input", "open", "eval", "exec"), (
                module,
                node.lineno,
            )
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            )
            assert not {"time", "datetime", "os", "sys", "rich", "yaml"} & {
                n.split(".")[0] for n in names
            }, (module, names)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "random"
        ):
            assert node.attr == "Random", (module, node.lineno)


def test_an_unknown_choice_is_a_caller_error(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], seed=1)
    game.start()
    with pytest.raises(IllegalChoice, match="'nonsense' is not a choice in phase 'ambush'"):
        game.step("nonsense")
    with pytest.raises(IllegalChoice):
        Game(june_1957, ["stalin"])


class LuckyDice:
    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        return percent > 0, 1


def test_an_unavailable_choice_is_refused_in_fiction_and_changes_nothing(
    june_1957: Scenario,
) -> None:
    game = Game(june_1957, ["khrushchev", "molotov"], dice=LuckyDice())
    game.start()
    game.step("move_against_serov")  # Bulganin removes Serov from the KGB
    game.step("bulganin_in_the_chair")
    game.step("only_the_central_committee")
    game.step("shout_down_the_defenders")
    game.step("mikoyan_insists")
    assert game.pending is not None and game.pending.phase == "first_evening"
    options = {o.id: o for o in game.pending.options}
    assert not options["serov_makes_the_call"].available
    before = game.snapshot()
    events = game.step("serov_makes_the_call")
    assert [type(e) for e in events] == [ev.Refused]
    assert "Serov has been removed" in events[0].reason  # type: ignore[attr-defined]
    assert game.snapshot() == before


def test_the_other_side_is_played_by_the_scenario_script(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], seed=1)
    events = game.start()
    made = [e for e in events if isinstance(e, ev.ChoiceMade)]
    assert [(e.seat, e.by, e.choice) for e in made] == [
        ("molotov", "script", "strike_on_tuesday"),
        ("molotov", "script", "bulganin_in_the_chair"),
    ]
    assert isinstance(events[-1], ev.DecisionNeeded) and events[-1].seat == "khrushchev"


def test_any_seat_can_be_human(june_1957: Scenario) -> None:
    """A classroom seats several humans: here both sides and Marshal Zhukov."""
    game = Game(june_1957, ["khrushchev", "molotov", "zhukov"], dice=HistoryDice())
    game.start()
    seats = []
    while not game.over:
        assert game.pending is not None
        seats.append(game.pending.seat)
        phase = game.phase
        assert phase is not None and phase.history is not None
        game.step(phase.history)
    assert "zhukov" in seats and "molotov" in seats and "khrushchev" in seats
    assert game.ending == "anti_party_group"


def test_the_presidium_vote_counts_only_full_members(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], seed=1)
    game.start()
    events = game.step("only_the_central_committee") + game.step("mikoyan_insists")
    vote = next(e for e in events if isinstance(e, ev.VoteHeld))
    voters = {b.voter for b in vote.ballots}
    assert len(voters) == 11
    assert {"shepilov", "zhukov", "brezhnev"}.isdisjoint(voters)
    assert (vote.votes_for, vote.votes_against, vote.abstentions, vote.passed) == (7, 4, 0, True)
    assert all(b.reason for b in vote.ballots)
    # a solo game's votes are the rules' alone: nobody's own ballot, and the same JSON as ever
    assert vote.own == () and "own" not in vote.to_dict()


def test_odds_are_shown_and_numbers_stay_in_range(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], seed=1)
    game.start()
    assert {o.id: o.percent for o in game.options()}["hit_back"] == 50
    game.values["cc_lean"] = 15
    game._apply(
        [
            e
            for p in june_1957.phases.values()
            for c in p.choices
            for o in c.outcomes()
            for e in o.effects
            if e.source == "cc_lean -= 20"
        ][:1]
    )
    assert game.values["cc_lean"] == 0  # the declared minimum


def test_snapshot_and_restore_replay_identically(june_1957: Scenario) -> None:
    game = Game(june_1957, ["molotov"], seed=4)
    game.start()
    snap = game.snapshot()
    first_events = [e.to_dict() for e in game.step("strike_on_tuesday")]
    game.restore(snap)
    assert [e.to_dict() for e in game.step("strike_on_tuesday")] == first_events


def test_a_finished_game_cannot_be_stepped(example: Scenario) -> None:
    game = Game(example, ["molotov"], seed=1)
    game.start()
    game.step("refuse")
    assert game.over and game.ending == "plenum_called"
    with pytest.raises(GameOver):
        game.step("refuse")


def test_events_serialise_to_json(june_1957: Scenario) -> None:
    import json

    for event in play(june_1957, "molotov", 3, [2, 1]):
        assert json.loads(json.dumps(event)) == event
        assert isinstance(event["type"], str)


def test_every_scene_is_recorded_in_order_decided_or_not(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], dice=HistoryDice())
    shown = [e.phase for e in game.start() if isinstance(e, ev.PhaseStarted)]
    while not game.over:
        assert game.phase is not None and game.phase.history is not None
        shown += [e.phase for e in game.step(game.phase.history) if isinstance(e, ev.PhaseStarted)]
    assert game.scenes == shown
    # The scenes where nobody decides are there too, among them the contested vote and arrivals.
    assert {"presidium_count", "arrivals_19_june", "epilogue"} <= set(game.scenes)
    decided = [entry.phase for entry in game.trail]
    assert [p for p in game.scenes if p in decided] == decided


def test_the_scenes_since_the_last_decision_survive_undo(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], seed=1)
    game.start()
    opening = ("background", "the_plot", "plot_chair", "ambush")
    assert game.scenes_since_decision() == opening
    before = game.snapshot()
    game.step("only_the_central_committee")
    game.step("mikoyan_insists")
    # "Seven against four?" has no decision: it must not vanish behind the next scene.
    assert game.scenes_since_decision() == ("presidium_count", "first_evening")
    game.restore(before)
    assert game.scenes == list(opening)
    assert game.scenes_since_decision() == opening


def test_each_scene_says_whether_the_player_decides_there(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], dice=HistoryDice())
    events = game.start()
    while not game.over:
        assert game.phase is not None and game.phase.history is not None
        events += game.step(game.phase.history)
    decision = {e.phase: e.decision for e in events if isinstance(e, ev.PhaseStarted)}
    assert decision["ambush"] == "here"  # Khrushchev's own decision
    assert decision["the_plot"] == "later"  # the majority's, played by the script
    assert decision["presidium_count"] == "later"  # nobody's
    assert decision["exiles"] == "none"  # after Khrushchev's last decision
    assert decision["epilogue"] == "none"


def test_status_says_when_no_decision_can_follow(june_1957: Scenario) -> None:
    game = Game(june_1957, ["molotov"], dice=HistoryDice())
    events = game.start()
    while not game.over:
        assert game.phase is not None and game.phase.history is not None
        events += game.step(game.phase.history)
    phase = ""
    aftermath = {}
    for event in events:
        if isinstance(event, ev.PhaseStarted):
            phase = event.phase
        elif isinstance(event, ev.Status):
            aftermath[phase] = event.aftermath
    assert not aftermath["plenum_vote"]  # a decision (the new Presidium) is still to come
    assert aftermath["exiles"] and aftermath["epilogue"]  # after the last decision, new_presidium


def test_the_shared_machine_knows_every_way_into_each_phase(
    june_1957: Scenario, october_1964: Scenario
) -> None:
    """Which phases lead into which (what ``deciding`` follows back from each decision) is
    read off the model without naming triggers: the same pairs as every edge of the story."""
    from presidium.machine import _Shared, transitions_of

    for scenario in (june_1957, october_1964):
        expected: dict[str, set[str]] = {}
        for _, source, dest, _ in transitions_of(scenario):
            expected.setdefault(dest, set()).add(source)
        assert _Shared(scenario).sources == expected
        assert any(len(sources) > 1 for sources in expected.values())


def test_the_dice_state_kept_for_a_snapshot_is_the_state_after_the_last_roll() -> None:
    """A snapshot reads the dice's state at every action (it is kept until a number is
    drawn): what it reads after a roll, or after a state is put back, is the state then."""
    dice = SeededDice(11)
    start = dice.getstate()
    assert dice.getstate() == start  # nothing drawn: the same state
    first = [dice.roll(50, "a")[1] for _ in range(3)]
    after = dice.getstate()
    assert after != start
    later = [dice.pick((30, 70), "b")[1] for _ in range(3)]
    dice.setstate(after)
    assert dice.getstate() == after
    assert [dice.pick((30, 70), "b")[1] for _ in range(3)] == later
    dice.setstate(start)
    assert [dice.roll(50, "a")[1] for _ in range(3)] == first
    assert dice.getstate() == after
