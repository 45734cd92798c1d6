"""June 1957's text agrees with the game's numbers, from the states a player can reach.

A new player's trial found scenes and options that told a story the numbers denied: a hall
leaning against Khrushchev narrated as turning on the seven, a backing claimed at a leaning of
0, the same telephone campaign offered twice in one night. Each test here puts the real
scenario into such a state, through the engine, and reads what the player is shown.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from conftest import run_cli
from presidium import catalog
from presidium import events as ev
from presidium.engine import Game
from presidium.model import Scenario


def arrive(scenario: Scenario, phase: str, side: str, **values: Any) -> tuple[Game, list[ev.Event]]:
    """A fresh game entering ``phase`` with ``values`` forced (``zhukov__stance`` stands for
    ``zhukov.stance``), run to the next decision of ``side``: the game and what was shown."""
    game = Game(scenario, [side], seed=1)
    game.start()
    game.restore(dataclasses.replace(game.snapshot(), state=phase, pending=None))
    game.values.update({k.replace("__", "."): v for k, v in values.items()})
    out: list[ev.Event] = []
    game._enter(out)
    game._advance(out)
    return game, out


def at(scenario: Scenario, phase: str, side: str = "khrushchev", **values: Any) -> list[ev.Event]:
    """What a player arriving at ``phase`` in that state sees."""
    return arrive(scenario, phase, side, **values)[1]


def scene(events: list[ev.Event], phase: str) -> str:
    (text,) = [e.text for e in events if isinstance(e, ev.PhaseStarted) and e.phase == phase]
    return " ".join(text.split())


def offered(events: list[ev.Event]) -> dict[str, ev.Option]:
    (decision,) = [e for e in events if isinstance(e, ev.DecisionNeeded)]
    return {o.id: o for o in decision.options}


def told(events: list[ev.Event]) -> str:
    """Every scene and outcome text the player is shown, on one line."""
    texts = [e.text for e in events if isinstance(e, (ev.PhaseStarted, ev.Narration))]
    return " ".join(" ".join(texts).split())


def take(scenario: Scenario, phase: str, choice: str, side: str, **values: Any) -> str:
    """What the player is told after taking ``choice`` in ``phase`` in the forced state."""
    game, _ = arrive(scenario, phase, side, **values)
    assert game.phase is not None and game.phase.id == phase
    return told(game.step(choice))


# 1. ----------------------------------------------------------------- the majority's terms


def test_refusing_the_terms_claims_no_backing_the_leaning_denies(june_1957: Scenario) -> None:
    for lean in (0, 20, 40, 60):
        options = offered(at(june_1957, "compromise_answer", cc_lean=lean))
        assert "backs the First Secretary" not in options["refuse_the_compromise"].label
        text = take(
            june_1957, "compromise_answer", "refuse_the_compromise", "khrushchev", cc_lean=lean
        )
        if lean < 40:
            assert "lean against him" in text and "his way" not in text, text
        else:
            assert "his way" in text and "against him" not in text, text


# 2. ----------------------------------------------------------------- the plenum opens


def test_the_plenum_opening_follows_the_leaning_and_says_why_the_four_move(
    june_1957: Scenario,
) -> None:
    for lean in (0, 20, 40):
        low = scene(at(june_1957, "plenum_opens", side="molotov", cc_lean=lean), "plenum_opens")
        assert "the seven are in the dock before anyone has said so" not in low.lower()
        assert "Bulganin, Voroshilov, Pervukhin and Saburov" in low
        assert f"leans only {lean}% to Khrushchev" in low and "stay with the seven" in low
        assert "60% or more" in low  # when they would move
    for lean in (60, 80):
        high = scene(at(june_1957, "plenum_opens", side="molotov", cc_lean=lean), "plenum_opens")
        assert "the seven are in the dock before anyone has said so" in high.lower()
        assert "Bulganin, Voroshilov, Pervukhin and Saburov" in high
        assert f"leans {lean}% to Khrushchev" in high and "begin to waver" in high


# 3. ----------------------------------------------------------------- going quietly


def test_the_reason_going_quietly_is_closed_is_true_at_any_leaning(june_1957: Scenario) -> None:
    for lean in (0, 20, 80):
        options = offered(at(june_1957, "sverdlov_hall", cc_lean=lean, cc_in_moscow=86))
        quietly = options["go_quietly"]
        assert not quietly.available and quietly.reason is not None
        assert "not beaten" not in quietly.reason
        assert "gates" in quietly.reason and "Central Committee" in quietly.reason


# 4. ----------------------------------------------------------------- the plenum's mood


def test_a_hall_leaning_against_khrushchev_is_not_told_as_turning_on_the_seven(
    june_1957: Scenario,
) -> None:
    # The marshal reads the files (+20 to the leaning): from 0 the hall is still not his.
    low = take(june_1957, "plenum_speakers", "konev_for_the_army", "khrushchev", cc_lean=0)
    assert "Speaker after speaker turns on the seven" not in low
    files = at(june_1957, "zhukov_speaks", cc_lean=0, zhukov__stance="khrushchev")
    files_text = told(files)
    assert "Executioners! Answer!" in files_text  # the sourced shout stays
    assert "nobody is arguing about the sovnarkhozy" not in files_text
    defence = scene(
        at(june_1957, "majority_defence", side="molotov", cc_lean=20), "majority_defence"
    )
    assert "Speaker after speaker turns on the seven" not in defence
    assert "take up the axe" in defence  # the sourced exchange stays
    high = scene(at(june_1957, "majority_defence", side="molotov", cc_lean=80), "majority_defence")
    assert "Speaker after speaker turns on the seven" in high
    hot = told(at(june_1957, "zhukov_speaks", cc_lean=60, zhukov__stance="khrushchev"))
    assert "nobody is arguing about the sovnarkhozy" in hot


def test_the_defence_prompt_does_not_say_the_hall_is_against_the_seven(
    june_1957: Scenario,
) -> None:
    events = at(june_1957, "majority_defence", side="molotov", cc_lean=20)
    (decision,) = [e for e in events if isinstance(e, ev.DecisionNeeded)]
    assert "against you" not in decision.prompt


# 5. ----------------------------------------------------------------- the second call


def test_the_marshal_who_has_come_is_not_awaited(june_1957: Scenario) -> None:
    events = at(june_1957, "second_call", zhukov__stance="khrushchev")
    assert "The marshal has come." in scene(events, "second_call")
    for option in offered(events).values():
        assert "if he comes" not in option.label, option.label


# 6. ----------------------------------------------------------------- the night of 18 June


def play_to(
    scenario: Scenario, phase: str, side: str = "khrushchev"
) -> tuple[Game, list[ev.Event]]:
    """Play history's choices until ``side`` is asked in ``phase``."""
    game = Game(scenario, [side], seed=1)
    events = game.start()
    while game.phase is not None and game.phase.id != phase:
        options = [o for o in game.options() if o.available]
        history = game.phase.history
        events = game.step(history if history in {o.id for o in options} else options[0].id)
    return game, events


def test_the_second_call_follows_the_first_evening(june_1957: Scenario) -> None:
    game, _ = play_to(june_1957, "first_evening")
    events = game.step("summon_the_central_committee")
    first = told(events)
    after = scene(events, "second_call")
    assert "work the telephones until dawn" not in first  # the next scene is still evening
    assert "The evening is not over" not in after
    assert "still at the telephones" in after
    ring = offered(events)["ring_the_regions"]
    assert not ring.available and ring.reason is not None and "already" in ring.reason
    game, _ = play_to(june_1957, "first_evening")
    events = game.step("serov_makes_the_call")
    assert offered(events)["ring_the_regions"].available
    assert "The evening is not over" in scene(events, "second_call")


# 7. ----------------------------------------------------------------- the signatures


def test_the_statement_brings_more_members_only_when_the_count_can_grow(
    june_1957: Scenario,
) -> None:
    full = take(june_1957, "friday_corridor", "draft_the_statement", "khrushchev", cc_in_moscow=86)
    assert "More members come" not in full and "86" in full
    room = take(june_1957, "friday_corridor", "draft_the_statement", "khrushchev", cc_in_moscow=60)
    assert "More members come" in room and "70" in room
    for text in (full, room):
        assert "leaning" in text or "resent" in text  # the leaning falls, and the text says why


# 8. ----------------------------------------------------------------- the gates


def test_status_shows_the_gates_and_who_explains_them(june_1957: Scenario) -> None:

    assert "gates_closed" in {line.variable for line in june_1957.status if line.variable}
    code, out, _ = run_cli(
        ["play", "june_1957", "--side", "khrushchev", "--plain"], stdin="status\nwho gates\nquit\n"
    )
    assert code == 0
    text = " ".join(out.split())
    assert "Kremlin gates shut" in text
    assert "Gates of the Kremlin:" in text and "commandant" in text


# 9. ----------------------------------------------------------------- who


def test_who_does_not_give_the_central_committee_a_stance_the_leaning_denies(
    june_1957: Scenario,
) -> None:

    assert "central_committee" not in june_1957.actors
    code, out, _ = run_cli(
        ["play", "june_1957", "--side", "khrushchev", "--plain"],
        stdin="who central committee\nquit\n",
    )
    assert code == 0
    text = " ".join(out.split())
    assert "Central Committee: The party's governing body" in text
    assert "133 full members and 122 candidates" in text
    assert "Now: With Khrushchev" not in text[text.index("> who central") :]


# 10. ---------------------------------------------------------------- the plenum's count


PRESIDIUM = {
    "khrushchev",
    "bulganin",
    "voroshilov",
    "molotov",
    "malenkov",
    "kaganovich",
    "pervukhin",
    "saburov",
    "mikoyan",
    "suslov",
    "kirichenko",
    "shepilov",
}


@pytest.mark.parametrize("name", ["june_1957", "shepilov_stays", "kgb_majority"])
@pytest.mark.parametrize("lean", [0, 40, 60, 80])
def test_the_plenum_counts_no_more_hands_than_members_in_moscow(name: str, lean: int) -> None:
    scenario = catalog.open_scenario(name).scenario
    events = at(scenario, "plenum_vote", cc_lean=lean, cc_in_moscow=86)
    (vote,) = [e for e in events if isinstance(e, ev.VoteHeld) and e.vote == "plenum_29_june"]
    assert {b.voter for b in vote.ballots} == PRESIDIUM
    assert vote.votes_for + vote.votes_against + vote.abstentions == 86
    (hall,) = vote.blocs
    assert "other" in hall.label.lower() and "the game's figure" in hall.label
    ballots = {b.voter: b.vote for b in vote.ballots}
    assert {ballots[a] for a in ("khrushchev", "mikoyan", "suslov", "kirichenko")} == {"for"}


# ------------------------------------------------------------- a second trial's findings
def test_the_vote_tonight_is_offered_only_where_the_door_can_hold(june_1957: Scenario) -> None:
    """Calling the question with the Central Committee able to force the door could never
    work; it is shown closed with the reason, not offered and then silently void."""
    open_door = offered(at(june_1957, "friday_answer", "molotov", cc_in_moscow=66))
    assert not open_door["call_the_question"].available
    assert "The door will not hold" in (open_door["call_the_question"].reason or "")
    held = offered(at(june_1957, "friday_answer", "molotov", cc_in_moscow=46))
    assert held["call_the_question"].available


def test_the_majority_is_not_called_seven_when_it_is_not(june_1957: Scenario) -> None:
    text = scene(
        at(june_1957, "ambush_reply", "molotov", pervukhin__stance="wavering"), "ambush_reply"
    )
    assert "The seven must" not in text and "The majority must decide" in text


@pytest.mark.parametrize(
    ("values", "invented"),
    [
        ({"verdict": "removal", "cc_lean": 80}, None),
        ({"verdict": "trial", "cc_lean": 80}, "little reason to repent"),
        ({"verdict": "removal", "cc_lean": 40}, "concede as little as they can"),
    ],
)
def test_the_last_word_labels_what_history_did_not_say(
    june_1957: Scenario, values: dict[str, Any], invented: str | None
) -> None:
    """What the group said on 29 June is sourced; what they say in another game is labelled."""
    events = at(june_1957, "last_word", "molotov", **values)
    (started,) = [e for e in events if isinstance(e, ev.PhaseStarted) and e.phase == "last_word"]
    text = " ".join(started.text.split())
    assert "the main reason for convening the Presidium on 18 June" in text
    if invented is None:
        assert "[Counterfactual]" not in text
        # their repentance is 1957's: in a class their own hands are still to come
        assert "In 1957 Malenkov and Kaganovich repented in theirs." in text
        assert "Malenkov and Kaganovich repent." not in text
    else:
        assert "Historically" in text and "[Counterfactual] In this game, " in text
        assert text.index("[Counterfactual]") < text.index(invented)
