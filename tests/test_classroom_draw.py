"""The projector's and room.txt's lines written without rich where rich would only have
written their letters: the output must be rich's, byte for byte."""

from __future__ import annotations

import io
import random

import pytest
from rich.text import Text

from conftest import showdown_ballot
from presidium import events as ev
from presidium.model import Scenario
from presidium.ui.classroom import RoomRenderer
from presidium.ui.render import T, make_console


class RichOnly(RoomRenderer):
    """The same renderer with every line left to rich, as before the shortcut."""

    def wrote_plain(self, text: Text) -> bool:
        return False


LINES = [
    Text(),
    T(""),
    T("Voted (3 of 21): Khrushchev, Molotov, Malenkov.", "presidium.label"),
    Text.assemble(("Molotov", "presidium.choice"), " votes against: the Party line."),
    T("x" * 79),
    T("x" * 80),
    T("x" * 81),
    T("A line that is long enough to be wrapped by rich at eighty columns, " * 3),
    T("Two\nlines"),
    T("a\ttab"),
    T("trailing spaces   "),
    T("  leading spaces"),
    T("Voted (12 of 21): " + "Vyacheslav Molotov, " * 11 + "Nikita Khrushchev."),
    T("word " * 30 + "   " + "w" * 130),
    T("spaces at the fold" + " " * 90 + "and after"),
    T("first\n\nthird, long enough to wrap at forty columns and at eighty " * 2),
    T("Хрущёв и Молотов " * 9),
    T("中文" * 30 + " 中文"),
    Text("no wrap " * 20, no_wrap=True),
    Text("ellipsis " * 20, overflow="ellipsis"),
    T("Хрущёв и Молотов: 中央委员会 " * 3),
    T("中" * 40),
    T("中" * 41),
    Text("centred", justify="center"),
    Text("right", justify="right"),
    Text("no end", end=""),
]


@pytest.mark.parametrize("width", [40, 80, 100])
def test_lines_written_without_rich_are_richs_bytes(june_1957: Scenario, width: int) -> None:
    outputs = []
    for kind in (RoomRenderer, RichOnly):
        buffer = io.StringIO()
        renderer = kind(make_console(True, width=width, file=buffer), june_1957, True)
        for line in LINES:
            renderer.out(line.copy())
            renderer.blank()
        renderer.console.file.flush()
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]


def test_random_lines_written_without_rich_are_richs_bytes(june_1957: Scenario) -> None:
    """Words of every length (longer than the line too), runs of spaces, blank lines and
    wide letters, wrapped at random widths: the same bytes as rich's."""
    rng = random.Random(1957)
    pieces = ["a", "Molotov,", "Khrushchev", "中央委员会", "Хрущёв", "x" * 45, " ", "  ", "\n", "."]
    for _ in range(300):
        width = rng.randint(10, 120)
        line = "".join(
            rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(1, 40))
        )
        outputs = []
        for kind in (RoomRenderer, RichOnly):
            buffer = io.StringIO()
            renderer = kind(make_console(True, width=width, file=buffer), june_1957, True)
            renderer.out(T(line))
            renderer.console.file.flush()
            outputs.append(buffer.getvalue())
        assert outputs[0] == outputs[1], (width, line)


def test_a_ballots_lines_skip_rich_on_a_plain_console(june_1957: Scenario) -> None:
    buffer = io.StringIO()
    renderer = RoomRenderer(make_console(True, width=80, file=buffer), june_1957, True)
    line = Text.assemble(("Molotov", "presidium.choice"), " votes for.")
    assert renderer.wrote_plain(line)
    assert renderer.wrote_plain(T("x" * 81))  # folded as rich folds it
    assert renderer.wrote_plain(T("Voted: " + "Molotov, " * 12))  # wrapped between words
    assert not renderer.wrote_plain(T("a\ttab"))  # rich's
    assert not renderer.wrote_plain(Text("cut " * 30, overflow="ellipsis"))  # rich's
    renderer.console.file.flush()
    folded = "x" * 80 + "\nx\n"
    wrapped = "Voted: " + "Molotov, " * 7 + "Molotov,\n" + "Molotov, " * 3 + "Molotov,\n"
    assert buffer.getvalue() == "Molotov votes for.\n" + folded + wrapped


def test_a_rich_without_the_buffer_it_is_known_to_have_is_left_to_draw(
    june_1957: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shortcut reads whether rich is collecting lines (a private part of rich): a rich
    that no longer has it draws every line itself, and nothing comes out of order."""
    from rich.console import Console

    monkeypatch.delattr(Console, "_buffer_index")
    buffer = io.StringIO()
    renderer = RoomRenderer(make_console(True, width=80, file=buffer), june_1957, True)
    assert not renderer.wrote_plain(T("Molotov votes for."))


def test_a_coloured_screen_is_left_to_rich(june_1957: Scenario) -> None:
    buffer = io.StringIO()
    console = make_console(False, width=80, file=buffer, styled=True)
    renderer = RoomRenderer(console, june_1957, False)
    assert not renderer.wrote_plain(T("Molotov votes for.", "presidium.choice"))
    renderer.out(T("Molotov votes for.", "presidium.choice"))
    assert "\x1b[" in buffer.getvalue()


def test_events_drawn_as_rich_drew_them(june_1957: Scenario) -> None:
    voters = tuple(list(june_1957.sides)[:3])
    events: list[ev.Event] = [
        showdown_ballot(voters, "open"),
        ev.BallotProgress("showdown:ballot", ("Molotov",), ("Bulganin", "Voroshilov"), 1, 3),
        ev.BallotCast("showdown:ballot", voters[0], "Molotov", "against", "The Party line " * 9),
        ev.BallotCast("showdown:ballot", voters[1], "Bulganin", "for", ""),
    ]
    for plain in (True, False):
        outputs = []
        for kind in (RoomRenderer, RichOnly):
            buffer = io.StringIO()
            renderer = kind(make_console(plain, width=80, file=buffer), june_1957, plain)
            renderer.events(events)
            renderer.console.file.flush()
            outputs.append(buffer.getvalue())
        assert outputs[0] == outputs[1]
        assert "Molotov" in outputs[0]


@pytest.mark.parametrize("width", [80, 100])
def test_a_changed_date_stays_beside_its_label(june_1957: Scenario, width: int) -> None:
    """The class's state of play says what a changed value was: a long 'was' left the label
    'Date' alone on its line and the new date on the next (teacher report item 18a). The
    value stays beside its label; what it was follows, or goes below it."""
    buffer = io.StringIO()
    renderer = RoomRenderer(make_console(False, width=width, file=buffer), june_1957, False)
    lines = (
        ev.StatusLine("Central Committee members in Moscow", "36"),
        ev.StatusLine("Central Committee leaning to Khrushchev (%)", "40"),
    )
    renderer.on_status(ev.Status(None, "February 1956 to early June 1957", lines, False, ()))
    buffer.truncate(0)
    renderer.on_status(ev.Status(None, "Mid-June 1957", lines, False, ()))
    drawn = [line.strip("│ ") for line in buffer.getvalue().splitlines()]
    (date,) = [line for line in drawn if line.startswith("Date")]
    assert date.split() == ["Date", "Mid-June", "1957"] or date.endswith(
        "Mid-June 1957  (was February 1956 to early June 1957)"
    ), drawn
    assert "(was February 1956 to early" in " ".join(drawn)
