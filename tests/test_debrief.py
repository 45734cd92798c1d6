"""The debrief as a handout: Markdown and HTML, with the same content as the terminal's."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from conftest import docs_example
from conftest import run_cli as run
from presidium import debrief
from presidium.engine import Game
from presidium.model import CONFIDENCE_MEANINGS, Scenario


def play_to(tmp_path: Path, target: str, *extra: str) -> tuple[int, str, Path]:
    path = tmp_path / target
    code, out, _ = run(
        [
            "play",
            "--side",
            "khrushchev",
            "--autoplay",
            "random",
            "--seed",
            "4",
            "--debrief",
            str(path),
            *extra,
        ]
    )
    return code, out, path


def test_markdown_handout(tmp_path: Path) -> None:
    code, out, path = play_to(tmp_path, "debrief.md")
    assert code == 0 and f"The debrief is in {path}." in " ".join(out.split())
    text = path.read_text()
    assert text.startswith("# Debrief: The Anti-Party Group: Moscow, June 1957\n")
    for section in (
        "## The ending: Comrade Minister of Agriculture",
        "## Your path beside history",
        "## What really happened: The Anti-Party Group",
        "## What really became of them",
        "## The history behind the scenes you played",
        "## Questions for discussion",
        "## Sources",
    ):
        assert section in text, section
    assert (
        "**diverged** (your decision); history: Refuse: only the Central Committee, which elected"
        in text
    )
    # The offer of a ministry is documented, though not the scene's single history choice
    # ('counterfactual: false'): taking it does not leave history.
    offer = next(line for line in text.splitlines() if "Put the offer plainly" in line)
    assert "as in history" in offer and "diverged" not in offer
    assert "*contested*: Where the sitting began is disputed" in text
    assert (
        "- **first_secretary_sources**: Istoriya Otechestva" in text
    )  # ids are not escaped; citations are


def test_the_votes_are_shown_voter_by_voter(tmp_path: Path) -> None:
    history = tmp_path / "h.md"
    run(
        [
            "play",
            "--side",
            "molotov",
            "--autoplay",
            "history",
            "--seed",
            "1",
            "--debrief",
            str(history),
        ]
    )
    text = history.read_text()
    assert "## The votes, voter by voter" in text
    assert "- **Vyacheslav Molotov** abstains: he still holds that the sittings were about" in text
    assert (
        "- **The other Central Committee members in the hall (the game's figure)**: 74 for, 0 against, 0 abstaining."
        in text
    )
    assert "Result: 85 for, 0 against, 1 abstaining; the motion passed." in text  # 74 + 11


class _Checker(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "br"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_handout_is_well_formed_and_escapes_scenario_text(tmp_path: Path) -> None:
    scenario = tmp_path / "door.yaml"
    scenario.write_text(
        docs_example().replace(
            '"Removed by the Presidium."', '"Removed. <script>alert(1)</script> & gone"'
        )
    )
    target = tmp_path / "out.html"
    code, _, _ = run(
        [
            "play",
            str(scenario),
            "--side",
            "khrushchev",
            "--autoplay",
            "random",
            "--seed",
            "3",
            "--debrief",
            str(target),
        ]
    )
    assert code == 0
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert "Your path beside history" in "".join(checker.text)


def test_json_mode_writes_the_debrief_too(tmp_path: Path) -> None:
    target = tmp_path / "d.md"
    code, _, _ = run(
        [
            "play",
            "--json",
            "--side",
            "molotov",
            "--autoplay",
            "history",
            "--seed",
            "2",
            "--debrief",
            str(target),
        ]
    )
    assert code == 0 and target.read_text().startswith("# Debrief:")


@pytest.mark.parametrize("name", ["debrief.pdf", "debrief"])
def test_an_unknown_handout_format_is_a_usage_error_before_play(tmp_path: Path, name: str) -> None:
    code, out, err = run(
        ["play", "--side", "molotov", "--autoplay", "history", "--debrief", str(tmp_path / name)]
    )
    assert code == 2 and "--debrief writes Markdown (.md) or HTML (.html)" in err and out == ""


def test_an_unwritable_handout_is_refused_before_the_game_starts(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    code, out, err = run(
        [
            "play",
            "--side",
            "molotov",
            "--autoplay",
            "history",
            "--debrief",
            str(tmp_path / "file" / "d.md"),
        ]
    )
    assert code == 2 and "--debrief cannot write" in err and "Traceback" not in err
    assert "Ending: " not in out  # refused before a single scene was played


def test_markdown_escapes_only_what_would_become_markup() -> None:
    from presidium.debrief import _md

    text = "Molotov (no. 4) - 1957. *bold* [x](y) <b> a|b"
    assert _md(text) == "Molotov (no. 4) - 1957. \\*bold\\* \\[x\\](y) \\<b\\> a\\|b"
    lines = "# not a heading\n2. not a list\n- not an item"
    assert _md(lines) == "\\# not a heading\n2\\. not a list\n\\- not an item"


class _Dice:
    """Dice that succeed or fail as told, by the name of the roll."""

    def __init__(self, fail: set[str]) -> None:
        self.fail = fail

    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        return what not in self.fail and percent > 0, 1


def test_the_debrief_says_why_each_step_left_history(june_1957: Scenario) -> None:
    # As the majority: Bulganin removes Serov, so Khrushchev's seat (the script) cannot make
    # history's phone call; then the player courts Zhukov instead of sitting on.
    dice = _Dice({"script:ambush:take_the_ministry", "majority_night:court_the_marshal"})
    game = Game(june_1957, ["molotov"], dice=dice)
    game.start()
    game.step("move_against_serov")
    game.step("bulganin_in_the_chair")
    game.step("shout_down_the_defenders")
    game.step("court_the_marshal")
    steps = {s.scene: s for s in debrief.build_steps(june_1957, game)}
    assert steps["Counting to seven"].why == "your decision"
    assert steps["A phone call to the marshal"].why == (
        "history's choice was closed: Serov has been removed from the KGB; "
        "there is nobody the marshal trusts to make that call."
    )
    assert steps["The ambush"].as_in_history  # the script kept to history there
    assert steps["18 June, night: the majority's first move"].why == "your decision"


def test_a_failed_roll_on_history_s_own_choice_is_a_divergence(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], dice=_Dice({"first_evening:serov_makes_the_call"}))
    game.start()
    game.step("only_the_central_committee")
    game.step("mikoyan_insists")
    game.step("serov_makes_the_call")
    step = next(s for s in debrief.build_steps(june_1957, game) if s.scene.startswith("A phone"))
    assert step.as_in_history is False
    assert step.why == "the same choice as history, but the 85% chance failed"


@pytest.mark.parametrize("scenario_id", ["june_1957", "october_1964"])
def test_the_handouts_give_the_notes_of_every_scene_played_in_order(
    tmp_path: Path, scenario_id: str
) -> None:
    """Scenes where nobody decides have notes too, and these are often the contested ones."""
    from presidium import catalog

    scenario = catalog.load(scenario_id)
    side = next(iter(scenario.sides))
    game = Game(scenario, [side], seed=1)
    game.start()
    while not game.over:
        assert game.phase is not None and game.phase.history is not None
        game.step(game.phase.history)
    titles = [scenario.phases[p].title for p in game.scenes if scenario.phases[p].notes]
    report = debrief.build(scenario, game, side)
    assert [scene.scene for scene in report.notes] == titles
    assert any(not scenario.phases[p].choices for p in game.scenes if scenario.phases[p].notes)
    page, text = debrief.html(report), debrief.markdown(report)
    for scene in report.notes:
        for note in scene.notes:
            assert f"- *{note.confidence}*: {debrief._md(note.text)}" in text
    section = text[text.index("## The history behind the scenes you played") :]
    positions = [section.index(f"### {debrief._md(title)}\n") for title in titles]
    assert positions == sorted(positions)
    assert all(f"<h3>{title}</h3>".replace("'", "&#x27;") in page for title in titles)


def test_the_7_4_and_aircraft_caveats_reach_the_handout(tmp_path: Path) -> None:
    path = tmp_path / "d.md"
    args = ["play", "--side", "khrushchev", "--autoplay", "history", "--seed", "1"]
    assert run([*args, "--debrief", str(path)])[0] == 0
    text = path.read_text()
    assert "### Seven against four" in text and "*contested*: The '7-4 vote'" in text
    assert "### The arrival clock" in text


def test_the_handouts_say_what_the_source_grades_mean(tmp_path: Path) -> None:
    for name in ("d.md", "d.html"):
        _, _, path = play_to(tmp_path, name)
        words = " ".join(path.read_text().split())
        assert "(grade B)" in words
        assert "A primary or archival, B reputable secondary, C popular or weak." in words


def test_the_side_played_reads_well_whatever_its_name(tmp_path: Path) -> None:
    for name in ("d.md", "d.html"):
        path = tmp_path / name
        run(
            [
                "play",
                "--side",
                "molotov",
                "--autoplay",
                "history",
                "--seed",
                "1",
                "--debrief",
                str(path),
            ]
        )
        text = path.read_text()
        assert "Played as" not in text
        assert "Side played: The majority (Molotov, Malenkov, Kaganovich). Seed: 1." in text


def test_a_scripted_divergence_does_not_put_the_seat_s_name_mid_sentence(
    june_1957: Scenario,
) -> None:
    # The majority's attempt to turn the tables at the plenum backfires; Khrushchev's script
    # then demands a trial instead of history's removal.
    game = Game(june_1957, ["molotov"], dice=_Dice({"majority_defence:turn_the_tables"}))
    game.start()
    while not game.over:
        phase = game.phase
        assert phase is not None and phase.history is not None
        game.step("turn_the_tables" if phase.id == "majority_defence" else phase.history)
    steps = debrief.build_steps(june_1957, game)
    step = next(s for s in steps if s.scene == "Khrushchev's speech")
    assert step.who == "Khrushchev's side" and step.as_in_history is False
    assert step.why == "the scenario's script chose otherwise"


def test_every_debrief_says_what_the_confidence_labels_mean(tmp_path: Path) -> None:
    """The terminal shows the labels as the handouts do, so it explains them as they do."""
    shown = {}
    for name in ("d.md", "d.html"):
        _, out, path = play_to(tmp_path, name, "--plain")
        shown["terminal"] = " ".join(out[out.index("\nDebrief\n") :].split())
        shown[name] = " ".join(path.read_text().replace("*", "").split())
    for where, text in shown.items():
        for label, meaning in CONFIDENCE_MEANINGS.items():
            assert f"{label} ({meaning})" in text, (where, label)
