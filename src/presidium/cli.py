"""The command line: the one place where exceptions become exit codes.

Exit codes: 0 success; 1 problems found or a game stopped by bad input; 2 usage error;
130 interrupted. A user error never prints a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from presidium import __version__

COMMANDS = ("play", "list", "validate", "check", "graph", "schema", "new")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"presidium: error: {message}\n")


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed takes a whole number, not {text!r}") from None


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, not {text!r}")
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
        help="play unattended: the historical choice at every step, or seeded random choices",
    )
    play.add_argument(
        "--json", action="store_true", help="engine events as JSON Lines instead of the interface"
    )
    play.add_argument(
        "--plain",
        action="store_true",
        help="no colour and no box drawing (also when NO_COLOR is set or output is not a terminal)",
    )
    play.add_argument(
        "--debrief",
        metavar="FILE",
        help="also write the debrief to FILE as a handout: .md for Markdown, .html for a web page",
    )
    play.add_argument("--width", type=int, default=None, metavar="COLUMNS", help=argparse.SUPPRESS)
    graph = sub.add_parser(
        "graph",
        help="draw the scenario's state machine (Mermaid or DOT)",
        description="Draw a scenario's phases, choices and endings, with the historical path highlighted.",
    )
    graph.add_argument("path", metavar="PATH", help="a scenario file")
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
    validate.add_argument("paths", nargs="+", metavar="PATH", help="scenario files")
    validate.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check = sub.add_parser(
        "check",
        help="play every path and report what cannot happen",
        description="Play every path of each scenario, from every side, and report unreachable "
        "phases, choices, text and endings, dead ends, endless loops and failed expectations.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="scenario files")
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
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    sub.add_parser(
        "list",
        help="list bundled and local scenarios",
        description="List bundled scenarios and scenario files in this folder.",
    )
    return parser


def _normalise(argv: list[str]) -> list[str]:
    """``presidium`` and ``presidium --side x`` mean ``presidium play ...``."""
    if not argv:
        return ["play"]
    first = argv[0]
    if first in COMMANDS or first in ("-h", "--help", "--version"):
        return argv
    return ["play", *argv]


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            args = build_parser().parse_args(_normalise(args_list))
        except SystemExit as exit_:  # --help, --version and usage errors
            return exit_.code if isinstance(exit_.code, int) else 2
        if args.command == "list":
            return _list()
        if args.command == "validate":
            from presidium.tools.validate import validate

            return validate(args.paths, args.strict, sys.stdout)
        if args.command == "new":
            from presidium.tools.new import new

            return new(args.path, sys.stdout, args.extends)
        if args.command == "schema":
            from presidium.tools.schema import schema

            return schema(args.output, sys.stdout)
        if args.command == "graph":
            from presidium.tools.graph import graph

            return graph(args.path, args.format, args.output, sys.stdout)
        if args.command == "check":
            from presidium.tools.check import check

            return check(args.paths, args.runs, args.seed, args.max_states, args.strict, sys.stdout)
        return _play(args)
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted: leaving presidium.\n")
        return 130
    except BrokenPipeError:
        # The reader went away (for example `presidium ... | head`): stop quietly.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's final flush
        return 1
    except Exception as exc:
        from presidium.errors import PresidiumError, ScenarioError

        if isinstance(exc, ScenarioError):
            sys.stderr.write(exc.report() + "\n")
            return exc.exit_code
        if isinstance(exc, PresidiumError):
            from presidium.ui.play import PlayerQuit

            if isinstance(exc, PlayerQuit):
                sys.stdout.write("Goodbye.\n")
                return 0
            sys.stderr.write(f"presidium: {exc}\n")
            return exc.exit_code
        raise


def _plain_wanted(requested: bool) -> bool:
    return (
        requested or "NO_COLOR" in os.environ or not sys.stdout.isatty() or not sys.stdin.isatty()
    )


def _play(args: argparse.Namespace) -> int:
    from presidium import catalog
    from presidium.errors import UsageError
    from presidium.ui.play import (
        LineReader,
        PlayOptions,
        play_json,
        play_terminal,
        stdin_is_interactive,
    )

    scenario = catalog.load(args.scenario)
    if args.side is not None and args.side not in scenario.sides:
        from presidium.diagnostics import did_you_mean

        raise UsageError(
            f"no side '{args.side}' in {scenario.id}{did_you_mean(args.side, scenario.sides)}; "
            f"choose {' or '.join(scenario.sides)}"
        )
    if args.debrief is not None and not args.debrief.lower().endswith(
        (".md", ".markdown", ".html", ".htm")
    ):
        raise UsageError(f"--debrief writes Markdown (.md) or HTML (.html), not '{args.debrief}'")
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    options = PlayOptions(args.side, seed, args.autoplay, args.debrief)
    interactive = stdin_is_interactive()
    if args.json:
        reader = LineReader(sys.stdin, interactive, lambda _line: None)
        return play_json(scenario, options, sys.stdout, reader)

    from presidium.ui.render import Renderer, make_console

    plain = _plain_wanted(args.plain)
    console = make_console(plain, width=args.width)
    renderer = Renderer(console, scenario, plain, args.side)
    reader = LineReader(
        sys.stdin, interactive, lambda line: console.print(line, markup=False, highlight=False)
    )
    if args.seed is None:
        console.print(
            f"(seed {seed}: replay this game with --seed {seed})", markup=False, highlight=False
        )
    return play_terminal(scenario, options, renderer, reader)


def _list() -> int:
    from pathlib import Path

    from presidium import catalog
    from presidium.ui.render import clean

    for entry in catalog.catalog(Path.cwd()):
        where = "bundled" if entry.bundled else str(entry.path)
        if entry.scenario is None:
            problem = (entry.problem or "").splitlines()[0]
            print(clean(f"{entry.path.stem} ({where}): has problems: {problem}"))
            continue
        s = entry.scenario
        endings = ", ".join(
            f"{e.id}{'' if e.kind == 'counterfactual' else ' (historical)'}"
            for e in s.endings.values()
        )
        print(clean(f"{s.id}: {s.title} [{where}]"))
        print(f"  sides: {', '.join(s.sides)}")
        print(f"  endings: {endings}")
    return 0
