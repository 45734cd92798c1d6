"""The command line: the one place where exceptions become exit codes.

Exit codes: 0 success; 1 problems found or a game stopped by bad input; 2 usage error;
130 interrupted (128 + the signal's number for a hangup, SIGTERM or SIGQUIT). A user error
never prints a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from presidium import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from presidium.catalog import Opened
    from presidium.saves import Save
    from presidium.ui.pager import Pager
    from presidium.ui.play import PlayOptions

COMMANDS = (
    "play",
    "list",
    "endings",
    "validate",
    "check",
    "graph",
    "schema",
    "new",
    "replay",
    "class",
)
WIDEST = 200  # --width takes 60 to 200 columns
READABLE = 100  # on a wider terminal the text stops growing here: longer lines are hard to read
TRANSCRIPTS = (".txt", ".md", ".markdown", ".html", ".htm", ".svg")


def invoked_as(argv0: str | None = None) -> str:
    """The command as the player ran it, so that a hint names a command that works.

    ``presidium`` when that is what the PATH finds; otherwise the path as typed (for example
    ``.venv/bin/presidium``), or ``python -m presidium`` with the interpreter that ran it.
    """
    argv0 = sys.argv[0] if argv0 is None else argv0
    if not argv0:
        return "presidium"
    if Path(argv0).name in ("__main__.py", "-m", "-c"):
        return f"{_as_typed(sys.executable)} -m presidium"
    return _as_typed(argv0)


def _as_typed(path: str) -> str:
    import shutil  # only when a message names the command

    name = Path(path).name
    found = shutil.which(name)
    # The same path, not merely the same file: a virtual environment's python is a link to
    # the system's, and only the first can import presidium.
    try:  # abspath and relpath ask for the current folder, which may have been removed
        if found and os.path.abspath(found) == os.path.abspath(path):
            return name
        relative = os.path.relpath(path)
    except (ValueError, OSError):
        return shlex.quote(path)
    if not relative.startswith(".."):
        path = relative if os.sep in relative else os.path.join(".", relative)
    return shlex.quote(path)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        from presidium.printable import clean

        self.print_usage(sys.stderr)
        self.exit(2, clean(f"presidium: error: {message}", one_line=True) + "\n")


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed takes a whole number, not {text!r}") from None


def _width(text: str) -> int:
    if not text.isdigit() or not 60 <= int(text) <= WIDEST:
        raise argparse.ArgumentTypeError(f"--width takes 60 to {WIDEST} columns, not {text!r}")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, not {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"--port takes 1 to 65535, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="presidium",
        description="Play the June 1957 'Anti-Party Group' crisis in the Soviet leadership, the October 1964 plenum that ended Khrushchev's rule, and their what-ifs.",
        epilog="With no command, 'presidium' is 'presidium play'. Run 'presidium play --help' for play options.",
    )
    parser.add_argument("--version", action="version", version=f"presidium {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    play = sub.add_parser(
        "play", help="play a scenario (the default)", description="Play a scenario."
    )
    play.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="a bundled scenario id or the path to a .yaml file (default: june_1957)",
    )
    play.add_argument(
        "--side",
        metavar="ID",
        help="the side to play (khrushchev or molotov in june_1957); asked when omitted",
    )
    play.add_argument(
        "--seed",
        type=_seed,
        default=None,
        metavar="N",
        help="same scenario + seed + choices = the same game (default: a new seed each game)",
    )
    play.add_argument(
        "--autoplay",
        choices=("history", "random"),
        help="play unattended: history's choices and dice at every step, or seeded random choices",
    )
    play.add_argument(
        "--json", action="store_true", help="engine events as JSON Lines instead of the interface"
    )
    play.add_argument(
        "--plain",
        action="store_true",
        help="no colour and no box drawing (also when NO_COLOR is set and not empty, or output is not a terminal)",
    )
    play.add_argument(
        "--debrief",
        metavar="FILE",
        help="also write the debrief to FILE as a handout: .md for Markdown, .html for a web page",
    )
    play.add_argument(
        "--load",
        metavar="FILE",
        help="go on with a saved game (a file, or a name in your saves folder)",
    )
    play.add_argument(
        "--resume",
        action="store_true",
        help="go on with the latest autosaved game (every game is autosaved as you play)",
    )
    play.add_argument(
        "--transcript",
        metavar="FILE",
        help="write the whole session, with what you typed, to FILE: .txt, .md, .html or .svg",
    )
    play.add_argument(
        "--record",
        metavar="FILE",
        help="also save the session to FILE when you leave, for 'presidium replay FILE'",
    )
    play.add_argument(
        "--width",
        type=_width,
        default=None,
        metavar="COLUMNS",
        help="lay the text out for this many columns, 60 to 200 (default: the terminal's, up to 100)",
    )
    graph = sub.add_parser(
        "graph",
        help="draw the scenario's state machine (Mermaid or DOT)",
        description="Draw a scenario's phases, choices and endings, with the historical path highlighted.",
    )
    graph.add_argument(
        "path", metavar="SCENARIO", help="a bundled scenario id or the path to a .yaml file"
    )
    graph.add_argument(
        "--format", choices=("mermaid", "dot"), default="mermaid", help="mermaid (default) or dot"
    )
    graph.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (a .md file gets a Mermaid block) instead of printing",
    )
    new = sub.add_parser(
        "new",
        help="write a commented starter scenario",
        description="Write a commented starter scenario that validates and checks clean.",
    )
    new.add_argument("path", metavar="PATH", help="the new file (.yaml)")
    new.add_argument(
        "--extends",
        metavar="SCENARIO",
        help="start from a scenario (a bundled id or a path) and change only what differs",
    )
    schema = sub.add_parser(
        "schema",
        help="print the JSON Schema of the scenario format",
        description="Print the JSON Schema (draft-07) of the scenario format, for editors.",
    )
    schema.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of printing")
    validate = sub.add_parser(
        "validate",
        help="report every problem in scenario files",
        description="Check scenario files and report every problem at once, as file:line:col.",
    )
    validate.add_argument(
        "paths", nargs="+", metavar="SCENARIO", help="bundled scenario ids or .yaml files"
    )
    validate.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check = sub.add_parser(
        "check",
        help="play every path and report what cannot happen",
        description="Play every path of each scenario, from every side, and report unreachable "
        "phases, choices, text and endings, dead ends, endless loops, dates that go backwards "
        "and failed expectations.",
    )
    check.add_argument(
        "paths", nargs="+", metavar="SCENARIO", help="bundled scenario ids or .yaml files"
    )
    check.add_argument(
        "--runs",
        type=_count,
        default=0,
        metavar="N",
        help="also play N seeded random games and count what they hit",
    )
    check.add_argument(
        "--seed",
        type=_seed,
        default=1,
        metavar="S",
        help="the seed of the random games (default 1)",
    )
    check.add_argument(
        "--max-states",
        type=_count,
        default=200_000,
        metavar="N",
        help="stop after exploring N states per side (default 200000)",
    )
    check.add_argument(
        "--time-limit",
        type=_positive,
        metavar="SECONDS",
        help="stop checking a file after this many seconds (default 120)",
    )
    check.add_argument(
        "--max-memory",
        type=_positive,
        metavar="MB",
        help="stop when the check uses this many megabytes of memory (default 2048)",
    )
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument(
        "--classroom",
        type=_positive,
        metavar="N",
        help="also play sampled class games of N students (--runs of them, default 200) and "
        "warn of each role's objective that is never or always achieved",
    )
    replay = sub.add_parser(
        "replay",
        help="check that a saved or recorded session still plays the same",
        description="Play a save's recorded session again and compare the text with what was "
        "shown when it was recorded. Exit 0 if it is the same, 1 if it differs (with a diff), "
        "2 if the save cannot be replayed (the reason goes to standard error).",
    )
    replay.add_argument(
        "path", metavar="FILE", help="a save file (from save, autosave or --record)"
    )
    sub.add_parser(
        "list",
        help="list bundled and local scenarios",
        description="List bundled scenarios and scenario files in this folder.",
    )
    endings = sub.add_parser(
        "endings",
        help="the endings you have reached, scenario by scenario",
        description="The endings you have reached in games you played to the end (not "
        "--autoplay, --json or replays): every scenario with how many of its endings you have "
        "found, or one scenario's endings, the historical one marked and the others not yet "
        "named.",
    )
    endings.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="a bundled scenario id or the path to a .yaml file (default: every scenario)",
    )
    _class_parsers(sub)
    return parser


def _class_parsers(sub: argparse._SubParsersAction[_Parser]) -> None:
    """``presidium class ...``: a game for a whole class (see docs/teaching.md)."""
    group = sub.add_parser(
        "class",
        help="run a classroom game: role sheets, the teacher's console, the post-mortem",
        description="A game for a whole class: several students, several roles, ballots and "
        "a teacher's console on one keyboard. See docs/teaching.md.",
    )
    verbs = group.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser, required=True)

    def seated(parser: argparse.ArgumentParser, resumable: bool = False) -> None:
        parser.add_argument(
            "scenario",
            metavar="SCENARIO",
            nargs="?" if resumable else None,
            help="a bundled scenario id or a .yaml file"
            + (" (not needed with --resume)" if resumable else ""),
        )
        parser.add_argument(
            "--students",
            type=_positive,
            metavar="N",
            help="how many students: roles are dealt by priority (required without --benches)",
        )
        parser.add_argument(
            "--benches",
            action="store_true",
            help="the class splits into one bench a side; each bench decides by a show of hands "
            "(any scenario: no roles needed)",
        )

    def played(parser: argparse.ArgumentParser, resumed: str = "") -> None:
        """What ``class run`` and ``class serve`` share: the class, the seed, resuming, and
        how the console is drawn."""
        seated(parser, resumable=True)
        parser.add_argument("--seed", type=_seed, default=None, metavar="N", help="the game's seed")
        parser.add_argument(
            "--resume",
            nargs="?",
            const="",
            metavar="SESSION",
            help="go on with a class session (the latest unfinished one, or this folder)" + resumed,
        )
        parser.add_argument("--plain", action="store_true", help="no colour and no box drawing")
        parser.add_argument(
            "--width", type=_width, default=None, metavar="COLUMNS", help="lay text out this wide"
        )

    cast = verbs.add_parser(
        "cast", help="show who plays which role", description="Show the deal for N students."
    )
    seated(cast)
    sheets = verbs.add_parser(
        "sheets",
        help="printable role sheets, envelopes, ballots and the run sheet",
        description="Write the handouts for a class: one page a role, sealed envelopes, vote "
        "cards and ballot slips, a who's-who and the teacher's run sheet.",
    )
    seated(sheets)
    sheets.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE: .html (prints one role a page) or .md (default: standard output, "
        "Markdown)",
    )
    sheets.add_argument(
        "--paper", choices=("a4", "letter"), default="a4", help="the paper size (default a4)"
    )
    run = verbs.add_parser(
        "run",
        help="the projector view and the teacher's console on one keyboard",
        description="Play a class game: the projector shows what everyone may see; the "
        "teacher types what the class decides. Type 'help' at the prompt for the words.",
    )
    played(run)
    serve = verbs.add_parser(
        "serve",
        help="students play on their phones over the school network (the [classroom] extra)",
        description="Play a class game on the school network: students join from a browser "
        "with the code on their card, the projector opens /room, and this terminal is the "
        "teacher's console, as in 'class run'. Needs: pip install \"presidium-1957[classroom]\".",
    )
    played(serve, ", begun with 'serve' or 'run'")
    serve.add_argument(
        "--host",
        default=None,
        metavar="ADDRESS",
        help="the address to serve on (default: every network of this computer; resumed, "
        "the one the class was served on)",
    )
    serve.add_argument(
        "--port",
        type=_port,
        default=None,
        metavar="PORT",
        help="the port (default 1957; resumed, the one the class was served on, which the "
        "phones use; if it is in use, the next free one)",
    )
    debrief = verbs.add_parser(
        "debrief",
        help="the post-mortem of a class session",
        description="The class's path beside history, every vote and ruling, and each role's "
        "objectives: on screen, or as a handout.",
    )
    debrief.add_argument("session", metavar="SESSION", help="a class session folder or its save")
    debrief.add_argument("-o", "--output", metavar="FILE", help="write a handout: .md or .html")
    debrief.add_argument("--reveal", action="store_true", help="show secret ballots voter by voter")
    replay = verbs.add_parser(
        "replay",
        help="check that a class session replays the same from its log",
        description="Replay a class session from its log and compare it with what the room "
        "was shown. Exit 0 if it is the same, 1 if it differs, 2 if it cannot be replayed.",
    )
    replay.add_argument("session", metavar="SESSION", help="a class session folder or its save")
    doctor = verbs.add_parser(
        "doctor",
        help="before class: check that phones can reach this laptop",
        description="Print this laptop's addresses and a free port, then serve a test page to "
        "open on your own phone, on the students' Wi-Fi: the terminal says when a device "
        "opens it. Enter or Ctrl-C stops it. Exit 0 if a phone opened the page, 1 if none "
        "did (the check is still to be done). Needs the [classroom] extra.",
    )
    doctor.add_argument(
        "--host",
        default="0.0.0.0",
        metavar="ADDRESS",
        help="the address to serve on (default: every network of this computer)",
    )
    doctor.add_argument(
        "--port",
        type=_port,
        default=1957,
        metavar="PORT",
        help="the port to try (default 1957; a free one is taken if it is in use)",
    )
    doctor.add_argument(
        "--check",
        "--once",
        action="store_true",
        help="print the report and stop, serving nothing: exit 0 if a phone could be served, "
        "1 if not",
    )


def _normalise(argv: list[str]) -> list[str]:
    """``presidium`` and ``presidium --side x`` mean ``presidium play ...``."""
    if not argv:
        return ["play"]
    first = argv[0]
    if first in COMMANDS or first in ("-h", "--help", "--version"):
        return argv
    return ["play", *argv]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command, through a standard output whose failure is reported once, in a line."""
    from presidium.streams import run_guarded

    return run_guarded(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            args = build_parser().parse_args(_normalise(args_list))
        except SystemExit as exit_:  # --help, --version and usage errors
            return exit_.code if isinstance(exit_.code, int) else 2
        if args.command == "list":
            return _list()
        if args.command == "endings":
            from presidium.tools.endings import endings

            return endings(args.scenario, sys.stdout)
        from presidium.printable import printable_stream

        out = printable_stream(sys.stdout)  # the tools quote file names, scenarios and saves
        if args.command == "validate":
            from presidium.tools.validate import validate

            return validate(args.paths, args.strict, out)
        if args.command == "new":
            from presidium.tools.new import new

            return new(args.path, out, args.extends)
        if args.command == "schema":
            from presidium.tools.schema import schema

            return schema(args.output, out)
        if args.command == "graph":
            from presidium.tools.graph import graph

            return graph(args.path, args.format, args.output, out)
        if args.command == "replay":
            from presidium.tools.replay import replay

            return replay(args.path, out, printable_stream(sys.stderr))
        if args.command == "check":
            from presidium.tools.check import MAX_MEMORY, TIME_LIMIT, Limits, check

            limits = Limits(
                args.max_states, args.time_limit or TIME_LIMIT, args.max_memory or MAX_MEMORY
            )
            return check(args.paths, args.runs, args.seed, limits, args.strict, out, args.classroom)
        from presidium import signals

        if args.command == "class":
            from presidium.classroom.commands import run_class

            with signals.leave_on_signals():
                return run_class(args, out)
        with signals.leave_on_signals():
            return _play(args, invoked_as() if argv is None else "presidium")
    except KeyboardInterrupt as exc:
        from presidium.signals import Stopped, ignore_from_now_on

        signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
        with contextlib.suppress(OSError, ValueError):
            if signum == signal.SIGINT:
                sys.stderr.write("\nInterrupted: leaving presidium.\n")
            else:
                sys.stderr.write(f"\npresidium: stopped by {signal.Signals(signum).name}.\n")
        if isinstance(exc, Stopped):  # everything is written: let no late signal kill the exit
            ignore_from_now_on()
        return 128 + signum
    except Exception as exc:
        from presidium.errors import PresidiumError, ScenarioError
        from presidium.printable import clean
        from presidium.streams import OutputFailed

        if isinstance(exc, OutputFailed):
            return exc.exit_code  # said once, by main
        if isinstance(exc, ScenarioError):
            sys.stderr.write(exc.report() + "\n")
            return exc.exit_code
        if isinstance(exc, PresidiumError):
            from presidium.ui.play import PlayerQuit

            if isinstance(exc, PlayerQuit):
                sys.stdout.write("Goodbye.\n")
                return 0
            sys.stderr.write(clean(f"presidium: {exc}", one_line=True) + "\n")
            return exc.exit_code
        raise


def _newest_resumable(
    open_save: Callable[[str], tuple[Opened, PlayOptions, Save]], program: str
) -> tuple[Opened, PlayOptions, Save]:
    """The newest unfinished autosave that can be resumed; each newer one that cannot be is
    named on standard error, with why, so that one broken save never hides the others."""
    from presidium import saves
    from presidium.errors import UsageError
    from presidium.printable import clean
    from presidium.ui.play import command_line

    skipped = 0
    for path in saves.unfinished_autosaves():
        try:
            return open_save(str(path))
        except saves.SaveError as exc:
            skipped += 1
            sys.stderr.write(
                clean(
                    f"presidium: skipped the autosave {path}: {exc}. "
                    f"To try it on its own: {command_line(program, 'play', '--load', str(path))}",
                    one_line=True,
                )
                + "\n"
            )
    if skipped:
        raise saves.SaveError("no autosaved game can be resumed (the reasons are above)")
    raise UsageError(
        f"there is no game to resume (no unfinished autosave in {saves.autosave_dir()})"
    )


def _plain_wanted(requested: bool) -> bool:
    from presidium.ui.render import no_color_requested

    return (
        requested
        or no_color_requested()
        or not sys.stdout.isatty()
        or sys.stdin is None
        or not sys.stdin.isatty()
    )


def _pager(args: argparse.Namespace, interactive: bool) -> Pager | None:
    """Pacing, for a person at a terminal only: never with --plain, --json or --autoplay, nor
    when either end is a pipe or a file."""
    from presidium.ui.pager import Pager, can_pause

    if args.plain or args.json or args.autoplay or not interactive:
        return None
    if not sys.stdout.isatty() or not can_pause():
        return None
    return Pager(sys.stdout)


def _refuse_shared(outputs: list[tuple[str, str]]) -> None:
    """Refuse two output options that name one file: the second written would replace the first."""
    from presidium.errors import UsageError

    seen: list[tuple[str, str, Path]] = []
    for option, target in outputs:
        path = Path(target)
        for other_option, other_target, other in seen:
            if _same_file(path, other):
                raise UsageError(
                    f"{other_option} '{other_target}' and {option} '{target}' are the same file, "
                    "so one would be lost; give each its own file"
                )
        seen.append((option, target, path))


def _same_file(one: Path, other: Path) -> bool:
    try:
        if one.resolve() == other.resolve():
            return True
        return one.exists() and other.exists() and os.path.samefile(one, other)
    except (OSError, RuntimeError, ValueError):
        return False


def _check_writable(option: str, target: str) -> None:
    """Refuse, before the game starts, a file the game could not write when it ends.

    Missing folders are made. Nothing is created or changed in the file itself.
    """
    from presidium.errors import UsageError

    path = Path(target)
    try:
        if path.is_dir():
            raise UsageError(f"{option} '{target}' is a folder; give a file")
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with open(path, "ab"):
                pass
        else:
            import tempfile

            fd, probe = tempfile.mkstemp(prefix=".presidium-", suffix=".tmp", dir=path.parent)
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"{option} cannot write '{target}': {exc.strerror}") from None


def _play(args: argparse.Namespace, program: str = "presidium") -> int:
    from presidium import catalog, saves
    from presidium.errors import UsageError
    from presidium.ui.play import (
        LineReader,
        PlayOptions,
        play_json,
        refuse_unfit,
        stdin_is_interactive,
    )

    resuming = args.load is not None or args.resume
    if resuming and (args.scenario or args.side or args.seed is not None or args.autoplay):
        raise UsageError(
            "--load and --resume take the scenario, side and seed from the save; "
            "do not give them as well"
        )
    if args.load is not None and args.resume:
        raise UsageError("give --load FILE or --resume, not both")
    if args.debrief is not None and not args.debrief.lower().endswith(
        (".md", ".markdown", ".html", ".htm")
    ):
        raise UsageError(f"--debrief writes Markdown (.md) or HTML (.html), not '{args.debrief}'")
    if args.transcript is not None and not args.transcript.lower().endswith(TRANSCRIPTS):
        raise UsageError(
            f"--transcript writes .txt, .md, .html or .svg (by the file's extension), "
            f"not '{args.transcript}'"
        )
    if args.json and (resuming or args.transcript or args.record):
        raise UsageError("--json plays a new game only; it cannot load, resume or record")
    if sys.stdin is not None and hasattr(sys.stdin, "reconfigure"):
        with contextlib.suppress(ValueError, OSError):
            sys.stdin.reconfigure(errors="replace")  # bytes that are not UTF-8 are no crash

    first: tuple[catalog.Opened, PlayOptions, saves.Save | None]

    interactive = stdin_is_interactive()

    def open_save(name: str) -> tuple[catalog.Opened, PlayOptions, saves.Save]:
        path = saves.find(name)
        save = saves.read(path)
        opened = saves.open_scenario_of(save)
        refuse_unfit(save, opened.scenario, save.source)
        autosave = path if saves.is_autosave(path) else None  # a resumed game goes on in it
        options = PlayOptions(
            save.side,
            save.seed,
            None,
            args.debrief,
            args.record,
            False,
            autosave,
            program,
            confirm=interactive,
        )
        return opened, options, save

    if args.load is not None:
        first = open_save(args.load)
        seed = first[1].seed
    elif args.resume:
        first = _newest_resumable(open_save, program)
        seed = first[1].seed
    else:
        opened = catalog.open_scenario(args.scenario)
        if args.side is not None and args.side not in opened.scenario.sides:
            from presidium.diagnostics import did_you_mean

            raise UsageError(
                f"no side '{args.side}' in {opened.scenario.id}"
                f"{did_you_mean(args.side, opened.scenario.sides)}; "
                f"choose {' or '.join(opened.scenario.sides)}"
            )
        seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
        options = PlayOptions(
            args.side,
            seed,
            args.autoplay,
            args.debrief,
            args.record,
            program=program,
            confirm=interactive and not args.autoplay,
        )
        first = (opened, options, None)
    outputs = [  # now that all else is known to be right, before the game
        (option, target)
        for option, target in (
            ("--transcript", args.transcript),
            ("--debrief", args.debrief),
            ("--record", args.record),
        )
        if target is not None
    ]
    _refuse_shared(outputs)
    for option, target in outputs:
        _check_writable(option, target)
    if args.json:
        return play_json(
            first[0].scenario, first[1], sys.stdout, LineReader(sys.stdin, interactive)
        )

    from presidium.ui.play import Screen, run_games
    from presidium.ui.render import Renderer, make_console, notice, recording_console

    plain = _plain_wanted(args.plain)
    pager = _pager(args, interactive)
    console = make_console(plain, width=args.width, file=cast("IO[str] | None", pager))
    if args.width is None and console.width > READABLE:
        console.width = READABLE
    transcript = None
    if args.transcript is not None:
        styled = args.transcript.lower().endswith((".html", ".htm", ".svg"))
        transcript = recording_console(not styled, console.width)
    screen = Screen(
        lambda scenario: Renderer(console, scenario, plain, None),
        None
        if transcript is None
        else (lambda scenario: Renderer(transcript, scenario, not styled, None)),
    )
    reader = LineReader(sys.stdin, interactive)
    if pager is not None:
        reader.prompted = pager.reset
    if not resuming and args.seed is None:
        console.print(
            f"(seed {seed}: replay this game with --seed {seed})", markup=False, highlight=False
        )
    from presidium.signals import holding

    try:
        return run_games(first, screen, reader, open_save)
    finally:
        if transcript is not None:
            with holding():
                _write_transcript(transcript, args.transcript, first[0].scenario.title)
            with contextlib.suppress(OSError):
                notice(console, f"The transcript is in {args.transcript}.")


def _write_transcript(console: Console, target: str, title: str) -> None:
    """Save a recorded session in the format its extension names."""
    from presidium.errors import PresidiumError
    from presidium.printable import code_fence, markdown, one_line

    suffix = target.lower().rsplit(".", 1)[-1]
    if suffix == "svg":
        text = console.export_svg(title=f"presidium: {one_line(title)}")
    elif suffix in ("html", "htm"):
        text = console.export_html()
    else:
        body = "\n".join(line.rstrip() for line in console.export_text().splitlines())
        if suffix in ("md", "markdown"):
            text = f"# Transcript: {markdown(one_line(title))}\n\n{code_fence(body, 'text')}"
        else:
            text = body + "\n"
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise PresidiumError(f"cannot write the transcript to '{target}': {exc.strerror}") from None


def _list() -> int:
    """Each scenario under the name that ``play``, ``check`` and the others take for it."""
    from presidium import catalog
    from presidium.printable import clean

    entries, warnings = catalog.catalog(Path.cwd())
    for entry in entries:
        if entry.scenario is None:
            problem = (entry.problem or "").splitlines()[0]
            print(clean(f"{entry.name}: has problems: {problem}"))
            continue
        s = entry.scenario
        endings = ", ".join(
            f"{e.id}{'' if e.kind == 'counterfactual' else ' (historical)'}"
            for e in s.endings.values()
        )
        where = "bundled" if entry.bundled else f"id {s.id}"
        print(clean(f"{entry.name}: {s.title} [{where}]"))
        print(f"  sides: {', '.join(s.sides)}")
        print(f"  endings: {endings}")
    for warning in warnings:
        sys.stderr.write(clean(f"presidium: warning: {warning}") + "\n")
    return 0
