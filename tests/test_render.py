"""Rendering: scenario text is text, never markup, and cannot drive the terminal."""

from __future__ import annotations

import io
import re

from presidium import events as ev
from presidium.catalog import bundled_ids, load
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


def test_a_seat_s_choice_reads_well_with_a_plural_name(june_1957: Scenario) -> None:
    for by in ("script", "player"):
        choice = ev.ChoiceMade("molotov", "The plotters", "p", "a", "Strike", by, True)
        out = render(june_1957, choice, True)
        assert "The plotters chose: Strike" in out
        assert "decides" not in out and "chooses" not in out
    mine = ev.ChoiceMade("khrushchev", "Khrushchev's side", "p", "a", "Refuse", "player", True)
    assert "You chose: Refuse" in render(june_1957, mine, True)


def test_a_scene_says_where_its_notes_can_be_read(june_1957: Scenario) -> None:
    def scene(decision: str) -> str:
        event = ev.PhaseStarted(
            "p", "Title", None, None, None, None, "Text.", False, None, True, decision
        )
        return " ".join(render(june_1957, event, True).split())

    assert "(Type 'notes' for the history behind this scene.)" in scene("here")
    assert "(Type 'notes' at the next prompt for the history behind this scene.)" in scene("later")
    assert "(The history behind this scene is in the debrief at the end.)" in scene("none")


def test_notes_show_every_scene_since_the_last_decision(june_1957: Scenario) -> None:
    out = io.StringIO()
    renderer = Renderer(make_console(True, width=80, file=out), june_1957, True, "khrushchev")
    renderer.notes(("presidium_count", "first_evening"))
    text = out.getvalue()
    first = text.index("History notes: Seven against four")
    assert first < text.index("History notes: A phone call to the marshal")
    assert "[contested] The '7-4 vote'" in " ".join(text.split())


def test_a_new_date_alone_does_not_bring_back_the_panel_in_the_aftermath(
    june_1957: Scenario,
) -> None:
    out = io.StringIO()
    renderer = Renderer(make_console(True, width=80, file=out), june_1957, True, "khrushchev")
    lines = (ev.StatusLine("Marshal Zhukov (Defence)", "With Khrushchev"),)
    renderer.on_status(ev.Status("1957-06-29", None, lines))
    shown = out.getvalue()
    renderer.on_status(ev.Status(None, "October 1957 to October 1964", lines, aftermath=True))
    assert out.getvalue() == shown
    moved = (ev.StatusLine("Marshal Zhukov (Defence)", "Aside"),)
    renderer.on_status(ev.Status(None, "November 1964", moved, aftermath=True))
    assert "Marshal Zhukov (Defence): Aside (was With Khrushchev)" in " ".join(
        out.getvalue().split()
    )


def test_a_citation_that_ends_a_sentence_is_not_given_a_second_full_stop() -> None:
    """Many citations end in an abbreviation ("gg.", "doc."); the renderer ends the list."""
    checked = 0
    for name in bundled_ids():
        scenario = load(name)
        out = io.StringIO()
        renderer = Renderer(make_console(True, width=10_000, file=out), scenario, True, None)
        renderer.notes(tuple(scenario.phases))
        for line in out.getvalue().splitlines():
            assert not re.search(r"(?<!\.)\.\.(?!\.)|[!?]\.$", line), (name, line)
            checked += bool(re.search(r"\.\.?$", line)) and " Sources: " in line
    assert checked


def test_the_panel_calls_a_period_a_date_not_a_day(june_1957: Scenario) -> None:
    """A scene may be dated by a period ("Mid-June 1957"): the panel must not call it a day."""
    shown = render(june_1957, ev.Status(None, "Mid-June 1957", ()), True)
    assert "Date: Mid-June 1957" in shown and "Day" not in shown
    assert "Date: Tuesday 18 June 1957" in render(
        june_1957, ev.Status("1957-06-18", None, ()), True
    )
