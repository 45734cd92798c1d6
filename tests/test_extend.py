"""Scenarios that extend another: change only what differs, and point at the right file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import DOCS, check_jsonschema, docs_example
from conftest import run_cli as run
from presidium.compiler import compile_file

CHILD = """\
format: 1
extends: door.yaml
id: door_what_if
title: "What if the majority gave way at once?"
summary: "A counterfactual on the door scenario."
phases:
  the_door:
    text: "The members are at the door, and the majority has already lost its nerve."
    counterfactual: true
    choices:
      - id: refuse
        label: "Refuse, but only for an hour"
        effects: ["members_at_door += 5"]
        next: the_appeal
      - id: open_the_doors
        label: "Open the doors"
        effects: ["members_at_door += 40"]
        next: the_appeal
remove:
  choices: [the_door.fob_them_off]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "door.yaml").write_text(docs_example())
    (tmp_path / "what_if.yaml").write_text(CHILD)
    return tmp_path


def test_an_extension_changes_only_what_differs(folder: Path) -> None:
    result = compile_file(folder / "what_if.yaml")
    scenario = result.scenario
    assert scenario is not None, [d.format() for d in result.diagnostics]
    assert scenario.id == "door_what_if" and scenario.title.startswith("What if")
    door = scenario.phases["the_door"]
    assert door.counterfactual and door.text[0].text.startswith("The members are at the door")
    assert [c.id for c in door.choices] == ["refuse", "open_the_doors"]
    assert door.choices[0].label == "Refuse, but only for an hour"
    assert door.history == "refuse" and door.by == "molotov"  # kept from the base
    assert set(scenario.phases) == {"the_door", "the_appeal", "the_count"}
    assert str(door.choices[1].span).startswith(str(folder / "what_if.yaml") + ":")
    assert str(scenario.phases["the_count"].span).startswith(
        str(folder / "door.yaml") + ":"
    )  # base entries keep their file


def test_validate_check_graph_and_play_work_on_the_extended_result(folder: Path) -> None:
    path = str(folder / "what_if.yaml")
    assert run(["validate", path])[0] == 0
    code, out, _ = run(["check", path])
    assert code == 1  # the base's expectation of a shut door no longer holds as molotov
    assert "expected ending 'door_stays_shut' to be reachable playing molotov" in out
    assert "door.yaml:" in out  # reported where the expectation was written: in the base
    assert run(["graph", path])[1].count("-->") == 6
    code, out, _ = run(["play", path, "--side", "molotov", "--autoplay", "history", "--seed", "1"])
    assert code == 0 and "Ending: plenum_called" in out


@pytest.mark.parametrize(
    ("edit", "line_text", "message"),
    [
        (
            (
                "        next: the_appeal\n      - id: open",
                "        next: the_apeal\n      - id: open",
            ),
            "the_apeal",
            "unknown phase or ending 'the_apeal' (did you mean 'the_appeal'?)",
        ),
        (
            ("[the_door.fob_them_off]", "[the_door.fob_them]"),
            "fob_them]",
            "the base has no choice 'the_door.fob_them' to remove",
        ),
        (
            ("remove:\n  choices:", "remove:\n  phases: [the_dor]\n  choices:"),
            "the_dor",
            "the base has no phase 'the_dor' to remove (did you mean 'the_door'?)",
        ),
        (
            ("remove:\n  choices:", "remove:\n  chapters: [x]\n  choices:"),
            "chapters",
            "cannot remove 'chapters'",
        ),
        (
            ("extends: door.yaml", "extends: nowhere.yaml"),
            "extends:",
            "'nowhere.yaml' is neither a bundled scenario nor a file next to this one",
        ),
    ],
)
def test_mistakes_are_reported_in_the_file_that_made_them(
    folder: Path, edit: tuple[str, str], line_text: str, message: str
) -> None:
    path = folder / "what_if.yaml"
    text = CHILD.replace(*edit)
    assert text != CHILD
    path.write_text(text)
    code, out, _ = run(["validate", str(path)])
    line = next(n for n, x in enumerate(text.splitlines(), 1) if line_text in x)
    assert code == 1
    assert any(x.startswith(f"{path}:{line}:") and message in x for x in out.splitlines()), out


def test_chains_of_extension(folder: Path) -> None:
    (folder / "third.yaml").write_text(
        "format: 1\nextends: what_if.yaml\nid: third\ntitle: A third take\n"
        "phases:\n  the_count:\n    title: The count, once more\n"
    )
    scenario = compile_file(folder / "third.yaml").scenario
    assert scenario is not None
    assert scenario.phases["the_count"].title == "The count, once more"
    assert [c.id for c in scenario.phases["the_door"].choices] == ["refuse", "open_the_doors"]


def test_a_circle_of_extensions_is_an_error(folder: Path) -> None:
    (folder / "a.yaml").write_text("format: 1\nextends: b.yaml\nid: a\n")
    (folder / "b.yaml").write_text("format: 1\nextends: a.yaml\nid: b\n")
    code, out, _ = run(["validate", str(folder / "a.yaml")])
    assert (
        code == 1 and "scenarios extend one another in a circle: a.yaml -> b.yaml -> a.yaml" in out
    )
    assert f"{folder / 'b.yaml'}:2:10: error:" in out


def test_a_broken_base_is_reported_in_the_base(folder: Path) -> None:
    (folder / "door.yaml").write_text(docs_example().replace("    by: molotov", "    by: nobody"))
    code, out, _ = run(["validate", str(folder / "what_if.yaml")])
    assert code == 1 and "door.yaml:" in out and "unknown side or actor 'nobody'" in out
    assert "    by: nobody" in out  # the base's own line is quoted


def test_extending_the_bundled_scenario(tmp_path: Path) -> None:
    path = tmp_path / "neutral.yaml"
    path.write_text(
        textwrap.dedent("""\
        format: 1
        extends: june_1957
        id: zhukov_neutral
        title: "What if Zhukov stayed neutral?"
        actors:
          zhukov:
            stance: aside
        """)
    )
    result = compile_file(path)
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    assert result.scenario.variables["zhukov.stance"].initial == "aside"
    assert len(result.scenario.phases) == 44
    out = run(["check", str(path)])[1]
    assert "played every path" in out


def test_remove_without_extends_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(docs_example() + "remove:\n  phases: [the_count]\n")
    code, out, _ = run(["validate", str(path)])
    assert (
        code == 1 and "'remove' is only understood in a scenario file that extends another" in out
    )


def test_extensions_pass_the_published_schema(folder: Path) -> None:
    result = check_jsonschema(folder / "what_if.yaml")
    assert result.returncode == 0, result.stdout
    (folder / "bad.yaml").write_text(
        CHILD.replace("remove:\n  choices:", "remove:\n  chapters: [x]\n  choices:")
    )
    assert check_jsonschema(folder / "bad.yaml").returncode == 1


@pytest.mark.parametrize("base", ["june_1957", "door.yaml"])
def test_new_extends_writes_a_starter_that_checks_clean(
    folder: Path, monkeypatch: pytest.MonkeyPatch, base: str
) -> None:
    monkeypatch.chdir(folder)
    code, out, _ = run(["new", "mine.yaml", "--extends", base])
    assert code == 0, out
    text = (folder / "mine.yaml").read_text()
    assert f"extends: {base}\n" in text and "id: mine\n" in text
    assert text.count("\n#") >= 15  # the examples are there to read
    assert run(["validate", "--strict", "mine.yaml"])[0] == 0
    code, out, _ = run(["check", "--strict", "mine.yaml"])
    assert code == 0, out


def test_new_extends_an_unknown_scenario_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(["new", str(tmp_path / "x.yaml"), "--extends", "june_1958"])
    assert code == 2 and "no scenario 'june_1958' (did you mean 'june_1957'?)" in err
    assert not (tmp_path / "x.yaml").exists()


def test_the_documented_extension_is_the_one_tested_here() -> None:
    import re

    text = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    block = re.search(r"## Extending a scenario.*?```yaml\n(.*?)```", text, re.DOTALL)
    assert block is not None
    strip = lambda s: [line.split("  #")[0].rstrip() for line in s.splitlines()]  # noqa: E731
    assert strip(block.group(1)) == strip(CHILD)


def test_an_ending_s_fates_are_merged_by_actor(folder: Path) -> None:
    (folder / "fates.yaml").write_text(
        CHILD
        + textwrap.dedent(
            """\
            endings:
              door_stays_shut:
                fates:
                  molotov: "Kept his seat, and the door."
            """
        )
    )
    result = compile_file(folder / "fates.yaml")
    scenario = result.scenario
    assert scenario is not None, [d.format() for d in result.diagnostics]
    fates = {f.actor: f.text for f in scenario.endings["door_stays_shut"].fates}
    assert fates["molotov"] == "Kept his seat, and the door."
    assert fates["khrushchev"] == "Removed by the Presidium."  # kept from the base


def test_a_bundled_counterfactual_changes_one_fate_and_keeps_the_rest() -> None:
    from conftest import ROOT

    scenario = compile_file(ROOT / "scenarios" / "bulganin_refuses.yaml").scenario
    assert scenario is not None
    fates = {f.actor: f.text for f in scenario.endings["khrushchev_removed"].fates}
    assert len(fates) == 7 and fates["bulganin"].startswith("Eased out of the premiership")
    assert (
        fates["molotov"]
        == "The senior figure of the new leadership, and its voice on foreign affairs."
    )
