"""The terminal game: reads the player's input, asks the engine, renders what comes back.

The same loop serves a person at the keyboard, piped input (one answer per line), the two
autoplay agents and ``--json``: only where the answers come from and how events are shown
differ.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.text import Text

from presidium import debrief
from presidium import events as ev
from presidium.engine import Game
from presidium.errors import PresidiumError
from presidium.model import Scenario
from presidium.ui.render import Renderer

COMMANDS = {
    "help": "help",
    "?": "help",
    "notes": "notes",
    "status": "status",
    "quit": "quit",
    "exit": "quit",
}


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


class LineReader:
    """Answers typed at a terminal, or lines piped in; ``None`` at end of input."""

    def __init__(self, stream: IO[str], interactive: bool, echo: Callable[[str], None]) -> None:
        self.stream = stream
        self.interactive = interactive
        self.echo = echo

    def read(self, prompt: str) -> str | None:
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:  # Ctrl-D at a terminal: leave, as with 'quit'
                raise PlayerQuit("goodbye") from None
        line = self.stream.readline()
        if not line:
            return None
        answer = line.rstrip("\r\n")
        self.echo(prompt + answer)  # a transcript of piped play shows what was answered
        return answer


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


def autoplay_side(kind: str, seed: int, sides: list[str]) -> str:
    """The side an unattended game plays when none was given: the first, or a seeded pick."""
    if kind == "history":
        return sides[0]
    return sides[int(random.Random(f"autoplay-side:{seed}").random() * len(sides))]


def drive(
    scenario: Scenario,
    side: str,
    options: PlayOptions,
    show: Callable[[list[ev.Event]], None],
    ask: Callable[[Game, ev.DecisionNeeded], str],
) -> Game:
    """Play one game to its end: the one loop behind every front end and both autoplay agents."""
    game = Game(scenario, [side], seed=options.seed)
    agent = Agent(options.autoplay, options.seed, game) if options.autoplay else None
    show(game.start())
    while not game.over:
        decision = game.pending
        assert decision is not None
        show(game.step(agent.choose(decision) if agent is not None else ask(game, decision)))
    return game


def play_terminal(
    scenario: Scenario, options: PlayOptions, renderer: Renderer, reader: LineReader
) -> int:
    renderer.title_screen()
    side = options.side
    if side is None:
        side = _ask_side(options, renderer, reader)
    renderer.seat = side
    renderer.playing_as(side)

    def ask(game: Game, decision: ev.DecisionNeeded) -> str:
        return _ask(game, renderer, reader, decision)

    game = drive(scenario, side, options, renderer.events, ask)
    report = debrief.build(scenario, game, side)
    renderer.debrief(report)
    if options.debrief:
        write_debrief(report, options.debrief, lambda line: renderer.out(Text(line)))
    return 0


def write_debrief(report: debrief.Debrief, target: str, say: Callable[[str], None]) -> None:
    """The debrief as a handout: Markdown or HTML, by the file's extension."""
    web = Path(target).suffix.lower() in (".html", ".htm")
    text = debrief.html(report) if web else debrief.markdown(report)
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PresidiumError(f"cannot write the debrief to '{target}': {exc.strerror}") from None
    say(f"The debrief is in {target}.")


def _ask_side(options: PlayOptions, renderer: Renderer, reader: LineReader) -> str:
    sides = renderer.side_menu()
    if options.autoplay:
        return autoplay_side(options.autoplay, options.seed, sides)
    while True:
        answer = reader.read("Side> ")
        if answer is None:
            raise InputEnded("input ended before a side was chosen")
        if answer.strip().lower() in ("quit", "exit"):
            raise PlayerQuit("goodbye")
        side = match_side(answer, sides)
        if side is not None:
            return side
        renderer.error(f"Type 1 to {len(sides)}, or one of: {', '.join(sides)}.")


def _ask(game: Game, renderer: Renderer, reader: LineReader, decision: ev.DecisionNeeded) -> str:
    while True:
        answer = reader.read("> ")
        if answer is None:
            raise InputEnded("input ended before the game did")
        word = COMMANDS.get(answer.strip().lower())
        if word == "quit":
            raise PlayerQuit("goodbye")
        if word == "help":
            renderer.help()
            continue
        if word == "notes":  # reading history changes nothing in the game
            renderer.notes(game.phase.id if game.phase else None)
            continue
        if word == "status":
            renderer.on_status(game.status(), always=True)
            continue
        option = match_option(answer, decision.options)
        if option is None:
            count = len(decision.options)
            renderer.error(f"Type a number from 1 to {count}, a choice id, or 'help'.")
            continue
        return option.id  # an unavailable choice is refused by the engine, in the fiction


# --------------------------------------------------------------------------- JSON Lines


def play_json(scenario: Scenario, options: PlayOptions, out: IO[str], reader: LineReader) -> int:
    """Engine events as JSON Lines; answers are read as lines of choice ids or numbers."""

    def emit(obj: dict[str, Any]) -> None:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
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
    game = drive(scenario, side, options, show, ask)
    if options.debrief:
        write_debrief(debrief.build(scenario, game, side), options.debrief, lambda line: None)
    return 0


def stdin_is_interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()
