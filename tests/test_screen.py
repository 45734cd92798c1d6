"""The screen: vote tables at every width, pacing, conceding, the endings record, the map.

Everything here runs the real scenarios through the real engine and renderer.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import select
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT, closest_to_history, compile_yaml, docs_example, mutate, run_cli
from presidium import catalog, debrief, saves
from presidium import events as ev
from presidium.catalog import Opened
from presidium.engine import Game
from presidium.model import Scenario
from presidium.printable import clean
from presidium.ui import pager, render
from presidium.ui.play import LineReader, PlayerQuit, PlayOptions, Screen, run_games
from presidium.ui.render import Renderer, make_console

BOX = "─│╭╮╰╯═║╔╗╚╝┃━"


def played_votes(scenario: Scenario, side: str, seeds: range) -> list[ev.VoteHeld]:
    """The votes of history's path and of seeded random games: every bloc and voter row."""
    found: list[ev.VoteHeld] = []
    for seed in seeds:
        game = Game(scenario, [side], seed=seed)
        events = list(game.start())
        rng = random.Random(seed)
        while not game.over:
            phase = game.phase
            assert phase is not None
            open_ = [o.id for o in game.options() if o.available]
            take = phase.history if seed == 0 and phase.history in open_ else rng.choice(open_)
            events += game.step(take)
        found += [e for e in events if isinstance(e, ev.VoteHeld)]
    return found


@cache
def votes_of(scenario_id: str) -> tuple[ev.VoteHeld, ...]:
    scenario = catalog.open_scenario(scenario_id).scenario
    found: list[ev.VoteHeld] = []
    for side in scenario.sides:
        found += played_votes(scenario, side, range(12))
    unique = {repr(v.to_dict()): v for v in found}
    return tuple(unique.values())


def words(text: str) -> Counter[str]:
    """The words of ``text`` as a reader meets them, box drawing aside."""
    for mark in BOX:
        text = text.replace(mark, " ")
    return Counter(w.strip(".,:;()'\"") for w in text.split())


def rendered_vote(vote: ev.VoteHeld, width: int, scenario: Scenario) -> str:
    out = io.StringIO()
    Renderer(make_console(False, width=width, file=out), scenario, False, None).on_vote(vote)
    return out.getvalue()


def expected_words(vote: ev.VoteHeld) -> Counter[str]:
    wanted: Counter[str] = Counter()
    for b in vote.ballots:
        wanted += words(clean(f"{b.name} {render.VOTE_WORDS[b.vote]} {b.why or ''}"))
    for bloc in vote.blocs:
        wanted += words(clean(f"{bloc.label} {bloc.votes_for} {bloc.votes_against} {bloc.reason}"))
    wanted += words(clean(vote.title)) + words(clean(vote.motion))
    wanted += words(f"{vote.votes_for} for, {vote.votes_against} against,")
    return wanted


@pytest.mark.parametrize("scenario_id", ["june_1957", "october_1964"])
@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_vote_tables_cut_no_word_or_number(scenario_id: str, width: int) -> None:
    """Every voter, vote, count and word of every reason is on the screen whole."""
    scenario = catalog.open_scenario(scenario_id).scenario
    votes = votes_of(scenario_id)
    assert any(v.blocs for v in votes), "no Central Committee bloc was played"
    for vote in votes:
        text = rendered_vote(vote, width, scenario)
        assert "…" not in text, text
        assert max(len(line) for line in text.splitlines()) <= width
        missing = expected_words(vote) - words(text)
        assert not missing, f"{vote.title} at {width} columns lost {dict(missing)}:\n{text}"


def test_vote_tables_fit_every_width_from_60_to_200() -> None:
    scenario = catalog.open_scenario("june_1957").scenario
    votes = votes_of("june_1957")
    for width in range(60, 201, 7):
        for vote in votes:
            text = rendered_vote(vote, width, scenario)
            assert "…" not in text and not expected_words(vote) - words(text), (width, text)


def test_a_table_where_it_fits_stacked_where_it_would_not() -> None:
    """The plenum's bloc has a long name and a long count: a table at 120, stacked at 60."""
    plenum = next(v for v in votes_of("june_1957") if v.blocs and v.ballots)
    rows = render.vote_rows(plenum)
    assert render.table_widths(rows, 120) is not None
    assert render.table_widths(rows, 60) is None
    scenario = catalog.open_scenario("june_1957").scenario
    assert "Why" in rendered_vote(plenum, 120, scenario)
    stacked = rendered_vote(plenum, 60, scenario)
    assert "Why" not in stacked and "- Vyacheslav Molotov abstains: he still holds" in stacked


def test_a_long_heading_wraps_instead_of_being_cut() -> None:
    scenario = catalog.open_scenario("june_1957").scenario
    out = io.StringIO()
    renderer = Renderer(make_console(False, width=60, file=out), scenario, False, None)
    title = "Vote: [Counterfactual] The Central Committee plenum votes on the whole matter"
    renderer.heading(title)
    assert "…" not in out.getvalue() and not words(title) - words(out.getvalue())


@pytest.mark.parametrize("scenario_id", ["june_1957", "october_1964"])
def test_the_status_table_cuts_nothing_at_60_columns(scenario_id: str) -> None:
    scenario = catalog.open_scenario(scenario_id).scenario
    for side in scenario.sides:
        game = Game(scenario, [side], seed=1)
        game.start()
        status = game.status()
        out = io.StringIO()
        renderer = Renderer(make_console(False, width=60, file=out), scenario, False, side)
        renderer.on_status(status, always=True)
        text = out.getvalue()
        wanted = Counter[str]()
        for line in status.lines:
            wanted += words(clean(f"{line.label} {line.value}"))
        assert "…" not in text and not wanted - words(text), text


# --------------------------------------------------------------------------- pacing


def test_no_pause_while_the_text_fits_the_screen() -> None:
    assert pager.pauses([1] * 23, 0, 24) == ([], 23)  # 23 rows and the prompt: one screen


def test_a_pause_before_the_first_unread_row_would_scroll_away() -> None:
    where, unread = pager.pauses([1] * 60, 0, 24)
    assert where == [23, 46] and unread == 14
    assert pager.pauses([1] * 5, 20, 24) == ([3], 2)  # what is already on the screen counts


def test_wrapped_lines_count_their_rows_and_a_huge_line_is_written_whole() -> None:
    assert pager.rows("\x1b[1m" + "x" * 81 + "\x1b[0m", 80) == 2
    assert pager.rows("", 80) == 1
    assert pager.pauses([30, 1], 0, 24) == ([1], 1)


def keys(*pressed: str) -> Callable[[], str]:
    queue = list(pressed)
    return lambda: queue.pop(0)


def paged(text: str, *pressed: str, height: int = 10) -> tuple[str, pager.Pager]:
    out = io.StringIO()
    paging = pager.Pager(out, keys(*pressed), lambda: (80, height))
    paging.write(text)
    return out.getvalue(), paging


def test_the_pager_waits_for_a_key_and_q_stops_it_until_the_next_answer() -> None:
    text = "".join(f"line {n}\n" for n in range(30))
    shown, _ = paged(text, "\n", "\n", "\n")
    assert shown.count(pager.MORE) == 3
    assert shown.index(pager.MORE) > shown.index("line 8\n") > 0
    assert "line 9" not in shown[: shown.index(pager.MORE)]
    shown, paging = paged(text, "q", "\n", "\n", "\n")
    assert shown.count(pager.MORE) == 1 and "line 29\n" in shown
    paging.write(text)
    assert paging.target.getvalue().count(pager.MORE) == 1  # type: ignore[attr-defined]
    paging.reset()  # the player answered: pauses again
    paging.write(text)
    assert paging.target.getvalue().count(pager.MORE) == 4  # type: ignore[attr-defined]


def test_only_enter_or_space_reads_on_so_a_number_and_enter_read_on_once() -> None:
    text = "".join(f"line {n}\n" for n in range(30))
    pressed = ["1", "\n", "x", "\r", " "]
    out = io.StringIO()
    pager.Pager(out, lambda: pressed.pop(0), lambda: (80, 10)).write(text)
    shown = out.getvalue()
    assert pressed == []  # "1" and "x" were passed over: each pause waited for Enter or Space
    assert shown.count(pager.MORE) == 3 and "line 29\n" in shown


def test_an_input_that_has_ended_never_hangs_the_pager() -> None:
    text = "".join(f"line {n}\n" for n in range(30))
    shown, paging = paged(text, "")
    assert shown.count(pager.MORE) == 1 and "line 29\n" in shown and paging.off
    paging.write(text)  # and it never asks again
    assert paging.target.getvalue().count(pager.MORE) == 1  # type: ignore[attr-defined]


def test_ctrl_c_at_a_pause_leaves_and_the_cut_text_is_not_written_again() -> None:
    def interrupt() -> str:
        raise KeyboardInterrupt

    out = io.StringIO()
    paging = pager.Pager(out, interrupt, lambda: (80, 10))
    text = "".join(f"line {n}\n" for n in range(30))
    with pytest.raises(KeyboardInterrupt):
        paging.write(text)
    paging.write(text + "\n")  # rich sends its unfinished buffer again, with what follows
    assert out.getvalue().count("line 0\n") == 1 and "line 29" not in out.getvalue()


def in_a_terminal(args: list[str], answers: list[tuple[str, str]], tmp: Path) -> tuple[str, int]:
    """Run the real command line in a 24x80 pseudo-terminal; after each ``(wait_for, send)``
    pair's text appears, type ``send``. Returns what the terminal showed and the exit code."""
    import fcntl
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: the game, at a terminal
        os.environ["PRESIDIUM_DATA_DIR"] = str(tmp)
        os.environ.pop("NO_COLOR", None)
        os.environ["TERM"] = "xterm"
        os.execv(sys.executable, [sys.executable, "-m", "presidium", *args])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    deadline = time.monotonic() + 60
    pending = list(answers)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if pending and pending[0][0].encode() in seen:
            wait, send = pending.pop(0)
            os.write(fd, send.encode())
            seen = seen.replace(wait.encode(), b"<seen>", 1)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return seen.decode("utf-8", "replace"), os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")
def test_the_opening_pauses_at_a_real_terminal(tmp_path: Path) -> None:
    """At 80x24 the opening waits for Enter before it scrolls; Enter reads on, q stops the
    pauses, and the game goes on to its prompt."""
    shown, code = in_a_terminal(
        ["play", "june_1957", "--side", "khrushchev", "--seed", "3"],
        [(pager.MORE, "\r"), (pager.MORE, "q"), ("What do you say?", "quit\r")],
        tmp_path,
    )
    assert code == 0, shown
    assert shown.count("<seen>") >= 2  # two pauses met before the question
    second = shown.index("<seen>", shown.index("<seen>") + 1)
    # the goal fills the first screen; the opening is held on the screen by the second pause
    assert "Sixteen months of trouble" in shown[:second]
    assert "They want you out" not in shown[:second]


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")
def test_no_pause_with_plain_or_autoplay(tmp_path: Path) -> None:
    for extra in (["--plain"], ["--autoplay", "history"]):
        shown, code = in_a_terminal(
            ["play", "june_1957", "--side", "khrushchev", "--seed", "3", *extra],
            [("What do you say?", "quit\r")] if extra == ["--plain"] else [],
            tmp_path,
        )
        assert pager.MORE not in shown and code == 0, shown[-2000:]


# --------------------------------------------------------------------------- conceding

CONCEDING = mutate(
    'label: "Wait for the Presidium to let them in"',
    'label: "Wait for the Presidium to let them in"\n        concedes: true',
)


def at_the_keyboard(
    path: Path, typed: list[str], monkeypatch: pytest.MonkeyPatch, record: str | None = None
) -> str:
    """A game as a person plays it at a terminal: answers come from ``input``."""
    answers = iter(typed)

    def fake_input(prompt: str) -> str:
        out.write(prompt)
        try:
            line = next(answers)
        except StopIteration:
            raise EOFError from None
        out.write(line + "\n")
        return line

    monkeypatch.setattr("builtins.input", fake_input)
    out = io.StringIO()
    console = make_console(True, width=80, file=out)
    opened = catalog.open_scenario(str(path))
    screen = Screen(lambda scenario: Renderer(console, scenario, True, None))
    options = PlayOptions("khrushchev", 1, None, record=record, confirm=True)
    with contextlib.suppress(PlayerQuit):
        run_games((opened, options, None), screen, LineReader(None, True), no_loading)
    return out.getvalue()


def no_loading(_name: str) -> tuple[Opened, PlayOptions, saves.Save]:
    raise AssertionError("no loading here")


def test_a_conceding_choice_is_confirmed_and_no_keeps_the_fight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    path = tmp_path / "door.yaml"
    path.write_text(CONCEDING, encoding="utf-8")
    shown = at_the_keyboard(path, ["2", "n", "2", "yes"], monkeypatch)
    question = "'Wait for the Presidium to let them in' gives the game up"
    assert shown.count(question) == 2 and shown.count("Give up? (y/N)> ") == 2
    assert "Not taken: you fight on." in shown
    assert "(Get the Central Committee into the room)" in shown  # what is given up
    assert shown.count("You chose: Wait for the Presidium") == 1
    assert "Ending: " in shown


def test_an_ordinary_choice_and_piped_answers_are_not_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    path = tmp_path / "door.yaml"
    path.write_text(CONCEDING, encoding="utf-8")
    assert "Give up?" not in at_the_keyboard(path, ["1"], monkeypatch)
    code, out, _ = run_cli(["play", str(path), "--side", "khrushchev", "--seed", "1"], "2\n")
    assert code == 0 and "Give up?" not in out and "You chose: Wait for the Presidium" in out
    code, out, _ = run_cli(
        ["play", str(path), "--side", "khrushchev", "--json", "--seed", "1"], "2\n"
    )
    assert code == 0 and '"wait"' in out


def test_a_confirmed_session_replays_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    path = tmp_path / "door.yaml"
    path.write_text(CONCEDING, encoding="utf-8")
    record = tmp_path / "session.json"
    at_the_keyboard(path, ["2", "no", "2", "y"], monkeypatch, record=str(record))
    assert saves.read(record).session.confirms  # type: ignore[union-attr]
    code, out, err = run_cli(["replay", str(record)])
    assert code == 0, out + err


# --------------------------------------------------------------------------- endings


def door(tmp_path: Path) -> Path:
    path = tmp_path / "door.yaml"
    path.write_text(docs_example(), encoding="utf-8")
    return path


def test_endings_before_any_game_lists_every_bundled_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    code, out, err = run_cli(["endings"])
    assert code == 0, err
    june = catalog.open_scenario("june_1957").scenario
    assert f"june_1957: {june.title} — 0 of {len(june.endings)} endings found" in out
    assert "october_1964:" in out and not (tmp_path / "endings.json").exists()


def test_a_game_played_to_its_end_counts_and_other_endings_are_not_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    path = door(tmp_path)
    for _ in range(2):
        code, _, err = run_cli(["play", str(path), "--side", "khrushchev", "--seed", "1"], "1\n")
        assert code == 0, err
    run_cli(["play", str(path), "--side", "khrushchev", "--autoplay", "random", "--seed", "2"])
    run_cli(["play", str(path), "--side", "khrushchev", "--json", "--seed", "1"], "2\n")
    code, out, err = run_cli(["endings", str(path)])
    assert code == 0, err
    assert "sverdlov_door: At the Door of the Sverdlov Hall — 1 of 2 endings found" in out
    assert "[x] The plenum is called (the historical ending): reached twice" in out
    assert "[ ] not yet found" in out and "The door stays shut" not in out
    code, out, _ = run_cli(["endings"])
    assert "sverdlov_door: 1 ending(s) found (the scenario is not in this folder)" in out


@pytest.mark.parametrize(
    "content", [b"{not json", b'{"format": "presidium-endings", "version": 1, "reached": 3}', b""]
)
def test_a_damaged_record_is_reported_and_never_overwritten(
    content: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    record = tmp_path / "endings.json"
    record.write_bytes(content)
    code, out, err = run_cli(["endings"])
    assert code == 1 and "Traceback" not in err
    assert "endings record" in err and "Move it aside or delete it" in err
    code, out, err = run_cli(
        ["play", str(door(tmp_path)), "--side", "khrushchev", "--seed", "1"], "1\n"
    )
    assert code == 0 and "This ending was not counted" in out
    assert record.read_bytes() == content


def test_endings_of_an_unknown_scenario_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    code, _, err = run_cli(["endings", "no_such_scenario"])
    assert code == 2 and "no_such_scenario" in err


# --------------------------------------------------------------------------- the map


def history_debrief(scenario_id: str) -> tuple[Scenario, debrief.Debrief]:
    scenario = catalog.open_scenario(scenario_id).scenario
    side = next(iter(scenario.sides))
    game = closest_to_history(scenario, side)
    return scenario, debrief.build(scenario, game, side)


@pytest.mark.parametrize("scenario_id", ["june_1957", "october_1964"])
def test_the_map_puts_the_scenes_in_story_order_with_the_path_marked(scenario_id: str) -> None:
    scenario, report = history_debrief(scenario_id)
    story = report.map
    assert story is not None
    dated = [r for r in story.rows if r.scenes]
    order = [scenario.phases[p].date for _, ids in debrief.story_order(scenario) for p in ids]
    known = [d for d in order if d]
    assert known == sorted(known)  # by date
    assert story.rows[0].scenes[0].visited  # the opening, first
    on_path = {x.title for r in dated for x in r.scenes if x.visited}
    assert {
        scenario.phases[p].title
        for p in closest_to_history(scenario, next(iter(scenario.sides))).scenes
    } == on_path
    assert any(not x.visited for r in dated for x in r.scenes)  # other paths are shown too
    assert story.historical is None and story.other_endings == len(scenario.endings) - 1


@pytest.mark.parametrize("width", [60, 80])
def test_the_map_reads_at_narrow_widths(width: int) -> None:
    scenario, report = history_debrief("june_1957")
    assert report.map is not None
    for plain in (False, True):
        out = io.StringIO()
        Renderer(make_console(plain, width=width, file=out), scenario, plain, None).story_map(
            report.map
        )
        text = out.getvalue()
        assert max(len(line) for line in text.splitlines()) <= width
        for row in report.map.rows:
            for scene in row.scenes:
                assert not words(scene.title) - words(text), scene.title
        assert not words("The Anti-Party Group (yours, as in history)") - words(text)
        assert ("●" in text) is not plain  # plain text says it in words


@pytest.mark.parametrize("scenario_id", ["june_1957", "october_1964"])
@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_a_date_on_the_map_is_never_broken(scenario_id: str, width: int) -> None:
    """Each date label of the map stands whole on one line, at every width."""
    scenario, report = history_debrief(scenario_id)
    assert report.map is not None
    out = io.StringIO()
    Renderer(make_console(False, width=width, file=out), scenario, False, None).story_map(
        report.map
    )
    lines = [" ".join(line.split()) for line in out.getvalue().splitlines()]
    for row in report.map.rows:
        if row.scenes:
            assert any(line.startswith(clean(row.when)) for line in lines), (row.when, lines)


def test_the_map_is_in_both_handouts() -> None:
    _, report = history_debrief("june_1957")
    md = debrief.markdown(report)
    assert "## Your path on the map" in md and "● **The ambush**" in md and "○ " in md
    page = debrief.html(report)
    assert "<h2>Your path on the map</h2>" in page and '<span class="other">○ ' in page
    assert md.index("Your path on the map") < md.index("Your path beside history")


def test_an_ending_not_reached_is_not_named_on_the_map() -> None:
    scenario = catalog.open_scenario("june_1957").scenario
    game = Game(scenario, ["molotov"], seed=1)
    game.start()
    rng = random.Random(3)
    while not game.over:
        game.step(rng.choice([o.id for o in game.options() if o.available]))
    story = debrief.build(scenario, game, "molotov").map
    assert story is not None
    text = debrief.markdown(debrief.build(scenario, game, "molotov"))
    section = text[text.index("- *Endings*") : text.index("## Your path beside")]
    named = [e.title for e in scenario.endings.values() if e.title in section]
    assert set(named) <= {scenario.endings[game.ending].title, story.historical}  # type: ignore[index]


def test_a_big_scenario_keeps_a_small_map(tmp_path: Path) -> None:
    """2,000 scenes and a path through 190 of them: a map of a few lines, not hundreds."""
    syn = ROOT / "benchmarks" / "syn.py"
    text = subprocess.run(
        [sys.executable, str(syn), "2000"], capture_output=True, text=True, check=True
    ).stdout
    scenario, found = compile_yaml(text, "syn.yaml")
    assert scenario is not None, found
    game = Game(scenario, ["player"], seed=1)
    game.start()
    rng = random.Random(1)
    while not game.over:
        game.step(rng.choice([o.id for o in game.options() if o.available]))
    report = debrief.build(scenario, game, "player")
    assert report.map is not None and len(game.scenes) > 100
    out = io.StringIO()
    Renderer(make_console(False, width=80, file=out), scenario, False, None).story_map(report.map)
    assert len(out.getvalue().splitlines()) < 20
    assert "more scenes of your path" in out.getvalue()


# --------------------------------------------------------------------------- a question, whole


def test_a_block_pauses_before_it_rather_than_inside_it() -> None:
    assert pager.block_pauses([2, 1, 1], 20, 24) == ([0], 4)  # 20 unread + 4 > 23: pause first
    assert pager.block_pauses([2, 1, 1], 19, 24) == ([], 23)  # it fits: no pause
    assert pager.block_pauses([2, 1, 1], 0, 24) == ([], 4)
    # taller than the screen alone: between its units only, never inside one
    assert pager.block_pauses([3, 2, 2, 2], 5, 6) == ([0, 2], 4)


def _decision_on_a_paged_screen(june_1957: Scenario, height: int) -> tuple[str, ev.DecisionNeeded]:
    out = io.StringIO()
    paging = pager.Pager(out, lambda: "\r", lambda: (80, height))
    renderer = Renderer(make_console(False, width=80, file=paging), june_1957, False, "khrushchev")
    game = Game(june_1957, ["khrushchev"], seed=3)
    renderer.events(game.start())
    decision = game.pending
    assert decision is not None
    return out.getvalue(), decision


@pytest.mark.parametrize("height", range(8, 40))
def test_a_pause_never_splits_a_question_from_its_choices(june_1957: Scenario, height: int) -> None:
    """The opening's question and its choices: a pause comes before the question (or, on a
    screen too short for them, between two choices), never after the question or inside a
    choice, so no choice is hidden behind a pause."""
    shown, decision = _decision_on_a_paged_screen(june_1957, height)
    block = shown[shown.rindex(decision.prompt) :]
    pages = block.split(pager.MORE + "\r\x1b[2K")
    assert len(pages) == 1 or len(block.splitlines()) > height - 1
    for page in pages[1:]:  # what follows a pause inside the block starts with a choice
        assert re.match(r"\d+\. ", page), page[:80]
    for option in decision.options:
        label = " ".join(option.label.split()[:4])
        assert sum(label in " ".join(page.split()) for page in pages) == 1, label


# --------------------------------------------------------------------------- items kept whole


def _pages(height: int, draw: Callable[[Renderer], None], scenario: Scenario) -> list[str]:
    """What ``draw`` shows on an 80-column screen ``height`` rows high, page by page, each
    page's words joined by single spaces."""
    out = io.StringIO()
    paging = pager.Pager(out, lambda: "\r", lambda: (80, height))
    draw(Renderer(make_console(False, width=80, file=paging), scenario, False, None))
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    return [" ".join(page.split()) for page in text.split(pager.MORE + "\r\x1b[2K")]


@pytest.mark.parametrize("scenario_id", ["june_1957", "october_1964"])
@pytest.mark.parametrize("height", range(8, 41, 2))
def test_a_pause_never_splits_a_target_or_strands_the_goal_heading(
    scenario_id: str, height: int
) -> None:
    """The opening's goal: the heading stays with the goal, and each target is read whole."""
    scenario = catalog.open_scenario(scenario_id).scenario
    for side in scenario.sides:
        game = Game(scenario, [side], seed=1)
        game.start()
        status = game.status()

        def opening(r: Renderer, side: str = side, status: ev.Status = status) -> None:
            r.title_screen()
            r.playing_as(side)
            r.goal(side, status)

        pages = _pages(height, opening, scenario)
        goal = " ".join(scenario.sides[side].goal.split()[:3])
        assert next(p for p in pages if "Your goal" in p).count(goal) == 1
        for target in status.targets:
            if target.side == side:
                label = " ".join(clean(target.label).split())
                assert sum(label in page for page in pages) == 1, (height, label)


@pytest.mark.parametrize("height", range(14, 41, 3))
@pytest.mark.parametrize("before", [0, 5, 11, 17])
def test_a_vote_keeps_its_heading_motion_and_first_voter_and_no_voter_is_split(
    height: int, before: int
) -> None:
    """A pause before a vote's heading or between two voters; never between the heading,
    the motion and the first voter, inside a voter, or between the last voter and the result."""
    scenario = catalog.open_scenario("june_1957").scenario
    for vote in votes_of("june_1957"):

        def drawn(r: Renderer, vote: ev.VoteHeld = vote) -> None:
            for n in range(before):
                r.out(f"line {n}")
            r.on_vote(vote)

        pages = _pages(height, drawn, scenario)
        heading = f"Vote: {vote.title}"
        start = next(n for n, page in enumerate(pages) if heading in page)
        rows = render.vote_rows(vote)
        assert "Motion:" in pages[start] and rows[0].who in pages[start], (height, before)
        assert rows[-1].who in next(p for p in pages if "Result:" in p)
        for page in pages[start + 1 :]:
            starts = [row.who for row in rows] + ["- " + row.who for row in rows]
            assert any(page.startswith(s) for s in starts), (height, before, page[:80])


def test_a_unit_taller_than_the_screen_still_pauses_inside_it() -> None:
    out = io.StringIO()
    paging = pager.Pager(out, lambda: "\r", lambda: (80, 10))
    with paging.together():
        paging.write("".join(f"line {n}\n" for n in range(30)))
    assert out.getvalue().count(pager.MORE) == 3
