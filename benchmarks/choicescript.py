"""ChoiceScript's randomtest and quicktest on syn-K, for the comparison in ``run.py``.

ChoiceScript is not part of this repository (its licence does not allow it to be shipped
here) and nothing is downloaded: point ``run.py --choicescript DIR`` (or the environment
variable ``PRESIDIUM_CHOICESCRIPT``) at a checkout of https://github.com/dfabulich/choicescript.
The checkout is only read: the story is written to a temporary folder that links to its files.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import syn

ENVIRONMENT = "PRESIDIUM_CHOICESCRIPT"
GAME = "syn"  # the game's folder under web/, in the temporary copy
COUNTER = Path(__file__).resolve().parent / "choicescript_count.js"
HOW_TO_GET = (
    "git clone https://github.com/dfabulich/choicescript ../choicescript, then pass "
    f"--choicescript ../choicescript (or set {ENVIRONMENT}); Node.js must be on PATH"
)


class Unavailable(Exception):
    """ChoiceScript cannot be run here; the message says why and how to fix it."""


@dataclass(frozen=True)
class RandomRun:
    """One randomtest run: the choices it took, its own wall clock and CPU time for them."""

    games: int
    choices: int
    seconds: float
    cpu_seconds: float


def locate(given: str | None) -> Path | None:
    """The checkout named on the command line or in the environment; None when neither is."""
    folder = given or os.environ.get(ENVIRONMENT)
    return Path(folder).expanduser().resolve() if folder else None


class ChoiceScript:
    """A ChoiceScript checkout with syn-K written beside it as the game ``syn``."""

    def __init__(self, checkout: Path, workdir: Path, k: int) -> None:
        missing = [
            name
            for name in ("randomtest.js", "quicktest.js", "autotest.js", "web/scene.js")
            if not (checkout / name).is_file()
        ]
        if missing:
            raise Unavailable(
                f"{checkout} is not a ChoiceScript checkout (no {', '.join(missing)}); "
                + HOW_TO_GET
            )
        node = shutil.which("node")
        if node is None:
            raise Unavailable("Node.js (the `node` command) is not on PATH; " + HOW_TO_GET)
        self.node = node
        self.folder = workdir / "choicescript"
        self.folder.mkdir()
        for entry in checkout.iterdir():
            if entry.name not in {"web", ".git"}:
                (self.folder / entry.name).symlink_to(entry)
        web = self.folder / "web"
        web.mkdir()
        for entry in (checkout / "web").iterdir():
            if entry.name != GAME:
                (web / entry.name).symlink_to(entry)
        scenes = web / GAME / "scenes"
        scenes.mkdir(parents=True)
        (scenes / "startup.txt").write_text(syn.choicescript(k), encoding="utf-8")

    def version(self) -> str:
        return subprocess.run(
            [self.node, "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()

    def randomtest(self, games: int, seed: int = 0) -> RandomRun:
        """Run randomtest for ``games`` playthroughs (at least 2), each choice uniformly at
        random; the figures leave the first out.

        ``avoidUsedOptions=false`` makes its pick uniform, as SYNTHETIC.md's playthrough is
        (its default prefers options it has not tried yet); the coverage report is off.
        """
        command = [
            self.node,
            str(COUNTER),
            f"num={games}",
            f"game={GAME}",
            f"seed={seed}",
            "showCoverage=false",
            "avoidUsedOptions=false",
        ]
        done = subprocess.run(command, cwd=self.folder, capture_output=True, text=True)
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise RuntimeError(
                "ChoiceScript's randomtest failed:\n" + "\n".join(lines[-5:]) + done.stderr[-2000:]
            )
        figures = json.loads(lines[-1])  # the first playthrough left out, as ours is
        return RandomRun(games - 1, figures["choices"], figures["seconds"], figures["cpu_seconds"])

    def quicktest(self) -> tuple[float, float]:
        """Wall and CPU seconds of one quicktest of the game, end to end (Node's start-up too)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [self.node, "quicktest.js", GAME], cwd=self.folder, capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if "QUICKTEST PASSED" not in done.stdout:
            raise RuntimeError("ChoiceScript's quicktest failed:\n" + done.stdout[-2000:])
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu
