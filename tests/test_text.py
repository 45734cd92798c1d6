"""Text that follows the state: values, tallies, ballots, the side played and inline ``{if}``."""

from __future__ import annotations

import json

import pytest

from conftest import compile_yaml, errors, mutate
from presidium import events as ev
from presidium.engine import Game, HistoryDice
from presidium.explore import explore
from presidium.template import parse, tally, words

APPEAL = 'text: "The members are waiting. Khrushchev can go out to them, or wait."'
ENDING = 'text: "The Presidium agreed to convene an extraordinary plenum the next day."'


def shown(text: str, side: str = "khrushchev", seed: int = 1, where: str = APPEAL) -> str:
    """What the game says for ``text`` written in place of ``where`` (a scene or the ending)."""
    scenario, problems = compile_yaml(mutate(where, f"text: {json.dumps(text)}"))
    assert scenario is not None, problems
    game = Game(scenario, [side], seed=seed)
    said = [e for e in game.start() if isinstance(e, ev.PhaseStarted | ev.GameEnded)]
    while not game.over:
        pending = game.pending
        assert pending is not None
        events = game.step(pending.options[0].id)
        said += [e for e in events if isinstance(e, ev.PhaseStarted | ev.GameEnded)]
    wanted = "the_appeal" if where == APPEAL else None
    for event in said:
        if isinstance(event, ev.PhaseStarted) and event.phase == wanted:
            return event.text
        if isinstance(event, ev.GameEnded) and wanted is None:
            return event.text
    raise AssertionError(said)


def test_words_and_tallies_read_as_a_sentence() -> None:
    assert [words(n) for n in (0, 7, 21, 40, 99, 100, 101)] == [
        "zero",
        "seven",
        "twenty-one",
        "forty",
        "ninety-nine",
        "a hundred",
        "101",
    ]
    assert tally(7, 4, 0) == "seven votes to four"
    assert tally(6, 4, 1) == "six votes to four with one abstention"
    assert tally(1, 0, 2) == "one vote to none with two abstentions"
    assert tally(0, 11, 0) == "no votes to eleven"
    assert tally(209, 0, 0) == "209 votes to none"


def test_a_text_without_braces_is_read_as_itself() -> None:
    text = "No braces here."
    assert parse(text).nodes == (text,) and parse(text) is parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{members_at_door} wait.", "80 wait."),  # 60, and the script refuses: +20
        ("{members_at_door + 5} wait.", "85 wait."),
        ("{members_at_door / 10|words} groups.", "eight groups."),
        ("{members_at_door / 10|Words} groups.", "Eight groups."),
        ("{members_at_door > 50} / {not (members_at_door > 50)}", "yes / no"),
        ("{khrushchev.stance} and {if(true, 'a', 'b')}.", "With Khrushchev and a."),
        ("Braces {{as}} written.", "Braces {as} written."),
        ("{if members_at_door > 100}Many{elif members_at_door > 50}Some{else}Few{end}.", "Some."),
        ("A{if true} b{if false} c{else} d{end}{end}.", "A b d."),
        ("Walk {if false}with Zhukov {end}alone.", "Walk alone."),
        ("{player} plays.", "Khrushchev's side plays."),
        ("{if player == 'khrushchev'}You go out.{else}He goes out.{end}", "You go out."),
    ],
)
def test_a_text_shows_values_and_varies_inside_a_scene(text: str, expected: str) -> None:
    assert shown(text) == expected


def test_the_side_played_speaks_to_you() -> None:
    text = "{if player == 'molotov'}You keep the door.{else}The majority keeps the door.{end}"
    assert shown(text, side="molotov") == "You keep the door."
    assert shown(text, side="khrushchev") == "The majority keeps the door."


def test_an_ending_tells_the_tally_and_who_voted_how() -> None:
    text = (
        "Carried by {let_them_in.tally}. Mikoyan voted {let_them_in.ballot.mikoyan}, "
        "{let_them_in.for|words} for in all. {let_them_in.tally|Words}."
    )
    said = shown(text, where=ENDING)
    # the bloc of 90 members / 40 gives two more votes for
    assert said == (
        "Carried by four votes to two. Mikoyan voted for, four for in all. Four votes to two."
    )


def test_a_ballot_is_none_before_the_vote() -> None:
    assert shown("Mikoyan: {let_them_in.ballot.mikoyan}.") == "Mikoyan: none."


def test_every_mistake_in_a_text_is_reported_at_its_place_in_one_run() -> None:
    text = (
        '"{members_at_dor} {if members_at_door} x {end} {else} {members_at_door|word} '
        '{khrushchev.stance|words} {if true} open"'
    )
    source = mutate(APPEAL, f"text: {text}")
    found = errors(source)
    line = next(i for i, row in enumerate(source.splitlines(), 1) if "members_at_dor}" in row)
    col = source.splitlines()[line - 1].index("{") + 1
    messages = [f.split(": ", 1)[1] for f in found]
    assert len(found) == 6, found
    assert all(f.startswith(f"{line}:") for f in found), found
    assert found[0].startswith(f"{line}:{col}: ")
    assert "unknown variable '{members_at_dor}'" in messages[0]
    assert "did you mean 'members_at_door'?" in messages[0]
    assert "this must be a condition" in messages[1]
    assert "'{else}' has no '{if ...}' before it" in messages[2]
    assert "unknown filter 'word' (did you mean 'words'?)" in messages[3]
    assert "'|words' spells a number in words" in messages[4]
    assert "never closed; end it with '{end}'" in messages[5]


def test_a_mistake_in_folded_text_is_placed_on_its_own_line() -> None:
    source = mutate(
        APPEAL,
        "text: >\n      The members are waiting.\n      {if members_at_door > 5}Good.{els}",
    )
    found = errors(source)
    line = next(i for i, row in enumerate(source.splitlines(), 1) if "{els}" in row)
    assert len(found) == 2 and all(f.startswith(f"{line}:") for f in found), found


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{if}x{end}", "'{if}' needs a condition"),
        ("{if true}x{else}y{elif true}z{end}", "'{elif}' after '{else}'"),
        ("{end}", "'{end}' has no '{if ...}' before it"),
        ("{else true}x", "'{else}' takes no condition"),
        ("{if members_at_door}x{end}", "this must be a condition"),
        ("{player == 'khrushchov'}", "did you mean 'khrushchev'?"),
    ],
)
def test_each_mistake_says_what_was_expected(text: str, message: str) -> None:
    found = errors(mutate(APPEAL, f'text: "{text}"'))
    assert any(message in f for f in found), found


def test_an_effect_cannot_change_what_the_game_sets() -> None:
    for target in ("player = 'molotov'", "let_them_in.ballot.molotov = 'for'"):
        found = errors(mutate('effects: ["members_at_door += 10"]', f'effects: ["{target}"]'))
        assert len(found) == 1 and "set by the game" in found[0], found


def test_a_variable_may_not_be_called_player() -> None:
    found = errors(
        mutate(
            "  members_at_door:\n",
            "  player:\n    label: x\n    type: flag\n    initial: false\n  members_at_door:\n",
        )
    )
    assert any("'player' is a built-in name" in f for f in found), found


def test_player_works_in_every_condition_and_the_explorer_explores_each_side_with_its_own() -> None:
    source = mutate(
        "        next: the_appeal\n      - id: fob_them_off",
        "        next:\n          - when: \"player == 'molotov'\"\n            goto: door_stays_shut\n"
        "          - goto: the_appeal\n      - id: fob_them_off",
    )
    scenario, problems = compile_yaml(source)
    assert scenario is not None, problems
    as_molotov = explore(scenario, "molotov")
    as_khrushchev = explore(scenario, "khrushchev")
    # playing the majority, refusing ends the game at once; playing Khrushchev it goes on
    assert "the_appeal" in as_khrushchev.phases
    assert set(as_molotov.endings) >= {"door_stays_shut"}
    game = Game(scenario, ["molotov"], seed=1)
    game.start()
    game.step("refuse")
    assert game.ending == "door_stays_shut"


def test_inline_if_is_checked_without_false_problems() -> None:
    from presidium.tools.check import findings

    source = mutate(APPEAL, "text: \"{if player == 'molotov'}You wait.{else}They wait.{end}\"")
    scenario, problems = compile_yaml(source)
    assert scenario is not None and not problems, problems
    runs = {side: explore(scenario, side) for side in scenario.sides}
    assert [d.message for d in findings(scenario, runs) if d.severity == "error"] == []


def test_a_text_when_may_name_the_side_played_without_a_false_warning() -> None:
    from presidium.tools.check import findings

    source = mutate(
        APPEAL,
        'text:\n      - when: "player == \'khrushchev\'"\n        text: "You decide."\n'
        '      - when: "player == \'molotov\'"\n        text: "He decides."',
    )
    scenario, problems = compile_yaml(source)
    assert scenario is not None and not problems, problems
    runs = {side: explore(scenario, side) for side in scenario.sides}
    assert [d.message for d in findings(scenario, runs) if "never shown" in d.message] == []


SECRET = """
votes:
  let_them_in:
    ballot: secret
"""


def test_a_secret_ballot_is_never_told_in_play_and_a_simultaneous_one_after_it(
    tmp_path: object,
) -> None:
    """A secret ballot's votes are kept from the room: no scene may name one. A simultaneous
    ballot shows every vote when it closes, so a later scene may say how a member voted (the
    teacher's eighth try: june_1957 could not tell who had kept his hand down)."""
    from pathlib import Path

    from presidium.files import compile_file

    folder = Path(str(tmp_path))
    from conftest import docs_example

    (folder / "door.yaml").write_text(docs_example(), encoding="utf-8")
    for kind in ("secret", "simultaneous"):
        (folder / "class.yaml").write_text(
            "format: 2\nextends: door.yaml\nid: door_class\n"
            f"votes:\n  let_them_in:\n    ballot: {kind}\n"
            'endings:\n  plenum_called:\n    text: "Mikoyan voted {let_them_in.ballot.mikoyan}."\n',
            encoding="utf-8",
        )
        compiled = compile_file(folder / "class.yaml")
        messages = [d.message for d in compiled.diagnostics if d.severity == "error"]
        if kind == "secret":
            assert len(messages) == 1 and "has a secret ballot" in messages[0], messages
            continue
        assert messages == [] and compiled.scenario is not None
        game = Game(compiled.scenario, ["khrushchev"], dice=HistoryDice())
        said = game.start()
        while not game.over:
            pending = game.pending
            assert pending is not None and game.phase is not None
            said += game.step(game.phase.history or pending.options[0].id)
        assert game.ending == "plenum_called"
        held = next(e for e in said if isinstance(e, ev.VoteHeld) and e.vote == "let_them_in")
        mikoyan = next(b.vote for b in held.ballots if b.voter == "mikoyan")
        assert mikoyan in ("for", "against", "abstain")
        ended = next(e for e in said if isinstance(e, ev.GameEnded))
        assert ended.text == f"Mikoyan voted {mikoyan}."


def test_fates_and_vote_reasons_follow_the_state_too() -> None:
    source = mutate(
        'reason: "wants the Central Committee to decide."',
        'reason: "{voter.stance|Words}"',
    )
    assert errors(source) and "is not a number" in errors(source)[0]
    source = mutate(
        'reason: "wants the Central Committee to decide."',
        'reason: "is {voter.stance}{if members_at_door > 70}, and counts the members{end}."',
    )
    source = source.replace(
        'text: "Took his case to the Central Committee, and won."',
        'text: "Won by {let_them_in.tally}."',
    )
    scenario, problems = compile_yaml(source)
    assert scenario is not None, problems
    game = Game(scenario, ["khrushchev"], seed=1)
    said = game.start()
    while not game.over:
        pending = game.pending
        assert pending is not None
        said += game.step(pending.options[0].id)
    vote = next(e for e in said if isinstance(e, ev.VoteHeld))
    reasons = {b.voter: b.reason for b in vote.ballots}
    assert reasons["mikoyan"] == "is With Khrushchev, and counts the members."
    end = next(e for e in said if isinstance(e, ev.GameEnded))
    assert end.fates[0].text == "Won by four votes to two."


@pytest.mark.parametrize(
    "condition", ["let_them_in.ballot.mikoyan == 'for'", "let_them_in.for > 3"]
)
def test_text_on_a_vote_result_is_not_reported_unseen_when_it_shows(condition: str) -> None:
    from presidium.tools.check import findings

    source = mutate(
        ENDING, f'text:\n      - when: "{condition}"\n        text: "Mikoyan voted for."'
    )
    scenario, problems = compile_yaml(source)
    assert scenario is not None, problems
    runs = {side: explore(scenario, side) for side in scenario.sides}
    assert [d.message for d in findings(scenario, runs) if "never shown" in d.message] == []


def test_a_class_game_plays_as_nobody_and_a_solo_game_as_its_side(june_1957: object) -> None:
    from presidium.model import Scenario
    from presidium.seating import benches

    assert isinstance(june_1957, Scenario)
    assert Game(june_1957, seating=benches(june_1957, 4)).values["player"] == "none"
    for side in june_1957.sides:
        assert Game(june_1957, [side]).values["player"] == side


def test_a_text_names_an_objective_only_name_as_such_and_warns_of_a_settled_if() -> None:
    found = errors(mutate(APPEAL, 'text: "It ends as {ending}."'))
    assert len(found) == 1 and "can be read only in a role's objectives" in found[0], found
    scenario, problems = compile_yaml(mutate(APPEAL, 'text: "{if members_at_door > 500}Many{end}"'))
    assert scenario is not None
    assert [p.message for p in problems] == [
        "'members_at_door > 500' can never hold: 'members_at_door' is declared from 0 to 133"
    ]
