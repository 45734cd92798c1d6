"""Measure presidium against the performance targets in PRODUCT.md (issue 13's table).

    python benchmarks/run.py                          # every figure (several minutes on 2 cores)
    python benchmarks/run.py --quick                  # syn-500 and syn-2000, fewer rounds
    python benchmarks/run.py --choicescript DIR       # and ChoiceScript's figures, in the same run
    python benchmarks/run.py --json                   # the figures as one JSON document

Every figure is the median of several rounds, and figures that are compared are measured in
alternation (ours, theirs, ours, theirs...), so that a busy machine slows both alike. Times
are given twice: the wall clock, and the CPU time of the process measured, which other
programs on a shared machine inflate much less. A target is called met only when both say
so. Each measurement runs in a fresh process, so that one size's garbage does not weigh on
the next. Measure on a regular install (``pip install .``), not an editable one: see
benchmarks/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import choicescript  # noqa: E402  (beside this file)
import syn  # noqa: E402

REFERENCE = 2000  # the size the targets are set on
MEMORY_SIZE = 8000  # the size the memory targets are set on
SUPERLINEAR = 1.1  # a growth exponent above this (cost ~ size^x) is flagged
SUPERLINEAR_LAST_STEP = 1.25  # the last, shorter step is noisier

# A child that runs the real command line and reports its peak resident memory (VmHWM) as
# the last line of its stderr. On Linux a child's ``ru_maxrss`` starts from its parent's
# size, so the child has to read its own.
PEAK_PROBE = """\
def _peak():
    try:
        with open('/proc/self/status') as status:
            kb = status.read().split('VmHWM:')[1].split()[0]
    except (OSError, IndexError):
        import resource
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stderr.write(f'\\nPEAK_KB {kb}\\n')
"""
CLI_WITH_PEAK = (
    "import atexit, sys\n" + PEAK_PROBE + "atexit.register(_peak)\n"
    "sys.argv = ['presidium', *sys.argv[1:]]\n"
    "from presidium.launch import main\n"
    "sys.exit(main())\n"
)


def own_peak_mb() -> float:
    """This process's peak resident memory in MB (VmHWM where Linux gives it)."""
    try:
        with open("/proc/self/status") as status:
            return int(status.read().split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- what is measured


@dataclass(frozen=True)
class Run:
    """One measured child process: wall and CPU seconds, and its peak memory when it said."""

    wall: float
    cpu: float
    peak_mb: float | None = None


def child(command: Sequence[str], env: dict[str, str] | None = None, stdin: str = "") -> Run:
    """Run ``command`` to its end; its wall time, CPU time (user + system) and peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        list(command), input=stdin, capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = None
    if "PEAK_KB " in done.stderr:
        peak = int(done.stderr.rsplit("PEAK_KB ", 1)[1].split()[0]) / 1024
    return Run(wall, cpu, peak)


def worker(kind: str, *args: str) -> dict[str, Any]:
    """Run this script's ``--worker`` ``kind`` in a fresh interpreter; what it printed."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", kind, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker {kind} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def work_load(path: str, source: str) -> dict[str, Any]:
    """One load + validate of ``path`` in this fresh process, from YAML or from the cache.

    Only the load is timed: presidium's modules are imported first. One load a process is
    what a player's or author's command pays; loads repeated in one process measure instead
    a heap already holding the loads before.
    """
    from presidium.files import compile_file

    if source == "fill":  # untimed: makes sure the cache holds the entry
        compile_file(path)
        return {}
    start, cpu = time.perf_counter(), time.process_time()
    result = compile_file(path, use_cache=source == "cache")
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    assert result.scenario is not None, result.diagnostics[:3]
    return {"wall": wall, "cpu": used}


def work_play(path: str, seconds: float, first_seed: int) -> dict[str, Any]:
    """Random playthroughs for ``seconds`` of CPU time, text included: choices taken.

    The scenario comes from the cache (filled by the load measurement). Each game has its
    own seed; a second seeded generator picks uniformly among the available choices. The
    first game is timed apart: what is built once per process (the state machine) would
    otherwise be spread over however many choices fit in the time, and hide how it grows.
    """
    from presidium import launch
    from presidium.engine import Game
    from presidium.files import load_scenario

    # As ``presidium play`` does when it is the program: the collector leaves the loaded
    # scenario alone (files._settle). Imported as a library, a large story's every full
    # collection would rescan it, which is not what a player's game pays.
    launch.owns_process = True
    scenario, _ = load_scenario(path)
    side = next(iter(scenario.sides))
    pick = random.Random(first_seed)

    def play(seed: int) -> int:
        game = Game(scenario, [side], seed=seed)
        game.start()  # every event is built, with its text rendered
        taken = 0
        while not game.over:
            assert game.pending is not None
            options = [o.id for o in game.pending.options if o.available]
            game.step(options[int(pick.random() * len(options))])
            taken += 1
        return taken

    start, cpu = time.perf_counter(), time.process_time()
    play(first_seed)
    first = [time.perf_counter() - start, time.process_time() - cpu]
    game_peak = own_peak_mb()  # what a player's process holds: the story and one game
    choices = games = 0
    start, cpu = time.perf_counter(), time.process_time()
    while time.process_time() - cpu < seconds:
        games += 1
        choices += play(first_seed + games)
    return {
        "choices": choices,
        "games": games,
        "wall": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "first_game": first,
        "peak_mb": own_peak_mb(),
        "game_peak_mb": game_peak,
    }


WORKERS: dict[str, Callable[[list[str]], dict[str, Any]]] = {
    "load": lambda a: work_load(a[0], a[1]),
    "play": lambda a: work_play(a[0], float(a[1]), int(a[2])),
}


# --------------------------------------------------------------------------- the install


def install_kind() -> str:
    """How the imported presidium is installed: 'regular', 'editable' or 'source'.

    An editable install puts an import hook on every interpreter's start, ``python -c
    pass`` included: the start-up baselines are then slower and the ratios flattered.
    """
    import sysconfig
    from importlib import metadata

    import presidium

    here = Path(presidium.__file__).resolve()
    libraries = {sysconfig.get_paths()[name] for name in ("purelib", "platlib")}
    if any(Path(folder).resolve() in here.parents for folder in libraries):
        return "regular"
    try:
        direct = metadata.distribution("presidium-1957").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    if direct and json.loads(direct).get("dir_info", {}).get("editable"):
        return "editable"
    return "source"  # a folder on the path, not an installed copy


WHERE = {
    "editable": "an editable install (its import hook slows every start, the baselines too)",
    "source": "a source folder on the path, not an installed copy",
}


def presidium_command() -> list[str]:
    """The ``presidium`` console script beside this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("presidium")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "presidium"]


# --------------------------------------------------------------------------- reporting


def median_times(runs: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The median wall and CPU seconds of workers' ``{"wall", "cpu"}`` figures."""
    return {key: statistics.median(float(run[key]) for run in runs) for key in ("wall", "cpu")}


def median_run(runs: Sequence[Run]) -> dict[str, Any]:
    peaks = [r.peak_mb for r in runs if r.peak_mb is not None]
    return {
        "wall": statistics.median(r.wall for r in runs),
        "cpu": statistics.median(r.cpu for r in runs),
        "peak_mb": max(peaks) if peaks else None,
    }


def growth(sizes: Sequence[int], costs: Sequence[float]) -> tuple[float, float]:
    """The exponent x in cost ~ size^x, over the whole range and over the last step."""

    def exponent(a: int, b: int) -> float:
        if costs[a] <= 0 or costs[b] <= 0:
            return math.nan
        return math.log(costs[b] / costs[a]) / math.log(sizes[b] / sizes[a])

    last = len(sizes) - 1
    return exponent(0, last), exponent(last - 1, last)


class Report:
    """What is printed (unless --json) and what is collected for --json."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.data: dict[str, Any] = {}
        self.targets: list[dict[str, Any]] = []

    def say(self, text: str = "") -> None:
        print(text, file=sys.stderr if self.quiet else sys.stdout, flush=True)

    def target(self, figure: str, value: str, goal: str, met: bool | None) -> None:
        self.targets.append({"figure": figure, "measured": value, "target": goal, "met": met})


def seconds(pair: dict[str, Any]) -> str:
    return f"{pair['wall']:6.3f} s ({pair['cpu']:.3f} CPU)"


# --------------------------------------------------------------------------- the run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="ChoiceScript: " + choicescript.HOW_TO_GET,
    )
    parser.add_argument(
        "--quick", action="store_true", help="syn-500 and syn-2000 only, fewer rounds"
    )
    parser.add_argument(
        "--choicescript",
        metavar="DIR",
        help=f"a ChoiceScript checkout to compare with (default: ${choicescript.ENVIRONMENT})",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker[0]](args.worker[1:])))
        return 0

    sizes = (500, 2000) if args.quick else (500, 2000, 8000, 12000)
    repeats = 3 if args.quick else 5
    rounds = 3 if args.quick else 5
    play_seconds = 1.0 if args.quick else 2.0
    report = Report(args.json)
    from presidium import __version__

    install = install_kind()
    report.data.update(
        presidium=__version__,
        python=sys.version.split()[0],
        cores=os.cpu_count(),
        install=install,
        quick=args.quick,
    )
    report.say(
        f"presidium {__version__} ({install} install), Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores"
    )
    if install != "regular":
        report.say(
            f"note: presidium comes from {WHERE[install]}: start-up ratios mean something "
            "only on a regular install (pip install ., see benchmarks/README.md)"
        )
    checkout = choicescript.locate(args.choicescript)
    if checkout is None:
        report.say("ChoiceScript: not compared (" + choicescript.HOW_TO_GET + ")")

    with tempfile.TemporaryDirectory(prefix="presidium-bench-") as folder:
        rival = None
        if checkout is not None:
            try:
                rival = choicescript.ChoiceScript(checkout, Path(folder), REFERENCE)
            except choicescript.Unavailable as why:
                print(f"run.py: error: {why}", file=sys.stderr)
                return 2
        os.environ["PRESIDIUM_CACHE_DIR"] = str(Path(folder) / "cache")
        files = {}
        for k in sizes:
            files[k] = Path(folder) / f"syn-{k}.yaml"
            files[k].write_text(syn.build(k), encoding="utf-8")
        per_size, theirs = measure_sizes(report, files, repeats, rounds, play_seconds, rival)
        scaling(report, sizes, per_size)
        if rival is not None:
            compare(report, rival, files[REFERENCE], per_size[REFERENCE], theirs, rounds)
        startup(report, repeats * 2)

    judge(report, per_size)
    if args.json:
        report.data["targets"] = report.targets
        print(json.dumps(report.data, indent=2))
    return 0


def check_command(path: Path) -> list[str]:
    return [sys.executable, "-c", CLI_WITH_PEAK, "check", str(path)]


def measure_sizes(
    report: Report,
    files: dict[int, Path],
    repeats: int,
    rounds: int,
    play_seconds: float,
    rival: choicescript.ChoiceScript | None,
) -> tuple[dict[int, dict[str, Any]], list[choicescript.RandomRun]]:
    """Every phase at every size: load+validate, from the cache, check, play, peak memory.

    At syn-2000, with ChoiceScript to compare with, each round of our random play is
    followed by a round of its randomtest of about the same length.
    """
    report.say(
        "\nwall seconds (CPU seconds in brackets), medians; peak memory in MB"
        "\nscenario   load+validate          from cache             check"
        "                  check cached           choices/s (CPU)   peak play / check"
    )
    results: dict[int, dict[str, Any]] = {}
    theirs: list[choicescript.RandomRun] = []
    no_cache = {**os.environ, "PRESIDIUM_NO_CACHE": "1"}
    for k, path in files.items():
        worker("load", str(path), "fill")
        cold, warm = [], []
        for _ in range(repeats):  # alternated, each in a fresh process
            cold.append(worker("load", str(path), "yaml"))
            warm.append(worker("load", str(path), "cache"))
        checks = [child(check_command(path), env=no_cache) for _ in range(repeats)]
        cached = [child(check_command(path)) for _ in range(repeats)]
        if rival is not None and k == REFERENCE:
            plays, theirs = alternate(rival, path, rounds, play_seconds)
        else:
            plays = [
                worker("play", str(path), str(play_seconds), str(1 + r)) for r in range(rounds)
            ]
        row: dict[str, Any] = {
            "load": median_times(cold),
            "cached": median_times(warm),
            "check": median_run(checks),
            "check_cached": median_run(cached),
        }
        row["play"] = play_figures(plays)
        results[k] = row
        report.say(size_line(k, row))
    report.data["sizes"] = {str(k): v for k, v in results.items()}
    return results, theirs


def alternate(
    rival: choicescript.ChoiceScript, path: Path, rounds: int, play_seconds: float
) -> tuple[list[dict[str, Any]], list[choicescript.RandomRun]]:
    """Rounds of our random play and ChoiceScript's randomtest, in turn, of similar length."""
    calibration = rival.randomtest(20)
    rate = calibration.games / max(calibration.seconds, 1e-3)
    games = max(20, 1 + round(rate * play_seconds))
    ours: list[dict[str, Any]] = []
    theirs: list[choicescript.RandomRun] = []
    for r in range(rounds):
        ours.append(worker("play", str(path), str(play_seconds), str(1 + r)))
        theirs.append(rival.randomtest(games, seed=r * games))
    return ours, theirs


def size_line(k: int, row: dict[str, Any]) -> str:
    play = row["play"]
    return (
        f"syn-{k:<6} {seconds(row['load'])}  {seconds(row['cached'])}  {seconds(row['check'])}"
        f"  {seconds(row['check_cached'])}  {play['rate_wall']:7,.0f} ({play['rate_cpu']:,.0f})"
        f"   {play['game_peak_mb']:4.0f} / {row['check']['peak_mb'] or math.nan:4.0f}"
    )


def play_figures(plays: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "rate_wall": statistics.median(p["choices"] / p["wall"] for p in plays),
        "rate_cpu": statistics.median(p["choices"] / p["cpu"] for p in plays),
        "choices_per_game": sum(p["choices"] for p in plays) / sum(p["games"] for p in plays),
        "first_game": {
            "wall": statistics.median(p["first_game"][0] for p in plays),
            "cpu": statistics.median(p["first_game"][1] for p in plays),
        },
        "peak_mb": max(p["peak_mb"] for p in plays),
        "game_peak_mb": max(p["game_peak_mb"] for p in plays),
    }


def scaling(report: Report, sizes: Sequence[int], per_size: dict[int, dict[str, Any]]) -> None:
    """How each phase's cost grows with the story's size: linear or better, or flagged."""
    phases: dict[str, Callable[[dict[str, Any]], float]] = {
        "load+validate": lambda r: float(r["load"]["cpu"]),
        "from cache": lambda r: float(r["cached"]["cpu"]),
        "check": lambda r: float(r["check"]["cpu"]),
        "check cached": lambda r: float(r["check_cached"]["cpu"]),
        "first game": lambda r: float(r["play"]["first_game"]["cpu"]),
        "one choice": lambda r: 1 / float(r["play"]["rate_cpu"]),
        "peak play": lambda r: float(r["play"]["game_peak_mb"]),
        "peak check": lambda r: float(r["check"]["peak_mb"] or math.nan),
    }
    report.say(
        "\nhow cost grows with size (CPU time or memory): x in cost ~ size^x, whole range and"
        f" last step;\nup to 1 is linear or better (a fixed start-up cost makes it less); "
        f"flagged above {SUPERLINEAR} ({SUPERLINEAR_LAST_STEP} for the last step)"
    )
    header = "".join(f"{'syn-' + str(k):>11}" for k in sizes)
    report.say(f"{'phase':<14}{header}   largest/smallest   x (whole, last step)")
    found: dict[str, Any] = {}
    for name, cost in phases.items():
        values = [cost(per_size[k]) for k in sizes]
        whole, last = growth(sizes, values)
        flagged = whole > SUPERLINEAR or last > SUPERLINEAR_LAST_STEP
        unit = " MB" if name.startswith("peak") else (" µs" if name == "one choice" else " s")
        scale = 1e6 if name == "one choice" else 1
        cells = "".join(f"{v * scale:>8.3g}{unit}" for v in values)
        verdict = "SUPERLINEAR" if flagged else "linear or better"
        report.say(
            f"{name:<14}{cells}   {values[-1] / values[0]:8.2f}×          "
            f"{whole:5.2f}, {last:5.2f}  {verdict}"
        )
        found[name] = {
            "values": values,
            "ratio": values[-1] / values[0],
            "exponent": whole,
            "exponent_last_step": last,
            "superlinear": flagged,
        }
    report.data["scaling"] = {"sizes": list(sizes), "phases": found}


def compare(
    report: Report,
    rival: choicescript.ChoiceScript,
    path: Path,
    row: dict[str, Any],
    theirs: list[choicescript.RandomRun],
    rounds: int,
) -> None:
    """Random play and the static check of syn-2000, ours beside ChoiceScript's, measured in
    alternation (the random play in ``measure_sizes``, the checks here)."""
    no_cache = {**os.environ, "PRESIDIUM_NO_CACHE": "1"}
    checks, quicktests = [], []
    for _ in range(rounds):
        checks.append(child(check_command(path), env=no_cache))
        quicktests.append(rival.quicktest())
    rate_wall = statistics.median(t.choices / t.seconds for t in theirs)
    rate_cpu = statistics.median(t.choices / t.cpu_seconds for t in theirs)
    per_game = sum(t.choices for t in theirs) / sum(t.games for t in theirs)
    quick = {
        "wall": statistics.median(q[0] for q in quicktests),
        "cpu": statistics.median(q[1] for q in quicktests),
    }
    check = median_run(checks)
    play = row["play"]
    ratio = (play["rate_wall"] / rate_wall, play["rate_cpu"] / rate_cpu)
    report.say(
        f"\nChoiceScript (Node {rival.version()}) on syn-{REFERENCE}, in alternation with "
        f"presidium, {rounds} rounds each, medians:"
    )
    report.say(
        f"  randomtest      {rate_wall:9,.0f} choices/s ({rate_cpu:,.0f} by CPU time), "
        f"{per_game:.1f} choices a game"
    )
    report.say(
        f"  presidium       {play['rate_wall']:9,.0f} choices/s ({play['rate_cpu']:,.0f} by "
        f"CPU time), {play['choices_per_game']:.1f} choices a game"
    )
    report.say(
        f"  ratio           {ratio[0]:9.2f}× ({ratio[1]:.2f}× by CPU time)   target >= 2× "
        "ChoiceScript"
    )
    report.say(f"  quicktest       {seconds(quick)}, end to end")
    report.say(f"  presidium check {seconds(check)}, end to end, from YAML")
    report.data["choicescript"] = {
        "node": rival.version(),
        "randomtest": {"rate_wall": rate_wall, "rate_cpu": rate_cpu, "choices_per_game": per_game},
        "presidium_play": play,
        "ratio": {"wall": ratio[0], "cpu": ratio[1]},
        "quicktest": quick,
        "presidium_check": check,
    }
    report.target(
        f"random play, syn-{REFERENCE}",
        f"{min(ratio):.2f}× ChoiceScript",
        ">= 2× ChoiceScript",
        min(ratio) >= 2,
    )


def startup(report: Report, repeats: int) -> None:
    """``--version`` and the first screen of ``play``, against their baselines, alternated."""
    command = presidium_command()
    jobs = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "presidium --version": [*command, "--version"],
        "import rich, yaml, transitions": [
            sys.executable,
            "-c",
            "import rich.console, rich.panel, rich.table, yaml, transitions",
        ],
        "first screen of play": [
            *command,
            "play",
            "--side",
            "khrushchev",
            "--seed",
            "1",
            "--plain",
        ],
    }
    runs: dict[str, list[Run]] = {name: [] for name in jobs}
    for _ in range(repeats):
        for name, job in jobs.items():
            runs[name].append(child(job))
    found = {name: median_run(r) for name, r in runs.items()}
    report.say(f"\nstart-up, medians of {repeats} alternated runs:")
    for name, figures in found.items():
        report.say(
            f"  {name:<31}{figures['wall'] * 1000:7.1f} ms ({figures['cpu'] * 1000:.1f} CPU)"
        )
    pairs = [
        ("presidium --version", "python -c pass", "presidium --version"),
        ("first screen of play", "import rich, yaml, transitions", "first screen of play"),
    ]
    for name, base, figure in pairs:
        wall = found[name]["wall"] / found[base]["wall"]
        cpu = found[name]["cpu"] / found[base]["cpu"]
        report.say(f"  {figure} = {wall:.2f}× {base} ({cpu:.2f}× by CPU time); target <= 2×")
        short = "the imports" if base.startswith("import") else base
        report.target(figure, f"{max(wall, cpu):.2f}× {short}", "<= 2×", max(wall, cpu) <= 2)
    report.data["startup"] = found


def judge(report: Report, per_size: dict[int, dict[str, Any]]) -> None:
    """Each absolute target beside what was measured, then the table of every target."""
    if REFERENCE in per_size:
        row = per_size[REFERENCE]
        worst = {name: max(row[name]["wall"], row[name]["cpu"]) for name in row if name != "play"}
        for name, label, goal in [
            ("load", "load + validate", 1.3),
            ("cached", "load from the cache", 0.1),
            ("check", "check from YAML", 1.0),
            ("check_cached", "check from the cache", 0.3),
        ]:
            report.target(
                f"{label}, syn-{REFERENCE}",
                f"{worst[name]:.3f} s",
                f"<= {goal} s",
                worst[name] <= goal,
            )
        rate = min(row["play"]["rate_wall"], row["play"]["rate_cpu"])
        report.target(
            f"random play, syn-{REFERENCE}",
            f"{rate:,.0f} choices/s",
            ">= 80,000 here",
            rate >= 80_000,
        )
    if MEMORY_SIZE in per_size:
        row = per_size[MEMORY_SIZE]
        play, check = row["play"]["game_peak_mb"], row["check"]["peak_mb"]
        report.target(
            f"peak memory playing syn-{MEMORY_SIZE}",
            f"{play:.0f} MB a game ({row['play']['peak_mb']:.0f} MB after every game timed)",
            "<= 80 MB",
            play <= 80,
        )
        report.target(
            f"peak memory checking syn-{MEMORY_SIZE}",
            f"{check:.0f} MB" if check else "unknown",
            "<= 1024 MB",
            check <= 1024 if check else None,
        )
    else:
        report.target(f"peak memory, syn-{MEMORY_SIZE}", "not measured (--quick)", "<= 80 MB", None)
    scaling_found = report.data.get("scaling", {}).get("phases", {})
    flagged = [name for name, figures in scaling_found.items() if figures["superlinear"]]
    report.target(
        "cost growing with size",
        "superlinear: " + ", ".join(flagged) if flagged else "linear or better",
        "linear or better",
        not flagged,
    )
    report.say("\ntargets (a time is met when both the wall clock and the CPU time meet it):")
    for t in report.targets:
        verdict = {True: "met", False: "NOT MET", None: "-"}[t["met"]]
        report.say(f"  {verdict:<8} {t['figure']}: {t['measured']} (target {t['target']})")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
