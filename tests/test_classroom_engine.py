"""The engine with several people at once: requests, submit(action), ballots, floors,
persuasion, the teacher's actions, objectives, audiences, and replay from the log."""

from __future__ import annotations

import io
import itertools
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classroom_helpers import SEATS, random_action, seating, with_cast
from conftest import ROOT, run_cli
from presidium import actions as act
from presidium import events as ev
from presidium.audience import ROOM, only
from presidium.ballots import delegate_votes, scaled
from presidium.compiler import load_scenario
from presidium.engine import Game
from presidium.errors import IllegalChoice
from presidium.files import compile_file
from presidium.model import Scenario
from presidium.seating import Seating, benches, cast, solo
from presidium.ui.classroom import RoomRenderer
from presidium.ui.render import make_console

BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def cast_1957(june_1957: Scenario) -> Scenario:
    return with_cast(june_1957)


class Dice:
    """Every roll succeeds unless its label is in ``fail``; the labels are recorded."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.fail = fail or set()
        self.rolled: list[str] = []

    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        self.rolled.append(what)
        return what not in self.fail, 1 if what not in self.fail else 100


def request(game: Game, kind: str) -> ev.RequestOpened:
    assert game.room is not None
    found = [r for r in game.room.state.requests.values() if r.kind == kind]
    assert found, f"no {kind} is open; open: {list(game.room.state.requests)}"
    return found[0]


def history_choice(game: Game, r: ev.RequestOpened) -> str:
    phase = game.phase
    assert phase is not None
    available = [o.id for o in r.options if o.available]
    return phase.history if phase.history in available else available[0]


def play_until(game: Game, kind: str, phase: str | None = None) -> list[ev.Event]:
    """Answer every request as history would (ballots by the rules' side) until a request of
    ``kind`` (in ``phase``) is open; the events on the way."""
    out: list[ev.Event] = []
    assert game.room is not None
    for _ in range(200):
        open_ = list(game.room.state.requests.values())
        for r in open_:
            if r.kind == kind and (phase is None or r.phase == phase):
                return out
        assert open_, "the game ended first" if game.over else "nothing is open"
        r = open_[0]
        if r.kind == "decision":
            out += game.submit(act.Choose(r.roles[0], r.request, history_choice(game, r)))
        else:
            out += game.submit(act.Close(r.request))
    raise AssertionError("never reached")


def play_out(game: Game, rng: random.Random | None = None) -> list[ev.Event]:
    """Answer every request (decisions as history did, ballots cast for) to the end."""
    out: list[ev.Event] = []
    assert game.room is not None
    while not game.over:
        r = next(iter(game.room.state.requests.values()))
        if r.kind == "decision":
            out += game.submit(act.Choose(r.roles[0], r.request, history_choice(game, r)))
        elif r.kind == "ballot":
            cast = game.room.state.cast[r.request]
            seat = next(s for s in r.roles if s not in cast)
            out += game.submit(act.Cast(seat, r.request, "for"))
        else:
            out += game.submit(act.Close(r.request))
    return out


def new_game(
    scenario: Scenario, n: int = 8, seed: int = 3, **kw: object
) -> tuple[Game, list[ev.Event]]:
    game = Game(scenario, seating=seating(n), seed=seed, **kw)  # type: ignore[arg-type]
    return game, game.start()


# ---------------------------------------------------------------- a whole class
def test_a_scripted_class_reaches_an_ending_and_scores_every_seat(cast_1957: Scenario) -> None:
    game, events = new_game(cast_1957)
    events += play_out(game)
    assert game.ending == "anti_party_group"
    scored = [e for e in events if isinstance(e, ev.ObjectivesScored)]
    assert [s.seat for s in scored] == list(SEATS)
    for s in scored:
        assert s.to == (f"role:{s.seat}", "teacher")
    khrushchev = scored[0].results
    assert [(r.id, r.achieved) for r in khrushchev] == [("stay", True), ("no_dock", True)]
    # every cc_member voted for at the plenum, and Molotov's own ballot was "for" too
    assert all(s.results[0].achieved for s in scored if s.seat.startswith("cc_member"))
    molotov = {r.id: r.achieved for r in scored[1].results}
    assert molotov == {"remove": False, "no_self": False}
    by = {e.by for e in game.trail}
    assert "role:khrushchev" in by and "role:molotov" in by


def test_the_order_inside_a_phase_is_scene_envelopes_status_floor_ballot(
    cast_1957: Scenario,
) -> None:
    game, events = new_game(cast_1957)
    events = play_until(game, "floor", "presidium_count")
    start = next(
        n
        for n, e in enumerate(events)
        if isinstance(e, ev.PhaseStarted) and e.phase == "presidium_count"
    )
    here = events[start:]
    assert [e.type for e in here] == ["phase", "revealed", "status", "request"]
    revealed = here[1]
    assert isinstance(revealed, ev.Revealed)
    assert (revealed.seat, revealed.envelope, revealed.to) == ("molotov", 1, ("role:molotov",))
    events = game.submit(act.Close("presidium_count:floor"))
    assert [e.type for e in events] == ["closed", "request"]
    assert request(game, "ballot").request == "presidium_count:ballot"


def test_envelopes_are_numbered_in_the_order_the_role_writes_them(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    events = play_until(game, "floor", "plenum_opens")
    mine = [e for e in events if isinstance(e, ev.Revealed) and e.seat == "khrushchev"]
    assert [(e.phase, e.envelope) for e in mine] == [("ambush", 1), ("plenum_opens", 2)]


def test_solo_seating_is_todays_game(june_1957: Scenario) -> None:
    a = Game(june_1957, ["khrushchev"], seed=5)
    b = Game(june_1957, seating=solo("khrushchev"), seed=5)
    assert b.room is None
    ea, eb = a.start(), b.start()
    while not a.over:
        assert a.pending is not None and b.pending is not None
        choice = next(o.id for o in a.pending.options if o.available)
        ea += a.step(choice)
        eb += b.submit(act.Choose("khrushchev", f"{b.pending.phase}:decision", choice))
    assert ea == eb and a.state_key() == b.state_key()
    assert all(isinstance(x, act.Choose) for x in b.log) and not a.log


def test_a_solo_game_refuses_other_actions_and_other_authors(june_1957: Scenario) -> None:
    game = Game(june_1957, seating=solo("khrushchev"), seed=5)
    game.start()
    assert game.pending is not None
    with pytest.raises(IllegalChoice, match="only choices"):
        game.submit(act.Undo())
    with pytest.raises(IllegalChoice, match="decides here, not 'molotov'"):
        game.submit(act.Choose("molotov", f"{game.pending.phase}:decision", "x"))


# ---------------------------------------------------------------- decisions
def test_consulted_advisers_advise_privately_and_the_holder_decides(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    play_until(game, "decision", "ambush")
    r = request(game, "decision")
    assert r.roles == ("khrushchev", "mikoyan")  # the seated roles of Khrushchev's side
    out = game.submit(act.Advise("mikoyan", r.request, "only_the_central_committee"))
    assert [e.type for e in out] == ["advised"]
    assert out[0].to == ("role:khrushchev", "role:mikoyan", "teacher")
    with pytest.raises(
        IllegalChoice, match="Anastas Mikoyan advises here; Nikita Khrushchev decides"
    ):
        game.submit(act.Choose("mikoyan", r.request, "only_the_central_committee"))
    with pytest.raises(IllegalChoice, match="is not consulted"):
        game.submit(act.Advise("molotov", r.request, "only_the_central_committee"))


def test_hands_decide_by_plurality_and_a_tie_goes_to_the_script(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    r = request(game, "decision")
    ids = [o.id for o in r.options if o.available]
    out = game.submit(act.Hands(r.request, ((ids[0], 1), (ids[1], 5), (ids[2], 2))))
    hands = next(e for e in out if isinstance(e, ev.HandsCounted))
    assert (hands.chosen, hands.tie_broken) == (ids[1], False)
    assert game.trail[-1].by == "hands" and game.trail[-1].choice == ids[1]
    # a tie: the script's own choice among the tied
    tied = Game(cast_1957, seating=seating(), seed=3)
    tied.start()
    scripted = Game(cast_1957, ["khrushchev"], seed=3)  # molotov's seat played by the script
    scripted.start()
    script_pick = scripted.trail[0].choice
    out = tied.submit(act.Hands(r.request, tuple((i, 3) for i in ids)))
    hands = next(e for e in out if isinstance(e, ev.HandsCounted))
    assert (hands.chosen, hands.tie_broken) == (script_pick, True)


def test_closing_a_decision_lets_the_script_take_it(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    out = game.submit(act.Close("the_plot:decision", timer=True))
    closed = out[0]
    assert isinstance(closed, ev.RequestClosed) and closed.by == "timer"
    assert game.trail[-1].by == "script"


# ---------------------------------------------------------------- ballots
def cast_all(game: Game, r: ev.RequestOpened, ballot: str = "for") -> list[ev.Event]:
    out: list[ev.Event] = []
    for seat in r.roles:
        out += game.submit(act.Cast(seat, r.request, ballot, f"{seat} says so"))
    return out


def to_ballot(scenario: Scenario) -> tuple[Game, ev.RequestOpened]:
    game, _ = new_game(scenario)
    play_until(game, "floor", "presidium_count")
    game.submit(act.Close("presidium_count:floor"))
    return game, request(game, "ballot")


def test_an_open_ballot_shows_each_vote_as_it_is_cast(june_1957: Scenario) -> None:
    game, r = to_ballot(with_cast(june_1957, showdown="open"))
    assert r.roles == ("khrushchev", "molotov", "bulganin", "malenkov", "mikoyan")
    assert (r.ballot, r.minutes, r.blocking) == ("open", 2, True)
    out = game.submit(act.Cast("bulganin", r.request, "against", "I chair; I choose."))
    assert [e.type for e in out] == ["ballot_received", "ballot_cast", "ballot_progress"]
    assert out[0].to == ("role:bulganin",) and out[1].to == () and out[2].to == ()
    assert out[2].voted == ("Nikolai Bulganin",) and out[2].count == 1 and out[2].of == 5
    out = cast_all(game, r)
    held = next(e for e in out if isinstance(e, ev.VoteHeld))
    assert held.to == () and len(held.ballots) == 11
    assert {b.voter: b.vote for b in held.ballots}["bulganin"] == "for"  # changed until close


def test_a_simultaneous_ballot_shows_who_voted_but_not_how_until_close(
    cast_1957: Scenario,
) -> None:
    game, r = to_ballot(cast_1957)
    out = game.submit(act.Cast("bulganin", r.request, "against"))
    assert [e.type for e in out] == ["ballot_received", "ballot_progress"]
    room = list(only(out, ROOM))
    assert len(room) == 1 and isinstance(room[0], ev.BallotProgress)
    assert room[0].voted == ("Nikolai Bulganin",) and "Nikita Khrushchev" in room[0].waiting
    out = cast_all(game, r, "abstain")
    held = [e for e in out if isinstance(e, ev.VoteHeld)]
    assert len(held) == 1 and held[0].to == () and len(held[0].ballots) == 11


def test_a_secret_ballot_shows_counts_only_and_seals_the_record(june_1957: Scenario) -> None:
    game, r = to_ballot(with_cast(june_1957, showdown="secret"))
    out = cast_all(game, r, "against")
    progress = [e for e in out if isinstance(e, ev.BallotProgress)]
    assert all(p.voted == () and p.waiting == () for p in progress)
    assert [p.count for p in progress] == [1, 2, 3, 4, 5]
    assert not any(isinstance(e, ev.BallotCast) for e in out)
    held = [e for e in out if isinstance(e, ev.VoteHeld)]
    public, sealed = held
    assert public.to == () and public.ballots == () and public.blocs == ()
    assert sealed.to == ("sealed",) and len(sealed.ballots) == 11
    # who cast a ballot of their own (a student's words) is sealed with how they voted
    assert public.own == () and "own" not in public.to_dict()
    assert set(sealed.own) == set(r.roles)
    assert (public.votes_for, public.votes_against) == (sealed.votes_for, sealed.votes_against)
    for viewer in (ROOM, "teacher", *(f"role:{s}" for s in SEATS)):
        for e in only(out, viewer):
            assert not (isinstance(e, ev.VoteHeld) and e.ballots)
    assert game.votes[-1] == public
    # the teacher reveals it: the full record, in public
    shown = game.submit(act.Reveal("showdown_18_june"))
    assert len(shown) == 1 and shown[0].to == () and shown[0].ballots == sealed.ballots
    assert shown[0].own == sealed.own and "own" in shown[0].to_dict()
    assert game.votes[-1].ballots == sealed.ballots
    with pytest.raises(IllegalChoice, match="no sealed record of 'showdown_18_june'"):
        game.submit(act.Reveal("showdown_18_june"))


def room_lines(scenario: Scenario, events: list[ev.Event]) -> list[str]:
    """What the projector and room.txt draw of the room's share of ``events``."""
    buffer = io.StringIO()
    renderer = RoomRenderer(make_console(True, width=200, file=buffer), scenario, True)
    renderer.events(only(events, ROOM))
    return buffer.getvalue().splitlines()


REASON = "I chaired them on the 18th; I was wrong."


def test_a_changed_vote_in_an_open_ballot_is_said_as_a_change(june_1957: Scenario) -> None:
    """Teacher's eighth try, finding 2: Bulganin voted For, then Against, and the room read
    "votes for", then "votes against", as if he had voted twice."""
    scenario = with_cast(june_1957, showdown="open")
    game, r = to_ballot(scenario)
    out = game.submit(act.Cast("bulganin", r.request, "for"))
    out += game.submit(act.Cast("bulganin", r.request, "against", REASON))
    out += game.submit(act.Cast("bulganin", r.request, "against", "On reflection."))
    out += game.submit(act.Cast("bulganin", r.request, "against"))
    out += game.submit(act.Cast("molotov", r.request, "for"))
    said = [e for e in out if isinstance(e, ev.BallotCast)]
    assert [(e.name, e.vote, e.was) for e in said] == [
        ("Nikolai Bulganin", "for", ""),
        ("Nikolai Bulganin", "against", "for"),
        ("Nikolai Bulganin", "against", "against"),
        ("Nikolai Bulganin", "against", "against"),
        ("Vyacheslav Molotov", "for", ""),
    ]
    # a first vote's data is as it always was: a session recorded before replays the same
    assert said[0].to_dict() == {
        "type": "ballot_cast",
        "request": r.request,
        "voter": "bulganin",
        "name": "Nikolai Bulganin",
        "vote": "for",
        "why": "",
    }
    assert said[1].to_dict()["was"] == "for"
    lines = [line for line in room_lines(scenario, out) if not line.startswith("Voted (")]
    assert lines == [
        "Nikolai Bulganin votes for",
        f"Nikolai Bulganin changes the vote to against: {REASON}",
        "Nikolai Bulganin changes the reason (still against): On reflection.",
        "Nikolai Bulganin takes back the reason (still against)",
        "Vyacheslav Molotov votes for",
    ]
    assert not any(isinstance(e, ev.BallotChanged) for e in out)  # the cast says it
    held = next(e for e in game.submit(act.Close(r.request)) if isinstance(e, ev.VoteHeld))
    theirs = [b for b in held.ballots if b.voter == "bulganin"]
    assert len(theirs) == 1 and theirs[0].vote == "against" and theirs[0].reason == ""


@pytest.mark.parametrize("kind", ["simultaneous", "secret"])
def test_a_changed_vote_in_a_hidden_ballot_is_said_and_how_stays_hidden(
    june_1957: Scenario, kind: str
) -> None:
    """The same change in a simultaneous ballot printed the same "Voted (1 of 5): ..." line
    again, with no word of what happened. Now the room is told that the vote changed: who,
    in a simultaneous ballot, whose progress names who has voted; in a secret one nobody,
    as its progress names nobody. How, never, until the ballot closes."""
    scenario = with_cast(june_1957, showdown=kind)
    game, r = to_ballot(scenario)
    first = game.submit(act.Cast("bulganin", r.request, "for"))
    assert not any(isinstance(e, ev.BallotChanged) for e in first)  # a first vote: as before
    out = game.submit(act.Cast("bulganin", r.request, "against", REASON))
    same = game.submit(act.Cast("bulganin", r.request, "against", REASON))  # nothing changes
    assert not any(isinstance(e, ev.BallotChanged) for e in same)
    room = list(only(out, ROOM))
    assert [e.type for e in room] == ["ballot_changed", "ballot_progress"]
    changed = room[0]
    assert isinstance(changed, ev.BallotChanged) and changed.to == ()
    named = kind == "simultaneous"
    assert (changed.voter, changed.name) == (
        ("bulganin", "Nikolai Bulganin") if named else ("", "")
    )
    lines = room_lines(scenario, first + out)
    if named:
        assert lines == [
            "Voted (1 of 5): Nikolai Bulganin. Waiting for: Nikita Khrushchev, Vyacheslav "
            "Molotov, Georgy Malenkov, Anastas Mikoyan.",
            "Nikolai Bulganin changes the vote.",
            "Voted (1 of 5): Nikolai Bulganin. Waiting for: Nikita Khrushchev, Vyacheslav "
            "Molotov, Georgy Malenkov, Anastas Mikoyan.",
        ]
    else:
        assert lines == ["1 of 5 have voted.", "A voter changes the vote.", "1 of 5 have voted."]
    for e in room:  # nothing of how: not the vote, not its reason
        data = e.to_dict()
        assert not {"for", "against", "abstain"} & {str(v) for v in data.values()}
        assert REASON not in str(data)


@pytest.mark.parametrize("timer", [True, False], ids=["countdown", "teacher"])
@pytest.mark.parametrize(
    ("missing", "bulganin"),
    [("abstain", "abstain"), ("script", "for"), ("absent", None)],
)
def test_a_missing_voter_follows_the_votes_rule(
    june_1957: Scenario, missing: str, bulganin: str | None, timer: bool
) -> None:
    """A seated voter with no ballot at the close is counted by the vote's rule, and the
    record says why there was none: the countdown ran out, or the teacher closed it first."""
    game, r = to_ballot(with_cast(june_1957, showdown="open", missing=missing))
    for seat in r.roles:
        if seat != "bulganin":
            game.submit(act.Cast(seat, r.request, "against"))
    out = game.submit(act.Close(r.request, timer=timer))
    closed = out[0]
    assert isinstance(closed, ev.RequestClosed)
    said = {"abstain": "counted as abstaining", "script": "the scenario's rules voted for them"}
    told = said.get(missing, "not counted")
    late = "did not vote in time" if timer else "had not voted"
    assert closed.summary == f"The ballot is closed: 4 voted, 1 {late} ({told})."
    why = "Did not vote in time;" if timer else "Had not voted when the teacher closed the ballot;"
    held = next(e for e in out if isinstance(e, ev.VoteHeld))
    ballots = {b.voter: b for b in held.ballots}
    # the students who voted cast their own ballots; Bulganin's, if any, is the rules'
    assert set(held.own) == set(r.roles) - {"bulganin"}
    if bulganin is None:
        assert "bulganin" not in ballots and len(held.ballots) == 10
    else:
        assert ballots["bulganin"].vote == bulganin
        assert ballots["bulganin"].reason.startswith(why)
        assert "Absent" not in ballots["bulganin"].reason  # the phone may have been there
    assert game.room is not None
    assert game.room.state.ballots["showdown_18_june"]["bulganin"] == "none"


def test_a_paper_tally_counts_the_seated_voters_and_keeps_their_ballots_unknown(
    june_1957: Scenario,
) -> None:
    game, r = to_ballot(with_cast(june_1957, showdown="open"))
    with pytest.raises(IllegalChoice, match="adds up to 4, but the seated voters hold 5 votes"):
        game.submit(act.Tally(r.request, 2, 1, 1))
    out = game.submit(act.Tally(r.request, 1, 4, 0))
    held = next(e for e in out if isinstance(e, ev.VoteHeld))
    assert len(held.ballots) == 6  # the six voters nobody holds, by the rules
    paper = held.blocs[-1]
    assert (paper.label, paper.votes_for, paper.votes_against) == ("Counted on paper", 1, 4)
    assert game.values["showdown_18_june.against"] >= 4
    assert game.room is not None
    record = game.room.state.ballots["showdown_18_june"]
    assert {record[a] for a in ("khrushchev", "molotov", "bulganin", "malenkov", "mikoyan")} == {
        "secret"
    }


def test_an_objective_reading_a_paper_ballot_is_unknown(june_1957: Scenario) -> None:
    game, _ = new_game(with_cast(june_1957))
    play_until(game, "ballot", "plenum_vote")
    r = request(game, "ballot")
    assert game.room is not None
    total = len(r.roles) - 3 + game.values["cc_in_moscow"] * 60 // 100
    out = game.submit(act.Tally(r.request, total, 0, 0))
    out += play_out(game)  # the scenes after the plenum, to the ending
    scored = {e.seat: e for e in out if isinstance(e, ev.ObjectivesScored)}
    assert scored["molotov"].results[1].achieved is None  # me.ballot on paper: unknown
    assert scored["cc_member#2"].results[0].achieved is None
    assert scored["malenkov"].results[0].achieved is None  # another's ballot on paper
    assert scored["mikoyan"].results[0].achieved is not None  # the result is public


def test_delegate_shares_sum_exactly() -> None:
    for size, share, seats in itertools.product(range(0, 130, 7), (1, 33, 60, 100), range(1, 10)):
        votes = delegate_votes(size, share, seats)
        assert len(votes) == seats and sum(votes) == size * share // 100
        assert max(votes[:-1], default=0) <= votes[-1] and min(votes) >= 0
    for counts in ({"for": 7, "against": 3}, {"for": 1, "against": 1, "abstain": 1}):
        for percent in range(0, 101, 10):
            assert sum(scaled(counts, percent).values()) == sum(counts.values()) * percent // 100


def test_delegates_cast_their_share_of_the_hall(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    play_until(game, "ballot", "plenum_vote")
    r = request(game, "ballot")
    # Khrushchev and Mikoyan vote too: the plenum counts every Presidium member by name.
    assert r.roles == (
        "khrushchev",
        "molotov",
        "bulganin",
        "malenkov",
        "mikoyan",
        "cc_member#1",
        "cc_member#2",
        "cc_member#3",
    )
    size = game.values["cc_in_moscow"]  # the delegates' size, as with_cast gives it
    hall_size = size - 12  # the hall bloc: the members not named
    lean = game.values["cc_lean"]
    game.submit(act.Cast("cc_member#1", r.request, "against", "Not like this."))
    game.submit(act.Cast("cc_member#2", r.request, "for"))
    out = game.submit(act.Close(r.request))
    held = next(e for e in out if isinstance(e, ev.VoteHeld))
    seats = {b.label: b for b in held.blocs}
    share = size * 60 // 100
    votes = delegate_votes(size, 60, 3)
    assert seats["Member of the Central Committee 1"].votes_against == votes[0]
    assert seats["Member of the Central Committee 1"].reason == "Not like this."
    assert seats["Member of the Central Committee 2"].votes_for == votes[1]
    assert seats["Member of the Central Committee 3"].abstentions == votes[2]  # missing: abstain
    hall = seats["The other Central Committee members in the hall (the game's figure)"]
    whole = (
        hall_size if lean >= 60 else hall_size * lean // 100,
        0 if lean >= 60 else hall_size - hall_size * lean // 100,
    )
    rest = hall.votes_for + hall.votes_against + hall.abstentions
    assert rest == sum(whole) * 40 // 100
    delegate_total = sum(
        b.votes_for + b.votes_against + b.abstentions
        for k, b in seats.items()
        if k.startswith("Member")
    )
    assert delegate_total == share


# ---------------------------------------------------------------- the floor
def test_moves_resolve_the_same_whatever_the_order_they_arrive(cast_1957: Scenario) -> None:
    moves = [
        act.MakeMove("molotov", "presidium_count:floor", "whisper"),
        act.MakeMove("khrushchev", "presidium_count:floor", "rally"),
        act.MakeMove("molotov", "presidium_count:floor", "lobby"),
        act.MakeMove("bulganin", "presidium_count:floor", "chair"),
        act.MakeMove("cc_member#1", "presidium_count:floor", "speak", "pervukhin"),
    ]
    results = set()
    orders = [
        o for o in itertools.permutations(moves) if o.index(moves[0]) < o.index(moves[2])
    ]  # a seat's own moves keep its order; the seats' arrival order varies
    assert len(orders) == 60
    for order in orders:
        game, _ = new_game(cast_1957, seed=11)
        play_until(game, "floor", "presidium_count")
        for move in order:
            game.submit(move)
        out = game.submit(act.Close("presidium_count:floor"))
        resolved = tuple(
            (e.seat, e.move, e.chance, e.to) for e in out if isinstance(e, ev.MoveResolved)
        )
        results.add((game.state_key(), tuple(map(repr, out)), resolved))
    assert len(results) == 1
    (_, _, resolved) = results.pop()
    assert [(s, m) for s, m, _, _ in resolved] == [
        ("khrushchev", "rally"),
        ("molotov", "whisper"),
        ("molotov", "lobby"),
        ("bulganin", "chair"),
        ("cc_member#1", "speak"),
    ]
    assert resolved[0][3] == () and resolved[1][3] == ("role:molotov", "teacher")


def test_a_move_is_checked_before_it_is_queued(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    play_until(game, "floor", "presidium_count")
    f = "presidium_count:floor"
    with pytest.raises(
        IllegalChoice, match="Vyacheslav Molotov has no move 'rally'; the moves are: whisper, lobby"
    ):
        game.submit(act.MakeMove("molotov", f, "rally"))
    with pytest.raises(IllegalChoice, match="Georgy Malenkov has no moves on this floor"):
        game.submit(act.MakeMove("malenkov", f, "rally"))
    with pytest.raises(IllegalChoice, match="'speak' names one of"):
        game.submit(act.MakeMove("cc_member#1", f, "speak", "molotov"))
    game.submit(act.MakeMove("khrushchev", f, "rally"))
    out = game.submit(act.MakeMove("khrushchev", f, "rally"))  # limit 1
    assert [e.type for e in out] == ["refused"] and "only once" in out[0].reason
    assert sum(isinstance(a, act.MakeMove) for a in game.log) == 1


# ---------------------------------------------------------------- declare, argue, rate, note
def test_declare_sets_the_stance_in_public(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    out = game.submit(act.Declare("bulganin", "khrushchev"))
    # and the state of play, which counts him where he now stands, right after it
    assert [e.type for e in out] == ["declared", "status"] and out[0].to == out[1].to == ()
    assert out[1] == game.status()
    assert game.values["bulganin.stance"] == "khrushchev"
    # declaring where he already stands changes nothing the panel shows: no second panel
    assert [e.type for e in game.submit(act.Declare("bulganin", "khrushchev"))] == ["declared"]
    with pytest.raises(IllegalChoice, match="Georgy Malenkov cannot declare"):
        game.submit(act.Declare("malenkov", "khrushchev"))
    with pytest.raises(IllegalChoice, match="no stance 'neutral'"):
        game.submit(act.Declare("bulganin", "neutral"))


def test_an_argument_is_rated_rolled_and_moves_one_step(cast_1957: Scenario) -> None:
    dice = Dice()
    game, _ = new_game(cast_1957, dice=dice)
    out = game.submit(act.Argue("mikoyan", "pervukhin", "The plenum elected him."))
    opened, argued = out
    assert isinstance(opened, ev.RequestOpened) and opened.request == "rating:1"
    assert (opened.title, opened.blocking, opened.to) == (
        "Anastas Mikoyan argues with Mikhail Pervukhin",
        False,
        (),
    )
    assert isinstance(argued, ev.Argued) and argued.to == ("teacher", "role:mikoyan")
    assert game.values["pervukhin.stance"] == "majority"
    out = game.submit(act.Rate("rating:1", 4))
    rated, closed, status = out[-3:]
    assert isinstance(rated, ev.Rated) and isinstance(closed, ev.RequestClosed)
    assert status == game.status()  # he moved: the state of play says so at once
    assert (rated.percent, rated.success, rated.stance) == (70, True, "wavering")
    assert dice.rolled[-1] == "argue:mikoyan:pervukhin"
    assert game.values["pervukhin.stance"] == "wavering"  # one step, not two
    # Molotov argues him back; the dice say no: unmoved
    dice.fail.add("argue:molotov:pervukhin")
    game.submit(act.Argue("molotov", "pervukhin", "Think of your ministry."))
    out = game.submit(act.Rate("rating:2", 5))
    assert [e.type for e in out] == ["rated", "closed"]  # unmoved: no panel
    assert out[-2].success is False and game.values["pervukhin.stance"] == "wavering"
    with pytest.raises(IllegalChoice, match="no request 'rating:2' is open"):
        game.submit(act.Rate("rating:2", 5))
    with pytest.raises(IllegalChoice, match="'bulganin' cannot be argued with"):
        game.submit(act.Argue("mikoyan", "bulganin", "Hm."))
    game.submit(act.Argue("mikoyan", "saburov", "Hm."))
    with pytest.raises(IllegalChoice, match="a rating is 1 to 5"):
        game.submit(act.Rate("rating:3", 6))


def test_a_note_goes_to_the_teacher_only(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    out = game.submit(act.Note("mikoyan", "Bulganin is wavering."))
    assert out[0].to == ("teacher", "role:mikoyan") and not list(only(out, ROOM))
    with pytest.raises(IllegalChoice, match="at most 280"):
        game.submit(act.Note("mikoyan", "x" * 281))


# ---------------------------------------------------------------- the teacher
def test_inject_applies_effects_and_may_open_a_straw_poll(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    before = game.values["cc_in_moscow"]
    out = game.submit(act.Inject("rumour"))
    assert isinstance(out[0], ev.Injected) and out[0].counterfactual and out[0].to == ()
    assert game.values["cc_in_moscow"] == before - 5
    where = "can be injected only in: \u201cThe plenum opens\u201d, \u201cThe marshal has the floor\u201d"
    with pytest.raises(IllegalChoice, match=where):
        game.submit(act.Inject("konev_speaks"))
    out = game.submit(act.Inject("straw_poll"))
    poll = out[-1]
    assert isinstance(poll, ev.RequestOpened) and poll.request == "inject:straw_poll:ballot"
    assert not poll.blocking and poll.ballot == "secret"
    # the game goes on while the poll is open
    r = request(game, "decision")
    game.submit(act.Choose("molotov", r.request, history_choice(game, r)))
    out = cast_all(game, poll, "for")
    public = [e for e in out if isinstance(e, ev.VoteHeld) and e.to == ()]
    assert public and public[0].ballots == () and game.values["straw_poll.for"] > 0


def test_set_is_a_ruling_with_a_reason(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    old = game.values["cc_in_moscow"]
    out = game.submit(act.SetValue("cc_in_moscow", 70, "The trains ran early."))
    assert out == [
        ev.Ruling(
            "set",
            f"Central Committee members in Moscow: 70 (was {old})",
            "The trains ran early.",
        ),
        game.status(),  # the number is on every screen at once
    ]
    with pytest.raises(IllegalChoice, match="runs from"):
        game.submit(act.SetValue("cc_lean", 500, "Why not."))
    with pytest.raises(IllegalChoice, match="needs a reason"):
        game.submit(act.SetValue("cc_lean", 50, " "))
    with pytest.raises(IllegalChoice, match="no variable 'cc_lan'"):
        game.submit(act.SetValue("cc_lan", 50, "typo"))


def test_overrule_replaces_the_latest_decision(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    r = request(game, "decision")
    first = r.options[0].id
    other = next(o.id for o in r.options if o.available and o.id != first)
    game.submit(act.Choose("molotov", r.request, first))
    out = game.submit(act.Overrule(other, "Molotov would not have risked it.", "the_plot"))
    ruling = next(e for e in out if isinstance(e, ev.Ruling))
    assert ruling.kind == "overrule" and ruling.to == ()
    assert [t.choice for t in game.trail] == [other] and game.trail[0].by == "teacher"
    assert [a.do for a in game.log] == ["choose", "overrule"]
    with pytest.raises(IllegalChoice, match="is not a choice"):
        game.submit(act.Overrule("nonsense", "x", "the_plot"))


def test_undo_takes_back_the_latest_action_and_stays_in_the_log(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    key = game.state_key()
    game.submit(act.SetValue("cc_lean", 70, "A ruling."))
    game.submit(act.Note("mikoyan", "secret words"))
    out = game.submit(act.Undo())
    assert out[-1].text == "The teacher took back a note."
    assert "secret words" not in repr(out) and "Mikoyan" not in repr(out)
    out = game.submit(act.Undo())
    assert [e.type for e in out] == ["ruling", "status"]  # the number as it was again
    assert out[0].text == "The teacher took back the ruling." and out[1] == game.status()
    assert game.state_key() == key
    with pytest.raises(IllegalChoice, match="nothing to take back"):
        game.submit(act.Undo())
    assert [a.do for a in game.log] == ["set", "note", "undo", "undo"]


def test_undo_reopens_a_decision(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    r = request(game, "decision")
    game.submit(act.Choose("molotov", r.request, history_choice(game, r)))
    following = request(game, "decision")  # the next decision the story reaches
    assert following.phase != r.phase and game.trail[-1].phase == r.phase
    out = game.submit(act.Undo())
    closed = [e for e in out if isinstance(e, ev.RequestClosed)]
    assert [(c.request, c.by) for c in closed] == [(following.request, "undo")]
    assert [e for e in out if isinstance(e, ev.RequestOpened)] == [r]
    assert out[0].text == "The teacher took back Vyacheslav Molotov's decision."
    assert game.trail == [] and request(game, "decision") == r


def test_a_seat_handed_to_the_script_is_decided_at_once_and_can_come_back(
    cast_1957: Scenario,
) -> None:
    game, _ = new_game(cast_1957)
    out = game.submit(act.ScriptSeat("molotov"))
    assert out[0] == ev.SeatChanged("molotov", "Vyacheslav Molotov", False)
    assert game.trail[0].by == "script"
    with pytest.raises(IllegalChoice, match="Vyacheslav Molotov is played by the script now"):
        game.submit(act.Declare("molotov", "wavering"))
    out = game.submit(act.SeatRole("molotov"))
    assert out == [ev.SeatChanged("molotov", "Vyacheslav Molotov", True)]
    game.submit(act.Declare("molotov", "wavering"))


def test_conclude_plays_every_seat_by_script_to_an_ending(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    play_until(game, "ballot", "presidium_count")
    game.submit(act.Cast("molotov", "presidium_count:ballot", "against", "Changed my mind."))
    before = len(game.trail)
    out = game.submit(act.Conclude())
    assert isinstance(out[0], ev.Concluded) and game.over
    closed = [e for e in out if isinstance(e, ev.RequestClosed)]
    assert closed[0].by == "conclude"
    held = next(e for e in out if isinstance(e, ev.VoteHeld))
    bulganin = next(b for b in held.ballots if b.voter == "bulganin")
    assert bulganin.reason.startswith(  # the bell closed the ballot, not its countdown
        "Had not voted when the teacher closed the ballot; the scenario's rules cast this vote:"
    )
    molotov = next(b for b in held.ballots if b.voter == "molotov")
    assert (molotov.vote, molotov.reason) == ("against", "Changed my mind.")  # cast: it counts
    assert {t.by for t in game.trail[before:]} == {"conclude"}
    scored = [e for e in out if isinstance(e, ev.ObjectivesScored)]
    assert len(scored) == 8
    # after the end, reveal makes the objectives public
    out = game.submit(act.Reveal())
    assert [e.to for e in out] == [()] * 8
    with pytest.raises(IllegalChoice, match="already concluded"):
        game.submit(act.Conclude())


# ---------------------------------------------------------------- bad input
def test_bad_actions_raise_a_clear_reason_and_change_nothing(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    key, log = game.state_key(), list(game.log)
    cases = [
        (act.Choose("khrushchev", "the_plot:decision", "strike_on_tuesday"), "Vyacheslav Molotov decides here, not Nikita Khrushchev"),
        (act.Choose("molotov", "ambush:decision", "x"), "no request 'ambush:decision' is open; open now: the_plot:decision"),
        (act.Choose("molotov", "the_plot:decision", "fly_to_the_moon"), "'fly_to_the_moon' is not a choice here; the choices are:"),
        (act.Choose("stalin", "the_plot:decision", "x"), "no seat 'stalin' in this class"),
        (act.Cast("molotov", "the_plot:decision", "for"), "'the_plot:decision' is a decision, not a ballot"),
        (act.Inject("coup"), "no injection 'coup'; the scenario offers: konev_speaks, rumour, straw_poll"),
        (act.Rate("rating:9", 3), "no request 'rating:9' is open"),
        (act.Close("the_plot:floor"), "no request 'the_plot:floor' is open; open now: the_plot:decision"),
        (act.Argue("mikoyan", "pervukhin", "y" * 300), "at most 280"),
        (act.Overrule("x", "y", "ambush"), "no decision has been taken yet"),
        (act.SeatRole("molotov"), "already held by a student"),
        (act.Reveal(), "no sealed record"),
    ]  # fmt: skip
    for action, reason in cases:
        with pytest.raises(IllegalChoice, match=reason.replace("(", r"\(").replace(")", r"\)")):
            game.submit(action)
    assert game.state_key() == key and game.log == log


def test_a_closed_ballot_takes_no_more_ballots(cast_1957: Scenario) -> None:
    game, r = to_ballot(cast_1957)
    cast_all(game, r)
    with pytest.raises(IllegalChoice, match="no request 'presidium_count:ballot' is open"):
        game.submit(act.Cast("molotov", r.request, "against"))
    game2, r2 = to_ballot(cast_1957)
    with pytest.raises(
        IllegalChoice, match="Member of the Central Committee 1 has no vote in this ballot"
    ):
        game2.submit(act.Cast("cc_member#1", r2.request, "for"))
    with pytest.raises(IllegalChoice, match="a ballot is one of for, against, abstain"):
        game2.submit(act.Cast("molotov", r2.request, "maybe"))


# ---------------------------------------------------------------- replay and audience
FIXTURE = ROOT / "tests" / "fixtures" / "classroom.yaml"
PRIVATE_WORDS = ("A private word.", "Think of the party.")  # a note's and an argument's text


@pytest.fixture(scope="module")
def door() -> Scenario:
    scenario, warnings = load_scenario(FIXTURE, "classroom.yaml")
    assert warnings == []
    return scenario


@pytest.fixture(scope="module", params=["june_1957", "fixture"])
def a_class(
    request: pytest.FixtureRequest, cast_1957: Scenario, door: Scenario
) -> tuple[Scenario, Seating]:
    if request.param == "fixture":
        return door, cast(door, 8)
    return cast_1957, seating()


Step = tuple[act.Action, list[ev.Event]]


def random_class(
    scenario: Scenario, seats: Seating, seed: int, steps: int = 400
) -> tuple[Game, list[ev.Event], list[Step]]:
    """A class of seeded agents: every event, and each accepted action with its events."""
    game = Game(scenario, seating=seats, seed=seed)
    events = game.start()
    done: list[Step] = []
    rng = random.Random(seed)
    for _ in range(steps):
        if game.over and rng.random() < 0.5:
            break
        action = random_action(game, rng)
        if action is None:
            continue
        try:
            out = game.submit(action)
        except IllegalChoice:
            continue
        if not (len(out) == 1 and isinstance(out[0], ev.Refused)):  # a refusal is not logged
            events += out
            done.append((action, out))
    return game, events, done


def replayed(scenario: Scenario, game: Game) -> tuple[Game, list[ev.Event]]:
    assert game.seating is not None
    again = Game(scenario, seating=game.seating, seed=game.seed)
    events = again.start()
    for action in game.log:
        events += again.submit(act.from_dict(action.to_dict()))
    return again, events


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 100_000))
def test_a_class_replays_exactly_from_its_log(a_class: tuple[Scenario, Seating], seed: int) -> None:
    scenario, seats = a_class
    game, events, _ = random_class(scenario, seats, seed)
    again, replay = replayed(scenario, game)
    assert replay == events
    assert again.state_key() == game.state_key() and again.trail == game.trail


def audience(e: ev.Event) -> tuple[str, ...] | None:
    """Who a private event must be addressed to, exactly; None for an event of another kind."""
    seat = f"role:{getattr(e, 'seat', '')}"
    if isinstance(e, (ev.BallotReceived, ev.Revealed)):
        return (seat,)
    if isinstance(e, ev.FloorMove):
        return (seat, "teacher")
    if isinstance(e, ev.ObjectivesScored):
        return e.to and (seat, "teacher")  # public once the teacher reveals them
    if isinstance(e, (ev.Argued, ev.NoteSent)):
        return ("teacher", seat)
    return None


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 100_000))
def test_no_role_ever_receives_another_roles_private_event_or_a_secret_ballot(
    a_class: tuple[Scenario, Seating], seed: int
) -> None:
    scenario, seats = a_class
    _, events, steps = random_class(scenario, seats, seed)
    holders: dict[str, str] = {}
    for e in events:
        expected = audience(e)
        assert expected is None or e.to == expected, e
        if isinstance(e, ev.RequestOpened) and e.kind == "decision":
            holders[e.request] = e.roles[0]
        if isinstance(e, ev.Advised):
            assert e.to == (f"role:{holders[e.request]}", f"role:{e.seat}", "teacher")
        if isinstance(e, ev.MoveResolved) and e.to:
            assert e.to == (f"role:{e.seat}", "teacher")
    secret = {v.id for v in scenario.votes.values() if v.ballot == "secret"}
    secret_requests = {
        e.request for e in events if isinstance(e, ev.RequestOpened) and e.ballot == "secret"
    }
    for action, out in steps:
        for e in out:
            if isinstance(e, ev.VoteHeld) and e.vote in secret and not e.to:
                # a secret ballot's votes reach the room only when the teacher reveals them
                assert isinstance(action, act.Reveal) or (e.ballots == () and e.blocs == ())
    for viewer in (ROOM, "teacher", *(f"role:{s}" for s in seats.seats)):
        for e in only(events, viewer):
            assert not e.to or (viewer != ROOM and viewer in e.to)
            assert "sealed" not in e.to
            if isinstance(e, ev.BallotProgress) and e.request in secret_requests:
                assert e.voted == () and e.waiting == ()
            assert not (isinstance(e, ev.BallotCast) and e.request in secret_requests)
            if isinstance(e, ev.BallotChanged) and e.request in secret_requests:
                assert e.voter == "" and e.name == ""  # a changed secret vote names nobody
            if not e.to:
                assert not any(words in repr(e) for words in PRIVATE_WORDS)
            if viewer == ROOM:
                assert not isinstance(e, (ev.Argued, ev.NoteSent, ev.Advised, ev.BallotReceived))


def test_the_fixtures_class_plays_its_floor_ballot_and_delegates_to_an_ending(
    door: Scenario,
) -> None:
    game = Game(door, seating=cast(door, 8), seed=2)
    events = game.start()
    floor = request(game, "floor")
    assert floor.request == "the_door:floor" and floor.minutes == 3
    assert floor.roles == (
        "khrushchev",
        "bulganin",
        "mikoyan",
        "cc_member#1",
        "cc_member#2",
        "cc_member#3",
    )
    events += game.submit(act.MakeMove("mikoyan", floor.request, "win_over", "bulganin"))
    events += game.submit(act.MakeMove("cc_member#2", floor.request, "refuse_to_leave"))
    events += game.submit(act.MakeMove("khrushchev", floor.request, "rally_the_corridor"))
    before = game.values["hall_lean"]
    events += game.submit(act.Close(floor.request))
    assert game.values["hall_lean"] == before + 5
    decision = request(game, "decision")
    assert decision.roles == ("molotov", "malenkov")  # consult: side
    events += game.submit(act.Advise("malenkov", decision.request, "refuse"))
    events += game.submit(act.Choose("molotov", decision.request, "refuse"))
    events += game.submit(act.Close("the_appeal:floor"))
    events += game.submit(act.Choose("khrushchev", "the_appeal:decision", "go_out"))
    ballot = request(game, "ballot")
    assert (ballot.ballot, ballot.vote) == ("secret", "let_them_in")
    assert ballot.roles == (
        "khrushchev", "molotov", "bulganin", "mikoyan", "malenkov",
        "cc_member#1", "cc_member#2", "cc_member#3",
    )  # fmt: skip
    for seat in ("khrushchev", "mikoyan", "cc_member#1", "cc_member#2"):
        events += game.submit(act.Cast(seat, ballot.request, "for"))
    events += game.submit(act.Cast("molotov", ballot.request, "against"))
    out = game.submit(act.Close(ballot.request))
    events += out
    public, sealed = (e for e in out if isinstance(e, ev.VoteHeld))
    assert public.ballots == () and public.blocs == () and sealed.to == ("sealed",)
    size = 60 + 20 + 10 + 10  # the door's members after the floor and the two choices
    assert game.values["members_at_door"] == size
    shares = delegate_votes(size // 10, 60, 3)
    delegates = [b for b in sealed.blocs if b.label.startswith("Member of")]
    assert [b.votes_for + b.votes_against + b.abstentions for b in delegates] == shares
    assert delegates[2].reason.startswith(  # the teacher closed the ballot
        "Had not voted when the teacher closed the ballot; the scenario's rules cast this vote:"
    )
    assert game.over and game.ending in ("plenum_called", "door_stays_shut")
    scored = {
        e.seat: {r.id: r.achieved for r in e.results}
        for e in events
        if isinstance(e, ev.ObjectivesScored)
    }
    assert scored["molotov"]["on_the_record"] is True  # his own ballot: he knows it
    assert scored["malenkov"]["with_molotov"] is None  # Molotov's secret ballot: not told
    again, replay = replayed(door, game)
    assert replay == events and again.state_key() == game.state_key()
    # revealed after the end: what read the secret ballots is scored again, still privately
    out = game.submit(act.Reveal("let_them_in"))
    assert out[0].to == () and out[0].ballots == sealed.ballots
    rescored = [e for e in out if isinstance(e, ev.ObjectivesScored)]
    assert [(e.seat, e.to) for e in rescored] == [("malenkov", ("role:malenkov", "teacher"))]
    record = game.ballots["let_them_in"]
    assert (record["malenkov"], record["molotov"]) == ("none", "against")  # he did not vote
    assert rescored[0].results[0].achieved is False


# ---------------------------------------------------------------- benches, every scenario
@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_benches_play_every_bundled_scenario_to_an_ending(path: Path) -> None:
    result = compile_file(path)
    scenario = result.scenario
    assert scenario is not None
    seats = benches(scenario, 12)
    game = Game(scenario, seating=seats, seed=7)
    events = game.start()
    turn = 0
    while not game.over:
        assert game.room is not None
        r = next(iter(game.room.state.requests.values()))
        assert r.kind == "decision" and r.roles[0].startswith("bench:")
        available = [o.id for o in r.options if o.available]
        if turn % 2:
            counts = tuple((c, (turn + n) % 4) for n, c in enumerate(available))
            if not any(n for _, n in counts):
                counts = ((available[0], 1),)
            events += game.submit(act.Hands(r.request, counts))
        else:
            events += game.submit(act.Choose(r.roles[0], r.request, available[-1]))
        turn += 1
    assert turn >= 2
    by = {t.by for t in game.trail}
    assert "hands" in by and any(b.startswith("role:bench:") for b in by)
    assert not any(isinstance(e, ev.ObjectivesScored) for e in events)


def test_a_seating_naming_an_unknown_seat_is_refused(cast_1957: Scenario) -> None:
    with pytest.raises(IllegalChoice, match="no seat 'stalin'"):
        Game(cast_1957, seating=Seating("roles", 1, ("stalin",)))


# ---------------------------------------------------------------- check --classroom N
def test_check_classroom_warns_of_objectives_never_or_always_achieved(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "      - id: a_full_corridor",
        "      - id: always_true\n"
        "        text: 'Always.'\n"
        '        when: \'ending_kind == "historical" or ending_kind == "counterfactual"\'\n'
        "      - id: never_true\n"
        "        text: 'Never.'\n"
        "        when: \"ending == 'plenum_called' and ending == 'door_stays_shut'\"\n"
        "      - id: a_full_corridor",
        1,
    )
    path = tmp_path / "door.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run_cli(["check", "--classroom", "5", "--runs", "20", str(path)])
    assert code == 0, out
    assert (
        "warning: objective 'always_true' of role 'khrushchev' is always achieved: "
        "in every one of 20 sampled class games of 5 students (seed 1)"
    ) in out
    assert (
        "warning: objective 'never_true' of role 'khrushchev' is never achieved: "
        "not once in 20 sampled class games of 5 students (seed 1)"
    ) in out
    assert "objective 'with_molotov' of role 'malenkov' could not be scored in any of 20" in out
    assert "classroom: 20 class games of 5 students" in out
    assert "objective khrushchev.open_the_door: achieved in" in out
    assert "open_the_door' of role" not in out  # achieved in some games, failed in others
    assert run_cli(["check", "--strict", "--classroom", "5", "--runs", "20", str(path)])[0] == 1
    # the same seed, the same report
    assert run_cli(["check", "--classroom", "5", "--runs", "20", str(path)])[1] == out


def test_check_classroom_says_when_the_class_cannot_be_seated() -> None:
    code, out, _ = run_cli(["check", "--classroom", "2", str(FIXTURE)])
    assert code == 1
    assert "error: scenario 'classroom_door' has roles for 3 to 8 students, not 2" in out
    code, _, err = run_cli(["check", "--classroom", "0", str(FIXTURE)])
    assert code == 2 and "at least 1" in err


def test_the_game_shows_its_requests_seats_and_ballots(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    assert list(game.requests) == ["the_plot:decision"]
    game.submit(act.ScriptSeat("bulganin"))
    assert game.scripted == {"bulganin"}
    game.requests.clear()  # a copy: the game's own requests are untouched
    assert list(game.requests) == ["the_plot:decision"]
    play_out(game)
    assert game.ballots["plenum_29_june"]["cc_member#1"] == "for"
    assert game.ballots["plenum_29_june"]["bulganin"] in ("for", "against", "abstain", "none")
    solo_game = Game(cast_1957, ["khrushchev"])
    assert (solo_game.requests, solo_game.scripted, solo_game.ballots) == ({}, frozenset(), {})


# ---------------------------------------------------------------- the teacher's pause
def test_a_pause_stops_every_student_but_not_the_teacher(cast_1957: Scenario) -> None:
    """While paused, a student's action (or a countdown) is refused with the reason; the
    teacher's actions are taken; the pause and the resumption are public and logged."""
    game, _ = new_game(cast_1957)
    r = request(game, "decision")
    out = game.submit(act.Pause("Let us read the resolution together"))
    assert out == [ev.Paused("Let us read the resolution together")]
    assert list(only(out, ROOM)) == out and game.paused == "Let us read the resolution together"
    for action in (
        act.Choose(r.roles[0], r.request, history_choice(game, r)),
        act.Note("mikoyan", "a word"),
        act.Declare("molotov", "wavering"),
        act.Close(r.request, timer=True),
    ):
        with pytest.raises(IllegalChoice, match=r"paused by the teacher \(Let us read"):
            game.submit(action)
    with pytest.raises(IllegalChoice, match="already paused"):
        game.submit(act.Pause())
    game.submit(act.SetValue("cc_lean", 70, "A ruling."))  # the teacher still acts
    assert game.values["cc_lean"] == 70
    assert game.submit(act.Resume()) == [ev.Resumed()]
    assert game.paused is None
    with pytest.raises(IllegalChoice, match="not paused"):
        game.submit(act.Resume())
    game.submit(act.Choose(r.roles[0], r.request, history_choice(game, r)))
    assert [a.do for a in game.log] == ["pause", "set", "resume", "choose"]


def test_undo_while_paused_takes_back_a_game_action_and_keeps_the_pause(
    cast_1957: Scenario,
) -> None:
    game, _ = new_game(cast_1957)
    game.submit(act.Note("mikoyan", "a word"))
    game.submit(act.Pause())
    out = game.submit(act.Undo())
    assert out[-1].text == "The teacher took back a note."
    assert game.paused == ""  # still paused: a pause is not a move in the game
    with pytest.raises(IllegalChoice, match="paused by the teacher: no student"):
        game.submit(act.Note("mikoyan", "again"))


def test_a_paused_class_replays_from_its_log_and_the_bell_ends_the_pause(
    cast_1957: Scenario,
) -> None:
    game, first = new_game(cast_1957)
    events = first + game.submit(act.Pause("Questions"))
    events += game.submit(act.Conclude())
    assert game.over and game.paused is None
    assert [e.type for e in events if e.type in ("paused", "resumed", "concluded")] == [
        "paused",
        "resumed",
        "concluded",
    ]
    logged = [act.from_dict(a.to_dict()) for a in game.log]
    assert logged == [act.Pause("Questions"), act.Conclude()]
    again, replayed = new_game(cast_1957)
    for action in logged:
        replayed += again.submit(action)
    assert [e.to_dict() for e in replayed] == [e.to_dict() for e in events]


def test_the_game_says_what_a_paper_tally_adds_up_to(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    play_until(game, "ballot", "plenum_vote")
    r = request(game, "ballot")
    held = game.paper_votes(r.request)
    assert held is not None
    voters, delegates = held
    assert voters == 5 and delegates == game.values["cc_in_moscow"] * 60 // 100
    with pytest.raises(IllegalChoice, match=f"hold {voters + delegates} votes"):
        game.submit(act.Tally(r.request, 1, 0, 0))
    game.submit(act.ScriptSeat("cc_member#1"))
    assert game.paper_votes(r.request) == (5, delegates)  # the share goes to the others
    game.submit(act.ScriptSeat("molotov"))
    assert game.paper_votes(r.request) == (4, delegates)
    assert game.paper_votes("no:ballot") is None


@pytest.mark.parametrize("name", ["june_1957", "zhukov_neutral"])
def test_a_seated_molotov_voting_for_at_the_plenum_is_recorded_and_counted(name: str) -> None:
    """The plenum ballot of a seated voter is what the objectives read and what the tally
    counts (a sampled 'always achieved' for Molotov's "not for" was the agent's draws). His
    hand is the one he chose at his last word: the ballot does not ask him again."""
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", f"{name}.yaml")[0]
    game = Game(scenario, seating=cast(scenario, 5), seed=1)
    game.start()
    assert "molotov" in game.seating.seats  # type: ignore[union-attr]
    held = None
    for _ in range(300):
        if game.over:
            break
        r = next(iter(game.requests.values()))
        if r.kind == "decision":
            choice = "vote_for" if r.phase == "last_word" else history_choice(game, r)
            game.submit(act.Choose(r.roles[0], r.request, choice))
        elif r.kind == "ballot" and r.vote == "plenum_29_june":
            assert "molotov" not in r.roles
            out = game.submit(act.Close(r.request))
            held = next(e for e in out if isinstance(e, ev.VoteHeld))
        elif r.kind == "rating":
            game.submit(act.Rate(r.request, 3))
        else:
            game.submit(act.Close(r.request))
    assert held is not None, "the plenum never voted"
    assert game.ballots["plenum_29_june"]["molotov"] == "for"
    (molotov,) = [b for b in held.ballots if b.voter == "molotov"]
    assert (molotov.vote, molotov.reason) == (
        "for",
        "bows to the hall, though the resolution condemns him.",
    )
    counted = sum(b.vote == "for" for b in held.ballots) + sum(b.votes_for for b in held.blocs)
    assert counted == held.votes_for
    assert game.room is not None
    scored = {s.seat: s for s in game.room.state.scored}
    (result,) = [r for r in scored["molotov"].results if r.id == "no_self_condemnation"]
    assert result.achieved is False


def test_check_classroom_says_how_often_a_vote_an_objective_reads_was_held() -> None:
    """A warning about an objective that reads a ballot says in how few games the vote was
    held: there a random agent's few draws, not the engine, decided it."""
    path = ROOT / "scenarios" / "agriculture_accepted.yaml"
    # a small sample (5 games, seed 1) in which the plenum was never reached
    code, out, _ = run_cli(["check", "--classroom", "5", "--runs", "5", "--seed", "1", str(path)])
    assert code == 0, out
    flat = " ".join(out.split())
    assert (
        "objective 'winning_hand' of role 'bulganin' is never achieved: not once in 5 "
        "sampled class games of 5 students (seed 1); the vote it reads, 'plenum_29_june', "
        "was held in none of them, where the sampled students vote at random: more games "
        "(--runs) may tell"
    ) in flat
    member = flat.split("objective 'full_member' of role 'zhukov' ", 1)[1].split("warning", 1)[0]
    assert "(seed 1)" in member and "held" not in member  # it reads no ballot


# ---------------------------------------------------------------- a new teacher's findings
def test_a_persuaded_actor_already_on_the_arguers_side_is_said_to_be_so(
    cast_1957: Scenario,
) -> None:
    game, _ = new_game(cast_1957, dice=Dice())
    game.submit(act.SetValue("pervukhin.stance", "khrushchev", "He came over at lunch."))
    game.submit(act.Argue("khrushchev", "pervukhin", "Stay with me."))
    out = game.submit(act.Rate("rating:1", 4))
    rated, closed = out[0], out[1]
    assert isinstance(rated, ev.Rated) and isinstance(closed, ev.RequestClosed)
    assert (rated.success, rated.outcome, rated.stance) == (True, ev.ALREADY, "khrushchev")
    assert "unmoved" not in closed.summary and "already with Khrushchev" in closed.summary
    game.submit(act.Argue("mikoyan", "saburov", "Think of your ministry."))
    out = game.submit(act.Rate("rating:2", 4))
    assert [e.type for e in out[:2]] == ["rated", "closed"] and out[0].outcome == ev.MOVED
    assert out[1].summary == f"Maksim Saburov is moved: now {out[0].stance_label.lower()}."


def test_a_paper_tally_after_some_ballots_adds_only_the_others(june_1957: Scenario) -> None:
    game, r = to_ballot(with_cast(june_1957, showdown="secret"))
    game.submit(act.Cast("molotov", r.request, "for"))
    game.submit(act.Cast("bulganin", r.request, "against"))
    assert game.paper_votes(r.request) == (3, 0)
    with pytest.raises(IllegalChoice, match="with no ballot in hold 3 votes; 2 ballots were"):
        game.submit(act.Tally(r.request, 3, 1, 1))
    out = game.submit(act.Tally(r.request, 2, 1, 0))
    closed = next(e for e in out if isinstance(e, ev.RequestClosed))
    assert closed.summary == (
        "The ballot is closed: 2 ballots were already in; the paper tally adds the other 3."
    )
    assert game.room is not None
    record = game.room.state.ballots["showdown_18_june"]
    assert (record["molotov"], record["bulganin"]) == ("for", "against")
    assert {record[a] for a in ("khrushchev", "malenkov", "mikoyan")} == {"secret"}
    full = next(e for e in out if isinstance(e, ev.VoteHeld) and e.to == (ev.SEALED,))
    ruled = len(full.ballots) - 2  # the voters nobody holds, by the rules
    assert full.votes_for + full.votes_against + full.abstentions == ruled + 2 + 3


def test_a_refused_move_says_why_in_a_sentence(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    play_until(game, "floor")
    f = request(game, "floor").request
    game.submit(act.MakeMove("khrushchev", f, "rally"))
    out = game.submit(act.MakeMove("khrushchev", f, "rally"))
    assert out[0].reason == "it can be used only once in a game."


def test_undo_says_what_it_takes_back_before_what_it_reopens(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    r = request(game, "decision")
    game.submit(act.Choose("molotov", r.request, history_choice(game, r)))
    out = game.submit(act.Undo())
    assert isinstance(out[0], ev.Ruling) and out[0].kind == "undo"
    assert out.index(r) > 0


def test_overrule_names_what_it_replaces_and_what_it_takes_back(cast_1957: Scenario) -> None:
    from presidium.classroom import postmortem
    from presidium.classroom.session import Session

    session = Session.new(cast_1957, seating(8), 3)
    game = session.game
    while not any(r.kind == "floor" for r in game.requests.values()):  # as history did
        r = request(game, "decision")
        open_then = [o.id for o in r.options if o.available]
        session.submit(act.Choose(r.roles[0], r.request, history_choice(game, r)))
    latest = game.trail[-1]  # the decision taken just before the floor
    decider = cast_1957.actors[latest.seat].name
    phases = [t.phase for t in game.trail]
    f = request(game, "floor").request
    session.submit(act.MakeMove("khrushchev", f, "rally"))
    session.submit(act.Close(f))
    while not any(r.kind == "decision" for r in game.requests.values()):
        session.submit(act.Close(next(iter(game.requests))))
    assert len(session.events) == game.emitted
    # the same choice changes nothing: refused, with the reason
    with pytest.raises(IllegalChoice, match="is already the decision in"):
        session.submit(act.Overrule(latest.choice, "Same.", latest.phase))
    other = next(c for c in open_then if c != latest.choice)
    out = session.submit(act.Overrule(other, "He would not have waited.", latest.phase))
    ruling = out[0]
    assert isinstance(ruling, ev.Ruling) and ruling.retracts is not None
    assert ruling.text.startswith(f"'{latest.phase_title}', decided by {decider}: ")
    assert f"(was {latest.label}); taken back with it: Nikita Khrushchev's move" in ruling.text
    gone = ev.taken_back(session.events)
    moves = [n for n, e in enumerate(session.events) if isinstance(e, ev.MoveResolved)]
    assert moves and all(n in gone for n in moves)
    assert [t.phase for t in game.trail] == phases
    assert (game.trail[-1].choice, game.trail[-1].by) == (other, "teacher")
    assert postmortem._floor(session) == ()  # the move no longer happened


def test_overrule_with_a_decision_open_decides_it_for_the_teacher(cast_1957: Scenario) -> None:
    game, _ = new_game(cast_1957)
    r = request(game, "decision")
    choice = history_choice(game, r)
    out = game.submit(act.Overrule(choice, "Time is short."))
    ruling = out[0]
    assert isinstance(ruling, ev.Ruling) and ruling.retracts is None
    assert ruling.text.startswith("'") and "for Vyacheslav Molotov to decide" in ruling.text
    assert (game.trail[0].phase, game.trail[0].choice, game.trail[0].by) == (
        r.phase,
        choice,
        "teacher",
    )


def test_the_story_moving_a_seated_students_declared_stance_says_so(june_1957: Scenario) -> None:
    import dataclasses

    gives_way = june_1957.phases["presidium_gives_way"].effects  # moves Pervukhin, Saburov
    rumour = next(iter(june_1957.injections.values()))
    push = dataclasses.replace(rumour, effects=gives_way, window=(), when=None, vote=None)
    scenario = dataclasses.replace(june_1957, injections={**june_1957.injections, "push": push})
    game = Game(scenario, seating=cast(scenario, 25), seed=3)
    game.start()
    game.submit(act.Declare("pervukhin", "majority"))
    everyone = scenario.variables["cc_in_moscow"].type.maximum
    assert everyone is not None
    game.submit(act.SetValue("cc_in_moscow", everyone, "Everyone came."))
    out = game.submit(act.Inject("push"))
    assert game.values["pervukhin.stance"] == game.values["saburov.stance"] == "wavering"
    said = [e for e in out if isinstance(e, ev.Narration) and "Pervukhin" in e.text]
    assert len(said) == 1 and said[0].to == ()
    assert said[0].text.startswith(
        "Mikhail Pervukhin's declared stance (with the majority) is changed by the teacher's "
        f"event '{push.label}': now wavering."
    )
    # the student's own phone is told in the second person (the room keeps the name)
    assert isinstance(said[0], ev.StanceMoved) and said[0].seat == "pervukhin"
    assert said[0].own == (
        "Your declared stance (with the majority) is changed by the teacher's event "
        f"'{push.label}': now wavering. You may declare again."
    )
    assert not any("Saburov" in e.text for e in out if isinstance(e, ev.Narration))


def test_undo_back_into_an_earlier_scene_shows_that_scene_again(cast_1957: Scenario) -> None:
    """Front ends draw the scene from the latest ``PhaseStarted``: an undo that takes back
    the decision that opened a scene shows the earlier scene again, with its state of play,
    before the decision it reopens (teacher report, item 4)."""
    game, start = new_game(cast_1957)
    r = request(game, "decision")
    shown = [e for e in start if isinstance(e, ev.PhaseStarted)][-1]
    assert shown.phase == r.phase
    game.submit(act.Choose("molotov", r.request, history_choice(game, r)))
    out = game.submit(act.Undo())
    scenes = [e for e in out if isinstance(e, ev.PhaseStarted)]
    assert scenes == [shown]
    assert out.index(shown) < out.index(r)
    assert isinstance(out[out.index(shown) + 1], ev.Status)
    assert out[out.index(shown) + 1] == game.status()
    # an undo that stays in the scene does not show it again; only the state of play, which
    # what it took back had changed
    game.submit(act.SetValue("cc_lean", 70, "A ruling."))
    assert [e.type for e in game.submit(act.Undo())] == ["ruling", "status"]
    game.submit(act.Note("mikoyan", "A word."))
    assert [e.type for e in game.submit(act.Undo())] == ["ruling"]
