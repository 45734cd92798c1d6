"""presidium validate and presidium check, as an author meets them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import SCENARIO_1957, docs_example
from conftest import run_cli as run
from presidium.model import Scenario

BASE = """\
format: 1
id: flaws
title: Flaws
summary: A scenario with one flaw at a time.
start: a
sources: {{}}
sides:
  me: {{name: Me, leader: me, goal: Finish.}}
actors:
  me: {{name: Me, office: Reader, rank: official}}
variables:
  n: {{label: N, type: number, min: 0, max: 10, initial: 0}}
  flag: {{label: Flag, type: flag, initial: false}}
phases:
{phases}
endings:
  end: {{title: The end, kind: counterfactual, text: Done.}}
{extra}"""


def scenario(tmp_path: Path, phases: str, extra: str = "", name: str = "flaws.yaml") -> Path:
    path = tmp_path / name
    path.write_text(BASE.format(phases=textwrap.indent(textwrap.dedent(phases), "  "), extra=extra))
    return path


CLEAN = """\
a:
  title: A
  counterfactual: true
  text: Start.
  by: me
  choices:
    - {id: go, label: Go, effects: ["n += 1"], next: end}
"""


def test_a_clean_scenario_validates_and_checks_clean(tmp_path: Path) -> None:
    path = scenario(tmp_path, CLEAN)
    assert run(["validate", str(path)]) == (0, f"{path}: valid\n", "")
    code, out, _ = run(["check", str(path), "--strict"])
    assert code == 0
    assert "coverage: 1/1 phases, 1/1 choices, 0/0 text branches" in out
    assert "0 errors, 0 warnings" in out


@pytest.mark.parametrize(
    ("phases", "severity", "message", "needle"),
    [
        (
            CLEAN
            + "orphan:\n  title: O\n  counterfactual: true\n  text: Nobody comes here.\n  next: end\n",
            "warning",
            "phase 'orphan' is never reached, from any side",
            "orphan:",
        ),
        (
            CLEAN.replace(
                "next: end}", 'next: end}\n    - {id: rich, label: Rich, when: "n > 5", next: end}'
            ),
            "warning",
            "choice 'rich' can never be taken: its condition 'n > 5' never holds here",
            "id: rich",
        ),
        (
            CLEAN.replace("text: Start.", "text: [Start., {when: flag, text: Never.}]"),
            "warning",
            "this text is never shown: 'flag' never holds when phase 'a' is reached",
            "Never.",
        ),
        (
            CLEAN.replace("- {id: go, label: Go,", "- {id: go, label: Go, when: flag,"),
            "error",
            "phase 'a' offers me nothing to choose",
            "  a:",
        ),
        (
            CLEAN.replace("next: end}", "next: b}")
            + "b:\n  title: B\n  counterfactual: true\n  text: Back.\n  by: me\n"
            + "  choices:\n    - {id: back, label: Back, next: a}\n",
            "error",
            "no ending can be reached from phases 'a' and 'b': the story loops there forever",
            "  a:",
        ),
        (
            CLEAN.replace("next: end}", "next: b}")
            + "b:\n  title: B\n  counterfactual: true\n  text: Round.\n  next: c\n"
            + "c:\n  title: C\n  counterfactual: true\n  text: And round.\n  next: b\n",
            "error",
            "the story loops forever through phases 'b' and 'c': none of them waits",
            "  b:",
        ),
    ],
)
def test_check_finds_each_flaw_where_it_is(
    tmp_path: Path, phases: str, severity: str, message: str, needle: str
) -> None:
    path = scenario(tmp_path, phases)
    code, out, _ = run(["check", str(path)])
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if needle in text)
    hits = [
        x
        for x in out.splitlines()
        if x.startswith(f"{path}:{line}:") and f"{severity}: " in x and message in x
    ]
    assert hits, out
    assert code == (1 if severity == "error" else 0)
    if severity == "warning":
        assert run(["check", str(path), "--strict"])[0] == 1


def test_a_failed_expectation_is_an_error(tmp_path: Path) -> None:
    path = scenario(tmp_path, CLEAN, "ending_two: 1\n".replace("ending_two: 1\n", ""))
    text = path.read_text().replace(
        "  end: {title: The end, kind: counterfactual, text: Done.}\n",
        "  end: {title: The end, kind: counterfactual, text: Done.}\n"
        "  other: {title: Other, kind: counterfactual, text: Never.}\n",
    )
    path.write_text(text + "expect:\n  - {reachable: other, as: me}\n")
    code, out, _ = run(["check", str(path)])
    assert code == 1
    assert (
        "error: expected ending 'other' to be reachable playing me, but no path leads there" in out
    )
    assert "warning: ending 'other' is never reached, from any side" in out


def test_check_counts_states_by_what_decides_reachability(tmp_path: Path) -> None:
    """A counter that nothing reads must not multiply the states: 'n' here is irrelevant."""
    loop = CLEAN.replace(
        '- {id: go, label: Go, effects: ["n += 1"], next: end}',
        '- {id: go, label: Go, effects: ["n += 1"], next: end}\n'
        '    - {id: again, label: Again, effects: ["n += 1"], next: a}',
    )
    path = scenario(tmp_path, loop)
    code, out, _ = run(["check", str(path)])
    assert code == 0 and "played every path as me (1 state)" in out


def test_the_state_budget_stops_with_a_clear_message(tmp_path: Path) -> None:
    loop = CLEAN.replace(
        '- {id: go, label: Go, effects: ["n += 1"], next: end}',
        '- {id: go, label: Go, when: "n == 10", next: end}\n'
        '    - {id: again, label: Again, effects: ["n += 1"], next: a}',
    )
    path = scenario(tmp_path, loop)
    assert run(["check", str(path)])[0] == 0
    code, out, _ = run(["check", str(path), "--max-states", "3"])
    assert code == 1
    assert "error: more than 3 states to explore as me; raise --max-states" in out


def test_text_reachability_follows_variable_values(tmp_path: Path) -> None:
    """Exact over values: after one step of +3 from 0, 'n > 5' cannot show, 'n > 2' can."""
    phases = """\
    a:
      title: A
      counterfactual: true
      text: Start.
      by: me
      choices:
        - {id: go, label: Go, effects: ["n += 3"], next: b}
    b:
      title: B
      counterfactual: true
      text:
        - {when: "n > 2", text: Shown.}
        - {when: "n > 5", text: Never shown.}
      next: end
    """
    path = scenario(tmp_path, phases)
    out = run(["check", str(path)])[1]
    assert "'n > 5' never holds when phase 'b' is reached" in out
    assert "'n > 2' never holds" not in out
    assert "1/2 text branches" in out


def test_random_runs_report_coverage(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    code, out, _ = run(["check", str(path), "--runs", "40", "--seed", "7"])
    assert code == 0
    assert "random playthroughs: 40 (seed 7; 20 as khrushchev, 20 as molotov)" in out
    assert "phase the_door: 40 (choices: refuse " in out
    first = run(["check", str(path), "--runs", "40", "--seed", "7"])[1]
    assert first == out  # seeded: the same report every time


def test_the_bundled_scenario_checks_clean(june_1957: Scenario) -> None:
    code, out, _ = run(["check", str(SCENARIO_1957), "--strict", "--runs", "20"])
    assert code == 0, out
    phases = len(june_1957.phases)
    assert "0 errors, 0 warnings" in out and f"{phases}/{phases} phases" in out


HOSTILE = {
    "empty.yaml": b"",
    "list.yaml": b"- just\n- a list\n",
    "tabs.yaml": b"format: 1\nphases:\n\tfoo: 1\n",
    "unclosed.yaml": b"title: 'never closed\n",
    "duplicate.yaml": b"format: 1\ntitle: a\ntitle: b\n",
    "anchors.yaml": b"a: &x [1]\nb: *x\n",
    "deep.yaml": b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "binary.yaml": b"\x89PNG\r\n\x1a\n\x00\x00",
    "latin1.yaml": "title: caf\u00e9\n".encode("latin-1"),
    "python.yaml": b"a: !!python/object/apply:os.system ['echo pwned']\n",
}
EXPECTED = {
    "empty.yaml": "empty.yaml:1:1: error: the scenario is empty",
    "list.yaml": "list.yaml:1:1: error: a scenario is a mapping of 'key: value' lines, not a list",
    "tabs.yaml": "tabs.yaml:3:1: error: tab used for indentation",
    "unclosed.yaml": "unclosed.yaml:1:8: error: YAML syntax: the quote ' opened at line 1 is never closed",
    "duplicate.yaml": "duplicate.yaml:3:1: error: duplicate key 'title' (first defined at line 2)",
    "anchors.yaml": "anchors.yaml:1:4: error: anchors (&x) are not allowed",
    "deep.yaml": "error: nesting deeper than 64 levels",
    "binary.yaml": "binary.yaml:3:1: error: file holds binary data",
    "latin1.yaml": "latin1.yaml:1:11: error: not valid UTF-8",
    "python.yaml": "error: tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_problems_not_crashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    (tmp_path / name).write_bytes(HOSTILE[name])
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    code, out, err = run(["validate", name])
    assert time.perf_counter() - started < 1.0
    assert code == 1 and err == ""
    assert EXPECTED[name] in out
    assert "Traceback" not in out


def test_files_over_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium import loader

    monkeypatch.setattr(loader, "MAX_BYTES", 100)
    (tmp_path / "big.yaml").write_text("title: " + "x" * 200 + "\n")
    code, out, _ = run(["validate", str(tmp_path / "big.yaml")])
    assert code == 1 and "scenarios may be at most 100 bytes" in out


def test_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    for name in ("duplicate.yaml", "tabs.yaml"):
        (tmp_path / name).write_bytes(HOSTILE[name])
    good = tmp_path / "door.yaml"
    good.write_text(docs_example())
    code, out, _ = run(
        ["validate", str(tmp_path / "duplicate.yaml"), str(good), str(tmp_path / "tabs.yaml")]
    )
    assert code == 1
    assert f"{good}: valid" in out and "duplicate key" in out and "tab used for indentation" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "missing.yaml"], "no scenario file 'missing.yaml'"),
        (["validate"], "the following arguments are required: SCENARIO"),
        (["validate", "--frobnicate", "x.yaml"], "unrecognized arguments: --frobnicate"),
        (["check", "missing.yaml"], "no scenario file 'missing.yaml'"),
        (["check", "x.yaml", "--runs", "-1"], "expected a whole number of at least 0"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    code, _, err = run(args)
    assert code == 2 and message in err and "Traceback" not in err


def test_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(["validate", str(tmp_path)])
    assert code == 2 and "is a directory" in err


def test_warnings_do_not_fail_validation_unless_strict(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(
        docs_example().replace(
            "sides:", "  unused:\n    cite: Nobody cites this.\n    grade: C\n\nsides:", 1
        )
    )
    code, out, _ = run(["validate", str(path)])
    assert (
        code == 0
        and "warning: source 'unused' is never cited" in out
        and "valid, with 1 warning" in out
    )
    assert run(["validate", "--strict", str(path)])[0] == 1


def test_an_endless_automatic_loop_is_one_error_not_a_cascade(tmp_path: Path) -> None:
    phases = (
        CLEAN.replace("next: end}", "next: b}")
        + "b:\n  title: B\n  counterfactual: true\n  text: Round.\n  next: c\n"
        + "c:\n  title: C\n  counterfactual: true\n  text: And round.\n  next: b\n"
    )
    code, out, _ = run(["check", str(scenario(tmp_path, phases))])
    assert code == 1
    assert out.count("error:") == 1 and "loops forever through phases 'b' and 'c'" in out
    assert "never reached, from any side\n" not in out.replace(
        "ending 'end' is never reached, from any side\n", ""
    )
    assert "never taken" not in out and "no ending can be reached from" not in out


@pytest.mark.parametrize(
    ("changes", "late", "early"),
    [
        (
            [
                (
                    '    date: 1957-06-21\n    place: "The Kremlin"\n    sources: [medvedev]\n',
                    '    date: 1957-06-20\n    place: "The Kremlin"\n    sources: [medvedev]\n',
                )
            ],
            "the_count",
            "the_appeal",
        ),
        (  # a phase without a date passes the last date on
            [
                (
                    '    date: 1957-06-21\n    place: "The Kremlin"\n    counterfactual',
                    '    place: "The Kremlin"\n    counterfactual',
                ),
                (
                    '    date: 1957-06-21\n    place: "The Kremlin"\n    sources: [medvedev]\n',
                    '    date: 1957-06-19\n    place: "The Kremlin"\n    sources: [medvedev]\n',
                ),
            ],
            "the_count",
            "the_door",
        ),
    ],
)
def test_check_finds_dates_that_go_backwards(
    tmp_path: Path, changes: list[tuple[str, str]], late: str, early: str
) -> None:
    text = docs_example()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "door.yaml"
    path.write_text(text)
    assert run(["validate", "--strict", str(path)])[0] == 0
    code, out, _ = run(["check", str(path)])
    line = text.splitlines().index(f"  {late}:") + 1
    assert code == 1
    assert f"{path}:{line}:3: error: the dates go backwards: phase '{late}' (" in out, out
    assert f"can come after phase '{early}' (1957-06-21)" in out
    assert out.count("dates go backwards") == 1


def test_a_loop_without_a_way_out_is_one_error_naming_its_phases(tmp_path: Path) -> None:
    phases = (
        CLEAN.replace("next: end}", "next: b}")
        + "b:\n  title: B\n  counterfactual: true\n  text: Back.\n  by: me\n"
        + "  choices:\n    - {id: back, label: Back, next: a}\n"
    )
    code, out, _ = run(["check", str(scenario(tmp_path, phases))])
    assert code == 1 and out.count("error:") == 1, out
    assert "no ending can be reached from phases 'a' and 'b': the story loops there forever" in out


SCRIPTED_CHANCE_LOOP = """\
format: 1
id: hang_min
title: "Hang"
summary: "A loop through a phase nobody decides in and a scripted chance."
start: first
sources:
  s1:
    cite: "x"
    grade: B
sides:
  a:
    name: "A"
    leader: a
    goal: "g"
  b:
    name: "B"
    leader: b
    goal: "g"
actors:
  a:
    name: A
    office: o
    rank: full
    stance: one
  b:
    name: B
    office: o
    rank: full
    stance: one
stances:
  one: "One"
phases:
  first:
    title: "First"
    counterfactual: true
    text: "Start."
    by: a
    choices:
      - id: go
        label: "Go"
        next: second
  second:
    title: "Second"
    counterfactual: true
    text: "Auto."
    next: third
  third:
    title: "Third"
    counterfactual: true
    text: "B rolls."
    by: b
    history: roll
    choices:
      - id: roll
        label: "Roll"
        chance:
          percent: 50
          success:
            text: "Again."
            next: second
          failure:
            text: "Out."
            next: done
endings:
  done:
    title: "Done"
    kind: counterfactual
    text: "End."
"""


@pytest.mark.parametrize("way_out", [True, False])
def test_check_finishes_on_a_loop_through_a_scripted_chance(tmp_path: Path, way_out: bool) -> None:
    """The other seat's script rolls a chance whose success leads back round through a phase
    nobody decides in: one step of the game could go round for ever, and check did (it hung)."""
    text = SCRIPTED_CHANCE_LOOP
    if not way_out:
        text = text.replace("            next: done", "            next: second")
    path = tmp_path / "loop.yaml"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "presidium", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if way_out:
        assert done.returncode == 0, done.stdout
        assert "ending done (counterfactual): reachable playing a, b" in done.stdout
    else:
        assert done.returncode == 1, done.stdout
        assert "no ending can be reached from phase 'first'" in done.stdout  # playing a
        assert "no ending can be reached from phase 'third'" in done.stdout  # playing b


def test_a_loop_met_from_every_side_is_one_error_naming_the_sides(tmp_path: Path) -> None:
    phases = (
        CLEAN.replace("next: end}", "next: b}")
        + "    - {id: stay, label: Stay, next: b}\n"  # the loop is met from two states
        + "b:\n  title: B\n  counterfactual: true\n  text: Round.\n  next: b\n"
    )
    path = scenario(tmp_path, phases)
    text = path.read_text()
    text = text.replace(
        "  me: {name: Me, leader: me, goal: Finish.}\n",
        "  me: {name: Me, leader: me, goal: Finish.}\n  you: {name: You, leader: you, goal: Watch.}\n",
    ).replace(
        "  me: {name: Me, office: Reader, rank: official}\n",
        "  me: {name: Me, office: Reader, rank: official}\n"
        "  you: {name: You, office: Writer, rank: official}\n",
    )
    path.write_text(text)
    code, out, _ = run(["check", str(path)])
    assert code == 1
    assert out.count("error:") == 1, out
    assert "loops forever through phase 'b'" in out and "(playing me, you)\n" in out
