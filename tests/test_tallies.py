"""No narrated tally contradicts the vote it follows, in any bundled scenario, on any side.

A thousand random games per side of every bundled scenario are played through the engine
(choosing as ``presidium play --autoplay random`` does), and every tally the story tells after
a vote ("by seven votes to four", "7–4", "six to four") is checked against that vote's count.
"""

from __future__ import annotations

import re

import pytest

from presidium import catalog
from presidium import events as ev
from presidium.engine import Game
from presidium.model import Scenario
from presidium.template import words
from presidium.ui.play import Agent

GAMES = int(__import__("os").environ.get("TALLY_GAMES", "1000"))
NUMBER = {words(n): n for n in range(101)} | {"none": 0, "nil": 0, "no": 0}
WORD = "|".join(sorted((re.escape(w) for w in NUMBER), key=len, reverse=True))
SAID = re.compile(
    rf"\b(?P<a>{WORD}|\d{{1,3}})(?:\s+votes?)?\s+(?:to|against)\s+(?P<b>{WORD}|\d{{1,3}})\b"
    rf"|\b(?P<c>\d{{1,3}})\s*[–-]\s*(?P<d>\d{{1,3}})(?:\s*[–-]\s*\d{{1,3}})?\b(?!\s*(?:June|October|[0-9]))",
    re.IGNORECASE,
)


def tallies(text: str) -> list[tuple[int, int, str]]:
    """Each (for, against, as written) a text narrates."""
    found = []
    for match in SAID.finditer(text):
        a, b = (match["a"], match["b"]) if match["a"] else (match["c"], match["d"])
        value = [int(x) if x.isdigit() else NUMBER[x.lower()] for x in (a, b)]
        worded = match["a"] and not (match["a"].isdigit() or " vote" in match.group())
        near = text[max(0, match.start() - 4) : match.end()]
        if worded and not re.search(r"\bvotes?\b|\bby\b", near):
            continue  # "one to another", not a count
        found.append((value[0], value[1], match.group()))
    return found


def test_the_reader_finds_tallies_in_words_and_digits() -> None:
    assert tallies("It passes by seven votes to four.") == [(7, 4, "seven votes to four")]
    assert tallies("A 6–4 vote, then 209-0.")[0][:2] == (6, 4)
    assert tallies("by six to four") == [(6, 4, "six to four")]
    assert tallies("Between 18-20 June they went from one to another.") == []


def narrated(scenario: Scenario, side: str, seed: int) -> list[tuple[ev.VoteHeld, str]]:
    """Every text told after a vote in one random game, beside the latest vote before it."""
    game = Game(scenario, [side], seed=seed)
    agent = Agent("random", seed, game)
    told: list[tuple[ev.VoteHeld, str]] = []
    latest: ev.VoteHeld | None = None
    events = game.start()
    while True:
        for event in events:
            if isinstance(event, ev.VoteHeld):
                latest = event
            elif latest is not None and isinstance(
                event, ev.PhaseStarted | ev.Narration | ev.GameEnded
            ):
                told.append((latest, event.text))
        if game.over:
            return told
        decision = next(e for e in reversed(events) if isinstance(e, ev.DecisionNeeded))
        events = game.step(agent.choose(decision))


@pytest.mark.parametrize(
    ("scenario_id", "side"),
    [(sid, side) for sid in catalog.bundled_ids() for side in catalog.load(sid).sides],
)
def test_every_narrated_tally_matches_the_vote_it_follows(scenario_id: str, side: str) -> None:
    scenario = catalog.load(scenario_id)
    wrong: dict[str, str] = {}
    seen: dict[str, str] = {}
    for seed in range(1, GAMES + 1):
        for vote, text in narrated(scenario, side, seed):
            for votes_for, against, said in tallies(text):
                counted = (vote.votes_for, vote.votes_against)
                seen.setdefault(said, text)
                if (votes_for, against) != counted:
                    key = f"{said!r} after {vote.vote} {counted[0]}-{counted[1]}"
                    wrong.setdefault(key, f"seed {seed}: {text[:200]}")
    assert not wrong, wrong
