"""Hostile sizes and names: every command refuses them with a clear message, in bounded time
and memory, never with a traceback (a pre-commit hook must not stall anyone's CI)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import docs_example, errors, mutate
from conftest import run_cli as run
from presidium.loader import load_text

HUGE = "9" * 5000  # more digits than Python will turn into a string


def _python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (with this test run's cache and data folders)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=os.environ.copy(),
    )


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("number", [HUGE, "-" + HUGE, "+" + HUGE, "1234567890123456"])
def test_a_number_with_too_many_digits_is_a_located_error(number: str) -> None:
    result = load_text(f"format: 1\nlist: [1, {number}]\n", "big.yaml")
    assert [(d.span.line, d.span.col) for d in result.diagnostics] == [(2, 11)]
    assert "at most 15 digits" in result.diagnostics[0].message


def test_fifteen_digits_are_still_a_number() -> None:
    result = load_text("a: 999999999999999\nb: -999999999999999\n", "ok.yaml")
    assert result.diagnostics == []
    assert result.document == {"a": 999999999999999, "b": -999999999999999}


def test_a_long_number_in_an_expression_is_an_error() -> None:
    found = errors(mutate('for: "members_at_door / 40"', f'for: "members_at_door / {"4" * 1900}"'))
    assert any("at most 15 digits" in e for e in found), found


@pytest.fixture
def huge_files(tmp_path: Path) -> Path:
    (tmp_path / "huge.yaml").write_text(mutate("initial: 60", f"initial: {HUGE}"))
    (tmp_path / "child.yaml").write_text("format: 1\nextends: huge.yaml\nid: child\n")
    return tmp_path


@pytest.mark.parametrize("name", ["huge.yaml", "child.yaml"])
@pytest.mark.parametrize("command", ["validate", "check", "graph", "play"])
def test_huge_numbers_are_refused_by_every_command(
    huge_files: Path, name: str, command: str
) -> None:
    args = [command, str(huge_files / name)]
    if command == "play":
        args += ["--side", "khrushchev", "--autoplay", "history", "--seed", "1"]
    code, out, err = run(args)  # an uncaught exception would fail the test here
    assert code == 1
    assert f"{huge_files / 'huge.yaml'}:64:14: error: a number of 5,000 digits" in out + err


def test_list_shows_a_file_with_a_huge_number_as_a_problem(
    huge_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(huge_files)
    code, out, _ = run(["list"])
    assert code == 0 and "has problems" in out and "5,000 digits" in out


def test_arithmetic_that_validates_can_be_played_and_shown(tmp_path: Path) -> None:
    """The biggest numbers a scenario may hold, multiplied 300 times, still make a vote."""
    big = "999999999999999"
    text = mutate("max: 133\n    initial: 60", f"max: {big}\n    initial: {big}")
    text = text.replace('for: "members_at_door / 40"', f'for: "{"*".join(["b"] * 300)}"')
    text = text.replace(
        "variables:\n",
        f"variables:\n  b: {{label: B, type: number, min: 0, max: {big}, initial: {big}}}\n",
    )
    path = tmp_path / "big.yaml"
    path.write_text(text)
    code, out, _ = run(["validate", str(path)])
    assert code == 0, out
    code, out, err = run(
        ["play", str(path), "--side", "khrushchev", "--autoplay", "history", "--seed", "1"]
    )
    assert code == 0 and "Ending:" in out, err
    assert big in out  # the bloc's count, saturated at the largest number a scenario holds


# --------------------------------------------------------------------------- files and names


LINUX_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="address-space limits are enforced on Linux"
)


@LINUX_ONLY
def test_a_huge_file_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    """A sparse 2 GB file under a 1 GB address-space limit: refused, no MemoryError."""
    resource = pytest.importorskip("resource")
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3)
    limit = 1024**3
    if resource.getrlimit(resource.RLIMIT_AS)[1] not in (resource.RLIM_INFINITY,):
        limit = min(limit, resource.getrlimit(resource.RLIMIT_AS)[1])
    done = _python(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
        from presidium.cli import main
        sys.exit(main(sys.argv[1:]))
        """,
        "validate",
        str(path),
    )
    assert done.returncode == 1, done.stderr
    assert "scenarios may be at most" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("command", ["validate", "check", "graph", "play"])
def test_a_named_pipe_is_refused_at_once(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "presidium", command, str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "is a named pipe, not a scenario file" in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_as_a_base_or_a_cache_entry_does_not_hang(tmp_path: Path) -> None:
    from presidium import cache

    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "child.yaml").write_text("format: 1\nextends: pipe.yaml\nid: c\n")
    door = tmp_path / "door.yaml"
    door.write_text(docs_example())
    entry = cache.entry_path(door.read_bytes(), str(door))
    if entry is None:
        pytest.skip("the cache is turned off")
    entry.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(entry)
    done = _python(
        """
        import sys
        from presidium.cli import main
        sys.exit(main(sys.argv[1:]))
        """,
        "validate",
        str(door),
        str(tmp_path / "child.yaml"),
    )
    assert done.returncode == 1, done.stderr
    assert f"{door}: valid" in done.stdout
    assert "'pipe.yaml' is neither a bundled scenario nor a file" in done.stdout


def test_a_base_that_is_a_device_is_not_read(tmp_path: Path) -> None:
    from presidium.bounded import NotRegularFile, read_bounded

    with pytest.raises(NotRegularFile, match="a device"):
        read_bounded(os.devnull, 100)
    with pytest.raises(NotRegularFile, match="a directory"):
        read_bounded(tmp_path, 100)


def test_dev_null_is_a_device_not_a_missing_file() -> None:
    code, _, err = run(["validate", os.devnull])
    assert code == 2 and f"'{os.devnull}' is a device, not a scenario file" in err


LONG = "a" * 5000


@pytest.mark.parametrize(
    "args",
    [
        ["play", LONG],
        ["play", LONG + ".yaml"],
        ["validate", LONG + ".yaml"],
        ["check", LONG],
        ["graph", LONG + ".yaml"],
        ["new", LONG + ".yaml"],
        ["new", "x.yaml", "--extends", LONG + ".yaml"],
    ],
)
def test_a_very_long_name_is_a_usage_error(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(args)
    assert code == 2 and "(5,0" in err and "characters)" in err
    assert len(err) < 1000  # the name is cut short


def test_an_empty_scenario_name_is_a_usage_error() -> None:
    code, out, err = run(["play", "", "--side", "khrushchev", "--autoplay", "history"])
    assert code == 2 and "scenario name is empty" in err and "Ending" not in out
    code, _, err = run(["validate", ""])
    assert code == 2 and "scenario name is empty" in err


def test_new_does_not_write_through_a_dangling_link(tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    target = tmp_path / "elsewhere.yaml"
    link.symlink_to(target)
    code, _, err = run(["new", str(link)])
    assert code == 2 and "already exists" in err
    assert not target.exists()


@pytest.mark.parametrize("command", ["validate", "check", "graph"])
def test_every_command_takes_a_bundled_id_as_play_does(command: str) -> None:
    code, out, err = run([command, "october_1964"])
    assert code == 0, err
    assert "October 1964" in out or "october_1964.yaml: " in out


# --------------------------------------------------------------------------- extends and format


@pytest.mark.parametrize(
    ("remove", "message"),
    [
        ("{phases: [[the_appeal]]}", "'remove: phases' is a list of ids"),
        ("{phases: [{a: 1}]}", "'remove: phases' is a list of ids"),
        ("{choices: [[the_door.refuse]]}", "'remove: choices' is a list of ids"),
        ("{endings: [7]}", "'remove: endings' is a list of ids"),
    ],
)
def test_remove_with_an_item_that_is_not_an_id_is_located(
    tmp_path: Path, remove: str, message: str
) -> None:
    (tmp_path / "door.yaml").write_text(docs_example())
    child = tmp_path / "child.yaml"
    child.write_text(f"format: 1\nextends: door.yaml\nid: child\nremove: {remove}\n")
    code, out, _ = run(["validate", str(child)])
    assert code == 1 and f"{child}:4:" in out and message in out


@pytest.mark.parametrize("fmt", ["true", "1.0"])
def test_format_must_be_the_whole_number_1(fmt: str) -> None:
    found = errors(mutate("format: 1", f"format: {fmt}"))
    assert any(e.startswith("1:9: format") and "not supported" in e for e in found), found


def test_a_base_outside_the_scenario_s_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "door.yaml").write_text(docs_example())
    inner = tmp_path / "inner"
    (inner / "bases").mkdir(parents=True)
    (inner / "bases" / "door.yaml").write_text(docs_example())
    (inner / "link.yaml").symlink_to(tmp_path / "door.yaml")
    cases = {
        "up.yaml": ("../door.yaml", "outside this scenario's folder"),
        "absolute.yaml": (str(tmp_path / "door.yaml"), "is an absolute path"),
        "through_link.yaml": ("link.yaml", "outside this scenario's folder"),
        "below.yaml": ("bases/door.yaml", None),
        "bundled.yaml": ("june_1957", None),
    }
    for name, (target, problem) in cases.items():
        (inner / name).write_text(f"format: 1\nextends: {target}\nid: x\n")
        code, out, _ = run(["validate", str(inner / name)])
        if problem is None:
            assert code == 0, out
        else:
            assert code == 1 and f"{inner / name}:2:10: error: " in out and problem in out, out


# --------------------------------------------------------------------------- validate's cost


def _unknown_references(tmp_path: Path, n: int) -> Path:
    """``n`` phases, each moving on to a phase that does not exist."""
    phases = "".join(
        f"  p{i}:\n    title: P{i}\n    counterfactual: true\n    text: T.\n    next: gone_{i}_x\n"
        for i in range(n)
    )
    path = tmp_path / f"unknown{n}.yaml"
    path.write_text(
        "format: 1\nid: many\ntitle: Many\nsummary: S.\nstart: p0\nsources: {}\n"
        "sides:\n  me: {name: Me, leader: me, goal: Finish.}\n"
        "actors:\n  me: {name: Me, office: Reader, rank: official}\n"
        f"phases:\n{phases}"
        "endings:\n  end: {title: The end, kind: counterfactual, text: Done.}\n"
    )
    return path


def test_did_you_mean_work_is_bounded_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each unknown reference is compared with every id: without a bound, the work grows
    with the square of the file (4x the phases, 16x the comparisons)."""
    import difflib

    from presidium.diagnostics import SUGGESTION_WORK
    from presidium.files import compile_file

    compared: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: list[str], *args: object, **kw: object) -> list[str]:
        compared.append(len(possibilities))
        return real(word, possibilities, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    work = {}
    for n in (300, 1200):
        compared.clear()
        result = compile_file(_unknown_references(tmp_path, n), use_cache=False)
        assert len(result.errors) == n
        work[n] = sum(compared)
    assert work[300] == 300 * 301  # small files get every suggestion
    assert work[1200] <= SUGGESTION_WORK < 1200 * 1201


def test_a_repeated_unknown_name_is_searched_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import difflib

    from presidium.diagnostics import did_you_mean, suggestion_budget

    calls = []
    real = difflib.get_close_matches
    monkeypatch.setattr(
        difflib, "get_close_matches", lambda *a, **k: calls.append(a[0]) or real(*a, **k)
    )
    ids = {f"phase_{i}" for i in range(50)}
    with suggestion_budget():
        hints = {did_you_mean("phase_7x", ids) for _ in range(20)}
    assert hints == {" (did you mean 'phase_7'?)"} and calls == ["phase_7x"]


def test_only_the_first_problems_are_printed_then_counted(tmp_path: Path) -> None:
    from presidium.diagnostics import MAX_SHOWN

    path = _unknown_references(tmp_path, MAX_SHOWN + 50)
    code, out, _ = run(["validate", str(path)])
    assert code == 1
    assert out.count(": error: ") == MAX_SHOWN
    assert "…and 50 more (50 errors) not shown" in out
    assert out.endswith(f"{path}: {MAX_SHOWN + 50} errors, 0 warnings\n")
    code, out, err = run(["play", str(path)])
    assert code == 1 and err.count(": error: ") == MAX_SHOWN and "…and 50 more" in err


# --------------------------------------------------------------------------- check's cost

COUNTER = """\
format: 1
id: counter
title: Counter
summary: A counter that keeps counting.
start: count
sources: {}
sides:
  me: {name: Me, leader: me, goal: Finish.}
actors:
  me: {name: Me, office: Reader, rank: official}
variables:
  n: {label: N, type: number, min: 0, max: 999999999, initial: 0}
phases:
  count:
    title: Count
    counterfactual: true
    text: "Counted {n}."
    by: me
    prompt: "Go on?"
    choices:
      - id: more
        label: More
        effects: ["n += 1"]
        next:
          - when: "n < 999999999"
            goto: count
          - goto: end
      - id: stop
        label: Stop
        when: "STOP"
        next: end
endings:
  end: {title: The end, kind: counterfactual, text: Done.}
"""


@pytest.fixture
def counter(tmp_path: Path) -> Path:
    """A 1 KB scenario with a billion states, each one step deeper than the last."""
    path = tmp_path / "counter.yaml"
    path.write_text(COUNTER.replace('        when: "STOP"\n', ""))
    return path


def test_exploring_memory_grows_with_the_states_not_their_square(counter: Path) -> None:
    """Each state the search keeps must not hold the whole path that led to it."""
    import tracemalloc

    from presidium.explore import StateBudgetExceeded, explore
    from presidium.files import load_scenario

    scenario, _ = load_scenario(counter)
    peaks = {}
    for states in (1000, 4000):
        tracemalloc.start()
        with pytest.raises(StateBudgetExceeded):
            explore(scenario, "me", max_states=states)
        peaks[states] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks[4000] < 6 * peaks[1000], peaks  # the square would be 16 times


def test_check_stops_at_its_time_limit_and_says_so(counter: Path) -> None:
    import time

    started = time.monotonic()
    code, out, _ = run(["check", str(counter), "--time-limit", "1"])
    assert code == 1
    assert "error: stopped after 1 second (raise --time-limit) while exploring as me" in out
    assert time.monotonic() - started < 30  # generous: the bound is one second


@LINUX_ONLY
def test_check_stops_at_its_memory_limit_under_a_hard_cap(counter: Path) -> None:
    """Under a 1.5 GB address-space cap, the check's own bound speaks first."""
    resource = pytest.importorskip("resource")
    cap = 1536 * 1024**2
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    done = _python(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
        from presidium.cli import main
        sys.exit(main(sys.argv[1:]))
        """,
        "check",
        str(counter),
        "--max-memory",
        "80",
        "--max-states",
        "5000000",
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "MB of memory in use (raise --max-memory) while exploring as me" in done.stdout


def test_bounds_are_usage_checked() -> None:
    code, _, err = run(["check", "june_1957", "--time-limit", "0"])
    assert code == 2 and "at least 1" in err


def test_a_random_run_that_never_ends_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "endless.yaml"
    path.write_text(COUNTER.replace('effects: ["n += 1"]', "effects: []").replace("STOP", "n > 5"))
    done = subprocess.run(
        [sys.executable, "-m", "presidium", "check", str(path), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "the game did not end after 10,000 decisions (random run 0" in done.stdout


# --------------------------------------------------------------------------- list


def test_list_names_each_scenario_as_the_commands_take_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "door.yaml").write_text(docs_example())
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["list"])
    assert code == 0
    names = [line.split(": ")[0] for line in out.splitlines() if not line.startswith(" ")]
    assert "june_1957" in names and str(Path("scenarios", "door.yaml")) in names
    for name in names:
        assert run(["validate", name])[0] == 0, name


def test_list_shows_a_copy_of_a_bundled_scenario_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the repository's root, scenarios/ holds the same files as the installed package."""
    from presidium.catalog import bundled_dir

    (tmp_path / "scenarios").mkdir()
    for path in bundled_dir().glob("*.yaml"):
        (tmp_path / "scenarios" / path.name).write_bytes(path.read_bytes())
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["list"])
    assert code == 0 and err == ""
    assert out.count("The Anti-Party Group: Moscow, June 1957") == 1


def test_list_warns_when_two_scenarios_share_an_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "door.yaml").write_text(docs_example())
    (tmp_path / "door_copy.yaml").write_text(docs_example().replace("Sverdlov Hall", "Hall"))
    (tmp_path / "june.yaml").write_text(
        (Path(__file__).parent.parent / "scenarios" / "june_1957.yaml").read_text()
        + "# a teacher's own copy\n"
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["list"])
    assert code == 0 and "door_copy.yaml: At the Door of the Hall [id sverdlov_door]" in out
    assert "warning: door_copy.yaml has the id 'sverdlov_door', as door.yaml has" in err
    assert "warning: june.yaml has the id 'june_1957', as the bundled scenario 'june_1957'" in err


def test_new_refuses_a_base_its_scenario_could_not_extend(tmp_path: Path) -> None:
    (tmp_path / "door.yaml").write_text(docs_example())
    (tmp_path / "sub").mkdir()
    code, _, err = run(
        ["new", str(tmp_path / "sub" / "x.yaml"), "--extends", str(tmp_path / "door.yaml")]
    )
    assert code == 2 and "is outside the folder of" in err
    assert not (tmp_path / "sub" / "x.yaml").exists()
    code, _, err = run(["new", str(tmp_path / "y.yaml"), "--extends", str(tmp_path / "door.yaml")])
    assert code == 0 and run(["validate", str(tmp_path / "y.yaml")])[0] == 0


def test_the_text_pass_after_exploring_is_bounded_too(tmp_path: Path) -> None:
    """Following text variables along the states is the second half of a check's work."""
    from presidium.explore import STOP_EVERY, StateBudgetExceeded, explore
    from presidium.files import load_scenario

    path = tmp_path / "text.yaml"
    path.write_text(
        COUNTER.replace('        when: "STOP"\n', "")
        .replace("max: 999999999", f"max: {STOP_EVERY * 2}")
        .replace('"n < 999999999"', f'"n < {STOP_EVERY * 2}"')
        .replace(
            "variables:\n",
            "variables:\n  t: {label: T, type: number, min: 0, max: 9, initial: 0}\n",
        )
        .replace('effects: ["n += 1"]', 'effects: ["n += 1", "t += 1"]')
        .replace('text: "Counted {n}."', 'text: ["Counted.", {when: "t > 5", text: "Many."}]')
    )
    scenario, _ = load_scenario(path)
    import inspect

    def stop() -> str | None:  # patient while exploring; out of patience in the text pass
        following = any(frame.function == "_propagate_text" for frame in inspect.stack())
        return "out of patience" if following else None

    with pytest.raises(StateBudgetExceeded, match="out of patience while following the text"):
        explore(scenario, "me", stop=stop)


def test_problems_beyond_a_bound_are_counted_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory for mistakes stops growing at a bound; how many more there were is said."""
    from presidium import diagnostics
    from presidium.files import compile_file

    monkeypatch.setattr(diagnostics, "MAX_KEPT", 50)
    path = tmp_path / "keys.yaml"
    path.write_text("format: 1\n" + "".join(f"unknown_{i}: 1\n" for i in range(60)))
    result = compile_file(path, use_cache=False)
    assert len(result.diagnostics) == 51
    first = result.diagnostics[0]
    assert (first.span.line, first.span.col) == (1, 1)
    assert (
        "more than 50 problems: " in first.message
        and " more were found and not listed" in first.message
    )


def test_the_schema_and_the_tool_agree_on_the_largest_number(tmp_path: Path) -> None:
    from conftest import check_jsonschema

    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(mutate("max: 133", "max: 999999999999999"))
    bad.write_text(mutate("max: 133", "max: 1000000000000000"))
    assert run(["validate", str(good)])[0] == 0 and check_jsonschema(good).returncode == 0
    assert run(["validate", str(bad)])[0] == 1 and check_jsonschema(bad).returncode != 0


def test_a_failure_met_by_many_random_runs_is_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import compile_yaml
    from presidium.tools import check

    monkeypatch.setattr(check, "MAX_RUN_STEPS", 30)
    text = COUNTER.replace('effects: ["n += 1"]', "effects: []").replace("STOP", "n > 5")
    scenario, found = compile_yaml(text)
    assert scenario is not None, found
    sample = check.random_runs(scenario, 3, 7)
    (error,) = sample.errors
    assert error.message == (
        "the game did not end after 30 decisions (random run 0 as me, seed 7; "
        "the same in 2 more runs)"
    )
