"""Shared helpers: the real bundled scenario, and compiling YAML text in memory."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from presidium.compiler import compile_document, load_scenario
from presidium.diagnostics import Diagnostic
from presidium.engine import Game, HistoryDice
from presidium.events import RequestOpened
from presidium.loader import load_text
from presidium.model import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_1957 = ROOT / "scenarios" / "june_1957.yaml"
DOCS = ROOT / "docs"


CONSTRAINTS = ROOT / ".ci" / "constraints.txt"


def versions_ci_tested() -> dict[str, str]:
    """The versions CI last tested (``.ci/constraints.txt``), by normalised package name."""
    from packaging.requirements import Requirement  # pytest's own dependency

    pins: dict[str, str] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pin = Requirement(line)
        if pin.marker is None or pin.marker.evaluate():
            pins[normalise(pin.name)] = str(pin.specifier).removeprefix("==")
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().strip()


def pytest_report_header() -> list[str]:
    """Dependency drift, first thing in the run: a failure after a new release is then no puzzle."""
    from importlib.metadata import PackageNotFoundError, version

    drift = []
    for name, tested in sorted(versions_ci_tested().items()):
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue
        if installed != tested:
            drift.append(f"{name} {installed} (CI tested {tested})")
    if not drift:
        return ["dependencies: the versions CI last tested (.ci/constraints.txt)"]
    return [
        "dependencies newer or older than CI last tested (.ci/constraints.txt); if a test fails,",
        "  try: pip install -c .ci/constraints.txt '.[test]'",
        *(f"  {line}" for line in drift),
    ]


def showdown_ballot(voters: tuple[str, ...], kind: str = "secret") -> RequestOpened:
    """The event that opens june_1957's Presidium ballot (3 to pass) among ``voters``."""
    return RequestOpened(
        "showdown:ballot",
        "ballot",
        "showdown",
        "The Presidium votes",
        voters,
        True,
        3,
        vote="showdown_18_june",
        ballot=kind,
    )


def compile_yaml(text: str, name: str = "test.yaml") -> tuple[Scenario | None, list[Diagnostic]]:
    loaded = load_text(text, name)
    if loaded.diagnostics:
        return None, loaded.diagnostics
    return compile_document(loaded.document, name, {name: loaded.lines})


def errors(text: str) -> list[str]:
    """Each error as 'line:col: message'."""
    _, found = compile_yaml(text)
    return [f"{d.span.line}:{d.span.col}: {d.message}" for d in found if d.severity == "error"]


def docs_example() -> str:
    """The complete small example in docs/scenario-format.md."""
    text = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    match = re.search(r"## A complete small example.*?```yaml\n(.*?)```", text, re.DOTALL)
    assert match, "docs/scenario-format.md lost its complete example"
    return match.group(1)


def mutate(old: str, new: str) -> str:
    """The docs example with one change."""
    text = docs_example()
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.fixture(scope="session")
def june_1957() -> Scenario:
    scenario, warnings = load_scenario(SCENARIO_1957, "june_1957.yaml")
    assert warnings == []
    return scenario


@pytest.fixture(scope="session")
def october_1964() -> Scenario:
    scenario, warnings = load_scenario(
        ROOT / "scenarios" / "october_1964.yaml", "october_1964.yaml"
    )
    assert warnings == []
    return scenario


def closest_to_history(scenario: Scenario, side: str, seed: int | None = None) -> Game:
    """Play ``side`` taking history's choice wherever it is open, else the first that is; the
    dice fall as history's did, or by ``seed`` when one is given."""
    game = Game(scenario, [side], dice=HistoryDice() if seed is None else None, seed=seed or 0)
    game.start()
    while not game.over:
        phase = game.phase
        assert phase is not None
        available = [o.id for o in game.options() if o.available]
        game.step(phase.history if phase.history in available else available[0])
    return game


def take_history(game: Game) -> Game:
    """Start ``game`` and take the historical choice at every decision, to the end."""
    game.start()
    while not game.over:
        phase = game.phase
        assert phase is not None and phase.history is not None, phase
        game.step(phase.history)
    return game


def all_text(scenario: Scenario) -> list[tuple[str, str, str | None]]:
    """(where, text, confidence) for every piece of text the player can see."""
    out: list[tuple[str, str, str | None]] = [("summary", scenario.summary, None)]
    out += [(side.id, side.goal, None) for side in scenario.sides.values()]
    out += [(actor.id, actor.office, None) for actor in scenario.actors.values()]
    out += [(a.id, a.about.text, None) for a in scenario.actors.values() if a.about is not None]
    out += [(side.id, t.label, None) for side in scenario.sides.values() for t in side.targets]
    out += [(term, f"{term}: {line.text}", None) for term, line in scenario.glossary.items()]
    for vote in scenario.votes.values():
        out += [(vote.id, vote.title, None), (vote.id, vote.motion, None)]
        out += [(vote.id, rule.reason, None) for rule in vote.rules]
        out += [(vote.id, f"{bloc.label}: {bloc.reason}", None) for bloc in vote.blocs]
    for phase in scenario.phases.values():
        out.append((phase.id, phase.title, None))
        out += [(phase.id, p.text, None) for p in phase.text]
        out += [(phase.id, n.text, n.confidence) for n in phase.notes]
        for choice in phase.choices:
            out.append((phase.id, choice.label, None))
            out += [(phase.id, t.text, None) for o in choice.outcomes() for t in o.text]
    for ending in scenario.endings.values():
        out += [(ending.id, t.text, None) for t in ending.text]
        out += [(ending.id, f.text, f.confidence) for f in ending.fates]
    out += [("debrief", question, None) for question in scenario.debrief_questions]
    return out


@pytest.fixture(scope="session")
def example() -> Scenario:
    scenario, found = compile_yaml(docs_example(), "door.yaml")
    assert scenario is not None, [d.format() for d in found]
    return scenario


# The tests never touch the user's cache: each run gets its own.
os.environ["PRESIDIUM_CACHE_DIR"] = tempfile.mkdtemp(prefix="presidium-test-cache-")
# Nor the user's saved games: autosaves and saves go to a folder of the run's own.
os.environ["PRESIDIUM_DATA_DIR"] = tempfile.mkdtemp(prefix="presidium-test-data-")
# Both are the run's own, and go with it: a run leaves nothing behind in the temp folder.
for _folder in (os.environ["PRESIDIUM_CACHE_DIR"], os.environ["PRESIDIUM_DATA_DIR"]):
    atexit.register(shutil.rmtree, _folder, ignore_errors=True)


GOLDEN = ROOT / "tests" / "golden"
UPDATE_GOLDEN = "PRESIDIUM_UPDATE_GOLDEN"


def matches_golden(text: str, path: Path, what: str = "output") -> None:
    """Check ``text`` against the golden file ``path``; with PRESIDIUM_UPDATE_GOLDEN=1, write it.

    A missing golden file fails: a test that wrote its own expectation whenever it found none
    would pass with no golden at all (a file lost, or never committed)."""
    if os.environ.get(UPDATE_GOLDEN) == "1":
        path.write_text(text, encoding="utf-8")
    elif not path.exists():
        pytest.fail(
            f"the golden file {path} is missing: create it with {UPDATE_GOLDEN}=1, "
            "read it, and commit it",
            pytrace=False,
        )
    assert text == path.read_text(encoding="utf-8"), (
        f"{what} changed: rerun with {UPDATE_GOLDEN}=1 if intended ({path})"
    )


def run_cli(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr)."""
    import io
    import sys

    from presidium.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = main(args)
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def check_jsonschema(*files: object) -> subprocess.CompletedProcess[str]:
    """Validate files against the published schema with check-jsonschema, an independent tool."""

    command = [
        sys.executable,
        "-m",
        "check_jsonschema",
        "--schemafile",
        str(DOCS / "scenario.schema.json"),
    ]
    return subprocess.run([*command, *map(str, files)], capture_output=True, text=True, check=False)


BROWSER_TESTS = pytest.StashKey[set[str]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[BROWSER_TESTS] = {i.nodeid for i in items if i.get_closest_marker("browser")}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line saying how many browser tests ran, so a log shows whether a real Chromium
    was used or the tests were skipped for want of one."""
    marked = terminalreporter.config.stash.get(BROWSER_TESTS, set())
    counts = {
        kind: sum(report.nodeid in marked for report in terminalreporter.stats.get(kind, []))
        for kind in ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
    }
    if any(counts.values()):
        said = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        terminalreporter.write_line(f"browser tests (a real headless Chromium): {said}")


# ---------------------------------------------------------------------- browser tests


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system's headless Chromium, one for a module of browser tests (browser_helpers.py)."""
    from browser_helpers import launched_browser

    yield from launched_browser()


@pytest.fixture
def shots(browser: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Devices' pages in ``browser``, with their screenshots named after the module's
    ``SHOTS``, or, in a module without one, after the test's first word."""
    from browser_helpers import screens

    first_word = request.node.name.removeprefix("test_").split("_")[0]
    yield from screens(browser, tmp_path, getattr(request.module, "SHOTS", first_word))
