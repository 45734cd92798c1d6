"""The web classroom without a browser: the real june_1957 class behind the real Starlette app,
driven through Starlette's TestClient (routes, secrets, limits, headers), a real uvicorn on
loopback (streams, resume, shutdown), and the real command line (``class serve`` end to end,
and the message when the extra is missing)."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import http.client
import io
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from conftest import ROOT, run_cli
from presidium import audience, catalog, saves, seating
from presidium import events as ev
from presidium.actions import Close, Pause, Resume
from presidium.classroom import folder
from presidium.classroom.session import Session
from presidium.web import app as web_app
from presidium.web.classroom import ALPHABET, Classroom, Rejected

SEED = 7


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def make_classroom(students: int = 12, clock: Clock | None = None) -> Classroom:
    scenario = catalog.open_scenario("june_1957").scenario
    session = Session.new(scenario, seating.cast(scenario, students), SEED)
    classroom = Classroom(session, now=clock or Clock())
    classroom.deal_codes()
    return classroom


@pytest.fixture
def classroom() -> Classroom:
    return make_classroom()


@pytest.fixture
def client(classroom: Classroom) -> Iterator[TestClient]:
    with TestClient(web_app.create_app(classroom)) as test_client:
        yield test_client


def join(client: TestClient, classroom: Classroom, seat: str) -> dict[str, str]:
    """A new phone for ``seat``: the headers that carry its token."""
    answer = client.post("/api/join", json={"code": classroom.keys[seat].code})
    assert answer.status_code == 200, answer.text
    client.cookies.clear()
    return {"X-Presidium-Seat": answer.json()["token"]}


def teacher_headers(classroom: Classroom) -> dict[str, str]:
    return {"X-Presidium-Key": classroom.new_teacher_key()}


def open_request(
    classroom: Classroom, kind: str, ballot: str | None = None, inject: str = ""
) -> Any:
    """Let the script play (the teacher closing each open request in turn) until a request
    of ``kind`` (and ballot kind) opens: the real scenario's own path to it. ``inject``: the
    teacher injects that event as soon as its window opens."""
    game = classroom.session.game
    for _ in range(200):
        for request in game.requests.values():
            if request.kind == kind and (ballot is None or request.ballot == ballot):
                return request
        window = classroom.session.scenario.injections[inject].window if inject else ()
        if game.phase is not None and game.phase.id in window:
            classroom.teacher_line(f"inject {inject}")
            inject = ""
            continue
        first = next(iter(classroom.session.game.requests))
        classroom.teacher_line(f"close {first}")
    raise AssertionError(f"no {kind} request opened")


# ---------------------------------------------------------------------- joining


def test_join_codes_are_readable_and_unguessable(classroom: Classroom) -> None:
    codes = [k.code for k in classroom.keys.values()]
    assert len(set(codes)) == len(codes) == 12
    for code in codes:
        prefix, body = code.split("-")
        assert prefix.isalpha() and len(body) == 5 and set(body) <= set(ALPHABET)
    assert classroom.keys["bulganin"].code.startswith("BULG-")
    assert "0" not in ALPHABET and "O" not in ALPHABET and "1" not in ALPHABET
    # only hashes are kept on disk
    stored = classroom.to_json()
    assert all(code.split("-")[1] not in stored for code in codes)


def test_a_phone_joins_with_its_code_typed_loosely(
    client: TestClient, classroom: Classroom
) -> None:
    code = classroom.keys["molotov"].code.lower().replace("-", " ")
    answer = client.post("/api/join", json={"code": code})
    assert answer.status_code == 200
    assert answer.json()["seat"] == "molotov"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    state = client.get("/api/state").json()  # the cookie alone signs the phone in
    assert state["viewer"] == "seat" and state["seat"]["seat"] == "molotov"


def test_wrong_codes_are_refused_and_rate_limited(client: TestClient) -> None:
    answers = [client.post("/api/join", json={"code": f"BULG-2222{n}"}) for n in range(12)]
    assert [a.status_code for a in answers[:10]] == [404] * 10
    assert answers[10].status_code == 429
    assert "wait" in answers[10].json()["error"]


def test_many_failures_from_anywhere_lock_joining(classroom: Classroom) -> None:
    told: list[str] = []
    classroom.notice = told.append
    for n in range(100):
        with pytest.raises(Rejected):
            classroom.join(f"XXXX-{n:05d}", f"10.0.{n // 250}.{n % 250}")
    with pytest.raises(Rejected) as refused:
        classroom.join(classroom.keys["molotov"].code, "10.9.9.9")
    assert refused.value.status == 429
    assert len(told) == 1 and "joining is paused" in told[0]


def test_reseat_signs_the_old_device_out(client: TestClient, classroom: Classroom) -> None:
    phone = join(client, classroom, "bulganin")
    assert client.get("/api/state", headers=phone).json()["viewer"] == "seat"
    said = classroom.teacher_line("reseat bulganin")
    assert "new code" in said[0]
    assert client.get("/api/state", headers=phone).json()["viewer"] == "room"
    assert client.post("/api/act", headers=phone, json={"nonce": "n" * 8}).status_code == 401


def test_a_phone_without_a_code_is_seated_by_the_teacher(
    client: TestClient, classroom: Classroom
) -> None:
    answer = client.post("/api/device")
    tag, token = answer.json()["device"], answer.json()["token"]
    client.cookies.clear()  # this client is the teacher too
    phone = {"X-Presidium-Seat": token}
    assert client.get("/api/state", headers=phone).json()["device"] == tag
    key = teacher_headers(classroom)
    assert client.get("/api/state", headers=key).json()["waiting"] == [tag]
    refused = client.post("/api/teacher", headers=key, json={"line": "assign ZZZ bulganin"})
    assert refused.status_code == 409
    said = client.post("/api/teacher", headers=key, json={"line": f"assign {tag.lower()} bulganin"})
    assert said.status_code == 200, said.text
    state = client.get("/api/state", headers=phone).json()
    assert state["viewer"] == "seat" and state["seat"]["seat"] == "bulganin"
    assert client.get("/api/state", headers=key).json()["waiting"] == []


def test_labels_stay_with_the_teacher_and_devices_stay_signed_in_on_resume(
    client: TestClient, classroom: Classroom
) -> None:
    phone = join(client, classroom, "bulganin")
    classroom.teacher_line('label bulganin "Aisha K."')
    assert "Aisha" in json.dumps(
        client.get("/api/state", headers=teacher_headers(classroom)).json()
    )
    for headers in (phone, {}):
        assert "Aisha" not in json.dumps(client.get("/api/state", headers=headers).json())
    molotov_code = classroom.keys["molotov"].code
    again = Classroom(classroom.session, now=Clock())  # the next lesson, from the folder
    again.load_json(classroom.to_json())
    token = phone["X-Presidium-Seat"]
    assert again.seat_of(token) == "bulganin" and again.keys["bulganin"].label == "Aisha K."
    assert token not in classroom.to_json() and molotov_code not in classroom.to_json()
    assert again.deal_codes() == {}  # the codes printed for the first lesson still hold
    assert again.join(molotov_code, "10.1.1.1")[0] == "molotov"


# ---------------------------------------------------------------------- what each viewer sees


def test_a_phone_sees_its_own_sheet_and_nothing_of_another_role(
    client: TestClient, classroom: Classroom
) -> None:
    phone = join(client, classroom, "molotov")
    state = client.get("/api/state", headers=phone).json()
    sheet = state["seat"]
    assert sheet["name"] == "Vyacheslav Molotov" and sheet["objectives"] and sheet["brief"]
    text = json.dumps(state)
    scenario = classroom.session.scenario
    for role in scenario.roles.values():
        if role.id == "molotov":
            continue
        for known in role.knows:
            assert known.text not in text, role.id
        for objective in role.objectives:
            if objective.text not in {o.text for o in scenario.roles["molotov"].objectives}:
                assert objective.text not in text, role.id
    assert "roster" not in state and "code" not in text.lower().replace("counterfactual", "")


def test_the_projector_is_the_room_whatever_cookies_its_browser_holds(
    client: TestClient, classroom: Classroom
) -> None:
    answer = client.post("/api/join", json={"code": classroom.keys["molotov"].code})
    assert client.get("/api/state").json()["viewer"] == "seat"  # by the cookie
    assert client.get("/api/state?view=room").json()["viewer"] == "room"
    # a phone whose cookie was lost sends its token, and gets the cookie back for its stream
    client.cookies.clear()
    token = answer.json()["token"]
    again = client.get("/api/state", headers={"X-Presidium-Seat": token})
    assert again.json()["viewer"] == "seat" and token in again.headers["set-cookie"]


def test_time_answers_with_what_the_room_sees_not_the_games_ids(
    client: TestClient, classroom: Classroom
) -> None:
    """A new teacher's report, item (a): 'time +1m' answered "presidium_count:ballot: 2:55
    left.", and with several open asked for a request by ids the teacher had seen nowhere.
    Now the answer is the request's title, the question names each by the name 'open' shows
    it by (with its title), and an id, that name or a straw poll's event still works."""
    decision = open_request(classroom, "decision")
    while decision.phase != "khrushchev_speech":  # where the straw poll may be injected
        classroom.teacher_line(f"close {decision.request}")
        decision = open_request(classroom, "decision")
    (said,) = classroom.teacher_line("time 1m")
    decides = "Nikita Khrushchev decides (Khrushchev's speech)"
    assert said.startswith(f"{decides}: a countdown of 1:00 starts now; "), said
    ballot = open_request(classroom, "ballot", inject="straw_poll")
    with pytest.raises(Rejected) as refused:
        classroom.teacher_line("time +1m")
    reason = refused.value.reason
    assert reason.startswith("2 requests are open: say which, "), reason
    assert "'time decision +1m' (Nikita Khrushchev decides)" in reason
    assert "'time plenum_straw_poll +1m' (A secret straw poll of the plenum)" in reason
    assert ":decision" not in reason and ":ballot" not in reason
    for name in ("plenum_straw_poll", "straw_poll", ballot.request, "PLENUM_STRAW_POLL"):
        (said,) = classroom.teacher_line(f"time {name} 3m")
        assert said == (
            "The ballot 'A secret straw poll of the plenum': 3:00 left; when it runs out, the "
            "ballot closes, and whoever has not voted is counted as abstaining."
        ), said
    (said,) = classroom.teacher_line("time decision 2m")
    assert said.startswith(f"{decides}: 2:00 left; when it runs out, the script decides"), said
    with pytest.raises(Rejected) as refused:
        classroom.teacher_line("time decison +1m")
    reason = refused.value.reason
    assert "did you mean 'decision'" in reason and ":decision" not in reason, reason
    # the teacher's page shows each request by its title, and its buttons send that name
    key = teacher_headers(classroom)
    shown = client.get("/api/state", headers=key).json()["requests"]
    assert [(r["name"], r["request"]) for r in shown] == [
        ("decision", decision.request),
        ("plenum_straw_poll", ballot.request),
    ]
    page = (ROOT / "src" / "presidium" / "web" / "static" / "teacher.js").read_text()
    assert '"close " + name' in page and '"time " + name + " +1m"' in page
    assert '" (" + r.request + ")"' not in page


def test_the_room_and_the_teacher(client: TestClient, classroom: Classroom) -> None:
    room = client.get("/api/state").json()
    assert room["viewer"] == "room" and "seat" not in room and "roster" not in room
    assert all(k.code not in json.dumps(room) for k in classroom.keys.values())
    assert client.post("/api/teacher", json={"line": "pause"}).status_code == 403
    assert client.post("/api/teacher/login", json={"key": "guess"}).status_code == 403
    key = teacher_headers(classroom)
    teacher = client.get("/api/state", headers=key).json()
    assert teacher["viewer"] == "teacher"
    roster = {r["seat"]: r for r in teacher["roster"]}
    assert roster["bulganin"]["code"] == classroom.keys["bulganin"].code
    assert room["actions"] == 0 and room["connected"]["seats"] == 12
    client.post("/api/teacher", headers=key, json={"line": "script bulganin"})
    room = client.get("/api/state").json()  # a seat the script plays waits for no phone
    assert room["actions"] == 1 and room["connected"]["seats"] == 11
    answer = client.post("/api/teacher", headers=key, json={"line": "pause the bell"})
    assert answer.status_code == 200 and classroom.session.game.paused is not None
    assert client.post("/api/teacher", headers=key, json={"line": "frobnicate"}).status_code == 409


def test_with_a_decision_and_a_ballot_open_a_plain_close_asks_which(
    client: TestClient, classroom: Classroom
) -> None:
    game = classroom.session.game
    decision = open_request(classroom, "decision")
    while decision.phase != "khrushchev_speech":  # where the straw poll may be injected
        classroom.teacher_line(f"close {decision.request}")
        decision = open_request(classroom, "decision")
    ballot = open_request(classroom, "ballot", inject="straw_poll")
    assert list(game.requests) == [decision.request, ballot.request]
    key = teacher_headers(classroom)
    events = len(classroom.session.events)
    answer = client.post("/api/teacher", headers=key, json={"line": "close"})
    assert answer.status_code == 409
    reason = answer.json()["error"]
    assert "\n" not in reason and reason.startswith("2 requests are open: say which, ")
    assert "'close decision' (Nikita Khrushchev decides)" in reason
    assert "'close plenum_straw_poll' (A secret straw poll of the plenum)" in reason
    assert list(game.requests) == [decision.request, ballot.request]  # nothing closed
    assert len(classroom.session.events) == events
    answer = client.post("/api/teacher", headers=key, json={"line": f"close {ballot.request}"})
    assert answer.status_code == 200 and list(game.requests) == [decision.request]
    answer = client.post("/api/teacher", headers=key, json={"line": "close"})  # the only one
    assert answer.status_code == 200 and decision.request not in game.requests


def test_a_phone_decides_and_a_retry_does_nothing_more(
    client: TestClient, classroom: Classroom
) -> None:
    request = open_request(classroom, "decision")
    decider = request.roles[0]
    phone = join(client, classroom, decider)
    mine = next(
        r["mine"]
        for r in client.get("/api/state", headers=phone).json()["requests"]
        if r["request"] == request.request
    )
    assert mine["do"] == "choose"
    choice = next(o["id"] for o in mine["options"] if o["available"])
    body = {"nonce": "retry-me-1", "do": "choose", "request": request.request, "choice": choice}
    wrong = dict(body, nonce="retry-me-2", choice="no_such_choice")
    refused = client.post("/api/act", headers=phone, json=wrong)
    assert refused.status_code == 409 and "not a choice" in refused.json()["error"]
    first = client.post("/api/act", headers=phone, json=body)
    log = len(classroom.session.log)
    again = client.post("/api/act", headers=phone, json=body)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and len(classroom.session.log) == log


def test_a_student_cannot_act_as_another_role_or_the_teacher(
    client: TestClient, classroom: Classroom
) -> None:
    request = open_request(classroom, "decision")
    decider = request.roles[0]
    other = next(s for s in classroom.keys if s not in request.roles)
    phone = join(client, classroom, other)
    choice = request.options[0].id
    for body in (
        {"do": "choose", "request": request.request, "choice": choice},
        {"do": "choose", "request": request.request, "choice": choice, "role": decider},
        {"do": "close", "request": request.request},
        {"do": "conclude"},
    ):
        answer = client.post("/api/act", headers=phone, json={"nonce": os.urandom(6).hex(), **body})
        assert answer.status_code in (400, 409), body
    assert client.post("/api/teacher", headers=phone, json={"line": "conclude"}).status_code == 403
    assert request.request in classroom.session.game.requests


def test_a_secret_ballot_reaches_only_its_voter(client: TestClient, classroom: Classroom) -> None:
    ballot = open_request(classroom, "ballot", "secret", inject="straw_poll")
    voter, other = ballot.roles[0], ballot.roles[1]
    phone, neighbour = join(client, classroom, voter), join(client, classroom, other)
    seq = len(classroom.session.events)
    body = {"nonce": "secret-1", "do": "cast", "request": ballot.request, "ballot": "against"}
    assert client.post("/api/act", headers=phone, json=body).status_code == 200
    mine = classroom.deliveries(f"role:{voter}", seq)
    assert any(e["type"] == "ballot_received" and e["vote"] == "against" for _, e in mine)
    for viewer in (f"role:{other}", "room", "teacher"):
        seen = json.dumps(classroom.deliveries(viewer, seq))
        assert "ballot_received" not in seen and '"against"' not in seen, viewer
    for headers in (neighbour, {}):
        client.cookies.clear()  # a phone's state gives its cookie back: the room has none
        state = client.get("/api/state", headers=headers).json()
        entry = next(r for r in state["requests"] if r["request"] == ballot.request)
        assert entry["count"] == 1 and len(entry["voted"]) == 1  # who has voted, never how
        assert len(entry["waiting"]) == entry["of"] - 1
        assert "ballot_received" not in json.dumps(state)
        assert entry["mine"] is None if not headers else entry["mine"]["cast"] is None
    client.cookies.clear()
    assert '"against"' not in json.dumps(client.get("/api/state").json())


def test_a_seat_s_two_phones_voting_alike_are_one_vote_and_a_change_is_still_taken(
    client: TestClient, classroom: Classroom
) -> None:
    ballot = open_request(classroom, "ballot", "open")
    seat = next(s for s in ballot.roles if classroom.keys[s].code)
    code = classroom.keys[seat].code  # still its student's once claimed: both phones join
    first = join(client, classroom, seat)
    classroom.keys[seat].code = code
    second = join(client, classroom, seat)
    seq, log = len(classroom.session.events), len(classroom.session.log)

    def cast(phone: dict[str, str], vote: str, why: str = "") -> None:
        body = {"nonce": os.urandom(6).hex(), "do": "cast", "request": ballot.request}
        answer = client.post("/api/act", headers=phone, json={**body, "ballot": vote, "why": why})
        assert answer.status_code == 200 and answer.json()["accepted"], answer.text

    def said() -> list[tuple[str, str]]:
        room = [e for _, e in classroom.deliveries("room", seq) if e["type"] == "ballot_cast"]
        return [(e["vote"], e["why"]) for e in room]

    cast(first, "for")
    cast(second, "for")  # the seat's other phone, at the same moment: nothing new
    assert said() == [("for", "")] and len(classroom.session.log) == log + 1
    cast(second, "for", "We need the votes.")  # a reason added is a change
    cast(first, "against")
    assert said() == [("for", ""), ("for", "We need the votes."), ("against", "")]
    assert len(classroom.session.log) == log + 3
    mine = next(r["mine"] for r in client.get("/api/state", headers=second).json()["requests"])
    assert mine["cast"] == "against"


@pytest.mark.parametrize("kind", ["open", "simultaneous"])
def test_a_changed_vote_reads_as_a_change_on_the_console_in_room_txt_and_to_the_room(
    kind: str,
) -> None:
    """Teacher's eighth try, finding 2: Bulganin's phone voted For, then Against with a
    reason, and the console, room.txt and the room's page read "votes for", then "votes
    against: ...", as if he had voted twice (in a simultaneous ballot, the same "Voted (3 of
    6)" line again, with no word of what happened). The class served as ``class serve``
    serves it: the phones' votes drawn on the console and in room.txt, and streamed."""
    import argparse

    from presidium.ui.classroom import open_teacher

    args = argparse.Namespace(
        resume=None, scenario="june_1957", students=12, benches=False, seed=SEED, plain=True
    )
    args.width = 200  # a line a vote: what was said, not where it was wrapped
    teacher, _ = open_teacher(args, "serve")
    screen = io.StringIO()
    teacher.screen.console.file = screen

    def from_phones(taken: list[Any]) -> Any:
        teacher.took(taken, later=True)
        return teacher.journal.syncing()

    classroom = Classroom(teacher.session, now_ms=teacher.now_ms, accepted=from_phones)
    classroom.deal_codes()
    reason = "I chaired them on the 18th; I was wrong."
    with TestClient(web_app.create_app(classroom)) as client:
        ballot = open_request(classroom, "ballot", kind)
        voters = [s for s in ballot.roles if classroom.keys[s].code][:2]
        phones = {seat: join(client, classroom, seat) for seat in voters}
        name = {seat: seating.seat_name(classroom.session.scenario, seat) for seat in voters}
        seq = len(classroom.session.events)
        teacher.show_later()
        screen.seek(0)
        screen.truncate()
        room_before = len(teacher.room_text())

        def cast(seat: str, vote: str, why: str = "") -> None:
            body = {"nonce": os.urandom(6).hex(), "do": "cast", "request": ballot.request}
            answer = client.post(
                "/api/act", headers=phones[seat], json={**body, "ballot": vote, "why": why}
            )
            assert answer.status_code == 200 and answer.json()["accepted"], answer.text
            teacher.show_later()

        first, other = voters
        cast(first, "for")
        cast(first, "against", reason)
        cast(other, "abstain")
        room = [e for _, e in classroom.deliveries("room", seq)]
    said = [line for line in screen.getvalue().splitlines() if not line.startswith("Voted (")]
    record = teacher.room_text()[room_before:]
    if kind == "open":
        expected = [
            f"{name[first]} votes for",
            f"{name[first]} changes the vote to against: {reason}",
            f"{name[other]} abstains",
        ]
    else:
        expected = [f"{name[first]} changes the vote."]
    assert said == expected
    flat = " ".join(record.split())  # room.txt is 80 wide: its lines wrapped
    at = [flat.find(line) for line in expected]
    assert -1 not in at and at == sorted(at), (expected, flat)
    assert f"{name[first]} votes against" not in flat and flat.count("changes the vote") == 1
    # what the room's page is sent, and draws (common.js) in the same words
    told = [e for e in room if e["type"] in ("ballot_cast", "ballot_changed")]
    if kind == "open":
        assert [(e["name"], e["vote"], e.get("was")) for e in told] == [
            (name[first], "for", None),  # a first vote's data as it always was
            (name[first], "against", "for"),
            (name[other], "abstain", None),
        ]
    else:
        assert told == [
            {
                "type": "ballot_changed",
                "request": ballot.request,
                "voter": first,
                "name": name[first],
            }
        ]
        assert reason not in json.dumps(room) and '"against"' not in json.dumps(room)


def test_states_share_what_they_can_yet_each_is_its_viewers_own_and_up_to_date() -> None:
    """What every viewer's state says of a request is made once while nothing changes; a
    voter's own ballot, a countdown's time left and a change of revision still show at once."""
    clock = Clock()
    classroom = make_classroom(clock=clock)
    ballot = open_request(classroom, "ballot", "secret", inject="straw_poll")
    voter, other = ballot.roles[0], ballot.roles[1]

    def entry(viewer: str) -> dict[str, Any]:
        state = classroom.state(viewer)
        return next(r for r in state["requests"] if r["request"] == ballot.request)

    before = entry(f"role:{other}")
    assert before["mine"]["cast"] is None and before["count"] == 0
    classroom.act(
        voter, {"nonce": "share-001", "do": "cast", "request": ballot.request, "ballot": "against"}
    )
    mine, theirs, room = entry(f"role:{voter}"), entry(f"role:{other}"), entry("room")
    assert mine["mine"]["cast"] == "against" and theirs["mine"]["cast"] is None
    assert room["mine"] is None and mine["count"] == theirs["count"] == room["count"] == 1
    if room["remaining_ms"] is not None:
        clock.t += 5
        assert entry("room")["remaining_ms"] == room["remaining_ms"] - 5000
    classroom.teacher_line(f"time {ballot.request} 3m")
    assert entry(f"role:{other}")["remaining_ms"] == 180_000
    assert before["count"] == 0 and before["mine"]["cast"] is None  # what was given stays


def test_a_state_put_together_from_shared_pieces_is_the_state_itself() -> None:
    """The stream's state is spliced from pieces encoded once for every viewer (a request's
    public part, a seat's sheet, the scene): for every viewer, all through a class (ballots
    with votes cast, a decision, the floor, envelopes opened, a pause, countdowns running,
    a seat handed to the script), it is the very JSON of that viewer's state, and what is
    one viewer's own never shows in another's."""
    clock = Clock()
    classroom = make_classroom(students=25, clock=clock)
    game = classroom.session.game
    viewers = ["room", ev.TEACHER, *(ev.for_role(s) for s in classroom.keys)]
    scripted = next(iter(classroom.keys))
    classroom.teacher_line(f"script {scripted}")
    compared = 0

    def same_everywhere() -> None:
        nonlocal compared
        events = classroom.session.events
        for viewer in viewers:
            expected = json.dumps(classroom.state(viewer), separators=(",", ":"))
            assert classroom.state_json(viewer) == expected, viewer
            compared += 1
            if viewer.startswith("role:"):  # the envelopes opened to it, every one, so far
                opened = [
                    classroom.page_dict(i)
                    for i, e in enumerate(events)
                    if isinstance(e, ev.Revealed) and audience.visible(e, viewer)
                ]
                assert json.loads(expected)["seat"]["revealed"] == opened, viewer

    window = classroom.session.scenario.injections["straw_poll"].window
    injected = paused = False
    kinds: set[str] = set()
    for step in range(200):
        if game.over:
            break
        same_everywhere()
        clock.t += 7  # countdowns run between the looks
        for request in list(game.requests.values()):
            kinds.add(request.kind)
            if request.kind == "ballot":  # a few seats vote, each differently
                for n, seat in enumerate(request.roles[:3]):
                    if seat in game.scripted or seat in game.voted(request.request):
                        continue
                    body = {"nonce": f"vote-{step}-{n}", "do": "cast", "request": request.request}
                    classroom.act(seat, {**body, "ballot": ("for", "against", "abstain")[n]})
                same_everywhere()
        if not injected and game.phase is not None and game.phase.id in window:
            classroom.teacher_line("inject straw_poll")
            injected = True
            continue
        if not paused and step == 3:
            classroom.teacher_line("pause")
            same_everywhere()
            classroom.teacher_line("resume")
            paused = True
        classroom.teacher_line(f"close {next(iter(game.requests))}")
    same_everywhere()
    assert {"ballot", "decision", "floor"} <= kinds and injected and compared > 500
    assert any(e.type == "revealed" for e in classroom.session.events)


def test_a_vote_restates_the_room_and_the_teacher_only_when_its_progress_names_nobody() -> None:
    """After a vote, the room's and the teacher's pages are sent their state only when the
    ballot's progress does not name who has voted (a secret ballot: the names are in their
    state); an open or simultaneous ballot's progress names them, and the pages draw it from
    the event. The voter's own page is sent its state either way."""
    classroom = make_classroom(students=25)
    game = classroom.session.game
    window = classroom.session.scenario.injections["straw_poll"].window
    seen: dict[str, bool] = {}
    injected = False
    for step in range(200):
        if game.over:
            break
        for request in list(game.requests.values()):
            if request.kind != "ballot" or request.ballot in seen:
                continue
            seat = next(s for s in request.roles if s not in game.scripted)
            after = len(classroom.session.events)
            body = {"nonce": f"vote-{step}-xx", "do": "cast", "request": request.request}
            classroom.act(seat, {**body, "ballot": "for"})
            restated = [classroom.frames(v, after)[1] for v in ("room", ev.TEACHER)]
            assert restated == [request.ballot == "secret"] * 2, request.ballot
            assert classroom.frames(ev.for_role(seat), after)[1]
            seen[request.ballot or ""] = True
        if not injected and game.phase is not None and game.phase.id in window:
            classroom.teacher_line("inject straw_poll")
            injected = True
            continue
        classroom.teacher_line(f"close {next(iter(game.requests))}")
    assert "secret" in seen and len(seen) >= 2, seen


def test_the_teacher_s_state_has_the_argument_to_rate_and_a_seat_s_its_declared_stance() -> None:
    """An argument waiting for its rating is on the teacher's state with its words and the
    stances it is about (and only there); a seat's state says the stance it declared and
    where that stands now. The spliced JSON is each viewer's state all the while."""
    classroom = make_classroom(students=5)
    viewers = ["room", ev.TEACHER, *(ev.for_role(s) for s in classroom.keys)]

    def same_everywhere() -> None:
        for viewer in viewers:
            expected = json.dumps(classroom.state(viewer), separators=(",", ":"))
            assert classroom.state_json(viewer) == expected, viewer

    assert classroom.state("role:zhukov")["declared"] is None
    text = "The army will not stand by."
    classroom.act(
        "zhukov", {"nonce": "argue-0001", "do": "argue", "target": "pervukhin", "text": text}
    )
    classroom.act("zhukov", {"nonce": "declare-001", "do": "declare", "stance": "aside"})
    same_everywhere()
    (rating,) = [r for r in classroom.state(ev.TEACHER)["requests"] if r["kind"] == "rating"]
    stances = classroom.session.scenario.stances
    values = classroom.session.game.values
    assert rating["argument"] == {
        "text": text,
        "target": "Mikhail Pervukhin",
        "stance": stances[values["pervukhin.stance"]],
        "towards": "Standing aside",  # Zhukov has no side: his own stance
    }
    for viewer in viewers[:1] + viewers[2:]:
        assert text not in classroom.state_json(viewer), viewer
    assert classroom.state("role:zhukov")["declared"] == {
        "stance": "Standing aside",
        "now": "Standing aside",
    }
    assert "declared" not in classroom.state("room")


def test_a_countdown_closes_its_ballot_by_the_missing_rule() -> None:
    clock = Clock()
    classroom = make_classroom(clock=clock)
    ballot = open_request(classroom, "ballot")
    left = classroom.remaining_ms(ballot.request)
    assert left is not None and left > 0
    classroom.teacher_line(f"time {ballot.request} +1m")
    assert classroom.remaining_ms(ballot.request) == left + 60_000
    clock.t += (left + 60_000) / 1000 - 1
    assert not classroom.tick()
    clock.t += 2
    assert classroom.tick()
    assert ballot.request not in classroom.session.game.requests
    closed = [e for e in classroom.session.events if e.type == "closed"][-1]
    assert closed.request == ballot.request and closed.by == "timer"


def test_a_paused_game_holds_its_countdowns() -> None:
    clock = Clock()
    classroom = make_classroom(clock=clock)
    ballot = open_request(classroom, "ballot")
    left = classroom.remaining_ms(ballot.request)
    classroom.teacher_line("pause")
    clock.t += 3600
    assert not classroom.tick() and classroom.remaining_ms(ballot.request) == left
    classroom.teacher_line("resume")
    assert classroom.remaining_ms(ballot.request) == left


def resumed(classroom: Classroom, clock: Clock) -> Classroom:
    """The next lesson: the session replayed from its save, as ``--resume`` reads it from the
    folder, on a new server (its own clock) that reads back ``web.json``."""
    session = Session.replay(classroom.session.scenario, classroom.session.to_save())
    again = Classroom(session, now=clock)
    again.load_json(classroom.to_json())
    return again


def test_a_countdown_goes_on_after_a_resume_from_what_was_left() -> None:
    clock = Clock()
    classroom = make_classroom(clock=clock)
    ballot = open_request(classroom, "ballot")
    full = classroom.remaining_ms(ballot.request)
    assert full is not None and full > 40_000
    clock.t += 30  # the class votes for half a minute; then the server stops
    later = Clock()
    later.t = 50_000.0  # a week later, on a new server (its clock starts anywhere)
    again = resumed(classroom, later)
    assert again.remaining_ms(ballot.request) == full - 30_000
    later.t += 10
    assert again.remaining_ms(ballot.request) == full - 40_000
    later.t += (full - 40_000) / 1000 + 0.5
    assert again.tick() and ballot.request not in again.session.game.requests


def test_more_time_given_and_a_pause_survive_a_resume() -> None:
    clock = Clock()
    classroom = make_classroom(clock=clock)
    ballot = open_request(classroom, "ballot")
    full = classroom.remaining_ms(ballot.request) or 0
    clock.t += 20
    classroom.teacher_line(f"time {ballot.request} +1m")
    assert resumed(classroom, Clock()).remaining_ms(ballot.request) == full + 40_000
    classroom.teacher_line("pause tea")
    clock.t += 600  # paused: the countdown is held, before and after the resume
    later = Clock()
    again = resumed(classroom, later)
    later.t += 3600
    assert not again.tick() and again.remaining_ms(ballot.request) == full + 40_000
    again.teacher_line("resume")
    later.t += 5
    assert again.remaining_ms(ballot.request) == full + 35_000


def test_a_countdown_the_teacher_gave_survives_a_resume() -> None:
    """A request the scenario gives no minutes has a countdown only if the teacher gives one
    ('time 3m'): the next lesson has it too."""
    clock = Clock()
    classroom = make_classroom(clock=clock)
    decision = open_request(classroom, "decision")
    assert decision.minutes is None and classroom.remaining_ms(decision.request) is None
    classroom.teacher_line(f"time {decision.request} 3m")
    clock.t += 60
    assert resumed(classroom, Clock()).remaining_ms(decision.request) == 120_000


def test_a_resume_after_class_run_keeps_the_countdown_only_of_the_same_request() -> None:
    """``class run`` has no countdown of its own (its ``wait`` is a countdown at the keyboard
    that ends before anything else is typed), so the time left when ``serve`` stopped is what
    is left when ``serve`` takes the class back; a request closed and another opened in
    between starts with its own full time."""
    clock = Clock()
    classroom = make_classroom(clock=clock)
    ballot = open_request(classroom, "ballot")
    full = classroom.remaining_ms(ballot.request) or 0
    clock.t += 30
    kept = classroom.to_json()  # serve stops; class run --resume plays on, then stops
    ran = Session.replay(classroom.session.scenario, classroom.session.to_save())
    ran.submit(Pause("a fire drill"), 1)
    ran.submit(Resume(), 2)
    later = Clock()
    again = Classroom(ran, now=later)
    again.load_json(kept)
    assert again.remaining_ms(ballot.request) == full - 30_000
    other = json.loads(kept)  # what was kept of another opening of the same request
    other["timers"][ballot.request]["opened"] += 1
    again = Classroom(ran, now=later)
    again.load_json(json.dumps(other))
    assert again.remaining_ms(ballot.request) == full
    ran.submit(Close(ballot.request), 3)  # the run closes it: what opens next has its own time
    again = Classroom(ran, now=later)
    again.load_json(kept)
    assert ballot.request not in again.timers
    for request in ran.game.requests.values():
        planned = request.minutes * 60_000 if request.minutes else None
        assert again.remaining_ms(request.request) == planned


def test_a_bench_decides_by_the_hands_raised_on_its_phones(client: TestClient) -> None:
    scenario = catalog.open_scenario("june_1957").scenario
    session = Session.new(scenario, seating.benches(scenario, 4), SEED)
    classroom = Classroom(session, now=Clock())
    classroom.deal_codes()
    with TestClient(web_app.create_app(classroom)) as bench_client:
        request = next(iter(session.game.requests.values()))
        bench = request.roles[0]
        phones = [join(bench_client, classroom, bench) for _ in range(2)]  # two students
        mine = bench_client.get("/api/state", headers=phones[0]).json()["requests"][0]["mine"]
        assert mine["do"] == "hands"
        choices = [o["id"] for o in mine["options"] if o["available"]]
        body = {"nonce": "hand-0001", "do": "hands", "request": request.request}
        first = bench_client.post(
            "/api/act", headers=phones[0], json={**body, "choice": choices[0]}
        )
        assert first.status_code == 200 and request.request in session.game.requests
        body["nonce"] = "hand-0002"
        bench_client.post("/api/act", headers=phones[1], json={**body, "choice": choices[0]})
        assert request.request not in session.game.requests
        counted = next(e for e in session.events if e.type == "hands")
        assert counted.chosen == choices[0] and dict(counted.counts)[choices[0]] == 2


def bench_class(students: int | None) -> tuple[Classroom, Any]:
    """A benches class of june_1957 dealt as ``class serve --benches [--students N]`` deals
    it, and the majority bench's first decision (which it decides by hands)."""
    scenario = catalog.open_scenario("june_1957").scenario
    dealt = seating.benches(scenario, students or len(scenario.sides))
    session = Session.new(scenario, dealt, SEED)
    classroom = Classroom(session, now=Clock())
    classroom.deal_codes()
    return classroom, next(iter(session.game.requests.values()))


def raise_hand(client: TestClient, phone: dict[str, str], request: Any, n: int) -> None:
    state = client.get("/api/state", headers=phone).json()
    mine = next(r for r in state["requests"] if r["request"] == request.request)["mine"]
    assert mine["do"] == "hands"
    choice = next(o["id"] for o in mine["options"] if o["available"])
    body = {"nonce": f"hand-{n:04d}", "do": "hands", "request": request.request}
    answer = client.post("/api/act", headers=phone, json={**body, "choice": choice})
    assert answer.status_code == 200, answer.text


def hands_shown(client: TestClient, headers: dict[str, str], request: Any) -> tuple[int, int]:
    """The "N of M hands raised" a page draws for ``request``: its state's count and of."""
    state = client.get("/api/state", headers=headers).json()
    entry = next(r for r in state["requests"] if r["request"] == request.request)
    return entry["count"], entry["of"]


def test_a_bench_with_no_class_size_waits_for_every_phone_that_joined_it() -> None:
    classroom, request = bench_class(None)  # 'class serve june_1957 --benches'
    session = classroom.session
    with TestClient(web_app.create_app(classroom)) as bench_client:
        bench = request.roles[0]
        teacher = teacher_headers(classroom)
        phones = [join(bench_client, classroom, bench) for _ in range(2)]
        raise_hand(bench_client, phones[0], request, 1)
        # the first hand does not decide for the bench: the other phone has a say
        assert request.request in session.game.requests
        assert not [e for e in session.events if e.type == "hands"]
        for viewer in (phones[0], phones[1], {}, teacher):  # phones, the room, the teacher
            assert hands_shown(bench_client, viewer, request) == (1, 2)
        third = join(bench_client, classroom, bench)  # a student joins late: one more hand
        assert hands_shown(bench_client, {}, request) == (1, 3)
        raise_hand(bench_client, phones[1], request, 2)
        assert request.request in session.game.requests
        raise_hand(bench_client, third, request, 3)
        assert request.request not in session.game.requests
        counted = next(e for e in session.events if e.type == "hands")
        assert sum(n for _, n in counted.counts) == 3


def test_a_bench_of_a_given_size_waits_for_its_students_not_its_phones() -> None:
    classroom, request = bench_class(6)  # 'class serve june_1957 --benches --students 6'
    session = classroom.session
    with TestClient(web_app.create_app(classroom)) as bench_client:
        phones = [join(bench_client, classroom, request.roles[0]) for _ in range(2)]
        raise_hand(bench_client, phones[0], request, 1)
        assert hands_shown(bench_client, {}, request) == (1, 3)
        raise_hand(bench_client, phones[1], request, 2)
        assert request.request in session.game.requests  # 2 of 3: the third is still to come
        assert hands_shown(bench_client, phones[0], request) == (2, 3)


# ---------------------------------------------------------------------- the limits


def test_every_answer_carries_the_security_headers(client: TestClient) -> None:
    for answer in (client.get("/api/state"), client.post("/api/join", json={"code": "x"})):
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        assert "unsafe-inline" not in answer.headers["content-security-policy"]
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_big_bodies_and_long_texts_are_refused(client: TestClient, classroom: Classroom) -> None:
    phone = join(client, classroom, "molotov")
    big = client.post("/api/act", headers=phone, content=b"{" + b" " * 5000 + b"}")
    assert big.status_code == 413
    long_note = {"nonce": "long-note-1", "do": "note", "text": "x" * 281}
    assert client.post("/api/act", headers=phone, json=long_note).status_code == 409
    assert client.post("/api/act", headers=phone, content=b"not json").status_code == 400


def test_a_phone_posting_too_fast_is_slowed(client: TestClient, classroom: Classroom) -> None:
    phone = join(client, classroom, "molotov")
    codes = [
        client.post(
            "/api/act", headers=phone, json={"nonce": f"fast-{n:04d}", "do": "note", "text": "hi"}
        ).status_code
        for n in range(14)
    ]
    assert 429 in codes and codes[0] == 200


def test_text_from_phones_is_made_printable(client: TestClient, classroom: Classroom) -> None:
    phone = join(client, classroom, "molotov")
    note = {"nonce": "printable", "do": "note", "text": "hi\x1b[2Jthere<script>"}
    assert client.post("/api/act", headers=phone, json=note).status_code == 200
    sent = [e for e in classroom.session.events if e.type == "note"][-1]
    assert "\x1b" not in sent.text


# ---------------------------------------------------------------------- a real server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """A real uvicorn on loopback in a thread, serving one classroom."""

    def __init__(self, classroom: Classroom, port: int | None = None) -> None:
        import uvicorn

        self.classroom = classroom
        self.port = port or free_port()  # a port again: the class started again where it was
        self.app = web_app.create_app(classroom)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        hub = self.app.state.hub
        self.thread = threading.Thread(
            target=lambda: asyncio.run(web_app.run_server(self.server, hub)), daemon=True
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Served:
        self.thread.start()
        for _ in range(100):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise AssertionError("the server did not start")

    def stop(self) -> float:
        started = time.monotonic()
        self.server.should_exit = True
        self.thread.join(10)
        return time.monotonic() - started

    def __exit__(self, *_exc: object) -> None:
        if self.thread.is_alive():
            self.stop()


# Each stream's line reader, kept while the test runs: a reader left to the garbage collector
# closes its response, and with it the connection, at a moment of the collector's choosing.
READERS: dict[int, Iterator[str]] = {}


def read_events(response: httpx.Response, count: int) -> list[tuple[str, str, str]]:
    """(id, event, data) of the next ``count`` events (comments, pings and the greeting that
    says which class this is skipped)."""
    found: list[tuple[str, str, str]] = []
    fields: dict[str, str] = {}
    lines = READERS.setdefault(id(response), response.iter_lines())
    for line in lines:
        if not line:
            if "event" in fields and fields["event"] not in ("ping", "hello"):
                found.append((fields.get("id", ""), fields["event"], fields.get("data", "")))
                if len(found) == count:
                    return found
            fields = {}
            continue
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return found


def test_a_stream_resumes_from_the_last_event_it_had(classroom: Classroom) -> None:
    with Served(classroom) as served, httpx.Client(base_url=served.url, timeout=10) as http:
        total = len(classroom.session.deliveries("room"))
        with http.stream("GET", "/api/stream") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            # its start goes through the middleware, its body straight to the server
            assert "default-src 'self'" in stream.headers["content-security-policy"]
            first = read_events(stream, total)
        ids = [int(i) for i, kind, _ in first if kind == "game"]
        assert ids == sorted(ids) and len(ids) == total - 0
        # a phone that slept asks from its last id: it gets only what came after
        key = teacher_headers(classroom)
        http.post("/api/teacher", headers=key, json={"line": "pause a break"})
        with http.stream("GET", "/api/stream", headers={"Last-Event-ID": str(ids[-1])}) as again:
            (after,) = [e for e in read_events(again, 2) if e[1] == "game"][:1]
        assert int(after[0]) == ids[-1] + 1 and json.loads(after[2])["type"] == "paused"
        with http.stream("GET", f"/api/stream?after={ids[-1]}") as query:
            (same,) = [e for e in read_events(query, 2) if e[1] == "game"][:1]
        assert same == after


def test_a_stream_first_says_which_class_it_is_and_a_resume_keeps_it(
    classroom: Classroom,
) -> None:
    """Before anything else, a stream names its class, as every state does: a page left open
    while another class starts on the same port (which numbers its events from 1 again) finds
    a class it does not know, and starts afresh. A resumed class (web.json read back) is the
    same class; another class is not."""
    with Served(classroom) as served, httpx.Client(base_url=served.url, timeout=10) as http:
        with http.stream("GET", "/api/stream?after=0") as stream:
            lines = READERS.setdefault(id(stream), stream.iter_lines())
            head = [next(lines) for _ in range(5)]
        assert head[3:] == ["event: hello", f'data: {{"class": "{classroom.class_id}"}}']
        assert http.get("/api/state").json()["class"] == classroom.class_id
    assert len(classroom.class_id) == 12
    resumed = Classroom(classroom.session, timers=False)
    assert resumed.class_id != classroom.class_id  # a new class
    resumed.load_json(classroom.to_json())
    assert resumed.class_id == classroom.class_id  # the same class, resumed
    assert resumed.state("room")["class"] == classroom.class_id
    resumed.load_json('{"class": "not an id"}')
    assert resumed.class_id == classroom.class_id


def test_more_time_is_told_to_every_stream(classroom: Classroom) -> None:
    """A countdown given more time changes no game event, so the stream says ``state``."""
    ballot = open_request(classroom, "ballot")
    with Served(classroom) as served, httpx.Client(base_url=served.url, timeout=10) as http:
        seq = len(classroom.session.events)
        with http.stream("GET", f"/api/stream?after={seq}") as stream:
            key = teacher_headers(classroom)
            said = http.post(
                "/api/teacher", headers=key, json={"line": f"time {ballot.request} +1m"}
            )
            assert said.status_code == 200
            told = [json.loads(e[2]) for e in read_events(stream, 3) if e[1] == "state"]
        # the state a stream starts with, then the state with the countdown's new time
        assert [t["revision"] for t in told] == [classroom.revision - 1, classroom.revision]
        left = [t["requests"][0]["remaining_ms"] for t in told]
        assert left[1] > left[0] + 50_000


def test_a_quiet_stream_is_pinged_and_still_gets_what_happens(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing happening, a stream still hears a ``ping`` every ``PING_SECONDS`` (the
    page's watchdog reopens a silent stream), and what happens next still comes, in order."""
    monkeypatch.setattr(web_app, "PING_SECONDS", 0.3)
    with Served(classroom) as served, httpx.Client(base_url=served.url, timeout=10) as http:
        seq = len(classroom.session.events)
        with http.stream("GET", f"/api/stream?after={seq}") as stream:
            kinds: list[str] = []
            started = time.monotonic()
            for line in READERS.setdefault(id(stream), stream.iter_lines()):
                if line.startswith("event: "):
                    kinds.append(line.removeprefix("event: "))
                if kinds.count("ping") == 2:
                    break
            assert [k for k in kinds if k != "presence"] == ["hello", "state", "ping", "ping"]
            assert 0.4 < time.monotonic() - started < 3
            http.post("/api/teacher", headers=teacher_headers(classroom), json={"line": "pause"})
            game = [e for e in read_events(stream, 2) if e[1] == "game"]
        assert [json.loads(data)["type"] for _id, _kind, data in game] == ["paused"]
        assert int(game[0][0]) == seq + 1


def test_a_stream_whose_phone_takes_nothing_is_ended(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phone gone without hanging up (out of Wi-Fi range) stops taking what it is sent:
    its stream is ended after ``SEND_TIMEOUT`` seconds, and it is no longer counted."""
    monkeypatch.setattr(web_app, "SEND_TIMEOUT", 0.3)
    sent: list[str] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["type"])
        if message["type"] == "http.response.body":
            await asyncio.Event().wait()  # the connection's buffers are full: it never drains

    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()  # and the page never says it has gone
        return {"type": "http.disconnect"}

    async def serve() -> float:
        hub = web_app.Hub(classroom)
        ticking = asyncio.create_task(hub.tick())
        loop = asyncio.get_running_loop()
        started = loop.time()
        stream = web_app.EventStream(hub, ev.for_role("molotov"), 0, False)
        await asyncio.wait_for(stream({"type": "http"}, receive, send), 5)
        hub.close()
        await ticking
        return loop.time() - started

    took = asyncio.run(serve())
    assert 0.3 <= took < 2, took
    assert sent == ["http.response.start", "http.response.body"]  # nothing after the stuck one
    assert classroom.connected == {}


class _VirtualLoop:
    """Just what ``Hub`` asks of the loop when it schedules writes, on a clock that moves only
    when the test says: the timing of writes is checked exactly, whatever the machine's load."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[tuple[float, int, Callable[..., Any], tuple[Any, ...]]] = []
        self.made = itertools.count()

    def time(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> None:
        heapq.heappush(self.timers, (self.now + delay, next(self.made), callback, args))

    def call_soon(self, callback: Callable[..., Any], *args: Any) -> None:
        self.call_later(0.0, callback, *args)

    def create_future(self) -> Any:
        return types.SimpleNamespace(done=lambda: False, set_result=lambda _result: None)

    def run_until(self, when: float) -> None:
        """Run every timer due by ``when``, in order, then stand at ``when``."""
        while self.timers and self.timers[0][0] <= when:
            due, _, callback, args = heapq.heappop(self.timers)
            self.now = max(self.now, due)
            callback(*args)
        self.now = when


def test_writes_are_few_in_a_burst_yet_the_first_votes_wait_for_no_earlier_write(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is accepted is written within a few milliseconds when nothing was written just
    before it but one write: the teacher's line that opens a ballot does not hold its first
    votes back. In a burst of actions (a ballot's votes, one every 5 ms for 0.4 s), writes
    come one every ``FLUSH_GAP`` on average, never two much closer than that."""
    loop = _VirtualLoop()
    monkeypatch.setattr(web_app.asyncio, "get_running_loop", lambda: loop)
    written: list[float] = []
    monkeypatch.setattr(classroom, "flush", lambda: written.append(loop.now))
    hub = web_app.Hub(classroom)
    hub.flush_soon()  # the teacher opens the ballot
    loop.run_until(web_app.FLUSH_SECONDS)
    assert written == [pytest.approx(web_app.FLUSH_SECONDS)]
    hub.flush_soon()  # the first vote, at once: not held back by the teacher's write
    loop.run_until(2 * web_app.FLUSH_SECONDS)
    assert written[1:] == [pytest.approx(2 * web_app.FLUSH_SECONDS)]
    start = loop.now
    for vote in range(80):  # the rest of the votes: one every 5 ms for 0.4 s
        loop.run_until(start + vote * 0.005)
        hub.flush_soon()
    loop.run_until(start + 1.0)
    last_vote = start + 79 * 0.005
    burst = written[2:]
    assert len(burst) <= 0.4 / web_app.FLUSH_GAP + 2, burst
    assert burst[-1] >= last_vote  # the last vote is written too
    gaps = [b - a for a, b in itertools.pairwise(burst)]
    assert gaps and min(gaps) > web_app.FLUSH_GAP * 0.8, gaps


def test_a_vote_is_answered_before_the_streams_are_sent_what_it_changed(
    classroom: Classroom,
) -> None:
    """A write of the votes answers the phones that waited for it, then sends the streams
    the ballot's progress: a voter does not wait behind forty streams."""
    ballot = open_request(classroom, "ballot")
    seat = next(s for s in ballot.roles if s not in classroom.session.game.scripted)
    order: list[str] = []

    async def send(message: dict[str, Any]) -> None:
        if b"ballot_progress" in message.get("body", b""):
            order.append("stream")

    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()  # the page stays
        return {"type": "http.disconnect"}

    async def vote() -> None:
        hub = web_app.Hub(classroom)
        stream = web_app.EventStream(hub, "room", len(classroom.session.events), False)
        streaming = asyncio.create_task(stream({"type": "http"}, receive, send))
        await asyncio.sleep(0.05)  # the stream has sent what it starts with
        body = {"nonce": "vote-00001", "do": "cast", "request": ballot.request, "ballot": "for"}
        classroom.act(seat, body)
        await hub.saved()  # as the handler of /api/act does before it answers
        order.append("answer")
        await asyncio.sleep(0.05)
        hub.close()
        await asyncio.wait_for(streaming, 2)

    asyncio.run(vote())
    assert order == ["answer", "stream"]


def test_phones_coming_and_going_are_told_the_room_together(classroom: Classroom) -> None:
    """A quarter of the class waking one after another is one ``presence`` on the room's
    stream (and the teacher's), not one a phone; it still says every phone, soon after."""
    seats = list(classroom.keys)[:10]
    told: list[dict[str, int]] = []

    async def room_send(message: dict[str, Any]) -> None:
        for frame in message.get("body", b"").decode().split("\n\n"):
            if frame.startswith("event: presence\n"):
                told.append(json.loads(frame.partition("data: ")[2]))

    async def phone_send(_message: dict[str, Any]) -> None:
        pass

    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()  # the page stays
        return {"type": "http.disconnect"}

    async def wake_up() -> list[int]:
        hub = web_app.Hub(classroom)
        seq = len(classroom.session.events)
        room = web_app.EventStream(hub, "room", seq, False)
        tasks = [asyncio.create_task(room({"type": "http"}, receive, room_send))]
        await asyncio.sleep(0.05)  # the room has sent what it starts with
        started = len(told)
        for seat in seats:  # phones back from sleep, 5 ms apart
            phone = web_app.EventStream(hub, ev.for_role(seat), seq, False)
            tasks.append(asyncio.create_task(phone({"type": "http"}, receive, phone_send)))
            await asyncio.sleep(0.005)
        await asyncio.sleep(web_app.PRESENCE_SECONDS * 2)
        phones = [t["phones"] for t in told[started:]]
        hub.close()
        await asyncio.wait_for(asyncio.gather(*tasks), 2)
        return phones

    phones = asyncio.run(wake_up())
    assert 1 <= len(phones) <= 2 and phones[-1] == len(seats), phones


def test_a_slow_disk_holds_up_the_votes_it_writes_not_the_server(classroom: Classroom) -> None:
    """The folder's sync is done off the server's loop: while a write waits for the disk,
    the server goes on answering, the votes in that write are neither answered nor shown to
    any page, and a vote that comes meanwhile is written after it, in order."""
    disk = threading.Event()  # the disk finishes the sync when this is set
    syncs: list[int] = []

    def written(_taken: Any) -> Callable[[], None]:
        def sync() -> None:
            assert disk.wait(10)
            syncs.append(len(syncs))

        return sync

    ballot = open_request(classroom, "ballot")
    classroom.accepted = written
    voters = [seat for seat in ballot.roles if seat not in classroom.session.game.scripted][:2]
    answers: dict[str, int] = {}
    with Served(classroom) as served:
        phones = {}
        for seat in voters:
            token = httpx.post(served.url + "/api/join", json={"code": classroom.keys[seat].code})
            phones[seat] = {"X-Presidium-Seat": token.json()["token"]}

        def vote(seat: str) -> None:
            body = {"nonce": f"vote-{seat}", "do": "cast", "request": ballot.request}
            answer = httpx.post(
                served.url + "/api/act", json={**body, "ballot": "for"}, headers=phones[seat]
            )
            answers[seat] = answer.status_code

        before = classroom.published()
        first = threading.Thread(target=vote, args=(voters[0],))
        first.start()
        first.join(0.5)
        assert first.is_alive() and voters[0] not in answers  # not answered: not saved yet
        started = time.monotonic()
        assert httpx.get(served.url + "/healthz", timeout=5).status_code == 200
        assert time.monotonic() - started < 1  # the loop is not held up by the disk
        assert classroom.published() == before < len(classroom.session.events)
        second = threading.Thread(target=vote, args=(voters[1],))
        second.start()
        second.join(0.3)
        assert second.is_alive()
        disk.set()
        first.join(5)
        second.join(5)
        assert answers == {voters[0]: 200, voters[1]: 200}
        assert syncs == [0, 1]  # two writes, one after the other
        assert classroom.published() == len(classroom.session.events)


@pytest.mark.parametrize("fails", ["the write", "the sync"])
def test_a_write_that_fails_is_told_to_the_teacher_and_the_class_goes_on(
    classroom: Classroom, fails: str
) -> None:
    """A disk that fails the write or its sync (full, or gone): the teacher is told, in
    words, not with a traceback, and the class goes on: the vote is taken and shown (the
    next write is whole, see the journal's own tests)."""
    told: list[str] = []
    full = saves.SaveError("cannot save to 'journal.jsonl': No space left on device")

    def written(_taken: Any) -> Callable[[], None]:
        if fails == "the write":
            raise full

        def sync() -> None:
            raise full

        return sync

    ballot = open_request(classroom, "ballot")
    classroom.accepted = written
    classroom.notice = told.append
    seat = next(s for s in ballot.roles if s not in classroom.session.game.scripted)
    with Served(classroom) as served:
        token = httpx.post(served.url + "/api/join", json={"code": classroom.keys[seat].code})
        body = {"nonce": "vote-once", "do": "cast", "request": ballot.request, "ballot": "for"}
        answer = httpx.post(
            served.url + "/api/act",
            json=body,
            headers={"X-Presidium-Seat": token.json()["token"]},
        )
        assert answer.status_code == 200
        assert classroom.published() == len(classroom.session.events)
    assert told == [
        "Not saved: cannot save to 'journal.jsonl': No space left on device. "
        "The next write tries again."
    ]


def test_the_server_stops_within_3_seconds_with_every_stream_open(classroom: Classroom) -> None:
    ended: list[str] = []
    with Served(classroom) as served:

        def listen() -> None:
            with httpx.stream("GET", served.url + "/api/stream", timeout=30) as stream:
                events = [e for e in read_events(stream, 1000)]
                ended.append(events[-1][1] if events else "")

        listeners = [threading.Thread(target=listen) for _ in range(8)]
        for listener in listeners:
            listener.start()
        for _ in range(100):
            if classroom.presence()["phones"] == 0 and sum(classroom.connected.values()) >= 8:
                break
            time.sleep(0.05)
        assert sum(classroom.connected.values()) == 8
        took = served.stop()
        for listener in listeners:
            listener.join(5)
    assert took < 3, took
    assert ended == ["bye"] * 8


def _taken_in(served: Served, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Connect to ``served`` as a phone would just as the server stops: the connection joins
    uvicorn's open connections only once uvicorn has told those it had to close (the
    race a busy server can lose). Set once the server has taken the connection in."""
    config = served.server.config
    config.load()  # which protocol the server will speak (h11, or httptools if present)
    protocol = config.http_protocol_class
    joins = protocol.connection_made
    taken, told = threading.Event(), threading.Event()
    stopping = served.server.shutdown

    async def shutdown(sockets: Any = None) -> None:
        told.set()  # uvicorn tells its connections as soon as this goes on
        await stopping(sockets=sockets)

    def made(self: Any, transport: Any) -> None:
        loop = asyncio.get_running_loop()

        def join() -> None:
            if told.is_set():
                joins(self, transport)
            else:
                loop.call_later(0.01, join)

        join()
        taken.set()

    monkeypatch.setattr(served.server, "shutdown", shutdown)
    monkeypatch.setattr(protocol, "connection_made", made)
    return taken


def _hung_up(client: socket.socket) -> bool:
    """Whether the server closes its end of ``client`` (within 3 seconds of silence; what
    it still sends before that is read and let go)."""
    client.settimeout(3)
    try:
        while client.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    finally:
        client.close()


def test_a_connection_taken_in_as_the_server_stops_is_closed_at_once(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phone connects just as the teacher stops the server, too late for uvicorn to tell
    it to close with the others: the server still stops at once, and closes it (it waited
    out its grace period, then left the connection open, a socket never closed)."""
    served = Served(classroom)
    taken = _taken_in(served, monkeypatch)
    with served:
        client = socket.create_connection(("127.0.0.1", served.port))
        assert taken.wait(5)
        took = served.stop()
    assert _hung_up(client)
    assert took < 1, took


def test_a_connection_still_open_when_the_grace_period_ends_is_closed(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection that does not close when told (as one whose phone stopped reading in
    the middle of an answer) keeps the server no longer than its grace period, and is
    closed when the server stops, not left open."""
    served = Served(classroom)
    config = served.server.config
    config.load()
    monkeypatch.setattr(config.http_protocol_class, "shutdown", lambda self: None)
    with served:
        client = socket.create_connection(("127.0.0.1", served.port))
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: phone\r\n\r\n")
        assert b"200" in client.recv(4096).split(b"\r\n")[0]
        took = served.stop()
    assert _hung_up(client)
    assert took < 3, took


# ---------------------------------------------------------------------- the command line


def test_serve_without_the_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import presidium.web

    monkeypatch.setattr(presidium.web, "missing", lambda: ["starlette", "uvicorn"])
    code, _out, err = run_cli(["class", "serve", "june_1957", "--students", "5"])
    assert code == 2
    assert 'pip install "presidium-1957[classroom]"' in err


def test_serve_on_an_address_not_this_machines_is_a_usage_error() -> None:
    code, _out, err = run_cli(
        ["class", "serve", "june_1957", "--students", "5", "--host", "192.0.2.254"]
    )
    assert code == 2 and "cannot listen on --host 192.0.2.254" in err
    assert "Traceback" not in err


def test_serve_with_benches_and_no_size_says_how_a_bench_is_counted(tmp_path: Path) -> None:
    """``class serve --benches`` with no ``--students`` says at start that a bench is as many
    as join it on phones; ``class run --benches`` (one keyboard, no phones) says nothing of
    phones."""
    env = dict(os.environ, PRESIDIUM_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    args = ["june_1957", "--benches", "--seed", "3", "--port", str(free_port())]
    with serve_process([*args, "--host", "127.0.0.1"], env) as server:
        out, err = server.communicate("quit\n", timeout=60)
    assert server.returncode == 0, err
    flat = " ".join(out.split())
    assert (
        "One bench a side: Khrushchev's side (bench), The majority (Molotov, Malenkov, "
        "Kaganovich) (bench). "
        "No class size was given, so a bench holds the phones that join it with its code: "
        "its decision waits for a hand on each (or for 'close')." in flat
    ), flat
    code, ran, _ = run_cli(
        ["class", "run", "june_1957", "--benches", "--seed", "3", "--plain"], "quit\n"
    )
    assert code == 0 and "One bench a side" in ran and "phones" not in ran.split("Seed 3")[0]


def test_solo_play_and_version_never_load_the_web_server() -> None:
    script = (
        "import contextlib, io, sys\n"
        "from presidium.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['play', '--side', 'khrushchev', '--autoplay', 'history', '--plain'])\n"
        "    with contextlib.suppress(SystemExit):\n"
        "        main(['--version'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('starlette', 'uvicorn', 'sse_starlette', 'segno', 'anyio') or m.startswith('presidium.web')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"


def _run_resumed(place: Path, env: dict[str, str], typed: str) -> str:
    """``class run --resume`` on the session at ``place``, given ``typed``: what it printed."""
    resumed = subprocess.run(
        [sys.executable, "-m", "presidium", "class", "run", "--resume", str(place), "--plain"],
        input=typed,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    return resumed.stdout


def _class_serve(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    """``class serve june_1957`` for five students on ``port``, as a teacher starts it."""
    return serve_process(["june_1957", "--students", "5", "--seed", "3", "--port", str(port)], env)


def serve_process(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """``presidium class serve ARGS --plain`` in a process of its own, its console on pipes."""
    return subprocess.Popen(
        [sys.executable, "-m", "presidium", "class", "serve", *args, "--plain"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_serve_end_to_end_then_run_resumes_the_same_session(tmp_path: Path) -> None:
    """A teacher starts ``class serve``, a phone joins with a code from the console and acts,
    Ctrl-C stops it within 3 s with a stream open, and ``class run --resume`` goes on with the
    same session; ``class replay`` replays it."""
    env = dict(os.environ, PRESIDIUM_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    port = free_port()
    with _class_serve(env, port) as server:
        try:
            code, took = _serve_and_stop(server, port)
        finally:
            if server.poll() is None:
                server.kill()
    assert took < 3, took
    assert server.returncode == 130
    (place,) = (tmp_path / "classes").iterdir()
    assert (place / "join-cards.html").is_file() and (place / "web.json").is_file()
    assert code not in (place / "web.json").read_text()
    assert f'<strong class="code">{code}</strong>' in (place / "sheets.html").read_text()
    save = json.loads((place / "save.json").read_text())
    assert save["log"][0]["by"] == "role:molotov"
    assert "1 action replayed from the log." in _run_resumed(place, env, "status\nquit\n")
    replayed = subprocess.run(
        [sys.executable, "-m", "presidium", "class", "replay", str(place)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr


def test_an_action_acknowledged_survives_a_kill_of_the_server(tmp_path: Path) -> None:
    """What a phone was told is saved is saved: the server killed right after answering (no
    goodbye, no last write) leaves the action in the folder's journal, and ``class run
    --resume`` goes on from it."""
    env = dict(os.environ, PRESIDIUM_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    port = free_port()
    with _class_serve(env, port) as server:
        try:
            _, code = _codes_printed(server)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
                token = http.post("/api/join", json={"code": code}).json()["token"]
                phone = {"X-Presidium-Seat": token}
                state = http.get("/api/state", headers=phone).json()
                (request,) = [r for r in state["requests"] if r["mine"]]
                body = {"nonce": "kill-00001", "do": "choose", "request": request["request"]}
                body["choice"] = request["mine"]["options"][0]["id"]
                answer = http.post("/api/act", headers=phone, json=body)
                assert answer.status_code == 200, answer.text
            server.kill()
            server.wait(10)
        finally:
            if server.poll() is None:
                server.kill()
    (place,) = (tmp_path / "classes").iterdir()
    assert (place / "journal.jsonl").is_file()  # the save itself was not written again
    assert [a.by for a in folder.read(place).log] == ["role:molotov"]
    assert "1 action replayed from the log." in _run_resumed(place, env, "quit\n")
    assert not (place / "journal.jsonl").exists()  # written whole when the class stopped


def test_serve_resumed_goes_on_with_the_countdown_where_it_stopped(tmp_path: Path) -> None:
    """The teacher gives a countdown a minute more, types ``quit``, and ``class serve
    --resume`` starts it again from what it had left, not from its full time."""
    env = dict(os.environ, PRESIDIUM_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    first = ["june_1957", "--students", "5", "--seed", "3"]
    with _serving(first, env) as (server, http):
        seq = http.get("/api/state").json()["seq"]
        timed: list[dict[str, Any]] = []
        for _ in range(40):
            timed = [r for r in http.get("/api/state").json()["requests"] if r["remaining_ms"]]
            if timed:
                break
            seq = _console(server, http, "close", seq)
        assert timed, "no countdown opened"
        (request,) = timed
        _console(server, http, f"time {request['request']} +1m", seq, revision=True)
        time.sleep(1)
        left = next(
            r["remaining_ms"]
            for r in http.get("/api/state").json()["requests"]
            if r["request"] == request["request"]
        )
        _quit(server)
    (place,) = (tmp_path / "classes").iterdir()
    planned = folder.resume(str(place))[1].game.requests[request["request"]].minutes
    assert planned
    with _serving(["--resume", str(place)], env) as (server, http):
        again = next(
            r["remaining_ms"]
            for r in http.get("/api/state").json()["requests"]
            if r["request"] == request["request"]
        )
        # the minute more is kept, and the time it had run is gone
        assert planned * 60_000 < again <= left
        _quit(server)


def test_serve_keeps_an_idle_connection_for_the_next_action_and_stops_at_once(
    tmp_path: Path,
) -> None:
    """A phone's connection, idle longer than uvicorn's default keep-alive (5 s), still takes
    its next request (a vote minutes after the last action needs no new connection); Ctrl-C
    with that idle connection open still stops the server within 3 s."""
    env = dict(os.environ, PRESIDIUM_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    port = free_port()
    with (
        _serving(["june_1957", "--students", "5"], env, port) as (server, _http),
        contextlib.closing(http.client.HTTPConnection("127.0.0.1", port, timeout=10)) as phone,
    ):
        phone.request("GET", "/healthz")
        assert phone.getresponse().read() == b'{"ok":true}'
        connection = phone.sock
        time.sleep(6)
        phone.request("GET", "/healthz")  # on the same connection, or an error if it is gone
        assert phone.sock is connection and phone.getresponse().read() == b'{"ok":true}'
        started = time.monotonic()
        server.send_signal(signal.SIGINT)
        server.wait(10)
        assert time.monotonic() - started < 3


@contextlib.contextmanager
def _serving(
    args: list[str], env: dict[str, str], port: int = 0, given: bool = True
) -> Iterator[tuple[subprocess.Popen[str], httpx.Client]]:
    """``class serve`` with ``args`` on ``port`` (or a free one), and a client for its room's
    view; not ``given``, the port and host are not said (a resume finds them itself)."""
    port = port or free_port()
    command = [sys.executable, "-m", "presidium", "class", "serve", *args]
    if given:
        command += ["--port", str(port), "--host", "127.0.0.1"]
    command += ["--plain"]
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as server:
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
                for _ in range(200):
                    with contextlib.suppress(httpx.TransportError):
                        if http.get("/healthz").status_code == 200:
                            break
                    assert server.poll() is None, server.stderr.read() if server.stderr else ""
                    time.sleep(0.05)
                else:
                    raise AssertionError("class serve did not start")
                yield server, http
        finally:
            if server.poll() is None:
                server.kill()


def _quit(server: subprocess.Popen[str]) -> None:
    """The teacher types ``quit``: the server stops, and the session is saved."""
    assert server.stdin is not None
    server.stdin.write("quit\n")
    server.stdin.flush()
    assert server.wait(10) == 0


def _console(
    server: subprocess.Popen[str], http: httpx.Client, line: str, seq: int, revision: bool = False
) -> int:
    """Type ``line`` at the serve console and wait until the room's state shows it: the new
    last event number."""
    assert server.stdin is not None
    before = http.get("/api/state").json()
    server.stdin.write(line + "\n")
    server.stdin.flush()
    for _ in range(200):
        state = http.get("/api/state").json()
        if state["seq"] > seq or (revision and state["revision"] > before["revision"]):
            return int(state["seq"])
        time.sleep(0.05)
    raise AssertionError(f"the console did nothing with {line!r}")


def _codes_printed(server: subprocess.Popen[str]) -> tuple[str, str]:
    """Type ``codes`` at the server's console: what it printed up to the last role's code,
    and Molotov's code."""
    assert server.stdin is not None and server.stdout is not None
    server.stdin.write("codes\n")
    server.stdin.flush()
    seen = ""
    while "Georgy Malenkov: " not in seen:
        line = server.stdout.readline()
        assert line, seen
        seen += line
    found = re.search(r"Vyacheslav Molotov: (MOLO-\w{5})", seen)
    assert found is not None
    return seen, found.group(1)


def _serve_and_stop(server: subprocess.Popen[str], port: int) -> tuple[str, float]:
    """Read the codes the console prints, join and act as Molotov's phone, then Ctrl-C the
    server with the phone's stream open: (the code used, seconds it took to stop)."""
    seen, code = _codes_printed(server)
    assert f"http://127.0.0.1:{port}/" in seen
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        token = http.post("/api/join", json={"code": code}).json()["token"]
        phone = {"X-Presidium-Seat": token}
        state = http.get("/api/state", headers=phone).json()
        (request,) = [r for r in state["requests"] if r["mine"]]
        choice = request["mine"]["options"][0]["id"]
        body = {"nonce": "e2e-00001", "do": "choose", "request": request["request"]}
        answer = http.post("/api/act", headers=phone, json={**body, "choice": choice})
        assert answer.status_code == 200, answer.text
        assert "server" not in answer.headers and "date" not in answer.headers  # no banner
        with http.stream("GET", "/api/stream", headers=phone) as stream:
            read_events(stream, 1)
            started = time.monotonic()
            server.send_signal(signal.SIGINT)
            server.wait(10)
            took = time.monotonic() - started
    return code, took


def test_every_route_the_server_answers_is_described_for_developers(classroom: Classroom) -> None:
    """docs/classroom-web.md lists the routes: a route added without a line there fails."""
    page = (ROOT / "docs" / "classroom-web.md").read_text(encoding="utf-8")
    app = web_app.create_app(classroom)
    paths = {route.path.replace("{name}", "NAME") for route in app.routes}  # type: ignore[attr-defined]
    described = set(re.findall(r"`(?:GET|POST) ([^` ]+)", page))
    described |= {p for p in re.findall(r", `(/[a-z]*)`", page)}  # "GET /, `/room`, `/teacher`"
    assert paths - described == set()
    assert described - paths == set()


def test_a_page_that_goes_away_is_no_longer_counted_as_connected(classroom: Classroom) -> None:
    """The room and the teacher see who is connected: a phone whose page closes its stream
    leaves the count within a moment, with no event needed to notice it."""
    with Served(classroom) as served, httpx.Client(base_url=served.url, timeout=10) as http:
        answer = http.post("/api/join", json={"code": classroom.keys["molotov"].code})
        headers = {"X-Presidium-Seat": answer.json()["token"]}
        http.cookies.clear()
        with http.stream("GET", "/api/stream", headers=headers) as stream:
            read_events(stream, 1)
            assert classroom.connected.get("role:molotov") == 1
        for _ in range(100):
            if "role:molotov" not in classroom.connected:
                break
            time.sleep(0.02)
        assert "role:molotov" not in classroom.connected
        assert classroom.presence()["phones"] == 0
