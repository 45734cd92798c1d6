"""A class casts the Presidium's ballots itself, so the scenes after a ballot tell the count the
class made, not the count of 1957.

A teacher's trial found the scene after the vote of 18 June saying "Seven hands went up..."
when the class had voted otherwise. These games play the real june_1957 with a real class of
five (Khrushchev, Molotov, Zhukov, Bulganin and Malenkov are seated; the script holds the other
seats), cast the students' ballots, and read what the room was told; and the same for the
Presidium's decree in october_1964.
"""

from __future__ import annotations

import pytest

from presidium import actions as act
from presidium import events as ev
from presidium.engine import COUNTERFACTUAL_MARK, Game
from presidium.model import Scenario
from presidium.seating import cast
from presidium.template import tally

# The students' own ballots in the vote of 18 June: the historical side, and two other counts.
AS_IN_1957 = {"khrushchev": "against", "molotov": "for", "bulganin": "for", "malenkov": "for"}
VOTED_DOWN = {
    "khrushchev": "against",
    "molotov": "against",
    "bulganin": "against",
    "malenkov": "against",
}
NOBODY_VOTED: dict[str, str] = {}  # the teacher closes the ballot: the students abstain

HISTORY = "Seven hands went up against Khrushchev, as the later accounts have it."
REAL_MEETING = "In the real meeting, as the later accounts have it, seven of the eleven"


def play_class(
    scenario: Scenario,
    ballots: dict[str, dict[str, str]],
    until: str,
    choices: dict[str, str] | None = None,
    rulings: dict[str, list[act.SetValue]] | None = None,
) -> tuple[Game, list[ev.Event]]:
    """A class of five played as history would where it can (or ``choices``, by phase; the
    first choice open where history's is closed) until phase ``until`` has started; each
    ballot gets the students' ``ballots`` (by vote), then closes.
    ``rulings`` are the teacher's, given as the named phase's decision opens."""
    game = Game(scenario, seating=cast(scenario, 5), seed=1)
    events = list(game.start())
    ruled: set[str] = set()
    for _ in range(300):
        if any(isinstance(e, ev.PhaseStarted) and e.phase == until for e in events):
            return game, events
        assert not game.over, "the game ended first"
        r = next(iter(game.requests.values()))
        if r.kind == "decision":
            assert r.phase is not None
            for ruling in (rulings or {}).get(r.phase, []):
                if r.phase not in ruled:
                    events += game.submit(ruling)
            ruled.add(r.phase)
            phase = scenario.phases[r.phase]
            open_ = [o.id for o in r.options if o.available]
            history = phase.history if phase.history in open_ else open_[0]
            choice = (choices or {}).get(r.phase, history)
            events += game.submit(act.Choose(r.roles[0], r.request, choice))
        elif r.kind == "ballot":
            for seat, ballot in ballots.get(r.vote or "", {}).items():
                events += game.submit(act.Cast(seat, r.request, ballot))
            if r.request in game.requests:  # a ballot closes itself once every seat has voted
                events += game.submit(act.Close(r.request))
        elif r.kind == "rating":
            events += game.submit(act.Rate(r.request, 3))
        else:
            events += game.submit(act.Close(r.request))
    raise AssertionError(f"phase {until} was never reached")


def held(events: list[ev.Event], vote: str) -> ev.VoteHeld:
    return next(e for e in events if isinstance(e, ev.VoteHeld) and e.vote == vote)


def told_after(events: list[ev.Event], vote: str) -> list[str]:
    """The paragraphs of every scene and outcome told after ``vote`` was held."""
    start = events.index(held(events, vote))
    texts = [e.text for e in events[start:] if isinstance(e, (ev.PhaseStarted, ev.Narration))]
    return [" ".join(p.split()) for text in texts for p in text.split("\n\n")]


def played_to_the_first_night(scenario: Scenario, students: dict[str, str]) -> list[ev.Event]:
    _, events = play_class(scenario, {"showdown_18_june": students}, until="arrivals_19_june")
    return events


def test_the_historical_count_is_told_as_the_later_accounts_tell_it(
    june_1957: Scenario,
) -> None:
    events = played_to_the_first_night(june_1957, AS_IN_1957)
    vote = held(events, "showdown_18_june")
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == (7, 4, 0)
    told = told_after(events, "showdown_18_june")
    assert HISTORY in told  # the sentence as it stood, unlabelled
    assert not any(REAL_MEETING in p for p in told)
    assert not any(p.startswith(COUNTERFACTUAL_MARK + "In this game") for p in told)
    assert "Seven votes are seven votes." in " ".join(told)


@pytest.mark.parametrize(
    ("students", "said", "passed"),
    [
        (VOTED_DOWN, "failed by four votes to seven", False),
        (NOBODY_VOTED, "carried by four votes to three with four abstentions", True),
    ],
    ids=["voted-down", "students-abstain"],
)
def test_a_class_count_unlike_1957_is_told_as_this_games_and_history_as_history(
    june_1957: Scenario, students: dict[str, str], said: str, passed: bool
) -> None:
    events = played_to_the_first_night(june_1957, students)
    vote = held(events, "showdown_18_june")
    assert vote.votes_for == 4 and vote.passed is passed
    told = told_after(events, "showdown_18_june")
    whole = " ".join(told)
    # Nothing claims seven hands went up in this game, or that the seven kept their count.
    assert HISTORY not in told
    assert "Seven votes" not in whole
    # What the class did, labelled as this game's, with the ballot's own tally.
    (ours,) = [p for p in told if said in p]
    assert ours.startswith(COUNTERFACTUAL_MARK + "In this game")
    # And what really happened, labelled as the real meeting, as the later accounts have it.
    (real,) = [p for p in told if REAL_MEETING in p]
    assert not real.startswith(COUNTERFACTUAL_MARK)
    assert "only Mikoyan, Suslov and Kirichenko with him" in real
    if not passed:
        for claim in (
            "The Presidium has voted",
            "The seven have their majority",
            "a majority is a majority",
            "sleep on their majority",
            "is a fact",
        ):
            assert claim not in whole, claim
        assert "the seven lost Tuesday's count, four votes to seven" in whole


def test_a_class_that_votes_the_motion_down_has_no_decision_to_publish(
    june_1957: Scenario,
) -> None:
    game, _ = play_class(june_1957, {"showdown_18_june": VOTED_DOWN}, until="majority_night")
    offered = {o.id: o for o in game.options()}
    assert not offered["publish_the_decision"].available
    assert "no decision to publish" in (offered["publish_the_decision"].reason or "")


# The counterfactual Friday vote: the teacher rules the door shut (few members in Moscow, the
# marshal aside) before Molotov's decision opens, and Molotov calls the question.
FRIDAY = {"friday_answer": "call_the_question"}
DOOR_SHUT = {
    "sverdlov_hall": [
        act.SetValue("cc_in_moscow", 30, "the trains were late"),
        act.SetValue("zhukov.stance", "aside", "the marshal stays at home"),
    ]
}


@pytest.mark.parametrize(
    ("friday", "votes", "ending_scene", "said"),
    [
        (
            {"khrushchev": "against", "molotov": "for", "bulganin": "against", "malenkov": "for"},
            (6, 5, 0),
            "majority_prevails",
            "By six votes to five, the Presidium relieves Khrushchev of his post.",
        ),
        (
            {
                "khrushchev": "against",
                "molotov": "for",
                "bulganin": "against",
                "malenkov": "against",
            },
            (5, 6, 0),
            "majority_breaks",
            "Five hands go up for his removal: not the six the seven need.",
        ),
        (
            {
                "khrushchev": "against",
                "molotov": "against",
                "bulganin": "against",
                "malenkov": "against",
            },
            (4, 7, 0),
            "majority_breaks",
            "Four hands go up for his removal: two short of the six the seven need.",
        ),
    ],
    ids=["six-to-five", "five-hands", "four-hands"],
)
def test_the_friday_show_of_hands_is_told_as_the_class_raised_them(
    june_1957: Scenario,
    friday: dict[str, str],
    votes: tuple[int, int, int],
    ending_scene: str,
    said: str,
) -> None:
    _, events = play_class(
        june_1957,
        {"showdown_18_june": AS_IN_1957, "removal_21_june": friday},
        until=ending_scene,
        choices=FRIDAY,
        rulings=DOOR_SHUT,
    )
    vote = held(events, "removal_21_june")
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == votes
    told = told_after(events, "removal_21_june")
    assert said in told
    assert not any("By seven votes to four" in p for p in told)


# october_1964: the Presidium's decree of 14 October is a show of hands a class can lose.
DECREE_VOTED_DOWN = {
    "khrushchev": "against",
    "brezhnev": "against",
    "mikoyan": "against",
    "suslov": "against",
}


@pytest.mark.parametrize(
    ("choices", "scene"),
    [({}, "plenum_14_october"), ({"presidium_14_october": "refuse_to_go"}, "the_appeal_prepared")],
    ids=["he-asks-to-go", "he-fights"],
)
def test_a_decree_the_class_voted_down_is_not_told_as_adopted(
    october_1964: Scenario, choices: dict[str, str], scene: str
) -> None:
    _, events = play_class(
        october_1964, {"presidium_decree": DECREE_VOTED_DOWN}, until=scene, choices=choices
    )
    vote = held(events, "presidium_decree")
    assert not vote.passed
    told = " ".join(told_after(events, "presidium_decree"))
    before = " ".join(e.text for e in events if isinstance(e, ev.PhaseStarted))
    assert "the Presidium adopts its decree" not in before
    assert "overrule the Presidium" not in told
    count = tally(vote.votes_for, vote.votes_against, vote.abstentions)
    assert f"In this game the Presidium's hands went {count}" in told
    assert "in 1964 it was adopted" in told


def test_the_decree_as_in_1964_is_told_without_a_word_of_this_game(
    october_1964: Scenario,
) -> None:
    _, events = play_class(october_1964, {}, until="plenum_14_october")
    assert held(events, "presidium_decree").passed
    told = " ".join(told_after(events, "presidium_decree"))
    assert "In this game the Presidium's hands" not in told
    assert "Seven years after a Central Committee saved him" in told
