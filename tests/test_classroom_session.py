"""A class's game kept safe: save format 2, the session, its folder, replay and the post-mortem."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli as run
from presidium import actions, saves
from presidium import seating as seats
from presidium.seating import Seating

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


def test_a_version_2_save_of_a_solo_seating_plays_on_as_a_solo_game(tmp_path: Path) -> None:
    choices = ["only_the_central_committee", "call_zhukov_yourself"]
    log: list[actions.Action] = [
        actions.Choose("khrushchev", f"{phase}:decision", choice)
        for phase, choice in zip(["the_ambush", "the_phone_call"], choices, strict=True)
    ]
    save = class_save(log, seating=seats.solo("khrushchev"), seed=5)
    assert save.side == "khrushchev" and save.choices == choices
    path = saves.write(save, tmp_path / "solo2.json")
    code, out, err = run(["play", "--load", str(path), "--plain"], "quit\n")
    assert code == 0 and "2 choices replayed." in out, err
