"""The debrief: a finished game set beside history, as data, and as Markdown or HTML handouts.

``build`` gathers what the debrief says; the terminal renders it (``presidium.ui.render``), and
``markdown`` and ``html`` turn it into a handout a teacher can print. All three show the same
content: the ending and what became of each principal actor; the player's decisions beside
the historical ones, marking where the game diverged; every vote, voter by voter, with the
reason; the history notes of the scenes played, with their confidence labels; what really
happened; questions for discussion; and the sources.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from presidium import events as ev
from presidium.engine import Game, TrailEntry
from presidium.model import GRADE_LEGEND, Note, Scenario, TextPart, confidence_legend
from presidium.printable import html_text
from presidium.printable import markdown as _md


@dataclass(frozen=True)
class FateLine:
    name: str
    text: str
    sources: tuple[str, ...]
    confidence: str | None

    @property
    def confidence_label(self) -> str:
        return self.confidence or "confidence not given"


@dataclass(frozen=True)
class Step:
    when: str
    scene: str
    who: str
    choice: str
    chance: str | None  # "60% chance: succeeded"
    historical: str | None  # what really happened here, when this step left it
    as_in_history: bool | None  # None where history records nothing for this scene
    why: str | None = None  # why the game left history here


@dataclass(frozen=True)
class SceneNotes:
    scene: str
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Debrief:
    title: str
    side: str
    seed: int
    ending_title: str
    ending_kind: str
    ending_text: str
    fates: tuple[FateLine, ...]
    historical: bool  # the game ended as history did
    history_title: str | None
    history_text: str | None
    history_fates: tuple[FateLine, ...]
    steps: tuple[Step, ...]
    votes: tuple[ev.VoteHeld, ...]
    notes: tuple[SceneNotes, ...]
    questions: tuple[str, ...]
    sources: tuple[tuple[str, str, str], ...]  # (id, citation, grade)


def format_date(iso: str | None, label: str | None) -> str:
    """'Tuesday 18 June 1957' from an ISO date, or the scene's own label when it has one."""
    if label:
        return label
    if not iso:
        return ""
    day = datetime.date.fromisoformat(iso)
    return f"{day:%A} {day.day} {day:%B %Y}"


def _step(scenario: Scenario, entry: TrailEntry) -> Step:
    who = "you" if entry.by == "player" else scenario.seat_name(entry.seat)
    chance = None
    if entry.chance is not None:
        chance = f"{entry.chance[0]}% chance: {'succeeded' if entry.chance[1] else 'failed'}"
    same = None if entry.historical_choice is None else not entry.diverged
    return Step(
        format_date(entry.date, entry.date_label) or "-",
        entry.phase_title,
        who,
        entry.label,
        chance,
        entry.historical_label if entry.diverged else None,
        same,
        _why(entry) if entry.diverged else None,
    )


def build_steps(scenario: Scenario, game: Game) -> tuple[Step, ...]:
    """The game's decisions so far, each beside what history did."""
    return tuple(_step(scenario, entry) for entry in game.trail)


def _why(entry: TrailEntry) -> str:
    """Why a step left history: the dice, a closed door, or somebody's decision."""
    if entry.choice == entry.historical_choice:
        assert entry.chance is not None
        return f"the same choice as history, but the {entry.chance[0]}% chance failed"
    if entry.historical_closed is not None:
        return f"history's choice was closed: {entry.historical_closed}"
    if entry.by == "player":
        return "your decision"
    return "the scenario's script chose otherwise"  # the step already names the seat


def _text(parts: tuple[TextPart, ...]) -> str:
    return "\n\n".join(" ".join(p.text.split()) for p in parts if p.when is None)


def scene_notes(scenario: Scenario, phase_ids: Iterable[str]) -> tuple[SceneNotes, ...]:
    """The history notes of the scenes shown, in order, each scene once (a loop may revisit one).

    Every scene counts, decided or not: the notes on what nobody decided (a vote, an arrival)
    are often the ones that say what is contested.
    """
    played: list[SceneNotes] = []
    seen: set[str] = set()
    for phase_id in phase_ids:
        phase = scenario.phases[phase_id]
        if phase.notes and phase_id not in seen:
            seen.add(phase_id)
            title = ("[Counterfactual] " if phase.counterfactual else "") + phase.title
            played.append(SceneNotes(title, phase.notes))
    return tuple(played)


def build(scenario: Scenario, game: Game, side: str) -> Debrief:
    """The debrief of a finished game."""
    assert game.ending is not None
    ending = scenario.endings[game.ending]
    historical_ending = scenario.endings.get(scenario.historical_ending or "")
    fates = tuple(
        FateLine(scenario.actors[f.actor].name, f.text, f.sources, f.confidence)
        for f in ending.fates
    )
    history_fates: tuple[FateLine, ...] = ()
    if historical_ending is not None:
        history_fates = tuple(
            FateLine(scenario.actors[f.actor].name, f.text, f.sources, f.confidence)
            for f in historical_ending.fates
        )
    played = scene_notes(scenario, game.scenes)
    cited = {s for fate in history_fates for s in fate.sources}
    cited |= {s for scene in played for note in scene.notes for s in note.sources}
    if historical_ending is not None:
        cited |= set(historical_ending.sources)
    sources = tuple((s, scenario.sources[s].cite, scenario.sources[s].grade) for s in sorted(cited))
    return Debrief(
        title=scenario.title,
        side=scenario.sides[side].name,
        seed=game.seed,
        ending_title=ending.title,
        ending_kind=ending.kind,
        ending_text=_text(ending.text),
        fates=fates,
        historical=historical_ending is not None and ending.id == historical_ending.id,
        history_title=historical_ending.title if historical_ending else None,
        history_text=_text(historical_ending.text) if historical_ending else None,
        history_fates=history_fates,
        steps=build_steps(scenario, game),
        votes=tuple(game.votes),
        notes=played,
        questions=scenario.debrief_questions,
        sources=sources,
    )


VOTE_WORDS = {"for": "for", "against": "against", "abstain": "abstains"}


def markdown(debrief: Debrief) -> str:
    d = debrief
    lines = [f"# Debrief: {_md(d.title)}", ""]
    lines += [f"Side played: {_md(d.side)}. Seed: {d.seed}.", ""]
    kind = (
        "the historical outcome"
        if d.ending_kind == "historical"
        else "a counterfactual ending (invented)"
    )
    lines += [f"## The ending: {_md(d.ending_title)}", "", f"*{kind}*", "", _md(d.ending_text), ""]
    lines += [f"- **{_md(f.name)}**: {_md(f.text)}" for f in d.fates] + [""]
    lines += ["## Your path beside history", ""]
    lines += ["| When | Scene | Who | Choice | Beside history |", "|---|---|---|---|---|"]
    for s in d.steps:
        choice = _md(s.choice) + (f" ({s.chance})" if s.chance else "")
        beside = (
            ""
            if s.as_in_history is None
            else (
                "as in history"
                if s.as_in_history
                else f"**diverged** ({_md(s.why or '')}); history: {_md(s.historical or '')}"
            )
        )
        lines.append(f"| {_md(s.when)} | {_md(s.scene)} | {_md(s.who)} | {choice} | {beside} |")
    lines.append("")
    if d.votes:
        lines += ["## The votes, voter by voter", ""]
        for vote in d.votes:
            result = "passed" if vote.passed else "failed"
            lines += [f"### {_md(vote.title)}", "", f"Motion: {_md(vote.motion)}", ""]
            lines += [
                f"- **{_md(b.name)}** {VOTE_WORDS[b.vote]}: {_md(b.why)}" for b in vote.ballots
            ]
            lines += [
                f"- **{_md(b.label)}**: {b.votes_for} for, {b.votes_against} against, {b.abstentions} abstaining. {_md(b.reason)}"
                for b in vote.blocs
            ]
            lines += [
                "",
                f"Result: {vote.votes_for} for, {vote.votes_against} against, {vote.abstentions} abstaining; the motion {result}.",
                "",
            ]
    if not d.historical and d.history_title:
        lines += [
            f"## What really happened: {_md(d.history_title)}",
            "",
            _md(d.history_text or ""),
            "",
        ]
    if d.history_fates:
        lines += ["## What really became of them", ""]
        lines += [
            f"- **{_md(f.name)}**: {_md(f.text)} (*{f.confidence_label}*) [{', '.join(f.sources)}]"
            for f in d.history_fates
        ] + [""]
    if d.notes:
        lines += ["## The history behind the scenes you played", ""]
        for scene in d.notes:
            lines += [f"### {_md(scene.scene)}", ""]
            lines += [
                f"- *{n.confidence}*: {_md(n.text)} [{', '.join(n.sources)}]" for n in scene.notes
            ] + [""]
    if d.questions:
        lines += ["## Questions for discussion", ""]
        lines += [f"{n}. {_md(q)}" for n, q in enumerate(d.questions, 1)] + [""]
    if d.sources:
        lines += ["## Sources", ""]
        lines += [f"- **{s}**: {_md(cite)} (grade {grade})" for s, cite, grade in d.sources] + [""]
        lines += [f"Source grades: {GRADE_LEGEND}.", ""]
    lines += [f"Confidence labels: {confidence_legend(lambda label: f'*{label}*')}.", ""]
    return "\n".join(lines)


STYLE = """
body { font-family: Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
.diverged { font-weight: bold; }
.kind { font-style: italic; }
@media print { body { margin: 0; } a { color: inherit; } }
"""


def html(debrief: Debrief) -> str:
    d = debrief

    e = html_text
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Debrief: {e(d.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Debrief: {e(d.title)}</h1>",
        f"<p>Side played: {e(d.side)}. Seed: {d.seed}.</p>",
    ]
    kind = (
        "the historical outcome"
        if d.ending_kind == "historical"
        else "a counterfactual ending (invented)"
    )
    out += [f"<h2>The ending: {e(d.ending_title)}</h2>", f'<p class="kind">{e(kind)}</p>']
    out += [f"<p>{e(p)}</p>" for p in d.ending_text.split("\n\n")]
    out += (
        ["<ul>"]
        + [f"<li><strong>{e(f.name)}</strong>: {e(f.text)}</li>" for f in d.fates]
        + ["</ul>"]
    )
    out += [
        "<h2>Your path beside history</h2>",
        "<table><tr><th>When</th><th>Scene</th><th>Who</th><th>Choice</th><th>Beside history</th></tr>",
    ]
    for s in d.steps:
        choice = e(s.choice) + (f" ({e(s.chance)})" if s.chance else "")
        if s.as_in_history is None:
            beside = ""
        elif s.as_in_history:
            beside = "as in history"
        else:
            beside = (
                f'<span class="diverged">diverged</span> ({e(s.why or "")}); '
                f"history: {e(s.historical or '')}"
            )
        out.append(
            f"<tr><td>{e(s.when)}</td><td>{e(s.scene)}</td><td>{e(s.who)}</td><td>{choice}</td><td>{beside}</td></tr>"
        )
    out.append("</table>")
    if d.votes:
        out.append("<h2>The votes, voter by voter</h2>")
        for vote in d.votes:
            out += [f"<h3>{e(vote.title)}</h3>", f"<p>Motion: {e(vote.motion)}</p>", "<ul>"]
            out += [
                f"<li><strong>{e(b.name)}</strong> {VOTE_WORDS[b.vote]}: {e(b.why)}</li>"
                for b in vote.ballots
            ]
            out += [
                f"<li><strong>{e(b.label)}</strong>: {b.votes_for} for, {b.votes_against} against, "
                f"{b.abstentions} abstaining. {e(b.reason)}</li>"
                for b in vote.blocs
            ]
            result = "passed" if vote.passed else "failed"
            out += [
                "</ul>",
                f"<p>Result: {vote.votes_for} for, {vote.votes_against} against, {vote.abstentions} abstaining; the motion {result}.</p>",
            ]
    if not d.historical and d.history_title:
        out += [f"<h2>What really happened: {e(d.history_title)}</h2>"]
        out += [f"<p>{e(p)}</p>" for p in (d.history_text or "").split("\n\n")]
    if d.history_fates:
        out += ["<h2>What really became of them</h2>", "<ul>"]
        out += [
            f"<li><strong>{e(f.name)}</strong>: {e(f.text)} "
            f"<em>({e(f.confidence_label)})</em> [{e(', '.join(f.sources))}]</li>"
            for f in d.history_fates
        ]
        out.append("</ul>")
    if d.notes:
        out.append("<h2>The history behind the scenes you played</h2>")
        for scene in d.notes:
            out += [f"<h3>{e(scene.scene)}</h3>", "<ul>"]
            out += [
                f"<li><em>{e(n.confidence)}</em>: {e(n.text)} [{e(', '.join(n.sources))}]</li>"
                for n in scene.notes
            ]
            out.append("</ul>")
    if d.questions:
        out += (
            ["<h2>Questions for discussion</h2>", "<ol>"]
            + [f"<li>{e(q)}</li>" for q in d.questions]
            + ["</ol>"]
        )
    if d.sources:
        out += ["<h2>Sources</h2>", "<ul>"]
        out += [
            f"<li><strong>{e(s)}</strong>: {e(cite)} (grade {e(grade)})</li>"
            for s, cite, grade in d.sources
        ]
        out += ["</ul>", f"<p><em>Source grades</em>: {e(GRADE_LEGEND)}.</p>"]
    out += [
        f"<p><em>Confidence labels</em>: {e(confidence_legend())}.</p>",
        "</body></html>",
        "",
    ]
    return "\n".join(out)
