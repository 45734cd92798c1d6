"""``presidium check``: play every path of a scenario and report what cannot happen.

Errors (exit 1): dead ends, loops with no way out, dates that go backwards along a path,
expectations that fail, a bound on states, time or memory reached (see ``Limits``).
Warnings (exit 0 unless ``--strict``): phases, choices, text and endings that no playthrough
can reach, choices whose condition never holds, choices no one ever takes.
"""

from __future__ import annotations

import os
import random
import sys
import textwrap
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from presidium.bestplay import VICTORY, BestPlay, Odds, best_play
from presidium.diagnostics import Diagnostic, SourceSpan
from presidium.engine import Game
from presidium.errors import PresidiumError
from presidium.events import PhaseStarted
from presidium.explore import Edge, Exploration, StateBudgetExceeded, class_game, explore
from presidium.model import Expectation, Scenario, TextPart
from presidium.printable import clean
from presidium.seating import CastingError, cast, role_of
from presidium.tools.common import compile_path, existing_files, plural, print_diagnostics

TIME_LIMIT = 120  # seconds of exploring and random runs per file, by default
MAX_MEMORY = 2048  # megabytes the process may use while exploring, by default
MAX_RUN_STEPS = 10_000  # decisions in one random run before it is called endless
CLASS_RUNS = 200  # class games sampled by --classroom when --runs does not say


@dataclass
class Limits:
    """The bounds on one file's check, so that a hostile scenario in a pull request cannot
    stall a pre-commit hook or CI: states per side, seconds, and megabytes in use."""

    max_states: int = 200_000
    seconds: int = TIME_LIMIT
    megabytes: int = MAX_MEMORY

    def stopper(self) -> Callable[[], str | None]:
        """A ``stop`` for the explorer, with this file's clock started now."""
        deadline = time.monotonic() + self.seconds

        def stop() -> str | None:
            if time.monotonic() > deadline:
                return f"stopped after {plural(self.seconds, 'second')} (raise --time-limit)"
            used = memory_in_use()
            if used is not None and used > self.megabytes * 1024 * 1024:
                return (
                    f"stopped at {used // (1024 * 1024):,} MB of memory in use (raise --max-memory)"
                )
            return None

        return stop


def memory_in_use() -> int | None:
    """Bytes of memory the process has in use now (its resident set), where the system
    says; else its peak so far; None where neither can be known."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def check(
    paths: Sequence[str],
    runs: int,
    seed: int,
    limits: Limits,
    strict: bool,
    out: IO[str],
    classroom: int | None = None,
) -> int:
    """Check each file; with ``classroom`` N, also sample class games of N students."""
    failed = False
    for file, path in existing_files(paths):
        result = compile_path(file, path)
        if result.scenario is None:
            print_diagnostics(result.diagnostics, result.files, out)
            out.write(f"{path}: {plural(len(result.errors), 'error')}; nothing was played\n")
            failed = True
            continue
        scenario = result.scenario
        stop = limits.stopper()
        try:
            explorations = {
                side: explore(scenario, side, limits.max_states, stop) for side in scenario.sides
            }
            plays = {
                side: best_play(scenario, run, stop=stop) for side, run in explorations.items()
            }
        except StateBudgetExceeded as exc:
            out.write(f"{path}: error: {exc}\n")
            failed = True
            continue
        found = findings(scenario, explorations, plays)
        if runs:
            sampled = random_runs(scenario, runs, seed, stop)
            found += sampled.errors
        lessons = None
        if classroom is not None:
            try:
                lessons = class_runs(scenario, classroom, runs or CLASS_RUNS, seed, stop)
            except CastingError as exc:
                out.write(f"{path}: error: {exc}\n")
                failed = True
                continue
            found += lessons.errors + lessons.warnings()
        diagnostics = sorted(set(found + result.warnings), key=lambda d: (d.span, d.message))
        print_diagnostics(diagnostics, result.files, out)
        write_summary(scenario, explorations, diagnostics, out, plays)
        if runs:
            write_runs(scenario, sampled, out)
        if lessons is not None:
            lessons.write(scenario, out)
        errors = sum(d.severity == "error" for d in diagnostics)
        failed |= bool(errors) or (strict and len(diagnostics) > errors)
    return 1 if failed else 0


def findings(
    scenario: Scenario,
    explorations: dict[str, Exploration],
    plays: dict[str, BestPlay] | None = None,
) -> list[Diagnostic]:
    """Everything the explorations prove impossible, broken or never used, and every bound
    on the odds (``expect``) that best play (``plays``) breaks."""
    out: list[Diagnostic] = []
    runs = list(explorations.values())
    sides_of: dict[tuple[SourceSpan, str], list[str]] = {}
    for run in runs:
        for span, message in run.dead_ends + run.no_way_out:
            sides = sides_of.setdefault((span, message), [])
            if run.side not in sides:  # a run may meet the same loop from several states
                sides.append(run.side)
        out += dates_going_back(scenario, run)
    for (span, message), sides in sides_of.items():  # one mistake, named once for all sides
        out.append(Diagnostic("error", f"{message} (playing {', '.join(sides)})", span))
    reached = set().union(*(r.phases for r in runs))
    taken = set().union(*(r.choices for r in runs))
    offered = set().union(*(r.offered for r in runs))
    shown = set().union(*(r.texts for r in runs))
    endings_by_side = {side: set(run.endings) for side, run in explorations.items()}

    def unseen(parts: Sequence[TextPart], where: str) -> None:
        for part in parts:
            if part.when is not None and part.span not in shown:
                out.append(
                    Diagnostic(
                        "warning",
                        f"this text is never shown: '{part.when.source}' never holds {where}",
                        part.span,
                    )
                )

    for phase in scenario.phases.values():
        if phase.id not in reached:
            out.append(
                Diagnostic(
                    "warning", f"phase '{phase.id}' is never reached, from any side", phase.span
                )
            )
            continue
        unseen(phase.text, f"when phase '{phase.id}' is reached")
        for choice in phase.choices:
            key = (phase.id, choice.id)
            if key not in offered:
                why = (
                    f"its condition '{choice.when.source}' never holds here"
                    if choice.when
                    else "it is never offered"
                )
                out.append(
                    Diagnostic(
                        "warning", f"choice '{choice.id}' can never be taken: {why}", choice.span
                    )
                )
            elif key not in taken:
                out.append(
                    Diagnostic(
                        "warning",
                        f"choice '{choice.id}' is offered but never taken: no player holds "
                        f"'{phase.by}' and its script never chooses it",
                        choice.span,
                    )
                )
            else:
                for outcome in choice.outcomes():
                    unseen(outcome.text, f"after choice '{choice.id}'")
    for ending in scenario.endings.values():
        sides = [
            side
            for side, reached_endings in endings_by_side.items()
            if ending.id in reached_endings
        ]
        if not sides:
            out.append(
                Diagnostic(
                    "warning", f"ending '{ending.id}' is never reached, from any side", ending.span
                )
            )
            continue
        missing = [side for side in scenario.sides if side not in sides]
        if missing:
            out.append(
                Diagnostic(
                    "warning",
                    f"ending '{ending.id}' cannot be reached playing {' or '.join(missing)}",
                    ending.span,
                )
            )
        unseen(ending.text, f"when ending '{ending.id}' is reached")
    for expectation in scenario.expectations:
        reached = endings_by_side.get(expectation.side, set())
        if expectation.ending is None:
            goal = f"the victory of {expectation.side}"
            reachable = any(scenario.endings[e].winner == expectation.side for e in reached)
        else:
            goal = f"ending '{expectation.ending}'"
            reachable = expectation.ending in reached
        if not reachable:
            out.append(
                Diagnostic(
                    "error",
                    f"expected {goal} to be reachable playing {expectation.side}, but no path "
                    "leads there",
                    expectation.span,
                )
            )
            continue
        play = (plays or {}).get(expectation.side)
        odds = play.goal(expectation.ending or VICTORY) if play is not None else None
        if odds is not None:
            out += broken_bounds(expectation, odds)
    return out


def broken_bounds(expectation: Expectation, odds: Odds) -> list[Diagnostic]:
    """An error at each bound of ``expectation`` that the computed ``odds`` fall outside."""
    goal = "victory" if expectation.ending is None else f"ending '{expectation.ending}'"
    found = []
    for bound, value, what, other in (
        (
            expectation.best,
            odds.best,
            f"the best chance of {goal}",
            f"random play: {percent(odds.random)}",
        ),
        (
            expectation.random,
            odds.random,
            f"the chance of {goal} under random play",
            f"best play: {percent(odds.best)}",
        ),
    ):
        if bound is not None and not bound.holds(value * 100):
            wanted = bound.text if bound.text.endswith("%") else f"{bound.text}%"
            found.append(
                Diagnostic(
                    "error",
                    f"expected {what} playing {expectation.side} to be {wanted}, but it is "
                    f"{percent(value)} ({other})",
                    bound.span,
                )
            )
    return found


def percent(value: float) -> str:
    """A probability as a percent to one decimal; never a possible event shown as 0.0% or a
    possible failure as 100.0%."""
    if 0 < value < 0.0005:
        return "<0.1%"
    if 0.9995 <= value < 1:
        return ">99.9%"
    return f"{value * 100:.1f}%"


LastDates = frozenset[tuple[str, str]]  # (date, phase id) of the last dated phase on a path


def dates_going_back(scenario: Scenario, run: Exploration) -> list[Diagnostic]:
    """A dated phase that some path reaches after a phase with a later date.

    The last date seen is carried along the explored edges (phases without a date pass it
    on), so only paths a game can really take are judged.
    """
    if all(phase.date is None for phase in scenario.phases.values()):
        return []  # nothing dated: no path to follow
    outgoing: dict[object, list[Edge]] = defaultdict(list)
    for edge in run.edges:
        outgoing[edge.source].append(edge)
    seen: dict[object, LastDates] = {None: frozenset()}
    pending: deque[object] = deque([None])
    found: dict[str, tuple[str, str]] = {}
    while pending:
        state = pending.popleft()
        for edge in outgoing.get(state, ()):
            last = seen[state]
            for kind, phase, _, _ in edge.trace:
                if kind != "phase" or phase.date is None:
                    continue
                for date, earlier in sorted(last):
                    if phase.date < date:
                        found.setdefault(phase.id, (earlier, date))
                last = frozenset({(phase.date, phase.id)})
            if edge.target is not None and not last <= seen.get(edge.target, frozenset()):
                seen[edge.target] = seen.get(edge.target, frozenset()) | last
                pending.append(edge.target)
    return [
        Diagnostic(
            "error",
            f"the dates go backwards: phase '{pid}' ({scenario.phases[pid].date}) can come after "
            f"phase '{earlier}' ({date}); if it looks back in time, give it a 'date_label' "
            "instead of a 'date'",
            scenario.phases[pid].span,
        )
        for pid, (earlier, date) in found.items()
    ]


def write_summary(
    scenario: Scenario,
    explorations: dict[str, Exploration],
    diagnostics: list[Diagnostic],
    out: IO[str],
    plays: dict[str, BestPlay] | None = None,
) -> None:
    runs = list(explorations.values())
    played = ", ".join(
        f"{side} ({plural(run.states, 'state')})" for side, run in explorations.items()
    )
    out.write(f"{scenario.file}: played every path as {played}\n")
    for ending in scenario.endings.values():
        sides = [side for side, run in explorations.items() if ending.id in run.endings]
        label = "historical" if ending.kind == "historical" else "counterfactual"
        out.write(
            f"  ending {ending.id} ({label}): {'reachable playing ' + ', '.join(sides) if sides else 'never reached'}\n"
        )
    for play in (plays or {}).values():
        write_best_play(scenario, play, out)
    if plays:
        out.write(BEST_PLAY_LEGEND + "\n")
    phases = set().union(*(r.phases for r in runs))
    choices = set().union(*(r.choices for r in runs))
    texts = set().union(*(r.texts for r in runs))
    all_choices = [(p.id, c.id) for p in scenario.phases.values() for c in p.choices]
    all_texts = _conditional_texts(scenario)
    out.write(
        f"  coverage: {len(phases & set(scenario.phases))}/{len(scenario.phases)} phases, "
        f"{len(choices & set(all_choices))}/{len(all_choices)} choices, "
        f"{len(texts & all_texts)}/{len(all_texts)} text branches\n"
    )
    errors = sum(d.severity == "error" for d in diagnostics)
    out.write(f"  {plural(errors, 'error')}, {plural(len(diagnostics) - errors, 'warning')}\n")


WIDTH = 80  # the best-play table fits a terminal of this width
# What the table's two columns mean, in one line under it (docs/authoring.md says it in full).
BEST_PLAY_LEGEND = "  best: top chance of any strategy vs. script and dice; random: uniform choices"


def write_best_play(scenario: Scenario, play: BestPlay, out: IO[str]) -> None:
    """One side's table: each goal's best chance and its chance under random play, then the
    best strategy's first moves for the side's victory."""
    rows = ([play.victory] if play.victory is not None else []) + list(play.endings)
    names = {odds.goal: clean(odds.goal) for odds in rows}
    width = max(24, min(max(map(len, names.values())), WIDTH - 4 - 18))
    head = f"odds playing {clean(play.side)}"
    out.write(f"  {head:<{width + 2}}  {'best':>7}   {'random':>7}\n")
    for odds in rows:
        name = names[odds.goal]
        if len(name) > width:
            out.write(f"    {name}\n")
            name = ""
        out.write(f"    {name:<{width}}  {percent(odds.best):>7}   {percent(odds.random):>7}\n")
    if play.victory is not None and play.victory.moves:
        out.write("    best first moves for victory:\n")
        for n, move in enumerate(play.victory.moves, 1):
            lines = textwrap.wrap(
                f"{n}. {clean(move.phase)}: {clean(move.label)}",
                WIDTH,
                initial_indent="      ",
                subsequent_indent="         ",
                break_on_hyphens=False,
            )
            out.write("".join(line + "\n" for line in lines))


def _conditional_texts(scenario: Scenario) -> set[object]:
    parts = [t for p in scenario.phases.values() for t in p.text]
    parts += [
        t for p in scenario.phases.values() for c in p.choices for o in c.outcomes() for t in o.text
    ]
    parts += [t for e in scenario.endings.values() for t in e.text]
    return {t.span for t in parts if t.when is not None}


# --------------------------------------------------------------------------- random runs


@dataclass
class Sample:
    runs: int
    seed: int
    sides: Counter[str] = field(default_factory=Counter)
    phases: Counter[str] = field(default_factory=Counter)
    choices: Counter[tuple[str, str]] = field(default_factory=Counter)
    endings: Counter[str] = field(default_factory=Counter)
    errors: list[Diagnostic] = field(default_factory=list)


def random_runs(
    scenario: Scenario, runs: int, seed: int, stop: Callable[[], str | None] | None = None
) -> Sample:
    """``runs`` seeded games with random choices, the sides taking turns; what each one hit.

    A run that has not ended after ``MAX_RUN_STEPS`` decisions is reported as endless, and
    ``stop`` (the caller's time and memory bounds) can cut the sample short.
    """
    sample = Sample(runs, seed)
    sides = list(scenario.sides)
    failed: dict[tuple[str, SourceSpan], list[str]] = {}  # each failure once: where it was met
    for n in range(runs):
        reason = stop() if stop is not None else None
        if reason is not None:
            sample.errors.append(
                Diagnostic("error", f"random runs {reason} after {n} of {runs}", scenario.span)
            )
            break
        side = sides[n % len(sides)]
        sample.sides[side] += 1
        game = Game(scenario, [side], seed=seed + n)
        pick = random.Random(f"check:{seed}:{n}")
        try:
            events = game.start()
            steps = 0
            while not game.over:
                sample.phases.update(e.phase for e in events if isinstance(e, PhaseStarted))
                available = [o.id for o in game.options() if o.available]
                steps += 1
                if steps > MAX_RUN_STEPS:
                    raise PresidiumError(f"the game did not end after {MAX_RUN_STEPS:,} decisions")
                events = game.step(available[int(pick.random() * len(available))])
            sample.phases.update(e.phase for e in events if isinstance(e, PhaseStarted))
        except PresidiumError as exc:
            phase = game.phase
            span = phase.span if phase else scenario.span
            failed.setdefault((str(exc), span), []).append(f"{n} as {side}, seed {seed + n}")
            continue
        sample.choices.update((entry.phase, entry.choice) for entry in game.trail)
        assert game.ending is not None
        sample.endings[game.ending] += 1
    for (message, span), where in failed.items():
        more = f"; the same in {plural(len(where) - 1, 'more run')}" if len(where) > 1 else ""
        sample.errors.append(Diagnostic("error", f"{message} (random run {where[0]}{more})", span))
    return sample


def write_runs(scenario: Scenario, sample: Sample, out: IO[str]) -> None:
    sides = ", ".join(f"{count} as {side}" for side, count in sample.sides.items())
    out.write(f"  random playthroughs: {sample.runs} (seed {sample.seed}; {sides})\n")
    for ending in scenario.endings.values():
        out.write(f"    ending {ending.id}: {sample.endings[ending.id]}\n")
    for phase in scenario.phases.values():
        line = f"    phase {phase.id}: {sample.phases[phase.id]}"
        if phase.choices:
            counts = ", ".join(f"{c.id} {sample.choices[(phase.id, c.id)]}" for c in phase.choices)
            line += f" (choices: {counts})"
        out.write(line + "\n")
    never = [p for p in scenario.phases if not sample.phases[p]]
    if never:
        out.write(f"    never visited in these runs: {', '.join(never)}\n")


# --------------------------------------------------------------------------- class games


@dataclass
class Lessons:
    """What sampled class games of one class size showed about the roles' objectives."""

    students: int
    games: int
    seed: int
    seats: tuple[str, ...]
    endings: Counter[str] = field(default_factory=Counter)
    # (role, objective) -> in how many games some seat of the role achieved it, some failed
    # it, some could not know it (a secret or paper ballot); and in how many it was scored
    scored: Counter[tuple[str, str]] = field(default_factory=Counter)
    achieved: Counter[tuple[str, str]] = field(default_factory=Counter)
    failed: Counter[tuple[str, str]] = field(default_factory=Counter)
    unknown: Counter[tuple[str, str]] = field(default_factory=Counter)
    held: Counter[str] = field(default_factory=Counter)  # vote -> games in which it was held
    errors: list[Diagnostic] = field(default_factory=list)
    scenario: Scenario | None = None

    def warnings(self) -> list[Diagnostic]:
        """An objective never achieved, or always achieved, in every game it was scored in."""
        found = []
        assert self.scenario is not None
        for role_id in dict.fromkeys(role_of(s) for s in self.seats):
            role = self.scenario.roles[role_id]
            for objective in role.objectives:
                key = (role_id, objective.id)
                scored = self.scored[key]
                if not scored and self.unknown[key]:
                    found.append(
                        Diagnostic(
                            "warning",
                            f"objective '{objective.id}' of role '{role_id}' could not be scored "
                            f"in any of {plural(self.unknown[key], 'sampled class game')}: it "
                            "reads a ballot nobody may know (another voter's in a secret "
                            "ballot, or one counted on paper)",
                            objective.span,
                        )
                    )
                    continue
                if not scored:
                    continue
                if self.achieved[key] == 0:
                    what = "is never achieved: not once in"
                elif self.failed[key] == 0:
                    what = "is always achieved: in every one of"
                else:
                    continue
                found.append(
                    Diagnostic(
                        "warning",
                        f"objective '{objective.id}' of role '{role_id}' {what} "
                        f"{plural(scored, 'sampled class game')} of {self.students} students "
                        f"(seed {self.seed}){self._ballots_read(objective.when, scored)}",
                        objective.span,
                    )
                )
        return found

    def _ballots_read(self, when: Any, scored: int) -> str:
        """For an objective reading a ballot: in how few of the games its vote was held at
        all. There the sampled students vote at random, so a few games may never draw the
        ballot the objective turns on; the engine records every ballot cast."""
        names: frozenset[str] = getattr(when, "names", frozenset())
        votes = sorted(
            {n.split(".")[2] for n in names if n.startswith("me.ballot.")}
            | {n.split(".")[0] for n in names if ".ballot." in n and not n.startswith("me.")}
        )
        rare = [v for v in votes if self.held[v] < scored]
        if not rare:
            return ""
        if len(rare) == 1:
            count = self.held[rare[0]]
            held = f"the vote it reads, '{rare[0]}', was held in {f'only {count}' if count else 'none'}"
        else:
            counts = ", ".join(f"'{v}' in {self.held[v]}" for v in rare)
            held = f"the votes it reads were held in only some ({counts})"
        return (
            f"; {held} of them, where the sampled students vote at random: more games "
            "(--runs) may tell"
        )

    def write(self, scenario: Scenario, out: IO[str]) -> None:
        out.write(
            f"  classroom: {plural(self.games, 'class game')} of {self.students} students "
            f"(seed {self.seed}; seats {', '.join(self.seats)})\n"
        )
        for ending in scenario.endings.values():
            out.write(f"    ending {ending.id}: {self.endings[ending.id]}\n")
        for role_id in dict.fromkeys(role_of(s) for s in self.seats):
            for objective in scenario.roles[role_id].objectives:
                key = (role_id, objective.id)
                line = (
                    f"    objective {role_id}.{objective.id}: achieved in {self.achieved[key]}, "
                    f"failed in {self.failed[key]}"
                )
                if self.unknown[key]:
                    line += f", unknown {self.unknown[key]} (a secret or paper ballot)"
                out.write(line + "\n")


def class_runs(
    scenario: Scenario,
    students: int,
    games: int,
    seed: int,
    stop: Callable[[], str | None] | None = None,
) -> Lessons:
    """``games`` class games of ``students`` students (``seating.cast``), each seat played by
    a seeded agent (``explore.class_game``); each role's objectives counted at the end.
    ``CastingError`` when the scenario cannot seat that class."""
    from presidium.events import ObjectivesScored

    seating = cast(scenario, students)
    lessons = Lessons(students, games, seed, seating.seats, scenario=scenario)
    failed: dict[tuple[str, SourceSpan], list[int]] = {}
    for n in range(games):
        reason = stop() if stop is not None else None
        if reason is not None:
            lessons.errors.append(
                Diagnostic("error", f"class games {reason} after {n} of {games}", scenario.span)
            )
            lessons.games = n
            break
        try:
            game = class_game(scenario, seating, seed + n)
        except PresidiumError as exc:
            failed.setdefault((str(exc), scenario.span), []).append(seed + n)
            continue
        assert game.ending is not None and game.room is not None
        lessons.endings[game.ending] += 1
        lessons.held.update(list(game.ballots))
        results: dict[tuple[str, str], set[bool | None]] = {}
        for scored in game.room.state.scored:
            assert isinstance(scored, ObjectivesScored)
            for result in scored.results:
                results.setdefault((role_of(scored.seat), result.id), set()).add(result.achieved)
        for key, seen in results.items():  # a role with copies: any copy counts
            lessons.scored[key] += bool(seen - {None})
            lessons.achieved[key] += True in seen
            lessons.failed[key] += False in seen
            lessons.unknown[key] += None in seen
    for (message, span), seeds in failed.items():
        more = f"; the same in {plural(len(seeds) - 1, 'more game')}" if len(seeds) > 1 else ""
        lessons.errors.append(
            Diagnostic("error", f"{message} (class game with seed {seeds[0]}{more})", span)
        )
    return lessons
