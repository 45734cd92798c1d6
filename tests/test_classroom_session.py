"""A class's game kept safe: save format 2, the session, its folder, replay and the post-mortem."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from classroom_helpers import routine_action
from conftest import GOLDEN, ROOT, matches_golden
from conftest import run_cli as run
from presidium import actions, catalog, saves
from presidium import events as ev
from presidium import seating as seats
from presidium.catalog import Opened
from presidium.classroom import folder, postmortem
from presidium.classroom.session import LogRefused, Session
from presidium.engine import Game
from presidium.errors import GameOver, IllegalChoice
from presidium.model import Scenario
from presidium.seating import Seating
from test_debrief import _Checker

BASE = ["play", "--side", "khrushchev", "--seed", "5", "--plain", "--width", "80"]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(folder))
    return folder


def class_save(log: list[actions.Action] | None = None, **changes: Any) -> saves.Save:
    if log is None:
        log = [
            actions.Choose("molotov", "the_plot:decision", "strike_on_tuesday"),
            actions.Declare("bulganin", "wavering"),
            actions.Cast("bulganin", "count:ballot", "for", "The table has decided."),
            actions.Close("count:ballot", timer=True),
            actions.Hands("vote:decision", (("a", 3), ("b", 4))),
            actions.SetValue("cc_lean", 75, "Konev's speech landed."),
        ]
    fields: dict[str, Any] = {
        "scenario": "june_1957",
        "source": "june_1957",
        "digest": "sha256:0",
        "seating": Seating("roles", 5, ("khrushchev", "molotov", "bulganin")),
        "seed": 1957,
        "log": log,
        "times": [1000 * n for n in range(len(log))],
    }
    fields.update(changes)
    return saves.Save.of_class(**fields)


def rewritten(text: str, change: Callable[[dict[str, Any]], None]) -> bytes:
    """The save ``text`` edited by ``change``, its checksum recomputed as anyone can."""
    body = json.loads(text)
    change(body)
    body["checksum"] = saves._checksum(body)
    return json.dumps(body).encode()


# --------------------------------------------------------------------------- save format 2


def test_a_class_save_round_trips_with_its_seating_log_and_times(tmp_path: Path) -> None:
    save = class_save(session=saves.Session(inputs=["as molotov strike"], transcript="x\n"))
    path = saves.write(save, tmp_path / "class.json")
    again = saves.read(path)
    assert again == save and again.mode == "roles" and again.version == 2
    body = json.loads(path.read_text())
    assert body["version"] == saves.CLASS_VERSION and body["mode"] == "roles"
    assert body["seating"] == {
        "mode": "roles",
        "students": 5,
        "seats": ["khrushchev", "molotov", "bulganin"],
    }
    assert body["log"][0] == {
        "by": "role:molotov",
        "do": "choose",
        "role": "molotov",
        "request": "the_plot:decision",
        "choice": "strike_on_tuesday",
    }
    assert body["log"][3]["by"] == "timer" and body["times"] == [0, 1000, 2000, 3000, 4000, 5000]
    assert "side" not in body and "choices" not in body
    # one log entry a line, so that two saves of a class can be compared by eye
    assert '  {"by": "teacher", "do": "set", "variable": "cc_lean"' in path.read_text()


def test_a_solo_game_still_writes_version_1(tmp_path: Path) -> None:
    save = tmp_path / "solo.json"
    run(BASE, f"1\nsave {save}\nquit\n")
    body = json.loads(save.read_text())
    assert body["version"] == 1 and "log" not in body and body["side"] == "khrushchev"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace('"seed": 1957', '"seed": 1958'), "does not match its checksum"),
        (
            lambda t: t.replace('"choice": "strike_on_tuesday"', '"choice": "wait"'),
            "does not match its checksum",
        ),
        (lambda t: t[: len(t) // 2], "is damaged or cut short"),
        (
            lambda t: t.replace('"version": 2', '"version": 3'),
            "format version 3, written by a newer",
        ),
    ],
    ids=["seed", "log", "cut", "newer"],
)
def test_a_damaged_or_edited_class_save_is_refused(
    tmp_path: Path, change: Callable[[str], str], message: str
) -> None:
    text = class_save().to_json()
    with pytest.raises(saves.SaveError, match=message):
        saves.parse(change(text).encode(), "class.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b["log"].__setitem__(2, "cast"), "entry 3 of the log is not an action"),
        (
            lambda b: b["log"][1].update(do="shout"),
            "entry 2 of the log is not an action: unknown action 'shout'",
        ),
        (
            lambda b: b["log"][0].update(by="teacher"),
            "entry 1 of the log is not an action: 'choose' by 'teacher'",
        ),
        (
            lambda b: b["log"][2].update(ballot=True),
            "entry 3 of the log is not an action: 'cast': 'ballot'",
        ),
        (lambda b: b.update(log={}), "'log' should be a list of actions"),
        (lambda b: b["times"].pop(), "'times' has 5 entries but the log has 6"),
        (lambda b: b["times"].__setitem__(0, -1), "'times' should be a list of milliseconds"),
        (lambda b: b["times"].__setitem__(0, 1.5), "'times' should be a list of milliseconds"),
        (lambda b: b.update(mode="benches"), "'mode' is benches but the seating is roles"),
        (lambda b: b.update(mode="crowd"), "'mode' should be one of solo, benches, roles"),
        (lambda b: b["seating"].update(students=0), "'seating' is not a seating"),
        (lambda b: b["seating"].update(seats=["a", "a"]), "a seat is listed twice"),
        (lambda b: b.update(finished="yes"), "'finished' should be true or false"),
    ],
)
def test_a_class_save_is_strictly_typed_even_with_a_recomputed_checksum(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(saves.SaveError, match=message.replace("(", r"\(")):
        saves.parse(rewritten(class_save().to_json(), change), "class.json")


def test_a_long_field_in_a_log_is_named_short() -> None:
    long = "x" * 100_000
    bad = rewritten(class_save().to_json(), lambda b: b["log"][1].update(do=long))
    with pytest.raises(saves.SaveError) as caught:
        saves.parse(bad, "class.json")
    assert len(str(caught.value)) < 400 and "(cut short: 100,017 characters in all)" in str(
        caught.value
    )


def test_a_log_far_too_long_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(saves, "MAX_LOG", 3)
    with pytest.raises(saves.SaveError, match="the log has 6 entries, far more than"):
        saves.parse(class_save().to_json().encode(), "class.json")


def test_a_class_save_too_large_is_not_written_and_the_previous_one_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = saves.write(class_save(), tmp_path / "class.json")
    before = target.read_bytes()
    notes = [actions.Note("molotov", "x" * 200)] * 400
    monkeypatch.setattr(saves, "MAX_BYTES", 64 * 1024)
    with pytest.raises(saves.SaveError, match="more than a save may hold; the previous save"):
        saves.write(class_save(notes), target)
    assert target.read_bytes() == before


def test_a_class_save_is_not_loaded_as_one_player_s_game(tmp_path: Path) -> None:
    path = saves.write(class_save(), tmp_path / "class.json")
    code, out, err = run(["play", "--load", str(path)])
    assert code == 1 and "the save is a class's game (roles), not one player's" in err
    assert "class run --resume" in err and "Traceback" not in out + err


def test_a_version_2_save_of_a_solo_seating_plays_on_as_a_solo_game(
    tmp_path: Path, june_1957: Scenario
) -> None:
    game = Game(june_1957, ["khrushchev"], seed=5)  # Khrushchev's first two decisions
    game.start()
    decided: list[tuple[str, str]] = []
    while len(decided) < 2:
        phase = game.phase
        assert phase is not None and phase.history is not None
        decided.append((phase.id, phase.history))
        game.step(phase.history)
    choices = [choice for _, choice in decided]
    log: list[actions.Action] = [
        actions.Choose("khrushchev", f"{phase}:decision", choice) for phase, choice in decided
    ]
    save = class_save(log, seating=seats.solo("khrushchev"), seed=5)
    assert save.side == "khrushchev" and save.choices == choices
    path = saves.write(save, tmp_path / "solo2.json")
    code, out, err = run(["play", "--load", str(path), "--plain"], "quit\n")
    assert code == 0 and "2 choices replayed." in out, err


# --------------------------------------------------------------------------- the session

FIXTURE = ROOT / "tests" / "fixtures" / "classroom.yaml"

# A whole lesson of the fixture for six students, every kind of action in it.
LESSON: list[actions.Action] = [
    actions.MakeMove("khrushchev", "the_door:floor", "rally_the_corridor"),
    actions.MakeMove("cc_member#1", "the_door:floor", "refuse_to_leave"),
    actions.Argue("mikoyan", "voroshilov", "Think of the party, Kliment Yefremovich."),
    actions.Note("bulganin", "I will wait and see."),
    actions.Close("the_door:floor"),
    actions.Rate("rating:1", 4),
    actions.Advise("malenkov", "the_door:decision", "fob_them_off"),
    actions.Choose("molotov", "the_door:decision", "refuse"),
    actions.Inject("konev_speaks"),
    actions.Close("the_appeal:floor", timer=True),
    actions.SetValue("members_at_door", 100, "More members came than the count said."),
    actions.Choose("khrushchev", "the_appeal:decision", "wait"),
    actions.Overrule("go_out", "Khrushchev did go out to them."),
    actions.Declare("bulganin", "khrushchev"),
    actions.Cast("khrushchev", "the_count:ballot", "for", "Let the Central Committee decide."),
    actions.Cast("molotov", "the_count:ballot", "against", "The Presidium decides, not a crowd."),
    actions.Cast("bulganin", "the_count:ballot", "for", "The table has turned."),
    actions.Cast("mikoyan", "the_count:ballot", "for", ""),
    actions.Cast("malenkov", "the_count:ballot", "against", "With Molotov."),
    actions.Cast("cc_member#1", "the_count:ballot", "for", "We will not leave."),
]


@pytest.fixture(scope="module")
def opened() -> Opened:
    return catalog.open_scenario(str(FIXTURE))


def lesson(opened: Opened, log: list[actions.Action] = LESSON, seed: int = 3) -> Session:
    session = Session.new(
        opened.scenario,
        seats.cast(opened.scenario, 6),
        seed,
        source=opened.source,
        digest=opened.digest,
    )
    for n, action in enumerate(log):
        before = len(session.log)
        session.submit(action, at_ms=60_000 * n)
        assert len(session.log) == before + 1, action
    return session


def dicts(events: list[ev.Event]) -> list[dict[str, Any]]:
    return [e.to_dict() for e in events]


def open_requests(game: Any) -> list[ev.RequestOpened]:
    requests = getattr(game, "requests", None)
    if requests is None:
        requests = game.room.state.requests
    return list(requests.values())


def random_lesson(opened: Opened, seed: int, students: int = 6, limit: int = 300) -> Session:
    """A class that does whatever it likes, from a seeded agent, until the game ends or
    ``limit`` actions have been tried; refused and illegal actions are part of the run."""
    rng = random.Random(seed)
    scenario = opened.scenario
    session = Session.new(scenario, seats.cast(scenario, students), seed)
    for _ in range(limit):
        if session.game.over:
            break
        action = _any_action(session, rng)
        with contextlib.suppress(IllegalChoice, GameOver):
            session.submit(action, at_ms=len(session.times) * 1000)
    return session


def _any_action(session: Session, rng: random.Random) -> actions.Action:
    scenario = session.scenario
    seated = list(session.seating.seats)
    roll = rng.random()
    if roll < 0.05:
        return actions.Declare(rng.choice(seated), rng.choice(list(scenario.stances)))
    if roll < 0.1:
        return actions.Argue(rng.choice(seated), rng.choice(["bulganin", "voroshilov"]), "Listen.")
    if roll < 0.13:
        return actions.Inject(rng.choice(list(scenario.injections)))
    if roll < 0.15:
        return actions.Undo()
    if roll < 0.17:
        return actions.ScriptSeat(rng.choice(seated))
    requests = open_requests(session.game)
    if not requests:
        return actions.Conclude()
    request = rng.choice(requests)
    rid = request.request
    if request.kind == "rating":
        return actions.Rate(rid, rng.randint(1, 5))
    if request.kind == "decision":
        options = [o.id for o in request.options]
        if rng.random() < 0.2:
            return actions.Hands(rid, tuple((o, rng.randint(0, 4)) for o in options))
        return actions.Choose(request.roles[0], rid, rng.choice(options))
    if request.kind == "ballot":
        if rng.random() < 0.2:
            return actions.Close(rid, timer=True)
        vote = rng.choice(["for", "against", "abstain"])
        return actions.Cast(rng.choice(request.roles), rid, vote, "Because.")
    if request.kind == "floor" and rng.random() < 0.6:
        seat = rng.choice(request.roles)
        role = scenario.roles[seats.role_of(seat)]
        if role.moves:
            move = rng.choice(role.moves)
            target = rng.choice(["bulganin", "voroshilov"]) if move.target else None
            return actions.MakeMove(seat, rid, move.id, target)
    return actions.Close(rid)


def test_a_new_session_has_started_and_numbers_its_events(opened: Opened) -> None:
    session = Session.new(opened.scenario, seats.cast(opened.scenario, 6), 3)
    assert session.events and session.log == [] and session.times == []
    everything = session.deliveries("teacher")
    assert [seq for seq, _ in everything] == list(range(1, len(session.events) + 1))
    assert session.deliveries("teacher", after=len(session.events)) == []


def test_each_viewer_is_delivered_only_what_it_may_see(opened: Opened) -> None:
    session = lesson(opened)
    room = session.deliveries("room")
    assert room and all(not e.to for _, e in room)
    molotov = [e for _, e in session.deliveries("role:molotov")]
    assert all(not e.to or "role:molotov" in e.to for e in molotov)
    assert not any(isinstance(e, ev.NoteSent) for e in molotov)  # Bulganin's note
    assert any(isinstance(e, ev.NoteSent) for _, e in session.deliveries("role:bulganin"))
    assert not any(ev.SEALED in e.to for _, e in session.deliveries("teacher"))
    later = session.deliveries("room", after=room[-3][0])
    assert later == room[-2:]


def test_refused_and_illegal_actions_are_neither_logged_nor_kept(opened: Opened) -> None:
    session = lesson(opened, LESSON[:2])
    events, log = list(session.events), list(session.log)
    with pytest.raises(IllegalChoice):
        session.submit(actions.Choose("bulganin", "the_door:decision", "refuse"))
    out = session.submit(actions.MakeMove("khrushchev", "the_door:floor", "rally_the_corridor"))
    assert [type(e) for e in out] == [ev.Refused]  # its one use is taken
    assert session.events == events and session.log == log and len(session.times) == 2


def test_a_class_log_replays_to_identical_events_and_state(opened: Opened) -> None:
    session = lesson(opened)
    assert session.game.over
    again = Session.replay(opened.scenario, session.to_save())
    assert dicts(again.events) == dicts(session.events)
    assert again.game.state_key() == session.game.state_key()
    assert again.log == session.log and again.times == session.times


@pytest.mark.parametrize("seed", range(8))
def test_any_class_log_replays_to_identical_events_and_state(opened: Opened, seed: int) -> None:
    session = random_lesson(opened, seed)
    save = saves.parse(session.to_save().to_json().encode(), "lesson.json")
    again = Session.replay(opened.scenario, save)
    assert dicts(again.events) == dicts(session.events)
    assert again.game.state_key() == session.game.state_key()
    assert again.game.over == session.game.over


@pytest.mark.parametrize("seed", range(3))
def test_an_event_s_json_is_its_fields_as_dataclasses_gives_them(opened: Opened, seed: int) -> None:
    """Events become JSON for every phone, the journal and the save in one pass of their own,
    not through ``dataclasses.asdict``: the data must be what asdict (tuples as lists) gave."""

    def listed(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: listed(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [listed(v) for v in value]
        return value

    session = random_lesson(opened, seed)
    kinds = {type(e) for e in session.events}
    assert len(kinds) >= 8  # scenes, requests, ballots, choices, envelopes ...
    for event in session.events:
        assert ev.plain(event) == listed(dataclasses.asdict(event)), event
        body = event.to_dict()
        assert body["type"] == event.type and ("to" in body) == bool(event.to)


def test_a_save_written_after_every_action_is_the_save_written_once(opened: Opened) -> None:
    """A class writes its whole save after each action, and the entries it wrote before are
    not encoded again: the text (and its checksum) must be what a fresh encoding gives."""
    session = random_lesson(opened, 3)
    steps = [session.to_save().to_json() for _ in range(2)]
    fresh = json.loads(steps[0])
    assert steps[0] == steps[1]
    assert fresh["checksum"] == saves._checksum(fresh)  # the whole body, in one piece
    again = saves.parse(steps[1].encode(), "lesson.json")
    copy = saves.Save.of_class(
        scenario=again.scenario,
        source=again.source,
        digest=again.digest,
        seating=again.seating,
        seed=again.seed,
        log=[actions.from_dict(a.to_dict()) for a in again.log],
        times=again.times,
        finished=again.finished,
        room=json.loads(json.dumps(again.room)),  # new objects: encoded afresh
    )
    assert copy.to_json() == steps[0]


def test_a_version_1_save_replays_as_a_solo_session(june_1957: Scenario, tmp_path: Path) -> None:
    save = tmp_path / "solo.json"
    run(BASE, f"1\n2\n1\nsave {save}\nquit\n")
    v1 = saves.read(save)
    session = Session.replay(june_1957, v1)
    assert session.seating == seats.solo("khrushchev")
    assert [a.choice for a in session.log if isinstance(a, actions.Choose)] == v1.choices
    assert all(a.by == "role:khrushchev" for a in session.log)
    game = Game(june_1957, ["khrushchev"], seed=5)
    events = game.start()
    for choice in v1.choices:
        events += game.step(choice)
    assert dicts(session.events) == dicts(events)
    assert session.game.state_key() == game.state_key()


def test_a_log_entry_the_game_refuses_is_named_with_the_game_s_reason(opened: Opened) -> None:
    edited = [*LESSON[:7], actions.Choose("molotov", "the_door:decision", "open_the_door")]
    save = lesson(opened, LESSON[:7]).to_save()
    save.log, save.times = edited, [*save.times, 0]
    with pytest.raises(
        LogRefused, match=r"the game refuses entry 8 of the log \(choose by role:molotov\)"
    ) as caught:
        Session.replay(opened.scenario, save)
    assert caught.value.entry == 8 and "open_the_door" in caught.value.reason


# --------------------------------------------------------------------------- the folder


def test_the_folder_after_every_action_holds_the_session_so_far(
    opened: Opened, data_dir: Path
) -> None:
    session = Session.new(opened.scenario, seats.cast(opened.scenario, 6), 3)
    place = folder.create(opened, session, datetime.date(2026, 11, 30))
    assert place.parent == data_dir / "classes"
    assert re.fullmatch(r"2026-11-30-classroom_door-[a-z0-9]{4}", place.name)
    for n, action in enumerate(LESSON):
        session.submit(action, at_ms=n * 1000)
        folder.write(place, session, f"the room, {n + 1} actions\n")
        _, save, on_disk = folder.load(place)  # what a crash now would leave
        assert on_disk.log == session.log and on_disk.times == session.times
        assert dicts(on_disk.events) == dicts(session.events)
        assert on_disk.game.state_key() == session.game.state_key()
        assert save.finished == session.game.over
    assert (place / "room.txt").read_text() == f"the room, {len(LESSON)} actions\n"
    assert sorted(p.name for p in place.iterdir()) == ["room.txt", "save.json"]


def test_a_write_that_fails_midway_leaves_the_previous_save_whole(
    opened: Opened, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = lesson(opened, LESSON[:4])
    place = folder.create(opened, session)
    folder.write(place, session, "four actions\n")
    before = (place / "save.json").read_bytes()
    session.submit(LESSON[4])

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(saves.SaveError, match="No space left on device"):
        folder.write(place, session, "five actions\n")
    monkeypatch.undo()
    assert (place / "save.json").read_bytes() == before
    assert sorted(p.name for p in place.iterdir()) == ["room.txt", "save.json"]
    assert folder.load(place)[2].log == session.log[:4]


def journaled(opened: Opened, log: list[actions.Action] = LESSON) -> tuple[Path, Session]:
    """A session kept as ``class serve`` keeps it: written whole once, then a journal line
    (and the room's new text) after each action, as a kill would leave it."""
    session = lesson(opened, [])
    place = folder.create(opened, session)
    journal = folder.Journal(place)
    room = "the room\n"
    journal.append(session, room)
    for n, action in enumerate(log):
        session.submit(action, at_ms=n * 1000)
        room += f"action {n + 1}\n"
        journal.append(session, room if n % 2 else None)  # the record, now and then
    return place, session


def test_a_journal_after_every_action_holds_the_session_so_far_without_rewriting_the_save(
    opened: Opened,
) -> None:
    session = lesson(opened, [])
    place = folder.create(opened, session)
    journal = folder.Journal(place)
    journal.append(session, "")
    first = (place / "save.json").read_bytes()
    room = ""
    for n, action in enumerate(LESSON):
        session.submit(action, at_ms=n * 1000)
        room += f"action {n + 1}\n"
        journal.append(session, room)
        _, save, on_disk = folder.load(place)  # what a kill now would leave
        assert on_disk.log == session.log and on_disk.times == session.times
        assert dicts(on_disk.events) == dicts(session.events)
        assert save.finished == session.game.over
        assert save.room == [session.dict_of(i) for i in session.public()]
        assert (place / "save.json").read_bytes() == first
        assert (place / "room.txt").read_text() == room
    assert len((place / "journal.jsonl").read_bytes().splitlines()) == len(LESSON)
    journal.write(session, room)  # the server stops: the save whole, the journal gone
    whole = (place / "save.json").read_bytes()
    assert sorted(p.name for p in place.iterdir()) == ["room.txt", "save.json"]
    folder.write(place, session, room)  # as a save written whole every time would be
    assert (place / "save.json").read_bytes() == whole


def test_a_journal_line_cut_short_by_a_kill_loses_that_line_only(opened: Opened) -> None:
    place, session = journaled(opened)
    path = place / "journal.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    for cut in (1, len(lines[-1]) // 2, len(lines[-1]) - 2):  # the last write, cut anywhere
        path.write_bytes(b"".join(lines[:-1]) + lines[-1][:cut])
        _, save, on_disk = folder.load(place)
        assert on_disk.log == session.log[:-1] and save.times == session.times[:-1]
    path.write_bytes(b"".join(lines[:-1]) + b"\x00" * 40)  # a block of nothing, after a crash
    assert folder.load(place)[2].log == session.log[:-1]
    path.write_bytes(b"".join(lines))
    assert folder.load(place)[2].log == session.log


def test_a_journal_damaged_before_its_last_line_is_refused_with_the_line(opened: Opened) -> None:
    place, _session = journaled(opened)
    path = place / "journal.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    damaged = [*lines[:2], lines[2].replace(b'"log"', b'"Log"'), *lines[3:]]
    path.write_bytes(b"".join(damaged))
    with pytest.raises(saves.SaveError, match="line 3 is damaged"):
        folder.resume(str(place))
    path.write_bytes(b"".join(damaged[:4]) + damaged[4][:20])  # and the last line cut short
    with pytest.raises(saves.SaveError, match="line 3 is damaged"):
        folder.resume(str(place))
    path.write_bytes(b"".join([*lines[:2], *lines[3:]]))  # a line missing: no gap is bridged
    with pytest.raises(saves.SaveError, match="line 3 goes on from entries the save lacks"):
        folder.resume(str(place))


def test_a_journal_write_that_fails_is_followed_by_a_whole_save(
    opened: Opened, monkeypatch: pytest.MonkeyPatch
) -> None:
    place, session = journaled(opened, LESSON[:4])
    journal = folder.Journal(place)
    journal.append(session, None)  # this process writes the save whole first
    session.submit(LESSON[4])

    def full_disk(fd: int) -> None:
        os.ftruncate(fd, os.fstat(fd).st_size - 30)  # only part of the line reached the disk
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(saves.SaveError, match="No space left on device"):
        journal.append(session, None)
    monkeypatch.undo()
    assert folder.load(place)[2].log == session.log[:4]  # the half line is left out
    session.submit(LESSON[5])
    journal.append(session, None)  # written whole: no half line left in the middle
    assert folder.load(place)[2].log == session.log[:6]
    assert not (place / "journal.jsonl").exists()


def test_a_journal_line_left_unsynced_is_synced_later_and_a_failed_sync_writes_whole(
    opened: Opened, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web server appends its phones' lines unsynced and syncs them off its loop: the
    line is in the file at once, the sync is what ``syncing`` gives (once), and a sync that
    fails says so and makes the next write whole."""
    place, session = journaled(opened, LESSON[:3])
    journal = folder.Journal(place)
    journal.append(session, None)  # this process writes the save whole first
    assert journal.syncing() is None  # nothing left to sync
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    session.submit(LESSON[3])
    journal.append(session, None, sync=False)
    assert synced == []
    assert folder.load(place)[2].log == session.log  # in the file already
    sync = journal.syncing()
    assert sync is not None and journal.syncing() is None
    sync()
    assert len(synced) == 1

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    session.submit(LESSON[4])
    journal.append(session, None, sync=False)
    sync = journal.syncing()
    assert sync is not None
    with pytest.raises(saves.SaveError, match="Input/output error"):
        sync()
    monkeypatch.undo()
    session.submit(LESSON[5])
    journal.append(session, None)  # written whole
    assert not (place / "journal.jsonl").exists()
    assert folder.load(place)[2].log == session.log


def test_journal_lines_the_save_already_holds_are_passed_by(opened: Opened) -> None:
    place, session = journaled(opened)
    lines = (place / "journal.jsonl").read_bytes()
    folder.write(place, session, "all of it\n")  # written whole, then killed before ...
    (place / "journal.jsonl").write_bytes(lines)  # ... the journal was removed
    _, save, on_disk = folder.load(place)
    assert on_disk.log == session.log and save.times == session.times
    assert save.room == [session.dict_of(i) for i in session.public()]


def test_a_journaled_session_resumes_replays_and_debriefs(opened: Opened) -> None:
    place, session = journaled(opened)
    assert session.game.over
    assert folder.read(place).finished
    _, resumed, where, room = folder.resume(str(place))
    assert where == place and resumed.log == session.log
    assert room == "the room\n" + "".join(f"action {n}\n" for n in range(1, len(LESSON) + 1))
    code, out, err = run(["class", "replay", str(place)])
    assert code == 0 and out.startswith(f"Same: {place} replays to the same"), err
    code, out, err = run(["class", "debrief", str(place)])
    assert code == 0, err
    assert folder.sessions() == [place]


def test_resume_finds_the_newest_unfinished_session(opened: Opened) -> None:
    finished = lesson(opened)
    old = folder.create(opened, lesson(opened, LESSON[:3]))
    done = folder.create(opened, finished)
    folder.write(done, finished, "")
    newest = lesson(opened, LESSON[:5])
    place = folder.create(opened, newest)
    folder.write(place, newest, "the room so far\n")
    os.utime(old / "save.json", (1e9, 1e9))
    found = folder.resume("", "classroom_door")
    assert found[2] == place and found[3] == "the room so far\n"
    assert found[1].log == newest.log
    assert folder.resume(str(old), None)[2] == old
    with pytest.raises(saves.NoSuchSave, match="no class session of 'june_1957' to resume"):
        folder.resume("", "june_1957")
    with pytest.raises(saves.SaveError, match="plays 'classroom_door', not 'june_1957'"):
        folder.resume(str(place), "june_1957")


def test_resume_alone_falls_back_on_the_newest_ended_session(opened: Opened) -> None:
    """With no unfinished session, '--resume' alone takes the newest one (its game ended),
    not an older one, rather than refusing (third report, item 6)."""
    finished = lesson(opened)
    older = folder.create(opened, finished)
    folder.write(older, finished, "")
    newer = folder.create(opened, finished)
    folder.write(newer, finished, "the ending\n")
    os.utime(older / "save.json", (1e9, 1e9))
    found = folder.resume("", "classroom_door")
    assert found[2] == newer and found[1].game.over and found[3] == "the ending\n"


def test_a_copy_of_a_session_s_save_goes_on_in_a_folder_of_its_own(
    opened: Opened, tmp_path: Path, data_dir: Path
) -> None:
    session = lesson(opened, LESSON[:6])
    copy = saves.write(session.to_save(), tmp_path / "lesson-copy.json")
    _, resumed, place, room = folder.resume(str(copy))
    assert place.parent == data_dir / "classes" and (place / "save.json").is_file()
    assert resumed.log == session.log and room == ""
    assert run(["class", "replay", str(copy)])[0] == 0


def test_a_hand_edited_session_is_refused_with_the_reason(opened: Opened) -> None:
    session = lesson(opened, LESSON[:8])
    place = folder.create(opened, session)
    folder.write(place, session, "")
    save_file = place / "save.json"
    good = save_file.read_text()
    save_file.write_text(good.replace('"choice": "refuse"', '"choice": "fob_them_off"'))
    with pytest.raises(saves.SaveError, match="does not match its checksum"):
        folder.resume(str(place))
    save_file.write_bytes(rewritten(good, lambda b: b["log"][7].update(choice="open_the_door")))
    with pytest.raises(saves.SaveError, match="the game refuses entry 8 of the log"):
        folder.resume(str(place))
    save_file.write_bytes(rewritten(good, lambda b: b["log"][4].update(do="shout")))
    with pytest.raises(saves.SaveError, match="entry 5 of the log is not an action"):
        folder.resume(str(place))


# --------------------------------------------------------------------------- class replay


def kept(opened: Opened, log: list[actions.Action] = LESSON) -> Path:
    session = lesson(opened, log)
    place = folder.create(opened, session)
    folder.write(place, session, "")
    return place


def test_class_replay_of_an_unchanged_session_is_the_same(opened: Opened) -> None:
    place = kept(opened)
    code, out, err = run(["class", "replay", str(place)])
    assert code == 0 and out.startswith(f"Same: {place} replays to the same"), err
    assert f"({len(LESSON)} actions, seed 3)" in out
    code, out, _ = run(["class", "replay", place.name])  # by its name in the classes folder
    assert code == 0
    for name in (str(place / "save.json"), str(place)):  # presidium replay knows it too
        code, out, _ = run(["replay", name])
        assert code == 0 and out.startswith("Same: ")


def test_class_replay_shows_what_changed_when_the_scenario_did(tmp_path: Path) -> None:
    copy = tmp_path / "door.yaml"
    copy.write_text(FIXTURE.read_text())
    place = kept(catalog.open_scenario(str(copy)))
    copy.write_text(FIXTURE.read_text().replace("More members arrive.", "More come."))
    code, out, _ = run(["class", "replay", str(place)])
    assert code == 1
    assert "The scenario 'classroom_door' has changed since the session was recorded." in out
    assert "-  text: Word spreads through the corridors. More members arrive." in out
    assert "+  text: Word spreads through the corridors. More come." in out
    assert "recorded by" not in out  # this presidium recorded it: only the story changed


WHY = "what the program shows may have changed, not only the story."


def test_class_replay_names_the_presidium_that_recorded_the_lesson(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import presidium

    copy = tmp_path / "door.yaml"
    copy.write_text(FIXTURE.read_text())
    with monkeypatch.context() as patched:
        patched.setattr(presidium, "__version__", "0.0.9")  # the presidium of the last lesson
        place = kept(catalog.open_scenario(str(copy)))
    text = (place / "save.json").read_text()
    assert '\n "version": 2,\n "presidium": "0.0.9",\n "scenario": ' in text
    assert text.count('\n  {"by": ') == len(LESSON)  # still one action a line
    code, out, _ = run(["class", "replay", str(place)])
    assert code == 0 and out.startswith(f"Same: {place} replays to the same")  # nothing to say
    copy.write_text(FIXTURE.read_text().replace("More members arrive.", "More come."))
    code, out, _ = run(["class", "replay", str(place)])
    this = saves.this_version()
    assert code == 1 and out.startswith(
        "The scenario 'classroom_door' has changed since the session was recorded.\n"
        f"This session was recorded by presidium 0.0.9; this is presidium {this}: {WHY}\n"
        f"Different: {place} no longer plays the same."
    )
    assert "+  text: Word spreads through the corridors. More come." in out


def test_class_replay_says_when_the_save_does_not_name_its_presidium(opened: Opened) -> None:
    place = kept(opened)
    save_file = place / "save.json"

    def shown_otherwise(body: dict[str, Any]) -> None:
        del body["presidium"]  # a lesson kept before presidium recorded its version
        body["room"][0]["text"] = "What the room was shown then."

    save_file.write_bytes(rewritten(save_file.read_text(), shown_otherwise))
    code, out, _ = run(["class", "replay", str(place)])
    this = saves.this_version()
    assert code == 1 and out.startswith(
        "This session was recorded by an earlier presidium, one that did not record its "
        f"version; this is presidium {this}: {WHY}\nDifferent: {place} no longer plays the same."
    )
    assert "-  text: What the room was shown then." in out


def test_class_replay_cannot_replay_a_damaged_or_refused_log(
    opened: Opened, tmp_path: Path
) -> None:
    place = kept(opened, LESSON[:8])
    save_file = place / "save.json"
    good = save_file.read_text()
    save_file.write_text(good.replace('"seed": 3', '"seed": 4'))
    code, out, err = run(["class", "replay", str(place)])
    assert code == 2 and out == "" and "does not match its checksum" in err
    save_file.write_bytes(rewritten(good, lambda b: b["log"][7].update(choice="open_the_door")))
    code, out, err = run(["class", "replay", str(place)])
    assert code == 2 and "the game refuses entry 8 of the log (choose by role:molotov)" in err
    code, _, err = run(["class", "replay", str(tmp_path / "nowhere")])
    assert code == 2 and "no class session" in err
    solo = tmp_path / "solo.json"
    run(BASE, f"1\nsave {solo}\nquit\n")
    code, _, err = run(["class", "replay", str(solo)])
    assert code == 2 and "is one player's game, not a class session" in err


# --------------------------------------------------------------------------- the post-mortem


def test_the_post_mortem_matches_its_golden_file(opened: Opened, tmp_path: Path) -> None:
    place = kept(opened)
    handout = tmp_path / "postmortem.md"
    code, out, err = run(["class", "debrief", str(place), "-o", str(handout)])
    assert code == 0 and f"The post-mortem is in {handout}." in out, err
    text = handout.read_text()
    matches_golden(text, GOLDEN / "classroom_postmortem.md", "the post-mortem")


def a_teacher(session: Session) -> actions.Action:
    """What a teacher who runs any class types next: close each floor, rate each argument 3,
    take each ballot by roll call (the first half for, the rest against), and say each
    decision aloud with the first adviser's advice first (the first choice open)."""
    request = routine_action(
        session.log,
        open_requests(session.game),
        lambda r, seat: "for" if r.roles.index(seat) < len(r.roles) // 2 else "against",
    )
    if isinstance(request, actions.Action):
        return request
    holder, *advisers = request.roles
    first = next(o.id for o in request.options if o.available)
    advised = {
        a.role
        for a in session.log
        if isinstance(a, actions.Advise) and a.request == request.request
    }
    if advisers and advisers[0] not in advised:
        return actions.Advise(advisers[0], request.request, first)
    return actions.Choose(holder, request.request, first)


def test_a_class_of_twelve_of_june_1957_has_the_post_mortem_of_its_golden_file(
    tmp_path: Path,
) -> None:
    opened = catalog.open_scenario("june_1957")
    session = Session.new(opened.scenario, seats.cast(opened.scenario, 12), 1957)
    for n in range(500):
        if session.game.over:
            break
        session.submit(a_teacher(session), at_ms=30_000 * n)
    assert session.game.over
    place = folder.create(opened, session)
    folder.write(place, session, "")
    assert run(["class", "replay", str(place)])[0] == 0
    handout = tmp_path / "pm.md"
    code, _, err = run(["class", "debrief", str(place), "-o", str(handout)])
    assert code == 0, err
    matches_golden(
        handout.read_text(), GOLDEN / "classroom_postmortem_june_1957_12.md", "the post-mortem"
    )


def test_the_post_mortem_says_who_decided_and_keeps_secret_ballots_secret(
    opened: Opened, tmp_path: Path
) -> None:
    place = kept(opened)
    handout = tmp_path / "pm.md"
    run(["class", "debrief", str(place), "-o", str(handout)])
    text = handout.read_text()
    assert "| The door | Vyacheslav Molotov | Refuse to receive them |" in text
    assert "| the teacher, overruling | Go out to the members |" in text
    assert "a secret ballot: only the totals are known" in text
    assert "The table has turned" not in text and "With Molotov" not in text
    assert (
        "- **Ruling (minute 10)**: Members at the door: 100 (was 90). Reason: More members "
        "came than the count said."
    ) in text
    assert "**Overruled (minute 12)**:" in text and "Reason: Khrushchev did go out to them." in text
    assert "- **Injected (minute 8)**: Marshal Konev speaks for the army \\[medvedev\\]" in text
    assert "**Anastas Mikoyan** to **Kliment Voroshilov**" in text and "rated 4 of 5" in text
    assert "## For Nikita Khrushchev" in text and "## Questions for discussion" in text
    assert "I will wait and see" not in text  # a note to the teacher stays private
    revealed = tmp_path / "revealed.md"
    run(["class", "debrief", str(place), "-o", str(revealed), "--reveal"])
    text = revealed.read_text()
    # the students' own words, quoted, apart from the scenario's (third report, item 7)
    assert "- **Nikolai Bulganin** for: \u201cThe table has turned.\u201d" in text
    assert "- **Georgy Malenkov** against: \u201cWith Molotov.\u201d" in text
    assert "A secret ballot, never revealed in class: shown here by --reveal." in text
    assert "only the totals are known" not in text
    assert "- **Achieved**: Vote as Molotov votes." in text  # known, once the ballots are
    assert "- **Unknown (it depends on a secret ballot)**: Vote as Molotov votes." in (
        handout.read_text()
    )


def test_the_post_mortem_says_what_the_bell_and_the_script_decided(
    opened: Opened, tmp_path: Path
) -> None:
    log = [actions.ScriptSeat("molotov"), actions.Close("the_door:floor"), actions.Conclude()]
    place = kept(opened, log)
    handout = tmp_path / "pm.md"
    code, _, err = run(["class", "debrief", str(place), "-o", str(handout)])
    assert code == 0, err
    text = handout.read_text()
    assert "| The door | The majority, by the script | Refuse to receive them |" in text
    assert "| Khrushchev's move | Khrushchev's side, by the script at the bell |" in text
    # labelled as what it is (third report, item 9), not "Seat"
    assert "- **Script (minute 0)**: Vyacheslav Molotov went to the script" in text
    assert "- **Concluded (minute 2)**: The bell: the script played on to the end" in text


def test_the_post_mortem_says_when_hands_decided(opened: Opened) -> None:
    counts = (("refuse", 2), ("fob_them_off", 5))
    log = [actions.Close("the_door:floor"), actions.Hands("the_door:decision", counts)]
    session = lesson(opened, [*log, actions.Conclude()])
    text = postmortem.markdown(postmortem.build(opened.scenario, session))
    assert "| The door | The majority, by a show of hands | Promise a plenum" in text
    assert "diverged** (the class's show of hands)" in text


def test_the_post_mortem_on_the_terminal_fits_80_columns(opened: Opened) -> None:
    place = kept(opened)
    code, out, err = run(["class", "debrief", str(place)])
    assert code == 0, err
    assert "Post-mortem: At the Door, in Class" in out and "Each role's objectives" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_the_styled_post_mortem_fits_80_columns(opened: Opened) -> None:
    import io

    from presidium.ui.postmortem import show

    session = lesson(opened)
    buffer = io.StringIO()
    show(postmortem.build(opened.scenario, session), opened.scenario, buffer, False, 80)
    text = re.sub(r"\x1b\[[0-9;]*m", "", buffer.getvalue())
    assert "Each role's objectives" in text and "Vyacheslav Molotov" in text
    assert max(len(line) for line in text.splitlines()) <= 80


HOSTILE = "<script>alert(1)</script> *bold* [x](y) a | b \x1b[31m"


def test_the_handouts_escape_what_the_class_typed(opened: Opened, tmp_path: Path) -> None:
    log = [*LESSON]
    log[2] = actions.Argue("mikoyan", "voroshilov", HOSTILE)
    log[15] = actions.Cast("molotov", "the_count:ballot", "against", HOSTILE)
    place = kept(opened, log)
    md, page = tmp_path / "pm.md", tmp_path / "pm.html"
    run(["class", "debrief", str(place), "-o", str(md), "--reveal"])
    run(["class", "debrief", str(place), "-o", str(page), "--reveal"])
    text = md.read_text()
    assert "\\<script\\>alert(1)\\</script\\> \\*bold\\* \\[x\\](y) a \\| b \\\\x1b\\[31m" in text
    html = page.read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\x1b" not in html and "\\x1b[31m" in html
    checker = _Checker()  # every element closed, in order: it prints as written
    checker.feed(html)
    checker.close()
    assert html.startswith("<!DOCTYPE html>") and checker.stack == []
    assert "The class's path beside history" in "".join(checker.text)


def test_the_post_mortem_of_a_game_not_ended_says_how_to_end_it(opened: Opened) -> None:
    place = kept(opened, LESSON[:5])
    code, _out, err = run(["class", "debrief", str(place)])
    assert code == 1 and "has not ended yet" in err and "conclude" in err


def test_the_post_mortem_writes_only_markdown_or_html(opened: Opened, tmp_path: Path) -> None:
    code, _, err = run(["class", "debrief", "x", "-o", str(tmp_path / "pm.pdf")])
    assert code == 2 and "-o writes .md or .html" in err


def test_after_an_undo_every_page_draws_the_scene_the_class_is_in() -> None:
    """The phones, the room and the teacher's page draw the scene and the ending from the
    state; an undo of the decision that opened a scene, or of the bell that played the class
    to its ending, leaves none of them on what was taken back (teacher report, item 4)."""
    from presidium.web.classroom import Classroom

    opened = catalog.open_scenario("june_1957")
    session = Session.new(opened.scenario, seats.cast(opened.scenario, 5), 3)
    room = Classroom(session, timers=False)
    first = session.game.requests[next(iter(session.game.requests))]
    assert first.kind == "decision"
    session.submit(actions.Choose(first.roles[0], first.request, first.options[0].id))
    assert room.state("room")["scene"]["phase"] != first.phase
    session.submit(actions.Undo())
    for viewer in ("room", ev.TEACHER, ev.for_role(first.roles[0])):
        state = room.state(viewer)
        assert state["scene"]["phase"] == first.phase == session.game.phase.id
        assert [r["request"] for r in state["requests"]] == [first.request]
    session.submit(actions.Conclude())
    assert room.state("room")["ended"] is not None
    session.submit(actions.Undo())
    state = room.state("room")
    assert not session.game.over and state["ended"] is None and not state["over"]
    assert state["scene"]["phase"] == first.phase
