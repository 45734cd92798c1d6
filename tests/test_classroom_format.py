"""Scenario format 2: the classroom keys compile into the model, and every mistake in them is
reported where it stands, with a did-you-mean, as the rest of the format is."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DOCS, check_jsonschema, compile_yaml, docs_example, errors
from presidium import compiler
from presidium.compiler import Compilation, compile_file, load_scenario
from presidium.engine import Game
from presidium.events import ObjectiveResult
from presidium.model import BALLOT_KINDS, BUILT_INS, MISSING_RULES, OBJECTIVE_KINDS, Scenario
from presidium.objectives import score
from presidium.seating import cast
from presidium.template import outline
from presidium.tools.schema import build

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
    """The line number of the first line of ``text`` that contains ``line_of``; written
    ``"roles:|  molotov:"``, the first after the first line containing ``roles:``."""
    number = 0
    lines = text.splitlines()
    for part in line_of.split("|"):
        number = next(n for n in range(number + 1, len(lines) + 1) if part in lines[n - 1])
    return number


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
    assert konev.limit is None and poll.limit is None  # no 'limit': as often as the teacher likes
    assert poll.text[0].text.startswith("Would the waverers")


def test_a_format_1_file_has_no_classroom() -> None:
    example, found = compile_yaml(docs_example())
    assert example is not None and found == [] and example.format == 1
    assert example.classroom is None and example.roles == {} and example.injections == {}
    assert all(v.ballot == "open" and v.delegates is None for v in example.votes.values())
    assert all(p.floor is None and p.consult is None for p in example.phases.values())
    assert not any(a.persuadable for a in example.actors.values())


def test_errors_helper_reads_the_fixture() -> None:
    scenario, found = compile_yaml(TEXT)
    assert scenario is not None and found == []
    assert errors(TEXT) == []


# ---------------------------------------------------------------------------- formats


def test_a_classroom_key_in_a_format_1_file_is_refused_at_that_key() -> None:
    text = changed("format: 2", "format: 1")
    found = errors(text)
    assert (
        f"{at(text, 'roles:')}:1: 'roles' needs 'format: 2' at the top of the file "
        in (
            found[-2][
                : len(f"{at(text, 'roles:')}:1: 'roles' needs 'format: 2' at the top of the file ")
            ]
        )
    )
    expected = {
        "classroom:": "'classroom'",
        "injections:": "'injections'",
        "    persuadable: true": "'persuadable'",
        "    ballot: secret": "'ballot'",
        "    missing: script": "'missing'",
        "    minutes: 3": "'minutes'",
        "      - id: corridor": "'id'",
        "    delegates:": "'delegates'",
        "    floor: {minutes: 3": "'floor'",
        "    consult: side": "'consult'",
    }
    for line, key in expected.items():
        col = len(line) - len(line.lstrip()) + (3 if line.lstrip().startswith("- ") else 1)
        assert any(
            e.startswith(f"{at(text, line)}:{col}: {key} needs 'format: 2' at the top")
            for e in found
        ), (line, found)
    assert len(found) == 11  # one for each key, nothing else


def test_a_format_1_file_is_not_offered_classroom_keys() -> None:
    text = changed("format: 2", "format: 1").replace("    persuadable: true\n", "", 2)
    text = text.replace("    priority: 3\n", "    priority: 3\n", 1)
    found = errors(
        text.replace(
            "    rank: full\n    stance: khrushchev\n",
            "    rank: full\n    stnace: khrushchev\n",
            1,
        )
    )
    unknown = [e for e in found if "unknown key 'stnace'" in e]
    assert unknown and "persuadable" not in unknown[0]


def test_a_newer_format_asks_for_an_upgrade() -> None:
    assert errors(changed("format: 2", "format: 3")) == [
        "4:9: format 3 is newer than this presidium reads (1 and 2); upgrade presidium"
    ]


@pytest.mark.parametrize("value", ["0", "'2'", "2.0", "true"])
def test_an_unreadable_format_is_named(value: str) -> None:
    (found,) = errors(changed("format: 2", f"format: {value}"))
    assert found.startswith(("4:9: format ", "4:10: format ")) and found.endswith(
        "is not supported; this presidium reads format 1 or 2"
    )


# ---------------------------------------------------------------------------- checks

CHECKS = [
    # (what, old, new, the line to point at, column, message)
    (
        "misspelt role key",
        "    priority: 3\n",
        "    prioirty: 3\n",
        "    prioirty: 3",
        5,
        "unknown key 'prioirty' in role 'bulganin' (did you mean 'priority'?); expected",
    ),
    (
        "two roles with one priority",
        "    priority: 4\n",
        "    priority: 3\n",
        "roles:|  mikoyan:",
        3,
        "role 'mikoyan' has the same priority (3) as role 'bulganin' (line ",
    ),
    (
        "two roles for one actor",
        "    actor: malenkov\n",
        "    actor: molotov\n",
        "roles:|  malenkov:",
        3,
        "actor 'molotov' is already played by role 'molotov' (line ",
    ),
    (
        "an unknown actor",
        "    actor: bulganin\n",
        "    actor: bulganim\n",
        "    actor: bulganim",
        12,
        "unknown actor 'bulganim' (did you mean 'bulganin'?)",
    ),
    (
        "an unknown side",
        "    side: none\n    priority: 3",
        "    side: nnoe\n    priority: 3",
        "    side: nnoe",
        11,
        "unknown side 'nnoe' (did you mean 'none'?)",
    ),
    (
        "a role with neither actor nor name",
        '    name: "Member of the Central Committee"\n',
        "",
        "  cc_member:",
        3,
        "role 'cc_member' needs an 'actor' to play, or a 'name'",
    ),
    (
        "a name beside an actor",
        "    actor: malenkov\n",
        "    actor: malenkov\n    name: Malenkov\n",
        "    name: Malenkov",
        5,
        "'name' is for a role with no actor; this role is called by its actor's name",
    ),
    (
        "a move with next",
        '        label: "Take a waverer aside"\n',
        '        label: "Take a waverer aside"\n        next: the_count\n',
        "roles:|        next: the_count",
        9,
        "a move has no 'next': it is made during a floor",
    ),
    (
        "a limit of 0",
        "        limit: 2\n",
        "        limit: 0\n",
        "        limit: 0",
        16,
        "'limit' must be a whole number of at least 1, not the number 0",
    ),
    (
        "a window naming no phase",
        "        window: [the_door]\n",
        "        window: [the_dor]\n",
        "        window: [the_dor]",
        18,
        "unknown phase 'the_dor' (did you mean 'the_door'?)",
    ),
    (
        "a move named as a command",
        "      - id: win_over",
        "      - id: undo",
        "      - id: undo",
        13,
        "move id 'undo' is an in-game command; choose another id",
    ),
    (
        "a move that tells history without sources",
        "        sources: [furtseva_bio]\n        text: \"'We",
        "        text: \"'We",
        "      - id: refuse_to_leave",
        9,
        "move 'refuse_to_leave' tells history but cites no sources; add 'sources: [...]' or "
        "mark it 'counterfactual: true'",
    ),
    (
        "a move's effect on an unknown variable",
        'effects: ["hall_lean += 5"]\n        sources',
        'effects: ["hall_lan += 5"]\n        sources',
        '        effects: ["hall_lan += 5"]',
        20,
        "in effect \"hall_lan += 5\": unknown variable 'hall_lan' (did you mean 'hall_lean'?)",
    ),
    (
        "a target that is not persuadable",
        "target: {persuadable: true}",
        "target: {persuadable: false}",
        "        target: {persuadable: false}",
        31,
        "a move's only target is a persuadable actor",
    ),
    (
        "an unknown built-in",
        "    can: [note]",
        "    can: [note, argu]",
        "    can: [note, argu]",
        17,
        "unknown built-in action 'argu' (did you mean 'argue'?)",
    ),
    (
        "a misspelt ballot in an objective",
        "when: \"me.ballot.let_them_in != 'for'\"",
        "when: \"me.ballot.let_them_on != 'for'\"",
        "me.ballot.let_them_on",
        16,
        "unknown variable 'me.ballot.let_them_on' (did you mean 'me.ballot.let_them_in'?)",
    ),
    (
        "a ballot value that is not one",
        "when: \"me.ballot.let_them_in != 'for'\"",
        "when: \"me.ballot.let_them_in != 'yes'\"",
        "me.ballot.let_them_in != 'yes'",
        41,
        "'yes' is not a value of me.ballot.let_them_in; expected 'abstain', 'against', 'for', "
        "'none' or 'secret'",
    ),
    (
        "a role without an actor reading me.stance",
        "when: \"(me.ballot.let_them_in == 'for' and let_them_in.passed)",
        "when: \"(me.stance == 'khrushchev' and let_them_in.passed)",
        "(me.stance == 'khrushchev'",
        17,
        "'me.stance' is the stance of the role's actor, and this role plays no actor",
    ),
    (
        "a role reading a ballot it does not cast",
        "when: \"me.ballot.let_them_in != 'for'\"",
        "when: \"me.ballot.straw_poll != 'for'\"",
        "me.ballot.straw_poll",
        16,
        "this role has no ballot in vote 'straw_poll'",
    ),
    (
        "a ballot read outside an objective",
        '      - when: "let_them_in.passed"',
        "      - when: \"let_them_in.ballot.bulganin == 'for'\"",
        "let_them_in.ballot.bulganin",
        16,
        "'let_them_in.ballot.bulganin' can be read only in a role's objectives",
    ),
    (
        "whether a vote was held, read outside an objective",
        '      - when: "let_them_in.passed"',
        '      - when: "let_them_in.held"',
        "let_them_in.held",
        16,
        "'let_them_in.held' can be read only in a role's objectives",
    ),
    (
        "the ending read outside an objective",
        '      - when: "let_them_in.passed"',
        "      - when: \"ending == 'door_stays_shut'\"",
        "ending == 'door_stays_shut'",
        16,
        "'ending' can be read only in a role's objectives",
    ),
    (
        "knowledge with sources but no confidence",
        "        sources: [furtseva_bio]\n        confidence: attributed\n",
        "        sources: [furtseva_bio]\n",
        "roles:|    knows:|        sources:",
        9,
        "private knowledge needs a 'confidence' ('attributed', 'authenticated', 'contested' or "
        "'doubtful'): how sure the sources are",
    ),
    (
        "knowledge with neither sources nor counterfactual",
        "        counterfactual: true\n    moves:\n      - id: sound",
        "    moves:\n      - id: sound",
        "      - at: the_count",
        9,
        "private knowledge tells history but cites no sources; add 'sources: [...]' and a "
        "'confidence' or mark it 'counterfactual: true'",
    ),
    (
        "an envelope for no phase",
        "      - at: the_count",
        "      - at: the_cont",
        "      - at: the_cont",
        13,
        "unknown phase 'the_cont' (did you mean 'the_count'?)",
    ),
    (
        "an injection without sources",
        '    sources: [medvedev]\n    text: "The army',
        '    text: "The army',
        '    label: "Marshal Konev',
        5,
        "injection 'konev_speaks' tells history but cites no sources",
    ),
    (
        "an injection allowed no times",
        "    window: [the_appeal, the_count]\n",
        "    window: [the_appeal, the_count]\n    limit: 0\n",
        "    limit: 0",
        12,
        "'limit' must be a whole number of at least 1, not the number 0",
    ),
    (
        "an injection opening no vote",
        "    vote: straw_poll",
        "    vote: straw_pol",
        "    vote: straw_pol",
        11,
        "unknown vote 'straw_pol' (did you mean 'straw_poll'?)",
    ),
    (
        "a ballot cast by the rules for somebody who does not vote",
        "    minutes: 3\n",
        "    minutes: 3\n    by_rules: [molotv]\n",
        "    by_rules:",
        16,
        "unknown voter 'molotv' (did you mean 'molotov'?)",
    ),
    (
        "stances that follow a secret ballot",
        "    minutes: 3\n",
        "    minutes: 3\n    stance_after: {against: majority}\n",
        "    stance_after:",
        5,
        "vote 'let_them_in' has a secret ballot: a stance that follows a ballot would give it away",
    ),
    (
        "delegates of an unknown bloc",
        "bloc: corridor, size",
        "bloc: corridr, size",
        "    delegates:",
        40,
        "unknown bloc 'corridr' (did you mean 'corridor'?)",
    ),
    (
        "delegates of an unknown role",
        "{role: cc_member,",
        "{role: cc_membr,",
        "    delegates:",
        23,
        "unknown role 'cc_membr' (did you mean 'cc_member'?)",
    ),
    (
        "a share over 100",
        "share: 60",
        "share: 160",
        "    delegates:",
        87,
        "'share' (per cent) must be a whole number from 1 to 100, not the number 160",
    ),
    (
        "an unknown ballot kind",
        "    ballot: secret",
        "    ballot: secrte",
        "    ballot: secrte",
        13,
        "'ballot' must be 'open', 'secret' or 'simultaneous', not 'secrte' (did you mean 'secret'?)",
    ),
    (
        "an unknown missing rule",
        "    missing: script",
        "    missing: scrip",
        "    missing: scrip",
        14,
        "'missing' must be 'absent', 'abstain' or 'script', not 'scrip' (did you mean 'script'?)",
    ),
    (
        "a misspelt floor key",
        "floor: {minutes: 3, speakers: true}",
        "floor: {minutes: 3, speaker: true}",
        "    floor: {minutes: 3, speaker: true}",
        25,
        "unknown key 'speaker' in 'floor' (did you mean 'speakers'?); expected 'minutes' or "
        "'speakers'",
    ),
    (
        "an unknown consult",
        "    consult: side",
        "    consult: sides",
        "    consult: sides",
        14,
        "'consult' must be 'side', not 'sides' (did you mean 'side'?)",
    ),
    (
        "consult on a phase without choices",
        "    vote: let_them_in\n",
        "    vote: let_them_in\n    consult: side\n",
        "the_count:|    consult: side",
        5,
        "'consult' belongs to a phase with choices; phase 'the_count' has none to advise on",
    ),
    (
        "too few seats for the largest class",
        "students: {min: 3, max: 8}",
        "students: {min: 3, max: 12}",
        "  students:",
        13,
        "the roles offer 8 seats (counting copies), fewer than the largest class (students "
        "max 12); add roles or copies, or lower max",
    ),
    (
        "must roles beyond the smallest class",
        "students: {min: 3, max: 8}",
        "students: {min: 1, max: 8}",
        "  students:",
        13,
        "the roles with 'must: true' take 2 seats, more than the smallest class (students "
        "min 1); they are dealt at every class size",
    ),
    (
        "an agenda act at no phase",
        "{from: the_count,",
        "{from: the_cont,",
        "{from: the_cont",
        14,
        "unknown phase 'the_cont' (did you mean 'the_count'?)",
    ),
    (
        "a stance line with no such stance",
        "stance_line: [majority, wavering, khrushchev]",
        "stance_line: [majority, waverng, khrushchev]",
        "  stance_line:",
        27,
        "unknown stance 'waverng' (did you mean 'wavering'?)",
    ),
    (
        "a misspelt persuadable",
        "    persuadable: true\n  voroshilov",
        "    persuadible: true\n  voroshilov",
        "    persuadible: true",
        5,
        "unknown key 'persuadible' in actor 'bulganin' (did you mean 'persuadable'?)",
    ),
    (
        "a malformed bloc id",
        "      - id: corridor",
        "      - id: Corridor",
        "      - id: Corridor",
        13,
        "a bloc id must be a snake_case id (lower-case letters, digits and '_', starting with "
        "a letter), not 'Corridor' (did you mean 'corridor'?)",
    ),
    (
        "roles without a classroom",
        'classroom:\n  students: {min: 3, max: 8}\n  minutes: 30\n  stance_line: [majority, wavering, khrushchev]\n  agenda:\n    - {from: the_door, minutes: 10, label: "Act I: the door"}\n    - {from: the_count, minutes: 15, label: "Act II: the count"}\n',
        "",
        "roles:",
        1,
        "roles need a 'classroom' block saying the class sizes they seat",
    ),
    (
        "a misspelt top-level key",
        "injections:\n",
        "injectoins:\n",
        "injectoins:",
        1,
        "unknown key 'injectoins' in the scenario (did you mean 'injections'?)",
    ),
    (
        "an objective's reason reading a ballot the role does not cast",
        'failed: "The door stayed shut.',
        "failed: \"{if me.ballot.straw_poll == 'none'}Nobody polled.{end}The door stayed shut.",
        "me.ballot.straw_poll == 'none'",
        22,
        "this role has no ballot in vote 'straw_poll'",
    ),
    (
        "a vote's real count without its real result",
        '    motion: "Receive the Central Committee members and call a plenum"\n',
        '    motion: "Receive the Central Committee members and call a plenum"\n'
        '    history_count: "unanimous"\n',
        "history_count",
        5,
        "vote 'let_them_in' has a 'history_count' but no 'history'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line_of", "col", "message"),
    [case[1:] for case in CHECKS],
    ids=[case[0] for case in CHECKS],
)
def test_each_mistake_is_reported_once_where_it_stands(
    old: str, new: str, line_of: str, col: int, message: str
) -> None:
    text = changed(old, new)
    found = errors(text)
    assert len(found) == 1, found
    where = f"{at(text, line_of)}:{col}: "
    assert found[0].startswith(where) and message in found[0], found


def test_delegates_are_the_copies_of_a_role() -> None:
    text = changed("    copies: 3\n", "    copies: 1\n").replace("max: 8}", "max: 6}", 1)
    assert errors(text) == [
        f"{at(text, '    delegates:')}:16: the delegates of vote 'let_them_in' are the copies of "
        "role 'cc_member', which has none: give that role 'copies' of 2 or more"
    ]


# ---------------------------------------------------------------------------- extends

COUNTERFACTUAL = """\
format: {format}
extends: classroom.yaml
id: classroom_what_if
title: "What if Bulganin chaired for Khrushchev?"
summary: "A counterfactual on the classroom door."
roles:
  bulganin:
    side: khrushchev
    objectives:
      - id: keep_the_chair
        text: "Chair the sitting to the end."
        when: "ending == 'plenum_called'"
  furtseva_stand_in:
    name: "A secretary of the Central Committee"
    side: khrushchev
    priority: 7
    brief: "You work the telephones."
    can: [note]
injections:
  konev_speaks:
    label: "Konev speaks early"
remove:
  injections: [corridor_poll]
  moves: [khrushchev.rally_the_corridor]
"""


def extended(tmp_path: Path, child: str) -> Compilation:
    (tmp_path / "classroom.yaml").write_text(TEXT, encoding="utf-8")
    (tmp_path / "what_if.yaml").write_text(child, encoding="utf-8")
    return compile_file(tmp_path / "what_if.yaml", use_cache=False)


def test_a_counterfactual_inherits_the_roles_and_merges_by_id(tmp_path: Path) -> None:
    result = extended(tmp_path, COUNTERFACTUAL.format(format=2))
    scenario = result.scenario
    assert scenario is not None, [d.format() for d in result.diagnostics]
    assert scenario.format == 2
    assert list(scenario.roles) == [
        "khrushchev",
        "molotov",
        "bulganin",
        "mikoyan",
        "malenkov",
        "cc_member",
        "furtseva_stand_in",
    ]
    bulganin = scenario.roles["bulganin"]
    assert bulganin.side == "khrushchev"  # replaced
    assert [o.id for o in bulganin.objectives] == ["keep_the_chair"]  # the list replaced whole
    assert bulganin.can == ("declare", "note", "chair") and bulganin.priority == 3  # kept
    assert len(bulganin.knows) == 1 and bulganin.move("sound_out_the_hall") is not None
    assert scenario.roles["khrushchev"].moves == ()  # removed as role.move
    assert list(scenario.injections) == ["konev_speaks"]
    konev = scenario.injections["konev_speaks"]
    assert konev.label == "Konev speaks early" and konev.sources == ("medvedev",)
    assert str(konev.span).startswith(str(tmp_path / "what_if.yaml"))


def test_a_format_1_counterfactual_of_a_format_2_base_keeps_its_roles(tmp_path: Path) -> None:
    child = "format: 1\nextends: classroom.yaml\nid: plain_what_if\ntitle: t\nsummary: s\n"
    result = extended(tmp_path, child)
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    assert result.scenario.format == 2
    assert (
        len(result.scenario.roles) == 6 and result.scenario.votes["let_them_in"].ballot == "secret"
    )


def test_a_format_1_counterfactual_may_not_write_classroom_keys(tmp_path: Path) -> None:
    child = COUNTERFACTUAL.format(format=1)
    result = extended(tmp_path, child[: child.index("remove:")])
    found = [
        f"{Path(d.span.file).name}:{d.span.line}:{d.span.col}: {d.message}" for d in result.errors
    ]
    assert found == [
        "what_if.yaml:6:1: 'roles' needs 'format: 2' at the top of the file "
        "(this file says 'format: 1')",
        "what_if.yaml:19:1: 'injections' needs 'format: 2' at the top of the file "
        "(this file says 'format: 1')",
    ]
    result = extended(
        tmp_path, "format: 1\nextends: classroom.yaml\n" + child[child.index("remove:") :]
    )
    found = [f"{d.span.line}:{d.span.col}: {d.message}" for d in result.errors]
    assert found == [
        "4:3: 'remove: injections' needs 'format: 2' at the top of the file "
        "(this file says 'format: 1')",
        "5:3: 'remove: moves' needs 'format: 2' at the top of the file "
        "(this file says 'format: 1')",
    ]


def test_removing_what_the_base_does_not_have_says_so(tmp_path: Path) -> None:
    child = (
        COUNTERFACTUAL.format(format=2)
        .replace("khrushchev.rally_the_corridor", "khrushchev.rally")
        .replace("injections: [corridor_poll]", "roles: [bulganim]")
    )
    result = extended(tmp_path, child)
    assert [d.message for d in result.errors] == [
        "the base has no role 'bulganim' to remove (did you mean 'bulganin'?)",
        "the base has no move 'khrushchev.rally' to remove (write it as role.move)",
    ]


# ---------------------------------------------------------------------------- cache


def test_the_cache_round_trips_a_classroom_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PRESIDIUM_NO_CACHE", raising=False)
    first = compile_file(FIXTURE, "classroom.yaml").scenario
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1

    def must_not_compile(*_: object) -> None:
        raise AssertionError("compiled again instead of using the cache")

    monkeypatch.setattr(compiler, "compile_document", must_not_compile)
    second = compile_file(FIXTURE, "classroom.yaml").scenario
    assert first is not None and second is not None and second is not first
    assert (
        second.classroom == first.classroom and second.injections.keys() == first.injections.keys()
    )
    for rid, role in first.roles.items():
        again = second.roles[rid]
        assert (again.name, again.side, again.priority, again.copies, again.can) == (
            role.name,
            role.side,
            role.priority,
            role.copies,
            role.can,
        )
        assert [(o.id, o.when.source) for o in again.objectives] == [
            (o.id, o.when.source) for o in role.objectives
        ]
        assert [o.when.scope.extra for o in again.objectives] == [  # type: ignore[union-attr]
            o.when.scope.extra
            for o in role.objectives  # type: ignore[union-attr]
        ]
        assert again.knows == role.knows and [m.id for m in again.moves] == [
            m.id for m in role.moves
        ]
    ending = {"ending": "plenum_called", "me.ballot.let_them_in": "for", "let_them_in.passed": True}
    assert second.roles["cc_member"].objectives[0].when.evaluate(ending) is True
    vote = second.votes["let_them_in"]
    assert (vote.ballot, vote.missing, vote.minutes, vote.blocs[0].id) == (
        "secret",
        "script",
        3,
        "corridor",
    )
    assert vote.delegates is not None and vote.delegates.size.evaluate({"members_at_door": 90}) == 9
    assert second.phases["the_door"].floor == first.phases["the_door"].floor
    assert second.actors["bulganin"].persuadable


def test_a_cache_entry_whose_roles_name_nothing_is_a_miss() -> None:
    from presidium import cache

    scenario, warnings = load_scenario(FIXTURE, "classroom.yaml")
    assert cache.well_formed((scenario, warnings))
    role = scenario.roles["bulganin"]
    broken = dataclasses.replace(
        scenario, roles={**scenario.roles, "bulganin": dataclasses.replace(role, actor="nobody")}
    )
    assert not cache.well_formed((broken, warnings))
    leak = dataclasses.replace(
        scenario.phases["the_count"],
        next=(
            dataclasses.replace(scenario.phases["the_count"].next[0], when=role.objectives[0].when),
        ),
    )
    broken = dataclasses.replace(scenario, phases={**scenario.phases, "the_count": leak})
    assert not cache.well_formed((broken, warnings))  # an objective's scope in a branch


# ---------------------------------------------------------------------------- schema


def test_the_schema_covers_every_classroom_key() -> None:
    schema = build()
    definitions = schema["definitions"]
    for name in ("classroom", "roles", "injections"):
        assert "(format 2)" in definitions["scenario"]["properties"][name]["description"]
    assert definitions["actor"]["properties"]["persuadable"]["type"] == "boolean"
    assert definitions["vote"]["properties"]["ballot"]["enum"] == list(BALLOT_KINDS)
    assert definitions["vote"]["properties"]["missing"]["enum"] == list(MISSING_RULES)
    assert {"minutes", "delegates"} <= set(definitions["vote"]["properties"])
    assert "id" in definitions["bloc"]["properties"]
    assert {"floor", "consult"} <= set(definitions["phase"]["properties"])
    assert definitions["role"]["required"] == ["side", "priority", "brief"]
    assert definitions["role"]["properties"]["can"]["items"]["enum"] == list(BUILT_INS)
    assert "next" not in definitions["move"]["properties"]
    assert definitions["move_outcome"]["properties"].keys() == {"text", "effects"}
    assert definitions["objective"]["properties"]["kind"]["enum"] == list(OBJECTIVE_KINDS)
    assert {"roles", "injections", "moves"} <= set(definitions["remove"]["properties"])
    assert schema["definitions"]["scenario"]["properties"]["format"]["enum"] == [1, 2]


def test_the_fixture_passes_the_schema_and_a_format_1_file_with_roles_does_not(
    tmp_path: Path,
) -> None:
    assert check_jsonschema(FIXTURE).returncode == 0
    older = tmp_path / "older.yaml"
    older.write_text(changed("format: 2", "format: 1"), encoding="utf-8")
    result = check_jsonschema(older)
    assert result.returncode == 1 and "format: 2 was expected" in result.stdout
    typo = tmp_path / "typo.yaml"
    typo.write_text(changed("    ballot: secret", "    balot: secret"), encoding="utf-8")
    result = check_jsonschema(typo)
    assert result.returncode == 1 and "'balot' was unexpected" in result.stdout


# ---------------------------------------------------------------------------- robustness


def test_any_line_taken_out_gives_a_model_or_diagnostics_never_an_exception() -> None:
    lines = TEXT.splitlines(keepends=True)
    for n in range(len(lines)):
        scenario, found = compile_yaml("".join(lines[:n] + lines[n + 1 :]))
        assert scenario is not None or any(d.severity == "error" for d in found), n


# ---------------------------------------------------------------------------- docs


def test_the_documented_classroom_examples_compile_cleanly(tmp_path: Path) -> None:
    text = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    chapter = text[text.index("## Classroom (format 2)") : text.index("## How a game runs")]
    first, second = re.findall(r"```yaml\n(.*?)```", chapter, re.DOTALL)
    (tmp_path / "door.yaml").write_text(docs_example(), encoding="utf-8")
    (tmp_path / "door_class.yaml").write_text(first, encoding="utf-8")
    (tmp_path / "what_if.yaml").write_text(second, encoding="utf-8")
    for name in ("door_class.yaml", "what_if.yaml"):
        result = compile_file(tmp_path / name, use_cache=False)
        assert result.scenario is not None and result.diagnostics == [], [
            d.format() for d in result.diagnostics
        ]
    classroom = compile_file(tmp_path / "door_class.yaml", use_cache=False).scenario
    what_if = compile_file(tmp_path / "what_if.yaml", use_cache=False).scenario
    assert classroom is not None and what_if is not None
    assert list(classroom.roles) == ["khrushchev", "cc_member"]
    assert classroom.votes["let_them_in"].delegates is not None
    assert [o.id for o in what_if.roles["khrushchev"].objectives] == ["hold_on"]
    assert what_if.roles["khrushchev"].moves == () and "konev_speaks" in what_if.injections


def test_a_must_role_with_nothing_to_do_is_a_warning() -> None:
    text = changed(
        "  cc_member:\n",
        '  clerk:\n    name: Clerk\n    side: none\n    priority: 9\n    must: true\n    brief: "Takes the minutes."\n  cc_member:\n',
    )
    scenario, found = compile_yaml(text.replace("min: 3, max: 8", "min: 3, max: 9"))
    assert scenario is not None
    assert [f"{d.span.line}:{d.span.col}: {d.message}" for d in found] == [
        f"{at(text, 'roles:|  clerk:')}:3: role 'clerk' is dealt at every class size ('must: true') "
        "but decides nothing, votes in nothing and has no moves or 'can': its student can only watch"
    ]


def test_a_leader_on_another_team_is_a_warning() -> None:
    text = changed(
        "    actor: molotov\n    side: molotov\n", "    actor: molotov\n    side: none\n"
    )
    scenario, found = compile_yaml(text)
    assert scenario is not None
    assert [f"{d.span.line}:{d.span.col}: {d.message}" for d in found] == [
        f"{at(text, 'roles:|  molotov:|    side: none')}:11: role 'molotov' plays Vyacheslav "
        "Molotov, who leads side 'molotov', but its side is 'none': it decides for 'molotov' "
        "all the same; write 'side: molotov'"
    ]


def test_a_number_in_quotes_is_named_as_text() -> None:
    text = changed("    copies: 3\n", '    copies: "3"\n')
    assert errors(text) == [
        f"{at(text, 'copies:')}:14: 'copies' must be a whole number of at least 1, not '3'; "
        "remove the quotes around 3 (in quotes it is text)"
    ]


def test_a_role_with_a_broken_priority_is_one_mistake() -> None:
    text = changed("    priority: 6\n", "    priority: first\n")
    assert errors(text) == [
        f"{at(text, 'priority: first')}:15: 'priority' must be a whole number of at least 1, "
        "not 'first'"
    ]


def khrushchev_scored(
    text: str,
) -> tuple[Scenario, Callable[[dict[str, dict[str, str]], frozenset[str]], ObjectiveResult]]:
    """The scenario ``text`` compiled for three students, and how Khrushchev's first
    objective is scored at the door's ending, given the ballots cast and those sealed."""
    scenario, problems = compile_yaml(text)
    assert problems == [] and scenario is not None
    seating = cast(scenario, 3)
    values = dict(Game(scenario, seating=seating).values)

    def scored(ballots: dict[str, dict[str, str]], sealed: frozenset[str]) -> ObjectiveResult:
        scores = score(scenario, seating, values, "door_stays_shut", ballots, sealed)
        return next(e for e in scores if e.seat == "khrushchev").results[0]

    return scenario, scored


def test_an_objectives_reason_follows_what_happened_but_never_tells_a_secret_ballot() -> None:
    text = changed(
        'failed: "The door stayed shut. Which ballot cost you the room?"',
        "failed: \"{if let_them_in.ballot.bulganin == 'for'}Even Bulganin voted to open it."
        '{else}The door stayed shut.{end}"',
    )
    scenario, scored = khrushchev_scored(text)

    def khrushchev(ballot: str, sealed: frozenset[str] = frozenset()) -> ObjectiveResult:
        return scored({"let_them_in": {"bulganin": ballot}}, sealed)

    assert khrushchev("for").comment == "Even Bulganin voted to open it."
    assert khrushchev("against").comment == "The door stayed shut."
    # Bulganin's ballot in the secret vote is still sealed: neither reason may be told, and
    # so neither may the result
    sealed = khrushchev("for", frozenset({"let_them_in"}))
    assert (sealed.achieved, sealed.comment) == (None, None)
    # the answer key shows each branch after its condition
    (objective, _) = scenario.roles["khrushchev"].objectives
    assert outline(objective.failed or "") == (
        "(if let_them_in.ballot.bulganin == 'for') Even Bulganin voted to open it. "
        "(otherwise) The door stayed shut."
    )


def test_an_objectives_reason_tells_a_vote_never_held_from_a_ballot_never_cast() -> None:
    """A seated voter with no ballot of his own is "none" whether or not the vote was held
    (teacher's try-out 7): ``VOTE.held`` tells a student who had not voted when the ballot
    closed from one whose vote never came."""
    text = changed(
        'failed: "The door stayed shut. Which ballot cost you the room?"',
        'failed: "{if not let_them_in.held}The door was never put to the vote.{elif '
        "me.ballot.let_them_in == 'none'}You had not voted when the ballot closed."
        '{else}The door stayed shut.{end}"',
    )
    _scenario, scored = khrushchev_scored(text)

    def khrushchev(ballots: dict[str, dict[str, str]]) -> str | None:
        return scored(ballots, frozenset()).comment

    assert khrushchev({}) == "The door was never put to the vote."
    assert khrushchev({"let_them_in": {"khrushchev": "none"}}) == (
        "You had not voted when the ballot closed."
    )
    assert khrushchev({"let_them_in": {"khrushchev": "for"}}) == "The door stayed shut."
