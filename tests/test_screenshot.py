"""The README's screenshot is a real game in progress, rendered by the real engine and renderer.

Regenerate it with ``PRESIDIUM_UPDATE_GOLDEN=1 python -m pytest tests/test_screenshot.py``.
"""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, matches_golden
from presidium import catalog
from presidium.engine import Game
from presidium.ui.play import last_scene
from presidium.ui.render import Renderer, recording_console

SCREENSHOT = ROOT / "docs" / "screenshot.svg"


def screenshot() -> str:
    """June 1957 as Khrushchev, seed 1957: the first evening, after refusing to resign."""
    scenario = catalog.open_scenario("june_1957").scenario
    game = Game(scenario, ["khrushchev"], seed=1957)
    game.start()
    game.step("only_the_central_committee")
    events = game.step("mikoyan_insists")
    console = recording_console(plain=False, width=80)
    renderer = Renderer(console, scenario, False, "khrushchev")
    renderer.events(last_scene(events))
    console.print("> notes", highlight=False)
    renderer.notes(game.scenes_since_decision())
    return console.export_svg(title="presidium: The Anti-Party Group, June 1957")


def test_the_readme_screenshot_is_current() -> None:
    svg = screenshot()
    matches_golden(svg, SCREENSHOT, "the screenshot")
    assert "docs/screenshot.svg" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_it_shows_a_game_in_progress() -> None:
    svg = SCREENSHOT.read_text(encoding="utf-8")
    assert "A&#160;phone&#160;call&#160;to&#160;the&#160;marshal" in svg
    assert "Who&#160;do&#160;you&#160;reach&#160;tonight?" in svg
    assert Path(SCREENSHOT).stat().st_size < 400_000
