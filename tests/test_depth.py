"""Depth of play in the two historical scenarios, measured as the issue measures it.

Random games (chosen as ``presidium play --autoplay random --seed N`` chooses) through the real
engine: the median number of the player's own decisions, and no game over before the player's
sixth decision unless the player gave the game up (a ``concedes`` choice).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import pytest

from presidium import catalog

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from depth import play

SEEDS = range(1, 201)
MEDIANS = {"june_1957": 12, "october_1964": 10}


@pytest.mark.parametrize("scenario_id", sorted(MEDIANS))
def test_each_side_has_a_real_contest(scenario_id: str) -> None:
    scenario = catalog.load(scenario_id)
    for side in scenario.sides:
        games = [play(scenario, side, seed) for seed in SEEDS]
        decisions = [n for n, _, _ in games]
        assert statistics.median(decisions) >= MEDIANS[scenario_id], (side, decisions)
        short = [
            (seed, n, e)
            for seed, (n, e, gave_up) in zip(SEEDS, games, strict=True)
            if n < 6 and not gave_up
        ]
        assert not short, (side, short)
        wins = sum(1 for _, ending, _ in games if scenario.endings[ending].winner == side)
        assert wins >= len(games) // 10, (side, wins)  # random play wins at least one game in ten
