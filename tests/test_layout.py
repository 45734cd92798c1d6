"""The layout from 60 to 200 columns, as a person sees it: golden sessions at 60, 80 and 120.

Rich output here goes to a file, so it has box drawing but no colour codes; plain output is
what a screen reader reads, top to bottom.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import GOLDEN, matches_golden
from presidium import catalog
from presidium.ui.play import LineReader, PlayerQuit, PlayOptions, Screen, run_games
from presidium.ui.render import Renderer, make_console

TYPED = "1\nstatus\n2\nundo\nhistory\nhelp\nquit\n"
BOX = set("─│╭╮╰╯═║╔╗╚╝┃━")


def session(width: int, plain: bool, typed: str = TYPED) -> str:
    out = io.StringIO()
    console = make_console(plain, width=width, file=out)
    opened = catalog.open_scenario("june_1957")
    screen = Screen(lambda scenario: Renderer(console, scenario, plain, None))
    reader = LineReader(io.StringIO(typed), interactive=False)

    def no_loading(name: str) -> object:
        raise AssertionError("no loading here")

    with pytest.raises(PlayerQuit):
        run_games((opened, PlayOptions("khrushchev", 3, None), None), screen, reader, no_loading)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("mode", ["rich", "plain"])
def test_golden_layout(
    width: int, mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    text = session(width, mode == "plain")
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= width
    path = GOLDEN / f"layout_{mode}_{width}.txt"
    matches_golden(text, path, "layout")


@pytest.mark.parametrize("width", [60, 200])
def test_plain_text_reads_top_to_bottom(
    width: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a screen reader meets: no box drawing, no colour, one choice per line, numbered."""
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    text = session(width, True)
    assert not BOX & set(text)
    lines = text.splitlines()
    prompt = lines.index("They want you out. What do you say?")
    block = lines[prompt + 1 : lines.index("> 1", prompt)]
    numbered = [line[:3] for line in block if line[:1].isdigit()]
    assert numbered == ["1. ", "2. ", "3. "]  # and no wrapped line starts with a number
    if width == 200:  # nothing wraps at 200: each choice is exactly one line
        assert lines[prompt + 1].startswith("1. Refuse") and lines[prompt + 2].startswith("2. Hit")


def test_rich_layout_holds_at_200_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    text = session(200, False)
    assert max(len(line) for line in text.splitlines()) <= 200
    assert "╭" in text and "They want you out. What do you say?" in text
