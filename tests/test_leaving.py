"""Leaving a game however it ends: signals, closed or undecodable input, files named up front.

These run the real program in a child process (``python -m presidium``), as a terminal or a
shell would, and look at the files it leaves behind. Each is bounded to a few seconds.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli as run
from playing import play
from presidium import saves

SIDE, SEED = "khrushchev", 3
GAME = ["play", "--side", SIDE, "--seed", str(SEED), "--plain", "--width", "80"]
LEAVING = [name for name in ("SIGHUP", "SIGTERM", "SIGQUIT", "SIGINT") if hasattr(signal, name)]
posix_only = pytest.mark.skipif(os.name != "posix", reason="signals and FIFOs as POSIX has them")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(folder))
    return folder


def presidium(args: list[str], cwd: Path, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "presidium", *args],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,  # type: ignore[call-overload]
    )


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the game did not get there in time"
        time.sleep(0.02)


def one_decision_then(
    tmp_path: Path, data_dir: Path, send: Callable[[subprocess.Popen[bytes]], None]
) -> tuple[int, str, Path, Path]:
    """Start a game with a transcript and a record, take a decision, then ``send`` signals."""
    transcript, record = tmp_path / "t.txt", tmp_path / "r.json"
    game = presidium([*GAME, "--transcript", str(transcript), "--record", str(record)], tmp_path)
    assert game.stdin is not None
    game.stdin.write(b"1\n")
    game.stdin.flush()
    wait_for(lambda: any((data_dir / "autosave").glob("*.json")))  # the decision is taken
    send(game)
    _, err = game.communicate(timeout=15)
    return game.returncode, err.decode("utf-8", "replace"), transcript, record


@posix_only
@pytest.mark.parametrize("name", LEAVING)
def test_a_signal_that_ends_the_game_still_writes_transcript_and_record(
    tmp_path: Path, data_dir: Path, name: str
) -> None:
    number = getattr(signal, name)
    code, err, transcript, record = one_decision_then(
        tmp_path, data_dir, lambda game: game.send_signal(number)
    )
    assert code == 128 + number and "Traceback" not in err
    assert "The ambush" in transcript.read_text(encoding="utf-8")
    assert saves.read(record).choices == ["only_the_central_committee"]
    (autosave,) = (data_dir / "autosave").glob("*.json")
    assert saves.read(autosave).choices == ["only_the_central_committee"]


@posix_only
@pytest.mark.parametrize("gap", [0.0, 0.002, 0.02])
def test_a_second_ctrl_c_while_leaving_loses_nothing(
    tmp_path: Path, data_dir: Path, gap: float
) -> None:
    def twice(game: subprocess.Popen[bytes]) -> None:
        game.send_signal(signal.SIGINT)
        time.sleep(gap)
        game.send_signal(signal.SIGINT)

    code, err, transcript, record = one_decision_then(tmp_path, data_dir, twice)
    assert code == 130 and "Traceback" not in err
    assert "The ambush" in transcript.read_text(encoding="utf-8")
    assert saves.read(record).choices == ["only_the_central_committee"]


@posix_only
def test_signals_after_the_first_are_ignored_until_the_program_has_left() -> None:
    from presidium.signals import LEAVING_SIGNALS, Stopped, leave_on_signals

    numbers = [getattr(signal, name) for name in LEAVING_SIGNALS if hasattr(signal, name)]
    before = {number: signal.getsignal(number) for number in numbers}
    try:
        with pytest.raises(Stopped) as stopped, leave_on_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs here
        assert stopped.value.signum == signal.SIGTERM
        os.kill(os.getpid(), signal.SIGINT)  # a second Ctrl-C while the files are written
        time.sleep(0.05)  # nothing is raised
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


CLOSED_STDIN = 'exec "$0" -m presidium play --seed 1 --side khrushchev "$@" <&-'


@posix_only
@pytest.mark.parametrize("mode", [[], ["--json"]])
def test_closed_standard_input_is_input_that_ended(tmp_path: Path, mode: list[str]) -> None:
    game = subprocess.run(
        ["sh", "-c", CLOSED_STDIN, sys.executable, *mode],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert game.returncode == 1 and "Traceback" not in game.stderr
    assert "presidium: input ended" in game.stderr


@pytest.mark.parametrize("locale", ["C.UTF-8", "POSIX"])
def test_bytes_that_are_not_utf8_never_crash_or_lose_a_decision(
    tmp_path: Path, data_dir: Path, locale: str
) -> None:
    transcript = tmp_path / "t.txt"
    env = {**os.environ, "LC_ALL": locale, "LANG": locale}
    env.pop("PYTHONUTF8", None)
    env.pop("PYTHONIOENCODING", None)
    game = presidium([*GAME, "--transcript", str(transcript)], tmp_path, env=env)
    planned = play(SIDE, SEED, decisions=2)
    first, second = (line.encode() for line in planned.typed.splitlines())
    typed = first + b"\nd\xe9j\xe0 vu\n" + bytes(range(128, 256)) + b"\n" + second + b"\nquit\n"
    _, err = game.communicate(typed, 30)
    assert game.returncode == 0 and b"Traceback" not in err, err
    (autosave,) = (data_dir / "autosave").glob("*.json")
    assert saves.read(autosave).choices == planned.ids
    transcript.read_text(encoding="utf-8")  # still UTF-8 throughout


# --------------------------------------------------------------------------- files named up front


def test_missing_folders_for_the_output_files_are_made_before_the_game(tmp_path: Path) -> None:
    transcript = tmp_path / "class" / "alice" / "t.txt"
    record = tmp_path / "records" / "r.json"
    code, _, err = run([*GAME, "--transcript", str(transcript), "--record", str(record)], "quit\n")
    assert code == 0, err
    assert transcript.is_file()  # nothing was played, so there is no session to record


@pytest.mark.parametrize("option", ["--transcript", "--debrief", "--record"])
def test_an_output_file_that_cannot_be_written_is_refused_before_the_game(
    tmp_path: Path, data_dir: Path, option: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    suffix = {"--transcript": "t.txt", "--debrief": "d.md", "--record": "r.json"}[option]
    for target, message in [
        (tmp_path / "a-file" / suffix, f"{option} cannot write"),
        (tmp_path, "is a folder"),
    ]:
        if option != "--record" and target == tmp_path:
            target = tmp_path / f"dir.{suffix.split('.')[1]}"
            target.mkdir()
        code, out, err = run([*GAME, option, str(target)], "1\nquit\n")
        assert code == 2 and message in err, err
        assert "The ambush" not in out and not (data_dir / "autosave").exists()


# --------------------------------------------------------------------------- the hint names a command


def test_the_resume_hint_names_the_command_as_it_was_run(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path / "empty")}  # no presidium, no python on the PATH
    game = presidium(GAME, tmp_path, env=env)
    out, _ = game.communicate(b"1\nquit\n", 30)
    said = " ".join(out.decode().split())
    assert f"To go on with it: {sys.executable} -m presidium play --resume" in said


def test_the_hint_is_short_when_the_path_finds_the_same_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presidium.cli import invoked_as

    script = tmp_path / "bin" / "presidium"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "elsewhere"))
    assert invoked_as(str(script)) == "bin/presidium"
    assert invoked_as("bin/presidium") == "bin/presidium"
    monkeypatch.setenv("PATH", str(script.parent))
    assert invoked_as(str(script)) == "presidium"
    link = tmp_path / "elsewhere" / "presidium"  # as a venv's python links to the system's
    link.parent.mkdir()
    link.symlink_to(script)
    monkeypatch.setenv("PATH", str(link.parent))
    assert invoked_as(str(script)) == "bin/presidium"


def test_no_folder_is_made_for_a_game_that_never_starts(tmp_path: Path) -> None:
    code, _, err = run([*GAME[:1], "--side", "nobody", "--transcript", str(tmp_path / "new/t.txt")])
    assert code == 2 and "no side 'nobody'" in err and not (tmp_path / "new").exists()


def test_two_output_options_naming_one_file_are_refused(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "real.md").write_text("")
    (tmp_path / "link.md").symlink_to(tmp_path / "real.md")
    for (one, first), (other, second) in [
        (("--transcript", "x.txt"), ("--record", "x.txt")),
        (("--transcript", "same.md"), ("--debrief", "same.md")),
        (("--debrief", "real.md"), ("--transcript", "link.md")),
    ]:
        args = [*GAME, one, str(tmp_path / first), other, str(tmp_path / second)]
        code, out, err = run(args, "1\nquit\n")
        assert code == 2 and "are the same file" in err, err
        assert f"{one} '{tmp_path / first}'" in err and f"{other} '{tmp_path / second}'" in err
        assert "The ambush" not in out and not (data_dir / "autosave").exists()


# --------------------------------------------------------------------------- standard output


def test_a_typed_line_of_megabytes_is_echoed_short_and_quickly(tmp_path: Path) -> None:
    transcript, record = tmp_path / "t.txt", tmp_path / "r.json"
    line = "x" * (4 * 1024 * 1024)
    started = time.monotonic()
    files = ["--transcript", str(transcript), "--record", str(record)]
    game = subprocess.run(
        [sys.executable, "-m", "presidium", *GAME, *files],
        input=f"1\n{line}\n1\nquit\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert game.returncode == 0, game.stderr
    assert time.monotonic() - started < 15  # it took 25 s or more when the line was laid out whole
    said = ">" + "x" * 200 + "…(4,194,304characters)"  # as laid out, less the spaces
    for shown in (game.stdout, transcript.read_text(encoding="utf-8")):
        assert said in "".join(shown.split()) and len(shown) < 100_000
    assert saves.read(record).session.inputs[1] == line  # type: ignore[union-attr]
    assert run(["replay", str(record)])[0] == 0


CLOSED_STDOUT = 'exec "$0" -m presidium "$@" >&-'
FULL_STDOUT = 'exec "$0" -m presidium "$@" >/dev/full'
SMALL = ["validate", str(Path(__file__).resolve().parent.parent / "scenarios" / "june_1957.yaml")]


@posix_only
@pytest.mark.parametrize(
    "shell, reason",
    [(CLOSED_STDOUT, "it is closed"), (FULL_STDOUT, "No space left on device")],
)
@pytest.mark.parametrize(
    "args", [SMALL, ["list"], ["schema"], ["new", "n.yaml"], GAME], ids=lambda a: a[0]
)
def test_an_output_that_cannot_be_written_is_one_line_on_stderr(
    tmp_path: Path, data_dir: Path, shell: str, reason: str, args: list[str]
) -> None:
    if shell == FULL_STDOUT and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    game = subprocess.run(
        ["sh", "-c", shell, sys.executable, *args],
        input="1\nquit\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert game.returncode == 1 and "Traceback" not in game.stderr, game.stderr
    assert game.stderr == f"presidium: cannot write to standard output: {reason}\n"


@posix_only
def test_a_pipe_that_breaks_mid_game_loses_nothing(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transcript, record = tmp_path / "t.txt", tmp_path / "r.json"
    whole = play(SIDE, SEED)  # typed to the end: the input never runs out first
    (tmp_path / "typed.txt").write_text(whole.typed)
    with monkeypatch.context() as apart:  # its autosave is not the one this test looks at
        apart.setenv("PRESIDIUM_DATA_DIR", str(tmp_path / "apart"))
        shown = run(GAME, whole.typed)[1].splitlines()
    echoes = [n for n, line in enumerate(shown, 1) if line.startswith("> ")]
    assert len(echoes) == len(whole.taken) > 2
    stop = echoes[1]  # the reader stops once the second decision is on the screen
    pipeline = f'"$0" -m presidium "$@" <typed.txt 2>err.txt | head -{stop} >/dev/null'
    files = ["--transcript", str(transcript), "--record", str(record)]
    subprocess.run(
        ["sh", "-c", pipeline, sys.executable, *GAME, *files],
        timeout=60,
        check=True,
        cwd=tmp_path,
    )
    assert (tmp_path / "err.txt").read_text() == ""  # the reader chose to stop: nothing to say
    recorded = saves.read(record)
    (autosave,) = (data_dir / "autosave").glob("*.json")
    assert recorded.choices and not recorded.finished  # it broke mid game
    assert saves.read(autosave).choices == recorded.choices
    assert transcript.read_text().startswith("The Anti-Party Group")
    assert run(["replay", str(record)])[0] == 0  # the record holds what its choices show


class FillsUp(io.StringIO):
    """A standard output on a disk that fills up once the game shows the words ``full_at``."""

    def __init__(self, full_at: str) -> None:
        super().__init__()
        self.full_at = full_at

    def write(self, text: str) -> int:
        if self.full_at in self.getvalue() + text:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(text)


def test_an_output_that_fails_mid_game_leaves_the_ordinary_way(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presidium.cli import main

    record, debrief = tmp_path / "r.json", tmp_path / "d.md"
    err = io.StringIO()
    planned = play(SIDE, SEED, decisions=1)
    shown_next = planned.game.scenes_since_decision()[0]  # after the decision's outcome
    next_scene = planned.game.scenario.phases[shown_next].title
    assert f"\n{next_scene}\n" not in run(GAME, "quit\n")[1]  # and not before it
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{planned.typed}quit\n"))
    monkeypatch.setattr(sys, "stdout", FillsUp(f"\n{next_scene}\n"))
    monkeypatch.setattr(sys, "stderr", err)
    code = main([*GAME, "--record", str(record), "--debrief", str(debrief)])
    assert code == 1
    assert err.getvalue() == f"presidium: cannot write to standard output: {os.strerror(28)}\n"
    (autosave,) = (data_dir / "autosave").glob("*.json")
    taken = planned.ids[:1]  # the decision whose outcome could not be shown
    assert saves.read(autosave).choices == taken and saves.read(record).choices == taken
    assert run(["replay", str(record)])[0] == 0


@posix_only
def test_a_closed_standard_error_keeps_the_exit_code(tmp_path: Path) -> None:
    shell = 'exec "$0" -m presidium "$@" 2>&-'
    game = subprocess.run(
        ["sh", "-c", shell, sys.executable, "play", "--side", "nobody"],
        capture_output=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert game.returncode == 2  # a usage error, as when the message can be seen
