"""The terminal game: reads the player's input, asks the engine, renders what comes back.

The same loop serves a person at the keyboard, piped input (one answer per line), the two
autoplay agents, ``presidium replay`` and ``--json``: only where the answers come from and how
events are shown differ.

Around the engine the loop keeps what a player expects of a terminal game: an undo stack of
engine snapshots (as deep as the game), the list of choices taken (which, with the seed, is the
whole game), an autosave after every decision and on the way out, and a record of the session
(every line typed, and the plain text shown) that ``presidium replay`` can check later.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import random
import shlex
import sys
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.text import Text

from presidium import cast as casting
from presidium import commands, debrief, saves, signals
from presidium import events as ev
from presidium.catalog import Opened
from presidium.engine import Game, HistoryDice, Snapshot
from presidium.errors import PresidiumError
from presidium.model import Scenario
from presidium.printable import clean, json_text, quoted
from presidium.streams import OutputFailed
from presidium.tools import endings
from presidium.ui.render import ECHO_LIMIT, Renderer, T, as_echoed, make_console


class InputEnded(PresidiumError):
    """Standard input ran out before the game ended (exit 1)."""


class PlayerQuit(PresidiumError):
    """The player typed 'quit' (exit 0)."""

    exit_code = 0


@dataclass
class PlayOptions:
    side: str | None
    seed: int
    autoplay: str | None  # None, "history" or "random"
    debrief: str | None = None  # a .md or .html file to write the debrief to
    record: str | None = None  # write the whole session here as a save, for `presidium replay`
    dry_run: bool = False  # replaying a recorded session: never write a file
    autosave: Path | None = None  # the autosave a resumed game goes on writing
    program: str = "presidium"  # the command as the player ran it, for hints that name it
    confirm: bool = False  # a person at a terminal: a choice that gives the game up is confirmed


ASIDES = ("help", "notes", "status", "who", "history")  # commands that change nothing


def command_line(program: str, *args: str) -> str:
    """A command to show in a hint, quoted so that it can be pasted as it is (a data folder
    may have a space in its name). ``program`` is already as the player typed it."""
    return " ".join([program, *map(shlex.quote, args)])


def as_unicode(text: str) -> str:
    """Typed text as valid Unicode: bytes that were not UTF-8 become U+FFFD.

    Python hands such bytes over as lone surrogates, which no file can hold; kept, they would
    make the next save fail and lose the decision just taken.
    """
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


class LineReader:
    """Answers typed at a terminal, or lines piped in; ``None`` at end of input.

    A closed standard input (no stream at all) is input that has already ended.
    """

    def __init__(
        self, stream: IO[str] | None, interactive: bool, echo: Callable[[str], None] | None = None
    ) -> None:
        self.stream = stream
        self.interactive = interactive
        self.echo = echo or (lambda _line: None)
        self.prompted: Callable[[], None] = lambda: None  # the pager: all above has been read

    def read(self, prompt: str) -> str | None:
        if self.interactive:
            self.prompted()
            try:
                return as_unicode(input(prompt))
            except EOFError:  # Ctrl-D at a terminal: leave, as with 'quit'
                self.echo("")  # end the prompt's line
                raise PlayerQuit("goodbye") from None
        if self.stream is None:
            return None
        line = self.stream.readline()
        if not line:
            return None
        answer = as_unicode(line.rstrip("\r\n"))
        self.echo(prompt + as_echoed(answer))  # a transcript of piped play shows what was answered
        return answer


class Views:
    """Several renderers fed the same calls: the screen, a transcript file, the replay record.

    Only the screen shows notices about files (saves written, handouts), which are not part of
    the game's text and would differ from one machine to another.
    """

    def __init__(
        self, screen: Renderer, recorders: Iterable[Renderer | SessionRecord] = ()
    ) -> None:
        self.screen = screen
        self.recorders = list(recorders)
        self.all: list[Renderer | SessionRecord] = [screen, *self.recorders]

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.to_records(name, *args, **kwargs)
            return getattr(self.screen, name)(*args, **kwargs)

        return call

    def to_records(self, name: str, *args: Any, **kwargs: Any) -> None:
        """The records first, with signals held: whatever happens to the screen (Ctrl-C
        midway, an output that fails), the records hold all that the game has done."""
        with signals.holding():
            for view in self.recorders:
                getattr(view, name)(*args, **kwargs)

    def set_seat(self, side: str) -> None:
        for view in self.all:
            view.set_seat(side)

    def notice(self, message: str) -> None:
        self.screen.notice(message)

    def record_input(self, line: str) -> None:
        """What the player typed, in the records (a terminal already shows it on the screen)."""
        self.to_records("echo", line)


class SessionRecord:
    """The plain text of a session at the replay width, for saves and `presidium replay`.

    Calls are queued and rendered only when a save asks for the text, so that recording
    costs nothing before the first screen appears.
    """

    def __init__(self, scenario: Scenario, width: int = saves.REPLAY_WIDTH) -> None:
        self.buffer = io.StringIO()
        self.renderer = Renderer(
            make_console(True, width=width, file=self.buffer), scenario, True, None
        )
        self.pending: deque[tuple[str, tuple[Any, ...], dict[str, Any]]] = deque()

    def __getattr__(self, name: str) -> Callable[..., None]:
        def queue(*args: Any, **kwargs: Any) -> None:
            self.pending.append((name, args, kwargs))

        return queue

    def _render(self) -> None:
        while self.pending:  # one call at a time, whole: a signal waits until it is rendered
            with signals.holding():
                name, args, kwargs = self.pending.popleft()
                getattr(self.renderer, name)(*args, **kwargs)

    def text(self) -> str:
        self._render()
        return self.buffer.getvalue()

    def size(self) -> int:
        """How much text the session has produced so far, in characters."""
        self._render()
        return self.buffer.tell()


def match_option(answer: str, options: tuple[ev.Option, ...]) -> ev.Option | None:
    text = answer.strip().lower()
    for option in options:
        if text == str(option.number) or text == option.id:
            return option
    return None


def match_side(answer: str, sides: list[str]) -> str | None:
    """A side typed as its number or its id."""
    text = answer.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(sides):
        return sides[int(text) - 1]
    return text if text in sides else None


class Agent:
    """Answers decisions without a human: the historical choice, or seeded random ones."""

    def __init__(self, kind: str, seed: int, game: Game) -> None:
        self.kind = kind
        self.rng = random.Random(f"autoplay:{seed}")  # separate from the game's own dice
        self.game = game

    def choose(self, decision: ev.DecisionNeeded) -> str:
        available = [o for o in decision.options if o.available]
        if self.kind == "history":
            phase = self.game.phase
            if phase is not None and phase.history in {o.id for o in available}:
                return phase.history or ""
            return available[0].id
        return available[int(self.rng.random() * len(available))].id


def new_game(scenario: Scenario, seats: Iterable[str], seed: int, autoplay: str | None) -> Game:
    """A game for these seats. Watching history (``--autoplay history``), the dice fall as
    history did too, and the scenario's own seats play history unless the state rules out."""
    dice = HistoryDice() if autoplay == "history" else None
    return Game(scenario, seats, seed=seed, dice=dice)


def autoplay_side(kind: str, seed: int, sides: list[str]) -> str:
    """The side an unattended game plays when none was given: the first, or a seeded pick."""
    if kind == "history":
        return sides[0]
    return sides[int(random.Random(f"autoplay-side:{seed}").random() * len(sides))]


def last_scene(events: list[ev.Event]) -> list[ev.Event]:
    """The events from the latest scene on: what 'look' shows again."""
    starts = [n for n, e in enumerate(events) if isinstance(e, ev.PhaseStarted)]
    return events[starts[-1] :] if starts else list(events)


Opener = Callable[[str], tuple[Opened, PlayOptions, saves.Save]]


def refuse_unfit(save: saves.Save, scenario: Scenario, source: str) -> None:
    """Refuse a save made for another scenario, or for seats this scenario does not have."""
    if save.scenario != scenario.id:
        raise saves.SaveError(
            f"the save is for scenario {quoted(save.scenario)}, but {quoted(source)} is now "
            f"scenario '{scenario.id}'; it is not loaded"
        )
    if save.mode != "solo":
        raise saves.SaveError(
            f"the save is a class's game ({save.mode}), not one player's; 'presidium class run "
            "--resume' goes on with it and 'presidium class replay' checks it"
        )
    known = set(scenario.sides) | set(scenario.actors)
    if save.side not in scenario.sides:
        raise saves.SaveError(
            f"the save plays side {quoted(save.side)}, which scenario '{scenario.id}' no "
            "longer has; it is not loaded"
        )
    if save.side not in save.seats:
        raise saves.SaveError(
            f"the save's seats do not include the side it plays, {quoted(save.side)}; it is not "
            "loaded"
        )
    unknown = [seat for seat in save.seats if seat not in known]
    if unknown:
        raise saves.SaveError(
            f"the save seats {quoted(unknown[0])}, which scenario '{scenario.id}' does not have; "
            "it is not loaded"
        )


class LoadRequested(PresidiumError):
    """The player typed 'load FILE' and the save checked out: leave this game for that one."""

    def __init__(self, target: tuple[Opened, PlayOptions, saves.Save]) -> None:
        super().__init__("load")
        self.target = target


# --------------------------------------------------------------------------- one game


@dataclass
class Sitting:
    """One game at the keyboard, from its first screen (or a saved game) to its end."""

    opened: Opened
    options: PlayOptions
    views: Views
    reader: LineReader
    record: SessionRecord  # the plain text of the session, for saves and `presidium replay`
    open_save: Opener
    session: saves.Session = field(default_factory=saves.Session)
    side: str = ""
    game: Game | None = None
    choices: list[str] = field(default_factory=list)
    undo_stack: list[tuple[Snapshot, list[ev.Event]]] = field(default_factory=list)
    scene: list[ev.Event] = field(default_factory=list)
    warned_autosave: bool = False
    warned_left_out: bool = False
    ready: bool = False  # seated and playing: from here on, leaving saves the game
    autosave_file: Path | None = None  # this game's own autosave, once it has one
    autosave_problem: str = ""  # why the latest autosave failed
    report: debrief.Debrief | None = None  # the debrief, once the game has ended

    def __post_init__(self) -> None:
        self.autosave_file = self.options.autosave

    @property
    def scenario(self) -> Scenario:
        return self.opened.scenario

    # ------------------------------------------------------------------ starting
    def begin(self) -> None:
        self.views.title_screen()
        side = self.options.side
        if side is None:
            self.session.side_asked = True
            side = self._ask_side()
        self._seat(side)
        self.game = new_game(self.scenario, [side], self.options.seed, self.options.autoplay)
        self.views.goal(side, self.game.status())
        self._show(self.game.start())
        self.ready = True

    def resume(self, save: saves.Save) -> None:
        """Rebuild a saved game by replaying its choices; say exactly why if it cannot be.

        Until it is rebuilt and seated, leaving (Ctrl-C at the question below) writes nothing:
        the save it came from stays as it was.
        """
        refuse_unfit(save, self.scenario, save.source)
        changed = save.digest != self.opened.digest
        taken, problem = self._replay(save, save.choices)
        if problem is not None and not changed:
            raise saves.SaveError(
                f"the save does not replay: {problem}, although its scenario has not changed; "
                "it is not loaded"
            )
        if problem is not None:
            question = (
                f"The scenario '{self.scenario.id}' has changed since this game was saved: "
                f"{problem}. Replay the first {taken} of {len(save.choices)} choices and go on "
                "from there?"
            )
            if not self._confirm(question):
                raise saves.SaveError("the saved game was not loaded; nothing has changed")
            self._replay(save, save.choices[:taken])
        elif changed:
            self.views.notice(
                f"The scenario '{self.scenario.id}' has changed since this game was saved; "
                f"all {taken} choices still replay."
            )
        self.session.resumed_from = list(self.choices)
        self.views.heading(f"Resuming: {self.scenario.title}")
        self._seat(save.side)
        plural = "" if taken == 1 else "s"
        self.views.out(
            Text(f"{taken} choice{plural} replayed. Type 'history' for the path so far.")
        )
        assert self.game is not None
        self.views.goal(save.side, self.game.status())
        self.views.events(self.scene)
        self.ready = True

    def _replay(self, save: saves.Save, choices: list[str]) -> tuple[int, str | None]:
        """Replay ``choices`` from the seed, keeping every step for undo; stop at one not offered."""
        game = new_game(
            self.scenario, save.seats, save.seed, save.session.autoplay if save.session else None
        )
        self.game, self.choices, self.undo_stack = game, [], []
        self.scene = last_scene(game.start())
        for n, choice in enumerate(choices, 1):
            decision = game.pending
            if game.over or decision is None:
                return n - 1, f"the game ends before choice {n}, '{choice}'"
            offered = {o.id: o for o in decision.options}
            if choice not in offered or not offered[choice].available:
                where = game.phase.title if game.phase else "?"
                return n - 1, f"choice {n}, '{choice}', is not offered in '{where}'"
            self.undo_stack.append((game.snapshot(), self.scene))
            self.choices.append(choice)
            events = game.step(choice)
            if any(isinstance(e, ev.PhaseStarted) for e in events):
                self.scene = last_scene(events)
        return len(choices), None

    def _seat(self, side: str) -> None:
        self.side = side
        self.views.set_seat(side)
        self.views.playing_as(side)

    def _ask_side(self) -> str:
        sides = self.views.side_menu()
        if self.options.autoplay:
            return autoplay_side(self.options.autoplay, self.options.seed, sides)
        while True:
            answer = self._read("Side> ")
            if answer is None:
                raise InputEnded("input ended before a side was chosen")
            if commands.command(answer) == "quit":
                raise PlayerQuit("goodbye")
            side = match_side(answer, sides)
            if side is not None:
                return side
            self.views.error(f"Type 1 to {len(sides)}, or one of: {', '.join(sides)}.")

    def _confirm(self, question: str) -> bool:
        self.views.out(Text(clean(question)))  # it quotes the save, which anyone can edit
        while True:
            answer = self._read("(yes/no)> ")
            if answer is None:
                return False
            word = answer.strip().lower()
            if word in ("y", "yes"):
                return True
            if word in ("n", "no", "quit", "exit"):
                return False
            self.views.error("Type yes or no.")

    # ------------------------------------------------------------------ playing
    def play(self) -> Game:
        game = self.game
        assert game is not None
        agent = None
        if self.options.autoplay:
            agent = Agent(self.options.autoplay, self.options.seed, game)
        playing = not game.over
        while not game.over:
            decision = game.pending
            assert decision is not None
            choice = agent.choose(decision) if agent is not None else self._ask()
            snapshot = game.snapshot()
            with signals.holding():  # a choice taken is in the records with what it showed
                events = game.step(choice)
                if not (len(events) == 1 and isinstance(events[0], ev.Refused)):
                    self.undo_stack.append((snapshot, self.scene))
                    self.choices.append(choice)
                self.views.to_records("events", events)
            self._show(events, recorded=True)
            self.autosave()
        if playing and agent is None:
            self.count_ending()
        return game

    def count_ending(self) -> None:
        """A game a person played to its end counts in ``presidium endings`` (a replay, an
        autoplayed game or a saved game loaded at its end does not)."""
        game = self.game
        if self.options.dry_run or game is None or game.ending is None:
            return
        try:
            with signals.holding():
                endings.record_ending(self.scenario.id, game.ending, self.side)
        except endings.RecordError as exc:
            self._aside(f"(This ending was not counted in 'presidium endings': {exc}.)")

    def _show(self, events: list[ev.Event], recorded: bool = False) -> None:
        if any(isinstance(e, ev.PhaseStarted) for e in events):
            self.scene = last_scene(events)
        if recorded:
            self.views.screen.events(events)
        else:
            self.views.events(events)

    def _read(self, prompt: str) -> str | None:
        answer = self.reader.read(prompt)
        if answer is not None:
            with signals.holding():  # a line in the save is a line in its transcript
                self.session.inputs.append(answer)
                self.views.record_input(prompt + as_echoed(answer))
        return answer

    def _ask(self) -> str:
        """The player's next choice, after any number of commands."""
        game = self.game
        assert game is not None
        while True:
            decision = game.pending
            assert decision is not None
            answer = self._read("> ")
            if answer is None:
                raise InputEnded("input ended before the game did")
            word, _, rest = answer.strip().partition(" ")
            command = commands.command(word)
            argument = rest.strip()
            if command == "quit":
                raise PlayerQuit("goodbye")
            if command in ASIDES:  # the choices again after them, as they have scrolled away
                self.aside(command, argument)
                self.views.choices_again()
            elif command == "look":
                self.views.events(self.scene)
            elif command == "undo":
                self.undo()
            elif command == "save":
                self.save_to(argument or None)
            elif command == "load":
                self.load(argument)
            else:
                option = match_option(answer, decision.options)
                if option is not None and self._concedes(option) and not self._give_up(option):
                    continue
                if option is not None:
                    return option.id  # an unavailable choice is refused by the engine
                count = len(decision.options)
                self.views.error(f"Type a number from 1 to {count}, a choice id, or 'help'.")

    def aside(self, command: str, argument: str) -> None:
        """A command that reads about the game and changes nothing in it."""
        game = self.game
        assert game is not None
        if command == "help":
            self.views.help()
        elif command == "notes":
            self.views.notes(game.scenes_since_decision())
        elif command == "status":
            self.views.on_status(game.status(), always=True)
        elif command == "who":
            self.views.who(casting.members(self.scenario, game.values), argument)
        elif command == "history":
            self.views.history(debrief.build_steps(self.scenario, game))

    def _concedes(self, option: ev.Option) -> bool:
        """Whether taking ``option`` gives the game up (asked only of a person at a terminal:
        piped answers, autoplay and ``--json`` take it as chosen)."""
        phase = self.game.phase if self.game is not None else None
        if not option.available or phase is None or not self.options.confirm:
            return False
        return self.scenario.concedes(phase.id, option.id)

    def _give_up(self, option: ev.Option) -> bool:
        """Say what giving up means, and take it only on a yes; anything else fights on."""
        side = self.scenario.sides[self.side]
        self.views.out(
            T(
                f"'{option.label}' gives the game up: {side.name} stops fighting for its goal "
                f"({' '.join(side.goal.split()).rstrip('.')}), and the game goes on to where giving up "
                "leads; it may end there and then."
            )
        )
        answer = self._read("Give up? (y/N)> ")
        if answer is not None and answer.strip().lower() in ("y", "yes"):
            return True
        self.views.out(T("Not taken: you fight on. Choose again."))
        return False

    def undo(self) -> None:
        """Take back the last decision, and show that moment again."""
        game = self.game
        assert game is not None
        if not self.undo_stack:
            self.views.error("Nothing to undo: this is the start of the game.")
            return
        snapshot, scene = self.undo_stack.pop()
        taken = self.choices.pop()
        game.restore(snapshot)
        pending = snapshot.pending
        label = (
            next((o.label for o in pending.options if o.id == taken), taken) if pending else taken
        )
        self.views.heading(f"Undone: {label}")
        self.views.undone()
        self.scene = scene
        self.views.events(scene)
        self.autosave()

    def load(self, target: str) -> None:
        if not target:
            self.views.error("Say which save to load: load NAME.")
            return
        if self.options.dry_run:  # a replayed session stops where it loaded another game
            raise InputEnded("the recorded session went on to another game")
        if len(target) > ECHO_LIMIT:
            self.views.error(f"Cannot load '{as_echoed(target)}': no save has so long a name.")
            return
        try:
            opened = self.open_save(target)
        except PresidiumError as exc:
            self.views.error(f"Cannot load '{target}': {exc}")
            return
        raise LoadRequested(opened)

    # ------------------------------------------------------------------ saving
    def current_save(self, finished: bool = False) -> saves.Save:
        game = self.game
        self.session.transcript = self.record.text()
        return saves.Save(
            scenario=self.scenario.id,
            source=self.opened.source,
            digest=self.opened.digest,
            side=self.side,
            seats=list(game.humans) if game is not None else [self.side],
            seed=self.options.seed,
            choices=list(self.choices),
            finished=finished,
            session=self.session,
        )

    def save_to(self, target: str | None) -> None:
        """``save NAME``: a bare name is a save in the saves folder, a path is a path."""
        if self.options.dry_run:
            return
        save = self.current_save()
        path = saves.place(target) if target else saves.saves_dir() / saves.default_name(save)
        try:
            written = saves.write(save, path, self._left_out)
        except saves.SaveError as exc:
            self.views.notice(f"Not saved: {exc}.")
            return
        program = self.options.program
        load = command_line(program, "play", "--load", str(written))
        self.views.notice(f"Saved to {written}. Load it with: {load}")

    def _left_out(self, why: str) -> None:
        if not self.warned_left_out:
            self.warned_left_out = True
            self._aside(f"({why[0].upper()}{why[1:]}.)")

    def _aside(self, message: str) -> None:
        """A notice given while a file is being written: an output that fails now must not
        stop the write (the failure is kept, and reported when the program ends)."""
        with contextlib.suppress(OutputFailed):
            self.views.notice(message)

    def autosave(self, finished: bool = False) -> bool | None:
        """After every decision, and on the way out: an interrupted game is never lost.

        True when this game's autosave was written, False when writing it failed, None when
        there was nothing to save. Each game has a file of its own, so a new game never
        overwrites another's, even one started with the same scenario, side and seed.
        """
        if self.options.dry_run or self.options.autoplay or self.game is None:
            return None
        if not self.choices and not finished and self.autosave_file is None:
            return None  # nothing to lose yet
        if self.autosave_file is None:
            self.autosave_file = saves.autosave_path(
                self.scenario.id, self.side, self.options.seed, saves.new_game_id()
            )
        try:
            saves.write(self.current_save(finished), self.autosave_file, self._left_out)
        except saves.SaveError as exc:
            self.autosave_problem = str(exc)
            if not self.warned_autosave:
                self.warned_autosave = True
                self._aside(f"(Autosave failed: {exc}. Use 'save FILE' to keep your game.)")
            return False
        return True

    def leave(self, finished: bool, announce: bool = True) -> None:
        """On the way out, however it came: autosave, and write the session if asked.

        Files first, words after: after a hangup there is no screen to write to.
        """
        if self.game is None or not self.ready:
            return  # nothing was played yet, or a saved game was not rebuilt: nothing to keep
        said: list[str] = []
        problem: PresidiumError | None = None
        with signals.holding():  # one file failing never stops the others being written
            saved = self.autosave(finished)
            if self.options.record and not self.options.dry_run:
                try:
                    saves.write(self.current_save(finished), self.options.record, self._left_out)
                    said.append(
                        f"The session is recorded in {self.options.record}; "
                        f"'{command_line(self.options.program, 'replay', self.options.record)}' "
                        "checks that it "
                        "still plays the same."
                    )
                except saves.SaveError as exc:
                    problem = exc
            if self.report is not None and self.options.debrief and not self.options.dry_run:
                try:
                    write_debrief(self.report, self.options.debrief, said.append)
                except PresidiumError as exc:
                    problem = problem or exc
            if not self.options.dry_run:
                saves.prune_autosaves()  # once a game, not at every decision
        for line in said:
            self.views.notice(line)
        if announce and not finished and not self.options.dry_run and not self.options.autoplay:
            if saved:
                self.views.notice(
                    f"Your game is saved. To go on with it: {self.options.program} play --resume"
                )
            elif saved is False:
                self.views.notice(f"Your game could not be saved: {self.autosave_problem}.")
        if problem is not None:
            raise problem

    def finish(self) -> None:
        self.concluded()
        assert self.report is not None
        self.views.screen.debrief(self.report)

    def concluded(self) -> bool:
        """Whether the game has ended. The debrief (the handout, written in ``leave``) is put
        in the records here, before the screen shows it: a game left at its ending (Ctrl-C,
        an output that failed) is recorded whole, and saved as finished."""
        game = self.game
        if game is None or not self.ready or not game.over:
            return False
        with signals.holding():
            if self.report is None:
                self.report = debrief.build(self.scenario, game, self.side)
                self.views.to_records("debrief", self.report)
        return True


def write_debrief(report: debrief.Debrief, target: str, say: Callable[[str], None]) -> None:
    """The debrief as a handout: Markdown or HTML, by the file's extension."""
    web = Path(target).suffix.lower() in (".html", ".htm")
    text = debrief.html(report) if web else debrief.markdown(report)
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PresidiumError(f"cannot write the debrief to '{target}': {exc.strerror}") from None
    say(f"The debrief is in {target}.")


# --------------------------------------------------------------------------- the front end


@dataclass
class Screen:
    """How one run of `presidium play` shows things; it serves every game that run plays."""

    renderer_for: Callable[[Scenario], Renderer]  # the screen
    transcript_for: Callable[[Scenario], Renderer] | None = None  # a transcript file, if asked


def run_games(
    first: tuple[Opened, PlayOptions, saves.Save | None],
    screen: Screen,
    reader: LineReader,
    open_save: Opener,
) -> int:
    """Play until a game ends or the player leaves; 'load FILE' moves on to another game."""
    opened, options, save = first
    fallback: tuple[Opened, PlayOptions, saves.Save] | None = None  # the game 'load' left
    while True:
        record = SessionRecord(opened.scenario)
        recorders: list[Renderer | SessionRecord] = [record]
        if screen.transcript_for is not None:
            recorders.append(screen.transcript_for(opened.scenario))
        views = Views(screen.renderer_for(opened.scenario), recorders)
        reader.echo = views.screen.echo  # piped answers appear on the screen as typed
        session = saves.Session(autoplay=options.autoplay, confirms=options.confirm)
        sitting = Sitting(opened, options, views, reader, record, open_save, session)
        try:
            if save is not None:
                try:
                    sitting.resume(save)
                except saves.SaveError as exc:
                    if fallback is None:
                        raise
                    views.error(f"Cannot load that game: {exc}. Back to the game you were playing.")
                    opened, options, save = fallback
                    fallback = None
                    continue
            else:
                sitting.begin()
            fallback = None
            sitting.play()
            sitting.finish()
        except LoadRequested as request:
            sitting.leave(finished=False, announce=False)
            back = dataclasses.replace(sitting.options, autosave=sitting.autosave_file)
            fallback = (sitting.opened, back, sitting.current_save())
            opened, options, save = request.target
            continue
        except (KeyboardInterrupt, OutputFailed, PlayerQuit, InputEnded) as exc:
            with signals.holding():  # a signal now must not cut the leaving short
                if isinstance(exc, (KeyboardInterrupt, OutputFailed)):
                    # perhaps midway through answering the last line
                    sitting.session.interrupted = True
                if isinstance(exc, KeyboardInterrupt):
                    with contextlib.suppress(OutputFailed):
                        views.screen.blank()  # the terminal's ^C is still on the prompt's line
                sitting.leave(finished=sitting.concluded())
            raise
        sitting.leave(finished=True)
        return 0


class _Unwatched(Console):
    """The screen of a replay, which nobody watches: nothing is drawn on it (and what any
    other method writes goes to a buffer nobody reads, never to the terminal)."""

    def print(self, *_args: Any, **_kwargs: Any) -> None:
        pass

    def rule(self, *_args: Any, **_kwargs: Any) -> None:
        pass


REPLAY_SLACK = 64 * 1024  # how far past the recorded text a replay goes before it stops


class _ReplayReader(LineReader):
    """The recorded lines, until the replay has shown far more than the recording did.

    By then the verdict is certain ("different"), and going on would only cost time: a save
    can hold a million typed lines that each print a page.
    """

    def __init__(self, lines: list[str], record: SessionRecord, limit: int) -> None:
        super().__init__(io.StringIO("".join(line + "\n" for line in lines)), False)
        self.record = record
        self.limit = limit

    def read(self, prompt: str) -> str | None:
        if self.record.size() > self.limit:
            return None
        return super().read(prompt)


def replay_session(opened: Opened, save: saves.Save) -> str:
    """Play a recorded session's typed lines again and return the text it produces now."""
    session = save.session
    assert session is not None
    refuse_unfit(save, opened.scenario, save.source)
    record = SessionRecord(opened.scenario, session.width)
    unseen = Renderer(
        _Unwatched(width=session.width, file=io.StringIO()), opened.scenario, True, None
    )
    views = Views(unseen, [record])
    side = None if session.side_asked else save.side
    options = PlayOptions(side, save.seed, session.autoplay, dry_run=True, confirm=session.confirms)
    reader = _ReplayReader(session.inputs, record, len(session.transcript) + REPLAY_SLACK)

    def no_loading(_target: str) -> tuple[Opened, PlayOptions, saves.Save]:
        raise PresidiumError("a replay does not load other games")

    sitting = Sitting(opened, options, views, reader, record, no_loading, saves.Session())
    try:
        if session.resumed_from is not None:
            sitting.resume(dataclasses.replace(save, choices=session.resumed_from))
        else:
            sitting.begin()
        sitting.play()
        sitting.finish()
    except (PlayerQuit, InputEnded):
        pass  # the session ended there, as it did when it was recorded
    return record.text()


# --------------------------------------------------------------------------- JSON Lines


def play_json(scenario: Scenario, options: PlayOptions, out: IO[str], reader: LineReader) -> int:
    """Engine events as JSON Lines; answers are read as lines of choice ids or numbers."""

    def emit(obj: dict[str, Any]) -> None:
        out.write(json_text(json.dumps(obj, ensure_ascii=False)) + "\n")
        out.flush()

    def show(events: list[ev.Event]) -> None:
        for event in events:
            emit(event.to_dict())

    def answer_line() -> str:
        answer = reader.read("")
        if answer is None:
            raise InputEnded("input ended before the game did")
        return answer

    def ask(game: Game, decision: ev.DecisionNeeded) -> str:
        while True:
            answer = answer_line()
            option = match_option(answer, decision.options)
            if option is not None:
                return option.id  # the engine refuses an unavailable one with a "refused" event
            emit({"type": "error", "message": f"not a choice here: {answer.strip()!r}"})

    sides = list(scenario.sides)
    emit(
        {
            "type": "scenario",
            "id": scenario.id,
            "title": scenario.title,
            "sides": sides,
            "seed": options.seed,
        }
    )
    side = options.side
    if side is None and options.autoplay:
        side = autoplay_side(options.autoplay, options.seed, sides)
    elif side is None:
        emit({"type": "choose_side", "options": sides})
        while side is None:
            answer = answer_line()
            side = match_side(answer, sides)
            if side is None:
                emit(
                    {
                        "type": "error",
                        "message": f"unknown side {answer.strip()!r}; expected one of {sides}",
                    }
                )
    emit({"type": "side", "side": side})
    game = new_game(scenario, [side], options.seed, options.autoplay)
    agent = Agent(options.autoplay, options.seed, game) if options.autoplay else None
    emit(
        {
            "type": "goal",
            "side": side,
            "goal": " ".join(scenario.sides[side].goal.split()),
            "targets": [
                {"label": t.label, "met": t.met} for t in game.status().targets if t.side == side
            ],
        }
    )
    show(game.start())
    while not game.over:
        decision = game.pending
        assert decision is not None
        show(game.step(agent.choose(decision) if agent is not None else ask(game, decision)))
    if options.debrief:
        write_debrief(debrief.build(scenario, game, side), options.debrief, lambda line: None)
    return 0


def stdin_is_interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()
