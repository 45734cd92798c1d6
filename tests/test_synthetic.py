"""The synthetic story syn-K is the same graph in presidium's format and in ChoiceScript's.

benchmarks/run.py compares our random play with ChoiceScript's randomtest on syn-2000; the
ratio means something only if both engines play the same story. Both outputs are read back
here (the YAML by our compiler, the ChoiceScript scene by its commands) and compared with the
graph built straight from benchmarks/SYNTHETIC.md's recipe. No Node is needed.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
import yaml

from conftest import compile_yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import syn

Edges = dict[tuple[str, int], tuple[str, int]]  # (scene, option) -> (next, loyalty change)


def recipe(k: int) -> Edges:
    """SYNTHETIC.md, followed line by line: seeded once, ``tgt`` then ``delta`` per choice."""
    random.seed(1)
    edges: Edges = {}
    for i in range(k):
        for j in range(3):
            tgt = random.randint(i + 1, min(k, i + 20)) if i < k - 1 else None
            delta = random.randint(-10, 10)
            nxt = f"k{tgt}" if tgt is not None and tgt < k else "the_end"
            edges[(f"k{i}", j)] = (nxt, delta)
    return edges


def yaml_edges(text: str) -> Edges:
    document = yaml.safe_load(text)
    edges: Edges = {}
    for phase, body in document["phases"].items():
        for j, choice in enumerate(body["choices"]):
            loyalty, votes = choice["effects"]
            assert votes == "votes += 1"
            edges[(phase, j)] = (choice["next"], int(loyalty.removeprefix("loyalty += ")))
    return edges


def choicescript_edges(text: str) -> Edges:
    """Read the scene as ChoiceScript would: labels, options, and each option's commands."""
    edges: Edges = {}
    labels: list[str] = []
    scene = option = ""
    delta: int | None = None
    for line in text.splitlines():
        if match := re.fullmatch(r"\*label (\w+)", line):
            scene = match[1]
            labels.append(scene)
        elif match := re.fullmatch(r"  #Option (\d+) in scene (\d+)", line):
            assert f"k{match[2]}" == scene
            option, delta = match[1], None
        elif match := re.fullmatch(r"    \*set loyalty ([+-])(\d+)", line):
            delta = int(match[2]) * (1 if match[1] == "+" else -1)
        elif match := re.fullmatch(r"    \*goto (\w+)", line):
            assert delta is not None
            edges[(scene, int(option))] = (match[1], delta)
    assert len(labels) == len(set(labels))
    assert {target for target, _ in edges.values()} <= set(labels)
    return edges


@pytest.mark.parametrize("k", [1, 2, 3, 21, 60])
def test_both_formats_hold_the_graph_synthetic_md_defines(k: int) -> None:
    expected = recipe(k)
    assert yaml_edges(syn.build(k)) == expected
    assert choicescript_edges(syn.choicescript(k)) == expected


def test_the_yaml_compiles_and_the_choicescript_counts_each_choice_and_scene() -> None:
    scenario, found = compile_yaml(syn.build(60), "syn-60.yaml")
    assert scenario is not None, found
    text = syn.choicescript(60)
    assert text.count("*set votes +1") == 180
    assert text.count("*if loyalty > 60") == text.count("*if loyalty <= 60") == 60
