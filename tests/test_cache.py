"""The compiled-scenario cache: faster, invisible, and never a way to run code."""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

import pytest

from conftest import SCENARIO_1957, docs_example
from presidium import cache, compiler
from presidium.compiler import compile_file
from presidium.engine import Game


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PRESIDIUM_CACHE_DIR", str(folder))
    monkeypatch.delenv("PRESIDIUM_NO_CACHE", raising=False)
    return folder


def play(scenario: object) -> list[dict[str, object]]:
    game = Game(scenario, ["molotov"], seed=5)  # type: ignore[arg-type]
    events = [e.to_dict() for e in game.start()]
    while not game.over:
        events += [
            e.to_dict() for e in game.step([o.id for o in game.options() if o.available][-1])
        ]
    return events


def test_a_second_load_comes_from_the_cache_and_plays_the_same(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = compile_file(SCENARIO_1957)
    assert len(list(cache_dir.glob("*.pickle"))) == 1

    def must_not_compile(*_: object) -> None:
        raise AssertionError("compiled again instead of using the cache")

    monkeypatch.setattr(compiler, "compile_document", must_not_compile)
    second = compile_file(SCENARIO_1957)
    assert second.scenario is not None and first.scenario is not None
    assert play(second.scenario) == play(first.scenario)
    assert second.files == first.files and second.diagnostics == first.diagnostics


def test_a_changed_file_is_compiled_again(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    compile_file(path)
    path.write_text(docs_example().replace('title: "The door"', 'title: "The front door"'))
    assert compile_file(path).scenario.phases["the_door"].title == "The front door"  # type: ignore[union-attr]
    assert len(list(cache_dir.glob("*.pickle"))) == 2


def test_files_with_errors_are_not_cached(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(docs_example().replace("    by: molotov", "    by: nobody"))
    assert compile_file(path).scenario is None
    assert not cache_dir.exists() or not list(cache_dir.glob("*.pickle"))


def entry_for(path: Path) -> Path:
    found = cache.entry_path(path.read_bytes(), str(path))
    assert found is not None
    return found


def test_a_damaged_entry_is_a_miss_not_a_crash(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    compile_file(path)
    entry_for(path).write_bytes(b"\x80\x05garbage")
    assert compile_file(path).scenario is not None


class _System:
    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, ("echo pwned",))


DIRECT = pickle.dumps(_System())  # made before any test replaces os.system


@pytest.mark.parametrize("attack", ["direct", "dotted"])
def test_a_tampered_entry_runs_nothing(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, attack: str
) -> None:
    calls: list[object] = []
    fake = lambda *a: calls.append(a) or 0  # noqa: E731
    monkeypatch.setattr(os, "system", fake)
    monkeypatch.setattr(f"{'nt' if os.name == 'nt' else 'posix'}.system", fake)
    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    compile_file(path)
    if attack == "direct":
        payload = DIRECT
    else:  # reach os.system through a module that imports os
        payload = (
            b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00"
            b"\x8c\x0fpresidium.cache\x94\x8c\tos.system\x94\x93\x94"
            b"\x8c\necho pwned\x94\x85\x94R\x94."
        )
    pickle.loads(payload)  # a plain unpickler would run it: the payload is a real attack
    assert calls == [("echo pwned",)]
    calls.clear()
    entry_for(path).write_bytes(payload)
    result = compile_file(path)
    assert result.scenario is not None  # the entry was refused and the file compiled afresh
    assert calls == []


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PRESIDIUM_CACHE_DIR", str(folder))
    monkeypatch.setenv("PRESIDIUM_NO_CACHE", "1")
    assert compile_file(SCENARIO_1957).scenario is not None
    assert not folder.exists()


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be\n")
    monkeypatch.setenv("PRESIDIUM_CACHE_DIR", str(blocker / "cache"))
    assert compile_file(SCENARIO_1957).scenario is not None
    assert compile_file(SCENARIO_1957).scenario is not None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_entry_that_is_no_regular_file_is_a_miss_and_never_hangs(
    cache_dir: Path, tmp_path: Path, kind: str
) -> None:
    import subprocess
    import sys

    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    entry = entry_for(path)
    entry.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(entry)
    else:
        entry.symlink_to("/dev/zero")
    code = "import sys; from presidium.compiler import compile_file; compile_file(sys.argv[1])"
    child = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PRESIDIUM_CACHE_DIR": str(cache_dir)},
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert compile_file(path).scenario is not None


def strings_in(root: object) -> list[str]:
    """Every string reachable from a compiled scenario, once per place that holds it."""
    found: list[str] = []
    stack, seen = [root], set()
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        if dataclasses.is_dataclass(item):
            stack += [getattr(item, f.name) for f in dataclasses.fields(item)]
        elif isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, (tuple, list, set, frozenset)):
            stack += list(item)
    return found


def test_a_text_written_many_times_is_held_once_compiled_and_cached(
    cache_dir: Path, tmp_path: Path
) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import syn

    path = tmp_path / "syn.yaml"
    path.write_text(syn.build(60), encoding="utf-8")
    for result in (compile_file(path), compile_file(path)):  # compiled, then from the cache
        assert result.scenario is not None
        texts = [s for s in strings_in(result.scenario) if s == "Khrushchev nods at you."]
        assert len(texts) == 60  # in every scene
        assert len({id(s) for s in texts}) == 1


def test_a_forged_rebuild_of_something_else_is_refused(cache_dir: Path, tmp_path: Path) -> None:
    """The cache makes a model object with a span through that class's own maker, which
    makes nothing else: no maker takes a class to make, and a name that is not one of the
    model's makers, or a maker given what its class does not hold, is refused."""
    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    compile_file(path)
    for payload in (
        # the old way in, which took a class: _rebuilt(set, 'f', 1, 1, 'x')
        b"cpresidium.model\n_rebuilt\n(cbuiltins\nset\nS'f'\nI1\nI1\nS'x'\ntR.",
        b"cpresidium.cache\n_made_Diagnostic\n(S'f'\nI1\nI1\nS'x'\ntR.",  # no such maker
        b"cpresidium.cache\n_made_TextPart\n(S'f'\nI1\nI1\nS'x'\ntR.",  # too little
        b"cpresidium.cache\n_made_TextPart\n(S'f'\nS'1'\nI1\nS'x'\nNI00\ntR.",  # a text line
    ):
        entry_for(path).write_bytes(payload)
        assert cache.load(path.read_bytes(), str(path)) is None
        assert compile_file(path).scenario is not None


def test_a_maker_makes_what_the_constructor_makes() -> None:
    """Every model object with a span, loaded from the cache through its maker, is equal
    to the object the compiler made, field for field, and of the same class."""
    from presidium.cache import maker
    from presidium.model import MAKER

    result = compile_file(SCENARIO_1957)
    scenario = result.scenario
    assert scenario is not None
    phase = next(p for p in scenario.phases.values() if p.choices and p.text)
    for made in (phase, phase.choices[0], phase.text[0]):
        function, arguments = made.__reduce__()
        assert function is maker(MAKER + type(made).__name__)
        again = function(*arguments)
        assert type(again) is type(made) and again == made
        assert [getattr(again, f.name) for f in dataclasses.fields(made)] == [
            getattr(made, f.name) for f in dataclasses.fields(made)
        ]


def test_presidium_as_the_program_stops_the_collector_rescanning_a_loaded_scenario(
    cache_dir: Path, tmp_path: Path
) -> None:
    """A loaded scenario lives as long as the program: the collector is told to leave it
    (``gc.freeze``) when presidium is the program, and only then."""
    import gc
    import subprocess
    import sys

    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    code = (
        "import gc, sys\n"
        "from presidium import launch\n"
        "sys.argv = ['presidium', 'validate', sys.argv[1]]\n"
        "code = launch.main()\n"
        "print(code, gc.get_freeze_count() > 0)\n"
    )
    for _ in range(2):  # compiled, then from the cache
        child = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PRESIDIUM_CACHE_DIR": str(cache_dir)},
            check=False,
        )
        assert child.stdout.split()[-2:] == ["0", "True"], child.stderr
    before = gc.get_freeze_count()
    compile_file(path)  # presidium as a library: the collector is left alone
    assert gc.get_freeze_count() == before


WATCH_THE_COLLECTOR = """
import gc, sys
from presidium import cache, launch
from presidium.tools import check

kept = []  # what must never be scanned again once made: the scenario read, the explorations
scanned = []  # for each pass of the collector, whether it would have scanned any of them

def watch(phase, info):
    if phase == "start" and kept:
        ids = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
        scanned.append(any(id(o) in ids for o in kept))

read, explore = cache._read, check.explore

def reading(handle):
    value = read(handle)
    kept.append(value[0])
    return value

def exploring(*args):
    value = explore(*args)
    kept.append(value)
    return value

cache._read, check.explore = reading, exploring
gc.callbacks.append(watch)
sys.argv = ["presidium", "check", sys.argv[1]]
code = launch.main()
gc.callbacks.remove(watch)
print(code, len(kept), len(scanned), any(scanned))
"""


def test_presidium_as_the_program_never_rescans_a_cached_scenario_or_what_check_explored(
    cache_dir: Path,
) -> None:
    """From the cache, ``check`` reads the scenario and explores it with the collector paused,
    and settles each (``gc.freeze``) before it runs again: no pass of the collector scans them
    (on syn-8000 such passes were a third of the check, and grew faster than the story)."""
    import subprocess
    import sys

    compile_file(SCENARIO_1957)  # the entry exists
    child = subprocess.run(
        [sys.executable, "-c", WATCH_THE_COLLECTOR, str(SCENARIO_1957)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PRESIDIUM_CACHE_DIR": str(cache_dir)},
        check=False,
    )
    code, kept, passes, rescanned = child.stdout.split()[-4:]
    assert code in ("0", "1"), child.stderr
    assert int(kept) == 1 + 2  # the scenario, and the exploration of each side
    assert int(passes) > 0  # the collector did run afterwards, and
    assert rescanned == "False"  # never over what was kept


def test_a_large_scenario_is_written_in_parts_and_reads_back_whole(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large scenario's phases go into the entry in parts (so that loading it never holds
    every constructor's arguments at once); it loads and plays exactly as compiled."""
    monkeypatch.setattr(cache, "PHASES_PER_PART", 3)
    first = compile_file(SCENARIO_1957)
    assert first.scenario is not None and len(first.scenario.phases) > 6
    entry = entry_for(Path(str(SCENARIO_1957)))
    with entry.open("rb") as handle:
        parts = [cache._Unpickler(handle).load() for _ in range(3)]
    assert all(type(part) is tuple and len(part) == 3 for part in parts)
    second = cache.load(Path(SCENARIO_1957).read_bytes(), str(SCENARIO_1957))
    assert second is not None
    assert list(second[0].phases) == list(first.scenario.phases)
    assert play(second[0]) == play(first.scenario)


def test_an_entry_in_parts_that_does_not_add_up_is_refused(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "PHASES_PER_PART", 1)
    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    compiled = compile_file(path)
    scenario = compiled.scenario
    assert scenario is not None and len(scenario.phases) >= 2
    phases = tuple(scenario.phases.values())
    whole = (scenario, compiled.diagnostics)
    emptied = (dataclasses.replace(scenario, phases={}), compiled.diagnostics)
    cases = {
        "phases in parts and in the scenario": [phases[:1], whole],
        "a phase twice": [phases, phases[:1], emptied],
        "something after the end": [phases, emptied, phases],
        "a part that is no phase": [(scenario.endings,), emptied],
        "no end": [phases],
    }
    for case, pickles in cases.items():
        entry_for(path).write_bytes(
            b"".join(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in pickles)
        )
        assert cache.load(path.read_bytes(), str(path)) is None, case
    entry_for(path).write_bytes(
        b"".join(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in [phases, emptied])
    )
    assert cache.load(path.read_bytes(), str(path)) is not None  # the same, added up right


def test_a_cached_compilation_quotes_the_file_as_it_is_and_holds_no_copy(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario with warnings comes from the cache too (a warning's severity, a ``Literal``,
    once failed the entry's check); its warning still quotes its line, read from the file when
    asked; a file changed since is not quoted (the message keeps its line and column)."""
    import gc
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import syn

    path = tmp_path / "syn-30.yaml"
    text = syn.build(30).replace('"loyalty > 60"', '"loyalty > 200000"', 1)  # never true
    path.write_text(text, encoding="utf-8")
    fresh = compile_file(path)
    assert fresh.warnings and fresh.scenario is not None
    monkeypatch.setattr(compiler, "compile_document", None)  # from here on, only the cache
    cached = compile_file(path)
    assert len(list(cache_dir.glob("*.pickle"))) == 1
    warning = cached.warnings[0]
    held = gc.get_referents(cached.files)
    held += [value for item in held if isinstance(item, dict) for value in item.values()]
    assert not any(isinstance(item, bytes) and len(item) > 100 for item in held)
    lines = cached.files[str(path)]
    assert lines == path.read_text(encoding="utf-8").splitlines()
    assert warning.format(lines) == warning.format(fresh.files[str(path)])
    assert lines[warning.span.line - 1].strip() in warning.format(lines)
    again = compile_file(path)
    path.write_text(text.replace("Scene 0.", "Scene 0!"), encoding="utf-8")
    assert again.files[str(path)] == []
    assert again.warnings[0].format(again.files[str(path)]) == again.warnings[0].format()


@pytest.mark.parametrize("chunk", [1, 7, 16 * 1024])
def test_the_lines_a_check_quotes_are_read_as_the_whole_file_splits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """``print_diagnostics`` reads only the lines it quotes of a file loaded from the cache:
    each is what ``splitlines()`` of the decoded file gives, in a list of the same length,
    whatever the bytes (other line breaks, a BOM, broken UTF-8 at a line's end); a file that
    changed since quotes nothing."""
    import random

    from presidium import files

    monkeypatch.setattr(files, "_CHUNK", chunk)
    pieces = [b"a", b"\n", b"\n", b"\n", b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98", b"\xc2"]
    pieces += [
        b"\x80",
        b"\xff",
        b" ",
        b"\r",
        b"\x0c",
        b"\xc2\x85",
        b"\xe2\x80\xa8",
        b"\xef\xbb\xbf",
    ]
    rng = random.Random(13)
    path = tmp_path / "f.yaml"
    quick = 0
    for round in range(3000):
        alphabet = pieces[: 11 if round % 2 else len(pieces)]  # half with "\n" breaks only
        data = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
        path.write_bytes(data)
        whole = data.decode("utf-8-sig", errors="replace").splitlines()
        lines = files._CachedLines("f", path, data)
        wanted = set(rng.sample(range(-1, len(whole) + 3), min(len(whole) + 4, 5)))
        some = lines.some(wanted)
        quick += lines._lines is None
        assert len(some) == len(whole), data
        assert all(some[n - 1] == whole[n - 1] for n in wanted if 1 <= n <= len(whole)), data
    assert quick > 300  # many rounds read just the lines wanted
    path.write_bytes(b"a\nb\n")
    assert files._CachedLines("f", path, b"a\nc\n").some({1, 2}) == []
    assert files.quoted_lines({"g": ["x"]}, "g", {1}) == ["x"]


def test_a_wrong_value_at_any_depth_of_an_entry_is_refused() -> None:
    """The entry's check looks at every field of every object, however deep, and at every
    item of a tuple: a value of the wrong type anywhere makes the entry a miss."""
    result = compile_file(SCENARIO_1957)
    scenario = result.scenario
    assert scenario is not None and cache.well_formed((scenario, result.warnings))
    phase = next(p for p in scenario.phases.values() if p.choices and p.choices[0].outcome)
    choice = phase.choices[0]
    outcome = choice.outcome
    assert outcome is not None and outcome.text

    def with_phase(new: object) -> tuple[object, object]:
        return dataclasses.replace(scenario, phases={**scenario.phases, phase.id: new}), []

    def with_outcome(**changes: object) -> tuple[object, object]:
        broken = dataclasses.replace(outcome, **changes)
        choices = (dataclasses.replace(choice, outcome=broken), *phase.choices[1:])
        return with_phase(dataclasses.replace(phase, choices=choices))

    first = outcome.text[0]
    for forged in (
        with_phase(choice),  # a choice where a phase belongs
        with_phase(dataclasses.replace(phase, sources=(*phase.sources, 7))),  # a number
        with_phase(dataclasses.replace(phase, choices=(*phase.choices, phase))),
        with_outcome(text=(dataclasses.replace(first, text=5), *outcome.text[1:])),  # deep
        with_outcome(text=[*outcome.text]),  # a list where a tuple belongs
        with_outcome(effects=(*outcome.effects, "a = 1")),  # text where an effect belongs
        with_outcome(next=(*outcome.next, outcome)),
    ):
        assert not cache.well_formed(forged)
    assert cache.well_formed(with_outcome())  # the same, rebuilt unchanged, is still fine


def test_the_cache_checks_read_each_model_annotation_as_typing_does() -> None:
    """The tests of a cache entry are made from each class's annotations, evaluated once per
    distinct text: for every class an entry may hold, the same as ``typing.get_type_hints``."""
    import typing

    from presidium import conditions, diagnostics, model

    classes = [
        value
        for module in (model, conditions, diagnostics)
        for value in vars(module).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    ]
    assert len(classes) > 20
    for cls in classes:
        assert cache._hints(cls) == typing.get_type_hints(cls), cls.__name__


def test_a_span_of_the_wrong_kind_anywhere_in_an_entry_is_refused(
    cache_dir: Path, tmp_path: Path
) -> None:
    """The walk over an entry checks only each span's type: the two ways an entry can make
    a span (a model object's, a diagnostic's) check its file, line and column as they make
    it, and a span cannot change after. A span forged with a line of text is refused."""
    from presidium.diagnostics import Diagnostic, SourceSpan

    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    result = compile_file(path)
    scenario = result.scenario
    assert scenario is not None
    phase = next(iter(scenario.phases.values()))
    bad = SourceSpan(phase.span.file, str(phase.span.line), phase.span.col)  # type: ignore[arg-type]
    forged_phase = dataclasses.replace(phase, span=bad)
    forged_warning = Diagnostic("warning", "a forged warning", bad)
    good_warning = Diagnostic("warning", "a warning", phase.span)
    entry = entry_for(path)
    for value, refused in (
        ((scenario, [good_warning]), False),
        (
            (dataclasses.replace(scenario, phases={**scenario.phases, phase.id: forged_phase}), []),
            True,
        ),
        ((scenario, [forged_warning]), True),
    ):
        with entry.open("wb") as out:
            cache._write(value, out)
        loaded = cache.load_entry(entry)
        assert (loaded is None) == refused


def test_a_link_to_nothing_anywhere_in_an_entry_is_refused() -> None:
    """Every id an entry's game follows must name something of the scenario, and every id
    must be one the compiler accepts: a forged target, citation, seat or id is refused."""
    result = compile_file(SCENARIO_1957)
    scenario = result.scenario
    assert scenario is not None and cache.well_formed((scenario, []))
    phase = next(p for p in scenario.phases.values() if p.choices and p.choices[0].outcome)
    choice = phase.choices[0]
    outcome = choice.outcome
    assert outcome is not None and outcome.next

    def with_phase(new: object) -> tuple[object, object]:
        return dataclasses.replace(scenario, phases={**scenario.phases, phase.id: new}), []

    def with_choice(**changes: object) -> tuple[object, object]:
        choices = (dataclasses.replace(choice, **changes), *phase.choices[1:])
        return with_phase(dataclasses.replace(phase, choices=choices))

    branch = dataclasses.replace(outcome.next[0], target="nowhere")
    for forged in (
        with_choice(outcome=dataclasses.replace(outcome, next=(branch,))),  # no such phase
        with_choice(id="Not_an_id"),
        with_choice(id="two\nlines"),
        with_choice(id=""),
        with_phase(dataclasses.replace(phase, sources=(*phase.sources, "no_such_source"))),
        with_phase(dataclasses.replace(phase, by="nobody")),
        with_phase(dataclasses.replace(phase, history="no_such_choice")),
    ):
        assert not cache.well_formed(forged)
    assert cache.well_formed(with_choice())  # the same, rebuilt unchanged, is still fine
