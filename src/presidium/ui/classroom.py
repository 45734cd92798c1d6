"""``presidium class run``: the projector view and the teacher's console on one keyboard.

The screen is the projector, so it shows only what the whole room may see: every event goes
through ``audience.only(events, "room")`` before it is drawn, and nothing private or sealed
(a role's envelope, a secret ballot voter by voter, a note to the teacher) ever reaches it.
The teacher types at the ``teacher>`` prompt; ``classroom.console`` reads each line, and
every action it gives goes through ``Session.submit``. The session folder is written after
each accepted action (signals held while it is written), so Ctrl-C, a closed terminal or a
crash loses nothing, and ``--resume`` goes on from the log.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import io
import os
import select
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.live import Live
from rich.panel import Panel
from rich.rule import Rule
from rich.segment import Segment
from rich.text import Text

from presidium import audience, seating, signals
from presidium import events as ev
from presidium.actions import Action, Advise, Cast, Close, MakeMove, Note, SetValue, Tally
from presidium.catalog import Opened
from presidium.classroom import console as words
from presidium.classroom import folder
from presidium.classroom.session import Session
from presidium.debrief import invented
from presidium.errors import GameOver, IllegalChoice, UsageError
from presidium.model import Scenario
from presidium.printable import clean
from presidium.ui.play import InputEnded, LineReader, PlayerQuit, as_unicode, command_line
from presidium.ui.render import Renderer, T, as_echoed, make_console, notice
from presidium.ui.wrap import wrapped

PROMPT = "teacher> "
PAUSED_PROMPT = "teacher (paused)> "  # while paused, the prompt says so too
HELP_GAP = "   "  # between a group of console words' label and its words, in 'help'
PRIVATE_LINE = "(a private line)"  # what the screen and room.txt show of one
# what the projector must not see (the join codes, the teacher's key, what reached the
# teacher alone) is shown between these: turned away first, cleared off the screen after
TURN_AWAY = "The projector shows what follows: turn the projector away, then press Enter."
NOTED = "Press Enter once you have noted it: it is then cleared off the screen."
TURNED_BACK = "(The screen is cleared: the projector can be turned back.)"
NOT_CLEARED = (
    "(This output is not a terminal, so it cannot be cleared: clear what is above yourself "
    "before the projector is turned back.)"
)
TURNED_BACK_PIPED = "(The projector can be turned back.)"  # input piped: nobody waits at it
# ANSI: erase the display, then the scrollback (xterm's 3J), then the cursor home
CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H"
ROOM_WIDTH = 80  # room.txt, the public transcript, is laid out this wide
ROOM_HEIGHT = 25  # and this high, where a renderer asks (rich's size for a file)
BALLOT_KINDS = {
    "open": "an open ballot: each vote is shown as it is cast",
    "simultaneous": "a simultaneous ballot: who has voted is shown; how, when it closes",
    "secret": "a secret ballot: only the totals are shown, until the teacher reveals the votes",
}
HOW = {  # a decision's author, as the room is told it
    "hands": " (show of hands)",
    "teacher": " (the teacher's ruling)",
    "conclude": " (by the script, at the bell)",
    "timer": " (time ran out: the script's choice)",
}

VOTE_WORDS = {"for": "votes for", "against": "votes against", "abstain": "abstains"}
STILL_WORDS = {"for": "still for", "against": "still against", "abstain": "still abstaining"}
OBJECTIVE_VERDICTS = {True: "achieved", False: "failed", None: "unknown (counted on paper)"}


class Hanging:
    """Rows of a marker and a text, each text's wrapped lines under its start: what
    ``Renderer.hanging`` draws with a table, to the same characters and styles, drawn
    directly (a table measures every cell before drawing it; a vote's forty lines are drawn
    at each ballot, on the screen and in room.txt). Texts only, as the top of a screen."""

    def __init__(self, rows: list[tuple[Text, Text]], width: int = 0) -> None:
        self.rows = rows
        self.width = width

    def columns(self, width: int) -> tuple[int, int]:
        """The markers' column and the texts' on a screen ``width`` wide."""
        gutter = max([self.width, *(_widest(marker) for marker, _ in self.rows)])
        body = min(max(_widest(text) for _, text in self.rows), width - gutter - 1)
        return gutter, max(1, body)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        gutter, body = self.columns(options.max_width)
        marking = options.update(
            width=gutter, justify="left", overflow="ellipsis", no_wrap=True, height=None
        )
        wrapping = options.update(width=body, justify="left", overflow="ellipsis", height=None)
        gap, end = Segment(" "), Segment.line()
        for marker, text in self.rows:
            left = console.render_lines(marker, marking, pad=True)
            right = console.render_lines(text, wrapping, pad=True)
            for n in range(max(len(left), len(right))):
                yield from left[n] if n < len(left) else [Segment(" " * gutter)]
                yield gap
                yield from right[n] if n < len(right) else [Segment(" " * body)]
                yield end

    def letters(self, width: int) -> list[str] | None:
        """The lines ``__rich_console__`` draws on a screen ``width`` wide, as letters only
        (what a console without colour writes of them), or None where that is not sure to be
        rich's: a text with its own layout or an unusual letter, a row wider than the screen."""
        if not self.rows:
            return None
        gutter, body = self.columns(width)
        if gutter + 1 + body > width:
            return None  # rich crops the rows: its own
        lines = []
        for marker, text in self.rows:
            if not (_laid_out_by_options(marker) and _laid_out_by_options(text)):
                return None
            left = []
            for line in marker.plain.split("\n"):  # not wrapped: the column is its widest
                if not line.isprintable() or len(line) > gutter:
                    return None
                left.append(line + " " * (gutter - cell_len(line)))
            right = wrapped(text.plain, body, column=True)
            if right is None:
                return None
            for n in range(max(len(left), len(right))):
                lines.append(
                    f"{left[n] if n < len(left) else ' ' * gutter} "
                    f"{right[n] if n < len(right) else ' ' * body}"
                )
        return lines


def _widest(text: Text) -> int:
    return max(cell_len(line) for line in text.plain.split("\n"))


def _laid_out_by_options(text: Text) -> bool:
    """Whether ``text`` leaves its wrapping to how it is drawn (it sets no layout of its own)."""
    return (
        text.justify is None and text.overflow is None and text.no_wrap is None and text.end == "\n"
    )


class RoomRenderer(Renderer):
    """The projector: today's ``Renderer`` and the classroom's public events.

    Fed public events only (``show`` filters them); the handlers for private events
    (``Revealed``, ``BallotReceived``, ``Advised``, ``Argued``, ``NoteSent``, ``FloorMove``)
    are deliberately missing, so even an event wrongly addressed could not be drawn by them.
    """

    explains = False  # the whole panel each time: a class game says no ``Changed``

    def __init__(self, console: Console, scenario: Scenario, plain: bool) -> None:
        super().__init__(console, scenario, plain, None)
        self.offered: dict[str, tuple[ev.Option, ...]] = {}
        self.counted: set[str] = set()  # decisions settled by a show of hands
        # what a paper tally of an open ballot adds up to, when it is not its voters' number
        self.paper: Callable[[str], str | None] = lambda _request: None
        # how many hands a show of hands can hold (the bench's or the class's students)
        self.most: Callable[[ev.RequestOpened], int | None] = lambda _request: None
        # a ruling's text, an undo naming the injected event it took back (``undo_named``)
        self.ruled: Callable[[ev.Ruling], str] = lambda ruling: ruling.text
        # on the network ('class serve') every timed request has a countdown, which 'time'
        # can change: a heading then says no minutes, which would go stale
        self.countdowns = False

    def name(self, seat: str) -> str:
        return clean(seating.seat_name(self.scenario, seat))

    def out(self, renderable: RenderableType = "") -> None:
        if not self.wrote_plain(renderable):
            super().out(renderable)

    def blank(self) -> None:
        self.out(Text())

    def wrote_plain(self, renderable: RenderableType) -> bool:
        """Write ``renderable`` as rich would, without rich's console, when that is only its
        letters and newlines: on a console with no colour (room.txt always, the screen with
        ``--plain``), a text (a line that fits as it is, longer ones or several wrapped as
        rich's ``Text.wrap`` wraps them: ``wrapped``), the rows of ``Hanging`` and a heading's
        rule. Rich's console would lay them out the same way, then turn the lines into
        segments, crop and join them again: most of what a class draws is such lines, and
        that work cost more than the rest of a draw. Anything else is rich's."""
        console = self.console
        if (
            console.color_system is not None
            or console.record
            or console.quiet
            or console.is_jupyter
            or console.legacy_windows
            or getattr(console, "_buffer_index", True)  # rich's own; unknown: leave it to rich
        ):
            return False
        lines: list[str] | None = None
        if isinstance(renderable, Text):
            lines = self.text_letters(renderable)
        elif isinstance(renderable, Hanging):
            lines = renderable.letters(console.width)
        elif isinstance(renderable, Rule):  # the line rich's Rule makes, printed as a text
            drawn = list(renderable.__rich_console__(console, console.options))
            if len(drawn) == 1 and isinstance(drawn[0], Text):
                lines = self.text_letters(drawn[0])
        if lines is None:
            return False
        console.file.write("\n".join(lines) + "\n")
        console.file.flush()
        return True

    def text_letters(self, text: Text) -> list[str] | None:
        """The lines ``console.print(text)`` writes on this console without colour, or None."""
        if text.justify not in (None, "default") or text.overflow not in (None, "fold"):
            return None
        if text.no_wrap:
            return None
        return wrapped(text.plain, self.console.width)

    def hanging_texts(self, rows: list[tuple[Text, Text]]) -> RenderableType:
        """``hanging(rows)``, drawn without a table where the screen leaves room for it."""
        widest = max((_widest(marker) for marker, _ in rows), default=0)
        if not rows or widest + 2 > self.console.width:
            return self.hanging(rows)
        return Hanging(rows)

    def on_request(self, e: ev.RequestOpened) -> None:
        minutes = f" ({e.minutes} minutes)" if e.minutes and not self.countdowns else ""
        if e.kind == "decision":
            self.offered[e.request] = e.options
            self.heading(f"{e.title}{minutes}")
            if self.plain:
                for option in e.options:
                    self.out(Text(f"{option.number}. ").append_text(self.option_line(option)))
            else:
                rows = [
                    (Text(f"{o.number}.", style="presidium.number"), self.option_line(o))
                    for o in e.options
                ]
                self.out(self.hanging_texts(rows))
            if len(e.roles) > 1:
                advisers = ", ".join(self.name(s) for s in e.roles[1:])
                self.out(T(f"Advising: {advisers}.", "presidium.label"))
            if e.roles:
                self.out(
                    T(
                        f"(Type 'as {words.key_of(e.roles[0])} NUMBER', or a show of hands: "
                        f"'{words.hands_example(e.options, self.most(e))}'.)",
                        "presidium.label",
                    )
                )
        elif e.kind == "ballot":
            self.heading(f"Ballot: {e.title}{minutes}")
            kind = BALLOT_KINDS.get(e.ballot or "", "")
            voters = ", ".join(self.name(s) for s in e.roles)
            self.out(T(f"{kind[:1].upper()}{kind[1:]}." if kind else "", "presidium.label"))
            if voters:
                self.out(T(f"Voting: {voters}."))
            paper = self.paper(e.request)
            if paper:
                self.out(T(paper, "presidium.label"))
        elif e.kind == "floor":
            self.heading(f"{e.title}{minutes}")
            self.out(
                T("Moves, declarations and arguments now; moves are settled when the floor closes.")
            )
            if e.roles:
                self.out(T(f"On the floor: {', '.join(self.name(s) for s in e.roles)}."))
        else:
            self.blank()
            self.out(T(f"{e.title}: the teacher rates the argument from 1 to 5."))

    def on_closed(self, e: ev.RequestClosed) -> None:
        self.offered.pop(e.request, None)
        counted = e.request in self.counted
        self.counted.discard(e.request)
        if e.kind == "decision" and (e.by == "complete" or counted):
            return  # the choice is said next, with how it was made
        if e.summary:
            self.out(T(e.summary, "presidium.label"))

    def on_hands(self, e: ev.HandsCounted) -> None:
        self.counted.add(e.request)
        labels = {o.id: o.label for o in self.offered.get(e.request, ())}
        counts = "; ".join(f"{labels.get(c, c)}: {n}" for c, n in e.counts)
        self.blank()
        self.out(T(f"Show of hands: {counts}."))
        if e.tie_broken:
            self.out(
                T(
                    "A tie: it goes to the choice the scenario's script would take.",
                    "presidium.label",
                )
            )

    def on_ballot_progress(self, e: ev.BallotProgress) -> None:
        if e.voted or e.waiting:
            line = f"Voted ({e.count} of {e.of}): {', '.join(e.voted) or 'nobody yet'}."
            if e.waiting:
                line += f" Waiting for: {', '.join(e.waiting)}."
        else:
            line = f"{e.count} of {e.of} have voted."
        self.out(T(line))

    def on_ballot_cast(self, e: ev.BallotCast) -> None:
        line = Text()
        line.append(clean(e.name), style="presidium.choice")
        line.append(f" {clean(cast_words(e.vote, e.was, e.why))}")
        if e.why:
            line.append(f": {clean(e.why)}")
        self.out(line)

    def on_ballot_changed(self, e: ev.BallotChanged) -> None:
        line = Text()
        if e.name:
            line.append(clean(e.name), style="presidium.choice")
            line.append(" changes the vote.")
        else:  # a secret ballot: nobody is named
            line.append("A voter changes the vote.")
        self.out(line)

    def on_move_resolved(self, e: ev.MoveResolved) -> None:
        line = Text()
        line.append(f"{clean(e.name)}: {clean(e.label)}", style="presidium.choice")
        if e.counterfactual:
            line.append(" [counterfactual]", style="presidium.counterfactual")
        if e.chance is not None:
            percent, roll, success = e.chance
            line.append(
                f" ({percent}% chance, rolled {roll}: {'success' if success else 'failure'})"
            )
        self.blank()
        self.out(line)
        if e.text:
            self.out(T(e.text))

    def on_declared(self, e: ev.Declared) -> None:
        self.blank()
        self.out(T(f"{e.name} declares: {e.label}.", "presidium.choice"))

    def on_rated(self, e: ev.Rated) -> None:
        self.out(
            T(
                # what it did to the target's stance is said once, as the rating closes
                f"The argument is rated {e.strength} of 5: a {e.percent}% chance, rolled {e.roll}.",
                "presidium.good" if e.success else "presidium.bad",
            )
        )

    def on_injected(self, e: ev.Injected) -> None:
        label = "[Counterfactual] " if e.counterfactual else ""
        body = Text()
        body.append_text(self.paragraphs(e.text))
        if e.sources:
            body.append(
                clean(f"\n\n[Sources: {', '.join(self.cite(s) for s in e.sources)}]"),
                style="presidium.note",
            )
        title = f"Teacher's event: {label}{e.label}"
        if self.plain:
            self.heading(title)
            self.out(body)
        else:
            self.blank()
            if len(title) > self.console.width - 8:  # a long title goes in the body, wrapped
                head = T(f"{label}{e.label}\n\n", "presidium.title")
                body, title = head.append_text(body), "Teacher's event"
            self.out(Panel(body, title=T(title, "presidium.title"), padding=(1, 2)))

    def on_ruling(self, e: ev.Ruling) -> None:
        """A ruling, labelled as the teacher's: the room sees every one, with its reason."""
        said = {"set": "The teacher rules: ", "overrule": "The teacher overrules: "}
        line = said.get(e.kind, "") + self.ruled(e).rstrip(".")
        if e.reason:
            line += f". Reason: {e.reason.rstrip('.')}"
        self.blank()
        self.out(T(line + ".", "presidium.title"))

    def on_paused(self, e: ev.Paused) -> None:
        """A pause, as a heading the room cannot miss, with the reason said."""
        reason = e.reason.strip().rstrip(".")
        self.heading(f"Paused by the teacher{': ' + reason if reason else ''}")
        self.out(T("No one acts until the teacher resumes the game.", "presidium.label"))

    def on_resumed(self, _e: ev.Resumed) -> None:
        self.blank()
        self.out(T("The game goes on.", "presidium.title"))

    def on_seat(self, e: ev.SeatChanged) -> None:
        held = (
            "a student plays it again" if e.held else "the scenario's script plays it from now on"
        )
        self.out(T(f"{e.name}: {held}.", "presidium.label"))

    def on_concluded(self, _e: ev.Concluded) -> None:
        self.heading("The bell: the script plays every seat on to an ending")

    def on_objectives(self, e: ev.ObjectivesScored) -> None:
        self.heading(f"Objectives: {e.name}")
        rows = []
        for result in e.results:
            verdict = OBJECTIVE_VERDICTS[result.achieved]
            # one stop, after the verdict: "… a ministry (main objective): failed."
            line = f"{result.text.rstrip().removesuffix('.')} ({result.kind} objective): {verdict}."
            if result.comment:
                line += f" {result.comment}"
            rows.append((Text("-"), T(line)))
        self.out(self.hanging_texts(rows))

    def on_vote(self, e: ev.VoteHeld) -> None:
        """A vote, voter by voter, as lines that wrap under their text at any width (a bloc
        of delegates has a long name); a secret ballot says that only its totals are shown."""
        self.heading(f"Vote: {'[Counterfactual] ' if e.counterfactual else ''}{e.title}")
        self.out(T(f"Motion: {e.motion}"))
        rows = []
        for b in e.ballots:
            line = Text()
            line.append(clean(b.name), style="presidium.choice")
            line.append(f" {VOTE_WORDS[b.vote]}")
            if b.why:
                line.append(f": {clean(b.why)}")
            rows.append((Text("-"), line))
        for bloc in e.blocs:
            line = Text()
            line.append(clean(bloc.label), style="presidium.choice")
            line.append(
                f": {bloc.votes_for} for, {bloc.votes_against} against, "
                f"{bloc.abstentions} abstaining. "
            )
            line.append(clean(bloc.reason))
            rows.append((Text("-"), line))
        if rows:
            self.out(self.hanging_texts(rows))
        else:
            self.out(T("The ballot was secret: only the totals are shown.", "presidium.label"))
        self.vote_result(e)

    def on_choice(self, e: ev.ChoiceMade) -> None:
        self.blank()
        text = Text(
            f"{clean(e.seat_name)} chose: ",
            style="presidium.script" if e.by == "script" else "presidium.choice",
        )
        text.append(clean(e.label))
        self.tag_counterfactual(text, invented(self.scenario, e.phase, e.choice))
        text.append(HOW.get(e.by, ""), style="presidium.label")
        self.out(text)


# --------------------------------------------------------------------------- the console


def view_of(session: Session) -> words.View:
    """What the console's words may know of a session now: its open requests, the seats the
    script plays, the latest decision (for overrule)."""
    game = session.game
    trail = game.trail
    return words.View(
        session.scenario,
        session.seating,
        tuple(game.requests.values()),
        game.scripted,
        trail[-1].phase if trail else None,
        game.over,
        game.paused,
        game.injected,
    )


class Teacher:
    """One class session at the keyboard: read a line, do what it says, show the room."""

    def __init__(
        self,
        opened: Opened,
        session: Session,
        place: Path,
        screen: RoomRenderer,
        record: RoomRenderer,
        record_buffer: io.StringIO,
        reader: LineReader,
        program: str,
        start_ms: int = 0,
    ) -> None:
        self.opened = opened
        self.session = session
        self.place = place
        self.journal = folder.Journal(place)  # what phones do is appended (see ``keep``)
        self.screen = screen
        self.record = record
        self.record_buffer = record_buffer
        self.reader = reader
        self.program = program
        self.start = time.monotonic() - start_ms / 1000
        self.told_end = False
        # what phones did, written but not yet drawn: (which ballot, public events, actions
        # with private effects, every action) a batch (see ``took``)
        self.unshown: list[tuple[str, list[ev.Event], list[Action], list[Action]]] = []
        self.verb = "run"  # how the class was started: 'run' or 'serve' (--resume hints, paper)
        self.resume_options: tuple[str, ...] = ()  # and what else they need ('--port N')
        self.unused: frozenset[str] = (
            frozenset()
        )  # words 'help' leaves out ('serve': keyboard-only)
        self.room_before = ""  # room.txt of the lessons before a resume
        self.private_seen = 0  # the events 'private' has shown the teacher
        self.projector_away = False  # the teacher has turned it away already (class serve)
        self.secret_shown = False  # something the room must not see is on the screen now
        self.newest_ended = False  # '--resume' alone found no unfinished session: the newest
        screen.paper = record.paper = self.paper_line
        screen.most = record.most = lambda request: words.hands_at_most(self.view(), request)
        screen.ruled = record.ruled = lambda ruling: words.undo_named(ruling, self.session.events)

    @property
    def scenario(self) -> Scenario:
        return self.opened.scenario

    # ------------------------------------------------------------------ showing
    def both(self, name: str, *args: Any) -> None:
        """The same call to the projector and to room.txt, room.txt first (signals held)."""
        with signals.holding():
            getattr(self.record, name)(*args)
        getattr(self.screen, name)(*args)

    def show(self, events: Iterable[ev.Event]) -> None:
        self.both("events", list(audience.only(events, audience.ROOM)))

    def error(self, message: str) -> None:
        self.screen.error(message)

    def view(self) -> words.View:
        return view_of(self.session)

    # ------------------------------------------------------------------ the loop
    def run(self) -> int:
        while True:
            if self.session.game.over and not self.told_end:
                self.told_end = True
                self.ended()
            line = self.read(PAUSED_PROMPT if self.session.game.paused is not None else PROMPT)
            if line is None:
                if self.session.game.over:
                    self.saved()
                    return 0
                raise InputEnded(
                    "input ended before the game did; the session is saved: " + self.resume_hint()
                )
            parsed = words.parse(line, self.view())
            if parsed is None:
                continue
            if isinstance(parsed, words.Problem):
                self.error(as_sentence(parsed.reason))
            elif isinstance(parsed, words.Actions):
                self.submit_all(parsed.actions)
            else:
                self.command(parsed)

    def read(self, prompt: str) -> str | None:
        """A typed line. One that says something private (a note, advice, a secret ballot)
        is shown and recorded only as "(a private line)", and a label's name (a student's,
        typed by a 'label' line) is left out: at a terminal the line is erased from the
        screen once read and shown again without it, and piped input never shows it."""
        answer = self.reader.read(prompt)
        if answer is None:
            return None
        self.echo_line(prompt, answer)
        return answer

    def echoed(self, answer: str) -> str | None:
        """A line just read as the screen and room.txt show it, when that is not as it was
        typed: "(a private line)", or a 'label' line without its name; else None."""
        view = self.view()
        if words.private(answer, view):
            return PRIVATE_LINE
        return words.label_left_out(answer, view)

    def take_back(self, prompt: str, answer: str) -> bool:
        """Erase a line just typed at a terminal if the screen must not keep it as typed
        (``echoed``), before anything else is drawn below it; whether it was erased."""
        if not self.reader.interactive or self.echoed(answer) is None:
            return False
        self.erase(len(prompt) + len(answer))
        return True

    def echo_line(self, prompt: str, answer: str, taken_back: bool = False) -> None:
        """Show and record a line just read, as ``read`` describes (``class serve`` reads in
        a thread of its own and echoes in the game's; ``taken_back``: it has erased the
        line already, with ``take_back``)."""
        echoed = self.echoed(answer)
        shown = prompt + (as_echoed(answer) if echoed is None else echoed)
        if self.reader.interactive:
            if echoed is not None:
                if not taken_back:
                    self.erase(len(prompt) + len(answer))
                self.screen.echo(shown)
        else:
            self.screen.echo(shown)
        with signals.holding():
            self.record.echo(shown)

    def erase(self, typed: int) -> None:
        """Take a line just typed off the terminal: the cursor up over its rows, each erased."""
        width = max(1, self.screen.console.width)
        rows = max(1, -(-typed // width))
        self.screen.console.file.write("\x1b[1A\x1b[2K" * rows)
        self.screen.console.file.flush()

    def now_ms(self) -> int:
        return int((time.monotonic() - self.start) * 1000)

    def submit_all(self, actions: Iterable[Action]) -> bool:
        """Submit each action in turn; the first the game refuses stops the rest.

        Each accepted action is in the folder as soon as the game has it; the room is shown
        what they did together (a roll call's progress once, not a line a voter). Nothing is
        shown before it is written: whatever stops the program then, nothing shown is lost.
        """
        accepted = True
        taken: list[tuple[Action, list[ev.Event]]] = []
        actions = list(actions)
        which = self.which_ballot(actions)
        with signals.holding():
            for action in actions:
                try:
                    events = self.session.submit(action, self.now_ms())
                except (IllegalChoice, GameOver) as exc:
                    self.error(as_sentence(str(exc)))
                    accepted = False
                    break
                self.write()
                taken.append((action, events))
                if any(isinstance(e, ev.Refused) for e in events):
                    accepted = False
                    break
        self.took(taken, which if accepted else "")
        return accepted

    def took(
        self, taken: list[tuple[Action, list[ev.Event]]], which: str = "", later: bool = False
    ) -> None:
        """Show the room what accepted actions did, once they are written: their public
        events together, and for an action whose effect is private (a move, advice, a note)
        only that it was taken. The web classroom calls this for what the phones did, with
        ``later``: the save is written now, and the room's record and the screen are drawn
        by ``show_later``, for every batch since the last time at once (a ballot's progress
        once, not at every write); its line in the folder is then left for the server to
        sync (``journal.syncing``)."""
        shown: list[ev.Event] = []
        quiet: list[Action] = []
        for action, events in taken:
            public = list(audience.only(events, audience.ROOM))
            shown.extend(public)
            if not public:
                quiet.append(action)
        actions = [action for action, _ in taken]
        if later:
            last = self.unshown[-1] if self.unshown else None
            if last is not None and last[0] == which and not last[2]:  # the same ballot
                last[1].extend(shown)
                last[2].extend(quiet)
                last[3].extend(actions)
            else:
                self.unshown.append((which, shown, quiet, actions))
            self.keep(room=False, sync=False)  # synced by the server, off its loop
            return
        self._show(which, _latest_progress(shown), quiet, actions)

    def show_later(self) -> None:
        """Draw what ``took(..., later=True)`` kept, in order, and write the room's record."""
        kept, self.unshown = self.unshown, []
        for which, shown, quiet, actions in kept:
            self._show(which, _latest_progress(shown), quiet, actions, write=False)
        if kept:
            self.keep()

    def _show(
        self,
        which: str,
        shown: list[ev.Event],
        quiet: list[Action],
        actions: list[Action],
        write: bool = True,
    ) -> None:
        with signals.holding():
            if which:
                self.record.out(T(which, "presidium.label"))
            self.record.events(shown)
            for action in quiet:
                self.record.out(T(self.noted(action), "presidium.label"))
            if write:
                self.write()
        if which:
            self.screen.out(T(which, "presidium.label"))
        self.screen.events(shown)
        for action in quiet:
            self.screen.out(T(self.noted(action), "presidium.label"))
        self.ruled_status(actions)

    def ruled_status(self, actions: Iterable[Action]) -> None:
        """After 'set', the room has been told the ruled value: the next state of play says
        what changed since the ruling, not since the last panel shown."""
        ruled = {a.variable for a in actions if isinstance(a, SetValue)}
        labels = {i.label for i in self.scenario.status if i.variable in ruled}
        now = {line.label: line.value for line in self.session.game.status().lines}
        for renderer in (self.record, self.screen):
            for label in labels & set(renderer.shown_status) & set(now):
                renderer.shown_status[label] = now[label]

    def which_ballot(self, actions: Iterable[Action]) -> str:
        """With several ballots open at once, which one a ballot or a tally went to."""
        ballots = {r.request: r for r in self.view().requests if r.kind == "ballot"}
        if len(ballots) < 2:
            return ""
        used = [getattr(a, "request", None) for a in actions if isinstance(a, Cast | Tally)]
        titles = dict.fromkeys(clean(ballots[r].title) for r in used if r in ballots)
        return f"In the ballot: {'; '.join(titles)}." if titles else ""

    def noted(self, action: Action) -> str:
        """What the room is told of an action whose effect is private: that it was taken."""
        role = getattr(action, "role", None)
        name = seating.seat_name(self.scenario, role) if role else "The teacher"
        if isinstance(action, MakeMove):
            return f"{name}'s move is taken; it is settled when the floor closes."
        if isinstance(action, Advise):
            return f"{name}'s advice is given."
        if isinstance(action, Note):
            return f"{name}'s note is passed to the teacher."
        return "Noted."

    def command(self, parsed: words.Command) -> None:
        if parsed.word == "quit":
            raise PlayerQuit("goodbye")
        if parsed.word == "help":
            self.help(parsed.target)
        elif parsed.word == "status":
            self.screen.on_status(self.session.game.status(), always=True)
        elif parsed.word == "roster":
            self.roster()
        elif parsed.word == "open":
            self.open_requests()
        elif parsed.word == "look":
            self.screen.events(audience.only(_last_scene(self.session.events), audience.ROOM))
        elif parsed.word == "notes":
            self.screen.notes(self.session.game.scenes_since_decision())
        elif parsed.word == "private":
            self.private()
        elif parsed.word == "save":
            self.save(parsed.target)
        elif parsed.word == "secret":
            assert parsed.seat is not None and parsed.request is not None
            self.secret(parsed.seat, parsed.request)
        elif parsed.word == "note":
            assert parsed.seat is not None
            self.note(parsed.seat)
        elif parsed.word == "wait":
            assert parsed.request is not None and parsed.seconds is not None
            self.wait(parsed.request, parsed.seconds)

    # ------------------------------------------------------------------ console words
    def help(self, word: str | None = None) -> None:
        """The console words this game can use: grouped by what they are for (the whole list
        fits on a 24-line screen, and no word's syntax is broken across lines), or one word
        with what it does, and for 'set', 'inject' and 'move' what can be named now."""
        mode = self.session.seating.mode
        usable = [w for w in words.usable(mode) if w not in self.unused]
        if word is not None:
            if word not in usable:
                self.error(f"'{word}' is not in a benches game.")
                return
            typed, meaning = words.WORDS[word]
            self.screen.out(T(f"{typed} - {meaning}."))
            self.help_names(word)
            return
        self.screen.heading("Console words ('help WORD' says what one does)")
        if self.screen.plain:  # one word a line, as a screen reader reads best
            for typed, meaning in (words.WORDS[w] for w in usable):
                self.screen.out(T(f"{typed} - {meaning}"))
        else:
            groups = [
                (label, [words.WORDS[w][0] for w in group if w in usable])
                for label, group in words.GROUPS
            ]
            groups = [(label, syntax) for label, syntax in groups if syntax]
            # the widest label is followed by a gap as wide as " · ": "the session" did not
            # read apart from its words ("the session save [FILE]") without colour
            gutter = max(len(label) for label, _ in groups) + len(HELP_GAP) - 1
            room = self.screen.console.width - gutter - 1
            rows = [
                (T(label, "presidium.label"), T("\n".join(_packed(syntax, " · ", room))))
                for label, syntax in groups
            ]
            self.screen.out(self.screen.hanging(rows, gutter))
        seats = ", ".join(words.key_of(s) for s in self.session.seating.seats)
        what = "Benches" if self.session.seating.mode == "benches" else "Roles"
        self.screen.out(T(f"{what} here: {seats}.", "presidium.label"))
        for request in self.view().requests:
            if request.kind == "decision":
                pairs = [f"{o.number} = {o.id}," for o in request.options]
                pairs[-1] = pairs[-1][:-1] + "."
                lines = _packed(["Choices open:", *pairs], " ", self.screen.console.width)
                self.screen.out(T("\n".join(lines), "presidium.label"))

    def help_names(self, word: str) -> None:
        """What 'help set', 'help inject' and 'help move' add: the names to type now."""
        game = self.session.game
        if word == "set":
            lines, none = words.values_help(self.scenario, game.values), "no values to set"
        elif word == "inject":
            lines = words.injections_help(
                self.scenario, game.machine.state, game.values, game.injected
            )
            none = "no event can be injected now"
            if not lines:  # none now: every event still to come, and where, to plan by
                lines = words.injections_planned(self.scenario, game.injected)
                self.screen.out(T(words.nothing_to_inject(lines), "presidium.label"))
                if not lines:
                    return
        elif word == "move":
            lines, none = words.moves_help(self.view()), "no seated role has moves"
        else:
            return
        if not lines:
            self.screen.out(T(f"({none[:1].upper()}{none[1:]}.)", "presidium.label"))
            return
        rows = []
        for line in lines:
            name, _, what = line.partition(": ")
            rows.append((T(name, "presidium.choice"), T(what)))
        self.screen.out(self.screen.hanging(rows))

    def private_waiting(self) -> list[ev.Event]:
        """What reached the teacher alone since 'private' was last used."""
        events = self.session.events
        start = min(self.private_seen, len(events))
        return [e for e in events[start:] if e.to and ev.TEACHER in e.to]

    def private(self) -> None:
        """What reached the teacher alone since 'private' was last used: notes, advice, moves
        and their private outcomes. The screen is the projector, so it asks for the
        projector to be turned away first (unless ``projector_away``: ``class serve`` asks
        in its console's thread, never in the loop that serves the phones); none of it goes
        to room.txt."""
        mine = self.private_waiting()
        self.private_seen = len(self.session.events)
        if not mine:
            self.screen.out(T("Nothing private has reached you since you last looked."))
            return
        asked = not self.projector_away
        if asked and not self.turn_away():
            return
        self.screen.heading("For the teacher only")
        rows = [(Text("-"), T(_private_line(self.scenario, e))) for e in mine]
        self.screen.out(self.screen.hanging(rows))
        if asked:
            self.turn_back()

    def turn_away(self) -> bool:
        """Before a secret is shown: ask for the projector to be turned away and, at a
        keyboard, wait for Enter. False if the keyboard is gone (nothing is to be shown)."""
        self.screen.out(T(TURN_AWAY, "presidium.bad"))
        return not self.reader.interactive or self.reader_hidden("") is not None

    def where(self) -> None:
        """Where the class is, after the screen was cleared (``turn_back``): the scene's
        title, a pause, what is open with who has not answered, and the words that show
        more. For the screen alone: room.txt was never cleared."""
        scenes = [e for e in self.session.events if isinstance(e, ev.PhaseStarted)]
        title = f"Now: {scenes[-1].title}" if scenes else "Now"
        self.screen.heading(title)
        paused = self.session.game.paused
        if paused is not None:
            reason = f": {paused.strip().rstrip('.')}" if paused.strip() else ""
            self.screen.out(T(f"The game is paused{reason} ('resume' goes on).", "presidium.bad"))
        self.open_requests(heading=False)
        self.screen.out(
            T("('look' shows the scene again, 'status' the state of play.)", "presidium.label")
        )

    def turn_back(self, recap: bool = True) -> bool:
        """After a secret is shown (the join codes, the teacher's key, what is private): at
        a keyboard, wait until the teacher has noted it (Enter), clear it off the screen and
        the terminal's scrollback, and only then say that the projector can be turned back.
        An interrupted wait (Ctrl-C, the terminal closed) clears it all the same. Output
        that is not a terminal is never sent escape codes: the teacher is told to clear it.
        ``class run`` and ``class serve`` both end a secret here (serve in its console's
        thread); nothing of it ever goes to room.txt. Once the screen is cleared it says
        where the class is (``where``), unless ``recap`` is False (serve says it in the
        game's thread). Whether the screen was cleared."""
        if not self.reader.interactive:  # piped: nobody is at the keyboard to press Enter
            self.screen.out(T(TURNED_BACK_PIPED, "presidium.label"))
            return False
        self.secret_shown = True
        try:
            self.screen.out(T(NOTED, "presidium.bad"))
            self.reader_hidden("")
        finally:
            cleared = self.clear_secret()
        self.screen.out(T(TURNED_BACK if cleared else NOT_CLEARED, "presidium.label"))
        if cleared and recap:  # the screen is blank: say where the class is again
            self.where()
        return cleared

    def clear_secret(self) -> bool:
        """Clear the screen and its scrollback if a secret is on it (``turn_back``, and on
        the way out after Ctrl-C); whether the screen could be cleared. Nothing is written
        to output that is not a terminal."""
        if not self.secret_shown:
            return True
        self.secret_shown = False
        out = self.screen.console.file
        try:
            if not out.isatty():
                return False
            out.write(CLEAR_SCREEN)
            out.flush()
        except (OSError, ValueError):
            return False
        return True

    def roster(self) -> None:
        seated = self.session.seating
        scripted = self.view().scripted
        counted = seated.counted
        self.screen.heading(f"Roster: {seated.students} students" if counted else "Roster")
        for seat in seated.seats:
            who = "a student"
            if seated.mode == "benches":
                count = seated.size(seat)
                who = f"{count} student{'s' * (count != 1)}" if counted else "its bench"
            if seat in scripted:
                who = "the script"
            name = seating.seat_name(self.scenario, seat)
            self.screen.out(T(f"{words.key_of(seat)}: {name}, played by {who}"))
        unseated = [
            r.name
            for r in self.scenario.roles.values()
            if not any(seating.role_of(s) == r.id for s in seated.seats)
        ]
        if unseated and seated.mode == "roles":
            self.screen.out(
                T(f"Played by the script (not dealt): {', '.join(unseated)}.", "presidium.label")
            )

    def open_requests(self, heading: bool = True) -> None:
        """'open': each open request by the name that closes it ('close NAME'), its title,
        who answers it and who has not voted yet; ``heading``: under an "Open" heading."""
        requests = self.view().requests
        if not requests:
            self.screen.out(
                T("Nothing is open." if not self.session.game.over else "The game has ended.")
            )
            return
        if heading:
            self.screen.heading("Open")
        for request in requests:
            who = ", ".join(words.key_of(s) for s in request.roles) or "the teacher"
            wait = "the game waits for it" if request.blocking else "the game goes on meanwhile"
            name = words.handle(request)
            kind = "" if name == request.kind else f"{request.kind}; "
            self.screen.out(T(f"{name}: {request.title} ({kind}{who}; {wait})"))
            if request.kind == "ballot":
                waiting = self.not_voted(request)
                seats = [s for s in request.roles if s not in self.session.game.scripted]
                done = len(seats) - len(waiting)
                count = f"{done} of {len(seats)} have voted" if done else "nobody has voted"
                line = f"  {count}; not yet: {', '.join(waiting)}" if waiting else f"  {count}"
                self.screen.out(T(line, "presidium.label"))
                paper = self.paper_line(request.request)
                if paper:
                    self.screen.out(T(f"  {paper}", "presidium.label"))

    def paper_line(self, request: str) -> str | None:
        """What a paper tally of an open ballot adds up to (its ballots not yet in), when
        delegates make it more than the number of voters still to vote; never on the network."""
        game = self.session.game
        # paper slips ('tally') are counted at one keyboard, not on the network ('serve'),
        # where every voter and delegate votes on a phone
        held = game.paper_votes(request) if self.verb != "serve" else None
        if held is None:
            return None
        voted = game.voted(request)
        waiting = [s for s in game.requests[request].roles if s not in game.scripted | voted]
        if sum(held) == len(waiting):  # a vote a voter: "1 of 8 have voted" says it all
            return None
        return words.paper_line(*held)

    def not_voted(self, request: ev.RequestOpened) -> list[str]:
        """The voters of an open ballot whose ballot the game does not hold (one taken back by
        'undo' included). Who has voted is no secret at one keyboard (the room saw "Bulganin
        has voted"); how is."""
        voted = self.session.game.voted(request.request)
        scripted = self.session.game.scripted
        return [words.key_of(s) for s in request.roles if s not in voted and s not in scripted]

    def secret(self, seat: str, request: str) -> None:
        """A role at the keyboard: a secret ballot, or advice to its leader. Nothing typed is
        shown, on the screen or in room.txt; the room is told only that it was given."""
        name = seating.seat_name(self.scenario, seat)
        opened = {r.request: r for r in self.view().requests}
        advice = opened[request].kind == "decision" if request in opened else False
        ballots = [r for r in opened.values() if r.kind == "ballot"]
        which = f" ({opened[request].title})" if len(ballots) > 1 and not advice else ""
        what = "a number or a choice id" if advice else "for, against or abstain"
        self.both("out", T(f"{name} comes to the keyboard{which}: type {what} (it is not shown)."))
        for _ in range(3):
            typed = self.reader_hidden("Advice: " if advice else "Ballot: ")
            if typed is None:
                raise InputEnded(
                    "input ended at the keyboard's hidden line; the session is saved: "
                    + self.resume_hint()
                )
            action: Action
            if advice:
                option = next(
                    (
                        o
                        for o in opened[request].options
                        if typed.strip().lower() in (str(o.number), o.id)
                    ),
                    None,
                )
                if option is None:
                    self.error(
                        f"That is not a choice here: type 1 to {len(opened[request].options)}."
                    )
                    continue
                action = Advise(seat, request, option.id)
            else:
                value = words.ballot_value(typed)
                if value is None:
                    self.error("That is not a ballot: type for, against or abstain.")
                    continue
                action = Cast(seat, request, value)
            self.hidden_submit(action, f"{name} has voted." if not advice else None)
            return
        self.error(f"Nothing was taken for {name}; 'secret {words.key_of(seat)}' tries again.")

    def note(self, seat: str) -> None:
        """A note to the teacher, typed unseen: the room is told only that one was passed."""
        name = seating.seat_name(self.scenario, seat)
        self.both("out", T(f"{name} comes to the keyboard: type the note (it is not shown)."))
        typed = self.reader_hidden("Note: ")
        if typed is None:
            raise InputEnded(
                "input ended at the keyboard's hidden line; the session is saved: "
                + self.resume_hint()
            )
        parsed = words.parse(f"note {words.key_of(seat)} -- {typed}", self.view())
        if isinstance(parsed, words.Problem):
            self.error(parsed.reason[:1].upper() + parsed.reason[1:] + ".")
        elif isinstance(parsed, words.Actions):
            self.submit_all(parsed.actions)
        else:
            self.error("An empty note is not passed.")

    def hidden_submit(self, action: Action, said: str | None) -> None:
        """Submit what was typed unseen; the room sees ``said`` (or what the action's own
        public events say), never what was typed."""
        if said is None:
            self.submit_all([action])
            return
        before = len(self.session.game.log)
        said = " ".join(filter(None, [self.which_ballot([action]), said]))
        with signals.holding():
            try:
                events = self.session.submit(action, self.now_ms())
            except (IllegalChoice, GameOver) as exc:
                reason = str(exc)
                self.error(f"{reason[:1].upper()}{reason[1:]}.")
                return
            public = list(audience.only(events, audience.ROOM))
            taken = len(self.session.game.log) > before
            if taken:
                self.record.out(T(said))
            self.record.events(public)
            self.write()
        if taken:
            self.screen.out(T(said))
        self.screen.events(public)

    def reader_hidden(self, prompt: str) -> str | None:
        reader = self.reader
        if reader.interactive:
            try:
                return as_unicode(getpass.getpass(prompt))
            except EOFError:
                return None
        if reader.stream is None:
            return None
        line = reader.stream.readline()
        if not line:
            return None
        reader.echo(prompt)  # the prompt, never the answer
        return as_unicode(line.rstrip("\r\n"))

    def wait(self, request: str, seconds: int) -> None:
        """A countdown until the time is up or Enter is pressed; then the request closes."""
        if self.reader.interactive:
            self.countdown(seconds)
        else:
            self.screen.out(
                T(
                    f"(A countdown of {_clock(seconds)}; piped input does not wait.)",
                    "presidium.label",
                )
            )
        if any(r.request == request for r in self.view().requests):
            self.submit_all([Close(request, timer=True)])

    def countdown(self, seconds: int) -> None:
        """The time left, in place, until it is up or a key is pressed. Keys are read one at
        a time and not echoed meanwhile, so the Enter that ends it leaves no stray line."""
        end = time.monotonic() + seconds
        with (
            _keys_unechoed() as read_key,
            Live(console=self.screen.console, auto_refresh=False, transient=True) as live,
        ):
            while True:
                left = max(0, round(end - time.monotonic()))
                shown = f"Time left: {_clock(left)}  (press Enter to end it now)"
                live.update(Text(shown, style="presidium.title"), refresh=True)
                if left <= 0 or read_key(min(1.0, max(0.0, end - time.monotonic()))):
                    break
        self.both("out", T("Time."))

    def save(self, target: str | None) -> None:
        self.write()
        if target:
            from presidium import saves

            try:
                written = saves.write(self.session.to_save(), saves.place(target))
            except saves.SaveError as exc:
                self.error(f"Not saved: {exc}.")
                return
            notice(self.screen.console, f"A copy of the session is in {written}.")
        notice(self.screen.console, f"The session is saved in {self.place}.")

    def left_to_reveal(self) -> list[str]:
        """What 'reveal' has still to show: the secret ballots still sealed, the objectives
        (a benches game has neither)."""
        room = self.session.game.room
        sealed: tuple[object, ...] = ()
        objectives = False
        if room is not None and self.session.seating.mode != "benches":
            sealed, objectives = room.revealable()
        return [w for w, n in (("the secret ballots", sealed), ("the objectives", objectives)) if n]

    def ended(self) -> None:
        self.screen.blank()
        left = self.left_to_reveal()
        reveal = f"'reveal' shows {' and '.join(left)}; " if left else ""
        notice(self.screen.console, f"The game has ended. {reveal}'quit' leaves.")
        self.say_command("The post-mortem:", "class", "debrief", str(self.place))

    def say_command(self, said: str, *words: str) -> None:
        """``said``, then the command on a line of its own, whole and unpunctuated, so that
        it can be copied as it stands."""
        notice(self.screen.console, said)
        self.screen.console.print(
            Text("    " + clean(command_line(self.program, *words))), overflow="ignore", crop=False
        )

    def saved(self, interrupted: bool = False) -> None:
        """Where the session is, on the way out, and what to do with it next (the
        post-mortem's command is said once: at the end of the game, or here)."""
        if interrupted:
            self.screen.blank()  # off the line of the prompt, where ^C was typed
        first = "Nothing is lost: the" if interrupted else "The"
        notice(self.screen.console, f"{first} session is saved in {self.place}.")
        debrief = ("class", "debrief", str(self.place))
        if self.session.game.over:
            if not self.told_end or interrupted:  # after Ctrl-C, said again: it may be far up
                self.say_command("The post-mortem:", *debrief)
            why = "to 'reveal', or show" if self.left_to_reveal() else "to show"
            self.say_command(
                f"To bring it back ({why} the ending again next lesson):", *self.resume_words()
            )
            return
        self.say_command("To go on with it:", *self.resume_words())
        self.say_command("Once it has ended ('conclude' at the bell), the post-mortem:", *debrief)

    def welcome(self, resuming: bool) -> None:
        """The first screen: the title and who plays, or, resumed, where the class is."""
        session = self.session
        if resuming:
            self.both("heading", f"Resuming: {self.scenario.title}")
            done = len(session.game.log)
            self.both("out", T(f"{done} action{'s' * (done != 1)} replayed from the log."))
            self.show(_last_scene(session.events))
            if self.newest_ended:
                notice(
                    self.screen.console,
                    f"No class session is unfinished, so this is the newest: {self.place}. "
                    "Its game has ended: what can still be done (reveal, the post-mortem) "
                    "is said below.",
                )
        else:
            self.both("title_screen")
            line = _seated_line(self.scenario, session.seating, session.seed, self.verb)
            self.both("out", T(line))
            self.show(session.events)
            self.write()

    def resume_words(self) -> tuple[str, ...]:
        """The command that goes on with the class, as it was started (after the program)."""
        return ("class", self.verb, "--resume", str(self.place), *self.resume_options)

    def resume_hint(self) -> str:
        return command_line(self.program, *self.resume_words())

    # ------------------------------------------------------------------ the folder
    def room_text(self) -> str:
        return self.room_before + self.record_buffer.getvalue()

    def write(self, room: bool = True) -> None:
        """Keep the session in its folder, whole: the save, and (``room``) the room's record."""
        with signals.holding():
            self.journal.write(self.session, self.room_text() if room else None)

    def keep(self, room: bool = True, sync: bool = True) -> None:
        """Keep what is new in the session's folder by appending (``folder.Journal``): what
        phones do, many times a second in a ballot, adds a line, not a whole save. With
        ``sync`` false the line is left for the web server to sync (``Journal.syncing``)."""
        with signals.holding():
            self.journal.append(self.session, self.room_text() if room else None, sync)


def cast_words(vote: str, was: str, why: str) -> str:
    """What an open ballot's vote is said as, after the voter's name: "votes for", or, when
    it replaces the voter's earlier ballot (``was``), "changes the vote to against", or with
    the same vote "changes the reason (still for)": a change, never a second vote."""
    if not was:
        return VOTE_WORDS.get(vote, vote)
    if was != vote:
        return f"changes the vote to {vote}"
    still = STILL_WORDS.get(vote, vote)
    return f"changes the reason ({still})" if why else f"takes back the reason ({still})"


def as_sentence(reason: str) -> str:
    """A reason as a sentence: a capital first and one full stop at the end."""
    text = reason.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def _latest_progress(events: list[ev.Event]) -> list[ev.Event]:
    """``events`` with only the latest progress of each ballot: after a roll call of eight,
    one line "8 of 8 have voted", not eight."""
    last = {e.request: n for n, e in enumerate(events) if isinstance(e, ev.BallotProgress)}
    return [
        e
        for n, e in enumerate(events)
        if not isinstance(e, ev.BallotProgress) or last[e.request] == n
    ]


@contextlib.contextmanager
def _keys_unechoed() -> Iterator[Callable[[float], bool]]:
    """A function that waits up to N seconds for a key and says whether one came; while it
    is in use the terminal neither echoes keys nor waits for a whole line."""
    try:
        import termios
    except ImportError:  # no terminal control here (Windows): the countdown runs its course

        def sleep(timeout: float) -> bool:
            time.sleep(timeout)
            return False

        yield sleep
        return
    fd = sys.stdin.fileno()
    before = termios.tcgetattr(fd)
    quiet = termios.tcgetattr(fd)
    quiet[3] &= ~(termios.ECHO | termios.ICANON)
    termios.tcsetattr(fd, termios.TCSANOW, quiet)

    def read_key(timeout: float) -> bool:
        ready, _, _ = select.select([fd], [], [], timeout)
        if ready:
            os.read(fd, 1024)
        return bool(ready)

    try:
        yield read_key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, before)


def _private_line(scenario: Scenario, e: ev.Event) -> str:
    """One event for the teacher's eyes, in a line; an event of a kind not named here is
    said by its own text fields, so nothing addressed to the teacher is left out."""
    if isinstance(e, ev.NoteSent):
        said = f"{e.name}'s note: {e.text}"
    elif isinstance(e, ev.Advised):
        said = f"{e.name} advises: {e.label}"
    elif isinstance(e, ev.FloorMove):
        actor = scenario.actors.get(e.target or "")
        aim = f" (at {actor.name if actor else e.target})" if e.target else ""
        said = f"{e.name}'s move, settled when the floor closes: {e.label}{aim}"
    elif isinstance(e, ev.Argued):
        said = f"{e.name} argues with {e.target_name}: {e.text}"
    elif isinstance(e, ev.MoveResolved):
        said = f"{e.name}: {e.label}"
        if e.chance is not None:
            percent, roll, success = e.chance
            said += f" ({percent}% chance, rolled {roll}: {'success' if success else 'failure'})"
        said += f". {e.text}" if e.text else ""
    else:
        texts = [
            str(value)
            for name, value in vars(e).items()
            if name not in ("type", "to") and isinstance(value, str) and value
        ]
        said = f"{e.type}: {'; '.join(texts)}"
    return clean(said)


def _packed(items: list[str], between: str, width: int) -> list[str]:
    """``items`` joined by ``between`` into lines of at most ``width``, never breaking one."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(between) + len(item) <= width:
            lines[-1] += between + item
        else:
            lines.append(item)
    return lines


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


# --------------------------------------------------------------------------- the command


def open_teacher(args: argparse.Namespace, verb: str) -> tuple[Teacher, bool]:
    """The console of a new class session (its folder made) or of one resumed from its
    folder, for ``class run`` and ``class serve``; and whether it was resumed."""
    from presidium import catalog
    from presidium.cli import READABLE, _plain_wanted, invoked_as

    program = invoked_as()
    resuming = args.resume is not None
    if resuming and (args.students is not None or args.benches or args.seed is not None):
        raise UsageError(
            "--resume takes the class and the seed from the session; do not give them as well"
        )
    if not resuming and args.scenario is None:
        raise UsageError(f"say which scenario the class plays: presidium class {verb} SCENARIO")
    if not resuming and args.students is None and not args.benches:
        raise UsageError("say how the class plays: --students N (roles) or --benches")
    if sys.stdin is not None and hasattr(sys.stdin, "reconfigure"):
        with contextlib.suppress(ValueError, OSError):
            sys.stdin.reconfigure(errors="replace")
    plain = _plain_wanted(args.plain)
    console = make_console(plain, width=args.width)
    if args.width is None and console.width > READABLE:
        console.width = READABLE
    buffer = io.StringIO()
    interactive = sys.stdin is not None and sys.stdin.isatty()
    newest_ended = False
    if resuming:
        opened, session, place, room_before = folder.resume(args.resume, args.scenario)
        start_ms = session.times[-1] if session.times else 0
        newest_ended = not args.resume and session.game.over
    else:
        opened = catalog.open_scenario(args.scenario)
        scenario = opened.scenario
        if args.benches:
            seated = seating.benches(scenario, args.students or len(scenario.sides))
        else:
            seated = seating.cast(scenario, args.students)
        seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
        session = Session.new(scenario, seated, seed)
        place, room_before, start_ms = folder.create(opened, session), "", 0
    screen = RoomRenderer(console, opened.scenario, plain)
    record_console = make_console(True, width=ROOM_WIDTH, file=buffer)
    # room.txt is a file: the laptop's terminal has no say in its size (and rich need not ask
    # the terminal for it at every line drawn)
    record_console.height = ROOM_HEIGHT
    record = RoomRenderer(record_console, opened.scenario, True)
    screen.countdowns = record.countdowns = verb == "serve"
    reader = LineReader(sys.stdin, interactive, screen.echo if interactive else None)
    teacher = Teacher(opened, session, place, screen, record, buffer, reader, program, start_ms)
    teacher.room_before = room_before
    teacher.newest_ended = resuming and newest_ended
    return teacher, resuming


def run_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``presidium class run``."""
    teacher, resuming = open_teacher(args, "run")
    try:
        teacher.welcome(resuming)
        teacher.screen.out(T("Type 'help' for the console words.", "presidium.label"))
        return teacher.run()
    except PlayerQuit:
        teacher.write()
        teacher.saved()
        return 0
    except KeyboardInterrupt:
        with signals.holding():
            teacher.write()
        with contextlib.suppress(Exception):
            teacher.saved(interrupted=True)
        raise
    except InputEnded:
        with signals.holding():
            teacher.write()
        raise


def _seated_line(scenario: Scenario, seated: seating.Seating, seed: int, verb: str) -> str:
    if not seated.counted:
        names = ", ".join(seating.seat_name(scenario, s) for s in seated.seats)
        how = f"One bench a side: {names}"
        if verb == "serve":  # no size given: a bench is as many as join it
            how += (
                ". No class size was given, so a bench holds the phones that join it with "
                "its code: its decision waits for a hand on each (or for 'close')"
            )
    elif seated.mode == "benches":
        benches = ", ".join(
            f"{seating.seat_name(scenario, s)}: {seated.size(s)}" for s in seated.seats
        )
        how = f"Benches for {seated.students} students ({benches})"
    else:
        how = f"Roles for {seated.students} students"
    return f"{how}. Seed {seed}."


def _last_scene(events: list[ev.Event]) -> list[ev.Event]:
    starts = [n for n, e in enumerate(events) if isinstance(e, ev.PhaseStarted)]
    return events[starts[-1] :] if starts else list(events)
