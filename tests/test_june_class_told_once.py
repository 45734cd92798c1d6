"""june_1957 in a class: nothing told twice, nothing told before it is decided.

Real class games of the bundled scenario, played through the real engine with the dice as in
history (the ``play`` of test_june_class_votes). Each test plays what the sixth teacher
try-out saw: a floor move or the teacher's event told again by a later decision (Mikoyan's
walk to the corridor, Konev's speech, Zhukov's aircraft, Saburov's confirmation), a scene
that narrated the phone call to the marshal before Khrushchev chose whom to call, Molotov's
last word saying that Malenkov and Kaganovich repent before their students voted, and a
greyed reason on the projector that spoke to one player as "your".
"""

from __future__ import annotations

import re

import pytest

from presidium import actions as act
from presidium import events as ev
from presidium.catalog import bundled_ids, load
from presidium.classroom import console as words
from presidium.engine import IllegalChoice
from presidium.model import Scenario
from test_june_class_votes import options, play


@pytest.fixture(scope="module")
def june() -> Scenario:
    return load("june_1957")


def told(events: list[ev.Event]) -> str:
    """Everything the room or a player read: scenes, outcomes, moves and injections."""
    texts = []
    for e in events:
        if isinstance(e, ev.PhaseStarted | ev.Narration | ev.MoveResolved | ev.Injected):
            texts.append(e.text)
    return " ".join(" ".join(texts).split())


def test_mikoyan_goes_out_to_the_corridor_once(june: Scenario) -> None:
    # Six students: Mikoyan's is seated, and makes his move on Friday's floor.
    game, events = play(
        june,
        "friday_corridor",
        moves={"the_petition": [("mikoyan", "go_out_to_them")]},
        students=6,
    )
    said = told(events)
    assert said.count("Mikoyan comes out to the members") == 1
    scene = [e for e in events if isinstance(e, ev.PhaseStarted)][-1]
    assert scene.phase == "friday_corridor"
    assert "Mikoyan has already been out to the members" in scene.text
    assert "is ready to go" not in scene.text
    leave = options(game, "friday_corridor")["mikoyan_goes_out"]
    assert leave.label == "Leave the corridor to Mikoyan: let him tell them how things stand"
    request = next(iter(game.requests.values()))
    after = game.submit(act.Choose(request.roles[0], request.request, "mikoyan_goes_out"))
    said = told(events + after)
    assert said.count("very alarming") == 2  # his move, and the scene that recalls it
    assert "keeps them told how things stand" in said
    assert said.count("Mikoyan comes out to the members") == 1


def test_without_his_move_mikoyan_is_sent_out_as_in_history(june: Scenario) -> None:
    game, _events = play(june, "friday_corridor", students=6)
    request = next(iter(game.requests.values()))
    after = game.submit(act.Choose(request.roles[0], request.request, "mikoyan_goes_out"))
    assert "Mikoyan comes out to the members and admits" in told(after)


def test_konev_injected_is_not_offered_again_nor_injected_twice(june: Scenario) -> None:
    game, events = play(june, "zhukov_speaks")
    assert any(
        line.startswith("konev_speaks:")
        for line in words.injections_help(june, "zhukov_speaks", game.values, game.injected)
    )
    events += game.submit(act.Inject("konev_speaks"))
    assert game.injected == {"konev_speaks": 1}
    # 'help inject' no longer lists it, and a second 'inject' is refused, saying why
    listed = words.injections_help(june, "zhukov_speaks", game.values, game.injected)
    assert not any(line.startswith("konev_speaks:") for line in listed)
    with pytest.raises(IllegalChoice, match="can be injected only once in a game"):
        game.submit(act.Inject("konev_speaks"))
    # The speakers' list does not put him up a second time: greyed, with a reason for the room.
    game, events = play(
        june, "plenum_speakers", before={"zhukov_speaks": [act.Inject("konev_speaks")]}
    )
    konev = options(game, "plenum_speakers")["konev_for_the_army"]
    assert not konev.available
    assert konev.reason == "Konev has already spoken for the army's commanders."
    assert told(events).count("speaking for all the army's commanders, demands") == 1


def test_undoing_konev_lets_the_teacher_inject_him_again(june: Scenario) -> None:
    game, _ = play(june, "zhukov_speaks")
    game.submit(act.Inject("konev_speaks"))
    game.submit(act.Undo())
    assert game.injected == {}
    assert game.submit(act.Inject("konev_speaks"))


def test_konev_put_up_from_the_speakers_list_cannot_be_injected_after(june: Scenario) -> None:
    game, events = play(june, "majority_defence")
    assert any(isinstance(e, ev.ChoiceMade) and e.choice == "konev_for_the_army" for e in events)
    listed = words.injections_help(june, "majority_defence", game.values, game.injected)
    assert not any(line.startswith("konev_speaks:") for line in listed)
    with pytest.raises(IllegalChoice, match="cannot happen now"):
        game.submit(act.Inject("konev_speaks"))


def test_pervukhins_reason_names_konev_only_once_he_has_spoken(june: Scenario) -> None:
    _game, events = play(june, "epilogue", choices={"plenum_speakers": "ustinov_and_shelepin"})
    held = next(e for e in events if isinstance(e, ev.VoteHeld) and e.vote == "plenum_29_june")
    pervukhin = next(b for b in held.ballots if b.voter == "pervukhin")
    assert "Konev" not in pervukhin.reason and "he votes with the hall" in pervukhin.reason


def test_zhukovs_planes_offered_on_the_floor_are_not_found_again(june: Scenario) -> None:
    # The marshal comes over on the first evening (as in history), then offers his planes:
    # Thursday tells that they are flying, and does not offer them to Khrushchev a second time.
    game, events = play(
        june, "thursday_aircraft", moves={"majority_night": [("zhukov", "offer_the_aircraft")]}
    )
    assert "Transport planes are found for members in the far regions" in told(events)
    scene = next(
        e for e in events if isinstance(e, ev.PhaseStarted) and e.phase == "thursday_aircraft"
    )
    assert "In this game Zhukov has already offered his transport planes." in " ".join(
        scene.text.split()
    )
    request = next(iter(game.requests.values()))
    planes = next(o for o in request.options if o.id == "ask_for_the_aircraft")
    assert not planes.available
    after = game.submit(act.Choose(request.roles[0], request.request, "ask_for_the_aircraft"))
    assert [e.reason for e in after if isinstance(e, ev.Refused)] == [planes.reason]
    assert not any(isinstance(e, ev.ChoiceMade) for e in after)
    assert "planes" not in told(after).replace(planes.reason or "", "")


def test_saburovs_confirmation_is_not_told_before_khrushchev_says_it(june: Scenario) -> None:
    # Twelve students: Saburov's is seated, and confirms the plan on the plenum's first floor.
    game, events = play(
        june,
        "plenum_speakers",
        moves={"plenum_opens": [("saburov", "confirm_the_plan")]},
        students=12,
    )
    said = told(events)
    assert "The hall has heard it from Khrushchev" not in said
    assert "tells the plenum that the group meant to replace Serov" in said
    request = next(iter(game.requests.values()))
    after = game.submit(act.Choose(request.roles[0], request.request, "the_plan_against_serov"))
    assert "Khrushchev tells the plenum what Saburov has already confirmed" in told(after)


@pytest.mark.parametrize(
    ("choice", "call"),
    [
        ("serov_makes_the_call", True),
        ("call_zhukov_yourself", False),
        ("summon_the_central_committee", False),
    ],
)
def test_the_phone_call_is_told_only_when_it_is_made(
    june: Scenario, choice: str, call: bool
) -> None:
    game, events = play(june, "first_evening")
    scene = [e for e in events if isinstance(e, ev.PhaseStarted)][-1]
    assert scene.phase == "first_evening"
    assert "rang Zhukov" not in scene.text and "receiver" not in scene.text
    request = next(iter(game.requests.values()))
    after = game.submit(act.Choose(request.roles[0], request.request, choice))
    said = told(after)
    assert ("Then Serov took the receiver" in said) == call
    assert ("Brezhnev and Aristov rang Zhukov" in said) == call


def test_envelopes_on_the_first_evening_leave_the_call_to_khrushchev(june: Scenario) -> None:
    for role in ("brezhnev", "serov"):
        (envelope,) = [k for k in june.roles[role].knows if k.at == "first_evening"]
        assert envelope.text.startswith("In 1957")
        assert "Who makes the call tonight is Khrushchev's decision." in envelope.text


def test_molotovs_last_word_does_not_say_how_malenkov_will_vote(june: Scenario) -> None:
    _game, events = play(
        june,
        "epilogue",
        ballots={("plenum_29_june", "malenkov"): "against"},
    )
    scene = next(e for e in events if isinstance(e, ev.PhaseStarted) and e.phase == "last_word")
    text = " ".join(scene.text.split())
    assert "Malenkov and Kaganovich repent." not in text
    assert "In 1957 Malenkov and Kaganovich repented in theirs." in text
    held = next(e for e in events if isinstance(e, ev.VoteHeld) and e.vote == "plenum_29_june")
    assert next(b for b in held.ballots if b.voter == "malenkov").vote == "against"


@pytest.mark.parametrize("name", bundled_ids())
def test_no_greyed_reason_the_room_reads_says_you(name: str) -> None:
    """A choice's reason is shown on the projector, and a public move's when it fails: they
    speak of people by name, never to one player as 'you'."""
    scenario = load(name)
    reasons = [
        (f"{pid}.{c.id}", c.unavailable)
        for pid, phase in scenario.phases.items()
        for c in phase.choices
        if c.unavailable
    ]
    reasons += [
        (f"{rid}.{m.id}", m.unavailable)
        for rid, role in scenario.roles.items()
        for m in role.moves
        if m.unavailable and m.public
    ]
    said = [(where, r) for where, r in reasons if re.search(r"\byou(r|rs|rself)?\b", r, re.I)]
    assert said == []


def test_the_run_sheet_says_which_events_are_once_only(june: Scenario) -> None:
    from presidium.classroom import sheets
    from presidium.seating import cast

    run = sheets.build(june, cast(june, 12)).run
    terms = {iid: said for iid, _, said in run.injections}
    assert "; once only;" in terms["konev_speaks"] and "; once only;" in terms["marshals_write"]
    assert "once only" not in terms["straw_poll"]
