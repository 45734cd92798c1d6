"""The command line as a user meets it: golden transcripts, exit codes, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOLDEN, docs_example, matches_golden
from conftest import run_cli as run

TRANSCRIPTS = {
    "khrushchev_history_seed1": (
        ["play", "--side", "khrushchev", "--autoplay", "history", "--seed", "1"],
        "",
    ),
    "molotov_history_seed1": (
        ["play", "--side", "molotov", "--autoplay", "history", "--seed", "1"],
        "",
    ),
    "khrushchev_random_seed5": (
        ["play", "--side", "khrushchev", "--autoplay", "random", "--seed", "5"],
        "",
    ),
    "molotov_random_seed11": (
        ["play", "--side", "molotov", "--autoplay", "random", "--seed", "11"],
        "",
    ),
    # A person piping answers: side by number, a bad answer, commands, choices by number and id.
    "piped_session_seed3": (
        ["play", "--seed", "3"],
        "2\nmaybe\nhelp\nmove_against_serov\nnotes\nstatus\n4\n" + "1\n" * 13,
    ),
}


@pytest.mark.parametrize("name", sorted(TRANSCRIPTS))
def test_golden_transcript(name: str) -> None:
    args, stdin = TRANSCRIPTS[name]
    code, out, err = run([*args, "--plain", "--width", "80"], stdin)
    assert (code, err) == (0, "")
    assert "\x1b" not in out
    path = GOLDEN / f"{name}.txt"
    matches_golden(out, path, "transcript")


def test_the_ending_line_is_printed() -> None:
    _, out, _ = run(
        ["play", "--side", "khrushchev", "--autoplay", "history", "--seed", "1", "--plain"]
    )
    assert "\nEnding: anti_party_group — The Anti-Party Group\n" in out
    assert "\nDebrief\n" in out


def test_bare_presidium_is_play() -> None:
    code, out, _ = run(["--side", "molotov", "--autoplay", "history", "--seed", "2"])
    assert code == 0 and "Ending: " in out


def test_json_lines() -> None:
    import json

    code, out, _ = run(
        ["play", "--json", "--side", "molotov", "--autoplay", "random", "--seed", "8"]
    )
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert events[0]["type"] == "scenario" and events[-1]["type"] == "ended"
    assert {e["type"] for e in events} >= {"phase", "status", "vote", "choice", "decision"} - {
        "decision"
    }


def test_json_reads_answers_and_reports_bad_ones() -> None:
    import json

    code, out, err = run(["play", "--json", "--side", "khrushchev", "--seed", "2"], "nonsense\n1\n")
    events = [json.loads(line) for line in out.splitlines()]
    assert {"type": "error", "message": "not a choice here: 'nonsense'"} in events
    assert code == 1 and "input ended before the game did" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["play", "--side", "stalin"],
            "no side 'stalin' in june_1957; choose khrushchev or molotov",
        ),
        (["play", "nosuch"], "no scenario 'nosuch'"),
        (["play", "missing.yaml"], "no scenario file 'missing.yaml'"),
        (["play", "--seed", "x"], "--seed takes a whole number"),
        (["play", "--autoplay", "lucky"], "invalid choice: 'lucky'"),
        (["play", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(args: list[str], message: str) -> None:
    code, _, err = run(args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(["play", str(tmp_path) + "/"])
    assert code == 2 and "is a directory" in err


def test_a_broken_scenario_file_lists_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(
        docs_example()
        .replace("    by: molotov", "    by: bulganin")
        .replace("initial: 60", "initial: 600")
    )
    code, _, err = run(["play", str(path), "--autoplay", "history"])
    assert code == 1
    assert (
        f"{path}:" in err
        and "unknown side or actor 'bulganin'" in err
        and "initial value 600" in err
    )
    assert "2 errors in scenario" in err and "Traceback" not in err


def test_a_local_scenario_plays(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(docs_example())
    code, out, _ = run(
        ["play", str(path), "--side", "molotov", "--autoplay", "history", "--seed", "1"]
    )
    assert code == 0 and "Ending: plenum_called — The plenum is called" in out


def test_input_ending_early_is_exit_1() -> None:
    code, _, err = run(["play", "--seed", "1"], "1\n")
    assert code == 1 and err.strip() == "presidium: input ended before the game did"


def test_quit_leaves_cleanly() -> None:
    code, out, _ = run(["play", "--seed", "1", "--side", "khrushchev"], "quit\n")
    assert code == 0 and out.rstrip().endswith("Goodbye.")


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium.ui import play

    def interrupted(self: object, prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(play.LineReader, "read", interrupted)
    code, _, err = run(["play", "--side", "khrushchev", "--seed", "1"])
    assert code == 130 and err == "\nInterrupted: leaving presidium.\n"


def test_a_random_seed_is_shown_so_the_game_can_be_replayed() -> None:
    _, out, _ = run(["play", "--side", "khrushchev", "--autoplay", "history"])
    assert out.startswith("(seed ") and "replay this game with --seed" in out.splitlines()[0]


def test_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "door.yaml").write_text(docs_example())
    (tmp_path / "broken.yaml").write_text("format: 1\nid: broken\n")
    (tmp_path / "other.yaml").write_text("not: a scenario\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["list"])
    assert code == 0
    assert "june_1957: The Anti-Party Group: Moscow, June 1957 [bundled]" in out
    assert "  sides: khrushchev, molotov" in out
    assert "door.yaml: At the Door of the Sverdlov Hall [id sverdlov_door]" in out
    assert "broken.yaml: has problems" in out
    assert "other" not in out


def test_bundled_scenario_plays_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        ["play", "june_1957", "--side", "molotov", "--autoplay", "history", "--seed", "4"]
    )
    assert code == 0 and "Ending: " in out


def test_scenario_text_is_never_markup(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(
        docs_example().replace(
            "Nobody believes the promise.", "[bold red]Nobody[/] believes [link=x]you[/link]."
        )
    )
    code, out, _ = run(
        ["play", str(path), "--side", "khrushchev", "--autoplay", "history", "--seed", "1"]
    )
    assert code == 0
    text = docs_example().replace("    by: molotov", "    by: khrushchev")
    path.write_text(text.replace("Refuse to receive them", "Refuse [/bold] them"))
    code, out, _ = run(
        ["play", str(path), "--side", "khrushchev", "--autoplay", "history", "--seed", "1"]
    )
    assert code == 0 and "Refuse [/bold] them" in out


def test_python_dash_m_and_version() -> None:
    run_ = subprocess.run(
        [sys.executable, "-m", "presidium", "--version"], capture_output=True, text=True, check=True
    )
    from presidium import __version__

    assert run_.stdout.strip() == f"presidium {__version__}"


def test_version_imports_nothing_heavy() -> None:
    code = "import sys; from presidium.cli import main; print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'yaml', 'transitions')))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_version_is_said_without_loading_the_command_line() -> None:
    """``presidium --version`` (the script's entry and ``python -m``) answers at once: no
    argument parser, no game, not even ``typing``, so it costs little more than Python's own
    start. The answer is the one the parser gives, and a failed write is reported as ever."""
    code = (
        "import sys; sys.argv = ['presidium', '--version']\n"
        "from presidium.launch import main\n"
        "code = main()\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('argparse', 'typing', 'rich', 'yaml', 'transitions') or m == 'presidium.cli')\n"
        "print(code, loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    from presidium import __version__

    assert out.splitlines() == [f"presidium {__version__}", "0 []"]
    parsed = run(["--version"])
    assert parsed[0] == 0 and parsed[1].strip() == f"presidium {__version__}"
    failed = subprocess.run(
        [sys.executable, "-m", "presidium", "--version"],
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        preexec_fn=lambda: os.close(1),  # standard output closed
    )
    assert failed.returncode == 1 and "cannot write to standard output" in failed.stderr


def test_notes_at_the_prompt_include_the_scenes_passed_without_a_decision() -> None:
    args = ["play", "--side", "khrushchev", "--seed", "1", "--plain", "--width", "80"]
    code, out, _ = run(args, "1\n1\nnotes\nundo\n1\nnotes\nquit\n")
    assert code == 0
    after_prompt = out.split("> notes")
    assert len(after_prompt) == 3
    for shown in after_prompt[1:]:  # the same after undo and the same choice again
        text = " ".join(shown.split())
        assert text.index("History notes: Seven against four") < text.index(
            "History notes: A phone call to the marshal"
        )
        assert "[contested] The '7-4 vote'" in text


def test_notes_of_passed_scenes_survive_a_save_and_resume() -> None:
    args = ["play", "--side", "khrushchev", "--seed", "424242", "--plain", "--width", "80"]
    assert run(args, "1\n1\nquit\n")[0] == 0
    code, out, _ = run(["play", "--resume", "--plain", "--width", "80"], "notes\nquit\n")
    assert code == 0
    assert "History notes: Seven against four" in out.split("> notes")[1]


def test_the_terminal_debrief_gives_every_scene_s_notes_and_what_grades_mean() -> None:
    args = ["play", "--side", "molotov", "--autoplay", "history", "--seed", "1", "--plain"]
    _, out, _ = run(args)
    debrief = " ".join(out[out.index("\nDebrief\n") :].split())
    assert "The history behind the scenes you played" in debrief
    assert "Seven against four? [contested] The '7-4 vote'" in debrief
    assert "The arrival clock [attributed]" in debrief
    assert "Epilogue: the winners" in debrief
    assert "Source grades: A primary or archival, B reputable secondary, C popular or weak." in (
        debrief
    )


def test_json_phases_say_where_the_player_decides() -> None:
    import json

    _, out, _ = run(
        ["play", "--json", "--side", "khrushchev", "--autoplay", "history", "--seed", "1"]
    )
    events = [json.loads(line) for line in out.splitlines()]
    decision = {e["phase"]: e["decision"] for e in events if e["type"] == "phase"}
    assert decision["ambush"] == "here" and decision["presidium_count"] == "later"
    assert decision["epilogue"] == "none"
    assert [e["aftermath"] for e in events if e["type"] == "status"][-1] is True


def on_a_terminal(env: dict[str, str]) -> str:
    """What a game prints to a real terminal (a pseudo-terminal), played to its end."""
    import pty

    leader, follower = pty.openpty()
    args = ["play", "--side", "khrushchev", "--autoplay", "history", "--seed", "1", "--width", "80"]
    process = subprocess.Popen(
        [sys.executable, "-m", "presidium", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the game is over
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_only_a_non_empty_no_color_asks_for_plain_output(tmp_path: Path) -> None:
    """no-color.org: NO_COLOR counts when it is set to anything but the empty string."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(PRESIDIUM_DATA_DIR=str(tmp_path), TERM="xterm-256color")
    for value, plain in (("", False), ("1", True)):
        shown = on_a_terminal({**env, "NO_COLOR": value})
        assert ("╭" not in shown) is plain, repr(value)  # panels are drawn unless plain
        assert ("\x1b[" not in shown) is plain, repr(value)  # and coloured


def test_commands_work_from_a_folder_that_has_been_removed(tmp_path: Path) -> None:
    """The current folder can vanish under a shell; asking for it must not end in a traceback."""
    gone = tmp_path / "gone"
    script = (
        "import os, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
        "sys.argv = ['presidium', *sys.argv[2:]]; "
        "from presidium.cli import main; sys.exit(main())"
    )
    for args in (
        ["--version"],
        ["play", "--side", "khrushchev", "--autoplay", "history", "--plain"],
    ):
        gone.mkdir()
        done = subprocess.run(
            [sys.executable, "-c", script, str(gone), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 0, done.stderr
