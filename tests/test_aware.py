"""A player who knows what is going on: the goal's targets, why a number moved, and who is who.

Side ``targets``, actor ``about`` lines and the scenario ``glossary`` in the format; the
``Status`` event's targets and the ``Changed`` event in the engine; the goal at the start, the
panel that shows only what changed, and the ``who`` command in the terminal game.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from conftest import compile_yaml, errors, mutate, run_cli
from presidium import catalog
from presidium import events as ev
from presidium.commands import command, help_lines
from presidium.engine import Game
from presidium.model import Scenario
from presidium.ui.play import LineReader, PlayerQuit, PlayOptions, Screen, run_games
from presidium.ui.render import Renderer, make_console

SIDE = """    goal: "Get the Central Committee into the room."
"""
TARGETS = """    goal: "Get the Central Committee into the room."
    targets:
      - label: "At least 80 members at the door"
        when: "members_at_door >= 80"
"""
MALENKOV = """    office: Deputy Chairman of the Council of Ministers
    rank: full
    stance: majority
"""


def with_about(about: str) -> str:
    return mutate(MALENKOV, MALENKOV + about)


def warnings(text: str) -> list[str]:
    _, found = compile_yaml(text)
    return [f"{d.span.line}:{d.span.col}: {d.message}" for d in found if d.severity == "warning"]


# --------------------------------------------------------------------------- the format


def test_a_side_states_its_targets_as_conditions() -> None:
    scenario, found = compile_yaml(mutate(SIDE, TARGETS))
    assert scenario is not None, [d.format() for d in found]
    (target,) = scenario.sides["khrushchev"].targets
    assert target.label == "At least 80 members at the door"
    assert target.when.evaluate({"members_at_door": 80}) is True
    assert target.when.evaluate({"members_at_door": 79}) is False


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (
            '"members_at_dor >= 80"',
            "unknown variable 'members_at_dor' (did you mean 'members_at_door'?)",
        ),
        ('"members_at_door + 80"', "a condition"),
    ],
)
def test_a_target_with_a_bad_condition_is_placed(when: str, expected: str) -> None:
    text = mutate(SIDE, TARGETS.replace('"members_at_door >= 80"', when))
    found = errors(text)
    line = text.splitlines().index(f"        when: {when}") + 1
    assert len(found) == 1 and found[0].startswith(f"{line}:"), found
    assert expected in found[0]


def test_a_target_needs_a_label_and_a_condition() -> None:
    found = errors(
        mutate(
            SIDE,
            TARGETS.replace(
                '      - label: "At least 80 members at the door"\n        when', "      - when"
            ),
        )
    )
    assert any("a target needs 'label'" in f for f in found), found


def test_an_actor_about_line_is_sourced() -> None:
    scenario, found = compile_yaml(
        with_about('    about: {text: "Premier in 1953.", sources: [medvedev]}\n')
    )
    assert scenario is not None, [d.format() for d in found]
    about = scenario.actors["malenkov"].about
    assert about is not None and about.text == "Premier in 1953." and about.sources == ("medvedev",)


@pytest.mark.parametrize(
    ("about", "expected"),
    [
        (
            '{text: "Premier.", sources: [medvedv]}',
            "unknown source 'medvedv' (did you mean 'medvedev'?)",
        ),
        ('{text: "Premier."}', "needs at least one source, or 'counterfactual: true'"),
        ('{text: "Premier.", sources: []}', "needs at least one source"),
        ('{txt: "Premier.", sources: [medvedev]}', "unknown key 'txt'"),
        ("[Premier]", "must be a mapping"),
    ],
)
def test_a_bad_about_line_is_an_error_at_its_place(about: str, expected: str) -> None:
    text = with_about(f"    about: {about}\n")
    found = errors(text)
    line = text.splitlines().index(f"    about: {about}") + 1
    assert len(found) == 1 and found[0].startswith(f"{line}:"), found
    assert expected in found[0]


def test_an_invented_about_line_says_so_and_an_unsourced_one_is_warned() -> None:
    invented = with_about('    about: {text: "A man of the future.", counterfactual: true}\n')
    assert errors(invented) == [] and warnings(invented) == []
    plain = with_about('    about: "Premier in 1953."\n')
    assert errors(plain) == []
    (warning,) = warnings(plain)
    assert "has no sources" in warning and "counterfactual: true" in warning


GLOSSARY = """
glossary:
  Presidium: {text: "The party's top committee.", sources: [medvedev]}
  plenum: "A full meeting of the Central Committee."
"""


def test_a_glossary_explains_terms_with_or_without_sources() -> None:
    scenario, found = compile_yaml(mutate("\nvariables:", GLOSSARY + "\nvariables:"))
    assert scenario is not None, [d.format() for d in found]
    assert list(scenario.glossary) == ["Presidium", "plenum"]
    assert scenario.glossary["Presidium"].sources == ("medvedev",)
    assert scenario.glossary["plenum"].sources == ()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ('  Plenum: "Again."', "the same as 'plenum' but for case and spaces"),
        ('  KGB: {text: "Secret police.", sources: [nobody]}', "unknown source 'nobody'"),
        ('  KGB: ""', "needs its meaning in words"),
        ("  KGB: [secret, police]", "must be a mapping"),
    ],
)
def test_a_bad_glossary_entry_is_an_error_at_its_place(entry: str, expected: str) -> None:
    text = mutate("\nvariables:", GLOSSARY + entry + "\n\nvariables:")
    found = errors(text)
    line = text.splitlines().index(entry) + 1
    assert len(found) == 1 and found[0].startswith(f"{line}:"), found
    assert expected in found[0]


def test_an_extension_merges_the_glossary_by_term_and_replaces_targets_and_about(
    tmp_path: object,
) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "base.yaml").write_text(mutate("\nvariables:", GLOSSARY + "\nvariables:"))
    (folder / "child.yaml").write_text(
        """format: 1
id: child
extends: base.yaml
glossary:
  KGB: "The secret police."
sides:
  molotov:
    targets:
      - {label: "Fewer than 50 at the door", when: "members_at_door < 50"}
actors:
  malenkov:
    about: {text: "Premier in 1953.", sources: [medvedev]}
remove:
  glossary: [plenum]
"""
    )
    from presidium.files import compile_file

    result = compile_file(folder / "child.yaml")
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    scenario = result.scenario
    assert list(scenario.glossary) == ["Presidium", "KGB"]
    assert [t.label for t in scenario.sides["molotov"].targets] == ["Fewer than 50 at the door"]
    assert scenario.actors["malenkov"].about is not None
    (folder / "bad.yaml").write_text(
        "format: 1\nid: bad\nextends: base.yaml\nremove:\n  glossary: [Plenum]\n"
    )
    bad = compile_file(folder / "bad.yaml")
    assert any(
        "the base has no glossary term 'Plenum' to remove (did you mean 'plenum'?)" in d.message
        for d in bad.diagnostics
    ), [d.format() for d in bad.diagnostics]


# --------------------------------------------------------------------------- the engine


FORCE = "Force a plenum: at least 60 Central Committee members in Moscow"


def met_by_start(game: Game) -> dict[str, bool]:
    return {t.label.split(" with the")[0]: t.met for t in game.status().targets}


def test_status_carries_the_played_sides_targets(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], seed=1)
    assert met_by_start(game)[FORCE] is False
    assert {t.side for t in game.status().targets} == {"khrushchev"}
    game.values["cc_in_moscow"] = 60
    assert met_by_start(game)[FORCE]


def test_a_class_game_has_no_targets_and_no_changed_events(june_1957: Scenario) -> None:
    from presidium.seating import Seating

    game = Game(june_1957, seating=Seating("roles", 2, ("khrushchev", "molotov")), seed=1)
    events = game.start()
    assert not any(isinstance(e, ev.Changed) for e in events)
    assert all(e.targets == () for e in events if isinstance(e, ev.Status))


def changes_of(events: list[ev.Event]) -> list[ev.Changed]:
    return [e for e in events if isinstance(e, ev.Changed)]


def test_a_moved_value_says_which_choice_chance_or_scene_moved_it(june_1957: Scenario) -> None:
    game = Game(june_1957, ["khrushchev"], seed=1)
    game.start()
    refused = changes_of(game.step("only_the_central_committee"))
    first = refused[0]
    assert (first.variable, first.old, first.new, first.kind, first.seat) == (
        "cc_lean",
        "40",
        "60",
        "choice",
        "khrushchev",
    )
    assert refused[0].cause.startswith("Refuse: only the Central Committee")
    assert refused[0].label == "Central Committee leaning to Khrushchev (%)"
    assert {c.seat for c in refused[1:]} <= {"molotov"}  # the other side's answer, if any
    game.step("mikoyan_insists")
    rang = changes_of(game.step("serov_makes_the_call"))
    chance = [c for c in rang if c.kind == "chance"]
    assert {c.outcome for c in chance} == {"success"}
    assert {c.variable for c in chance} == {"cc_in_moscow", "zhukov.stance"}
    assert {(c.old, c.new) for c in chance if c.variable == "zhukov.stance"} == {
        ("Wavering", "With Khrushchev")
    }
    planned = changes_of(game.step("plan_with_the_loyal"))
    (scene,) = [c for c in planned if c.kind == "scene"]  # the arrival clock, on the way
    assert scene.cause == "The arrival clock" and scene.seat is None
    assert (scene.old, scene.new) == ("56", "76")


def test_an_actor_counted_in_a_line_of_alignments_is_watched(june_1957: Scenario) -> None:
    """Pervukhin's stance is not a line of its own: it moves the Presidium's count."""
    from presidium.engine import Why

    game = Game(june_1957, ["khrushchev"], seed=1)
    game.start()
    out: list[ev.Event] = []
    effect = june_1957.phases["presidium_gives_way"].effects[0]
    game.values["cc_in_moscow"] = 90
    game._apply([effect], out, "", Why("scene", "The Presidium gives way?"))
    (changed,) = changes_of(out)
    assert changed.variable == "pervukhin.stance"
    assert changed.label == "Presidium (11 voting members)"
    assert (changed.old, changed.new) == ("With the majority", "Wavering")


def test_json_play_gives_the_goal_and_every_change() -> None:
    code, out, _ = run_cli(
        ["play", "--json", "--side", "khrushchev", "--autoplay", "history", "--seed", "1"]
    )
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    goal = next(e for e in events if e["type"] == "goal")
    assert goal["side"] == "khrushchev" and goal["goal"].startswith("Survive.")
    assert any(t["label"].startswith(FORCE) and t["met"] is False for t in goal["targets"])
    changed = [e for e in events if e["type"] == "changed"]
    assert changed and all(set(e) >= {"variable", "label", "old", "new", "cause"} for e in changed)
    status = next(e for e in events if e["type"] == "status")
    assert {t["side"] for t in status["targets"]} == {"khrushchev"}


# --------------------------------------------------------------------------- the screen


def session(typed: str, plain: bool = True, width: int = 80, side: str = "khrushchev") -> str:
    out = io.StringIO()
    console = make_console(plain, width=width, file=out)
    opened = catalog.open_scenario("june_1957")
    screen = Screen(lambda scenario: Renderer(console, scenario, plain, None))
    reader = LineReader(io.StringIO(typed + "quit\n"), interactive=False)
    with pytest.raises(PlayerQuit):
        run_games((opened, PlayOptions(side, 1, None), None), screen, reader, lambda _: None)  # type: ignore[arg-type,return-value]
    return out.getvalue()


@pytest.mark.parametrize("plain", [True, False])
def test_the_goal_and_its_targets_come_before_the_first_scene(plain: bool) -> None:
    text = " ".join(session("", plain).split())
    goal = text.index("Survive. The Presidium has a majority")
    assert text.index("You are playing") < goal < text.index("Sixteen months of trouble")
    assert text.index(FORCE) < text.index("Sixteen months of trouble")


def test_later_panels_show_only_what_moved_and_why() -> None:
    text = session("1\n1\n1\n1\n")
    after = text[text.index("You chose: Refuse") :]
    assert "State of play:" not in after  # the whole panel only once, or on request
    assert "Changed: Date:" not in text  # each scene gives its own date
    assert (
        "Changed: Central Committee leaning to Khrushchev (%): 60 (was 40)\n"
        'Why: you chose "Refuse: only the Central Committee, which elected the First\n'
        'Secretary, can remove him" (+20).'
    ) in after
    assert 'Why: the scene "The arrival clock".' in after
    assert "Now met: " + FORCE in " ".join(after.split())


def test_status_shows_the_whole_panel_and_the_targets() -> None:
    text = session("1\nstatus\n")
    shown = text[text.rindex("> status") :]
    assert "State of play: Date: Tuesday 18 June 1957;" in shown
    assert "What you need:\n- " + FORCE[:40] in shown
    assert "members in Moscow: not met" in " ".join(shown.split())


def test_a_target_lost_is_said_in_one_line() -> None:
    text = session("", side="molotov")
    game_text = session("1\n" * 3, side="molotov")
    assert "No longer met:" not in text
    assert "No longer met: If it comes to a plenum: the Central Committee leaning under 50%" in (
        " ".join(game_text.split())
    )


# --------------------------------------------------------------------------- who is who


def test_who_is_a_command_help_lists() -> None:
    assert command("who") == "who"
    assert any(shown.startswith("who") for shown, _ in help_lines())


@pytest.mark.parametrize("plain", [True, False])
def test_who_fits_an_80_by_24_screen(plain: bool) -> None:
    text = session("who\n", plain)
    shown = text[text.index("> who") :].split("\n> quit")[0].splitlines()[1:]
    asked = max(n for n, line in enumerate(shown) if "What do you say?" in line)
    shown = shown[: asked - 1]  # the question and its choices follow, paged on their own
    assert len(shown) <= 23, "\n".join(shown)  # and the prompt makes 24
    assert max(len(line.rstrip()) for line in shown) <= 80
    block = " ".join(" ".join(shown).split())
    assert "With the majority: Nikolai Bulganin, Kliment Voroshilov" in block
    assert "Wavering: Marshal Georgy Zhukov" in block
    assert "Sovnarkhoz" in block and "who TERM" in block


def test_who_tells_where_they_stand_now() -> None:
    text = session("1\n1\n1\nwho\n")
    roster = " ".join(text[text.rindex("> who") :].split())
    assert "With Khrushchev: Marshal Georgy Zhukov" in roster


def test_who_name_gives_office_stance_and_the_sourced_line() -> None:
    text = session("who zhukov\nwho Georgy Zhukov\n")
    one = " ".join(text[text.index("> who zhukov") : text.index("> who Georgy")].split())
    assert "Marshal Georgy Zhukov, Minister of Defence. Now: Wavering." in one
    assert "the only marshal in the Presidium" in one
    assert "[Sources: E. Yu. Spitsyn, Khrushchevskaya slyakot'; R. G. Pikhoya]" in one
    assert text.count("Now: Wavering.") == 2


def test_who_term_explains_a_word_and_who_all_gives_everything() -> None:
    text = " ".join(session("who plenum\nwho candidate\nwho all\n").split())
    assert "Plenum: A full meeting of the Central Committee" in text
    assert "Candidate member: A junior member of the Presidium" in text
    everyone = text[text.index("> who all") :]
    assert everyone.count("[Sources:") >= 20 + 13


def test_who_unknown_is_a_clear_error_and_takes_no_decision() -> None:
    text = session("who stalin\nwho\n1\n")
    assert "Nobody in the cast and no term here is called 'stalin'." in text
    assert text.count("You chose:") == 1  # 'who' consumed no decision


# --------------------------------------------------------------------------- the content


@pytest.mark.parametrize("name", ["june_1957", "october_1964"])
def test_every_actor_has_a_sourced_line_and_the_glossary_the_terms(name: str) -> None:
    scenario = catalog.open_scenario(name).scenario
    for actor in scenario.actors.values():
        assert actor.about is not None and actor.about.sources, actor.id
        assert not actor.about.counterfactual
    terms = {t.casefold() for t in scenario.glossary}
    assert {"presidium", "candidate member", "secretariat", "central committee", "plenum"} <= terms
    assert {"kgb", "first secretary"} <= terms
    assert all(side.targets for side in scenario.sides.values())


def test_june_1957_glossary_has_the_sovnarkhoz(june_1957: Scenario) -> None:
    assert "sovnarkhoz" in {t.casefold() for t in june_1957.glossary}


def test_the_june_targets_mirror_the_conditions_that_decide(june_1957: Scenario) -> None:
    """The targets are the three conditions that decide the game, stated as the story tests
    them: Friday's door (presidium_gives_way), the six hands the Presidium needs without a
    plenum (removal_21_june), and the hall's leaning at the plenum (the cc_hall bloc). If a
    helper changes one of them, this fails until the targets say the new number."""
    gives_way = june_1957.phases["presidium_gives_way"].next[0].when
    assert gives_way is not None
    mine = [t.when.source for t in june_1957.sides["khrushchev"].targets]
    theirs = [t.when.source for t in june_1957.sides["molotov"].targets]
    # Once the plenum meets, Friday is decided: the first two targets stop moving (met for
    # Khrushchev, failed for the seven), so Saturday cannot report "no longer met".
    assert mine[0] == f"plenum_met or {gives_way.source}"
    assert theirs[0] == f"not plenum_met and not ({gives_way.source})"
    (hands,) = re.findall(r"votes_for >= (\d+)", june_1957.votes["removal_21_june"].passes.source)
    assert mine[1] == f"plenum_met or count('full', 'majority') <= {int(hands) - 1}"
    assert theirs[1] == f"not plenum_met and count('full', 'majority') >= {hands}"
    assert "plenum_met = true" in [e.source for e in june_1957.phases["plenum_opens"].effects]
    hall = next(b for b in june_1957.votes["plenum_29_june"].blocs if b.id == "cc_hall")
    (lean,) = set(re.findall(r"cc_lean >= \d+", hall.counts["for"].source))
    assert mine[2] == lean
    assert theirs[2] == "cc_lean < 50"  # below this the hall splits against the resolution


def test_the_october_targets_mirror_the_contested_plenum(october_1964: Scenario) -> None:
    """Against Khrushchev's will, the undecided members decide the plenum, and the odds that
    they turn against him grow with the members won over: even at 70 with Mikoyan and the army
    neutral (OCTOBER's design). The targets name that threshold, and the vote follows the hall."""
    game = Game(october_1964, ["khrushchev"], seed=1)
    from presidium.ballots import hold

    speech = october_1964.phases["plenum_speech"]  # the hall's odds, on Khrushchev's answer
    (odds,) = [e.value for e in speech.effects if e.target == "hall_odds"]
    for primed in (65, 70):
        values = dict(game.values, cc_primed=primed)
        odds_against = odds.evaluate(values)
        mine = {
            t.when.source: t.when.evaluate(values) for t in october_1964.sides["khrushchev"].targets
        }
        theirs = {
            t.when.source: t.when.evaluate(values) for t in october_1964.sides["brezhnev"].targets
        }
        assert mine["cc_primed < 70"] is (odds_against < 50)
        assert theirs["cc_primed >= 70"] is (odds_against >= 50)
    vote = october_1964.votes["plenum_contested"]
    for hall, passed in (("against_him", True), ("for_him", False)):
        for primed in (20, 50, 80):
            values = dict(game.values, cc_primed=primed, hall=hall)
            assert hold(october_1964, vote, values).full.passed is passed


def test_after_an_undo_the_changes_are_the_undos() -> None:
    text = session("1\n1\n3\n1\nundo\n")
    after = text[text.index("> undo") :]
    assert (
        "Changed: Central Committee members in Moscow: 56 (was 76)\n"
        "Why: you took the decision back (undo)."
    ) in after
    assert "No longer met: " + FORCE in " ".join(after.split())
    assert "arrival clock" not in after.split("Why:")[1]
