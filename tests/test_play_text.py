"""What the terminal game says, in the order it happened: changes beside their causes, the
winner at the end, targets as lists, hanging indents, and the wording a new player trips on.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

import pytest

from conftest import closest_to_history, docs_example, run_cli
from presidium import catalog, debrief
from presidium import events as ev
from presidium.engine import Game, HistoryDice
from presidium.model import Scenario
from presidium.printable import mid_sentence
from presidium.ui.play import LineReader, PlayerQuit, PlayOptions, Screen, run_games
from presidium.ui.render import Renderer, make_console

SCENARIOS = ("june_1957", "october_1964")


def played(
    scenario: str | Scenario,
    side: str,
    seed: int,
    typed: str = "",
    autoplay: str | None = "random",
    plain: bool = True,
    width: int = 200,
) -> str:
    """A whole game as the screen shows it (plain text, wide enough that nothing wraps)."""
    out = io.StringIO()
    console = make_console(plain, width=width, file=out)
    if isinstance(scenario, str):
        opened = catalog.open_scenario(scenario)
    else:
        opened = catalog.Opened(scenario, scenario.id, "")
    screen = Screen(lambda s: Renderer(console, s, plain, None))
    reader = LineReader(io.StringIO(typed + "quit\n"), interactive=False)
    options = PlayOptions(side, seed, autoplay, dry_run=True)
    with pytest.raises(PlayerQuit) if autoplay is None else _nothing():
        run_games((opened, options, None), screen, reader, lambda _: None)  # type: ignore[arg-type,return-value]
    return out.getvalue()


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


# --------------------------------------------------------------------------- changes in order


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_change_is_followed_by_the_state_it_left(scenario: str) -> None:
    """The engine gives the state of play right after the changes a cause made, before the
    story goes on: a front end can say each change beside what made it."""
    opened = catalog.open_scenario(scenario).scenario
    for side in opened.sides:
        for seed in range(1, 6):
            game = Game(opened, [side], seed=seed)
            events = game.start()
            while not game.over:
                decision = game.pending
                assert decision is not None
                events += game.step(next(o for o in decision.options if o.available).id)
            for n, event in enumerate(events):
                if isinstance(event, ev.Changed):
                    after = next(e for e in events[n:] if not isinstance(e, ev.Changed))
                    assert isinstance(after, ev.Status), (side, seed, n, after)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_why_comes_right_after_the_choice_or_scene_that_moved_it(scenario: str) -> None:
    opened = catalog.open_scenario(scenario).scenario
    titles = {p.title for p in opened.phases.values()}
    checked = 0
    for side in opened.sides:
        for seed in range(1, 9):
            lines = played(scenario, side, seed).splitlines()
            last_choice, last_scene = "", ""
            for line in lines:
                bare = line.removeprefix("[Counterfactual] ")
                if bare in titles:
                    last_scene, last_choice = bare, ""
                elif " chose: " in line:
                    last_choice = line.split(" chose: ", 1)[1].removesuffix(" [counterfactual]")
                elif line.startswith("Why: ") and "took the decision back" not in line:
                    cause = re.search(r'"(.*?)"', line)
                    assert cause is not None, line
                    if ' chose "' in line:
                        assert cause.group(1) == last_choice, (side, seed, line)
                    else:
                        assert cause.group(1) == last_scene and not last_choice, (side, seed, line)
                    checked += 1
    assert checked


# --------------------------------------------------------------------------- wording


def test_why_reads_as_one_sentence_and_a_scene_is_its_own_reason() -> None:
    text = played("june_1957", "molotov", 11) + played(
        "june_1957", "khrushchev", 1, autoplay="history"
    )
    whys = [line for line in text.splitlines() if line.startswith("Why: ")]
    assert whys and not [line for line in whys if line.startswith("Why: The ")]
    assert any(line.startswith("Why: the majority (") for line in whys)
    scenes = [line for line in whys if line.startswith("Why: the scene ")]
    assert scenes and all(re.fullmatch(r'Why: the scene "[^"]+"\.', line) for line in scenes)


def test_a_side_named_the_something_reads_mid_sentence(june_1957: Scenario) -> None:
    name = june_1957.sides["molotov"].name
    assert name.startswith("The ")
    text = played("june_1957", "molotov", 1, autoplay="history")
    assert f"You are playing: the {name[4:]}." in text
    assert f"({name}" not in text  # never in brackets inside brackets
    assert ", decided by you: " in text
    other = played("june_1957", "khrushchev", 1, autoplay="history")
    assert f", decided by the {name[4:]}: " in " ".join(other.split())


# --------------------------------------------------------------------------- who won


def with_winners(scenario: Scenario, winners: dict[str, str | None]) -> Scenario:
    """The scenario with these endings' winners (the rest: nobody's victory)."""
    endings = {
        id: dataclasses.replace(ending, winner=winners.get(id))
        for id, ending in scenario.endings.items()
    }
    return dataclasses.replace(scenario, endings=endings)


def history_ending(scenario: Scenario, side: str) -> str:
    ending = closest_to_history(scenario, side).ending
    assert ending is not None
    return ending


def test_the_end_says_whose_victory_it_is(june_1957: Scenario) -> None:
    reached = history_ending(june_1957, "khrushchev")
    won = with_winners(june_1957, {reached: "khrushchev"})
    text = played(won, "khrushchev", 1, autoplay="history")
    ending = text.index("Ending: " + reached)
    assert "A victory for your side." in text[:ending]
    assert "Your targets as the game ended:" in text[:ending]
    lost = played(won, "molotov", 1, autoplay="history")
    if history_ending(won, "molotov") == reached:
        assert "A defeat: this ending is a victory for Khrushchev's side." in lost
    other = next(id for id in june_1957.endings if id != reached)
    nobody = with_winners(june_1957, {other: "molotov"})
    assert "Nobody's victory." in played(nobody, "khrushchev", 1, autoplay="history")


def test_the_end_says_when_the_player_gave_up(june_1957: Scenario, tmp_path: Path) -> None:
    """Targets met and a defeat read as a contradiction unless the end says the player
    conceded, and by which choice; the handout says it too."""
    handout = tmp_path / "d.md"
    args = ["play", "--side", "khrushchev", "--autoplay", "random", "--seed", "4", "--plain"]
    code, out, _ = run_cli([*args, "--debrief", str(handout)])
    said = 'A defeat: you gave up ("Take the Ministry of Agriculture after all")'
    assert code == 0 and "You chose: Take the Ministry of Agriculture after all" in out
    assert said in " ".join(out.split()) and said in " ".join(handout.read_text().split())
    assert "you gave up" not in played(june_1957, "khrushchev", 1, autoplay="history")


def test_a_scenario_without_winners_says_nothing_about_winning(june_1957: Scenario) -> None:
    bare = with_winners(june_1957, {})
    text = played(bare, "khrushchev", 1, autoplay="history")
    assert "A victory for" not in text and "Nobody's victory" not in text
    assert "A defeat:" not in text


def test_the_debrief_and_json_say_whose_victory_it_is(june_1957: Scenario) -> None:
    reached = history_ending(june_1957, "khrushchev")
    won = with_winners(june_1957, {reached: "molotov"})
    game = Game(won, ["khrushchev"], dice=HistoryDice())
    events = game.start()
    while not game.over:
        assert game.pending is not None and game.phase is not None
        ids = [o.id for o in game.pending.options if o.available]
        events += game.step(game.phase.history if game.phase.history in ids else ids[0])  # type: ignore[arg-type]
    (ended,) = [e for e in events if isinstance(e, ev.GameEnded)]
    assert json.loads(json.dumps(ended.to_dict()))["winner"] == "molotov"
    report = debrief.build(won, game, "khrushchev")
    said = "A defeat: this ending is a victory for the majority (Molotov, Malenkov, Kaganovich)."
    assert said in debrief.markdown(report) and said in debrief.html(report)
    assert "Your targets as the game ended:" in debrief.markdown(report)
    bare = with_winners(june_1957, {})
    plain = Game(bare, ["khrushchev"], seed=1)
    assert "winner" not in json.dumps([e.to_dict() for e in plain.start()])


# --------------------------------------------------------------------------- targets as lists


@pytest.mark.parametrize("plain", [True, False])
def test_targets_are_a_list_one_line_each(june_1957: Scenario, plain: bool) -> None:
    text = played("june_1957", "khrushchev", 1, typed="status\n", autoplay=None, plain=plain)
    labels = [t.label for t in june_1957.sides["khrushchev"].targets]
    assert labels
    lines = text.splitlines()
    for label in labels:  # at the start, and in 'status': a line of its own, with its mark
        own = [line for line in lines if label in line]
        assert len(own) >= 2, label
        assert all(re.search(r"\bmet\b", line) for line in own), own
        assert all(line.count(" met") + line.count("met ") <= 2 for line in own), own


# --------------------------------------------------------------------------- hanging indents


def test_plain_choices_and_votes_wrap_under_their_first_word() -> None:
    text = played("june_1957", "khrushchev", 1, typed="1\n", autoplay=None, width=60)
    lines = text.splitlines()
    choices = [n for n, line in enumerate(lines) if re.match(r"[1-9]\. ", line)]
    after = [
        lines[n + 1] for n in choices if lines[n + 1] and not re.match(r"[1-9]\. ", lines[n + 1])
    ]
    after = [line for line in after if not line.startswith(("> ", "You chose"))]
    assert after and all(line.startswith("   ") and line[3] != " " for line in after), after
    voters = [n for n, line in enumerate(lines) if line.startswith("- ")]
    wrapped = [lines[n + 1] for n in voters if lines[n + 1] and lines[n + 1][0] not in "-R"]
    assert wrapped and all(line.startswith("  ") and line[2] != " " for line in wrapped)


# --------------------------------------------------------------------------- endings


def test_endings_fit_80_columns_and_say_which_side_reached_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "80")
    door = tmp_path / "a long folder name for the door scenario" / "door.yaml"
    door.parent.mkdir()
    door.write_text(docs_example(), encoding="utf-8")
    for _ in range(2):
        code, _, err = run_cli(["play", str(door), "--side", "khrushchev", "--seed", "1"], "1\n")
        assert code == 0, err
    code, out, err = run_cli(["endings", str(door)])
    assert code == 0, err
    assert all(len(line) <= 80 for line in out.splitlines() if " " in line.strip()), out
    words = " ".join(out.split())
    assert "reached twice, as Khrushchev's side" in words
    assert "[x] The plenum is called (the historical ending)" in words
    assert f"The record is kept in {tmp_path / 'endings.json'}." in words  # a path is never cut
    wrapped = [line for line in out.splitlines() if line.startswith("      ")]
    assert wrapped  # a long line of the list goes on under its text


def test_a_record_without_sides_still_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path))
    door = tmp_path / "door.yaml"
    door.write_text(docs_example(), encoding="utf-8")
    record_file = tmp_path / "endings.json"
    play = ["play", str(door), "--side", "khrushchev", "--seed", "1"]
    assert run_cli(play, "1\n")[0] == 0
    old = json.loads(record_file.read_text(encoding="utf-8"))
    del old["sides"]  # as a record written before sides were kept
    record_file.write_text(json.dumps(old), encoding="utf-8")
    assert run_cli(play, "1\n")[0] == 0
    record = json.loads(record_file.read_text(encoding="utf-8"))
    assert list(record["reached"]["sverdlov_door"].values()) == [2]
    assert list(record["sides"]["sverdlov_door"].values()) == [{"khrushchev": 1}]
    code, out, err = run_cli(["endings", str(door)])
    assert code == 0, err
    assert "reached twice: once as Khrushchev's side" in " ".join(out.split())


# --------------------------------------------------------------------------- check's legend


def test_the_best_play_table_says_what_its_columns_mean(tmp_path: Path) -> None:
    door = tmp_path / "door.yaml"
    door.write_text(docs_example(), encoding="utf-8")
    code, out, err = run_cli(["check", str(door)])
    assert code == 0, err
    lines = out.splitlines()
    (legend,) = [n for n, line in enumerate(lines) if line.strip().startswith("best:")]
    assert "random:" in lines[legend] and "strategy" in lines[legend]
    assert len(lines[legend]) <= 80
    tables = [n for n, line in enumerate(lines) if line.strip().startswith("odds playing")]
    assert tables and legend > max(tables)  # once, under the last table
    assert lines[legend + 1].strip().startswith("coverage:")


# --------------------------------------------------------------------------- who, and help


def test_who_says_a_leader_leads_his_side_and_finds_a_name_by_its_start() -> None:
    text = played(
        "june_1957", "khrushchev", 1, typed="who all\nwho brez\nwho zhukv\nhelp\n", autoplay=None
    )
    shown = text[text.index("> who all") :]
    scenario = catalog.open_scenario("june_1957").scenario
    for side in scenario.sides.values():
        leader = scenario.actors[side.leader].name
        (line,) = [x for x in shown.splitlines() if x.startswith(leader) and "Leads: " in x]
        assert line.endswith(f"Leads: {mid_sentence(side.name)}."), line
    assert "Now: With Khrushchev." not in [
        x.split(". ", 1)[-1] for x in shown.splitlines() if x.startswith("Nikita Khrushchev")
    ]
    brez = shown[shown.index("> who brez") : shown.index("> who zhukv")]
    assert "Leonid Brezhnev" in brez and "Nobody" not in brez
    assert "(did you mean 'zhukov'?)" in shown[shown.index("> who zhukv") :]
    assert "status: the state of play and your targets" in shown


def test_who_says_an_office_once_when_the_sourced_line_starts_with_it(
    june_1957: Scenario,
) -> None:
    text = played("june_1957", "khrushchev", 1, typed="who all\n", autoplay=None)
    lines = text[text.index("> who all") :].splitlines()
    for actor in june_1957.actors.values():
        if actor.about is None or not actor.office:
            continue
        said = [n for n, line in enumerate(lines) if line.startswith(actor.name + ",")]
        for n in said:  # the office line, then the sourced line: never the same words twice
            head = lines[n].split(", ", 1)[1].split()[:5]
            assert lines[n + 1].split()[:5] != head, (lines[n], lines[n + 1])


# --------------------------------------------------------------------------- the panel's labels


def test_at_80_columns_no_label_of_the_panel_wraps(june_1957: Scenario) -> None:
    text = played(
        "june_1957", "khrushchev", 1, typed="status\n", autoplay=None, plain=False, width=80
    )
    panel = text[text.rindex("State of play") :]
    for item in june_1957.status:
        assert any(line.strip().startswith(item.label) for line in panel.splitlines()), item.label
    assert all(len(line.rstrip()) <= 80 for line in text.splitlines())


# --------------------------------------------------------------------------- a value at its bound

LEANING = "Central Committee leaning to Khrushchev (%)"


def test_a_choice_pushing_a_value_past_its_bound_says_it_is_already_there(
    june_1957: Scenario,
) -> None:
    """The leaning is at its maximum of 80 and the choice adds 20: the engine says so (an
    ``AtLimit``, in JSON too) and the screen gives one line with why, not silence."""
    out = io.StringIO()
    renderer = Renderer(make_console(True, width=200, file=out), june_1957, True, "khrushchev")
    game = Game(june_1957, ["khrushchev"], seed=1)
    renderer.events(game.start())
    game.values["cc_lean"] = june_1957.variables["cc_lean"].type.maximum
    renderer.on_status(game.status())  # the screen has shown it at 80
    events = game.step("only_the_central_committee")
    held = [e for e in events if isinstance(e, ev.AtLimit)]
    assert (held[0].variable, held[0].old, held[0].new, held[0].limit, held[0].seat) == (
        "cc_lean",
        "80",
        "80",
        "highest",
        "khrushchev",
    )
    assert held[0].to_dict()["type"] == "at_limit"
    assert not any(type(e) is ev.Changed and e.variable == "cc_lean" for e in events)
    renderer.events(events)
    text = out.getvalue()
    said = text[text.index("You chose: Refuse") :]
    assert f"{LEANING}: already at its highest, 80\n" in said
    assert f"Changed: {LEANING}" not in said
    why = said[said.index("already at its highest") :].splitlines()[1]
    assert why.startswith('Why: you chose "Refuse: only the Central Committee') and "+0" not in why


def test_a_value_pushed_below_its_lowest_says_so(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], seed=1)
    game.start()
    game.values["cc_lean"] = june_1957.variables["cc_lean"].type.minimum
    from presidium.engine import Why

    effect = next(
        e
        for phase in june_1957.phases.values()
        for choice in phase.choices
        if choice.outcome is not None
        for e in choice.outcome.effects
        if e.target == "cc_lean"
    )
    out: list[ev.Event] = []
    lowered = dataclasses.replace(effect, op="-=")
    game._apply([lowered], out, "", Why("scene", "A test"))
    assert [(e.limit, e.new) for e in out if isinstance(e, ev.AtLimit)] == [
        ("lowest", str(june_1957.variables["cc_lean"].type.minimum))
    ]


# --------------------------------------------------------------------------- citations, not ids


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_player_reads_citations_never_source_ids(scenario: str) -> None:
    """The end screen (fates, the history notes, the sources cited) and `who` cite a source as
    the bibliography does; ids are for authors."""
    opened = catalog.open_scenario(scenario).scenario
    side = next(iter(opened.sides))
    text = played(scenario, side, 1, autoplay="history")
    text += played(scenario, side, 1, typed="who all\nnotes\n", autoplay=None)
    ids = [s for s in opened.sources if "_" in s]
    assert ids
    shown = [s for s in ids if s in text]
    assert shown == []
    assert "[Sources: " in text
    cited = {opened.sources[s].cite for s in opened.sources}
    assert any(cite in text for cite in cited)


# --------------------------------------------------------------------------- the panel's values


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("width", [60, 80, 100])
def test_no_phrase_of_the_panel_is_broken_across_lines(scenario: str, width: int) -> None:
    """Each label, and each phrase of each value ("With the majority 7", "February 1956 to
    early June 1957"), is whole on one line of the start's panel and of `status`."""
    opened = catalog.open_scenario(scenario).scenario
    for side in opened.sides:
        out = io.StringIO()
        renderer = Renderer(make_console(False, width=width, file=out), opened, False, side)
        game = Game(opened, [side], seed=1)
        start = game.start()
        renderer.events(start)
        status = game.status()
        renderer.on_status(status, always=True)
        lines = out.getvalue().splitlines()
        assert all(len(line) <= width for line in lines)
        date = next(e for e in start if isinstance(e, ev.Status))
        wanted = [line.label for line in status.lines]
        wanted += [p for line in status.lines for p in line.value.split(", ")]
        wanted.append(debrief.format_date(date.date, date.date_label))
        for phrase in wanted:
            assert any(phrase in line for line in lines), (width, phrase)


# --------------------------------------------------------------------------- choices kept in view


@pytest.mark.parametrize("command", ["status", "notes", "who", "help", "history", "who zhukov"])
def test_after_a_command_the_question_and_its_choices_are_shown_again(
    june_1957: Scenario, command: str
) -> None:
    """Only the question and its numbered choices, not the scene: `look` is for that."""
    game = Game(june_1957, ["khrushchev"], seed=3)
    scene = [e for e in game.start() if isinstance(e, ev.PhaseStarted)][-1]
    decision = game.pending
    assert decision is not None
    text = played("june_1957", "khrushchev", 3, typed=f"{command}\n", autoplay=None)
    after = text[text.index(f"> {command}\n") : text.index("> quit")]
    lines = after.rstrip("\n").splitlines()
    count = len(decision.options)
    assert lines[-count - 1] == decision.prompt
    for line, option in zip(lines[-count:], decision.options, strict=True):
        assert line.startswith(f"{option.number}. {option.label}"), line
    assert scene.text.split("\n")[0][:60] not in after
    looked = played("june_1957", "khrushchev", 3, typed="look\n", autoplay=None)
    assert scene.text.split("\n")[0][:60] in looked[looked.index("> look\n") :]


# --------------------------------------------------------------------------- a choice, echoed


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("side_index", [0, 1])
def test_the_echo_of_a_choice_tags_it_as_the_option_list_did(
    scenario: str, side_index: int
) -> None:
    """Whatever the list of choices marked [counterfactual] is marked so in "You chose:",
    and nothing else is (in a scene with a historical choice and in one without)."""
    opened = catalog.open_scenario(scenario)
    side = list(opened.scenario.sides)[side_index]
    tagged = {False: 0, True: 0}
    for seed in range(1, 21):
        out = io.StringIO()
        renderer = Renderer(make_console(True, width=400, file=out), opened.scenario, True, side)
        game = Game(opened.scenario, [side], seed=seed)
        events = list(game.start())
        while game.pending is not None:
            decision = game.pending
            renderer.events(events)
            listed = {o.id: o.counterfactual for o in decision.options}
            pick = [o for o in decision.options if o.available][seed % 2 - 1]
            out.seek(0)
            out.truncate()
            events = list(game.step(pick.id))
            echo = next(e for e in events if isinstance(e, ev.ChoiceMade))
            renderer.event(echo)
            line = out.getvalue().strip()
            assert line.endswith("[counterfactual]") == listed[pick.id], line
            tagged[listed[pick.id]] += 1
    assert tagged[True] and tagged[False]
