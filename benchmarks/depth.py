"""How deep a game is: decisions of the player's own per game, and the endings reached.

Plays seeded random games through the real engine, choosing as ``presidium play --autoplay
random --seed N`` does (the same Agent), and reports per side the median and maximum number
of the player's own decisions, the shortest game that did not concede, and the endings seen.

    python benchmarks/depth.py june_1957 october_1964 --games 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter

from presidium import catalog
from presidium import events as ev
from presidium.engine import Game
from presidium.model import Scenario
from presidium.ui.play import Agent


def play(scenario: Scenario, side: str, seed: int) -> tuple[int, str, bool]:
    """(the player's own decisions, the ending, whether the player conceded)."""
    game = Game(scenario, [side], seed=seed)
    agent = Agent("random", seed, game)
    events = game.start()
    decisions, conceded = 0, False
    while not game.over:
        decision = next(e for e in reversed(events) if isinstance(e, ev.DecisionNeeded))
        choice = agent.choose(decision)
        phase = game.phase
        conceded = conceded or (phase is not None and scenario.concedes(phase.id, choice))
        decisions += 1
        events = game.step(choice)
    assert game.ending is not None
    return decisions, game.ending, conceded


def report(scenario_id: str, games: int) -> None:
    scenario = catalog.load(scenario_id)
    for side in scenario.sides:
        counts, endings, shortest = [], Counter[str](), None
        for seed in range(1, games + 1):
            decisions, ending, conceded = play(scenario, side, seed)
            counts.append(decisions)
            endings[ending] += 1
            if not conceded:
                shortest = decisions if shortest is None else min(shortest, decisions)
        wins = sum(n for e, n in endings.items() if scenario.endings[e].winner == side)
        print(
            f"{scenario_id} {side}: decisions median {statistics.median(counts)}, "
            f"max {max(counts)}, shortest without conceding {shortest}; "
            f"own victory {100 * wins / games:.0f}%"
        )
        print("   ", ", ".join(f"{e} {n}" for e, n in endings.most_common()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=["june_1957", "october_1964"])
    parser.add_argument("--games", type=int, default=200)
    args = parser.parse_args(argv)
    for scenario_id in args.scenarios:
        report(scenario_id, args.games)
    return 0


if __name__ == "__main__":
    sys.exit(main())
