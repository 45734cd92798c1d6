"""Turn engine events into what a person reads: rich panels, or plain screen-reader text.

Scenario text, and anything a save or the player brought, is always wrapped in ``Text`` (never
parsed as markup) and made printable by ``clean``, so none of them can restyle or drive the
terminal. Styles are named by meaning in one theme; nothing is conveyed by colour alone: every
coloured item also carries a word ("Counterfactual", "unavailable", "for", "against").
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import IO, cast

from rich import box
from rich.align import Align
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from presidium import cast as casting
from presidium import events as ev
from presidium.cast import Member
from presidium.commands import help_lines
from presidium.debrief import (
    MAP_KEY,
    Debrief,
    FateLine,
    SceneNotes,
    Step,
    StoryMap,
    ballot_why,
    endings_text,
    folded_text,
    format_date,
    invented,
    more_text,
    verdict,
)
from presidium.diagnostics import did_you_mean
from presidium.model import GRADE_LEGEND, Note, Scenario, Sourced, confidence_legend
from presidium.printable import clean, mid_sentence
from presidium.records import record

THEME = Theme(
    {
        "presidium.title": "bold",
        "presidium.date": "bold cyan",
        "presidium.place": "cyan",
        "presidium.counterfactual": "bold magenta",
        "presidium.note": "dim",
        "presidium.choice": "bold",
        "presidium.number": "bold yellow",
        "presidium.unavailable": "dim",
        "presidium.odds": "yellow",
        "presidium.script": "italic",
        "presidium.good": "green",
        "presidium.bad": "red",
        "presidium.error": "bold red",
        "presidium.label": "dim",
        "presidium.ending": "bold",
    }
)

DATE = "Date"  # the status panel's first line
VOTE_WORDS = {"for": "votes for", "against": "votes against", "abstain": "abstains"}
# Where a scene's history notes can be read, by whether the player decides in it, later, or never.
NOTES_HINT = {
    "here": "Type 'notes' for the history behind this scene.",
    "later": "Type 'notes' at the next prompt for the history behind this scene.",
    "none": "The history behind this scene is in the debrief at the end.",
}


def sentence(text: str) -> str:
    """``text`` ended with one full stop: a citation often ends in its own ("1953-1964 gg.")."""
    return text if text.endswith((".", "?", "!")) else text + "."


def T(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)


class _RStrip(io.TextIOBase):
    """Writes whole lines without the trailing spaces that wrapping leaves behind."""

    def __init__(self, target: IO[str]) -> None:
        self.target = target
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.target.write(line.rstrip(" ") + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.target.write(self.pending)
            self.pending = ""
        self.target.flush()

    def isatty(self) -> bool:
        return False


def no_color_requested(environ: Mapping[str, str] | None = None) -> bool:
    """The no-color.org convention: ``NO_COLOR`` set to anything but the empty string.

    Read here and nowhere else (``rich`` is told, not left to read it): versions of ``rich``
    differ on an empty value.
    """
    return bool((os.environ if environ is None else environ).get("NO_COLOR"))


def make_console(
    plain: bool,
    width: int | None = None,
    file: IO[str] | None = None,
    record: bool = False,
    styled: bool = False,
) -> Console:
    """The one place consoles are made: plain means no colour, no styles, no box drawing;
    ``styled`` keeps colour and styles even when the file is not a terminal (for recordings)."""
    if plain:
        return Console(
            file=cast(IO[str], _RStrip(file if file is not None else sys.stdout)),
            width=width,
            color_system=None,
            force_terminal=False,
            no_color=True,
            highlight=False,
            markup=False,
            emoji=False,
            record=record,
            theme=THEME,
        )
    return Console(
        file=file,
        width=width,
        force_terminal=True if styled else None,
        color_system="truecolor" if styled else "auto",
        no_color=no_color_requested(),
        highlight=False,
        markup=False,
        emoji=False,
        record=record,
        theme=THEME,
    )


def recording_console(plain: bool, width: int) -> Console:
    """A console that only records, for a transcript file: plain text, or with styles for
    HTML and SVG."""
    return make_console(plain, width=width, file=io.StringIO(), record=True, styled=not plain)


def notice(console: Console, message: str) -> None:
    """A message about files and the session; long paths are never broken mid-word."""
    wrapped = textwrap.fill(
        clean(message), console.width, break_long_words=False, break_on_hyphens=False
    )
    console.print(Text(wrapped), overflow="ignore", crop=False)


class Renderer:
    """Renders events for one side's player; ``plain`` gives linear, undecorated text."""

    # Later panels show only what moved, each with why; a class's projector keeps the whole
    # panel with what it was (a class game says no ``Changed``: a room has many causes).
    explains = True

    def __init__(self, console: Console, scenario: Scenario, plain: bool, seat: str | None) -> None:
        self.console = console
        self.scenario = scenario
        self.plain = plain
        self.seat = seat
        self.shown_status: dict[str, str] = {}
        self.shown_targets: dict[tuple[str, str], bool] = {}  # (side, label) -> met
        self.targets_now: tuple[ev.TargetLine, ...] = ()  # as the latest panel had them
        self.why: list[ev.Changed] = []  # since the last panel: why its values moved
        self.rewound = False  # an undo: the next panel's changes are its
        self.decision: ev.DecisionNeeded | None = None
        self._short_cites: dict[str, str] | None = None
        self.gave_up: str | None = None  # the label of the choice by which the player conceded

    def set_seat(self, side: str) -> None:
        self.seat = side

    # ------------------------------------------------------------------ helpers
    def out(self, renderable: RenderableType = "") -> None:
        self.console.print(renderable)

    def blank(self) -> None:
        self.console.print()

    def heading(self, text: str) -> None:
        for part in self.heading_parts(text):
            self.out(part)

    def heading_parts(self, text: str) -> list[RenderableType]:
        """A heading as the lines it prints: a blank line, then the title (in a rule, or
        below one when a rule would cut it short)."""
        if self.plain:  # normal case: screen readers spell out words in capitals
            return [Text(), T(text)]
        if cell_len(clean(text)) + 4 <= self.console.width:
            return [Text(), Rule(T(text, "presidium.title"))]
        return [Text(), Rule(), T(text, "presidium.title")]

    def together(self) -> AbstractContextManager[object]:
        """Output that a pager (when the screen has one) must not split: it pauses before
        it instead, or between the separate prints inside it."""
        keep = getattr(self.console.file, "together", None)
        return keep() if keep is not None else contextlib.nullcontext()

    def paragraphs(self, text: str, prefix: str = "", style: str = "") -> Text:
        body = Text()
        if prefix:
            body.append(prefix, style="presidium.counterfactual")
        body.append(clean(text), style=style)
        return body

    # ------------------------------------------------------------------ screens
    def hanging(self, rows: Iterable[tuple[Text, RenderableType]], width: int = 0) -> Table:
        """Rows whose wrapped lines stay indented under their text, not under the marker
        (at least ``width`` wide, so that rows printed apart line up)."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=width or None)
        grid.add_column(ratio=1)
        for marker, body in rows:
            grid.add_row(marker, body)
        return grid

    def title_screen(self) -> None:
        s = self.scenario
        parts: list[RenderableType] = [T(s.summary.strip())]
        if s.content_notes:
            parts.append(Text("\nContent notes for teachers:", style="presidium.label"))
            parts.append(
                self.hanging((Text("  -"), T(note, "presidium.note")) for note in s.content_notes)
            )
        if self.plain:
            self.out(T(s.title))
            for part in parts:
                self.out(part)
        else:
            self.out(
                Panel(
                    Group(*parts),
                    title=T(s.title, "presidium.title"),
                    box=box.DOUBLE,
                    padding=(1, 2),
                )
            )

    def side_menu(self) -> list[str]:
        sides = list(self.scenario.sides.values())
        self.heading("Choose your side")
        rows = []
        for n, side in enumerate(sides, 1):
            body = Text()
            body.append(clean(side.name), style="presidium.choice")
            body.append(f" ({side.id})\n", style="presidium.label")
            body.append(clean(" ".join(side.goal.split())), style="presidium.note")
            rows.append((Text(f"{n}.", style="presidium.number"), body))
        self.out(self.hanging(rows))
        return [s.id for s in sides]

    def playing_as(self, side: str) -> None:
        self.blank()
        self.out(
            T(
                f"You are playing: {mid_sentence(self.scenario.sides[side].name)}. "
                "Type 'help' at any prompt for commands."
            )
        )

    def event(self, event: ev.Event) -> None:
        handler = getattr(self, f"on_{event.type}", None)
        if handler is not None:
            handler(event)

    def events(self, events: Iterable[ev.Event]) -> None:
        for event in events:
            self.event(event)

    def on_phase(self, e: ev.PhaseStarted) -> None:
        when = format_date(e.date, e.date_label)
        if e.time:
            when = f"{when}, {e.time}" if when else e.time
        where = " | ".join(x for x in (when, e.place or "") if x)
        label = "[Counterfactual] " if e.counterfactual else ""
        body = Text()
        if not self.plain and where:
            body.append(clean(where) + "\n\n", style="presidium.date")
        if e.content_note:
            body.append(f"Content note: {clean(e.content_note)}\n\n", style="presidium.note")
        body.append_text(self.paragraphs(e.text))
        if e.has_notes:
            body.append(f"\n\n({NOTES_HINT[e.decision]})", style="presidium.note")
        if self.plain:
            self.blank()
            self.out(T(f"{label}{e.title}"))
            if where:
                self.out(T(where))
            self.out(body)
        else:
            title = Text()
            if label:
                title.append(label, style="presidium.counterfactual")
            title.append(clean(e.title), style="presidium.title")
            self.blank()
            self.out(
                Panel(
                    body,
                    title=title,
                    padding=(1, 2),
                    border_style="presidium.counterfactual" if e.counterfactual else "",
                )
            )

    def on_status(self, e: ev.Status, always: bool = False) -> None:
        """The state of play: in full the first time or on request, otherwise only when it changes.

        In a solo game (``explains``) a later panel shows only the values that moved, each with
        a line saying why (from the ``Changed`` events since the last panel), and a line for
        each target newly met or no longer met."""
        # "Date", not "Day": a scene may be dated by a period ("Mid-June 1957").
        date = format_date(e.date, e.date_label)
        lines = ((ev.StatusLine(DATE, date),) if date else ()) + e.lines
        before = self.shown_status
        changed = [line for line in lines if before.get(line.label) != line.value]
        self.shown_status = {line.label: line.value for line in lines}
        why, self.why = ([UNDONE] if self.rewound else self.why), []
        self.rewound = False
        targets_before, self.shown_targets = self.shown_targets, _met(e.targets)
        self.targets_now = e.targets
        if e.aftermath and all(line.label == DATE for line in changed):
            changed = []  # the scene gives its date; the panel would repeat the last decision's
        first = not before or always
        if self.explains and not first:
            self.changes([x for x in changed if x.label != DATE], before, why)
            self.targets_moved(e.targets, targets_before)
            return
        if not changed and not always:
            return
        if self.plain:
            self.blank()
            if first:
                self.out(
                    T("State of play: " + "; ".join(f"{x.label}: {x.value}" for x in lines) + ".")
                )
                if always and e.targets:
                    self.out(T("What you need:"))
                    self.out(self.target_list(e.targets))
            else:
                self.out(
                    T(
                        "Changed: "
                        + "; ".join(
                            f"{x.label}: {x.value} (was {before[x.label]})"
                            if x.label in before
                            else f"{x.label}: {x.value}"
                            for x in changed
                        )
                        + "."
                    )
                )
            return
        rows = []
        notes: list[Text | None] = []
        for line in lines:
            was = not first and line in changed and line.label in before
            rows.append((T(line.label, "presidium.label"), T(line.value)))
            notes.append(T(f"(was {before[line.label]})", "presidium.odds") if was else None)
        parts: list[RenderableType] = [self.label_and_value(rows, notes)]
        if always and e.targets:
            parts += [Text("\nYour targets", style="presidium.label"), self.target_list(e.targets)]
        self.out(boxed(parts, Text("State of play", style="presidium.label")))

    def label_and_value(
        self, rows: Sequence[tuple[Text, Text]], notes: Sequence[Text | None] = ()
    ) -> Text:
        """The panel's lines, label then value, so that no phrase of a value is ever broken:
        the values line up in a column as far in as the content allows (``status_columns``),
        and a line whose label or value does not fit beside the other has its value on the
        next line, indented, broken only between the phrases of a list ("With Khrushchev 4,
        With the majority 7"). A value's note (what it was before, in a class's panel) follows
        it, or goes under it in the values' column when the line has no room for it: a value
        that fits beside its label stays there (a long note left the label 'Date' alone on
        its line, and the date under it)."""
        room = self.console.width - 4  # the panel's edges and padding
        sizes = [(cell_len(label.plain), cell_len(value.plain)) for label, value in rows]
        column = status_columns(sizes, room)
        out = Text()
        for n, ((label, value), (size, wide)) in enumerate(zip(rows, sizes, strict=True)):
            note = notes[n] if n < len(notes) else None
            if n:
                out.append("\n")
            out.append_text(label)
            if size <= column and column + 2 + wide <= room:
                out.append(" " * (column - size + 2))
                out.append_text(value)
                if note is not None:
                    self._note_after(out, note, column + 2 + wide, column + 2, room)
                continue
            phrases = list(value.split(", "))
            for phrase in phrases[:-1]:
                phrase.append(",")
            for line in packed(phrases, room - STACKED, " ").split("\n"):
                out.append("\n" + " " * STACKED)
                out.append_text(line)
            if note is not None:
                self._note_after(out, note, room + 1, STACKED, room)
        return out

    @staticmethod
    def _note_after(out: Text, note: Text, end: int, indent: int, room: int) -> None:
        """``note`` after a value that ends at column ``end``: on its line when it fits, else
        on the line below at ``indent`` (the values' column), or, too long for that, from the
        stacked values' indent, broken between words."""
        size = cell_len(note.plain)
        if end + 2 + size <= room:
            out.append("  ")
            out.append_text(note)
            return
        if indent + size > room:  # not on one line under the value: from the panel's indent
            indent = min(indent, STACKED)
        for line in packed(list(note.split(" ")), max(room - indent, 1), " ").split("\n"):
            out.append("\n" + " " * indent)
            out.append_text(line)

    def on_changed(self, e: ev.Changed) -> None:
        """Kept until the next panel, which says with it why a value moved."""
        self.why.append(e)

    def on_at_limit(self, e: ev.AtLimit) -> None:
        """Kept until the next panel, which says the value is already at its bound: a choice
        that moved nothing is not taken for one that did nothing."""
        self.why.append(e)

    def undone(self) -> None:
        """A decision was taken back: the next panel's changes are the undo's, whatever the
        scene shown again says moved them on the way there."""
        self.rewound = True
        self.gave_up = None

    def changes(
        self, changed: Sequence[ev.StatusLine], before: Mapping[str, str], why: Sequence[ev.Changed]
    ) -> None:
        """Each value that moved since the last panel, and on the next line, why; then each
        that a choice or scene pushed against its bound without moving it."""
        moved = {line.label for line in changed}
        held = [  # the player's own choice: no line at all would read as a choice that did nothing
            c
            for c in why
            if isinstance(c, ev.AtLimit) and c.label not in moved and c.seat == self.seat
        ]
        why = [c for c in why if not isinstance(c, ev.AtLimit)]
        if not changed and not held:
            return
        self.blank()
        lines: list[tuple[ev.StatusLine, bool, Sequence[ev.Changed]]] = [
            (line, True, why) for line in changed
        ]
        for label in dict.fromkeys(c.label for c in held):
            pushed = [c for c in held if c.label == label]
            value = f"already at its {pushed[-1].limit}, {pushed[-1].new}"
            lines.append((ev.StatusLine(label, value), False, pushed))
        for line, moved_now, causes in lines:
            was = f" (was {before[line.label]})" if moved_now and line.label in before else ""
            head = Text("Changed: " if moved_now else "", style="presidium.label")
            head.append(clean(line.label) + ": ")
            head.append(clean(line.value), style="presidium.choice")
            head.append(clean(was), style="presidium.odds")
            reasons = self.reasons([c for c in causes if c.label in (line.label, UNDONE.label)])
            if self.plain:
                self.out(head)
                if reasons:
                    self.out(T(f"Why: {reasons}."))
                continue
            body = Text("Why: " + clean(reasons) + ".", style="presidium.note") if reasons else None
            self.out(self.hanging([(Text("*"), Group(head, body) if body else head)]))

    def reasons(self, why: Sequence[ev.Changed]) -> str:
        """What moved one line of the panel, in words, each cause once and in order: by how
        much, for a number; whose stance moved, for a line that counts several stances."""
        said: dict[str, list[str]] = {}
        for c in why:
            moved = said.setdefault(self.cause(c), [])
            if c.kind == "scene":
                continue  # the line above says what moved; the scene is the whole reason
            old, new = _number(c.old), _number(c.new)
            owner = self._stance_owner(c)
            if isinstance(c, ev.AtLimit):
                continue  # the line above says it stayed where it was
            if owner:
                moved.append(f"{owner} now {_lower(c.new)} (was {_lower(c.old)})")
            elif old is not None and new is not None:
                moved.append(_signed(new - old))
        return "; ".join(
            f"{cause} ({', '.join(moved)})" if moved else cause for cause, moved in said.items()
        )

    def _stance_owner(self, c: ev.Changed) -> str:
        """The actor whose stance moved, when the line counts several actors' stances."""
        actor = self.scenario.actors.get(c.variable.removesuffix(".stance"))
        if actor is None or not c.variable.endswith(".stance"):
            return ""
        own = any(item.variable == c.variable for item in self.scenario.status)
        return "" if own else actor.name

    def cause(self, c: ev.Changed) -> str:
        """A ``Changed`` event's cause as a clause: 'you chose "X"', 'the scene "Y"'."""
        if c is UNDONE:
            return "you took the decision back (undo)"
        if c.kind == "scene":
            return f'the scene "{c.cause}"'
        who = "you" if c.seat == self.seat else mid_sentence(c.seat_name or c.seat or "someone")
        said = f'{who} chose "{c.cause}"'
        if c.outcome == "success":
            return f"{said}, and it succeeded"
        if c.outcome == "failure":
            return f"{said}, and it failed"
        return f"{said}: {c.outcome}" if c.outcome else said

    def targets_moved(
        self, targets: Sequence[ev.TargetLine], before: Mapping[tuple[str, str], bool]
    ) -> None:
        """One line for each target met, or no longer met, since the last panel."""
        for target in targets:
            was = before.get((target.side, target.label))
            if was is None or was == target.met:
                continue
            if target.met:
                self.out(Text("Now met: ", style="presidium.good").append(clean(target.label)))
            else:
                self.out(Text("No longer met: ", style="presidium.bad").append(clean(target.label)))

    def target_list(self, targets: Sequence[ev.TargetLine]) -> Table:
        """The targets, a line each, marked met or not in words (colour only repeats the word).
        Plain text gives the mark after the target, so that every line starts alike."""
        return self.hanging(self.target_rows(targets))

    def target_rows(self, targets: Sequence[ev.TargetLine]) -> list[tuple[Text, Text]]:
        if self.plain:
            return [(Text("-"), T(f"{t.label}: {'met' if t.met else 'not met'}")) for t in targets]
        return [
            (
                Text("met", style="presidium.good")
                if t.met
                else Text("not met", style="presidium.bad"),
                T(t.label),
            )
            for t in targets
        ]

    def goal(self, side: str, status: ev.Status) -> None:
        """The side's goal and its targets, as the game begins or is taken up again."""
        self.shown_targets = _met(status.targets)
        self.targets_now = status.targets
        goal = " ".join(self.scenario.sides[side].goal.split())
        mine = [t for t in status.targets if t.side == side]
        if self.plain:
            self.blank()
            self.out(T(f"Your goal: {goal}"))
            if mine:
                self.out(T("What you need (type 'status' to see it again):"))
                self.out(self.target_list(mine))
            return
        # A pause may come between two targets, never inside one, nor between the heading
        # and the goal, nor between the label and the first target.
        units: list[list[RenderableType]] = [[T(goal)]]
        rows = self.target_rows(mine)
        marker = max((cell_len(marker.plain) for marker, _ in rows), default=0)
        label = Text("\nWhat you need (type 'status' to see it again):", style="presidium.label")
        for n, row in enumerate(rows):
            units.append(
                [label, self.hanging([row], marker)] if not n else [self.hanging([row], marker)]
            )
        self.blank()
        with self.together():
            for unit in boxed_units(units, Text("Your goal", style="presidium.title")):
                self.out(unit)

    def on_vote(self, e: ev.VoteHeld) -> None:
        """The vote's heading, motion and voters, and its result. On a screen a pause may come
        between two voters, never inside one, nor between the heading, the motion and the
        first voter, nor between the last voter and the result."""
        heading = self.heading_parts(
            f"Vote: {'[Counterfactual] ' if e.counterfactual else ''}{e.title}"
        )
        motion = T(f"Motion: {e.motion}")
        if self.plain:  # a line a voter; a wrapped line stays under the voter's name
            for part in heading:
                self.out(part)
            self.out(motion)
            rows = [
                (Text("-"), T(f"{b.name} {VOTE_WORDS[b.vote]}: {ballot_why(b)}")) for b in e.ballots
            ]
            rows += [
                (
                    Text("-"),
                    T(
                        f"{bloc.label}: {bloc.votes_for} for, {bloc.votes_against} against, "
                        f"{bloc.abstentions} abstaining. {bloc.reason}"
                    ),
                )
                for bloc in e.blocs
            ]
            if rows:
                self.out(self.hanging(rows))
            self.out(self.vote_result_line(e))
            return
        units = self.vote_layout(e)
        units[0] = Group(*heading, motion, units[0])
        units[-1] = Group(units[-1], self.vote_result_line(e))
        with self.together():
            for unit in units:
                self.out(unit)

    def vote_layout(self, e: ev.VoteHeld) -> list[RenderableType]:
        """A vote's voters as a table when every name, vote and word of the reasons fits the
        width; otherwise stacked, one voter to a paragraph, so nothing is ever cut. One
        renderable a voter (the first with the table's head, the last with its foot), which
        print as one table: a pager may pause between them."""
        rows = vote_rows(e)
        widths = table_widths(rows, self.console.width)
        if widths is None:
            stacked: list[RenderableType] = []
            for row in rows:
                line = Text()
                line.append(clean(row.who), style="presidium.choice")
                line.append(" ")
                line.append(clean(row.vote), style=row.style)
                line.append(": " + clean(row.why))
                stacked.append(self.hanging([(Text("-"), line)]))
            if not stacked:
                return [Text()]
            return [*stacked[:-1], Group(stacked[-1], Text())]
        voter, vote = widths
        units: list[RenderableType] = []
        listed: list[VoteRow | None] = [*rows] or [None]
        for n, voter_row in enumerate(listed):
            table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, show_header=not n)
            table.add_column("Voter", width=voter)
            table.add_column("Vote", width=vote, no_wrap=True)
            table.add_column("Why", ratio=1)
            if voter_row is not None:
                table.add_row(
                    T(voter_row.who),
                    Text(clean(voter_row.vote), style=voter_row.style),
                    T(voter_row.why),
                )
            parts: list[RenderableType] = [Padding(table, (0, 1))]
            edge = Padding(Text(), (0, 1))  # the table's top and bottom edges: blank
            if not n:
                parts.insert(0, edge)
            if n == max(0, len(rows) - 1):
                parts.append(edge)
            units.append(Group(*parts))
        return units

    def scene_notes(self, notes: Iterable[SceneNotes], heading: str) -> None:
        """The history notes of the scenes played, scene by scene, each with its sources."""
        played = list(notes)
        if not played:
            return
        self.heading(heading)
        for scene in played:
            self.blank()
            self.out(T(scene.scene, "presidium.choice"))
            for note in scene.notes:
                self.out(_note_line(note, f" [Sources: {self.citations(note.sources)}]"))

    def questions(self, heading: str, questions: Sequence[str]) -> None:
        """Numbered questions under a heading; nothing when there are none."""
        if questions:
            self.heading(heading)
            for n, question in enumerate(questions, 1):
                self.out(T(f"{n}. {question}"))

    def sources_cited(self, sources: Sequence[tuple[str, str, str]]) -> bool:
        """The sources cited with their grades, and what the grades mean; False when none."""
        if not sources:
            return False
        self.heading("Sources cited")
        # the player sees citations, never ids, in the order of the short citations above
        for _source_id, cite, grade in sorted(sources, key=lambda s: s[1].lstrip("'").casefold()):
            self.out(T(f"{cite} (grade {grade})"))
        self.out(T(f"Source grades: {GRADE_LEGEND}."))
        return True

    def vote_result(self, e: ev.VoteHeld) -> None:
        self.out(self.vote_result_line(e))

    def vote_result_line(self, e: ev.VoteHeld) -> Text:
        """The line that ends a vote: the totals, and whether the motion passed."""
        result = "PASSED" if e.passed else "FAILED"
        return Text(
            f"Result: {e.votes_for} for, {e.votes_against} against, {e.abstentions} abstaining. "
            f"The motion {result}.",
            style="presidium.title",
        )

    def on_decision(self, e: ev.DecisionNeeded) -> None:
        """The question and its choices, one to a line, starting with its number (a wrapped
        line stays under the text). Printed as one block, one print per choice and the first
        with the question, so that a pager pauses before the question or between choices,
        never between the question and its first choice or inside a choice."""
        self.decision = e
        marker = max((len(f"{o.number}.") for o in e.options), default=0)
        rows = [
            self.hanging(
                [(Text(f"{o.number}.", style="presidium.number"), self.option_line(o))], marker
            )
            for o in e.options
        ]
        with self.together():
            self.out(Group(*self.heading_parts(e.prompt), *rows[:1]))
            for row in rows[1:]:
                self.out(row)

    def choices_again(self) -> None:
        """After a command that is not a choice (``status``, ``notes``, ``who``, ``help``,
        ``history``), the question and its choices again, so that they are on the screen
        when the player answers (``look`` shows the whole scene)."""
        if self.decision is not None:
            self.on_decision(self.decision)

    def option_line(self, option: ev.Option) -> Text:
        line = Text()
        line.append(
            clean(option.label),
            style="presidium.choice" if option.available else "presidium.unavailable",
        )
        if option.percent is not None:
            line.append(f" ({option.percent}% chance)", style="presidium.odds")
        if option.odds:
            odds = ", ".join(f"{clean(label)} {percent}%" for label, percent in option.odds)
            line.append(f" (chances: {odds})", style="presidium.odds")
        self.tag_counterfactual(line, option.counterfactual)
        if not option.available:
            line.append(
                f" (unavailable: {clean(option.reason or '')})", style="presidium.unavailable"
            )
        return line

    def tag_counterfactual(self, line: Text, counterfactual: bool) -> None:
        """The one mark of an invented choice, alike in the list of choices and in the echo
        of the choice taken."""
        if counterfactual:
            line.append(" [counterfactual]", style="presidium.counterfactual")

    def on_choice(self, e: ev.ChoiceMade) -> None:
        self.blank()
        # "X chose" reads well whether a seat's name is singular or plural ("The plotters").
        who = "You" if e.by == "player" and e.seat == self.seat else clean(e.seat_name)
        if who == "You" and self.scenario.concedes(e.phase, e.choice):
            self.gave_up = e.label
        text = Text(
            f"{who} chose: ", style="presidium.script" if e.by == "script" else "presidium.choice"
        )
        text.append(clean(e.label))
        self.tag_counterfactual(text, invented(self.scenario, e.phase, e.choice))
        self.out(text)

    def on_chance(self, e: ev.ChanceRolled) -> None:
        if e.outcome is not None:  # a chance of more than two outcomes: name the one drawn
            if e.percent == 100:
                self.out(T(f"Chance: certain: {clean(e.outcome)}."))
                return
            self.out(
                Text(
                    f"Chance: {_rolled(e.roll)}: {clean(e.outcome)} ({e.percent}% chance).",
                    style="presidium.odds",
                )
            )
            return
        word = "success" if e.success else "failure"
        if e.percent in (0, 100):
            self.out(T(f"Chance {e.percent}%: certain {word}."))
            return
        self.out(
            Text(
                f"Chance {e.percent}%: {_rolled(e.roll)}, {word}.",
                style="presidium.good" if e.success else "presidium.bad",
            )
        )

    def on_narration(self, e: ev.Narration) -> None:
        self.out(self.paragraphs(e.text, "[Counterfactual] " if e.counterfactual else ""))

    def on_refused(self, e: ev.Refused) -> None:
        self.out(Text(f"Not possible now: {clean(e.reason)}", style="presidium.error"))

    def on_ended(self, e: ev.GameEnded) -> None:
        kind = (
            "The historical outcome"
            if e.kind == "historical"
            else "A counterfactual ending (invented, not history)"
        )
        body = Text()
        body.append(
            kind + "\n\n",
            style="presidium.counterfactual" if e.kind != "historical" else "presidium.label",
        )
        body.append(clean(e.text))
        if self.plain:
            self.heading(f"The end: {e.title}")
            self.out(body)
        else:
            self.blank()
            self.out(
                Panel(body, title=T(e.title, "presidium.ending"), box=box.DOUBLE, padding=(1, 2))
            )
        self.outcome(e)
        historical = e.kind == "historical"
        self.fates(
            "What became of them" + ("" if historical else " (counterfactual)"),
            e.fates,
            show_sources=historical,
        )
        self.blank()
        self.out(T(f"Ending: {e.ending} — {e.title}"))

    def outcome(self, e: ev.GameEnded) -> None:
        """Whose victory the ending is, said to the side played, and how close the side came:
        each of its targets, met or not, once."""
        said = verdict(self.scenario, e.winner, self.seat or "", self.gave_up)
        mine = [t for t in self.targets_now if t.side == self.seat]
        if said:
            self.blank()
            self.out(T(said, "presidium.title"))
        if mine:
            if not said:
                self.blank()
            self.out(Text("Your targets as the game ended:", style="presidium.label"))
            self.out(self.target_list(mine))

    def fates(
        self, heading: str, fates: Sequence[ev.Fate | FateLine], show_sources: bool = False
    ) -> None:
        self.heading(heading)
        for fate in fates:
            line = Text()
            line.append(clean(fate.name) + ": ", style="presidium.choice")
            line.append(clean(fate.text))
            if show_sources and fate.confidence:
                line.append(f" [{clean(fate.confidence)}]", style="presidium.label")
            if show_sources and fate.sources:
                line.append(f" [Sources: {self.citations(fate.sources)}]", style="presidium.note")
            self.out(line)

    # ------------------------------------------------------------------ notes and debrief
    def notes(self, phase_ids: Sequence[str]) -> None:
        """The history notes of the scenes shown since the player last decided, oldest first:
        scenes without a decision pass at once, and this is where their notes can be read."""
        shown = [self.scenario.phases[p] for p in dict.fromkeys(phase_ids)]
        scenes = [phase for phase in shown if phase.notes]
        if not scenes:
            these = "this scene" if len(shown) < 2 else "the scenes since your last decision"
            self.out(T(f"There are no history notes for {these}."))
            return
        for phase in scenes:
            self.heading(f"History notes: {phase.title}")
            for note in phase.notes:
                cited = sentence("; ".join(self.cite(s) for s in note.sources))
                self.out(_note_line(note, f" Sources: {cited}"))
            if phase.counterfactual:
                self.out(T("This scene itself is counterfactual: it did not happen."))

    def cite(self, source_id: str) -> str:
        source = self.scenario.sources.get(source_id)
        return clean(source.cite) if source else clean(source_id)

    def citations(self, source_ids: Iterable[str]) -> str:
        """Sources as a player reads them: each one's short citation (the author, or a
        title), as a class's sheets cite them, never its id (an id is for authors). Each
        begins its full entry in the debrief's "Sources cited"."""
        if self._short_cites is None:
            from presidium.classroom.sheets import short_cites

            self._short_cites = short_cites(self.scenario)
        return "; ".join(clean(self._short_cites.get(s, s)) for s in source_ids)

    def debrief(self, d: Debrief) -> None:
        self.heading("Debrief")
        if d.historical:
            self.out(T("Your game ended as history did."))
        else:
            self.out(
                T(
                    f"Your game ended in a counterfactual outcome: {d.ending_title}. Here is what really happened."
                )
            )
        if d.map is not None:
            self.story_map(d.map)
        self.heading("Your path beside history")
        self.steps(d.steps)
        if d.votes:
            self.heading("The arithmetic of the votes")
            for vote in d.votes:  # voter by voter, with each one's reason, as at the time
                self.on_vote(vote)
        if not d.historical and d.history_title:
            self.heading(f"What really happened: {d.history_title}")
            self.out(T(d.history_text or ""))
            self.fates("What really became of them", d.history_fates, show_sources=True)
        self.scene_notes(d.notes, "The history behind the scenes you played")
        self.questions("Questions for discussion", d.questions)
        if not self.sources_cited(d.sources):
            self.blank()
        self.out(T(f"Confidence labels: {confidence_legend()}."))

    def story_map(self, m: StoryMap) -> None:
        """The scenes by date, the path taken marked, and the ending among the endings (plain
        text names the marks in words). The date column is as wide as the longest date, so no
        date is broken; where that would leave the scenes too little room, each date stands on
        its own line with its scenes under it."""
        self.heading("Your path on the map")
        if self.plain:
            self.out(T("Scenes in story order, a date a line: your path, then other paths."))
        else:
            self.out(T(MAP_KEY, "presidium.label"))
        rows: list[tuple[Text, RenderableType]] = []
        widest = max([cell_len("Endings"), *(cell_len(clean(r.when)) for r in m.rows)])
        beside = self.console.width - widest - 1 >= MAP_SCENES
        room = self.console.width - widest - 1 if beside else self.console.width - MAP_INDENT
        for row in m.rows:
            if not row.scenes:
                rows.append((Text(""), T(folded_text(row), "presidium.unavailable")))
                continue
            line = Text()
            if self.plain:
                mine = [clean(s.title) for s in row.scenes if s.visited]
                others = [clean(s.title) for s in row.scenes if not s.visited]
                line.append("your path: " + "; ".join(mine) if mine else "")
                if others:
                    line.append(("; " if mine else "") + "other paths: " + "; ".join(others))
            else:
                items = [
                    T(f"● {s.title}", "presidium.choice")
                    if s.visited
                    else T(f"○ {s.title}", "presidium.unavailable")
                    for s in row.scenes
                ]
                if row.hidden:
                    items.append(T(more_text(row), "presidium.unavailable"))
                line = packed(items, room)
            rows.append((T(row.when, "presidium.date"), line))
        ends = [
            T(text if self.plain else f"{mark} {text}", "presidium.ending" if n == 0 else "")
            for n, (mark, text) in enumerate(endings_text(m))
        ]
        fitted = packed(ends, room)
        rows.append(
            (T("Endings", "presidium.date"), Text("; ").join(ends) if self.plain else fitted)
        )
        if self.plain:
            for when, body in rows:
                said = Text.assemble(when, ": " if when.plain else "")
                said.append_text(body if isinstance(body, Text) else Text(str(body)))
                self.out(said)
            return
        if not beside:
            for when, body in rows:
                if when.plain:
                    self.out(when)
                self.out(Padding(body, (0, 0, 0, MAP_INDENT)))
            return
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=widest, no_wrap=True)
        grid.add_column(ratio=1)
        for when, body in rows:
            grid.add_row(when, body)
        self.out(grid)

    def steps(self, steps: Sequence[Step]) -> None:
        """Each decision so far, beside what history did."""
        for step in steps:
            line = Text(clean(f"{step.when}: "))
            line.append(clean(step.scene), style="presidium.choice")
            line.append(f", decided by {clean(mid_sentence(step.who))}: {clean(step.choice)}")
            if step.chance:
                line.append(clean(f" [{step.chance}]"))
            if step.as_in_history is False:
                line.append(" DIVERGED", style="presidium.counterfactual")
                line.append(f" ({clean(step.why or '')}); history: {clean(step.historical or '')}")
            elif step.as_in_history and not step.count:
                line.append(" (as in history)", style="presidium.good")
            elif step.count:  # a class's vote: its count, and history's where it is known
                counted = step.count
                if step.history_count:
                    counted += f"; history: {step.history_count}"
                if step.as_in_history:
                    line.append(" (")
                    line.append("as in history", style="presidium.good")
                    line.append(clean(f"; {counted})"))
                else:
                    line.append(clean(f" ({counted})"))
            self.out(line)

    def history(self, steps: Sequence[Step]) -> None:
        self.heading("The path so far")
        if not steps:
            self.out(T("No decisions yet."))
        self.steps(steps)

    def notice(self, message: str) -> None:
        notice(self.console, message)

    def echo(self, line: str) -> None:
        """What the player typed, as it appears on the screen and in a transcript: printable,
        so a typed escape sequence shows as text and leaves every transcript well-formed.

        The line comes through ``as_echoed``, so a line of megabytes is shown by its start and
        its length: laying it out whole would take minutes and bury the game.
        """
        self.console.print(Text(clean(line)), markup=False, highlight=False)

    def help(self) -> None:
        self.heading("Commands")
        for word, meaning in [("a number or a choice id", "take that choice"), *help_lines()]:
            self.out(T(f"{word}: {meaning}"))
        if self.decision is not None:
            ids = ", ".join(f"{o.number} = {o.id}" for o in self.decision.options)
            self.out(T(f"Choice ids here: {ids}"))

    # ------------------------------------------------------------------ who is who
    def who(self, people: list[Member], query: str = "") -> None:
        """``who``: the cast at a glance; ``who NAME`` or ``who TERM``: one entry in full;
        ``who cast``, ``who terms``, ``who all``: every person, every term, or both."""
        word = " ".join(query.split()).casefold()
        glossary = self.scenario.glossary
        if not word:
            self.roster(people)
            return
        if word in (casting.CAST, casting.ALL):
            self.heading("Who is who")
            for member in people:
                self.member(member)
        if word in (casting.TERMS, casting.ALL):
            self.heading("What the words mean")
            if not glossary:
                self.out(T("This scenario has no glossary."))
            for term, line in glossary.items():
                self.term(term, line)
        if word in (casting.CAST, casting.TERMS, casting.ALL):
            return
        found, terms = casting.lookup(self.scenario, people, query)
        if not found and not terms:
            meant = did_you_mean(word, casting.names(self.scenario, people))
            self.error(
                f"Nobody in the cast and no term here is called '{as_echoed(query.strip())}'"
                f"{meant}. Type 'who' for the cast and the terms."
            )
            return
        for member in found:
            self.blank()
            self.member(member)
        for term, line in terms:
            self.blank()
            self.term(term, line)

    def roster(self, people: list[Member]) -> None:
        """Where everyone stands now, grouped by rank, and how to read more."""
        self.heading("Who is who, and where they stand now")
        rows: list[tuple[Text, RenderableType]] = []
        for title, stances in casting.roster(people, list(self.scenario.stances.values())):
            rows.append((T(title, "presidium.label"), Text()))
            rows += [
                (T(f"  {stance}:" if stance else "  "), T(", ".join(names)))
                for stance, names in stances
            ]
        self.out(self.hanging(rows))
        example = people[0].id if people else "NAME"
        self.out(
            T(
                f"Type 'who {example}' (any name) for a person's office and a sourced line on "
                "them; 'who cast' for everyone's."
            )
        )
        if self.scenario.glossary:
            terms = ", ".join(self.scenario.glossary)
            self.out(T(f"Words explained ('who TERM', or 'who terms' for all): {terms}."))

    def member(self, m: Member) -> None:
        """One person: name, office, where they stand now, and the sourced line on them."""
        line = Text()
        line.append(clean(m.name), style="presidium.choice")
        if m.office and not _said_in(m.office, m.about):
            line.append(clean(f", {m.office}"))
        if m.leads:  # the leader's stance is his own side: say that, not "with himself"
            line.append(clean(f". Leads: {mid_sentence(m.leads)}."))
        elif m.stance:
            line.append(clean(f". Now: {m.stance}."))
        self.out(line)
        if m.about is not None:
            self.out(self.sourced_line(m.about))

    def term(self, term: str, line: Sourced) -> None:
        text = Text()
        text.append(clean(term), style="presidium.choice")
        text.append(": ")
        text.append_text(self.sourced_line(line))
        self.out(text)

    def sourced_line(self, line: Sourced) -> Text:
        """A line with its sources' citations, or labelled as invented or unsourced."""
        text = Text()
        if line.counterfactual:
            text.append("[Counterfactual] ", style="presidium.counterfactual")
        text.append(clean(sentence(line.text.strip())))
        if line.sources:
            text.append(f" [Sources: {self.citations(line.sources)}]", style="presidium.note")
        return text

    def error(self, message: str) -> None:
        self.out(Text(clean(message), style="presidium.error"))


def boxed(parts: Sequence[RenderableType], title: Text) -> Panel:
    """A titled panel without borders: the state of play and the goal look alike."""
    return Panel(Group(*parts), title=title, box=box.SIMPLE, padding=(0, 1))


def boxed_units(units: Sequence[Sequence[RenderableType]], title: Text) -> list[RenderableType]:
    """What ``boxed`` draws, as one renderable for each unit of parts, printed apart so
    that a pager can pause between units (the title goes with the first)."""
    out: list[RenderableType] = []
    for n, unit in enumerate(units):
        parts = list(unit) + ([Text()] if n == len(units) - 1 else [])
        body = Padding(Group(*parts), (0, 2))
        out.append(Group(Align.center(Text.assemble(" ", title, " ")), body) if not n else body)
    return out


def packed(items: Sequence[Text], width: int, joint: str = " · ") -> Text:
    """Items joined by ``joint``, a line broken only between items while each fits: a mark
    stays with its title. An item wider than the line wraps on its own lines."""
    out = Text()
    used = 0
    for n, item in enumerate(items):
        size = cell_len(item.plain)
        if n and used + len(joint) + size > width:
            out.append("\n")
            used = 0
        elif n:
            out.append(joint)
            used += len(joint)
        out.append_text(item)
        used += size
    return out


@record
class VoteRow:
    """One line of a vote's table: a voter (or a bloc), how it voted, and why."""

    who: str
    vote: str
    why: str
    style: str = ""


def vote_rows(e: ev.VoteHeld) -> list[VoteRow]:
    """The voters of a vote, then its blocs with their counts."""
    rows = [
        VoteRow(
            b.name,
            VOTE_WORDS[b.vote],
            ballot_why(b),
            {"for": "presidium.bad", "against": "presidium.good"}.get(b.vote, ""),
        )
        for b in e.ballots
    ]
    for bloc in e.blocs:
        counts = f"{bloc.votes_for} for / {bloc.votes_against} against"
        if bloc.abstentions:
            counts += f" / {bloc.abstentions} abstain"
        rows.append(VoteRow(bloc.label, counts, bloc.reason))
    return rows


MAP_SCENES = 36  # the least room beside the dates for a map's scenes; else they go under them
MAP_INDENT = 2  # scenes under their date are indented this much
TABLE_EDGES = 10  # a three-column SIMPLE_HEAD table: two edges, two gaps, six spaces of padding
NARROWEST_WHY = 30  # a reason in a narrower column reads as a few words a line: stack instead
WIDEST_VOTER = 28  # a bloc's long name wraps within this; a person's name never does


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in clean(text).split()), default=0)


def table_widths(rows: Sequence[VoteRow], width: int) -> tuple[int, int] | None:
    """The widths of the Voter and Vote columns when a table fits ``width`` with nothing cut,
    or None when it would not (then the vote is stacked).

    A person's name and a vote or a count are never wrapped; a bloc's long name wraps at its
    words; the reasons need a column at least ``NARROWEST_WHY`` wide and as wide as their
    longest word.
    """
    if not rows:
        return cell_len("Voter"), cell_len("Vote")
    names = [cell_len(clean(row.who)) for row in rows]
    voter = max([cell_len("Voter"), *(n for n in names if n <= WIDEST_VOTER)])
    voter = max([voter, *(min(n, WIDEST_VOTER) for n in names)])
    voter = max([voter, *(_longest_word(row.who) for row in rows)])
    vote = max([cell_len("Vote"), *(cell_len(clean(row.vote)) for row in rows)])
    why = width - voter - vote - TABLE_EDGES
    if why < max([NARROWEST_WHY, *(_longest_word(row.why) for row in rows)]):
        return None
    return voter, vote


STACKED = 4  # the indent of a panel's value on the line below its label


def status_columns(sizes: Sequence[tuple[int, int]], room: int) -> int:
    """Where the panel's values start (the labels' column width): of the labels' own widths,
    the one that leaves the fewest values on a line of their own (the widest, if several
    do equally well). ``sizes``: each line's (label, value) width; ``room``: the width."""
    best, fewest = 0, len(sizes) + 1
    for column in sorted({label for label, _ in sizes}, reverse=True):
        stacked = sum(1 for label, value in sizes if label > column or column + 2 + value > room)
        if stacked < fewest:
            best, fewest = column, stacked
    return best


# The cause of every change a panel shows after an undo.
UNDONE = ev.Changed("", "", "", "", "undo", "undo")


def _met(targets: Iterable[ev.TargetLine]) -> dict[tuple[str, str], bool]:
    return {(t.side, t.label): t.met for t in targets}


def _number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _rolled(number: int) -> str:
    """A chance's roll as the player reads it; 0 when nothing was rolled (watching history)."""
    return f"rolled {number} of 100" if number else "as it fell in history"


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _lower(label: str) -> str:
    """A stance label inside a sentence: 'With the majority' -> 'with the majority'."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


ECHO_LIMIT = 200  # characters of a typed line that are echoed; a longer one is shortened


def _said_in(office: str, about: Sourced | None) -> bool:
    """Whether the sourced line starts by saying what the office line says (a body such as
    the Central Committee is often described the same way in both): then it is said once."""
    if about is None:
        return False

    def start(text: str) -> list[str]:
        return [word.strip(".,;:") for word in text.casefold().split()[:5]]

    return len(start(office)) >= 4 and start(about.text) == start(office)


def as_echoed(typed: str) -> str:
    """A typed line as the screen, a transcript and a session record show it.

    The whole line is still what the game reads and what a save keeps.
    """
    if len(typed) <= ECHO_LIMIT:
        return typed
    return f"{typed[:ECHO_LIMIT]}… ({len(typed):,} characters)"


def _note_line(note: Note, sources: str) -> Text:
    """A history note as one line: its confidence label, its text, then its sources."""
    line = Text()
    line.append(f"[{clean(note.confidence)}] ", style="presidium.label")
    line.append(clean(note.text))
    line.append(clean(sources), style="presidium.note")
    return line
