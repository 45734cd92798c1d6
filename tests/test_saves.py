"""Saves, undo, history, autosave, resume, transcripts and replay, played through the real CLI."""

from __future__ import annotations

import html
import json
import os
import re
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import playing
from conftest import ROOT, compile_yaml, errors, mutate
from conftest import run_cli as run
from playing import Played, scenario
from presidium import saves

JUNE = ROOT / "scenarios" / "june_1957.yaml"
SIDE, SEED = "khrushchev", 5
BASE = ["play", "--side", SIDE, "--seed", str(SEED), "--plain", "--width", "80"]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty saves folder of its own."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(folder))
    return folder


def autosaves(seed: int | None = None) -> list[Path]:
    """The autosave files (of games with ``seed``, if given), oldest first."""
    pattern = "*.json" if seed is None else f"*-seed{seed}-*.json"
    return sorted(saves.autosave_dir().glob(pattern), key=lambda p: p.stat().st_mtime_ns)


def the_autosave(seed: int = 5) -> Path:
    found = autosaves(seed)
    assert len(found) == 1, found
    return found[0]


def ending_and_debrief(out: str) -> str:
    return out[out.index("Ending: ") :]


def planned(numbers: list[int] | None = None, decisions: int | None = None) -> Played:
    """The game BASE starts, played by typing ``numbers``, then the first option open."""
    return playing.play(SIDE, SEED, numbers or [], decisions)


def flat(out: str) -> str:
    """Output with its line breaks and indents made single spaces, as a reader takes it."""
    return " ".join(out.split())


def test_a_saved_game_loads_and_plays_on_exactly_as_if_never_interrupted(tmp_path: Path) -> None:
    game = planned()
    assert game.game.over and len(game.taken) > 3
    moves = game.typed.splitlines()
    code, whole, _ = run(BASE, game.typed)
    assert code == 0 and "Ending: " in whole
    save = tmp_path / "game.json"
    code, out, _ = run(BASE, "\n".join(moves[:3]) + f"\nsave {save}\nquit\n")
    assert code == 0 and f"Saved to {save}." in flat(out)
    assert saves.read(save).choices == game.ids[:3]
    code, resumed, _ = run(
        ["play", "--load", str(save), "--plain", "--width", "80"], "\n".join(moves[3:]) + "\n"
    )
    assert code == 0
    assert "Resuming: The Anti-Party Group" in resumed and "3 choices replayed." in resumed
    assert ending_and_debrief(resumed) == ending_and_debrief(whole)


def test_a_save_is_small_and_records_what_the_issue_asks(tmp_path: Path) -> None:
    first = planned(decisions=1)
    other = first.offered[-1]  # not the first option: the save must record which was typed
    game = planned([*first.numbers, other.number])
    assert len(first.offered) > 1 and game.ids[-1] == other.id
    save = tmp_path / "game.json"
    run(BASE, f"{game.typed}save {save}\nquit\n")
    body = json.loads(save.read_text())
    assert body["format"] == "presidium-save" and body["version"] == saves.VERSION
    assert body["scenario"] == "june_1957" and body["source"] == "june_1957"
    assert body["digest"].startswith("sha256:") and body["checksum"].startswith("sha256:")
    assert body["seed"] == SEED and body["choices"] == game.ids
    assert body["session"]["inputs"] == [*game.typed.splitlines(), f"save {save}"]


def test_save_without_a_file_goes_to_the_saves_folder(data_dir: Path) -> None:
    code, out, _ = run(BASE, "1\nsave\nquit\n")
    written = data_dir / "saves" / "june_1957-khrushchev-seed5-1.json"
    assert code == 0 and written.is_file()
    assert f"Load it with: presidium play --load {written}" in " ".join(out.split())
    code, out, _ = run(["play", "--load", "june_1957-khrushchev-seed5-1", "--plain"], "quit\n")
    assert code == 0 and "1 choice replayed." in out


def up_to_a_chance() -> Played:
    """The first decisions of BASE's game, the last of them (not the first) left to the dice."""
    path = planned(decisions=1)
    while True:
        chances = [o for o in path.offered if o.percent is not None and 0 < o.percent < 100]
        if chances:
            return planned([*path.numbers, chances[0].number])
        path = planned(decisions=len(path.taken) + 1)


def test_undo_goes_back_as_far_as_the_start_and_the_dice_do_not_change(tmp_path: Path) -> None:
    game = up_to_a_chance()
    undos = "undo\n" * (len(game.taken) + 1)
    code, out, _ = run(BASE, f"{game.typed}{undos}{game.typed}quit\n")
    assert code == 0
    first, last = game.taken[0].option, game.taken[-1].option
    assert f"Undone: {last.label}" in flat(out) and f"Undone: {first.label}" in flat(out)
    assert "Nothing to undo: this is the start of the game." in out
    typed = f"\n> {first.number}\n"
    before = out[out.index(typed) : out.index("\n> undo\n")]
    again = out[out.index(typed, out.rindex("\n> undo\n")) : out.index("\n> quit\n")]
    rolls = re.compile(r"Chance \d+%: rolled \d+ of 100")
    assert f"Chance {last.percent}%: rolled" in before
    assert rolls.findall(before) == rolls.findall(again)  # no re-rolling by undoing


def test_history_and_look_show_what_scrolled_away() -> None:
    start = planned(decisions=0)
    decided = start.game.phase
    assert decided is not None and decided.history is not None
    (historical,) = [o for o in start.offered if o.id == decided.history]
    game = planned([historical.number])
    code, out, _ = run(BASE, f"{game.typed}history\nlook\nquit\n")
    assert code == 0
    path = out[out.index("The path so far") : out.index("> look")]
    step = f"{decided.title}, decided by you: {historical.label} (as in history)"
    assert step in flat(path)
    now = game.game.phase
    assert now is not None and now is not decided and now.prompt is not None
    after_look = flat(out[out.index("> look") :])
    assert flat(now.title) in after_look and flat(now.prompt) in after_look


def test_help_lists_every_command() -> None:
    _, out, _ = run(BASE, "help\nquit\n")
    listed = out[out.index("Commands") :]
    for word in ("save [NAME]", "load NAME", "undo", "history", "look", "notes", "help", "quit"):
        assert f"\n{word}: " in listed, word


@pytest.mark.parametrize("word", ["save", "load", "undo", "history", "look", "notes", "quit"])
def test_the_validator_rejects_choice_ids_that_are_commands(word: str) -> None:
    text = mutate("      - id: refuse\n", f"      - id: {word}\n")
    assert any(f"choice id '{word}' is an in-game command" in e for e in errors(text))


def test_quitting_autosaves_and_resume_goes_on(data_dir: Path) -> None:
    game = planned(decisions=2)
    first, second = game.typed.splitlines()
    code, out, _ = run(BASE, f"{first}\nquit\n")
    assert code == 0 and "Your game is saved. To go on with it: presidium play --resume" in out
    autosave = the_autosave()
    assert saves.read(autosave).choices == game.ids[:1]
    code, out, _ = run(["play", "--resume", "--plain"], f"{second}\nquit\n")
    assert code == 0 and "1 choice replayed." in out
    assert saves.read(autosave).choices == game.ids


def test_ctrl_c_autosaves_and_exits_130(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium.ui import play

    answers = iter(["1"])

    def read(self: object, prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(play.LineReader, "read", read)
    code, out, err = run(BASE)
    assert code == 130 and "Interrupted" in err and "Your game is saved" in out
    saved = saves.read(the_autosave())
    assert saved.choices == ["only_the_central_committee"] and not saved.finished


def test_a_finished_game_is_not_offered_for_resume(data_dir: Path) -> None:
    code, _, _ = run(BASE, planned().typed)
    assert code == 0
    assert saves.read(the_autosave()).finished
    code, _, err = run(["play", "--resume"])
    assert code == 2 and "there is no game to resume" in err


def test_resume_and_load_take_the_game_from_the_save() -> None:
    code, _, err = run(["play", "--resume", "--side", "molotov"])
    assert code == 2 and "take the scenario, side and seed from the save" in err


# --------------------------------------------------------------------------- bad saves


def good_save(tmp_path: Path) -> Path:
    save = tmp_path / "good.json"
    run(BASE, f"1\n1\nsave {save}\nquit\n")
    return save


BAD = {
    "empty": (lambda text: "", "is empty"),
    "truncated": (lambda text: text[: len(text) // 2], "is damaged or cut short"),
    "not json": (lambda text: "hello\n", "is damaged or cut short"),
    "not a save": (lambda text: '{"a": 1}', "is not a presidium save"),
    "tampered": (
        lambda text: text.replace('"seed": 5', '"seed": 6'),
        "does not match its checksum: it has been edited or damaged",
    ),
    "newer": (
        lambda text: text.replace('"version": 1', '"version": 99'),
        "format version 99, written by a newer presidium",
    ),
    "older": (
        lambda text: text.replace('"version": 1', '"version": 0'),
        "format version 0, which this presidium no longer reads",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_save_is_refused_clearly_and_changes_nothing(
    tmp_path: Path, data_dir: Path, case: str
) -> None:
    source = good_save(tmp_path)
    autosave = the_autosave()
    before = autosave.read_bytes()
    mangle, message = BAD[case]
    bad = tmp_path / "bad.json"
    bad.write_text(mangle(source.read_text()))
    content = bad.read_bytes()
    code, out, err = run(["play", "--load", str(bad)], "quit\n")
    assert code == 1 and message in err, err
    assert "Traceback" not in out + err
    assert bad.read_bytes() == content and autosave.read_bytes() == before


def test_a_binary_file_is_not_a_save(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe\x00junk")
    code, _, err = run(["play", "--load", str(bad)])
    assert code == 1 and "is not text" in err


def test_a_save_that_does_not_replay_against_an_unchanged_scenario_is_refused(
    tmp_path: Path,
) -> None:
    save = saves.read(good_save(tmp_path))
    save.choices = ["only_the_central_committee", "no_such_choice"]
    forged = saves.write(save, tmp_path / "forged.json")
    code, _, err = run(["play", "--load", str(forged)])
    assert code == 1 and "the save does not replay: choice 2, 'no_such_choice'" in err


def without_choice(text: str, choice: str) -> str:
    """The scenario ``text`` with the choice ``choice`` renamed wherever the format names one
    (its id, a scene's history, a script's choose), so that it is offered no more."""
    named = re.compile(rf"^(\s*(?:- )?(?:id|history|choose): ){re.escape(choice)}[ \t]*$", re.M)
    changed = named.sub(rf"\g<1>{choice}_renamed", text)
    compiled, found = compile_yaml(changed)
    assert compiled is not None, [d.format() for d in found]
    assert all(c.id != choice for p in compiled.phases.values() for c in p.choices)
    return changed


def retitled(text: str, phase: str) -> tuple[str, str, str]:
    """The scenario ``text`` with one scene's title changed: (the text, old title, new title)."""
    old = scenario().phases[phase]
    lines = text.splitlines(keepends=True)
    at = next(i for i in range(old.span.line, len(lines)) if lines[i].lstrip().startswith("title:"))
    new = f"{old.title}, retold"
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at] = f"{indent}title: {json.dumps(new, ensure_ascii=False)}\n"
    changed = "".join(lines)
    compiled, found = compile_yaml(changed)
    assert compiled is not None, [d.format() for d in found]
    assert compiled.phases[phase].title == new
    return changed, old.title, new


def changed_copy(tmp_path: Path) -> tuple[Path, Path, Played]:
    """A local copy of the scenario, a save of three choices, then an edit that renames the
    third: the copy, the save, and the game saved."""
    copy = tmp_path / "mine.yaml"
    copy.write_text(JUNE.read_text())
    save = tmp_path / "mine.json"
    game = playing.play(SIDE, 7, decisions=3)
    run(
        ["play", str(copy), "--side", SIDE, "--seed", "7", "--plain"],
        f"{game.typed}save {save}\nquit\n",
    )
    assert saves.read(save).choices == game.ids
    copy.write_text(without_choice(copy.read_text(), game.ids[2]))
    return copy, save, game


def test_a_changed_scenario_offers_to_replay_up_to_the_missing_choice(tmp_path: Path) -> None:
    _, save, game = changed_copy(tmp_path)
    code, out, _ = run(
        ["play", "--load", str(save), "--plain", "--width", "80"], "yes\nhistory\nquit\n"
    )
    said = " ".join(out.split())
    assert code == 0
    assert (
        f"has changed since this game was saved: choice 3, '{game.ids[2]}', is not offered" in said
    )
    assert "Replay the first 2 of 3 choices and go on from there?" in said
    assert "2 choices replayed." in said


def test_declining_the_offer_changes_nothing(tmp_path: Path) -> None:
    _, save, _ = changed_copy(tmp_path)
    before = save.read_bytes()
    code, _, err = run(["play", "--load", str(save)], "no\n")
    assert code == 1 and "the saved game was not loaded; nothing has changed" in err
    assert save.read_bytes() == before


def test_a_changed_scenario_that_still_replays_says_so(tmp_path: Path) -> None:
    copy, save, game = changed_copy(tmp_path)
    copy.write_text(retitled(JUNE.read_text(), game.taken[0].phase.id)[0])
    code, out, _ = run(["play", "--load", str(save), "--plain"], "quit\n")
    said = " ".join(out.split())
    assert code == 0 and "has changed since this game was saved; all 3 choices still replay" in said


def test_an_in_game_load_that_fails_returns_to_the_game(tmp_path: Path) -> None:
    code, out, _ = run(BASE, f"1\nload {tmp_path / 'nope.json'}\nload\nhistory\nquit\n")
    assert code == 0
    assert "Cannot load" in out and "Say which save to load: load NAME." in out
    assert "The ambush, decided by you: Refuse" in " ".join(out.split())


def test_an_in_game_load_moves_to_the_saved_game(tmp_path: Path) -> None:
    save = tmp_path / "other.json"
    run(
        ["play", "october_1964", "--side", "brezhnev", "--seed", "2", "--plain"],
        f"1\nsave {save}\nquit\n",
    )
    code, out, _ = run(BASE, f"1\nload {save}\nquit\n")
    assert code == 0 and "Resuming: The October Plenum" in out and "1 choice replayed." in out


def test_saves_are_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = good_save(tmp_path)
    before = target.read_bytes()

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(saves.SaveError, match="No space left on device"):
        saves.write(saves.read(target), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".presidium-")] == []


# --------------------------------------------------------------------------- transcripts


@pytest.mark.parametrize("suffix", ["txt", "md", "html", "svg"])
def test_transcripts_record_the_whole_session_with_what_was_typed(
    tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"session.{suffix}"
    game = planned(decisions=1)
    decided = game.taken[0].phase.title  # the scene of the decision typed
    passed = [scenario().phases[p] for p in game.game.scenes_since_decision()]
    noted = next(p.title for p in passed if p.notes)  # the first scene shown since, with notes
    code, out, _ = run([*BASE, "--transcript", str(target)], f"{game.typed}notes\nquit\n")
    assert code == 0 and f"The transcript is in {target}." in flat(out)
    text = target.read_text()
    if suffix == "svg":
        assert text.startswith("<svg") and html.escape(decided).replace(" ", "&#160;") in text
        return
    if suffix == "html":
        assert "<html" in text.lower() and "&gt; notes" in text and "History notes" in text
        return
    assert f"\n{decided}\n" in text and "> notes" in text
    assert f"History notes: {flat(noted)}" in flat(text)
    if suffix == "md":
        assert text.startswith("# Transcript: The Anti-Party Group") and "```text\n" in text


def test_a_transcript_needs_a_known_format() -> None:
    code, _, err = run(["play", "--transcript", "x.pdf"])
    assert code == 2 and "--transcript writes .txt, .md, .html or .svg" in err


# --------------------------------------------------------------------------- replay


def test_replay_of_an_unchanged_session_is_the_same(tmp_path: Path) -> None:
    record = tmp_path / "golden.json"
    code, _, _ = run(
        ["play", "october_1964", "--side", "brezhnev", "--seed", "3", "--record", str(record)],
        "1\nnotes\nundo\n1\nhistory\n2\n" + "1\n" * 9,
    )
    assert code == 0 and saves.read(record).finished
    code, out, _ = run(["replay", str(record)])
    assert code == 0 and out.startswith(f"Same: {record} replays to the same")


def test_replay_of_an_autoplayed_record_is_the_same(tmp_path: Path) -> None:
    record = tmp_path / "auto.json"
    run(["play", "--autoplay", "random", "--seed", "11", "--record", str(record)])
    assert run(["replay", str(record)])[0] == 0


def test_replay_reports_a_changed_scenario_with_a_readable_diff(tmp_path: Path) -> None:
    copy, save, game = changed_copy(tmp_path)
    text, old, new = retitled(JUNE.read_text(), game.taken[0].phase.id)  # a scene it showed
    copy.write_text(text)
    code, out, _ = run(["replay", str(save)])
    assert code == 1
    assert "The scenario 'june_1957' has changed since the session was recorded." in out
    assert f"\n-{old}\n" in out and f"\n+{new}\n" in out


def test_replay_of_a_resumed_session(tmp_path: Path, data_dir: Path) -> None:
    run(BASE, "1\nquit\n")
    run(["play", "--resume", "--plain"], "1\nhistory\nquit\n")
    code, out, _ = run(["replay", str(the_autosave())])
    assert code == 0, out


def test_replay_of_something_that_is_not_a_save_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}")
    code, out, err = run(["replay", str(tmp_path / "x.json")])
    assert code == 2 and out == "" and "is not a presidium save" in err


def test_a_new_game_never_replaces_another_game_s_autosave() -> None:
    run(BASE, "1\nquit\n")  # seed 5, one decision
    run(["play", "--side", "khrushchev", "--seed", "6", "--plain"], "quit\n")  # nothing to lose
    run(["play", "--side", "khrushchev", "--seed", "7", "--plain"], "2\nquit\n")
    assert saves.read(the_autosave(5)).choices == ["only_the_central_committee"]
    assert autosaves(6) == []
    code, out, _ = run(["play", "--resume", "--plain"], "quit\n")
    assert code == 0 and "1 choice replayed." in out
    resumed = saves.read(the_autosave(7)).session
    assert resumed is not None and resumed.resumed_from == ["hit_back"]  # the newest game


def test_old_finished_autosaves_are_pruned_but_unfinished_ones_kept(tmp_path: Path) -> None:
    template = saves.read(good_save(tmp_path))
    for seed in range(5):
        template.seed, template.finished = seed, seed % 2 == 0
        saves.write(template, saves.autosave_path("june_1957", "khrushchev", seed, "g"))
    saves.prune_autosaves(keep=3)
    left = sorted(p.name for p in saves.autosave_dir().glob("*.json"))
    assert "june_1957-khrushchev-seed1-g.json" in left
    assert "june_1957-khrushchev-seed3-g.json" in left
    assert len(left) == 3


def test_a_missing_save_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(["play", "--load", str(tmp_path / "none.json")])
    assert code == 2 and "no save" in err
    code, _, err = run(["play", "--load", str(tmp_path)])  # a folder is not a save
    assert code == 2 and "no save" in err and "Traceback" not in err


def test_a_save_of_a_local_scenario_loads_from_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "work"
    home.mkdir()
    (home / "mine.yaml").write_text(JUNE.read_text())
    monkeypatch.chdir(home)
    run(
        ["play", "mine.yaml", "--side", "molotov", "--seed", "2", "--plain"],
        "save ./game.json\nquit\n",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = run(["play", "--load", str(home / "game.json"), "--plain"], "quit\n")
    assert code == 0 and "0 choices replayed." in out


# --------------------------------------------------------------------------- games are never lost


def rewritten(path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of a save with ``change`` made to its body and the checksum made to match."""
    body = json.loads(path.read_text())
    change(body)
    body["checksum"] = saves._checksum(body)
    copy = path.with_name("rewritten.json")
    copy.write_text(json.dumps(body))
    return copy


def test_a_huge_typed_line_never_makes_an_autosave_the_reader_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(saves, "MAX_BYTES", 64 * 1024)  # the 8 MB bound, scaled down
    game = planned(decisions=2)
    first, second = game.typed.splitlines()
    code, out, _ = run(BASE, f"{first}\n" + "x" * 100_000 + f"\n{second}\nquit\n")
    assert code == 0 and "too large to keep in a save" in flat(out)
    autosave = the_autosave()
    assert autosave.stat().st_size <= saves.MAX_BYTES
    assert saves.read(autosave).choices == game.ids
    code, out, _ = run(["play", "--resume", "--plain"], "quit\n")
    assert code == 0 and "2 choices replayed." in out


def test_a_save_too_large_even_without_its_session_keeps_the_previous_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = good_save(tmp_path)
    before = target.read_bytes()
    huge = saves.read(target)
    huge.choices = ["x" * 1000] * 100
    monkeypatch.setattr(saves, "MAX_BYTES", 64 * 1024)
    with pytest.raises(saves.SaveError, match="more than a save may hold; the previous save"):
        saves.write(huge, target)
    assert target.read_bytes() == before


def test_the_same_seed_twice_gives_two_games_and_two_autosaves() -> None:
    run(BASE, "1\n1\n1\n1\nquit\n")  # four decisions, then the bell rings
    first = the_autosave()
    run(BASE, "2\nquit\n")  # a new game: same scenario, side and seed
    games = autosaves(5)
    assert len(games) == 2 and games[0] == first
    assert len(saves.read(first).choices) == 4
    assert saves.read(games[1]).choices == ["hit_back"]
    code, out, _ = run(["play", "--resume", "--plain"], "quit\n")  # the newest game
    assert code == 0 and "1 choice replayed." in out
    code, out, _ = run(["play", "--load", str(first), "--plain"], "undo\nquit\n")
    assert code == 0 and "4 choices replayed." in out
    assert autosaves(5) == [games[1], first]  # the older game went on in its own file
    assert len(saves.read(first).choices) == 3


def test_a_seed_of_hundreds_of_digits_autosaves() -> None:
    seed = "9" * 300
    code, out, err = run(["play", "--side", "khrushchev", "--seed", seed, "--plain"], "1\nquit\n")
    assert code == 0 and "Your game is saved" in out, err
    (autosave,) = autosaves()
    assert saves.read(autosave).seed == int(seed) and len(autosave.name) < 120


def test_your_game_is_saved_only_when_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("the data folder cannot be made here")
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(blocked))
    code, out, _ = run(BASE, "1\nquit\n")
    said = " ".join(out.split())
    assert code == 0 and "Autosave failed" in said
    assert "Your game is saved" not in said and "Your game could not be saved" in said
    code, out, _ = run(BASE, "quit\n")  # nothing played, nothing saved: no promise either
    assert code == 0 and "saved" not in out.replace("load a saved game", "")


def test_ctrl_c_at_the_scenario_changed_question_leaves_the_real_save_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presidium.ui import play

    copy = tmp_path / "mine.yaml"
    copy.write_text(JUNE.read_text())
    game = playing.play(SIDE, 4, decisions=3)
    run(["play", str(copy), "--side", SIDE, "--seed", "4", "--plain"], f"{game.typed}quit\n")
    (autosave,) = autosaves()
    assert saves.read(autosave).choices == game.ids
    before = autosave.read_bytes()
    copy.write_text(without_choice(copy.read_text(), game.ids[2]))
    real_read = play.LineReader.read

    def interrupt_at_the_question(self: play.LineReader, prompt: str) -> str | None:
        if prompt.startswith("(yes/no)"):
            raise KeyboardInterrupt
        return real_read(self, prompt)

    with monkeypatch.context() as patched:
        patched.setattr(play.LineReader, "read", interrupt_at_the_question)
        code, out, _ = run(["play", "--resume", "--plain"])
    assert code == 130 and "Your game is saved" not in out
    assert autosaves() == [autosave] and autosave.read_bytes() == before
    code, out, _ = run(["play", "--resume", "--plain"], "yes\nquit\n")
    assert code == 0 and "2 choices replayed." in out


def test_a_debrief_that_cannot_be_written_loses_neither_record_nor_autosave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presidium.ui import play

    handout, record = tmp_path / "d.md", tmp_path / "r.json"
    real_finish = play.Sitting.finish

    def finish_then_block_the_handout(self: play.Sitting) -> None:
        real_finish(self)
        handout.mkdir()  # the file became a folder while the game was played

    monkeypatch.setattr(play.Sitting, "finish", finish_then_block_the_handout)
    args = [*BASE, "--debrief", str(handout), "--record", str(record)]
    code, _, err = run(args, planned().typed)
    assert code == 1 and "cannot write the debrief" in err
    assert saves.read(record).finished and saves.read(the_autosave()).finished


# --------------------------------------------------------------------------- hostile saves


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "presidium-save", "seed": ' + "9" * 5000 + "}", "a number far too long"),
        ("[" * 200_000 + "]" * 200_000, "nested far too deeply"),
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested far too deeply"),
    ],
    ids=["long number", "deep list", "deep object"],
)
def test_a_hostile_json_save_is_refused_not_a_traceback(
    tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    code, out, err = run(["play", "--load", str(bad)])
    assert code == 1 and message in err and "Traceback" not in out + err
    code, out, err = run(["replay", str(bad)])
    assert code == 2 and message in err


def test_one_bad_autosave_breaks_neither_resume_nor_the_prune(data_dir: Path) -> None:
    run(BASE, "1\nquit\n")
    good = the_autosave()
    folder = saves.autosave_dir()
    (folder / "zz-deep.json").write_text("[" * 200_000 + "]" * 200_000)
    (folder / "zz-number.json").write_text('{"seed": ' + "9" * 5000 + "}")
    (folder / "zz-folder.json").mkdir()
    for path in folder.glob("zz-*"):
        os.utime(path, (2e9, 2e9))  # the newest files there
    code, out, _ = run(["play", "--resume", "--plain"], "quit\n")
    assert code == 0 and "1 choice replayed." in out
    saves.prune_autosaves(keep=0)  # what every finished game does with more than 30 autosaves
    assert good.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_special_files_in_the_autosave_folder_never_hang_or_exhaust_memory(
    data_dir: Path,
) -> None:
    import subprocess
    import sys

    run(BASE, "1\nquit\n")
    folder = saves.autosave_dir()
    os.mkfifo(folder / "zz-fifo.json")
    (folder / "zz-zero.json").symlink_to("/dev/zero")
    for path in (folder / "zz-fifo.json", folder / "zz-zero.json"):
        os.utime(path, (2e9, 2e9), follow_symlinks=False)
    with pytest.raises(saves.SaveError, match="not a regular file"):
        saves.read(folder / "zz-zero.json")
    with pytest.raises(saves.SaveError, match="not a regular file"):
        saves.read(folder / "zz-fifo.json")
    resume = subprocess.run(
        [sys.executable, "-m", "presidium", "play", "--resume", "--plain"],
        input="quit\n",
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PRESIDIUM_DATA_DIR": str(data_dir)},
        check=False,
    )
    assert resume.returncode == 0 and "1 choice replayed." in resume.stdout
    saves.prune_autosaves(keep=0)


def test_temporary_files_of_killed_writes_are_cleaned_up(data_dir: Path) -> None:
    folder = saves.autosave_dir()
    folder.mkdir(parents=True)
    stale, fresh = folder / ".presidium-killed.tmp", folder / ".presidium-writing.tmp"
    stale.write_text("half a save")
    fresh.write_text("a save being written by another game right now")
    os.utime(stale, (1e9, 1e9))
    run(BASE, "1\nquit\n")
    assert not stale.exists() and fresh.exists()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("finished", "no", "'finished' should be true or false"),
        ("finished", 0, "'finished' should be true or false"),
        ("seed", True, "'seed' should be a whole number"),
        ("seed", 5.0, "'seed' should be a whole number"),
        ("side", 1, "'side' should be a side id"),
        ("session.side_asked", "no", "'session.side_asked' should be true or false"),
        ("session.width", True, "'session.width' should be a number of columns"),
        ("session.transcript", ["a"], "'session.transcript' should be text"),
    ],
)
def test_save_fields_are_strictly_typed(tmp_path: Path, key: str, value: Any, message: str) -> None:
    def change(body: dict[str, Any]) -> None:
        where, _, name = key.rpartition(".")
        (body[where] if where else body)[name] = value

    bad = rewritten(good_save(tmp_path), change)
    code, _, err = run(["play", "--load", str(bad)])
    assert code == 1 and message in err


def test_an_empty_scenario_name_is_a_mistake_not_the_default(tmp_path: Path) -> None:
    code, out, err = run(["play", "", "--side", "khrushchev", "--seed", "1"])
    assert code == 2 and "the scenario name is empty" in err and out == ""
    bad = rewritten(good_save(tmp_path), lambda body: body.update(source=""))
    code, _, err = run(["play", "--load", str(bad)])
    assert code == 1 and "the scenario name is empty" in err


def test_save_and_load_by_bare_name_both_mean_the_saves_folder(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(BASE, "1\nsave mygame\nsave ./here.json\nquit\n")
    assert code == 0 and not (tmp_path / "mygame").exists()
    assert (data_dir / "saves" / "mygame.json").is_file() and (tmp_path / "here.json").is_file()
    code, out, _ = run(BASE, "2\nload mygame\nquit\n")
    assert code == 0 and "1 choice replayed." in out
    code, out, _ = run(["play", "--load", "mygame", "--plain"], "quit\n")
    assert code == 0 and "1 choice replayed." in out


# --------------------------------------------------------------------------- replay


def test_replay_refuses_what_load_refuses(tmp_path: Path) -> None:
    record = tmp_path / "r.json"
    run([*BASE, "--record", str(record)], "1\nquit\n")
    for change, message in [
        (lambda body: body.update(scenario="october_1964"), "the save is for scenario"),
        (lambda body: body.update(seats=[]), "seats do not include the side it plays"),
        (lambda body: body.update(seats=["khrushchev", "nobody"]), "seats 'nobody'"),
    ]:
        bad = rewritten(record, change)
        code, out, err = run(["replay", str(bad)])
        assert code == 2 and out == "" and message in err, (out, err)
        code, _, err = run(["play", "--load", str(bad)])
        assert code == 1 and message in err


# --------------------------------------------------------------------------- which presidium recorded


THEN = "A line the program showed when the session was recorded"
WHY = "what the program shows may have changed, not only the story."


def a_record(tmp_path: Path) -> Path:
    """A session of two choices recorded by this presidium, which the save names."""
    record = tmp_path / "r.json"
    code, _, _ = run([*BASE, "--record", str(record)], "1\n1\nquit\n")
    assert code == 0 and json.loads(record.read_text())["presidium"] == saves.this_version()
    return record


def shown_otherwise(record: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of ``record`` that says the program showed one line otherwise, and ``change``."""

    def edit(body: dict[str, Any]) -> None:
        lines = body["session"]["transcript"].splitlines(keepends=True)
        lines[3] = THEN + "\n"
        body["session"]["transcript"] = "".join(lines)
        change(body)

    return rewritten(record, edit)


def test_a_save_names_the_presidium_that_wrote_it_after_its_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import presidium

    save = tmp_path / "then.json"
    with monkeypatch.context() as patched:
        patched.setattr(presidium, "__version__", "0.0.9")  # the presidium of an earlier lesson
        run(BASE, f"1\nsave {save}\nquit\n")
    body = json.loads(save.read_text())
    assert list(body)[:4] == ["format", "version", "presidium", "scenario"]
    assert body["presidium"] == "0.0.9" and saves.read(save).presidium == "0.0.9"


def test_replay_that_differs_names_the_presidium_that_recorded_it(tmp_path: Path) -> None:
    copy = shown_otherwise(a_record(tmp_path), lambda body: body.update(presidium="0.0.9"))
    code, out, _ = run(["replay", str(copy)])
    this = saves.this_version()
    assert code == 1 and out.startswith(
        f"This session was recorded by presidium 0.0.9; this is presidium {this}: {WHY}\n"
        f"Different: {copy} no longer plays the same."
    )
    assert f"\n-{THEN}\n" in out


def test_replay_that_differs_says_when_the_save_does_not_name_its_presidium(
    tmp_path: Path,
) -> None:
    record = a_record(tmp_path)
    copy = shown_otherwise(record, lambda body: body.pop("presidium"))
    older = saves.read(copy)  # a save written before presidium recorded its version loads
    assert older.presidium is None and older.choices == saves.read(record).choices
    code, out, _ = run(["replay", str(copy)])
    this = saves.this_version()
    assert code == 1 and out.startswith(
        "This session was recorded by an earlier presidium, one that did not record its "
        f"version; this is presidium {this}: {WHY}\nDifferent: {copy} no longer plays the same."
    )
    again = saves.write(older, tmp_path / "again.json")  # and claims no version when rewritten
    assert "presidium" not in json.loads(again.read_text())


def test_replay_that_differs_on_the_same_presidium_says_nothing_of_it(tmp_path: Path) -> None:
    copy = shown_otherwise(a_record(tmp_path), lambda body: None)
    code, out, _ = run(["replay", str(copy)])
    assert code == 1 and out.startswith(f"Different: {copy} no longer plays the same.")
    assert "recorded by" not in out and f"\n-{THEN}\n" in out


def test_replay_that_plays_the_same_says_nothing_of_another_presidium(tmp_path: Path) -> None:
    copy = rewritten(a_record(tmp_path), lambda body: body.update(presidium="0.0.9"))
    code, out, _ = run(["replay", str(copy)])
    assert code == 0 and out.startswith(f"Same: {copy} replays to the same")
    assert "presidium" not in out


def test_a_hand_edited_presidium_version_is_shown_cleaned_or_taken_as_absent(
    tmp_path: Path,
) -> None:
    record = a_record(tmp_path)
    copy = shown_otherwise(
        record, lambda body: body.update(presidium="\x1b]2;owned\x07" + "9" * 5000)
    )
    code, out, _ = run(["replay", str(copy)])
    note = out.splitlines()[0]
    assert code == 1 and "\x1b" not in out and "\x07" not in out
    assert note.startswith("This session was recorded by presidium \\x1b]2;owned\\x0799")
    assert "…; this is presidium" in note and len(note) < 200
    for odd in ([0, 2], 7, "  "):  # not a version: never a reason to refuse the save
        copy = shown_otherwise(record, lambda body, odd=odd: body.update(presidium=odd))
        code, out, err = run(["replay", str(copy)])
        assert code == 1 and out.startswith("This session was recorded by an earlier"), err


def test_replay_of_a_save_stuffed_with_typed_lines_stops_early(tmp_path: Path) -> None:
    import time

    record = tmp_path / "r.json"
    run([*BASE, "--record", str(record)], "1\nquit\n")
    stuffed = rewritten(
        record, lambda body: body["session"].update(inputs=["1", *["help"] * 20_000, "quit"])
    )
    started = time.monotonic()
    code, out, _ = run(["replay", str(stuffed)])
    assert code == 1 and out.startswith(f"Different: {stuffed} no longer plays the same")
    assert time.monotonic() - started < 20  # it took minutes when every line was played


def test_ctrl_c_while_a_choice_is_shown_leaves_a_record_that_replays_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from presidium.ui.render import Renderer

    shown = Renderer.events
    calls = []

    def interrupted(self: Renderer, events: list[Any]) -> None:
        on_screen = getattr(self.console.file, "target", None) is sys.stdout
        calls.append(on_screen)
        if on_screen and calls.count(True) == 2:  # the outcome of the first choice
            raise KeyboardInterrupt  # Ctrl-C just after Enter, before the screen shows it
        shown(self, events)

    monkeypatch.setattr(Renderer, "events", interrupted)
    record = tmp_path / "r.json"
    code, _, _ = run([*BASE, "--record", str(record)], "1\n1\nquit\n")
    assert code == 130 and saves.read(record).choices == ["only_the_central_committee"]
    monkeypatch.setattr(Renderer, "events", shown)
    code, out, _ = run(["replay", str(record)])
    assert code == 0, out


def test_a_game_interrupted_at_its_ending_is_recorded_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from presidium.ui.render import Renderer

    shown = Renderer.debrief

    def interrupted(self: Renderer, report: Any) -> None:
        if getattr(self.console.file, "target", None) is sys.stdout:
            raise KeyboardInterrupt  # Ctrl-C before the screen shows the debrief
        shown(self, report)

    monkeypatch.setattr(Renderer, "debrief", interrupted)
    record = tmp_path / "r.json"
    code, _, _ = run([*BASE, "--record", str(record)], planned().typed)
    assert code == 130 and saves.read(record).finished
    monkeypatch.setattr(Renderer, "debrief", shown)
    code, out, _ = run(["replay", str(record)])
    assert code == 0, out


def test_resume_passes_over_autosaves_it_cannot_resume_and_says_why(
    tmp_path: Path, data_dir: Path
) -> None:
    run(BASE, "1\nquit\n")
    good = the_autosave()
    copy = tmp_path / "mine.yaml"
    copy.write_text(JUNE.read_text())
    run(["play", str(copy), "--side", "molotov", "--seed", "6", "--plain"], "1\nquit\n")
    moved = the_autosave(6)
    copy.unlink()  # the scenario file was moved away
    unknown = rewritten(good, lambda body: body.update(side="nobody", seats=["nobody"]))
    unknown = unknown.rename(saves.autosave_dir() / "unknown-side.json")
    os.utime(moved, (2e9, 2e9))
    os.utime(unknown, (2e9 + 1, 2e9 + 1))  # the newest of all
    code, out, err = run(["play", "--resume", "--plain"], "quit\n")
    assert code == 0 and "1 choice replayed." in out and "playing: Khrushchev's side" in out
    assert saves.read(good).choices == ["only_the_central_committee"]
    said = " ".join(err.split())
    assert f"skipped the autosave {unknown}: the save plays side 'nobody'" in said
    assert f"skipped the autosave {moved}: the save's scenario '{copy}' cannot be opened" in said
    assert f"play --load {moved}" in said and f"play --load {unknown}" in said


def test_a_save_whose_scenario_has_errors_cannot_be_replayed_and_says_the_first(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "mine.yaml"
    copy.write_text(JUNE.read_text())
    record = tmp_path / "r.json"
    run(
        ["play", str(copy), "--side", "khrushchev", "--seed", "6", "--record", str(record)],
        "quit\n",
    )
    phase = planned(decisions=0).game.phase  # the first decision: its history is checked
    assert phase is not None and f"history: {phase.history}\n" in JUNE.read_text()
    copy.write_text(JUNE.read_text().replace(f"history: {phase.history}\n", "history: nowhere\n"))
    code, out, err = run(["replay", str(record)])
    assert code == 2 and out == ""  # as for any save that cannot be replayed
    assert re.search(rf"cannot be opened: {re.escape(str(copy))}:\d+:\d+: error: ", err), err
    code, _, err = run(["play", "--load", str(record)])
    assert code == 1 and re.search(rf"{re.escape(str(copy))}:\d+:\d+: error: ", err), err


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="signals as POSIX has them")
def test_a_signal_while_the_record_is_written_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from presidium.ui.render import Renderer

    shown = Renderer.events
    calls = []

    def signalled(self: Renderer, events: list[Any]) -> None:
        calls.append(getattr(self.console.file, "target", None) is sys.stdout)
        if not calls[-1] and calls.count(False) == 2:  # the record, at the first choice
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C just as the autosave renders it
        shown(self, events)

    monkeypatch.setattr(Renderer, "events", signalled)
    from presidium.signals import _numbers

    previous = {number: signal.getsignal(number) for number in _numbers()}  # it ignores them after
    record = tmp_path / "r.json"
    try:
        code, _, _ = run([*BASE, "--record", str(record)], "1\n1\nquit\n")
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    assert code == 130 and saves.read(record).choices == ["only_the_central_committee"]
    monkeypatch.setattr(Renderer, "events", shown)
    code, out, _ = run(["replay", str(record)])
    assert code == 0, out


def test_a_record_interrupted_while_a_command_answers_replays_as_far_as_it_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presidium.ui.play import Views

    recorded = Views.to_records

    def interrupted(self: Views, name: str, *args: Any, **kwargs: Any) -> None:
        if name == "help":
            raise KeyboardInterrupt  # Ctrl-C just after Enter, before 'help' answers
        recorded(self, name, *args, **kwargs)

    monkeypatch.setattr(Views, "to_records", interrupted)
    record = tmp_path / "r.json"
    code, _, _ = run([*BASE, "--record", str(record)], "1\nhelp\nquit\n")
    session = saves.read(record).session
    assert code == 130 and session is not None and session.interrupted
    assert session.inputs == ["1", "help"] and "Commands" not in session.transcript
    monkeypatch.undo()
    code, out, _ = run(["replay", str(record)])
    assert code == 0 and "as far as it was recorded" in out, out
    tampered = rewritten(
        record,
        lambda body: body["session"].update(
            transcript=body["session"]["transcript"].replace("Khrushchev", "Krushchev", 1)
        ),
    )
    code, out, _ = run(["replay", str(tampered)])
    assert code == 1 and "Different" in out  # what it did record is still compared


@pytest.mark.parametrize("command", [["play", "--load"], ["replay"]])
def test_a_home_folder_that_does_not_exist_is_no_such_save(command: list[str]) -> None:
    """'~nobody/x' cannot be expanded: that is a save that does not exist, not a crash."""
    code, _, err = run([*command, "~nosuchuser_presidium/a.json"])
    assert code == 2, err
    assert "no save" in err and "Traceback" not in err


def test_save_to_a_home_folder_that_does_not_exist_keeps_the_game(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a shell, an unknown ~user stays as written: a folder of that name, here."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run(BASE, "save ~nosuchuser_presidium/x.json\n1\nquit\n")
    assert code == 0, err
    assert (tmp_path / "~nosuchuser_presidium" / "x.json").is_file()
    assert "You chose" in out


def test_a_long_field_in_a_save_is_quoted_short(tmp_path: Path) -> None:
    path = rewritten(good_save(tmp_path), lambda body: body.update(source="x" * 100_000))
    code, _, err = run(["play", "--load", str(path)])
    assert code == 1
    assert len(err) < 2_000 and "(100,000 characters)" in err


def test_a_hint_names_a_path_with_a_space_so_that_it_can_be_pasted(tmp_path: Path) -> None:
    target = tmp_path / "Application Support" / "my game.json"
    target.parent.mkdir()
    code, out, _ = run(BASE, f"save {target}\nquit\n")
    assert code == 0
    assert f"play --load '{target}'" in " ".join(out.split())
