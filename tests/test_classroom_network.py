"""The teacher's console when the class plays on phones (``class serve``): the teacher's page
and the terminal answer a line the same way (teacher report, items 5 and 16)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from presidium import catalog, seating
from presidium.classroom.session import Session
from presidium.web.classroom import Classroom, Rejected

SEED = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def june_class() -> Classroom:
    scenario = catalog.open_scenario("june_1957").scenario
    return Classroom(Session.new(scenario, seating.cast(scenario, 5), SEED), timers=False)


@pytest.mark.parametrize(
    ("line", "first"),
    [
        ("help inject", "inject ID - one of the scenario's events for the teacher."),
        ("help close", "close [REQUEST] - close the ballot, floor or decision now"),
        ("help set", "set VAR VALUE -- REASON - a ruling: set a value, and say why."),
    ],
)
def test_help_word_on_the_teachers_page_says_that_word_only(line: str, first: str) -> None:
    said = june_class().teacher_line(line)
    assert said[0].startswith(first)
    assert not any(s.startswith(("status:", "roster:")) for s in said)  # not the whole list


def test_help_inject_says_what_can_be_injected_now_as_the_terminal_does() -> None:
    assert june_class().teacher_line("help inject")[1:] == ["(No event can be injected now.)"]


def test_the_script_button_is_answered_in_words() -> None:
    """The page's Script button sends 'script ROLE': the answer says what happened, not
    the event's type ('seat')."""
    classroom = june_class()
    said = classroom.teacher_line("script zhukov")
    assert "Marshal Georgy Zhukov: the script plays it from now on." in said
    assert "seat" not in said
    said = classroom.teacher_line("seat zhukov")
    assert said == ["Marshal Georgy Zhukov: a student plays it again."]


@pytest.mark.parametrize("line", ["secret bulganin", "secret", "note molotov", "wait 2m"])
def test_keyboard_words_are_not_used_on_the_network_whatever_is_open(line: str) -> None:
    """'secret bulganin' with no ballot open said 'No ballot is open.', as if it could be
    used once one opens; it never can on the network, as 'wait' already said."""
    with pytest.raises(Rejected, match=f"'{line.split()[0]}' is not used on the network"):
        june_class().teacher_line(line)
    with pytest.raises(Rejected, match="is not used on the network"):
        june_class().teacher_line(f"help {line.split()[0]}")


def test_the_pages_help_does_not_send_advice_to_secret() -> None:
    said = june_class().teacher_line("help")
    (as_line,) = [s for s in said if s.startswith("as ROLE")]
    assert "secret" not in as_line.replace("never a secret one", "")
    assert not any(s.startswith("secret ") for s in said)
    assert june_class().teacher_line("help as")[0].startswith("as ROLE CHOICE [VOTE] - ")
    assert "'secret ROLE'" not in june_class().teacher_line("help as")[0]


def test_the_terminal_answers_as_the_teachers_page_does(tmp_path: Path) -> None:
    """The same lines at ``class serve``'s keyboard: the same answers as on the page."""
    lines = ["help inject", "help close", "secret bulganin", "help secret"]
    env = dict(os.environ, PRESIDIUM_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "presidium", "class", "serve", "june_1957"]
    command += ["--students", "5", "--seed", str(SEED), "--port", str(free_port()), "--plain"]
    done = subprocess.run(
        command,
        input="\n".join([*lines, "quit"]) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shown = " ".join(done.stdout.split())
    classroom = june_class()
    for line in lines:
        try:
            said = classroom.teacher_line(line)
        except Rejected as exc:
            said = [exc.reason]
        for text in said:
            assert " ".join(text.split()) in shown, (line, text)
