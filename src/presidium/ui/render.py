"""Turn engine events into what a person reads: rich panels, or plain screen-reader text.

Scenario text, and anything a save or the player brought, is always wrapped in ``Text`` (never
parsed as markup) and made printable by ``clean``, so none of them can restyle or drive the
terminal. Styles are named by meaning in one theme; nothing is conveyed by colour alone: every
coloured item also carries a word ("Counterfactual", "unavailable", "for", "against").
"""

from __future__ import annotations

import io
import os
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, cast

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from presidium import events as ev
from presidium.commands import help_lines
from presidium.debrief import Debrief, FateLine, SceneNotes, Step, ballot_why, format_date
from presidium.model import GRADE_LEGEND, Note, Scenario, confidence_legend
from presidium.printable import clean

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

    def __init__(self, console: Console, scenario: Scenario, plain: bool, seat: str | None) -> None:
        self.console = console
        self.scenario = scenario
        self.plain = plain
        self.seat = seat
        self.shown_status: dict[str, str] = {}
        self.decision: ev.DecisionNeeded | None = None

    def set_seat(self, side: str) -> None:
        self.seat = side

    # ------------------------------------------------------------------ helpers
    def out(self, renderable: RenderableType = "") -> None:
        self.console.print(renderable)

    def blank(self) -> None:
        self.console.print()

    def heading(self, text: str) -> None:
        if self.plain:  # normal case: screen readers spell out words in capitals
            self.blank()
            self.out(T(text))
        else:
            self.blank()
            self.console.rule(T(text, "presidium.title"))

    def paragraphs(self, text: str, prefix: str = "", style: str = "") -> Text:
        body = Text()
        if prefix:
            body.append(prefix, style="presidium.counterfactual")
        body.append(clean(text), style=style)
        return body

    # ------------------------------------------------------------------ screens
    def hanging(self, rows: Iterable[tuple[Text, RenderableType]]) -> Table:
        """Rows whose wrapped lines stay indented under their text, not under the marker."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
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
                f"You are playing: {self.scenario.sides[side].name}. Type 'help' at any prompt for commands."
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
        """The state of play: in full the first time or on request, otherwise only when it changes."""
        # "Date", not "Day": a scene may be dated by a period ("Mid-June 1957").
        date = format_date(e.date, e.date_label)
        lines = ((ev.StatusLine(DATE, date),) if date else ()) + e.lines
        before = self.shown_status
        changed = [line for line in lines if before.get(line.label) != line.value]
        self.shown_status = {line.label: line.value for line in lines}
        if e.aftermath and all(line.label == DATE for line in changed):
            changed = []  # the scene gives its date; the panel would repeat the last decision's
        if not changed and not always:
            return
        first = not before or always
        if self.plain:
            self.blank()
            if first:
                self.out(
                    T("State of play: " + "; ".join(f"{x.label}: {x.value}" for x in lines) + ".")
                )
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
        table = Table.grid(padding=(0, 2))
        table.add_column(style="presidium.label")
        table.add_column()
        for line in lines:
            value = T(line.value)
            if not first and line in changed and line.label in before:
                value.append(f"  (was {clean(before[line.label])})", style="presidium.odds")
            table.add_row(T(line.label), value)
        self.out(
            Panel(
                table,
                title=Text("State of play", style="presidium.label"),
                box=box.SIMPLE,
                padding=(0, 1),
            )
        )

    def on_vote(self, e: ev.VoteHeld) -> None:
        self.heading(f"Vote: {'[Counterfactual] ' if e.counterfactual else ''}{e.title}")
        self.out(T(f"Motion: {e.motion}"))
        if self.plain:
            for b in e.ballots:
                self.out(T(f"- {b.name} {VOTE_WORDS[b.vote]}: {ballot_why(b)}"))
            for bloc in e.blocs:
                self.out(
                    T(
                        f"- {bloc.label}: {bloc.votes_for} for, {bloc.votes_against} against, "
                        f"{bloc.abstentions} abstaining. {bloc.reason}"
                    )
                )
        else:
            table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=False)
            table.add_column("Voter", no_wrap=True)
            table.add_column("Vote", no_wrap=True)
            table.add_column("Why", ratio=1)
            for b in e.ballots:
                style = {"for": "presidium.bad", "against": "presidium.good"}.get(b.vote, "")
                table.add_row(T(b.name), Text(VOTE_WORDS[b.vote], style=style), T(ballot_why(b)))
            for bloc in e.blocs:
                counts = f"{bloc.votes_for} for / {bloc.votes_against} against"
                if bloc.abstentions:
                    counts += f" / {bloc.abstentions} abstain"
                table.add_row(T(bloc.label), T(counts), T(bloc.reason))
            self.out(table)
        self.vote_result(e)

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
                self.out(_note_line(note, f" [Sources: {', '.join(note.sources)}]"))

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
        for source_id, cite, grade in sources:
            self.out(T(f"{source_id}: {cite} (grade {grade})"))
        self.out(T(f"Source grades: {GRADE_LEGEND}."))
        return True

    def vote_result(self, e: ev.VoteHeld) -> None:
        """The line that ends a vote: the totals, and whether the motion passed."""
        result = "PASSED" if e.passed else "FAILED"
        self.out(
            Text(
                f"Result: {e.votes_for} for, {e.votes_against} against, {e.abstentions} abstaining. "
                f"The motion {result}.",
                style="presidium.title",
            )
        )

    def on_decision(self, e: ev.DecisionNeeded) -> None:
        self.heading(e.prompt)
        self.decision = e
        if self.plain:  # one choice per line, starting with its number
            for option in e.options:
                self.out(Text(f"{option.number}. ").append_text(self.option_line(option)))
        else:
            self.out(
                self.hanging(
                    (Text(f"{o.number}.", style="presidium.number"), self.option_line(o))
                    for o in e.options
                )
            )

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
        if option.counterfactual:
            line.append(" [counterfactual]", style="presidium.counterfactual")
        if not option.available:
            line.append(
                f" (unavailable: {clean(option.reason or '')})", style="presidium.unavailable"
            )
        return line

    def on_choice(self, e: ev.ChoiceMade) -> None:
        self.blank()
        # "X chose" reads well whether a seat's name is singular or plural ("The plotters").
        who = "You" if e.by == "player" and e.seat == self.seat else clean(e.seat_name)
        text = Text(
            f"{who} chose: ", style="presidium.script" if e.by == "script" else "presidium.choice"
        )
        text.append(clean(e.label))
        if e.historical is False:
            text.append(" [counterfactual]", style="presidium.counterfactual")
        self.out(text)

    def on_chance(self, e: ev.ChanceRolled) -> None:
        if e.outcome is not None:  # a chance of more than two outcomes: name the one drawn
            if e.percent == 100:
                self.out(T(f"Chance: certain: {clean(e.outcome)}."))
                return
            self.out(
                Text(
                    f"Chance: rolled {e.roll} of 100: {clean(e.outcome)} ({e.percent}% chance).",
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
                f"Chance {e.percent}%: rolled {e.roll} of 100, {word}.",
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
        historical = e.kind == "historical"
        self.fates(
            "What became of them" + ("" if historical else " (counterfactual)"),
            e.fates,
            show_sources=historical,
        )
        self.blank()
        self.out(T(f"Ending: {e.ending} — {e.title}"))

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
                line.append(clean(f" [Sources: {', '.join(fate.sources)}]"), style="presidium.note")
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
        return clean(source.cite) if source else source_id

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

    def steps(self, steps: Sequence[Step]) -> None:
        """Each decision so far, beside what history did."""
        for step in steps:
            line = Text(clean(f"{step.when}: "))
            line.append(clean(step.scene), style="presidium.choice")
            line.append(f" ({clean(step.who)}): {clean(step.choice)}")
            if step.chance:
                line.append(clean(f" [{step.chance}]"))
            if step.as_in_history is False:
                line.append(" DIVERGED", style="presidium.counterfactual")
                line.append(f" ({clean(step.why or '')}); history: {clean(step.historical or '')}")
            elif step.as_in_history:
                line.append(" (as in history)", style="presidium.good")
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

    def error(self, message: str) -> None:
        self.out(Text(clean(message), style="presidium.error"))


ECHO_LIMIT = 200  # characters of a typed line that are echoed; a longer one is shortened


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
