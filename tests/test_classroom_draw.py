"""The projector's and room.txt's lines written without rich where rich would only have
written their letters: the output must be rich's, byte for byte."""

from __future__ import annotations

import dataclasses
import io
import itertools
import random
from typing import IO

import pytest
from rich._wrap import divide_line
from rich.console import Console, RenderableType
from rich.rule import Rule
from rich.text import Text

from classroom_helpers import routine_action
from conftest import showdown_ballot
from presidium import actions, audience, catalog, seating
from presidium import events as ev
from presidium.classroom.session import Session
from presidium.model import Scenario
from presidium.ui.classroom import Hanging, RoomRenderer
from presidium.ui.render import T, make_console
from presidium.ui.wrap import ascii_breaks, wrapped


class RichOnly(RoomRenderer):
    """The same renderer with everything left to rich, as before the shortcut."""

    def wrote_plain(self, renderable: RenderableType) -> bool:
        return False


class Watched(RoomRenderer):
    """The renderer, noting what it drew directly and what it left to rich."""

    def __init__(self, console: Console, scenario: Scenario, plain: bool) -> None:
        super().__init__(console, scenario, plain)
        self.direct: list[str] = []
        self.to_rich: list[str] = []

    def wrote_plain(self, renderable: RenderableType) -> bool:
        written = super().wrote_plain(renderable)
        (self.direct if written else self.to_rich).append(type(renderable).__name__)
        return written


def colourless(plain: bool, width: int, file: IO[str]) -> Console:
    """A console with no colour: room.txt's (``plain``, trailing spaces taken off each line) or
    a screen's that is not a terminal (``--plain`` not given: every space kept)."""
    console = make_console(plain, width=width, file=file)
    assert console.color_system is None
    return console


def drawn(
    kind: type[RoomRenderer], scenario: Scenario, plain: bool, width: int, *shown: RenderableType
) -> str:
    buffer = io.StringIO()
    renderer = kind(colourless(plain, width, buffer), scenario, plain)
    for renderable in shown:
        renderer.out(renderable.copy() if isinstance(renderable, Text) else renderable)
    renderer.console.file.flush()
    return buffer.getvalue()


# words of every kind a wrap has to get right: longer than a line, runs of spaces, wide
# letters, a letter of no width, an ellipsis's own letter, a line exactly as wide as the screen
PIECES = [
    "a",
    "Molotov,",
    "Khrushchev",
    "Хрущёв",
    "中央委员会",
    "e\u0301",
    "…",
    "x" * 45,
    "y" * 20,
    " ",
    "  ",
    "     ",
    "\n",
    "\n\n",
    ".",
]


def random_text(rng: random.Random, pieces: list[str], most: int = 40) -> str:
    return "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(0, most)))


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


def test_ascii_breaks_are_richs_divide_line() -> None:
    """Every line of up to ten letters and spaces, at every width up to seven, folding or
    not, then long random lines: the breaks rich's own ``divide_line`` finds."""
    for size in range(11):
        for letters in itertools.product("x ", repeat=size):
            line = "".join(letters)
            for width in range(1, 8):
                for fold in (True, False):
                    assert ascii_breaks(line, width, fold) == divide_line(line, width, fold), (
                        line,
                        width,
                        fold,
                    )
    rng = random.Random(1957)
    pieces = ["a", "Molotov,", "Khrushchev", "x" * 45, " ", "  ", "     ", "."]
    for _ in range(3000):
        line = random_text(rng, pieces)
        width, fold = rng.randint(1, 120), rng.random() < 0.5
        assert ascii_breaks(line, width, fold) == divide_line(line, width, fold), (line, width)


@pytest.mark.parametrize("plain", [True, False])
def test_random_texts_are_richs_bytes_at_every_width(june_1957: Scenario, plain: bool) -> None:
    """Texts of ASCII only (drawn a line at a time) and of every letter (rich's breaks), at
    widths 20 to 120, on room.txt's console and on a screen's without colour."""
    rng = random.Random(1917)
    ascii_pieces = [p for p in PIECES if p.isascii()]
    for case in range(400):
        width = rng.randint(20, 120)
        texts = [T(random_text(rng, ascii_pieces if case % 2 else PIECES)) for _ in range(3)]
        texts.append(T("x" * width))  # exactly the width
        texts.append(T(" ".join(["word"] * width)[:width] + "  "))  # and spaces after it
        texts.append(Text.assemble(("Molotov", "presidium.choice"), " " + "votes. " * case))
        ours, richs = (drawn(k, june_1957, plain, width, *texts) for k in (Watched, RichOnly))
        assert ours == richs, (width, [t.plain for t in texts])


@pytest.mark.parametrize("plain", [True, False])
def test_hanging_rows_are_richs_bytes_at_every_width(june_1957: Scenario, plain: bool) -> None:
    """A vote's rows (several markers, long texts, long words cut short, blank lines, wide
    letters) drawn directly: the letters and padding rich's ``Hanging`` draws."""
    rng = random.Random(1956)
    markers = ["-", "1.", "10.", "  -", "•", "中", "1.\n2.\n3."]
    for _ in range(300):
        width = rng.randint(20, 120)
        rows = []
        for _row in range(rng.randint(1, 8)):
            marker = Text(rng.choice(markers), style=rng.choice(["", "presidium.number"]))
            body = Text()
            for _part in range(rng.randint(1, 3)):
                body.append(
                    random_text(rng, PIECES, 25), style=rng.choice(["", "presidium.choice"])
                )
            rows.append((marker, body))
        hanging = Hanging(rows, rng.choice([0, 0, 4]))
        ours, richs = (drawn(k, june_1957, plain, width, hanging) for k in (Watched, RichOnly))
        assert ours == richs, (width, [(m.plain, b.plain) for m, b in rows])


def test_hanging_rows_left_to_rich_only_when_not_sure(june_1957: Scenario) -> None:
    """Rows are drawn directly unless a text sets its own layout, holds a tab or a space
    that is not ' ', or a marker leaves the text no room."""
    console = colourless(True, 40, io.StringIO())
    renderer = RoomRenderer(console, june_1957, True)
    line = Text.assemble(("Molotov", "presidium.choice"), " votes against: " + "the line " * 9)
    assert renderer.wrote_plain(Hanging([(Text("-"), line), (Text("10."), T("y" * 60))]))
    assert not renderer.wrote_plain(Hanging([(Text("-"), T("a\ttab"))]))
    assert not renderer.wrote_plain(Hanging([(Text("-"), T("no-break\u00a0space"))]))
    assert not renderer.wrote_plain(Hanging([(Text("-"), Text("right", justify="right"))]))
    assert not renderer.wrote_plain(Hanging([(Text("x" * 39), T("no room"))]))
    assert wrapped("a\tb", 10) is None and wrapped("a\u200bb", 10) is None


@pytest.mark.parametrize("width", [20, 37, 80, 100, 120])
def test_headings_are_richs_bytes(june_1957: Scenario, width: int) -> None:
    """A heading's rule on a screen without colour, a title short and long, drawn directly."""
    buffer = io.StringIO()
    renderer = Watched(colourless(False, width, buffer), june_1957, False)
    titles = [
        "Vote",
        "Ballot: the Presidium votes (5 minutes)",
        "Хрущёв 中央委员会 " * 4,
        "x" * 200,
    ]
    parts: list[RenderableType] = [Rule()]
    for title in titles:
        parts += renderer.heading_parts(title)
    for part in parts:
        renderer.out(part)
    assert renderer.to_rich == []
    assert buffer.getvalue() == drawn(RichOnly, june_1957, False, width, *parts)


def class_game() -> list[ev.Event]:
    """A class of twelve of june_1957 played to its end by a teacher who closes each floor,
    rates each argument 3, takes history's choice at each decision and has every seated
    voter cast a ballot with a reason of every length (a vote's rows wrap and fold)."""
    opened = catalog.open_scenario("june_1957")
    session = Session.new(opened.scenario, seating.cast(opened.scenario, 12), 1957)
    rng = random.Random(7)
    reasons = [
        "",
        "The Party line.",
        "The Central Committee elected us, and only the Central Committee can remove us.  " * 3,
        "x" * 130,
        "Хрущёв must go: 中央委员会 decides.   ",
    ]
    for n in range(500):
        if session.game.over:
            break
        request = routine_action(
            session.log,
            list(session.game.requests.values()),
            lambda _r, _seat: rng.choice(["for", "against", "abstain"]),
        )
        if isinstance(request, actions.Cast):
            request = dataclasses.replace(request, why=rng.choice(reasons))
        elif not isinstance(request, actions.Action):
            phase = session.scenario.phases[request.request.split(":")[0]]
            open_ = [o.id for o in request.options if o.available]
            choice = phase.history if phase.history in open_ else open_[0]
            request = actions.Choose(request.roles[0], request.request, choice)
        session.submit(request, at_ms=30_000 * n)
    assert session.game.over
    return list(audience.only(session.events, audience.ROOM))


@pytest.fixture(scope="module")
def class_events() -> list[ev.Event]:
    return class_game()


@pytest.mark.parametrize("width", [20, 80, 100, 120])
@pytest.mark.parametrize("plain", [True, False])
def test_a_whole_class_game_is_drawn_to_richs_bytes(
    class_events: list[ev.Event], width: int, plain: bool
) -> None:
    """Every public event of a real class game, drawn on room.txt's console and on a screen
    without colour (the projector with and without --plain): rich's bytes, and only what
    cannot be drawn directly (a panel, a table) left to rich."""
    scenario = catalog.open_scenario("june_1957").scenario
    for file_plain in (True, False):
        outputs = []
        for kind in (Watched, RichOnly):
            buffer = io.StringIO()
            renderer = kind(colourless(file_plain, width, buffer), scenario, plain)
            renderer.events(class_events)
            renderer.console.file.flush()
            outputs.append(buffer.getvalue())
            if isinstance(renderer, Watched):
                watched = renderer
        assert outputs[0] == outputs[1]
        assert {"Text", "Hanging"} <= set(watched.direct)  # a vote's rows among them
        assert "x" * 17 + "…" in outputs[0]  # a long reason cut short in a vote's rows
        if plain:
            assert watched.to_rich == []
        else:
            assert "Rule" in watched.direct
            assert set(watched.to_rich) <= {"Panel", "Table", "Group"}, watched.to_rich
