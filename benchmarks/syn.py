"""Print the synthetic scenario syn-K in presidium's format.

Built exactly as ../shared/benchmarks/SYNTHETIC.md specifies (Python's ``random`` seeded once
with 1; for each choice ``tgt`` then ``delta``), so that ChoiceScript and inkjs can run the same
story graph for comparison.

    python benchmarks/syn.py 2000 > syn-2000.yaml
"""

from __future__ import annotations

import random
import sys


def build(k: int) -> str:
    """The syn-K scenario as YAML text."""
    random.seed(1)
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
    scene_text = "The Presidium argues about the virgin lands and the party line. " * 3
    choice_text = "Text " * 20
    for i in range(k):
        out += [
            f"  k{i}:",
            f"    title: Scene {i}",
            "    counterfactual: true",
            "    text:",
            f'      - "Scene {i}. {scene_text.strip()}"',
            '      - {when: "loyalty > 60", text: "Khrushchev nods at you."}',
            '      - {when: "loyalty <= 60", text: "Molotov glares at you."}',
            "    by: player",
            "    choices:",
        ]
        for j in range(3):
            tgt = random.randint(i + 1, min(k, i + 20)) if i < k - 1 else None
            delta = random.randint(-10, 10)
            target = f"k{tgt}" if tgt is not None and tgt < k else "the_end"
            out += [
                f"      - id: option_{j}",
                f"        label: Option {j} in scene {i}",
                f'        effects: ["loyalty += {delta}", "votes += 1"]',
                f'        text: "You chose option {j}. {choice_text.strip()}"',
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


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit() or int(argv[1]) < 1:
        sys.stderr.write(
            "usage: python benchmarks/syn.py K   (K: the number of scenes, at least 1)\n"
        )
        return 2
    sys.stdout.write(build(int(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
