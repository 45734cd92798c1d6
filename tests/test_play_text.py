"""What the terminal game says, in the order it happened: changes beside their causes, the
winner at the end, targets as lists, hanging indents, and the wording a new player trips on.
"""

from __future__ import annotations

import io
import re

import pytest

from presidium import catalog
from presidium import events as ev
from presidium.engine import Game
from presidium.ui.play import LineReader, PlayerQuit, PlayOptions, Screen, run_games
from presidium.ui.render import Renderer, make_console

SCENARIOS = ("june_1957", "october_1964")


def played(
    scenario: str,
    side: str,
    seed: int,
    typed: str = "",
    autoplay: str | None = "random",
    plain: bool = True,
    width: int = 200,
) -> str:
    """A whole game as the screen shows it (plain text, wide enough that nothing wraps)."""
    out = io.StringIO()
    console = make_console(plain, width=width, file=out)
    opened = catalog.open_scenario(scenario)
    screen = Screen(lambda s: Renderer(console, s, plain, None))
    reader = LineReader(io.StringIO(typed + "quit\n"), interactive=False)
    options = PlayOptions(side, seed, autoplay, dry_run=True)
    with pytest.raises(PlayerQuit) if autoplay is None else _nothing():
        run_games((opened, options, None), screen, reader, lambda _: None)  # type: ignore[arg-type,return-value]
    return out.getvalue()


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


# --------------------------------------------------------------------------- changes in order


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_change_is_followed_by_the_state_it_left(scenario: str) -> None:
    """The engine gives the state of play right after the changes a cause made, before the
    story goes on: a front end can say each change beside what made it."""
    opened = catalog.open_scenario(scenario).scenario
    for side in opened.sides:
        for seed in range(1, 6):
            game = Game(opened, [side], seed=seed)
            events = game.start()
            while not game.over:
                decision = game.pending
                assert decision is not None
                events += game.step(next(o for o in decision.options if o.available).id)
            for n, event in enumerate(events):
                if isinstance(event, ev.Changed):
                    after = next(e for e in events[n:] if not isinstance(e, ev.Changed))
                    assert isinstance(after, ev.Status), (side, seed, n, after)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_why_comes_right_after_the_choice_or_scene_that_moved_it(scenario: str) -> None:
    opened = catalog.open_scenario(scenario).scenario
    titles = {p.title for p in opened.phases.values()}
    checked = 0
    for side in opened.sides:
        for seed in range(1, 9):
            lines = played(scenario, side, seed).splitlines()
            last_choice, last_scene = "", ""
            for line in lines:
                bare = line.removeprefix("[Counterfactual] ")
                if bare in titles:
                    last_scene, last_choice = bare, ""
                elif " chose: " in line:
                    last_choice = line.split(" chose: ", 1)[1].removesuffix(" [counterfactual]")
                elif line.startswith("Why: ") and "took the decision back" not in line:
                    cause = re.search(r'"(.*?)"', line)
                    assert cause is not None, line
                    if ' chose "' in line:
                        assert cause.group(1) == last_choice, (side, seed, line)
                    else:
                        assert cause.group(1) == last_scene and not last_choice, (side, seed, line)
                    checked += 1
    assert checked


# --------------------------------------------------------------------------- wording


def test_why_reads_as_one_sentence_and_a_scene_is_its_own_reason() -> None:
    text = played("june_1957", "molotov", 11) + played(
        "june_1957", "khrushchev", 1, autoplay="history"
    )
    whys = [line for line in text.splitlines() if line.startswith("Why: ")]
    assert whys and not [line for line in whys if line.startswith("Why: The ")]
    assert any(line.startswith("Why: the majority (") for line in whys)
    scenes = [line for line in whys if line.startswith("Why: the scene ")]
    assert scenes and all(re.fullmatch(r'Why: the scene "[^"]+"\.', line) for line in scenes)


def test_a_side_named_the_something_reads_mid_sentence() -> None:
    text = played("june_1957", "molotov", 1, autoplay="history")
    assert "You are playing: the majority (Molotov, Malenkov, Kaganovich)." in text
    assert "(The majority (" not in text
    assert "Counting to seven, decided by you: " in text
