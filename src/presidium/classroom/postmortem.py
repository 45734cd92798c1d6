"""The post-mortem of a class's game: the debrief, as a class needs it after the bell.

It builds on ``presidium.debrief`` (the ending, history's path and fates, the scenes' notes,
the sources) and adds what only a class has: who decided each step (a role, the script, a
show of hands, the teacher's overrule, the script at the bell), every vote voter by voter with
the students' own reasons, the arguments put to the undecided and how the teacher rated them,
the teacher's injections and rulings, each role's objectives achieved or failed, and each
role's reflection questions beside the scenario's. A secret ballot stays a tally, as it was in
the room, unless the teacher revealed it or asks for ``--reveal``.

``build`` gathers it from a session rebuilt from its log; ``markdown`` and ``html`` make the
handouts, and ``show`` puts it on the terminal (the projector). All text from the scenario,
the save and the keyboard is made printable, and escaped in HTML and Markdown.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from presidium import debrief, objectives
from presidium import events as ev
from presidium.classroom.session import Session
from presidium.debrief import Debrief, Step, escape
from presidium.engine import Game, TrailEntry, winner_of
from presidium.model import Scenario
from presidium.printable import markdown as _md
from presidium.seating import role_of, seat_name

SECRET_NOTE = "a secret ballot: only the totals are known"


@dataclass(frozen=True)
class VoteRecord:
    held: ev.VoteHeld  # as the post-mortem shows it
    secret: bool  # a secret ballot shown as its totals only
    note: str = ""  # how a secret ballot came to be shown voter by voter


@dataclass(frozen=True)
class Argument:
    who: str
    target: str
    text: str
    strength: int | None  # the teacher's rating, 1 to 5 (None: never rated)
    percent: int | None
    roll: int | None
    success: bool | None
    stance: str | None  # the target's stance afterwards


@dataclass(frozen=True)
class FloorEntry:
    """A stance declared or a move made on the floor, as it resolved."""

    minute: int | None
    who: str
    text: str


@dataclass(frozen=True)
class Intervention:
    """A teacher's injection or ruling, or a seat handed to the script or back."""

    # "injection", "set", "overrule", "undo", "pause", "resume", "script" (a seat handed to
    # the script), "student" (and back), "conclude", "reveal"
    kind: str
    text: str
    detail: str  # the reason said, or "counterfactual" (an injected event)
    minute: int | None  # minutes into the session (None: before the first action)
    sources: tuple[str, ...] = ()  # an injected event's, cited as the debrief cites
    undone: str = ""  # "taken back at minute 5": a later undo or overrule took it back

    @property
    def label(self) -> str:
        """What kind of entry it is, and when: "Ruling (minute 12)"."""
        word = KIND_WORDS.get(self.kind, self.kind)
        return word if self.minute is None else f"{word} (minute {self.minute})"

    def line(self, cite: Callable[[tuple[str, ...]], str] = lambda ids: "") -> str:
        """The entry after its label: what was done, and why or on what authority
        (``cite`` writes an injected event's sources), and whether it was taken back."""
        said = self.text
        if self.kind == "injection":
            said += f" ({self.detail})" if self.detail else cite(self.sources)
        elif self.detail:
            said += f". Reason: {self.detail}"
        return f"{said} ({self.undone})" if self.undone else said


@dataclass(frozen=True)
class RoleReport:
    seat: str
    name: str
    results: tuple[ev.ObjectiveResult, ...]
    reflect: tuple[str, ...]


@dataclass(frozen=True)
class PostMortem:
    debrief: Debrief  # the class's game as the solo debrief sees it, steps in class words
    mode: str
    students: int
    votes: tuple[VoteRecord, ...]
    arguments: tuple[Argument, ...]
    floor: tuple[FloorEntry, ...]
    interventions: tuple[Intervention, ...]
    roles: tuple[RoleReport, ...]
    revealed: bool  # secret ballots shown voter by voter (--reveal)


def who_decided(scenario: Scenario, entry: TrailEntry) -> str:
    """Who took a step, in words: a role, the script, hands, the teacher, the bell."""
    by = entry.by
    if by.startswith("role:"):
        return seat_name(scenario, by[len("role:") :])
    seat = scenario.seat_name(entry.seat)
    return {
        "script": f"{seat}, by the script",
        "hands": f"{seat}, by a show of hands",
        "teacher": "the teacher, overruling",
        "conclude": f"{seat}, by the script at the bell",
        "player": "the player",
    }.get(by, by)


def _why(entry: TrailEntry, step: Step) -> str | None:
    if step.why is None or entry.choice == entry.historical_choice:
        return step.why
    if entry.historical_closed is not None:
        return step.why
    if entry.by.startswith("role:"):
        return "the class's decision"
    return {
        "hands": "the class's show of hands",
        "teacher": "the teacher's overrule",
        "conclude": "the script chose otherwise after the bell",
    }.get(entry.by, step.why)


def _steps(scenario: Scenario, game: Game) -> tuple[Step, ...]:
    """The class's decisions and ballots, in the order taken, each beside history."""

    def step(entry: TrailEntry) -> Step:
        made = debrief._step(scenario, entry)
        return dataclasses.replace(made, who=who_decided(scenario, entry), why=_why(entry, made))

    return debrief.path(scenario, game, step, debrief.CLASS_VOTE, counts=True)


def _votes(scenario: Scenario, session: Session, reveal: bool) -> tuple[VoteRecord, ...]:
    sealed = [e for e in session.events if isinstance(e, ev.VoteHeld) and ev.SEALED in e.to]
    revealed = {v: _minute(session, n) for n, v in _reveals(scenario, session)[0].items()}
    records = []
    for held in session.game.votes:
        vote = scenario.votes.get(held.vote)
        secret = vote is not None and vote.ballot == "secret" and not held.ballots
        note = ""
        if vote is not None and vote.ballot == "secret" and held.ballots:
            note = f"A secret ballot, revealed by the teacher{_at(revealed.get(held.vote))}."
        if secret:
            full = next(
                (
                    s
                    for s in sealed
                    if s.vote == held.vote
                    and (s.votes_for, s.votes_against, s.abstentions, s.passed)
                    == (held.votes_for, held.votes_against, held.abstentions, held.passed)
                ),
                None,
            )
            if full is not None:
                sealed.remove(full)
                if reveal:
                    held, secret = dataclasses.replace(full, to=()), False
                    note = "A secret ballot, never revealed in class: shown here by --reveal."
        records.append(VoteRecord(held, secret, note))
    return tuple(records)


def _at(minute: int | None) -> str:
    return "" if minute is None else f" at minute {minute}"


def _reveals(scenario: Scenario, session: Session) -> tuple[dict[int, str], int | None]:
    """What the teacher's 'reveal' made public, by the index of its event in the session:
    each secret ballot (its vote's title), and where the objectives were (None: never)."""
    gone = ev.taken_back(session.events)
    ballots: dict[int, str] = {}
    objectives_at: int | None = None
    shown: set[str] = set()
    benches = session.seating.mode == "benches"  # its scores are public from the start
    for n, e in enumerate(session.events):
        if n in gone or e.to:
            continue
        if isinstance(e, ev.VoteHeld) and e.ballots and e.vote not in shown:
            vote = scenario.votes.get(e.vote)
            if vote is not None and vote.ballot == "secret":
                shown.add(e.vote)
                ballots[n] = e.vote
        elif isinstance(e, ev.ObjectivesScored) and objectives_at is None and not benches:
            objectives_at = n
    return ballots, objectives_at


def _arguments(session: Session) -> tuple[Argument, ...]:
    gone = ev.taken_back(session.events)
    kept = [e for n, e in enumerate(session.events) if n not in gone]
    rated = {e.request: e for e in kept if isinstance(e, ev.Rated)}
    found = []
    for e in kept:
        if isinstance(e, ev.Argued):
            r = rated.get(e.request)
            found.append(
                Argument(
                    e.name,
                    e.target_name,
                    e.text,
                    r.strength if r else None,
                    r.percent if r else None,
                    r.roll if r else None,
                    r.success if r else None,
                    r.stance_label if r else None,
                )
            )
    return tuple(found)


def _minute(session: Session, index: int) -> int | None:
    at = session.time_of(index)
    return None if at is None else at // 60_000


def _floor(session: Session) -> tuple[FloorEntry, ...]:
    found = []
    gone = ev.taken_back(session.events)
    for n, e in enumerate(session.events):
        if n in gone:
            continue
        if isinstance(e, ev.Declared):
            found.append(FloorEntry(_minute(session, n), e.name, f"declared a stance: {e.label}"))
        elif isinstance(e, ev.MoveResolved):
            text = f"{e.label}. {' '.join(e.text.split())}".rstrip()
            if e.chance is not None:
                percent, roll, success = e.chance
                text += (
                    f" ({percent}% chance: rolled {roll}, {'succeeded' if success else 'failed'})"
                )
            if e.counterfactual:
                text += " (counterfactual)"
            if e.to:
                text += " (private to the role during play)"
            found.append(FloorEntry(_minute(session, n), e.name, text))
    return tuple(found)


def _retracted_by(events: list[ev.Event]) -> dict[int, int]:
    """Each event a later undo or overrule took back (``events.taken_back``), by its index,
    with the index of the ruling that first took it back."""
    gone = ev.taken_back(events)
    by: dict[int, int] = {}
    for n, e in enumerate(events):
        if isinstance(e, ev.Ruling) and e.retracts is not None:
            for i in range(e.retracts, n):
                if i in gone:
                    by.setdefault(i, n)
    return by


def _interventions(scenario: Scenario, session: Session) -> tuple[Intervention, ...]:
    """Every ruling the teacher made, in the order made: one a later undo or overrule took
    back is listed where it was made, and said to be taken back, and the undo names it, so
    the list never reads as if another entry had been withdrawn."""
    found: list[tuple[int, Intervention]] = []
    retracted = _retracted_by(session.events)
    ballots, objectives_at = _reveals(scenario, session)
    for n, e in enumerate(session.events):
        minute = _minute(session, n)
        made: Intervention | None = None
        if isinstance(e, ev.VoteHeld) and n in ballots:
            text = f"The teacher revealed the secret ballot \u201c{e.title}\u201d, voter by voter"
            made = Intervention("reveal", text, "", minute)
        elif n == objectives_at:  # said once, for every role
            text = "The teacher revealed every role's objectives, and whether each was met"
            made = Intervention("reveal", text, "", minute)
        elif isinstance(e, ev.Injected):
            detail = "counterfactual" if e.counterfactual else ""
            made = Intervention("injection", e.label, detail, minute, e.sources)
        elif isinstance(e, ev.Ruling):
            text = e.text
            if e.kind == "undo" and e.retracts is not None:
                named = [i for at, i in found if at >= e.retracts and retracted.get(at) == n]
                if named:
                    text = f"{text.rstrip('.')}: " + "; ".join(_named(i) for i in named) + "."
            made = Intervention(e.kind, text, e.reason, minute)
        elif isinstance(e, ev.SeatChanged):
            held = "back to a student" if e.held else "to the script"
            kind = "student" if e.held else "script"
            made = Intervention(kind, f"{e.name} went {held}", "", minute)
        elif isinstance(e, ev.Paused):
            made = Intervention("pause", "The teacher paused the game", e.reason, minute)
        elif isinstance(e, ev.Resumed):
            made = Intervention("resume", "The game went on", "", minute)
        elif isinstance(e, ev.Concluded):
            text = "The bell: the script played on to the end"
            made = Intervention("conclude", text, "", minute)
        if made is not None and n in retracted:
            when = _minute(session, retracted[n])
            made = dataclasses.replace(made, undone="taken back" + _at(when))
        if made is not None:
            found.append((n, made))
    return tuple(i for _, i in found)


def _named(entry: Intervention) -> str:
    """An entry taken back, as its undo names it: "Marshal Konev speaks (minute 5)"."""
    return entry.text if entry.minute is None else f"{entry.text} (minute {entry.minute})"


def _roles(
    scenario: Scenario, session: Session, votes: tuple[VoteRecord, ...]
) -> tuple[RoleReport, ...]:
    """Each seated role's objectives, scored again knowing what the post-mortem shows: a
    secret ballot revealed (in class, or by ``--reveal``) no longer leaves one unknown."""
    game = session.game
    scored = {e.seat: e.results for e in session.events if isinstance(e, ev.ObjectivesScored)}
    if game.ending is not None and scored:
        sealed = frozenset(r.held.vote for r in votes if r.secret)
        scored = {
            e.seat: e.results
            for e in objectives.score(
                scenario, session.seating, game.values, game.ending, game.ballots, sealed
            )
        }
    reports = []
    for seat in session.seating.seats:
        role = scenario.roles.get(role_of(seat))
        if role is None:
            continue
        reports.append(
            RoleReport(seat, seat_name(scenario, seat), scored.get(seat, ()), role.reflect)
        )
    return tuple(reports)


def _sources(
    scenario: Scenario, session: Session, base: Debrief
) -> tuple[tuple[str, str, str], ...]:
    cited = {s for s, _cite, _grade in base.sources}
    for e in session.events:
        if isinstance(e, ev.Injected | ev.Revealed):
            cited |= set(e.sources)
    return tuple(
        (s, scenario.sources[s].cite, scenario.sources[s].grade)
        for s in sorted(cited)
        if s in scenario.sources
    )


def build(scenario: Scenario, session: Session, reveal: bool = False) -> PostMortem:
    """The post-mortem of a class's game that has ended."""
    game = session.game
    seats = session.seating.seats
    side = next((s for s in scenario.sides if s in game.humans), next(iter(scenario.sides)))
    base = debrief.build(scenario, game, side)
    mode = session.seating.mode
    played = {"roles": "roles", "benches": "benches", "solo": "one side"}.get(mode, mode)
    assert game.ending is not None
    base = dataclasses.replace(
        base,
        side=f"a class of {session.seating.students} in {played} ({len(seats)} seats)",
        verdict=debrief.verdict(scenario, winner_of(scenario, game.ending), None),
        steps=_steps(scenario, game),
        votes=(),
        sources=_sources(scenario, session, base),
    )
    votes = _votes(scenario, session, reveal)
    return PostMortem(
        debrief=base,
        mode=mode,
        students=session.seating.students,
        votes=votes,
        arguments=_arguments(session),
        floor=_floor(session),
        interventions=_interventions(scenario, session),
        roles=_roles(scenario, session, votes),
        revealed=reveal,
    )


# ---------------------------------------------------------------------------- words shared


def vote_total(record: VoteRecord) -> str:
    v = record.held
    result = "passed" if v.passed else "failed"
    return (
        f"Result: {v.votes_for} for, {v.votes_against} against, {v.abstentions} abstaining; "
        f"the motion {result}."
    )


def argument_result(a: Argument) -> str:
    if a.strength is None:
        return "not rated"
    outcome = "persuaded" if a.success else "not persuaded"
    stance = f"; now {a.stance}" if a.stance else ""
    return f"rated {a.strength} of 5, a {a.percent}% chance: rolled {a.roll}, {outcome}{stance}"


def achieved_word(result: ev.ObjectiveResult) -> str:
    if result.achieved is None:
        return "Unknown (it depends on a secret ballot)"
    return "Achieved" if result.achieved else "Failed"


KIND_WORDS = {
    "injection": "Injected",
    "set": "Ruling",
    "overrule": "Overruled",
    "undo": "Taken back",
    "pause": "Paused",
    "resume": "Resumed",
    "script": "Script",
    "student": "Back to a student",
    "reveal": "Revealed",
    "conclude": "Concluded",
}


def floor_label(entry: FloorEntry) -> str:
    return entry.who if entry.minute is None else f"{entry.who} (minute {entry.minute})"


def reflection(pm: PostMortem) -> list[tuple[str, tuple[str, ...]]]:
    """(whose, questions): the scenario's questions, then each role's own."""
    asked = [("Questions for discussion", pm.debrief.questions)]
    asked += [(f"For {r.name}", r.reflect) for r in pm.roles if r.reflect]
    return [(who, questions) for who, questions in asked if questions]


def handout_cite(ids: tuple[str, ...]) -> str:
    """Sources in a handout, as its history notes cite them: " [id, id]", each id the key
    of its entry in the handout's list of sources."""
    return f" [{', '.join(ids)}]" if ids else ""


def class_sections(
    pm: PostMortem, e: Callable[[str], str], strong: Callable[[str], str]
) -> list[tuple[str, list[str]]]:
    """(heading, items) of what only a class has: the arguments, the floor and the
    teacher's entries, their text escaped by ``e`` and their names set off by ``strong``;
    the Markdown and the HTML handouts lay them out alike."""
    return [
        (
            "Arguments put to the undecided",
            [
                f"{strong(e(a.who))} to {strong(e(a.target))}: \u201c{e(a.text)}\u201d "
                f"({e(argument_result(a))})"
                for a in pm.arguments
            ],
        ),
        ("On the floor", [f"{strong(e(floor_label(f)))}: {e(f.text)}" for f in pm.floor]),
        (
            "The teacher's injections and rulings",
            [f"{strong(e(i.label))}: {e(i.line(handout_cite))}" for i in pm.interventions],
        ),
    ]


def objective_items(
    role: RoleReport, e: Callable[[str], str], strong: Callable[[str], str]
) -> list[str]:
    """Each objective of a role: achieved, failed or unknown, what it was, and the comment."""
    return [
        f"{strong(e(achieved_word(o)))}: {e(o.text)}" + (f" {e(o.comment)}" if o.comment else "")
        for o in role.results
    ]


# ---------------------------------------------------------------------------- Markdown


def markdown(pm: PostMortem) -> str:
    d = pm.debrief
    lines = [f"# Post-mortem: {_md(d.title)}", ""]
    lines += [f"Played by {_md(d.side)}. Seed: {d.seed}.", ""]
    lines += debrief.markdown_ending(d)
    lines += debrief.markdown_steps(d.steps, "The class's path beside history")
    if pm.votes:
        lines += ["## The votes, voter by voter", "", debrief.STUDENTS_QUOTED, ""]
        for record in pm.votes:
            if record.secret:
                v = record.held
                lines += [f"### {_md(debrief.vote_heading(v))}", "", f"Motion: {_md(v.motion)}", ""]
                lines += [f"*{SECRET_NOTE}.*", "", vote_total(record), ""]
            else:
                lines += debrief.markdown_vote(record.held, "###", True, record.note)
    for heading, items in class_sections(pm, _md, lambda t: f"**{t}**"):
        lines += debrief.markdown_list(f"## {heading}", items)
    if pm.roles:
        lines += ["## Each role's objectives", ""]
        for r in pm.roles:
            items = objective_items(r, _md, lambda t: f"**{t}**")
            listed = debrief.markdown_list(f"### {_md(r.name)}", items)
            lines += listed or [f"### {_md(r.name)}", "", "No objectives.", ""]
    lines += debrief.markdown_history(d)
    lines += debrief.markdown_notes(d.notes)
    for heading, questions in reflection(pm):
        lines += debrief.markdown_questions(questions, heading)
    lines += debrief.markdown_sources(d.sources)
    return "\n".join(lines)


# ---------------------------------------------------------------------------- HTML


def html(pm: PostMortem) -> str:
    d, e = pm.debrief, escape
    out = [f"<h1>Post-mortem: {e(d.title)}</h1>", f"<p>Played by {e(d.side)}. Seed: {d.seed}.</p>"]
    out += debrief.html_ending(d)
    out += debrief.html_steps(d.steps, "The class's path beside history")
    if pm.votes:
        out += ["<h2>The votes, voter by voter</h2>", f"<p>{e(debrief.STUDENTS_QUOTED)}</p>"]
        for record in pm.votes:
            if record.secret:
                v = record.held
                out += [f"<h3>{e(debrief.vote_heading(v))}</h3>", f"<p>Motion: {e(v.motion)}</p>"]
                out += [f"<p><em>{e(SECRET_NOTE)}.</em></p>", f"<p>{e(vote_total(record))}</p>"]
            else:
                out += debrief.html_vote(record.held, "h3", True, record.note)
    for heading, items in class_sections(pm, e, lambda t: f"<strong>{t}</strong>"):
        out += debrief.html_list(f"<h2>{heading}</h2>", items)
    if pm.roles:
        out.append("<h2>Each role's objectives</h2>")
        for r in pm.roles:
            items = objective_items(r, e, lambda t: f"<strong>{t}</strong>")
            listed = debrief.html_list(f"<h3>{e(r.name)}</h3>", items)
            out += listed or [f"<h3>{e(r.name)}</h3>", "<p>No objectives.</p>"]
    out += debrief.html_history(d)
    out += debrief.html_notes(d.notes)
    for heading, questions in reflection(pm):
        out += debrief.html_questions(questions, heading)
    out += debrief.html_sources(d.sources)
    return debrief.html_page(f"Post-mortem: {d.title}", out)


# ---------------------------------------------------------------------------- the command


def debrief_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``presidium class debrief SESSION [-o FILE.md|.html] [--reveal]``."""
    from presidium import saves
    from presidium.classroom import folder
    from presidium.errors import UsageError

    target = Path(args.output) if args.output else None
    if target is not None and target.suffix.lower() not in (".md", ".html", ".htm"):
        raise UsageError(f"-o writes .md or .html, not {target.suffix or 'a file without one'}")
    place = folder.locate(args.session)
    opened, _save, session = folder.load(place)
    if not session.game.over:
        # as the console said on the way out: a class played on phones goes on with 'serve'
        how = (
            "'presidium class serve --resume' (or 'class run --resume' at one keyboard)"
            if (place / folder.WEB_FILE).is_file()
            else "'presidium class run --resume'"
        )
        raise saves.SaveError(
            f"the game of {place} has not ended yet: go on with it with {how}, or type "
            "'conclude' at the console to play it to an ending"
        )
    pm = build(opened.scenario, session, reveal=args.reveal)
    if target is None:
        from presidium.ui.postmortem import show

        show(pm, opened.scenario, out)
        return 0
    text = markdown(pm) if target.suffix.lower() == ".md" else html(pm)
    try:
        saves.write_atomically(text.encode("utf-8"), target)
    except saves.SaveError as exc:
        raise saves.SaveError(f"cannot write the post-mortem: {exc}") from None
    out.write(f"The post-mortem is in {target}.\n")
    return 0
