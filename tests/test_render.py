"""Rendering: scenario text is text, never markup, and cannot drive the terminal."""

from __future__ import annotations

import io

from presidium import events as ev
from presidium.model import Scenario
from presidium.ui.render import THEME, Renderer, make_console


def render(scenario: Scenario, event: ev.Event, plain: bool) -> str:
    out = io.StringIO()
    console = make_console(plain, width=80, file=out)
    if not plain:
        console = type(console)(
            file=out,
            width=80,
            force_terminal=True,
            color_system="truecolor",
            markup=False,
            highlight=False,
            theme=THEME,
        )
    Renderer(console, scenario, plain, "khrushchev").event(event)
    return out.getvalue()


HOSTILE = (
    "[bold red]Loud[/] [/bold] [link=http://x]click[/link] \x1b[31mred\x1b[0m \x07bell \u202eevil"
)


def phase(text: str) -> ev.PhaseStarted:
    return ev.PhaseStarted(
        "p", "Title [i]x[/i]", "1957-06-18", None, "night", "Kremlin", text, False, None, False
    )


def test_markup_in_scenario_text_is_shown_literally(june_1957: Scenario) -> None:
    for plain in (True, False):
        out = render(june_1957, phase(HOSTILE), plain)
        assert (
            "[bold red]Loud[/]" in out and "[/bold]" in out and "[link=http://x]click[/link]" in out
        )
        assert "Title [i]x[/i]" in out or "TITLE [I]X[/I]" in out


def test_control_characters_never_reach_the_terminal(june_1957: Scenario) -> None:
    plain = render(june_1957, phase(HOSTILE), True)
    assert "\x1b" not in plain and "\x07" not in plain and "\u202e" not in plain
    styled = render(june_1957, phase(HOSTILE), False)
    assert "\x1b[31m" not in styled and "\x07" not in styled and "\u202e" not in styled


def test_plain_has_no_box_drawing_and_no_trailing_spaces(june_1957: Scenario) -> None:
    out = render(june_1957, phase("A long line " * 20), True)
    assert not any(ch in out for ch in "╭╮╰╯│─═║")
    assert all(line == line.rstrip() for line in out.splitlines())
    assert "Tuesday 18 June 1957, night | Kremlin" in out


def test_options_say_in_words_what_colour_also_shows(june_1957: Scenario) -> None:
    decision = ev.DecisionNeeded(
        "khrushchev",
        "Khrushchev's side",
        "p",
        "What now?",
        (
            ev.Option(1, "a", "Go", True, None, 60, False),
            ev.Option(2, "b", "Stay", False, "The door is shut.", None, True),
        ),
    )
    out = render(june_1957, decision, True)
    assert "1. Go (60% chance)" in out
    assert "2. Stay [counterfactual] (unavailable: The door is shut.)" in out
