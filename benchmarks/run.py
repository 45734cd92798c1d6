"""Measure presidium against the performance targets in PRODUCT.md.

    python benchmarks/run.py            # all figures (a few minutes on 2 cores)
    python benchmarks/run.py --quick    # syn-500 and syn-2000 only, fewer repeats

Each figure is printed beside its target. Start-up times are ratios against a baseline
measured in the same run (``python -c pass``; importing rich, yaml and transitions), so the
figures hold on a slower or busier machine. Nothing here runs in the unit tests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import syn  # noqa: E402  (the generator beside this file)


def presidium_command() -> list[str]:
    return [sys.executable, "-m", "presidium"]


def timed(command: list[str], repeats: int, stdin: str = "") -> float:
    """Median wall time of a fresh process, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mb(code: str) -> float:
    """Peak resident memory of a fresh interpreter running ``code``, in MB.

    Read from /proc/self/status (VmHWM): on Linux ``ru_maxrss`` survives exec, so a child of
    this process would report this process's own peak instead of its own.
    """
    probe = (
        code + "\n"
        "import resource\n"
        "try:\n"
        "    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "except (OSError, IndexError):\n"
        "    status = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(status)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return int(out.split()[-1]) / 1024


def throughput(path: Path, seconds: float) -> float:
    """Random playthroughs, text included: choices taken per second."""
    from presidium.compiler import load_scenario
    from presidium.engine import Game

    scenario, _ = load_scenario(path)
    side = next(iter(scenario.sides))
    pick = random.Random(1)
    choices = 0
    start = time.perf_counter()
    seed = 0
    while time.perf_counter() - start < seconds:
        game = Game(scenario, [side], seed=seed)
        seed += 1
        game.start()  # every event is built, with its text rendered
        while not game.over:
            assert game.pending is not None
            options = [o.id for o in game.pending.options if o.available]
            game.step(options[int(pick.random() * len(options))])
            choices += 1
    return choices / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="syn-500 and syn-2000 only, fewer repeats"
    )
    args = parser.parse_args()
    sizes = (500, 2000) if args.quick else (500, 2000, 8000)
    repeats = 3 if args.quick else 7
    from presidium import __version__

    print(f"presidium {__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        env_cache = Path(folder) / "cache"
        os.environ["PRESIDIUM_CACHE_DIR"] = str(env_cache)
        files = {}
        for k in sizes:
            files[k] = Path(folder) / f"syn-{k}.yaml"
            files[k].write_text(syn.build(k), encoding="utf-8")

        print("\nscenario    load+validate  from cache   check        check cached  choices/s")
        for k, path in files.items():
            from presidium.compiler import compile_file

            start = time.perf_counter()
            result = compile_file(path, use_cache=False)
            load = time.perf_counter() - start
            assert result.scenario is not None
            compile_file(path)  # fill the cache
            start = time.perf_counter()
            compile_file(path)
            cached = time.perf_counter() - start
            env = {**os.environ, "PRESIDIUM_NO_CACHE": "1"}
            start = time.perf_counter()
            subprocess.run(
                [*presidium_command(), "check", str(path)],
                capture_output=True,
                env=env,
                check=False,
            )
            check = time.perf_counter() - start
            start = time.perf_counter()
            subprocess.run(
                [*presidium_command(), "check", str(path)], capture_output=True, check=False
            )
            check_cached = time.perf_counter() - start
            rate = throughput(path, 3.0 if not args.quick else 1.5)
            print(
                f"syn-{k:<6} {load:10.3f} s {cached:10.3f} s {check:8.3f} s {check_cached:10.3f} s {rate:12,.0f}"
            )

        print("\ntargets (syn-2000): load+validate <= 1.3 s, from cache <= 0.1 s; check <= 1.0 s,")
        print("  <= 0.3 s from cache; random playthroughs >= 80,000 choices/s")

        python_pass = timed([sys.executable, "-c", "pass"], repeats)
        version = timed([*presidium_command(), "--version"], repeats)
        imports = timed(
            [
                sys.executable,
                "-c",
                "import rich.console, rich.panel, rich.table, yaml, transitions",
            ],
            repeats,
        )
        first_screen = timed(
            [*presidium_command(), "play", "--side", "khrushchev", "--seed", "1", "--plain"],
            repeats,
        )
        print(f"\npython -c pass            {python_pass * 1000:7.1f} ms")
        print(
            f"presidium --version       {version * 1000:7.1f} ms  = {version / python_pass:4.2f}x python -c pass  (target <= 2x)"
        )
        print(f"import rich, yaml, trans. {imports * 1000:7.1f} ms")
        print(
            f"first screen of play      {first_screen * 1000:7.1f} ms  = {first_screen / imports:4.2f}x the imports  (target <= 2x)"
        )

        if 8000 in files:
            path = files[8000]
            play = peak_mb(
                "from presidium.files import load_scenario\nfrom presidium.engine import Game\n"
                f"s, _ = load_scenario({str(path)!r})\ng = Game(s, ['player'], seed=1)\ng.start()\n"
                "while not g.over:\n    g.step([o.id for o in g.options() if o.available][0])"
            )
            check_mb = peak_mb(
                "from presidium.tools.check import Limits, check\nimport io\n"
                f"check([{str(path)!r}], 0, 1, Limits(), False, io.StringIO())"
            )
            print(
                f"\npeak memory, syn-8000: play {play:.0f} MB from the cache (target <= 80 MB), "
                f"check {check_mb:.0f} MB (target <= 1024 MB)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
