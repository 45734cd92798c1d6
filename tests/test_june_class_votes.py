"""june_1957 in a class: what the students vote carries through the story.

Real class games of the bundled scenario and its own cast (five students: Khrushchev,
Molotov, Zhukov, Bulganin, Malenkov), played through the real engine with the dice falling as
in history. Each test plays what a teacher saw go wrong in a try-out: a premier who voted
against the motion still counted with the majority, a decision the Presidium never took
published in TASS, Molotov deciding one hand and raising another, and an envelope that said
the marshal was undecided while the state of play had him with Khrushchev.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pytest

from presidium import actions as act
from presidium import events as ev
from presidium.catalog import load
from presidium.engine import Game, HistoryDice
from presidium.model import Scenario
from presidium.requests import BALLOT, DECISION, FLOOR
from presidium.seating import cast
from test_class_votes_told import held as vote_held


@pytest.fixture(scope="module")
def june() -> Scenario:
    return load("june_1957")


def rule_ballot(game: Game, vote_id: str, actor: str) -> str:
    from presidium.ballots import rule_ballot as ruled

    ballot = ruled(game.scenario, game.scenario.votes[vote_id], game.values, actor)
    assert ballot is not None
    return ballot.vote


def play(
    scenario: Scenario,
    until: str,
    *,
    ballots: Mapping[tuple[str, str], str] = {},
    choices: Mapping[str, str] = {},
    before: Mapping[str, list[act.Action]] = {},
    moves: Mapping[str, list[tuple[str, str]]] = {},
    students: int = 5,
    silent: Collection[tuple[str, str]] = (),
) -> tuple[Game, list[ev.Event]]:
    """A class of five plays until the decision of phase ``until`` is open (or the game
    ends). Each student votes as ``ballots`` says (by vote and seat), else as the scenario's
    rules would; decides as ``choices`` says (by phase), else as history did where it can,
    else the first choice open; every floor is closed at once. ``before`` gives actions taken
    when a phase's first request opens (a declaration, a teacher's ruling); ``moves`` the
    floor moves (role, move) made at a phase's floor before it is closed; ``silent`` the
    students (by vote and seat) who never vote: the teacher closes the ballot on them."""
    game = Game(scenario, seating=cast(scenario, students), dice=HistoryDice())
    events = game.start()
    done: set[str] = set()
    for _ in range(400):
        if game.over:
            return game, events
        request = next(iter(game.requests.values()))
        if request.phase in before and request.phase not in done:
            done.add(request.phase)
            for action in before[request.phase]:
                events += game.submit(action)
            continue
        if request.kind == DECISION and request.phase == until:
            return game, events
        if request.kind == FLOOR:
            for role, move in moves.get(request.phase, []):
                events += game.submit(act.MakeMove(role, request.request, move))
            events += game.submit(act.Close(request.request))
        elif request.kind == BALLOT:
            assert request.vote is not None
            left = [s for s in request.roles if s not in game.voted(request.request)]
            if all((request.vote, s) in silent for s in left):
                events += game.submit(act.Close(request.request))
                continue
            seat = next(s for s in left if (request.vote, s) not in silent)
            actor = scenario.roles[seat].actor
            assert actor is not None
            wanted = ballots.get((request.vote, seat)) or rule_ballot(game, request.vote, actor)
            events += game.submit(act.Cast(seat, request.request, wanted, "my own reason"))
        else:
            assert request.kind == DECISION
            open_ = [o.id for o in request.options if o.available]
            phase = scenario.phases[request.phase]
            choice = choices.get(request.phase)
            if choice is None:
                choice = phase.history if phase.history in open_ else open_[0]
            events += game.submit(act.Choose(request.roles[0], request.request, choice))
    raise AssertionError(f"{until} never reached")


def options(game: Game, phase: str) -> dict[str, ev.Option]:
    request = next(r for r in game.requests.values() if r.phase == phase and r.kind == DECISION)
    return {o.id: o for o in request.options}


BULGANIN_AGAINST = {
    ("showdown_18_june", "bulganin"): "against",
    ("showdown_18_june", "malenkov"): "abstain",
}


def test_a_premier_who_voted_against_is_no_longer_counted_with_the_majority(
    june: Scenario,
) -> None:
    game, events = play(june, "wednesday_waverer", ballots=BULGANIN_AGAINST)
    held = [e for e in events if isinstance(e, ev.VoteHeld) and e.vote == "showdown_18_june"]
    assert [(h.votes_for, h.votes_against, h.abstentions, h.passed) for h in held] == [
        (5, 5, 1, False)
    ]
    # The state of play counts him where his hand went, and Malenkov, who kept his hand
    # down, no longer with the majority either.
    assert game.values["bulganin.stance"] == "khrushchev"
    assert game.values["malenkov.stance"] == "wavering"
    said = [e.text for e in events if isinstance(e, ev.Narration)]
    assert (
        "The state of play follows the ballot: Nikolai Bulganin, who voted against, is now "
        "with Khrushchev (was with the majority)."
    ) in said
    status = next(
        e
        for e in events[events.index(held[0]) :]
        if isinstance(e, ev.Status) and "With Khrushchev 5" in repr(e)
    )
    assert "With the majority 7" not in repr(status)
    # Next day Khrushchev is not offered to win over a man who has just voted for him.
    work_on_bulganin = options(game, "wednesday_waverer")["work_on_bulganin"]
    assert not work_on_bulganin.available
    # and the greyed reason does not call a man who voted for him one keeping his distance
    assert work_on_bulganin.reason == (
        "Bulganin is no longer with the seven: the state of play shows where he stands."
    )
    scene = [e for e in events if isinstance(e, ev.PhaseStarted)][-1]
    assert scene.phase == "wednesday_waverer"
    assert "not all four are still with the seven" in scene.text


def test_after_a_failed_motion_nobody_publishes_a_relief_or_goes_home_on_a_majority(
    june: Scenario,
) -> None:
    game, events = play(june, "night_phones", ballots=BULGANIN_AGAINST)
    sleep = options(game, "night_phones")["sleep_on_it"]
    assert not sleep.available
    game, events = play(june, "thursday_press", ballots=BULGANIN_AGAINST)
    assert not game.values["showdown_18_june.passed"]
    publish = options(game, "thursday_press")["publish_now"]
    assert not publish.available and "no decision to publish" in (publish.reason or "")
    # and whatever the Molotov student takes, the papers never announce a relief
    game, events = play(june, "sverdlov_hall", ballots=BULGANIN_AGAINST)
    assert not game.values["published"]
    told = " ".join(e.text for e in events if isinstance(e, ev.PhaseStarted))
    assert "the papers have already announced" not in told


def test_voroshilov_standing_aside_is_not_the_loudest_for_the_majority(june: Scenario) -> None:
    ruling = act.SetValue("voroshilov.stance", "aside", "Zhukov's argument moved him")
    _, events = play(june, "friday_corridor", before={"the_petition": [ruling]})
    refused = [
        e for e in events if isinstance(e, ev.ChoiceMade) and e.choice == "refuse_to_receive_them"
    ]
    assert refused, "the Molotov student refused to receive them, as history did"
    said = " ".join(
        e.text for e in events[events.index(refused[0]) :] if isinstance(e, ev.Narration)
    )
    assert "Voroshilov is loudest" not in said and "Kaganovich says it for him" in said


@pytest.mark.parametrize("hand", ["vote_against", "vote_for", "abstain"])
def test_molotovs_last_word_is_his_plenum_hand(june: Scenario, hand: str) -> None:
    # He decides at his last word, and then raises his hand the other way if asked.
    other = {"vote_against": "for", "vote_for": "against", "abstain": "for"}[hand]
    game, events = play(
        june,
        "epilogue",
        choices={"last_word": hand},
        ballots={("plenum_29_june", "molotov"): other},
    )
    opened = [
        e
        for e in events
        if isinstance(e, ev.RequestOpened) and e.vote == "plenum_29_june" and e.kind == BALLOT
    ]
    assert opened and all("molotov" not in e.roles for e in opened)
    held = vote_held(events, "plenum_29_june")
    molotov = next(b for b in held.ballots if b.voter == "molotov")
    assert (
        molotov.vote == {"vote_against": "against", "vote_for": "for", "abstain": "abstain"}[hand]
    )
    # the debrief's record and his objective read the same hand
    assert game.ballots["plenum_29_june"]["molotov"] == molotov.vote


@pytest.mark.parametrize("zhukov", ["khrushchev", "aside", None])
def test_khrushchevs_envelope_agrees_with_where_zhukov_stands(
    june: Scenario, zhukov: str | None
) -> None:
    before = {}
    if zhukov is not None:  # the marshal's student declares at Tuesday's floor
        before = {"presidium_count": [act.Declare("zhukov", zhukov)]}
    game, events = play(june, "first_evening", before=before)
    envelope = next(e for e in events if isinstance(e, ev.Revealed) and e.seat == "khrushchev")
    assert envelope.phase == "first_evening"
    shown = game.scenario.stances[game.values["zhukov.stance"]]
    assert zhukov is None or shown != "Wavering"
    # It says what was so in 1957, and leaves where he stands tonight to the state of play.
    assert "has not yet said whose side he is on" not in envelope.text
    assert "In 1957" in envelope.text and "state of play" in envelope.text


def test_published_first_publishes_no_relief_after_a_lost_count() -> None:
    # The counterfactual replaces the night's 'Publish tonight' with its own drafted
    # communique; after a count the class lost, there is still nothing to publish.
    game, _ = play(load("published_first"), "majority_night", ballots=BULGANIN_AGAINST)
    assert not game.values["showdown_18_june.passed"]
    publish = options(game, "majority_night")["publish_the_decision"]
    assert not publish.available and "never taken" in (publish.reason or "")
    _, events = play(load("published_first"), "sverdlov_hall", ballots=BULGANIN_AGAINST)
    assert not any(
        e.phase == "the_morning_papers" for e in events if isinstance(e, ev.PhaseStarted)
    )


def test_shepilov_stays_tells_the_night_a_lost_count() -> None:
    _, events = play(load("shepilov_stays"), "majority_night", ballots=BULGANIN_AGAINST)
    scene = [e for e in events if isinstance(e, ev.PhaseStarted)][-1]
    assert scene.phase == "majority_night"
    assert "The seven have their majority" not in scene.text
    assert "In this game the seven lost Tuesday's count" in scene.text


def test_bulganins_friday_envelope_does_not_say_voroshilov_wants_them_out(
    june: Scenario,
) -> None:
    ruling = act.SetValue("voroshilov.stance", "aside", "Zhukov's argument moved him")
    _, events = play(june, "friday_corridor", before={"thursday_press": [ruling]})
    envelope = next(
        e
        for e in events
        if isinstance(e, ev.Revealed) and e.seat == "bulganin" and e.phase == "the_petition"
    )
    assert "Voroshilov wants them kept out" not in envelope.text
    assert "In 1957 Voroshilov wanted them kept out" in envelope.text
    assert "state of play" in envelope.text


@pytest.mark.parametrize(
    ("seat", "move", "choice", "students", "already"),
    [
        (
            "zhukov",
            "offer_the_aircraft",
            "ask_for_the_aircraft",
            5,
            "Zhukov offered his transport planes on Wednesday, and they are already bringing "
            "members in.",
        ),
        (
            "serov",
            "kgb_transport",
            "kgb_cars_and_planes",
            8,
            "Serov put the KGB's aircraft and cars at the members' disposal on Wednesday, and "
            "they are already bringing members in.",
        ),
    ],
)
def test_transports_offered_on_the_floor_are_not_offered_again(
    june: Scenario, seat: str, move: str, choice: str, students: int, already: str
) -> None:
    # Teacher's try-outs 6 to 8: the marshal (or Serov) sent the planes at the night's floor,
    # and on Thursday Khrushchev was offered them again. Now the choice is greyed, saying
    # plainly that they are already flying; the other side's transport is still offered.
    game, events = play(
        june, "thursday_aircraft", moves={"majority_night": [(seat, move)]}, students=students
    )
    made = [e for e in events if isinstance(e, ev.MoveResolved) and e.move == move]
    assert made, f"{seat} made the move {move}"
    offered = options(game, "thursday_aircraft")
    assert not offered[choice].available
    assert offered[choice].reason == already
    assert offered["secretaries_keep_calling"].available
    # and without the move, Thursday offers them as before
    game, _ = play(june, "thursday_aircraft", students=students)
    assert options(game, "thursday_aircraft")[choice].available


def test_thursday_tells_that_both_transports_have_gone_already(june: Scenario) -> None:
    night = [("zhukov", "offer_the_aircraft"), ("serov", "kgb_transport")]
    game, events = play(june, "thursday_aircraft", moves={"majority_night": night}, students=8)
    offered = options(game, "thursday_aircraft")
    assert [o.id for o in offered.values() if o.available] == ["secretaries_keep_calling"]
    scene = [e for e in events if isinstance(e, ev.PhaseStarted)][-1]
    assert scene.phase == "thursday_aircraft"
    assert "In this game both have already put their aircraft at the members' disposal." in (
        " ".join(scene.text.split())
    )


def test_fridays_call_for_the_vote_says_plainly_why_it_is_closed(june: Scenario) -> None:
    # Teacher's try-outs 7 and 8: "(the majority's first target is lost)" told nobody why.
    game, _ = play(june, "friday_answer")
    moscow = game.values["cc_in_moscow"]
    assert moscow >= 60 and not game.values["gates_closed"]
    call = options(game, "friday_answer")["call_the_question"]
    assert not call.available
    assert call.reason == (
        f"The door will not hold tonight: {moscow} Central Committee members are in Moscow, "
        "and the Kremlin gates are open to them. Nobody will raise a hand to remove him over "
        "their heads."
    )
    assert "target" not in (call.reason or "")


TWO_ABSTAIN = {
    ("showdown_18_june", "bulganin"): "abstain",
    ("showdown_18_june", "saburov"): "abstain",
}


@pytest.fixture(scope="module")
def two_abstain(june: Scenario) -> tuple[Game, list[ev.Event]]:
    """Teacher's try-out 8, finding 8: a class of twelve in which Bulganin's and Saburov's
    students keep their hands down in the Presidium (five to four with two abstentions), and
    have not voted when the teacher closes the plenum's ballot, so the rules raise their
    hands there, with the rules' reasons."""
    return play(
        june,
        "the end",
        ballots=TWO_ABSTAIN,
        students=12,
        silent={("plenum_29_june", "bulganin"), ("plenum_29_june", "saburov")},
    )


def scene_text(events: list[ev.Event], phase: str) -> str:
    scene = next(e for e in events if isinstance(e, ev.PhaseStarted) and e.phase == phase)
    return " ".join(scene.text.split())


def test_the_story_follows_the_class_s_own_presidium_vote(
    two_abstain: tuple[Game, list[ev.Event]],
) -> None:
    game, events = two_abstain
    assert game.over
    held = vote_held(events, "showdown_18_june")
    assert (held.votes_for, held.votes_against, held.abstentions) == (5, 4, 2)
    # Wednesday: the later accounts, and then this game's hands
    waverers = scene_text(events, "waverers")
    assert "By later accounts Pervukhin and Saburov sided with the seven on Tuesday" in waverers
    assert (
        "In this game's vote on Tuesday, Pervukhin raised his hand with the seven and Saburov kept "
        "his hand down."
    ) in waverers
    # they already were five: not "if two of them keep their hands down, the seven become five"
    wednesday = scene_text(events, "wednesday_waverer")
    assert "the seven become five" not in wednesday
    assert "In this game Tuesday's motion had five votes, not seven: already fewer than" in (
        wednesday
    )
    assert "In 1957, by the later accounts, all four sided with the seven." in wednesday
    # the plenum opens: not "who sided with them in the Presidium"
    plenum = scene_text(events, "plenum_opens")
    assert "who sided with them in the Presidium" not in plenum
    assert (
        "Bulganin (who kept his hand down on Tuesday), Voroshilov, Pervukhin and Saburov (who "
        "kept his hand down on Tuesday) watch the hall rather than the table"
    ) in plenum
    if game.values["cc_lean"] >= 60:
        assert "In 1957, by the later accounts, all four had sided with the seven" in plenum
    # the plenum's vote, and so the debrief: the rules' reasons follow Tuesday's hands
    vote = vote_held(events, "plenum_29_june")
    reasons = {b.voter: b.reason for b in vote.ballots}
    assert "sided with the seven" not in reasons["saburov"]
    assert "kept his hand down in the Presidium, and now turns on the seven" in reasons["saburov"]
    assert "changes sides" not in reasons["bulganin"]
    assert "kept his hand down when they voted on Tuesday" in reasons["bulganin"]
    new = scene_text(events, "new_presidium")
    assert new.startswith("Four of the men the seven counted on are not named")


def test_a_class_that_voted_as_the_accounts_say_reads_them_unchanged(june: Scenario) -> None:
    game, events = play(june, "the end", students=12)
    held = vote_held(events, "showdown_18_june")
    assert (held.votes_for, held.votes_against, held.abstentions) == (7, 4, 0)
    assert "If two of them keep their hands down, the seven become five" in scene_text(
        events, "wednesday_waverer"
    )
    assert "In this game's vote" not in scene_text(events, "waverers")
    plenum = scene_text(events, "plenum_opens")
    assert "Bulganin, Voroshilov, Pervukhin and Saburov" in plenum and "(who" not in plenum
    if game.values["cc_lean"] >= 60:
        assert "Saburov, who sided with them in the Presidium, watch the hall" in plenum
    assert scene_text(events, "new_presidium").startswith("Four of the seven are not named")


@pytest.fixture(scope="module")
def bulganin_silent(june: Scenario) -> tuple[Game, list[ev.Event]]:
    """Teacher's try-out 7: Bulganin's student declares "Wavering" on Tuesday's floor and
    votes with the seven in the Presidium (his ballot moves him with the majority), then
    has not voted when the teacher closes the plenum's open ballot: the scenario's rules
    cast his hand, and the plenum passes the resolution."""
    declare = {"presidium_count": [act.Declare("bulganin", "wavering")]}
    return play(
        june,
        "the end",
        before=declare,
        ballots={("showdown_18_june", "bulganin"): "for"},
        silent={("plenum_29_june", "bulganin")},
    )


def test_a_student_who_had_not_voted_is_not_told_the_plenum_never_voted(
    bulganin_silent: tuple[Game, list[ev.Event]],
) -> None:
    game, events = bulganin_silent
    assert game.over
    held = vote_held(events, "plenum_29_june")
    assert held.passed
    counted = next(b for b in held.ballots if b.voter == "bulganin")
    assert counted.reason.startswith("Had not voted when the teacher closed the ballot; ")
    assert game.ballots["plenum_29_june"]["bulganin"] == "none"  # no hand of his own
    scored = next(e for e in events if isinstance(e, ev.ObjectivesScored) and e.seat == "bulganin")
    said = {r.id: (r.achieved, r.comment) for r in scored.results}
    # judged on his own hand, which he never raised, and told so: not that the plenum
    # never voted, nor that he read the hall
    assert said["winning_hand"] == (
        False,
        "You had not voted when the ballot closed: the hand the rules raised for you was "
        "not your reading of the hall.",
    )
    assert said["still_premier"] == (
        False,
        "Khrushchev's side won, and you had not voted when the plenum's ballot closed: the "
        "hand the rules raised for you was not yours.",
    )


def test_a_stance_the_ballot_moved_is_not_called_the_one_declared(
    bulganin_silent: tuple[Game, list[ev.Event]],
) -> None:
    _, events = bulganin_silent
    follows = (
        "The state of play follows the ballot: Nikolai Bulganin, who voted for, is now with "
        "the majority (was wavering)."
    )
    assert follows in [e.text for e in events if isinstance(e, ev.Narration)]
    moved = [e for e in events if isinstance(e, ev.StanceMoved) and e.seat == "bulganin"]
    assert len(moved) == 1
    # the plenum's scene moves him back to "Wavering": what he declared, but not from it
    assert moved[0].own == (
        "Your stance (with the majority; you declared wavering) is changed by the scene "
        "'The plenum opens': now wavering. You may declare again."
    )
    assert moved[0].text == (
        "Nikolai Bulganin's stance (with the majority; the student declared wavering) is "
        "changed by the scene 'The plenum opens': now wavering. The student playing Nikolai "
        "Bulganin may declare again."
    )
