"""``presidium graph``: the scenario's state machine as Mermaid or Graphviz DOT.

Phases are nodes labelled with their titles; endings are rounded nodes (the historical one
is drawn bold); every choice is an edge labelled with the choice (chances show their odds,
conditions are abbreviated); the historical path is highlighted.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from presidium.conditions import Compiled
from presidium.engine import Game, HistoryDice
from presidium.errors import PresidiumError, UsageError
from presidium.model import Branch, Outcome, Scenario
from presidium.printable import code_fence, markdown, one_line
from presidium.tools.common import compile_path, existing_files, plural, print_diagnostics

LABEL_LIMIT = 48


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    label: str
    choice: str | None  # None for a phase that moves on by itself
    historical: bool


def edges(scenario: Scenario) -> list[GraphEdge]:
    """Every edge of the story, one per choice outcome and branch, in the author's order."""
    path = historical_path(scenario)
    out = []
    for phase in scenario.phases.values():
        if not phase.choices:
            for branch in phase.next:
                historical = (phase.id, None, None, branch.target) in path
                out.append(GraphEdge(phase.id, branch.target, _condition(branch), None, historical))
            continue
        for choice in phase.choices:
            label = _clip(choice.label)
            if choice.when is not None:
                label += f" [if {_clip(choice.when.source, 24)}]"
            sides: tuple[tuple[Outcome, str, str | None], ...]
            if choice.chance is not None and choice.chance.outcomes:
                sides = tuple(
                    (drawn.outcome, f"{_clip(drawn.label, 24)} {_odds(drawn.percent)}", str(i))
                    for i, drawn in enumerate(choice.chance.outcomes)
                )
            elif choice.chance is not None:
                odds = choice.chance.percent.source
                odds = f"{odds}%" if odds.isdigit() else _clip(odds, 20)
                sides = (
                    (choice.chance.success, f"success {odds}", "success"),
                    (choice.chance.failure, "failure", "failure"),
                )
            else:
                assert choice.outcome is not None
                sides = ((choice.outcome, "", None),)
            for outcome, result, roll in sides:
                for branch in outcome.next:
                    text = " / ".join(p for p in (label, result, _condition(branch)) if p)
                    historical = (phase.id, choice.id, roll, branch.target) in path
                    out.append(GraphEdge(phase.id, branch.target, text, choice.id, historical))
    return out


def historical_path(scenario: Scenario) -> set[tuple[str, str | None, str | None, str]]:
    """(phase, choice, chance result, next) steps of the historical playthrough.

    Every seat plays its ``history`` choice and every chance that was taken succeeds, as the
    real ones did; the path stops where a phase records no history.
    """

    seats = {p.by for p in scenario.phases.values() if p.by}
    game = Game(scenario, seats, dice=HistoryDice())
    game.trace = []
    try:
        game.start()
        while not game.over:
            phase = game.phase
            assert phase is not None
            if phase.history is None or phase.history not in {
                o.id for o in game.options() if o.available
            }:
                break
            game.step(phase.history)
    except PresidiumError:
        pass
    visited = [item.id for kind, item, _, _ in game.trace if kind == "phase"]
    if game.ending is not None:
        visited.append(game.ending)
    taken = {entry.phase: entry for entry in game.trail}
    steps: set[tuple[str, str | None, str | None, str]] = set()
    for source, target in itertools.pairwise(visited):
        entry = taken.get(source)
        roll = None
        if entry is not None and entry.outcome is not None:
            chance = scenario.phases[entry.phase].choice(entry.choice)
            assert chance is not None and chance.chance is not None
            labels = [o.label for o in chance.chance.outcomes]
            roll = str(labels.index(entry.outcome))
        elif entry is not None and entry.chance is not None:
            roll = "success" if entry.chance[1] else "failure"
        steps.add((source, entry.choice if entry else None, roll, target))
    return steps


def _odds(percent: Compiled | None) -> str:
    """An outcome's odds as written: '30%', a clipped expression, or 'the rest'."""
    if percent is None:
        return "(the rest)"
    return f"{percent.source}%" if percent.source.isdigit() else _clip(percent.source, 20)


def _condition(branch: Branch) -> str:
    return f"if {_clip(branch.when.source, 28)}" if branch.when is not None else ""


def _clip(text: str, limit: int = LABEL_LIMIT) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _node(kind: str, ident: str) -> str:
    return f"{kind}_{ident}"  # a prefix keeps ids such as 'end' clear of Mermaid's keywords


def mermaid(scenario: Scenario) -> str:
    def label(text: str) -> str:
        return '"' + text.replace('"', "#quot;") + '"'

    lines = [
        f"%% {one_line(scenario.title)}: phases, choices and endings (presidium graph)",
        "flowchart TD",
    ]
    for phase in scenario.phases.values():
        lines.append(f"    {_node('p', phase.id)}[{label(_clip(phase.title))}]")
    for ending in scenario.endings.values():
        style = "historical" if ending.kind == "historical" else "counterfactual"
        lines.append(
            f"    {_node('e', ending.id)}([{label('END: ' + _clip(ending.title))}]):::{style}"
        )
    history = []
    for n, edge in enumerate(edges(scenario)):
        target = _node("e" if edge.target in scenario.endings else "p", edge.target)
        arrow = f" -->|{label(edge.label)}| " if edge.label else " --> "
        lines.append(f"    {_node('p', edge.source)}{arrow}{target}")
        if edge.historical:
            history.append(str(n))
    lines.append("    classDef historical stroke-width:4px,font-weight:bold")
    lines.append("    classDef counterfactual stroke-dasharray:5 5")
    if history:
        lines.append(f"    linkStyle {','.join(history)} stroke-width:4px")
    return "\n".join(lines) + "\n"


def dot(scenario: Scenario) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        f"// {one_line(scenario.title)}: phases, choices and endings (presidium graph)",
        f"digraph {quote(scenario.id)} {{",
        "    rankdir=TB;",
        '    node [shape=box, style=rounded, fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]
    for phase in scenario.phases.values():
        lines.append(f"    {quote(_node('p', phase.id))} [label={quote(_clip(phase.title))}];")
    for ending in scenario.endings.values():
        extra = ", penwidth=3" if ending.kind == "historical" else ", style=dashed"
        lines.append(
            f"    {quote(_node('e', ending.id))} [label={quote('END: ' + _clip(ending.title))}, shape=ellipse{extra}];"
        )
    for edge in edges(scenario):
        target = _node("e" if edge.target in scenario.endings else "p", edge.target)
        attributes = [f"label={quote(edge.label)}"] if edge.label else []
        if edge.historical:
            attributes.append("penwidth=3")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"    {quote(_node('p', edge.source))} -> {quote(target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph(path: str, fmt: str, output: str | None, out: IO[str]) -> int:
    ((file, name),) = existing_files([path])
    result = compile_path(file, name)
    if result.scenario is None:
        print_diagnostics(result.diagnostics, result.files, out)
        out.write(f"{name}: {plural(len(result.errors), 'error')}; no graph was drawn\n")
        return 1
    text = mermaid(result.scenario) if fmt == "mermaid" else dot(result.scenario)
    if output is None:
        out.write(text)
        return 0
    target = Path(output)
    if fmt == "mermaid" and target.suffix.lower() in (".md", ".markdown"):
        text = f"# {markdown(one_line(result.scenario.title))}\n\n{code_fence(text, 'mermaid')}"
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write '{output}': {exc.strerror}") from None
    out.write(f"wrote {output}\n")
    return 0
