"""Chances of more than two outcomes: the format, the dice, what the player sees, the
debrief, the explorer and best play; and two-way chances exactly as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import compile_yaml, errors
from conftest import run_cli as run
from presidium.bestplay import best_play
from presidium.engine import Game, SeededDice, pick_by
from presidium.events import ChanceRolled, DecisionNeeded
from presidium.explore import explore
from presidium.tools.graph import edges

GAME = """\
format: 1
id: three
title: Three ways
summary: A chance with three outcomes.
start: a
sources: {}
sides:
  me: {name: Me, leader: me, goal: Win.}
actors:
  me: {name: Me, office: Player, rank: official}
variables:
  pull: {label: Pull, type: number, min: 0, max: 100, initial: 50}
phases:
  a:
    title: A
    counterfactual: true
    text: Start.
    by: me
    history: phone
    choices:
      - id: phone
        label: Phone the marshal
        chance:
          outcomes:
            - percent: pull
              label: He comes
              text: He comes at once.
              next: win
            - percent: 30
              label: He waits
              effects: ["pull += 10"]
              next: wait
            - label: He refuses
              text: He will not come.
              next: lose
      - {id: stay, label: Stay home, next: lose}
  wait:
    title: Wait
    counterfactual: true
    text: "Waiting; pull is {pull}."
    by: me
    choices:
      - {id: give_up, label: Give up, next: lose}
endings:
  win: {title: Win, kind: counterfactual, text: Won., winner: me}
  lose: {title: Lose, kind: counterfactual, text: Lost.}
"""


def outcome_line(needle: str) -> int:
    return next(n for n, line in enumerate(GAME.splitlines(), 1) if needle in line)


def test_a_chance_of_three_outcomes_compiles_with_its_labels_and_odds() -> None:
    scenario, found = compile_yaml(GAME)
    assert scenario is not None, [d.message for d in found]
    choice = scenario.phases["a"].choices[0]
    assert choice.chance is not None
    assert [o.label for o in choice.chance.outcomes] == ["He comes", "He waits", "He refuses"]
    assert [o.percent.source if o.percent else None for o in choice.chance.outcomes] == [
        "pull",
        "30",
        None,
    ]
    assert len(choice.outcomes()) == 3


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "            - label: He refuses\n",
            "            - label: He refuses\n              percent: 20\n",
            "percent: 20",
            "the last outcome takes what the others leave: remove its 'percent'",
        ),
        (
            "            - percent: 30\n              label: He waits\n",
            "            - label: He waits\n",
            "- label: He waits",
            "outcome 2 of 3 needs 'percent': only the last outcome goes without",
        ),
        (
            "            - percent: pull\n",
            "            - percent: 80\n",
            "- percent: 80",
            "the outcomes' fixed percents add up to 110%, leaving nothing for the last",
        ),
        (
            "            - percent: 30\n",
            "            - percent: 0\n",
            "percent: 0",
            "an outcome of 0% is no chance",
        ),
        (
            "          outcomes:\n",
            "          percent: 40\n          outcomes:\n",
            "percent: 40",
            "a chance with 'outcomes' gives each outcome its own 'percent' and 'next'; "
            "remove 'percent'",
        ),
    ],
)
def test_each_mistake_in_a_many_outcome_chance_is_reported_where_it_is(
    old: str, new: str, needle: str, message: str
) -> None:
    assert old in GAME
    text = GAME.replace(old, new, 1)
    found = errors(text)
    line = next(n for n, x in enumerate(text.splitlines(), 1) if needle in x)
    assert [f for f in found if f.startswith(f"{line}:") and message in f], found
    assert len(found) == 1, found


def test_a_chance_of_one_outcome_is_no_chance() -> None:
    text = GAME.replace(
        GAME[GAME.index("            - percent: pull") : GAME.index("      - {id: stay")],
        "            - {label: Only, next: win}\n",
    )
    assert any("a chance needs two outcomes or more" in f for f in errors(text))


def test_a_two_way_chance_missing_an_outcome_says_what_it_needs() -> None:
    text = GAME.replace(
        GAME[GAME.index("          outcomes:") : GAME.index("      - {id: stay")],
        "          percent: 40\n          success: {next: win}\n",
    )
    found = errors(text)
    assert len(found) == 1 and "'chance' needs 'failure' (or 'outcomes'" in found[0], found


def test_two_outcomes_fall_exactly_as_a_two_way_roll() -> None:
    """Saves and replays of two-way chances stay valid: pick draws the same one number."""
    for seed in range(200):
        percent = seed % 101
        a, b = SeededDice(seed), SeededDice(seed)
        for _ in range(5):
            success, number = a.roll(percent, "x")
            index, same = b.pick((percent, 100 - percent), "x")
            assert (index == 0, same) == (success, number)
    assert [pick_by((50, 30, 20), n) for n in (1, 50, 51, 80, 81, 100)] == [0, 0, 1, 1, 2, 2]
    assert pick_by((0, 100), 1) == 1


def test_the_player_sees_every_outcome_s_odds_and_then_which_came() -> None:
    scenario, _ = compile_yaml(GAME)
    assert scenario is not None
    seen: dict[str, int] = {}
    for seed in range(400):
        game = Game(scenario, ["me"], seed=seed)
        decision = next(e for e in game.start() if isinstance(e, DecisionNeeded))
        phone = decision.options[0]
        assert phone.odds == (("He comes", 50), ("He waits", 30), ("He refuses", 20))
        assert phone.percent is None
        rolled = next(e for e in game.step("phone") if isinstance(e, ChanceRolled))
        assert rolled.outcome is not None and dict(rolled.odds)[rolled.outcome] == rolled.percent
        assert rolled.success == (rolled.outcome == "He comes")
        entry = game.trail[-1]
        assert entry.outcome == rolled.outcome and entry.diverged == (not rolled.success)
        seen[rolled.outcome] = seen.get(rolled.outcome, 0) + 1
    assert 160 <= seen["He comes"] <= 240 and 50 <= seen["He refuses"] <= 110, seen


def test_odds_from_expressions_never_add_up_past_100() -> None:
    scenario, _ = compile_yaml(GAME.replace("initial: 50", "initial: 90"))
    assert scenario is not None
    game = Game(scenario, ["me"], seed=1)
    decision = next(e for e in game.start() if isinstance(e, DecisionNeeded))
    assert decision.options[0].odds == (("He comes", 90), ("He waits", 10), ("He refuses", 0))


def test_the_terminal_shows_the_odds_and_the_roll(tmp_path: Path) -> None:
    path = tmp_path / "three.yaml"
    path.write_text(GAME, encoding="utf-8")
    code, out, _ = run(["play", str(path), "--plain", "--width", "80", "--seed", "3"], "1\n1\n")
    assert code == 0, out
    assert "1. Phone the marshal (chances: He comes 50%, He waits 30%, He refuses 20%)" in out
    rolled = [x for x in out.splitlines() if x.startswith("Chance: rolled ")]
    assert len(rolled) == 1
    assert any(f": {o} (" in rolled[0] for o in ("He comes", "He waits", "He refuses")), rolled


def test_json_keeps_two_way_chances_as_they_were_and_adds_odds_for_more() -> None:
    scenario, _ = compile_yaml(GAME)
    assert scenario is not None
    game = Game(scenario, ["me"], seed=1)
    decision = next(e for e in game.start() if isinstance(e, DecisionNeeded)).to_dict()
    assert "odds" not in decision["options"][1]
    assert decision["options"][0]["odds"] == [
        ["He comes", 50],
        ["He waits", 30],
        ["He refuses", 20],
    ]
    drawn = next(e for e in game.step("phone") if isinstance(e, ChanceRolled)).to_dict()
    assert set(drawn) == {"type", "choice", "percent", "roll", "success", "outcome", "odds"}
    two_way = ChanceRolled("c", 40, 12, True).to_dict()
    assert json.dumps(two_way) == (
        '{"type": "chance", "choice": "c", "percent": 40, "roll": 12, "success": true}'
    )


def test_the_debrief_names_the_outcome_and_why_history_was_left(tmp_path: Path) -> None:
    from presidium.debrief import build

    scenario, _ = compile_yaml(GAME)
    assert scenario is not None
    for seed in range(50):
        game = Game(scenario, ["me"], seed=seed)
        game.start()
        game.step("phone")
        if game.trail[-1].outcome == "He refuses":
            break
    step = build(scenario, game, "me").steps[0]
    assert step.chance == "20% chance: He refuses"
    assert step.why == (
        "the same choice as history, but the dice gave 'He refuses' (20% chance), "
        "not the historical outcome"
    )


def test_the_explorer_and_best_play_weigh_each_outcome() -> None:
    scenario, _ = compile_yaml(GAME)
    assert scenario is not None
    run_ = explore(scenario, "me")
    phone = sorted(
        (e.ending or (e.target[0] if e.target else ""), e.probability)
        for e in run_.edges
        if e.action == "phone"
    )
    assert phone == [("lose", 0.2), ("wait", pytest.approx(0.3)), ("win", 0.5)]
    play = best_play(scenario, run_)
    assert play.victory is not None
    assert play.victory.best == pytest.approx(0.5) and play.victory.random == pytest.approx(0.25)


def test_the_map_draws_one_arrow_per_outcome_and_the_history_takes_the_first() -> None:
    scenario, _ = compile_yaml(GAME)
    assert scenario is not None
    phone = [e for e in edges(scenario) if e.choice == "phone"]
    assert [(e.target, e.historical) for e in phone] == [
        ("win", True),
        ("wait", False),
        ("lose", False),
    ]
    assert "He comes pull" in phone[0].label and "He refuses (the rest)" in phone[2].label


def test_a_game_with_many_outcome_chances_replays_the_same() -> None:
    """The same seed and choices give the same game, event for event (saves rely on it)."""
    scenario, _ = compile_yaml(GAME)
    assert scenario is not None
    for seed in range(20):
        runs = []
        for _ in range(2):
            game = Game(scenario, ["me"], seed=seed)
            events = [e.to_dict() for e in game.start()]
            while not game.over:
                available = [o.id for o in game.options() if o.available]
                events += [e.to_dict() for e in game.step(available[0])]
            runs.append(events)
        assert runs[0] == runs[1]
