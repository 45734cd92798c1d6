"""Best play: the exact odds of each ending under the best strategy and under random play,
the explorer's edges they are computed from, and the bounds authors state in ``expect``."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import compile_yaml, errors
from conftest import run_cli as run
from presidium.bestplay import VICTORY, best_play
from presidium.compiler import load_scenario
from presidium.engine import Game
from presidium.explore import explore

ROOT = Path(__file__).resolve().parent.parent

GAME = """\
format: 1
id: odds
title: Odds
summary: A small game whose odds can be worked out by hand.
start: a
sources: {}
sides:
  me: {name: Me, leader: me, goal: Win.}
  them: {name: Them, leader: them, goal: Stop me.}
actors:
  me: {name: Me, office: Player, rank: official}
  them: {name: Them, office: Opponent, rank: official}
phases:
  a:
    title: A
    counterfactual: true
    text: Start.
    by: me
    choices:
      - id: safe
        label: Play safe
        chance:
          percent: 50
          success: {next: win}
          failure: {next: lose}
      - {id: gamble, label: Gamble, next: b}
  b:
    title: B
    counterfactual: true
    text: They answer.
    by: them
    history: soft
    script:
      - {choose: hard, percent: 60}
    choices:
      - {id: soft, label: Give way, next: win}
      - {id: hard, label: Stand firm, next: c}
  c:
    title: C
    counterfactual: true
    text: Last throw.
    by: me
    choices:
      - id: x
        label: Try x
        chance:
          percent: 30
          success: {next: win}
          failure: {next: lose}
      - {id: y, label: Settle, next: draw}
endings:
  win: {title: Win, kind: counterfactual, text: Won., winner: me}
  lose: {title: Lose, kind: counterfactual, text: Lost., winner: them}
  draw: {title: Draw, kind: counterfactual, text: Drawn.}
"""


def test_best_and_random_odds_are_the_ones_worked_out_by_hand() -> None:
    """Best: safe gives 50%, the gamble 40% (they give way) + 60% x 30% (x) = 58%.
    Random: half of 50%, half of (40% + 60% x half of 30%) = 49.5%."""
    scenario, found = compile_yaml(GAME)
    assert scenario is not None, found
    play = best_play(scenario, explore(scenario, "me"))
    assert play.victory is not None
    assert play.victory.best == pytest.approx(0.58)
    assert play.victory.random == pytest.approx(0.495)
    odds = {o.goal: (o.best, o.random) for o in play.endings}
    assert odds["win"] == pytest.approx((0.58, 0.495))
    assert odds["draw"] == pytest.approx((0.6, 0.15))
    assert odds["lose"] == pytest.approx((0.5, 0.355))
    assert sum(r for _, r in odds.values()) == pytest.approx(1.0)
    moves = [(m.phase, m.choice, m.label) for m in play.victory.moves]
    assert moves == [("a", "gamble", "Gamble"), ("c", "x", "Try x")]
    assert play.goal(VICTORY) is play.victory and play.residual == 0


def test_each_edge_records_its_choice_and_the_odds_of_its_rolls() -> None:
    scenario, _ = compile_yaml(GAME)
    assert scenario is not None
    run = explore(scenario, "me")
    from_a = sorted(
        (e.action, e.ending or (e.target[0] if e.target else None), round(e.probability, 9))
        for e in run.edges
        if e.source is not None and e.source[0] == "a"
    )
    assert from_a == [
        ("gamble", "c", 0.6),
        ("gamble", "win", 0.4),
        ("safe", "lose", 0.5),
        ("safe", "win", 0.5),
    ]
    start = [e for e in run.edges if e.source is None]
    assert [(e.action, e.probability) for e in start] == [(None, 1.0)]


CYCLE = GAME.replace(
    """      - id: safe
        label: Play safe
        chance:
          percent: 50
          success: {next: win}
          failure: {next: lose}
      - {id: gamble, label: Gamble, next: b}""",
    """      - id: wait
        label: Wait
        chance:
          percent: 50
          success: {next: a}
          failure: {next: lose}
      - id: push
        label: Push
        chance:
          percent: 30
          success: {next: win}
          failure: {next: a}""",
)


def test_a_story_that_comes_back_is_solved_by_value_iteration() -> None:
    """Pushing again and again wins for certain; at random, R = (R/2)/2 + (30% + 70% R)/2,
    so R = 37.5%."""
    scenario, found = compile_yaml(CYCLE)
    assert scenario is not None, [d.message for d in found]
    play = best_play(scenario, explore(scenario, "me"))
    assert play.victory is not None
    assert play.victory.best == pytest.approx(1.0, abs=1e-9)
    assert play.victory.random == pytest.approx(0.375, abs=1e-9)
    lose = play.goal("lose")
    assert lose is not None and lose.random == pytest.approx(0.625, abs=1e-9)
    assert play.residual <= 1e-12
    assert [m.choice for m in play.victory.moves] == ["push"]


def test_a_script_chance_that_loops_back_keeps_its_whole_weight() -> None:
    """A scripted chance whose success comes back round to the same roll in the same state:
    the game goes on as it did the first time, so its other outcome happens for certain."""
    text = (ROOT / "tests" / "test_tools.py").read_text(encoding="utf-8")
    start = text.index('SCRIPTED_CHANCE_LOOP = """\\\n') + len('SCRIPTED_CHANCE_LOOP = """\\\n')
    yaml = text[start : text.index('"""', start)]
    scenario, found = compile_yaml(yaml)
    assert scenario is not None, found
    play = best_play(scenario, explore(scenario, "a"))
    done = play.goal("done")
    assert done is not None and done.best == pytest.approx(1.0) and done.random == pytest.approx(1)


def test_random_odds_agree_with_games_played_at_random() -> None:
    """The exact random-play odds of the bundled game against 3,000 seeded games played as
    ``--autoplay random`` plays (uniform among the available choices)."""
    scenario, _ = load_scenario(ROOT / "scenarios" / "june_1957.yaml")
    play = best_play(scenario, explore(scenario, "khrushchev"))
    games = 3000
    seen: dict[str, int] = {}
    for seed in range(games):
        game = Game(scenario, ["khrushchev"], seed=seed)
        pick = random.Random(f"autoplay:{seed}")  # not the dice's own stream
        game.start()
        while not game.over:
            available = [o.id for o in game.options() if o.available]
            game.step(available[int(pick.random() * len(available))])
        assert game.ending is not None
        seen[game.ending] = seen.get(game.ending, 0) + 1
    for odds in play.endings:
        assert seen.get(odds.goal, 0) / games == pytest.approx(odds.random, abs=0.03), odds.goal
        assert odds.best >= odds.random


def scenario_file(tmp_path: Path, expect: str = "") -> Path:
    path = tmp_path / "odds.yaml"
    path.write_text(GAME + (f"expect:\n{expect}" if expect else ""), encoding="utf-8")
    return path


def test_check_prints_a_best_play_table_per_side_within_80_columns(tmp_path: Path) -> None:
    code, out, _ = run(["check", str(scenario_file(tmp_path))])
    assert code == 0 and "error:" not in out, out
    lines = out.splitlines()
    me = lines.index("  odds playing me                best    random")
    assert lines[me + 1 : me + 5] == [
        "    victory                     58.0%     49.5%",
        "    win                         58.0%     49.5%",
        "    lose                        50.0%     35.5%",
        "    draw                        60.0%     15.0%",
    ]
    assert lines[me + 5 : me + 8] == [
        "    best first moves for victory:",
        "      1. a: Gamble",
        "      2. c: Try x",
    ]
    assert "  odds playing them" in out
    table = lines[me : lines.index(next(x for x in lines if x.startswith("  coverage")))]
    assert all(len(line) <= 80 for line in table)
    assert lines.index(next(x for x in lines if x.startswith("  ending draw"))) < me


def test_long_first_moves_wrap_at_80_columns(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(
        GAME.replace("label: Gamble", "label: " + "Gamble everything on one throw " * 3),
        encoding="utf-8",
    )
    code, out, _ = run(["check", str(path)])
    assert code == 0, out
    moves = out[out.index("best first moves") - 4 :].splitlines()[1:4]
    assert moves[0].startswith("      1. a: Gamble everything") and all(len(x) <= 80 for x in moves)
    assert moves[1].startswith("         ") and moves[-1] == "      2. c: Try x", moves


def test_bounds_that_hold_pass_and_broken_ones_are_errors_where_written(tmp_path: Path) -> None:
    expect = (
        '  - {victory: me, best: "50..60", random: ">= 45"}\n'
        '  - {reachable: draw, as: me, best: "> 59.5", random: "< 15.5%"}\n'
        '  - {victory: them, best: "<= 50"}\n'
    )
    code, out, _ = run(["check", str(scenario_file(tmp_path, expect))])
    assert code == 0 and "error:" not in out, out
    broken = (
        '  - {victory: me, best: "60..85", random: ">= 10"}\n'
        '  - {reachable: lose, as: me, random: "> 40"}\n'
    )
    path = scenario_file(tmp_path, broken)
    code, out, _ = run(["check", str(path)])
    assert code == 1
    line = GAME.count("\n") + 2
    assert (
        f"{path}:{line}:26: error: expected the best chance of victory playing me to be "
        "60..85%, but it is 58.0% (random play: 49.5%)"
    ) in out
    assert (
        f"{path}:{line + 1}:40: error: expected the chance of ending 'lose' under random play "
        "playing me to be > 40%, but it is 35.5% (best play: 50.0%)"
    ) in out
    assert out.count("error:") == 2, out


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        (
            '{victory: me, best: "35-85"}',
            '\'best\' is a range of percents in quotes: "35..85", ">= 10", "<= 90", '
            '"> 0" or "< 5"; not \'35-85\'',
        ),
        ('{victory: me, random: "90..10"}', "the range '90..10' is empty or outside 0..100"),
        ('{victory: me, random: ">= 120"}', "the range '>= 120' is empty or outside 0..100"),
        ("{reachable: win}", "an expectation with 'reachable' needs 'as: SIDE'"),
        ("{reachable: win, as: me, victory: me}", "one of the two"),
        ("{victory: me, as: me}", "'as' goes with 'reachable'"),
        ("{victory: nobody}", "unknown side 'nobody'"),
    ],
)
def test_a_malformed_expectation_is_reported_where_written(expect: str, message: str) -> None:
    found = errors(GAME + f"expect:\n  - {expect}\n")
    assert len(found) == 1 and message in found[0], found
    assert found[0].startswith(f"{GAME.count(chr(10)) + 2}:")


def test_a_victory_nobody_can_win_is_refused() -> None:
    found = errors(GAME.replace(", winner: them", "") + "expect:\n  - {victory: them}\n")
    assert found == [
        f"{GAME.count(chr(10)) + 2}:15: no ending names 'them' as its winner, so it has no "
        "victory to expect; give its winning endings 'winner: them'"
    ]


def test_weighing_the_odds_keeps_to_check_s_bounds() -> None:
    """A cycle that converges slowly (a 1% way out) asks the caller's ``stop`` like the
    explorer does, so a hostile scenario cannot stall check."""
    from presidium.explore import StateBudgetExceeded

    scenario, _ = compile_yaml(CYCLE.replace("percent: 30", "percent: 1"))
    assert scenario is not None
    run_ = explore(scenario, "me")
    assert best_play(scenario, run_).victory is not None
    with pytest.raises(StateBudgetExceeded, match="stopped here while weighing the odds as me"):
        best_play(scenario, run_, stop=lambda: "stopped here")
