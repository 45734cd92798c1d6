"""What a class's floor changes reaches the state of play at once, under its cause.

A teacher's try-out (report 6, finding 2): a rated argument moved Saburov, a floor move
brought more Central Committee members and Bulganin declared "Wavering", yet the projector,
the teacher's page and every phone showed the old numbers until the next scene, and the
"(was ...)" of a declaration later appeared under an unrelated decision. Real class games
of june_1957 (the cast of ``classroom_helpers``, and the bundled cast behind the real web
app), played through the real engine: each change is followed at once by the state of play
the room sees, right after what caused it, and by no panel when nothing it shows moved.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from rich.console import Console
from starlette.testclient import TestClient

from classroom_helpers import seating as class_of
from classroom_helpers import with_cast
from presidium import actions as act
from presidium import catalog, seating
from presidium import events as ev
from presidium.audience import ROOM, only
from presidium.classroom.session import Session
from presidium.conditions import Scope, compile_effect
from presidium.engine import Game
from presidium.model import Scenario
from presidium.ui.classroom import RoomRenderer
from presidium.web import app as web_app
from presidium.web.classroom import Classroom

PRESIDIUM = "Presidium (11 voting members)"
MEMBERS = "Central Committee members in Moscow"
LEANING = "Central Committee leaning to Khrushchev (%)"


class Lucky:
    """Every roll succeeds (a rated argument moves its man; a chance move works)."""

    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        return True, 1

    def pick(self, weights: tuple[int, ...], what: str) -> tuple[int, int]:
        return 0, 1


@pytest.fixture(scope="module")
def cast_1957(june_1957: Scenario) -> Scenario:
    return with_cast(june_1957)


class Room:
    """The projector of a class game: what ``class run`` draws, in plain text."""

    def __init__(self, scenario: Scenario) -> None:
        self.buffer = io.StringIO()
        console = Console(file=self.buffer, width=100, color_system=None)
        self.view = RoomRenderer(console, scenario, True)
        self.seen: list[ev.Event] = []

    def show(self, events: list[ev.Event]) -> list[ev.Event]:
        """Draw what the room may see of ``events``; that part of them, and what it drew."""
        public = list(only(events, ROOM))
        self.seen += public
        self.view.events(public)
        return public

    def text(self) -> str:
        """What it drew, its lines joined (as wrapped, a line may end anywhere)."""
        return " ".join(self.buffer.getvalue().split())


def line(status: ev.Event, label: str) -> str:
    assert isinstance(status, ev.Status), status
    return next(x.value for x in status.lines if x.label == label)


def to_the_floor(game: Game, room: Room) -> ev.RequestOpened:
    room.show(game.start())
    for _ in range(20):
        request = next(iter(game.requests.values()))
        if request.kind == "floor":
            return request
        phase = game.phase
        assert phase is not None and request.kind == "decision"
        open_ = [o.id for o in request.options if o.available]
        choice = phase.history if phase.history in open_ else open_[0]
        room.show(game.submit(act.Choose(request.roles[0], request.request, choice)))
    raise AssertionError("no floor opened")


def test_each_change_of_the_floor_is_followed_at_once_by_the_state_of_play(
    cast_1957: Scenario,
) -> None:
    game = Game(cast_1957, seating=class_of(8), dice=Lucky())
    room = Room(cast_1957)
    floor = to_the_floor(game, room)
    assert floor.phase == "presidium_count"
    assert line(game.status(), PRESIDIUM) == "With Khrushchev 4, With the majority 7"

    # A declaration: Bulganin says where he stands, and the room sees the count move.
    seen = room.show(game.submit(act.Declare("bulganin", "wavering")))
    assert [e.type for e in seen] == ["declared", "status"]
    assert line(seen[1], PRESIDIUM) == "With Khrushchev 4, With the majority 6, Wavering 1"
    assert room.text().endswith(
        "Nikolai Bulganin declares: Wavering. "
        f"Changed: {PRESIDIUM}: With Khrushchev 4, With the majority 6, Wavering 1 "
        "(was With Khrushchev 4, With the majority 7)."
    )

    # A rated argument: Mikoyan's moves Saburov, and the count moves again, said once.
    room.show(game.submit(act.Argue("mikoyan", "saburov", "The plenum elected him.")))
    seen = room.show(game.submit(act.Rate("rating:1", 5)))
    assert [e.type for e in seen] == ["rated", "closed", "status"]
    assert line(seen[2], PRESIDIUM) == "With Khrushchev 4, With the majority 5, Wavering 2"
    assert room.text().endswith(
        "Maksim Saburov is moved: now wavering. "
        f"Changed: {PRESIDIUM}: With Khrushchev 4, With the majority 5, Wavering 2 "
        "(was With Khrushchev 4, With the majority 6, Wavering 1)."
    )
    assert room.text().count("Maksim Saburov is moved") == 1

    # Floor moves: Khrushchev's in public, Mikoyan's in private, each moving a number.
    seen = room.show(game.submit(act.SetValue("cc_lean", 50, "A ruling.")))
    assert [e.type for e in seen] == ["ruling", "status"] and line(seen[1], LEANING) == "50"
    members = int(line(game.status(), MEMBERS))
    room.show(game.submit(act.MakeMove("khrushchev", floor.request, "rally")))
    room.show(game.submit(act.MakeMove("mikoyan", floor.request, "door")))
    everyone = game.submit(act.Close(floor.request))
    resolved = [e for e in everyone if isinstance(e, ev.MoveResolved)]
    assert [(e.move, e.to) for e in resolved] == [
        ("rally", ()),
        ("door", ("role:mikoyan", "teacher")),
    ]
    # each move is followed at once by the state of play it changed, for everyone
    after = [everyone[everyone.index(e) + 1 :] for e in resolved]
    assert line(after[0][0], LEANING) == "55" and line(after[0][0], MEMBERS) == str(members)
    assert after[1][0] == ev.Narration("A move made in private changes the state of play.", False)
    assert line(after[1][1], MEMBERS) == str(members + 10)
    assert all(e.to == () for e in (after[0][0], *after[1][:2]))
    seen = room.show(everyone)
    assert "door done." not in room.text()  # the private move's text stays private
    statuses = [e for e in seen if isinstance(e, ev.Status)]
    assert [line(s, LEANING) for s in statuses] == ["55", "55"]
    assert room.text().count(f"Changed: {LEANING}: 55 (was 50).") == 1
    assert f"Changed: {MEMBERS}: {members + 10} (was {members})." in room.text()

    # The next decision's panel says only what that decision and its scene moved: no
    # "(was ...)" of the floor's changes lands under it.
    drawn = len(room.text())
    while not any(r.kind == "decision" for r in game.requests.values()):
        room.show(game.submit(act.Close(next(iter(game.requests)))))
    decision = next(r for r in game.requests.values() if r.kind == "decision")
    room.show(game.submit(act.Choose(decision.roles[0], decision.request, "serov_makes_the_call")))
    later = room.text()[drawn:]
    assert "(was With Khrushchev 4, With the majority 7)" not in later
    assert "With the majority 6, Wavering 1)" not in later and "(was 50)" not in later


def test_no_panel_when_nothing_the_panel_shows_moved(cast_1957: Scenario) -> None:
    game = Game(cast_1957, seating=class_of(8), dice=Lucky())
    room = Room(cast_1957)
    floor = to_the_floor(game, room)
    # Khrushchev's rally pushes a leaning already at its highest: nothing to show
    assert line(game.status(), LEANING) == "80"
    game.submit(act.MakeMove("khrushchev", floor.request, "rally"))
    out = game.submit(act.Close(floor.request))
    assert not any(isinstance(e, ev.Status) for e in out)
    # Pervukhin argued to where Khrushchev's side stands, one step: a panel; then an
    # argument that fails moves nobody: none
    game.submit(act.Argue("khrushchev", "pervukhin", "Think of the plenum."))
    assert [e.type for e in game.submit(act.Rate("rating:1", 3))][-1] == "status"
    game.dice = _Unlucky()
    game.submit(act.Argue("khrushchev", "pervukhin", "Think again."))
    assert [e.type for e in game.submit(act.Rate("rating:2", 1))] == ["rated", "closed"]


class _Unlucky(Lucky):
    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        return False, 100


def test_taking_a_declaration_back_puts_the_state_of_play_back_at_once(
    cast_1957: Scenario,
) -> None:
    game = Game(cast_1957, seating=class_of(8), dice=Lucky())
    room = Room(cast_1957)
    to_the_floor(game, room)
    before = game.status()
    room.show(game.submit(act.Declare("bulganin", "khrushchev")))
    seen = room.show(game.submit(act.Undo()))
    assert [e.type for e in seen] == ["ruling", "status"] and seen[1] == before
    assert room.text().endswith(
        "The teacher took back Nikolai Bulganin's declaration. "
        f"Changed: {PRESIDIUM}: With Khrushchev 4, With the majority 7 "
        "(was With Khrushchev 5, With the majority 6)."
    )


def test_every_page_and_the_teachers_answer_show_the_change_at_once() -> None:
    """The real web classroom: a declaration, from a phone or typed on the teacher's page,
    reaches the projector's and every phone's state of play with the event that caused it."""
    scenario = catalog.open_scenario("june_1957").scenario
    session = Session.new(scenario, seating.cast(scenario, 12), 7)
    classroom = Classroom(session)
    classroom.deal_codes()
    with TestClient(web_app.create_app(classroom)) as client:
        answer = client.post("/api/join", json={"code": classroom.keys["bulganin"].code})
        client.cookies.clear()
        phone = {"X-Presidium-Seat": answer.json()["token"]}
        was = client.get("/api/state").json()["status"]
        body = {"nonce": "declare-1", "do": "declare", "stance": "wavering"}
        assert client.post("/api/act", headers=phone, json=body).status_code == 200
        for viewer in ({}, phone):
            now = client.get("/api/state", headers=viewer).json()["status"]
            presidium = {x["label"]: x["value"] for x in now["lines"]}[PRESIDIUM]
            assert "Wavering 1" in presidium, (viewer, presidium)
            assert now != was
        # the last events: the declaration, then the state of play it changed
        assert [e.type for e in session.events[-2:]] == ["declared", "status"]
        # typed on the teacher's page: the answer says what was done, then the state of play
        key = {"X-Presidium-Key": classroom.new_teacher_key()}
        line = {"line": "declare bulganin khrushchev"}
        answer = client.post("/api/teacher", headers=key, json=line).json()["said"]
        assert len(answer) == 2 and answer[0] == "Nikolai Bulganin declares: With Khrushchev."
        assert answer[1].startswith("State of play: Date: Mid-June 1957; ")
        assert f"{PRESIDIUM}: With Khrushchev 5, With the majority 6;" in answer[1]
        now = client.get("/api/state", headers=phone).json()["status"]
        assert {x["label"]: x["value"] for x in now["lines"]}[PRESIDIUM] == (
            "With Khrushchev 5, With the majority 6"
        )


def test_a_private_move_moving_a_declared_stance_is_not_named_to_the_room(
    cast_1957: Scenario,
) -> None:
    """Molotov's lobbying, private, here turns a Bulganin who declared "Wavering" back to
    the majority: the room hears that his stance moved, and the state of play, but never
    whose move it was nor what it was called."""
    scope = Scope(
        variables={k: v.type for k, v in cast_1957.variables.items()},
        stances=tuple(cast_1957.stances),
    )
    molotov = cast_1957.roles["molotov"]
    lobby = molotov.move("lobby")
    assert lobby is not None and not lobby.public and lobby.outcome is not None
    turns = compile_effect("bulganin.stance = 'majority'", scope)
    private = dataclasses.replace(
        lobby, outcome=dataclasses.replace(lobby.outcome, effects=(turns,))
    )
    moves = tuple(private if m.id == "lobby" else m for m in molotov.moves)
    roles = {**cast_1957.roles, "molotov": dataclasses.replace(molotov, moves=moves)}
    scenario = dataclasses.replace(cast_1957, roles=roles)
    game = Game(scenario, seating=class_of(8), dice=Lucky())
    room = Room(scenario)
    floor = to_the_floor(game, room)
    room.show(game.submit(act.Declare("bulganin", "wavering")))
    game.submit(act.MakeMove("molotov", floor.request, "lobby"))
    seen = room.show(game.submit(act.Close(floor.request)))
    assert [e.type for e in seen[:3]] == ["closed", "narration", "status"]
    said = seen[1]
    assert isinstance(said, ev.Narration)
    assert said.text == (
        "Nikolai Bulganin's declared stance (wavering) is changed by a move made in private: "
        "now with the majority. The student playing Nikolai Bulganin may declare again."
    )
    assert line(seen[2], PRESIDIUM) == "With Khrushchev 4, With the majority 7"
    assert not any(word in repr(seen[:3]) for word in ("Molotov", "lobby", "molotov"))
    assert "A move made in private" not in room.text()  # the cause is said once
