"""Print the synthetic scenario syn-K, in presidium's format or as a ChoiceScript scene.

Built exactly as ../shared/benchmarks/SYNTHETIC.md specifies (Python's ``random`` seeded once
with 1; for each choice ``tgt`` then ``delta``), so that ChoiceScript and inkjs can run the same
story graph for comparison. Both formats are written from one ``graph``, so they cannot drift
apart.

    python benchmarks/syn.py 2000 > syn-2000.yaml
    python benchmarks/syn.py 2000 --choicescript > startup.txt
"""

from __future__ import annotations

import random
import sys
from typing import NamedTuple

SCENE_TEXT = ("The Presidium argues about the virgin lands and the party line. " * 3).strip()
CHOICE_TEXT = ("Text " * 20).strip()
OPTIONS = 3


class Choice(NamedTuple):
    """One choice of the graph: the scene it leads to (None: the ending) and its loyalty change."""

    target: int | None
    delta: int


def graph(k: int) -> list[list[Choice]]:
    """The choices of each scene k0 .. k{K-1}, drawn in the order SYNTHETIC.md fixes."""
    rng = random.Random(1)  # the same sequence as ``random.seed(1)``, without global state
    scenes = []
    for i in range(k):
        choices = []
        for _ in range(OPTIONS):
            tgt = rng.randint(i + 1, min(k, i + 20)) if i < k - 1 else None
            delta = rng.randint(-10, 10)
            choices.append(Choice(tgt if tgt is not None and tgt < k else None, delta))
        scenes.append(choices)
    return scenes


def build(k: int) -> str:
    """The syn-K scenario as presidium YAML text."""
    out = [
        "format: 1",
        f"id: syn_{k}",
        f'title: "Synthetic story syn-{k}"',
        "summary: A generated graph for comparing engines' speed; see benchmarks/SYNTHETIC.md.",
        "start: k0",
        "sources: {}",
        "sides:",
        "  player:",
        "    name: The player",
        "    leader: player",
        "    goal: Reach the end.",
        "actors:",
        "  player:",
        "    name: The player",
        "    office: Reader",
        "    rank: official",
        "variables:",
        "  loyalty:",
        "    label: Loyalty",
        "    type: number",
        "    min: -100000",
        "    max: 100000",
        "    initial: 50",
        "  votes:",
        "    label: Votes",
        "    type: number",
        "    min: 0",
        f"    max: {k}",
        "    initial: 0",
        "phases:",
    ]
    for i, choices in enumerate(graph(k)):
        out += [
            f"  k{i}:",
            f"    title: Scene {i}",
            "    counterfactual: true",
            "    text:",
            f'      - "Scene {i}. {SCENE_TEXT}"',
            '      - {when: "loyalty > 60", text: "Khrushchev nods at you."}',
            '      - {when: "loyalty <= 60", text: "Molotov glares at you."}',
            "    by: player",
            "    choices:",
        ]
        for j, choice in enumerate(choices):
            target = "the_end" if choice.target is None else f"k{choice.target}"
            out += [
                f"      - id: option_{j}",
                f"        label: Option {j} in scene {i}",
                f'        effects: ["loyalty += {choice.delta}", "votes += 1"]',
                f'        text: "You chose option {j}. {CHOICE_TEXT}"',
                f"        next: {target}",
            ]
    out += [
        "endings:",
        "  the_end:",
        "    title: The end",
        "    kind: counterfactual",
        "    text: The story is over.",
        "",
    ]
    return "\n".join(out)


def choicescript(k: int) -> str:
    """The syn-K story as ChoiceScript's ``startup.txt``: one scene, a label per phase.

    ChoiceScript variables are unbounded, so nothing is clipped, as in the YAML's wide bounds.
    The conditional line is two ``*if`` blocks, as the YAML has two ``when`` parts: falling
    out of an ``*if`` into its ``*else`` is an error in ChoiceScript.
    """
    out = [
        f"*title Synthetic story syn-{k}",
        "*author presidium benchmarks",
        "*create loyalty 50",
        "*create votes 0",
    ]
    for i, choices in enumerate(graph(k)):
        out += [
            f"*label k{i}",
            f"Scene {i}. {SCENE_TEXT}",
            "",
            "*if loyalty > 60",
            "  Khrushchev nods at you.",
            "*if loyalty <= 60",
            "  Molotov glares at you.",
            "",
            "*choice",
        ]
        for j, choice in enumerate(choices):
            target = "the_end" if choice.target is None else f"k{choice.target}"
            sign = "+" if choice.delta >= 0 else "-"
            out += [
                f"  #Option {j} in scene {i}",
                f"    *set loyalty {sign}{abs(choice.delta)}",
                "    *set votes +1",
                f"    You chose option {j}. {CHOICE_TEXT}",
                f"    *goto {target}",
            ]
    out += ["*label the_end", "The story is over.", "*ending", ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    args = argv[1:]
    as_choicescript = "--choicescript" in args
    if as_choicescript:
        args.remove("--choicescript")
    if len(args) != 1 or not args[0].isdigit() or int(args[0]) < 1:
        sys.stderr.write(
            "usage: python benchmarks/syn.py K [--choicescript]"
            "   (K: the number of scenes, at least 1)\n"
        )
        return 2
    k = int(args[0])
    sys.stdout.write(choicescript(k) if as_choicescript else build(k))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
