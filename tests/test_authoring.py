"""presidium graph, schema and new: structure, currency and clean starts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DOCS, SCENARIO_1957, check_jsonschema, docs_example
from conftest import run_cli as run
from presidium.compiler import load_scenario
from presidium.machine import transitions_of
from presidium.tools.graph import dot, edges, historical_path, mermaid
from presidium.tools.schema import build, render

# --------------------------------------------------------------------------- graph


def test_graph_nodes_are_phases_and_endings_and_edges_are_choices() -> None:
    scenario, _ = load_scenario(SCENARIO_1957)
    text = mermaid(scenario)
    nodes = re.findall(r"^    ([pe]_\w+)(?:\[|\(\[)", text, re.MULTILINE)
    assert sorted(nodes) == sorted(
        [f"p_{p}" for p in scenario.phases] + [f"e_{e}" for e in scenario.endings]
    )
    arrows = re.findall(r"^    p_(\w+) -->(?:\|.*?\|)? ([pe])_(\w+)$", text, re.MULTILINE)
    assert sorted((a, c) for a, _, c in arrows) == sorted(
        (src, dst) for _, src, dst, _ in transitions_of(scenario)
    )
    labels = {e.choice for e in edges(scenario) if e.choice}
    assert labels == {c.id for p in scenario.phases.values() for c in p.choices}


def test_graph_labels_use_titles_and_abbreviate_conditions() -> None:
    scenario, _ = load_scenario(SCENARIO_1957)
    text = mermaid(scenario)
    assert 'p_ambush["The ambush"]' in text
    assert 'e_anti_party_group(["END: The Anti-Party Group"]):::historical' in text
    assert "success 35%" in text and "[if zhukov.stance == 'aside']" in text
    assert "[if serov.stance != 'khrush…]" in text  # long conditions are abbreviated
    assert all(len(label) < 160 for label in re.findall(r'\|"(.*?)"\|', text))


def test_the_historical_path_is_highlighted() -> None:
    scenario, _ = load_scenario(SCENARIO_1957)
    path = historical_path(scenario)
    assert ("ambush", "only_the_central_committee", None, "ambush_reply") in path
    assert ("first_evening", "serov_makes_the_call", "success", "second_call") in path
    assert ("epilogue", None, None, "anti_party_group") in path
    styled = re.search(r"linkStyle ([\d,]+) stroke-width:4px", mermaid(scenario))
    assert styled is not None
    assert (
        len(styled.group(1).split(",")) == len(path) == sum(e.historical for e in edges(scenario))
    )


def test_mermaid_labels_escape_quotes_and_ids_avoid_keywords(tmp_path: Path) -> None:
    text = (
        docs_example()
        .replace('title: "The door"', 'title: "The \\"door\\" [end]"')
        .replace("the_count", "end")
    )
    path = tmp_path / "door.yaml"
    path.write_text(text)
    code, out, _ = run(["graph", str(path)])
    assert code == 0
    assert 'p_the_door["The #quot;door#quot; [end]"]' in out
    assert "p_end" in out and not re.search(r"\bend\b -->", out)


def test_dot_output_is_valid_graphviz(tmp_path: Path) -> None:
    scenario, _ = load_scenario(SCENARIO_1957)
    text = dot(scenario)
    assert text.count("->") == len(transitions_of(scenario))
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    run_ = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True, check=False)
    assert run_.returncode == 0, run_.stderr


def test_graph_writes_markdown_that_github_renders(tmp_path: Path) -> None:
    target = tmp_path / "story.md"
    assert run(["graph", str(SCENARIO_1957), "-o", str(target)])[0] == 0
    text = target.read_text()
    assert (
        text.startswith("# The Anti-Party Group")
        and "```mermaid\n%% " in text
        and text.endswith("```\n")
    )


def test_graph_of_a_broken_file_lists_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(docs_example().replace("    by: molotov", "    by: nobody"))
    code, out, _ = run(["graph", str(path)])
    assert code == 1 and "unknown side or actor 'nobody'" in out and "no graph was drawn" in out


# --------------------------------------------------------------------------- schema


def test_the_committed_schema_is_current() -> None:
    committed = (DOCS / "scenario.schema.json").read_text(encoding="utf-8")
    assert committed == render(), "regenerate it: presidium schema -o docs/scenario.schema.json"


def test_the_schema_uses_draft_07_keywords_only() -> None:
    allowed = {
        "$schema",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "definitions",
        "$ref",
        "items",
        "enum",
        "const",
        "pattern",
        "minLength",
        "minimum",
        "maximum",
        "anyOf",
        "allOf",
        "propertyNames",
        "if",
        "then",
        "else",
        "not",
    }
    found: set[str] = set()

    def walk(node: object, in_properties: bool = False) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if not in_properties:
                    found.add(key)
                walk(value, key in ("properties", "definitions"))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    schema = build()
    walk(schema)
    assert found <= allowed, found - allowed
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_the_schema_matches_the_validator_tables() -> None:
    from presidium import spec

    schema = build()
    whole, extension = schema["definitions"]["scenario"], schema["definitions"]["extension"]
    assert set(whole["properties"]) == set(spec.SCENARIO) - {"remove"}
    assert set(extension["properties"]) == set(spec.SCENARIO)
    assert extension["required"] == ["format", "id", "extends"]
    for name, fields in spec.OBJECTS.items():
        if name != "SCENARIO":
            definition = schema["definitions"][name.lower()]
            assert set(definition["properties"]) == set(fields)
            assert set(definition.get("required", [])) == {
                k for k, f in fields.items() if f.required
            }


def test_bundled_scenarios_pass_an_independent_validator(tmp_path: Path) -> None:
    example = tmp_path / "door.yaml"
    example.write_text(docs_example())
    result = check_jsonschema(SCENARIO_1957, example)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(docs_example().replace("    stance: majority\n", "    stnace: majority\n", 1))
    result = check_jsonschema(broken)
    assert result.returncode == 1 and "'stnace' was unexpected" in result.stdout


def test_bundled_scenarios_point_editors_at_the_schema() -> None:
    first = SCENARIO_1957.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/scenario.schema.json"


def test_schema_command(tmp_path: Path) -> None:
    code, out, _ = run(["schema"])
    assert code == 0 and json.loads(out)["title"] == "presidium scenario"
    assert run(["schema", "-o", str(tmp_path / "s.json")])[0] == 0
    assert json.loads((tmp_path / "s.json").read_text())["definitions"]["phase"]["required"] == [
        "title",
        "text",
    ]


# --------------------------------------------------------------------------- new


def test_new_writes_a_starter_that_validates_and_checks_clean(tmp_path: Path) -> None:
    target = tmp_path / "My First Scenario.yaml"
    code, out, _ = run(["new", str(target)])
    assert code == 0 and "wrote" in out
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    assert "id: my_first_scenario" in text
    assert (tmp_path / "scenario.schema.json").read_text() == render()
    assert run(["validate", "--strict", str(target)])[0] == 0
    code, out, _ = run(["check", "--strict", str(target)])
    assert code == 0 and "0 errors, 0 warnings" in out
    code, out, _ = run(
        ["play", str(target), "--side", "molotov", "--autoplay", "history", "--seed", "1"]
    )
    assert code == 0 and "Ending: plenum_called" in out


def test_new_teaches_with_comments() -> None:
    from presidium.tools.new import STARTER

    comments = [
        line for line in STARTER.splitlines() if line.lstrip().startswith("#") or " # " in line
    ]
    assert len(comments) >= 15


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("exists.yaml", "already exists"),
        ("notes.txt", "should end in .yaml"),
        ("nowhere/x.yaml", "no folder"),
    ],
)
def test_new_refuses_what_it_should(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "exists.yaml").write_text("keep me\n")
    code, _, err = run(["new", str(tmp_path / name)])
    assert code == 2 and message in err
    assert (tmp_path / "exists.yaml").read_text() == "keep me\n"


# --------------------------------------------------------------------------- the tutorial


def guide_block(after: str) -> str:
    """The first ```text block after the sentence ``after`` in docs/authoring.md."""
    text = (DOCS / "authoring.md").read_text(encoding="utf-8")
    start = text.index(after)
    match = re.search(r"```text\n(.*?)```", text[start:], re.DOTALL)
    assert match is not None
    return match.group(1)


def test_the_tutorial_shows_what_users_really_see(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["new", "door.yaml"])
    assert out == guide_block("## 1. Start from a working scenario")
    path = tmp_path / "door.yaml"
    original = path.read_text()
    mistaken = original.replace(
        "    rank: full\n    stance: majority\n    principal: true",
        "    rank: full\n    stance: majorty\n    principal: true",
        1,
    )
    mistaken = mistaken.replace(
        "    history: refuse             #", "    history: refused            #", 1
    )
    path.write_text(mistaken)
    code, out, _ = run(["validate", "door.yaml"])
    assert code == 1 and out == guide_block("## 3. Make mistakes on purpose")
    path.write_text(original)
    assert run(["validate", "door.yaml"])[1] == guide_block("Put both words back")
    added = original.replace(
        '      - id: wait\n        label: "Wait for the Presidium to let them in"',
        '      - id: call_the_marshal\n        label: "Ask Marshal Zhukov to open the doors"\n'
        '        when: "members_at_door > 100"\n        effects: ["members_at_door += 30"]\n'
        "        next: the_count\n"
        '      - id: wait\n        label: "Wait for the Presidium to let them in"',
    )
    path.write_text(added)
    code, out, _ = run(["check", "door.yaml"])
    assert code == 0 and out == guide_block("It is valid, but is it any use?")
    path.write_text(added.replace("members_at_door > 100", "members_at_door >= 80"))
    code, out, _ = run(["check", "--strict", "door.yaml"])
    assert code == 0 and "0 errors, 0 warnings" in out


def test_the_pre_commit_hooks_name_real_commands() -> None:
    import yaml

    hooks = yaml.safe_load((DOCS.parent / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"]: h["entry"] for h in hooks} == {
        "presidium-validate": "presidium validate",
        "presidium-check": "presidium check",
    }
    for hook in hooks:
        assert re.search(hook["files"], "scenarios/june_1957.yaml")
        assert not re.search(hook["exclude"], "scenarios/june_1957.yaml")
