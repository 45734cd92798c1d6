"""Scenario format 2: the classroom keys compile into the model, and every mistake in them is
reported where it stands, with a did-you-mean, as the rest of the format is."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import compile_yaml, errors
from presidium.compiler import load_scenario
from presidium.model import Scenario

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "classroom.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def classroom() -> Scenario:
    scenario, warnings = load_scenario(FIXTURE, "classroom.yaml")
    assert warnings == []
    return scenario


def changed(old: str, new: str) -> str:
    """The fixture with one change."""
    assert old in TEXT, old
    return TEXT.replace(old, new, 1)


def at(text: str, line_of: str) -> int:
    """The line number of the first line of ``text`` that contains ``line_of``."""
    for number, line in enumerate(text.splitlines(), 1):
        if line_of in line:
            return number
    raise AssertionError(line_of)


# ---------------------------------------------------------------------------- the model


def test_the_fixture_compiles_to_format_2(classroom: Scenario) -> None:
    assert classroom.format == 2
    room = classroom.classroom
    assert room is not None
    assert (room.students_min, room.students_max, room.minutes) == (3, 8, 30)
    assert room.stance_line == ("majority", "wavering", "khrushchev")
    assert [(a.phase, a.minutes, a.label) for a in room.agenda] == [
        ("the_door", 10, "Act I: the door"),
        ("the_count", 15, "Act II: the count"),
    ]


def test_roles_are_in_priority_order_with_their_names_and_sides(classroom: Scenario) -> None:
    roles = classroom.roles
    assert list(roles) == ["khrushchev", "molotov", "bulganin", "mikoyan", "malenkov", "cc_member"]
    assert roles["khrushchev"].name == "Nikita Khrushchev"  # the actor's name
    assert roles["cc_member"].name == "Member of the Central Committee"  # its own
    assert roles["cc_member"].actor is None and roles["cc_member"].copies == 3
    assert roles["bulganin"].side is None  # side: none
    assert roles["mikoyan"].side == "khrushchev"
    assert roles["khrushchev"].must and not roles["bulganin"].must
    assert roles["khrushchev"].can == ("declare", "argue", "note")
    assert roles["khrushchev"].reflect == (
        "Why did the members at the door matter, if they had no vote in the Presidium?",
    )
    assert not roles["khrushchev"].hidden


def test_objectives_knowledge_and_moves(classroom: Scenario) -> None:
    khrushchev, molotov = classroom.roles["khrushchev"], classroom.roles["molotov"]
    main, personal = khrushchev.objectives
    assert (main.id, main.kind, personal.kind) == ("open_the_door", "main", "personal")
    assert main.achieved and main.failed and personal.achieved is None
    assert molotov.objectives[0].kind == "main"  # the default
    assert main.when.evaluate({"ending": "plenum_called"}) is True
    assert molotov.objectives[1].when.evaluate({"me.ballot.let_them_in": "abstain"}) is True
    known = khrushchev.knows[0]
    assert (known.sources, known.confidence, known.at) == (("furtseva_bio",), "attributed", None)
    envelope = classroom.roles["bulganin"].knows[0]
    assert (envelope.at, envelope.counterfactual, envelope.sources) == ("the_count", True, ())
    rally = khrushchev.move("rally_the_corridor")
    assert rally is not None
    assert (rally.limit, rally.window, rally.public, rally.target) == (
        1,
        ("the_door", "the_appeal"),
        True,
        False,
    )
    assert rally.outcome is not None and rally.outcome.next == () and rally.chance is None
    assert [e.source for e in rally.outcome.effects] == ["members_at_door += 10"]
    sound = classroom.roles["bulganin"].move("sound_out_the_hall")
    assert sound is not None and sound.chance is not None and sound.outcome is None
    assert sound.chance.success.next == () and sound.chance.percent.evaluate({}) == 50
    win = classroom.roles["mikoyan"].move("win_over")
    assert win is not None and win.target and win.limit == 2 and win.window == ()
    refuse = classroom.roles["cc_member"].move("refuse_to_leave")
    assert refuse is not None and refuse.sources == ("furtseva_bio",) and not refuse.counterfactual


def test_votes_blocs_phases_actors_and_injections(classroom: Scenario) -> None:
    vote = classroom.votes["let_them_in"]
    assert (vote.ballot, vote.missing, vote.minutes) == ("secret", "script", 3)
    assert vote.blocs[0].id == "corridor"
    assert vote.delegates is not None
    assert (vote.delegates.role, vote.delegates.bloc, vote.delegates.share) == (
        "cc_member",
        "corridor",
        60,
    )
    assert vote.delegates.size.evaluate({"members_at_door": 90}) == 9
    straw = classroom.votes["straw_poll"]
    assert (straw.ballot, straw.missing, straw.minutes, straw.delegates) == (
        "simultaneous",
        "abstain",
        None,
        None,
    )
    door = classroom.phases["the_door"]
    assert door.floor is not None and (door.floor.minutes, door.floor.speakers) == (3, True)
    assert door.consult == "side"
    appeal = classroom.phases["the_appeal"]
    assert appeal.floor is not None and not appeal.floor.speakers and appeal.consult is None
    assert classroom.phases["the_count"].floor is None
    assert classroom.actors["bulganin"].persuadable and not classroom.actors["molotov"].persuadable
    konev, poll = classroom.injections["konev_speaks"], classroom.injections["corridor_poll"]
    assert (konev.sources, konev.counterfactual, konev.window, konev.vote) == (
        ("medvedev",),
        False,
        ("the_appeal", "the_count"),
        None,
    )
    assert [e.source for e in konev.effects] == ["hall_lean += 5"]
    assert poll.counterfactual and poll.vote == "straw_poll" and poll.when is not None
    assert poll.text[0].text.startswith("Would the waverers")


def test_a_format_1_file_has_no_classroom(june_1957: Scenario) -> None:
    assert june_1957.format == 1
    assert june_1957.classroom is None and june_1957.roles == {} and june_1957.injections == {}
    assert all(v.ballot == "open" and v.delegates is None for v in june_1957.votes.values())


def test_errors_helper_reads_the_fixture() -> None:
    scenario, found = compile_yaml(TEXT)
    assert scenario is not None and found == []
    assert errors(TEXT) == []
