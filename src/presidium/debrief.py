"""The debrief: a finished game set beside history, as data, and as Markdown or HTML handouts.

``build`` gathers what the debrief says; the terminal renders it (``presidium.ui.render``), and
``markdown`` and ``html`` turn it into a handout a teacher can print. All three show the same
content: the ending and what became of each principal actor; the player's decisions and the
votes beside the historical ones, marking where the game diverged; every vote, voter by voter, with the
reason; the history notes of the scenes played, with their confidence labels; what really
happened; questions for discussion; and the sources.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from presidium import events as ev
from presidium.engine import COUNTERFACTUAL_MARK, Game, TrailEntry, winner_of
from presidium.model import GRADE_LEGEND, Note, Scenario, TextPart, confidence_legend
from presidium.printable import html_text, mid_sentence
from presidium.printable import markdown as _md
from presidium.records import record
from presidium.template import fill


@record
class FateLine:
    name: str
    text: str
    sources: tuple[str, ...]
    confidence: str | None

    @property
    def confidence_label(self) -> str:
        return self.confidence or "confidence not given"


@record
class Step:
    when: str
    scene: str
    who: str
    choice: str
    chance: str | None  # "60% chance: succeeded"; for a vote, "the motion failed"
    historical: str | None  # what really happened here, when this step left it
    as_in_history: bool | None  # None where history records nothing for this scene
    why: str | None = None  # why the game left history here
    # A vote in a class's record that did not leave history: the class's count ("the class's
    # vote: 83 for, 3 against, 0 abstaining"), set beside history's where the scenario gives
    # it (``history_count``), so that the same result never hides a different count.
    count: str | None = None
    history_count: str | None = None


@record
class SceneNotes:
    scene: str
    notes: tuple[Note, ...]


@record
class MapScene:
    title: str
    visited: bool
    counterfactual: bool


@record
class MapRow:
    """The scenes of one date, in story order; ``hidden`` more are on other paths. A row with
    no scenes stands for ``hidden`` scenes of other dates that the game did not visit."""

    when: str
    scenes: tuple[MapScene, ...]
    hidden: int = 0
    note: str = ""  # what a row without scenes stands for


@record
class StoryMap:
    """The scenario's scenes by date with the path taken marked, and the endings: the one
    reached and history's by title, the others only counted (their titles would spoil a
    later game)."""

    rows: tuple[MapRow, ...]
    ending: str  # the title of the ending reached
    historical: str | None  # history's ending when the game reached another; None: it did not
    other_endings: int  # endings neither reached nor history's


@record
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
    map: StoryMap | None = None
    verdict: str = ""  # whose victory the ending is, said to the side played; "" if no winners
    targets: tuple[ev.TargetLine, ...] = ()  # the side's targets as the game ended


def verdict(
    scenario: Scenario, winner: str | None, side: str | None, gave_up: str | None = None
) -> str:
    """Whose victory the ending is, in one sentence to the player of ``side`` (None: to a
    class, which played every side); "" for a scenario whose endings name no winner (it
    says nothing about winning). ``gave_up``: the label of the choice by which the player
    conceded, named so that targets met at the end do not read as a victory thrown away
    for no reason."""
    if winner is None:
        return ""
    why = f'you gave up ("{gave_up}"), and ' if gave_up and winner != side else ""
    if winner not in scenario.sides:
        return f"Nobody's victory: {why.removesuffix(', and ')}." if why else "Nobody's victory."
    name = mid_sentence(scenario.sides[winner].name)
    if side is None:
        return f"A victory for {name}."
    if winner == side:
        return "A victory for your side."
    return f"A defeat: {why}this ending is a victory for {name}."


def invented(scenario: Scenario, phase: str, choice: str) -> bool:
    """Whether ``choice`` in ``phase`` is counterfactual, by the flag the list of choices
    shows (an event's ``historical`` is None in a scene that records no history, so it cannot
    tell a player's invented choice from a documented one)."""
    found = scenario.phases[phase].choice(choice) if phase in scenario.phases else None
    return found is not None and found.counterfactual


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
    if entry.outcome is not None:
        chance = f"{entry.chance[0] if entry.chance else 0}% chance: {entry.outcome}"
    elif entry.chance is not None:
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
    """The game's decisions and votes so far, in the order taken, each beside what history
    did."""
    return path(scenario, game, lambda entry: _step(scenario, entry), SOLO_VOTE)


SOLO_VOTE = ("the voters, by the scenario's rules", "the vote as the scenario's rules cast it")
CLASS_VOTE = ("the class, by ballot", "the class's vote")


def path(
    scenario: Scenario,
    game: Game,
    step: Callable[[TrailEntry], Step],
    voted: tuple[str, str],
    counts: bool = False,
) -> tuple[Step, ...]:
    """The trail's steps (each made by ``step``) with every vote held put in where it was
    held; ``voted``: who decides a vote, and whose vote a divergence is, in words;
    ``counts``: every vote's count is shown, not only a divergence's (see ``vote_step``)."""
    steps: list[Step] = []
    held = list(zip(game.held, game.votes, strict=False))
    for n, entry in enumerate(game.trail):
        while held and held[0][0][0] <= n:
            (_, phase), vote = held.pop(0)
            steps.append(vote_step(scenario, vote, phase, voted, counts))
        steps.append(step(entry))
    steps += [vote_step(scenario, vote, phase, voted, counts) for (_, phase), vote in held]
    return tuple(steps)


def result(passed: bool) -> str:
    return f"the motion {'passed' if passed else 'failed'}"


def tally(vote: ev.VoteHeld) -> str:
    """A vote's count, as the votes' section words it."""
    return f"{vote.votes_for} for, {vote.votes_against} against, {vote.abstentions} abstaining"


def vote_step(
    scenario: Scenario,
    vote: ev.VoteHeld,
    phase_id: str,
    voted: tuple[str, str],
    counts: bool = False,
) -> Step:
    """A vote on the path: its result beside the one history records (none for a vote that
    never happened or whose outcome history does not record). A divergence gives the count;
    with ``counts`` (a class's record), so does every other vote, with history's count where
    the scenario says it: a vote that passed as in history may have been counted otherwise."""
    rules = scenario.votes.get(vote.vote)
    history = rules.history if rules is not None and not vote.counterfactual else None
    real_count = rules.history_count if rules is not None and history is not None else None
    real_count = real_count if counts else None
    phase = scenario.phases.get(phase_id)
    when = format_date(phase.date, phase.date_label) if phase is not None else ""
    scene = phase.title if phase is not None else vote_heading(vote)
    same = None if history is None else history == vote.passed
    count = f"{voted[1]}: {tally(vote)}"
    historical = None
    if same is False:
        historical = result(bool(history)) + (f" ({real_count})" if real_count else "")
    return Step(
        when or "-",
        scene,
        voted[0],
        vote_heading(vote),
        result(vote.passed),
        historical,
        same,
        count if same is False else None,
        count if counts and same is not False else None,
        real_count if same is not False else None,
    )


def _why(entry: TrailEntry) -> str:
    """Why a step left history: the dice, a closed door, or somebody's decision."""
    if entry.choice == entry.historical_choice:
        assert entry.chance is not None
        if entry.outcome is not None:
            return (
                f"the same choice as history, but the dice gave '{entry.outcome}' "
                f"({entry.chance[0]}% chance), not the historical outcome"
            )
        return f"the same choice as history, but the {entry.chance[0]}% chance failed"
    if entry.historical_closed is not None:
        return f"history's choice was closed: {entry.historical_closed}"
    if entry.by == "player":
        return "your decision"
    return "the scenario's script chose otherwise"  # the step already names the seat


def _text(parts: tuple[TextPart, ...], game: Game) -> str:
    """An ending's text that holds whatever happened, with its values as the game left them."""
    return "\n\n".join(
        fill(game.scenario, " ".join(p.text.split()), game.values) for p in parts if p.when is None
    )


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
            title = (COUNTERFACTUAL_MARK if phase.counterfactual else "") + phase.title
            played.append(SceneNotes(title, phase.notes))
    return tuple(played)


MAP_OTHERS = 3  # scenes on other paths named in a row; more are counted
MAP_ROWS = 24  # rows of a map; beyond it, the dates in the middle are counted
MAP_PATH = 11  # scenes of the path named in one date's row


def _successors(scenario: Scenario, phase_id: str) -> list[str]:
    phase = scenario.phases[phase_id]
    branches = [b for c in phase.choices for o in c.outcomes() for b in o.next] + list(phase.next)
    return [b.target for b in branches if b.target in scenario.phases]


def story_order(scenario: Scenario) -> list[tuple[str, list[str]]]:
    """The scenes grouped by date in story order: (date, phase ids), earliest first.

    A scene without a date of its own takes the date of the scene that leads to it; scenes
    of one date are ordered by how many steps from the start they are, then as written.
    """
    depth: dict[str, int] = {scenario.start: 0}
    parent: dict[str, str] = {}
    queue = [scenario.start]
    for phase_id in queue:
        for target in _successors(scenario, phase_id):
            if target not in depth:
                depth[target] = depth[phase_id] + 1
                parent[target] = phase_id
                queue.append(target)
    written = {p: n for n, p in enumerate(scenario.phases)}
    unreached = [p for p in scenario.phases if p not in depth]
    for p in unreached:  # never reached from the start: after everything else
        depth[p] = len(written) + written[p]

    def dated(phase_id: str) -> tuple[str, str]:
        """(ISO date to sort by, date to show): a scene's own, or that of the way in."""
        phase = scenario.phases[phase_id]
        own = format_date(phase.date, phase.date_label) if phase.date or phase.date_label else ""
        iso = phase.date or ""
        ancestor = parent.get(phase_id)
        steps = 0
        while (not iso or not own) and ancestor is not None and steps < len(written):
            before = scenario.phases[ancestor]
            iso = iso or before.date or ""
            if not own and (before.date or before.date_label):
                own = format_date(before.date, before.date_label)
            ancestor, steps = parent.get(ancestor), steps + 1
        return iso, own or "undated"

    groups: dict[str, list[str]] = {}
    ordered = sorted(scenario.phases, key=lambda p: (dated(p)[0], depth[p], written[p]))
    for phase_id in ordered:
        groups.setdefault(dated(phase_id)[1], []).append(phase_id)
    return list(groups.items())


def story_map(scenario: Scenario, visited: Iterable[str], ending: str) -> StoryMap:
    """The map of a finished game: every date with a scene visited, the scenes of other
    paths faint or counted, and runs of dates the game never reached folded into one row.

    However big the scenario, the map stays a screen or two: a date names at most
    ``MAP_PATH`` scenes of the path and ``MAP_OTHERS`` of other paths, and a map of more
    than ``MAP_ROWS`` rows keeps its first and last dates and counts the ones between.
    """
    seen = set(visited)
    rows: list[MapRow] = []
    folded = 0
    for when, phase_ids in story_order(scenario):
        if not seen & set(phase_ids):
            folded += len(phase_ids)
            continue
        if folded:
            rows.append(MapRow("", (), folded, _other_paths(folded)))
            folded = 0
        scenes = [
            MapScene(scenario.phases[p].title, p in seen, scenario.phases[p].counterfactual)
            for p in phase_ids
        ]
        path = [s for s in scenes if s.visited]
        others = [s for s in scenes if not s.visited][:MAP_OTHERS]
        if len(path) > MAP_PATH:
            gap = MapScene(f"… {len(path) - MAP_PATH + 1} more scenes of your path …", True, False)
            path = [*path[: MAP_PATH // 2], gap, *path[len(path) - (MAP_PATH - 1) // 2 :]]
            shown = [*path, *others]
        else:  # in story order, the path and the other scenes side by side
            kept = {id(x) for x in [*path, *others]}
            shown = [x for x in scenes if id(x) in kept]
        hidden = sum(not s.visited for s in scenes) - len(others)
        rows.append(MapRow(when, tuple(shown), hidden))
    if folded:
        rows.append(MapRow("", (), folded, _other_paths(folded)))
    if len(rows) > MAP_ROWS:  # a game of many days: the dates between are counted
        head, tail = MAP_ROWS // 2, MAP_ROWS // 2 - 1
        middle = rows[head : len(rows) - tail]
        dates = sum(1 for r in middle if r.scenes)
        scenes_met = sum(1 for r in middle for x in r.scenes if x.visited)
        note = f"… {dates} more dates, with {scenes_met} or more scenes of your path …"
        rows = [*rows[:head], MapRow("", (), 0, note), *rows[len(rows) - tail :]]
    history = scenario.historical_ending
    historical = None
    if history is not None and history != ending and history in scenario.endings:
        historical = scenario.endings[history].title
    elif history != ending:  # no historical ending: the ending reached is no history's
        historical = ""
    unnamed = len(scenario.endings) - 1 - bool(historical)
    return StoryMap(tuple(rows), scenario.endings[ending].title, historical, unnamed)


MAP_KEY = "Scenes in story order: ● on your path, ○ on another path."


def folded_text(row: MapRow) -> str:
    """What a row without scenes stands for: dates the game never reached, or many dates."""
    return row.note


def _other_paths(count: int) -> str:
    return f"… {_scenes(count)} on other paths"


def _scenes(count: int) -> str:
    return "1 scene" if count == 1 else f"{count} scenes"


def more_text(row: MapRow) -> str:
    """The scenes of a date that the row does not name."""
    return f"(and {row.hidden} more on other paths)" if row.hidden else ""


def endings_text(m: StoryMap) -> list[tuple[str, str]]:
    """The endings as (marker, text): the one reached, history's, and the rest counted."""
    parts = [("◆", f"{m.ending} (yours{'' if m.historical is not None else ', as in history'})")]
    if m.historical:
        parts.append(("◇", f"{m.historical} (history's)"))
    if m.other_endings:
        word = "ending" if m.other_endings == 1 else "endings"
        parts.append(("◇", f"{m.other_endings} other {word} not reached"))
    return parts


def build(scenario: Scenario, game: Game, side: str) -> Debrief:
    """The debrief of a finished game."""
    assert game.ending is not None
    ending = scenario.endings[game.ending]
    historical_ending = scenario.endings.get(scenario.historical_ending or "")
    fates = tuple(
        FateLine(
            scenario.actors[f.actor].name,
            fill(scenario, f.text, game.values),
            f.sources,
            f.confidence,
        )
        for f in ending.fates
    )
    history_fates: tuple[FateLine, ...] = ()
    if historical_ending is not None:
        history_fates = tuple(
            FateLine(
                scenario.actors[f.actor].name,
                fill(scenario, f.text, game.values),
                f.sources,
                f.confidence,
            )
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
        ending_text=_text(ending.text, game),
        fates=fates,
        historical=historical_ending is not None and ending.id == historical_ending.id,
        history_title=historical_ending.title if historical_ending else None,
        history_text=_text(historical_ending.text, game) if historical_ending else None,
        history_fates=history_fates,
        steps=build_steps(scenario, game),
        votes=tuple(game.votes),
        notes=played,
        questions=scenario.debrief_questions,
        sources=sources,
        map=story_map(scenario, game.scenes, game.ending),
        verdict=verdict(
            scenario,
            winner_of(scenario, ending.id),
            side,
            next(
                (
                    t.label
                    for t in reversed(game.trail)
                    if t.seat == side and t.by == "player" and scenario.concedes(t.phase, t.choice)
                ),
                None,
            ),
        ),
        targets=tuple(t for t in game.targets() if t.side == side),
    )


VOTE_WORDS = {"for": "for", "against": "against", "abstain": "abstains"}
MET = {True: "met", False: "not met"}
NO_REASON = "no reason given"  # a student's ballot cast without a "why"
BY_THE_RULES = "the scenario's rules"  # whose reason a scripted voter's is, in a class's record
STUDENTS_QUOTED = (
    "A student's own reason is in quotation marks; every other reason is the scenario's."
)


def ballot_why(ballot: ev.Ballot) -> str:
    """Why a voter voted as they did: the reason, or, for a ballot cast without one (a
    student's, in class), that none was given; never words nobody said."""
    return ballot.why or NO_REASON


def class_ballot(ballot: ev.Ballot, vote: ev.VoteHeld) -> tuple[str, str]:
    """A ballot in a class's record, kept apart by whose words its reason is: (what follows
    the vote word, the text). A student's own reason (the vote's record names who cast their
    own ballot) is quoted, or "no reason given"; a reason the scenario's rules gave is
    labelled as theirs; a vote not cast in time says so itself ("Did not vote in time; the
    scenario's rules cast this vote: ...")."""
    from presidium.ballots import NOT_VOTED

    if ballot.voter in vote.own:
        return ("", f"\u201c{ballot.why}\u201d") if ballot.why else (f" ({NO_REASON})", "")
    if ballot.reason.startswith(NOT_VOTED):
        return "", ballot.why
    return f" ({BY_THE_RULES})", ballot.why


def markdown(debrief: Debrief) -> str:
    d = debrief
    lines = [f"# Debrief: {_md(d.title)}", ""]
    lines += [f"Side played: {_md(d.side)}. Seed: {d.seed}.", ""]
    lines += markdown_ending(d)
    lines += markdown_map(d.map)
    lines += markdown_steps(d.steps, "Your path beside history")
    lines += markdown_votes(d.votes)
    lines += markdown_history(d)
    lines += markdown_notes(d.notes)
    lines += markdown_questions(d.questions)
    lines += markdown_sources(d.sources)
    return "\n".join(lines)


def _kind(ending_kind: str) -> str:
    if ending_kind == "historical":
        return "the historical outcome"
    return "a counterfactual ending (invented)"


def markdown_ending(d: Debrief) -> list[str]:
    """The ending the game reached and what became of each actor in it."""
    lines = [f"## The ending: {_md(d.ending_title)}", "", f"*{_kind(d.ending_kind)}*", ""]
    if d.verdict:
        lines += [f"**{_md(d.verdict)}**", ""]
    lines += [_md(d.ending_text), ""]
    lines += [f"- **{_md(f.name)}**: {_md(f.text)}" for f in d.fates] + [""]
    if d.targets:
        lines += ["Your targets as the game ended:", ""]
        lines += [f"- {_md(t.label)}: {MET[t.met]}" for t in d.targets] + [""]
    return lines


def markdown_map(m: StoryMap | None) -> list[str]:
    """The map: a line a date, the path taken in bold, other scenes plain, then the endings."""
    if m is None:
        return []
    lines = ["## Your path on the map", "", MAP_KEY, ""]
    for row in m.rows:
        if not row.scenes:
            lines.append(f"- {folded_text(row)}")
            continue
        scenes = " · ".join(
            f"● **{_md(s.title)}**" if s.visited else f"○ {_md(s.title)}" for s in row.scenes
        )
        more = f" {more_text(row)}" if row.hidden else ""
        lines.append(f"- *{_md(row.when)}*: {scenes}{more}")
    ends = " · ".join(f"{mark} {_md(text)}" for mark, text in endings_text(m))
    return [*lines, f"- *Endings*: {ends}", ""]


def _beside(s: Step) -> str:
    if s.as_in_history is False:
        return f"**diverged** ({_md(s.why or '')}); history: {_md(s.historical or '')}"
    return _md(beside_text(s))


def beside_text(s: Step) -> str:
    """What stands beside history for a step that did not leave it, as plain text: "as in
    history" (or nothing, where history records nothing), and a vote's count beside
    history's ("as in history (the class's vote: 83 for, 3 against, 0 abstaining); history:
    unanimous, with Molotov abstaining")."""
    said = "as in history" if s.as_in_history else ""
    if s.count:
        said = f"{said} ({s.count})" if said else s.count
    if s.history_count:
        said += f"; history: {s.history_count}"
    return said


def markdown_steps(steps: Iterable[Step], heading: str) -> list[str]:
    """The decisions as a table, each beside what history did."""
    lines = [f"## {heading}", ""]
    lines += ["| When | Scene | Who | Choice | Beside history |", "|---|---|---|---|---|"]
    for s in steps:
        choice = _md(s.choice) + (f" ({_md(s.chance)})" if s.chance else "")
        lines.append(f"| {_md(s.when)} | {_md(s.scene)} | {_md(s.who)} | {choice} | {_beside(s)} |")
    lines.append("")
    return lines


def vote_heading(vote: ev.VoteHeld) -> str:
    """A vote's heading, labelled as the screen labels it when the vote is counterfactual."""
    return f"{COUNTERFACTUAL_MARK}{vote.title}" if vote.counterfactual else vote.title


def markdown_vote(
    vote: ev.VoteHeld,
    heading: str = "###",
    in_class: bool = False,
    note: str = "",
) -> list[str]:
    """One vote, voter by voter with each one's reason, then the result. ``in_class``: a
    class's record, whose students' own reasons are kept apart from the scenario's (see
    ``class_ballot``); ``note``: a line said under the motion (a secret ballot revealed)."""
    result = "passed" if vote.passed else "failed"
    lines = [f"{heading} {_md(vote_heading(vote))}", "", f"Motion: {_md(vote.motion)}", ""]
    if note:
        lines += [f"*{_md(note)}*", ""]
    for b in vote.ballots:
        whose, text = class_ballot(b, vote) if in_class else ("", ballot_why(b))
        said = f": {_md(text)}" if text else ""
        lines.append(f"- **{_md(b.name)}** {VOTE_WORDS[b.vote]}{_md(whose)}{said}")
    lines += [
        f"- **{_md(b.label)}**: {b.votes_for} for, {b.votes_against} against, {b.abstentions} abstaining. {_md(b.reason)}"
        for b in vote.blocs
    ]
    return [
        *lines,
        "",
        f"Result: {vote.votes_for} for, {vote.votes_against} against, {vote.abstentions} abstaining; the motion {result}.",
        "",
    ]


def markdown_votes(votes: Iterable[ev.VoteHeld]) -> list[str]:
    held = list(votes)
    if not held:
        return []
    lines = ["## The votes, voter by voter", ""]
    for vote in held:
        lines += markdown_vote(vote)
    return lines


def markdown_list(heading: str, items: Iterable[str]) -> list[str]:
    """A heading (with its #s) and a bulleted list of items already escaped; nothing when
    there are no items."""
    listed = list(items)
    return [heading, "", *(f"- {item}" for item in listed), ""] if listed else []


def markdown_history(d: Debrief) -> list[str]:
    """What really happened, when the game ended otherwise, and what became of them."""
    lines = []
    if not d.historical and d.history_title:
        lines += [
            f"## What really happened: {_md(d.history_title)}",
            "",
            _md(d.history_text or ""),
            "",
        ]
    return lines + markdown_list(
        "## What really became of them",
        (
            f"**{_md(f.name)}**: {_md(f.text)} (*{f.confidence_label}*) [{', '.join(f.sources)}]"
            for f in d.history_fates
        ),
    )


def markdown_notes(notes: Iterable[SceneNotes]) -> list[str]:
    played = list(notes)
    if not played:
        return []
    lines = ["## The history behind the scenes you played", ""]
    for scene in played:
        lines += markdown_list(
            f"### {_md(scene.scene)}",
            (f"*{n.confidence}*: {_md(n.text)} [{', '.join(n.sources)}]" for n in scene.notes),
        )
    return lines


def markdown_questions(
    questions: Iterable[str], heading: str = "Questions for discussion"
) -> list[str]:
    asked = list(questions)
    if not asked:
        return []
    return [f"## {heading}", ""] + [f"{n}. {_md(q)}" for n, q in enumerate(asked, 1)] + [""]


def markdown_sources(sources: Iterable[tuple[str, str, str]]) -> list[str]:
    """The sources cited, what their grades mean, and what the confidence labels mean."""
    cited = list(sources)
    lines = []
    if cited:
        lines += ["## Sources", ""]
        lines += [f"- **{s}**: {_md(cite)} (grade {grade})" for s, cite, grade in cited] + [""]
        lines += [f"Source grades: {GRADE_LEGEND}.", ""]
    lines += [f"Confidence labels: {confidence_legend(lambda label: f'*{label}*')}.", ""]
    return lines


STYLE = """
body { font-family: Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
.diverged { font-weight: bold; }
.kind { font-style: italic; }
.map { list-style: none; padding-left: 0; }
.map .other { color: #777; }
@media print { body { margin: 0; } a { color: inherit; } }
"""


escape = html_text  # text from a scenario, a save or a keyboard, safe inside HTML


def html_page(title: str, body: Iterable[str]) -> str:
    """A whole printable page around ``body``."""
    e = escape
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{e(title)}</title><style>{STYLE}</style></head><body>",
            *body,
            "</body></html>",
            "",
        ]
    )


def html(debrief: Debrief) -> str:
    d = debrief
    e = escape
    out = [
        f"<h1>Debrief: {e(d.title)}</h1>",
        f"<p>Side played: {e(d.side)}. Seed: {d.seed}.</p>",
    ]
    out += html_ending(d)
    out += html_map(d.map)
    out += html_steps(d.steps, "Your path beside history")
    out += html_votes(d.votes)
    out += html_history(d)
    out += html_notes(d.notes)
    out += html_questions(d.questions)
    out += html_sources(d.sources)
    return html_page(f"Debrief: {d.title}", out)


def html_ending(d: Debrief) -> list[str]:
    e = escape
    out = [
        f"<h2>The ending: {e(d.ending_title)}</h2>",
        f'<p class="kind">{e(_kind(d.ending_kind))}</p>',
    ]
    if d.verdict:
        out.append(f"<p><strong>{e(d.verdict)}</strong></p>")
    out += [f"<p>{e(p)}</p>" for p in d.ending_text.split("\n\n")]
    out += ["<ul>"]
    out += [f"<li><strong>{e(f.name)}</strong>: {e(f.text)}</li>" for f in d.fates]
    out += ["</ul>"]
    if d.targets:
        out += ["<p>Your targets as the game ended:</p>", "<ul>"]
        out += [f"<li>{e(t.label)}: {MET[t.met]}</li>" for t in d.targets]
        out += ["</ul>"]
    return out


def html_map(m: StoryMap | None) -> list[str]:
    """The map as a list a date: the path taken in bold, other scenes in grey."""
    if m is None:
        return []
    e = escape
    out = ["<h2>Your path on the map</h2>", f"<p>{e(MAP_KEY)}</p>", '<ul class="map">']
    for row in m.rows:
        if not row.scenes:
            out.append(f'<li class="other">{e(folded_text(row))}</li>')
            continue
        scenes = " · ".join(
            f'<strong class="path">● {e(s.title)}</strong>'
            if s.visited
            else f'<span class="other">○ {e(s.title)}</span>'
            for s in row.scenes
        )
        more = f' <span class="other">{e(more_text(row))}</span>' if row.hidden else ""
        out.append(f"<li><em>{e(row.when)}</em>: {scenes}{more}</li>")
    ends = " · ".join(f"{mark} {e(text)}" for mark, text in endings_text(m))
    return [*out, f"<li><em>Endings</em>: {ends}</li>", "</ul>"]


def html_steps(steps: Iterable[Step], heading: str) -> list[str]:
    e = escape
    out = [
        f"<h2>{e(heading)}</h2>",
        "<table><tr><th>When</th><th>Scene</th><th>Who</th><th>Choice</th><th>Beside history</th></tr>",
    ]
    for s in steps:
        choice = e(s.choice) + (f" ({e(s.chance)})" if s.chance else "")
        if s.as_in_history is not False:
            beside = e(beside_text(s))
        else:
            beside = (
                f'<span class="diverged">diverged</span> ({e(s.why or "")}); '
                f"history: {e(s.historical or '')}"
            )
        out.append(
            f"<tr><td>{e(s.when)}</td><td>{e(s.scene)}</td><td>{e(s.who)}</td><td>{choice}</td><td>{beside}</td></tr>"
        )
    out.append("</table>")
    return out


def html_vote(
    vote: ev.VoteHeld,
    heading: str = "h3",
    in_class: bool = False,
    note: str = "",
) -> list[str]:
    """One vote, as ``markdown_vote`` lays it out."""
    e = escape
    out = [
        f"<{heading}>{e(vote_heading(vote))}</{heading}>",
        f"<p>Motion: {e(vote.motion)}</p>",
    ]
    if note:
        out.append(f"<p><em>{e(note)}</em></p>")
    out.append("<ul>")
    for b in vote.ballots:
        whose, text = class_ballot(b, vote) if in_class else ("", ballot_why(b))
        said = f": {e(text)}" if text else ""
        out.append(f"<li><strong>{e(b.name)}</strong> {VOTE_WORDS[b.vote]}{e(whose)}{said}</li>")
    out += [
        f"<li><strong>{e(b.label)}</strong>: {b.votes_for} for, {b.votes_against} against, "
        f"{b.abstentions} abstaining. {e(b.reason)}</li>"
        for b in vote.blocs
    ]
    result = "passed" if vote.passed else "failed"
    return [
        *out,
        "</ul>",
        f"<p>Result: {vote.votes_for} for, {vote.votes_against} against, {vote.abstentions} abstaining; the motion {result}.</p>",
    ]


def html_votes(votes: Iterable[ev.VoteHeld]) -> list[str]:
    held = list(votes)
    if not held:
        return []
    out = ["<h2>The votes, voter by voter</h2>"]
    for vote in held:
        out += html_vote(vote)
    return out


def html_list(heading: str, items: Iterable[str]) -> list[str]:
    """A heading (its tags written) and a bulleted list of items already escaped; nothing
    when there are no items."""
    listed = list(items)
    return [heading, "<ul>", *(f"<li>{item}</li>" for item in listed), "</ul>"] if listed else []


def html_history(d: Debrief) -> list[str]:
    e = escape
    out = []
    if not d.historical and d.history_title:
        out += [f"<h2>What really happened: {e(d.history_title)}</h2>"]
        out += [f"<p>{e(p)}</p>" for p in (d.history_text or "").split("\n\n")]
    return out + html_list(
        "<h2>What really became of them</h2>",
        (
            f"<strong>{e(f.name)}</strong>: {e(f.text)} "
            f"<em>({e(f.confidence_label)})</em> [{e(', '.join(f.sources))}]"
            for f in d.history_fates
        ),
    )


def html_notes(notes: Iterable[SceneNotes]) -> list[str]:
    e = escape
    played = list(notes)
    if not played:
        return []
    out = ["<h2>The history behind the scenes you played</h2>"]
    for scene in played:
        out += html_list(
            f"<h3>{e(scene.scene)}</h3>",
            (
                f"<em>{e(n.confidence)}</em>: {e(n.text)} [{e(', '.join(n.sources))}]"
                for n in scene.notes
            ),
        )
    return out


def html_questions(
    questions: Iterable[str], heading: str = "Questions for discussion"
) -> list[str]:
    asked = list(questions)
    if not asked:
        return []
    return (
        [f"<h2>{escape(heading)}</h2>", "<ol>"]
        + [f"<li>{escape(q)}</li>" for q in asked]
        + ["</ol>"]
    )


def html_sources(sources: Iterable[tuple[str, str, str]]) -> list[str]:
    e = escape
    cited = list(sources)
    out = []
    if cited:
        out += ["<h2>Sources</h2>", "<ul>"]
        out += [
            f"<li><strong>{e(s)}</strong>: {e(cite)} (grade {e(grade)})</li>"
            for s, cite, grade in cited
        ]
        out += ["</ul>", f"<p><em>Source grades</em>: {e(GRADE_LEGEND)}.</p>"]
    return [*out, f"<p><em>Confidence labels</em>: {e(confidence_legend())}.</p>"]
