"""The paper side of a class: the deal (``class cast``) and the handouts (``class sheets``).

A teacher prints before the lesson: one page a role (brief, secret objectives, private
knowledge, moves), sealed envelopes to open at a given scene, vote cards and ballot slips, a
public who's-who, and the teacher's own run sheet with the answer key. Everything is made from
the same compiled scenario the game plays, so the paper and the game cannot disagree.

``build`` gathers what the handouts say; ``markdown`` and ``html`` lay it out (the same
content in both). Every piece of scenario text goes through ``printable`` on its way out.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from presidium import seating as seats_
from presidium.classroom.console import key_of
from presidium.conditions import Compiled, CompiledEffect
from presidium.debrief import format_date
from presidium.errors import PresidiumError, UsageError
from presidium.model import (
    RATINGS,
    Knowledge,
    Move,
    Role,
    Scenario,
    Vote,
)
from presidium.seating import CastingError, Seating
from presidium.template import outline

BALLOT_WORDS = {
    "open": "Open: each vote is called out as it is cast",
    "simultaneous": "Simultaneous: every voter shows a vote card at the same moment",
    "secret": "Secret: paper ballot slips, and only the totals are announced",
}
MISSING_WORDS = {
    "abstain": "a voter who has not voted when it closes abstains",
    "script": "a voter who has not voted when it closes is voted by the scenario's rules",
    "absent": "a voter who has not voted when it closes is not counted",
}
UNDECIDED = "undecided"  # the team of a role of no side, on its sheets (paper and phone)
KIND_WORDS = {"main": "Main objective", "personal": "Personal objective"}
BALLOT_SHORT = {"open": "open", "simultaneous": "simultaneous", "secret": "secret ballot"}
# Why an actor of this rank has no ballot in a vote whose voters are all the actors of other
# ranks (the Presidium's full members): said beside "no vote".
RANK_WORDS = {
    "full": "full member",
    "candidate": "candidate member",
    "secretary": "secretary, not a member",
    "official": "not a member",
    "body": "not a member",
}
# The ranks by name, to say once below the who's-who what "no vote" means in a vote held
# by rank: "not a full member".
RANK_NAMES = {
    "full": "full member",
    "candidate": "candidate member",
    "secretary": "secretary",
    "official": "official",
    "body": "body",
}
HALL = "the game counts the hall as one figure"
NOT_CALLED = "only if the teacher calls it"
BY_DECISION = "cast as an earlier decision of yours settled it; you are not asked again"
BY_DECISION_OF = "cast as an earlier decision of this member's settled it"
COUNTERFACTUAL = "counterfactual: invented for the game"
CARDS_PER_PAGE = 4  # sets of For/Against/Abstain cards, one voter a row
SLIPS_PER_PAGE = 8
PAPER = {"a4": ("A4", 297.0), "letter": ("letter", 279.4)}  # (CSS size, height in mm)

# Console words that act on roles: a benches class has no use for them.
ROLE_WORDS = frozenset({"cast", "secret", "tally", "move", "declare", "argue", "rate", "note"})


def console_words(mode: str) -> tuple[tuple[str, str, str], ...]:
    """The teacher's console words (``class run``) a class in this mode needs, as the
    console's own ``help`` groups and says them: (what for, what to type, what it does)."""
    from presidium.classroom.console import GROUPS, WORDS

    return tuple(
        (group if n == 0 else "", *WORDS[word])
        for group, words in GROUPS
        for n, word in enumerate(w for w in words if mode == "roles" or w not in ROLE_WORDS)
    )


# ---------------------------------------------------------------------------------------------
# What the handouts say
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One piece of private knowledge, with how sure the sources are."""

    text: str
    label: str  # "attributed" or "counterfactual: invented for the game"
    sources: tuple[str, ...]  # short citations, as a student reads them


@dataclass(frozen=True)
class MoveLine:
    label: str
    typed: str  # what the teacher types at the console
    terms: tuple[str, ...]  # limit, window, odds, who hears the outcome
    condition: str | None  # when it may be used, as a sentence
    effects: str | None  # what it changes, in a sentence or two
    sources: tuple[str, ...]  # short citations
    counterfactual: bool


@dataclass(frozen=True)
class Objective:
    kind: str  # "Main objective"
    text: str
    when: str  # how it is scored (the answer key)
    achieved: str | None
    failed: str | None


@dataclass(frozen=True)
class Standing:
    """Where one role stands in one vote: a ballot of its own there, or why not. A teacher
    reading "yes" for the whole game took Shepilov for a Presidium voter and Zhukov for a man
    with no say at the plenum; each vote is therefore named, with its date."""

    title: str
    held: str  # the date of the scene that holds it, or "only if the teacher calls it"
    kind: str  # how it is held: "open", "simultaneous", "secret ballot"
    verdict: str  # "yes", "no vote", "no ballot of one's own"
    why: str  # a delegate's share of the hall, or why there is no ballot ("candidate member")
    electorate: str = ""  # in a vote held by rank, the ranks that vote ("full member")

    @property
    def votes(self) -> bool:
        return self.verdict == "yes"

    @property
    def short(self) -> str:
        """'yes (open)', 'no vote (candidate member)'."""
        if self.votes:
            return f"yes ({self.kind}{'; ' + self.why if self.why else ''})"
        return f"{self.verdict} ({self.why})" if self.why else self.verdict

    @property
    def cell(self) -> str:
        """The who's-who's cell, kept short so that a whole cast fits one page whatever the
        number of votes: what is the same down a column (the kind, who votes by rank, the
        hall) is said once below the table."""
        if self.votes:
            return "yes (a share of the hall)" if self.why else "yes"
        if self.why == HALL:
            return "no ballot*"
        return "no vote" if self.electorate else self.short

    def words(self) -> str:
        """'“The Presidium turns on Khrushchev” (Tuesday 18 June 1957): no vote (candidate
        member)'."""
        return f"\u201c{self.title}\u201d ({self.held}): {self.short}"


@dataclass(frozen=True)
class RoleSheet:
    seat: str
    name: str
    office: str | None
    ballots: tuple[Standing, ...]  # every vote of the scenario, and where this role stands
    brief: str
    team: str  # the side's name, or "undecided"
    team_goal: str | None
    goal_for: str | None  # the side's leader, when that is someone else: the goal speaks to them
    teammates: tuple[str, ...]  # the other students on the team (hidden ones left out)
    objectives: tuple[Objective, ...]
    knows: tuple[Fact, ...]
    envelopes: tuple[str, ...]  # the scene that opens envelope 1, 2, ...
    moves: tuple[MoveLine, ...]
    actions: tuple[str, ...]  # the built-in floor actions, in words
    reflect: tuple[str, ...]
    sources: tuple[tuple[str, str, str], ...]  # (id, citation, grade)

    @property
    def rank(self) -> str:
        return "You vote" if any(b.votes for b in self.ballots) else "You speak but do not vote"


@dataclass(frozen=True)
class Decision:
    """A moment when a bench decides: its title and question. The choices are left to the
    screen, which shows them when the moment comes: a side of a long scenario has a dozen
    or more decisions, and with every choice written out a bench sheet ran to several pages."""

    when: str
    title: str
    prompt: str


@dataclass(frozen=True)
class BenchSheet:
    seat: str
    name: str
    leader: str
    goal: str
    students: int | None
    decisions: tuple[Decision, ...]
    situation: str  # the scenario's summary

    def days(self) -> list[tuple[str, list[Decision]]]:
        """The decisions in story order, those of one day together: (the day, its
        decisions); the day is "" for scenes without a date."""
        days: list[tuple[str, list[Decision]]] = []
        for decision in self.decisions:
            if days and days[-1][0] == decision.when:
                days[-1][1].append(decision)
            else:
                days.append((decision.when, [decision]))
        return days


@dataclass(frozen=True)
class WhoLine:
    name: str
    office: str
    team: str
    votes: tuple[Standing, ...]  # every vote of the scenario, in order
    played_by: str  # "a student", "3 students", "the script"
    leading: bool = False  # one of the scenario's leading figures (an actor's ``principal``)
    role: bool = True  # False: a person no role holds, said below the who's-who's table


@dataclass(frozen=True)
class Envelope:
    seat: str
    name: str
    number: int
    of: int
    opens: str  # the scene, as the screen shows it
    fact: Fact


@dataclass(frozen=True)
class VoteCards:
    """A set of For / Against / Abstain cards for one voter, for simultaneous votes."""

    name: str
    votes: tuple[str, ...]


@dataclass(frozen=True)
class Slips:
    title: str
    motion: str
    voters: int  # seated voters; the page is filled with spares
    count: int


@dataclass(frozen=True)
class VoteLine:
    title: str
    ballot: str  # BALLOT_KINDS
    students: str  # the seated voters' names
    scripted: int  # how many voters the script votes for
    missing: str  # MISSING_RULES
    minutes: int | None
    called: bool  # held in a scene (else only if the teacher injects it)
    hall: str = ""  # who the game counts in a hall's figure, not by name

    def words(self) -> str:
        """How it is held and who votes, in a sentence or two."""
        minutes = f", about {self.minutes} minutes" if self.minutes else ""
        if self.students:
            who = f"Students: {self.students}"
            who += f"; the script votes for {self.scripted} more" if self.scripted > 0 else ""
        else:
            who = "No student votes: the scenario's rules decide it"
        called = "" if self.called else " Held only if you inject it."
        hall = f" {self.hall}" if self.hall else ""
        return (
            f"{BALLOT_WORDS[self.ballot]}{minutes}. {who}. "
            f"{MISSING_WORDS[self.missing].capitalize()}.{hall}{called}"
        )


@dataclass(frozen=True)
class AgendaRow:
    start: int
    end: int
    label: str
    opens: str


@dataclass(frozen=True)
class CastRow:
    seat: str  # what the teacher types
    name: str
    dealt: str  # roles: "from 5 students"; benches: "4 students"
    here: bool  # dealt in this class


@dataclass(frozen=True)
class RunSheet:
    agenda: tuple[AgendaRow, ...]
    minutes: int | None
    casting: tuple[CastRow, ...]  # every seat the scenario offers, in dealing order
    votes: tuple[VoteLine, ...]
    injections: tuple[tuple[str, str, str], ...]  # (id, label, when and on what grounds)
    answers: tuple[tuple[str, str, tuple[Objective, ...]], ...]  # (name, note, objectives)
    content_notes: tuple[str, ...]


@dataclass(frozen=True)
class Handouts:
    title: str
    scenario: str
    mode: str  # "roles" or "benches"
    students: int | None
    paper: str
    roles: tuple[RoleSheet, ...]
    benches: tuple[BenchSheet, ...]
    who: tuple[WhoLine, ...]
    envelopes: tuple[Envelope, ...]
    cards: tuple[VoteCards, ...]
    slips: tuple[Slips, ...]
    run: RunSheet
    # ``class serve``: the address phones open, and each seat's join code (seat, code)
    join_url: str = ""
    codes: tuple[tuple[str, str], ...] = ()

    def code_of(self, seat: str) -> str:
        return dict(self.codes).get(seat, "")

    @property
    def card_pages(self) -> int:
        return math.ceil(len(self.cards) / CARDS_PER_PAGE)

    @property
    def slip_pages(self) -> int:
        return sum(s.count // SLIPS_PER_PAGE for s in self.slips)


# ---------------------------------------------------------------------------------------------
# Building them from a scenario and a seating
# ---------------------------------------------------------------------------------------------


def deal(scenario: Scenario, students: int | None, benches: bool) -> Seating:
    """The seating asked for, or a usage error (exit 2) that says what would work."""
    try:
        if benches:
            return seats_.benches(scenario, students or len(scenario.sides))
        if students is None:
            raise UsageError("give --students N (how many students), or --benches")
        if scenario.classroom is None or not scenario.roles:
            raise UsageError(
                f"scenario '{scenario.id}' has no roles to deal; play it with --benches, "
                "which needs none"
            )
        return seats_.cast(scenario, students)
    except CastingError as exc:
        hint = "" if benches else "; or play with --benches"
        raise UsageError(f"{exc}{hint}") from None


def constant(expression: Compiled) -> int | bool | str | None:
    """The value of an expression that reads no variable, else None."""
    if expression.names:
        return None
    try:
        value = expression.evaluate({})
    except Exception:  # an expression that needs the game after all: said in words instead
        return None
    return value if isinstance(value, (int, bool, str)) else None


def _label(scenario: Scenario, name: str) -> str:
    """What a student calls a value: the status panel's words for it when the projector shows
    it there (so the sheet and the screen agree), else the scenario's label."""
    actor, _, attribute = name.partition(".")
    if attribute == "stance" and actor in scenario.actors:
        return f"{scenario.actors[actor].name}'s stance"
    shown = next((s.label for s in scenario.status if s.variable == name), None)
    if shown is not None:
        return shown
    variable = scenario.variables.get(name)
    return variable.label if variable is not None else name


def effect_words(scenario: Scenario, effect: CompiledEffect) -> str:
    """'Central Committee members in Moscow up by 10', 'Marshal Georgy Zhukov's stance: With
    Khrushchev': in words a student reads, not the scenario's arithmetic."""
    label = _label(scenario, effect.target)
    value = constant(effect.value)
    if value is None:
        return f"{label} changes"
    if isinstance(value, bool):
        return f"{label}: {'yes' if value else 'no'}"
    if isinstance(value, int) and effect.op in ("+=", "-="):
        way = "up" if (effect.op == "+=") == (value >= 0) else "down"
        if label.endswith(" (%)"):
            return f"{label[:-4]} {way} by {abs(value)} points (of 100)"
        return f"{label} {way} by {abs(value)}"
    if isinstance(value, str):
        variable = scenario.variables.get(effect.target)
        shown = (
            variable.labels.get(value, value) if variable else scenario.stances.get(value, value)
        )
        return f"{label}: {shown}"
    return f"{label}: {value}"


def _effects(scenario: Scenario, effects: tuple[CompiledEffect, ...]) -> str:
    return "; ".join(effect_words(scenario, e) for e in effects)


def _phase_words(scenario: Scenario, phase_id: str) -> str:
    phase = scenario.phases[phase_id]
    when = format_date(phase.date, phase.date_label)
    return f"\u201c{phase.title}\u201d" + (f" ({when})" if when else "")


def _titles(scenario: Scenario, phase_ids: tuple[str, ...]) -> str:
    return ", ".join(f"\u201c{scenario.phases[p].title}\u201d" for p in phase_ids)


def _fact(knowledge: Knowledge, cites: dict[str, str]) -> Fact:
    if knowledge.counterfactual:
        return Fact(knowledge.text, COUNTERFACTUAL, ())
    return Fact(
        knowledge.text,
        knowledge.confidence or "confidence not given",
        tuple(cites.get(s, s) for s in knowledge.sources),
    )


CITE_CUTS = (", ", "; ", ": ", ". ", " (")
SHORT_CITE = 60  # characters, before an ellipsis


def _cite_pieces(cite: str) -> list[str]:
    """A citation cut where its parts meet ("Roy Medvedev", ", N. S. Khrushchev", ...):
    never inside a quoted title or brackets, nor after an initial ("R. G. Pikhoya")."""
    cuts, depth, quoted = [], 0, False
    for i, ch in enumerate(cite):
        before = cite[i - 1] if i else " "
        if ch == "'" and not quoted and before in " (":
            quoted = True
        elif ch == "'" and quoted and (i + 1 == len(cite) or cite[i + 1] in " ,;:.)"):
            quoted = False
        elif quoted:
            continue
        elif ch == "(":
            if depth == 0 and before == " ":
                cuts.append(i - 1)
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and i and cite.startswith(CITE_CUTS, i):
            word = cite[:i].rsplit(" ", 1)[-1]
            if ch != "." or len(word) > 2:
                cuts.append(i)
    bounds = [0, *sorted(set(cuts)), len(cite)]
    return [cite[a:b] for a, b in itertools.pairwise(bounds) if cite[a:b]]


def _shorten(text: str) -> str:
    if len(text) <= SHORT_CITE:
        return text
    cut = text[: SHORT_CITE + 1].rsplit(" ", 1)[0].rstrip(",;:")
    words = cut.split(" ")
    while words and words[-1].startswith(("'", "(")) and len(words) > 1:
        words.pop()
    closed = any(w.endswith(("'", "',", "';", "':")) for w in words)
    closing = "'" if words[0].startswith("'") and not closed else ""
    return " ".join(words) + "\u2026" + closing


def _bare(pieces: list[str]) -> bool:
    """Whether a first part says too little alone ("Wikipedia", "TIME", a quoted title
    without where it appeared) and the next part adds a title or a place, not a remark."""
    first = pieces[0] if pieces else ""
    return (
        (first.startswith("'") or len(first) <= 9)
        and len(pieces) > 1
        and not pieces[1].startswith(" (")
    )


def short_cites(scenario: Scenario) -> dict[str, str]:
    """Each source as a student's sheet cites it: the author, or a title ("Roy Medvedev",
    "Wikipedia, 'Anti-Party Group'"), as long as it takes to tell the scenario's sources
    apart. Each begins its full entry at the foot of the page, so it is found there."""
    pieces = {i: _cite_pieces(" ".join(s.cite.split())) for i, s in scenario.sources.items()}
    taken = {i: 2 if _bare(p) else 1 for i, p in pieces.items()}
    for _ in range(4):
        said: dict[str, list[str]] = {}
        for i, p in pieces.items():
            said.setdefault("".join(p[: taken[i]]), []).append(i)
        clashes = [i for ids in said.values() if len(ids) > 1 for i in ids]
        if not clashes:
            break
        for i in clashes:
            taken[i] += 1
    return {i: _shorten("".join(p[: taken[i]]).strip()) or i for i, p in pieces.items()}


def _move(scenario: Scenario, seat: str, move: Move, cites: dict[str, str]) -> MoveLine:
    terms: list[str] = []
    if move.limit == 1:
        terms.append("once a game")
    elif move.limit is not None:
        terms.append(f"up to {move.limit} times a game")
    if move.window:
        terms.append(f"only in {_titles(scenario, move.window)}")
    condition = None
    if move.when is not None:
        said = (move.unavailable or "Only at certain moments: the console says when").strip()
        condition = said if said.endswith((".", "!", "?")) else said + "."
    if move.target:
        terms.append("name a person no student plays who can be persuaded")
    effects = None
    if move.chance is not None:
        percent = constant(move.chance.percent)
        if isinstance(percent, int) and not isinstance(percent, bool):
            terms.append(f"a {percent}% chance of success")
        else:
            names = sorted({_label(scenario, n) for n in move.chance.percent.names})
            terms.append("the odds depend on " + ", ".join(names))
        parts = []
        if move.chance.success.effects:
            parts.append("If it works: " + _effects(scenario, move.chance.success.effects) + ".")
        if move.chance.failure.effects:
            parts.append("If it fails: " + _effects(scenario, move.chance.failure.effects) + ".")
        effects = " ".join(parts) or None
    elif move.outcome is not None and move.outcome.effects:
        effects = f"Effect: {_effects(scenario, move.outcome.effects)}."
    terms.append(
        "the room hears the outcome"
        if move.public
        else "only you and the teacher learn the outcome"
    )
    target = " TARGET" if move.target else ""
    return MoveLine(
        move.label,
        f"move {seat} {move.id}{target}",
        tuple(terms),
        condition,
        effects,
        tuple(cites.get(s, s) for s in move.sources),
        move.counterfactual,
    )


def _ballots(scenario: Scenario, role: Role) -> list[Vote]:
    return [
        vote
        for vote in scenario.votes.values()
        if (
            role.actor is not None and role.actor in vote.voters and role.actor not in vote.by_rules
        )
        or (vote.delegates is not None and vote.delegates.role == role.id)
    ]


def _called(scenario: Scenario) -> set[str]:
    """The votes held in a scene (the others only if the teacher injects them)."""
    return {p.vote for p in scenario.phases.values() if p.vote is not None}


def _held(scenario: Scenario, vote: Vote) -> str:
    """When a vote is held: the dates of the scenes that hold it."""
    when: list[str] = []
    for phase in scenario.phases.values():
        if phase.vote == vote.id:
            said = format_date(phase.date, phase.date_label) or phase.title
            if said not in when:
                when.append(said)
    return " or ".join(when) or NOT_CALLED


def _by_rank(scenario: Scenario, vote: Vote) -> bool:
    """Whether the vote's voters are exactly the actors of some ranks (the Presidium's full
    members): then an actor of another rank has no ballot because of that rank."""
    ranks = {scenario.actors[v].rank for v in vote.voters if v in scenario.actors}
    return bool(ranks) and set(vote.voters) == {
        a.id for a in scenario.actors.values() if a.rank in ranks
    }


def vote_title(vote: Vote) -> str:
    """A vote's title as the paper shows it: a counterfactual vote is labelled here, once,
    as the screen labels it, so its title in the scenario says nothing of it."""
    return f"{vote.title} (counterfactual)" if vote.counterfactual else vote.title


def standing(scenario: Scenario, role: Role, vote: Vote) -> Standing:
    """Where ``role`` stands in ``vote``, derived from the vote's voters, delegates and blocs."""
    return _standing(scenario, role.actor, role.id, vote)


def _standing(
    scenario: Scenario, actor_id: str | None, role_id: str | None, vote: Vote
) -> Standing:
    """Where an actor, or a role (which may hold no actor), stands in ``vote``."""
    held, kind = _held(scenario, vote), BALLOT_SHORT[vote.ballot]
    by_rank = _by_rank(scenario, vote)
    electorate = _electorate(scenario, vote) if by_rank else ""

    def said(verdict: str, why: str) -> Standing:
        return Standing(vote_title(vote), held, kind, verdict, why, electorate)

    actor = scenario.actors.get(actor_id or "")
    if actor is not None and actor.id in vote.by_rules:  # a role's sheet, or the who's-who
        return said("yes", BY_DECISION if role_id is not None else BY_DECISION_OF)
    if actor is not None and actor.id in vote.voters:
        return said("yes", "")
    if vote.delegates is not None and role_id is not None and vote.delegates.role == role_id:
        return said(
            "yes", f"the students in this role share {vote.delegates.share}% of the hall's votes"
        )
    if by_rank:
        return said("no vote", RANK_WORDS.get(actor.rank, actor.rank) if actor else "not a member")
    if vote.blocs:
        return said("no ballot of one's own", HALL)
    return said("no vote", "")


def _electorate(scenario: Scenario, vote: Vote) -> str:
    """'full member': the ranks whose members vote, in a vote held by rank."""
    ranks = dict.fromkeys(scenario.actors[v].rank for v in vote.voters if v in scenario.actors)
    return " or ".join(RANK_NAMES.get(rank, rank) for rank in ranks)


def _standings(scenario: Scenario, role: Role) -> tuple[Standing, ...]:
    return tuple(standing(scenario, role, vote) for vote in scenario.votes.values())


def _actions(scenario: Scenario, role: Role, seating: Seating) -> tuple[str, ...]:
    held = {seats_.actor_of(scenario, s) for s in seating.seats}
    out = []
    for word in role.can:
        if word == "declare" and role.actor is not None:  # a stance is an actor's
            stances = ", ".join(scenario.stances.values())
            out.append(f"Declare where you stand, aloud ({stances}). The room hears it.")
        elif word == "argue" and scenario.classroom and scenario.classroom.stance_line:
            targets = [
                a.name for a in scenario.actors.values() if a.persuadable and a.id not in held
            ]
            who = f" In this class: {', '.join(targets)}." if targets else ""
            odds = f"{RATINGS[min(RATINGS)]}% to {RATINGS[max(RATINGS)]}%"
            out.append(
                "Argue with a person no student plays, to win them one step your way. The "
                f"teacher rates your argument from 1 to 5: the better it is, the better the odds "
                f"({odds}).{who}"
            )
        elif word == "note":
            out.append("Pass a private note to the teacher.")
        elif word == "chair":
            out.append("Chair the sitting: you call the speakers, in turn.")
    return tuple(out)


def _objectives(role: Role) -> tuple[Objective, ...]:
    return tuple(
        Objective(
            KIND_WORDS.get(o.kind, o.kind),
            o.text,
            o.when.source,
            outline(o.achieved) if o.achieved else o.achieved,
            outline(o.failed) if o.failed else o.failed,
        )
        for o in role.objectives
    )


def _team(scenario: Scenario, role: Role) -> str:
    return scenario.sides[role.side].name if role.side is not None else UNDECIDED


def _role_sheet(scenario: Scenario, seating: Seating, seat: str) -> RoleSheet:
    role = scenario.roles[seats_.role_of(seat)]
    actor = scenario.actors.get(role.actor or "")
    number = 0
    envelopes = []
    for knowledge in role.knows:
        if knowledge.at is not None:
            number += 1
            envelopes.append(_phase_words(scenario, knowledge.at))
    mates = []
    if role.side is not None:
        for other in seating.seats:
            other_role = scenario.roles[seats_.role_of(other)]
            if other != seat and other_role.side == role.side and not other_role.hidden:
                mates.append(seats_.seat_name(scenario, other))
    cites = short_cites(scenario)
    cited: set[str] = {s for k in role.knows if k.at is None for s in k.sources}
    cited |= {s for m in role.moves for s in m.sources}
    return RoleSheet(
        seat=seat,
        name=seats_.seat_name(scenario, seat),
        office=actor.office if actor is not None else None,
        ballots=_standings(scenario, role),
        brief=role.brief,
        team=_team(scenario, role),
        team_goal=scenario.sides[role.side].goal if role.side is not None else None,
        goal_for=(
            _leader(scenario, role.side)
            if role.side is not None and role.actor != scenario.sides[role.side].leader
            else None
        ),
        teammates=tuple(mates),
        objectives=_objectives(role),
        knows=tuple(_fact(k, cites) for k in role.knows if k.at is None),
        envelopes=tuple(envelopes),
        moves=tuple(_move(scenario, seat, m, cites) for m in role.moves),
        actions=_actions(scenario, role, seating),
        reflect=role.reflect,
        sources=_bibliography(scenario, cited),
    )


def _bibliography(scenario: Scenario, ids: set[str]) -> tuple[tuple[str, str, str], ...]:
    """The full entries, in the order of their text: a short citation above leads to its
    entry, which begins with it."""
    found = [s for s in ids if s in scenario.sources]
    return tuple(
        (s, scenario.sources[s].cite, scenario.sources[s].grade)
        for s in sorted(found, key=lambda s: (scenario.sources[s].cite.strip("'\"").casefold(), s))
    )


def _envelopes(scenario: Scenario, seating: Seating) -> tuple[Envelope, ...]:
    cites = short_cites(scenario)
    out = []
    for seat in seating.seats:
        role = scenario.roles[seats_.role_of(seat)]
        sealed = [k for k in role.knows if k.at is not None]
        for number, knowledge in enumerate(sealed, 1):
            assert knowledge.at is not None
            out.append(
                Envelope(
                    seat,
                    seats_.seat_name(scenario, seat),
                    number,
                    len(sealed),
                    _phase_words(scenario, knowledge.at),
                    _fact(knowledge, cites),
                )
            )
    return tuple(out)


def _voting_seats(scenario: Scenario, seating: Seating, vote: Vote) -> list[str]:
    return [
        seat
        for seat in seating.seats
        if seats_.role_of(seat) in scenario.roles
        and vote in _ballots(scenario, scenario.roles[seats_.role_of(seat)])
    ]


def _cards(scenario: Scenario, seating: Seating) -> tuple[VoteCards, ...]:
    simultaneous = [v for v in scenario.votes.values() if v.ballot == "simultaneous"]
    out = []
    for seat in seating.seats:
        votes = tuple(
            vote_title(v) for v in simultaneous if seat in _voting_seats(scenario, seating, v)
        )
        if votes:
            out.append(VoteCards(seats_.seat_name(scenario, seat), votes))
    return tuple(out)


def _slips(scenario: Scenario, seating: Seating) -> tuple[Slips, ...]:
    out = []
    for vote in scenario.votes.values():
        voters = len(_voting_seats(scenario, seating, vote))
        if vote.ballot == "secret" and voters:
            count = math.ceil(voters / SLIPS_PER_PAGE) * SLIPS_PER_PAGE
            out.append(Slips(vote_title(vote), vote.motion, voters, count))
    return tuple(out)


def _who(scenario: Scenario, seating: Seating) -> tuple[WhoLine, ...]:
    """Every role, then every person of the scenario that no role holds (Shvernik, Kozlov):
    the script plays them, and the screen may name them. A body (the Central Committee) is
    no person: its hall is counted as one figure, as the vote notes say."""
    dealt: dict[str, int] = {}
    for seat in seating.seats:
        dealt[seats_.role_of(seat)] = dealt.get(seats_.role_of(seat), 0) + 1
    out = []
    for role in scenario.roles.values():
        actor = scenario.actors.get(role.actor or "")
        n = dealt.get(role.id, 0)
        played = "the script" if n == 0 else ("a student" if n == 1 else f"{n} students")
        team = "-" if role.hidden else _team(scenario, role)
        out.append(
            WhoLine(
                role.name,
                actor.office if actor else "",
                team,
                _standings(scenario, role),
                played,
                actor is not None and actor.principal,
            )
        )
    held = {role.actor for role in scenario.roles.values()}
    for actor in scenario.actors.values():
        if actor.id not in held and actor.rank != "body":
            votes = tuple(_standing(scenario, actor.id, None, v) for v in scenario.votes.values())
            out.append(
                WhoLine(actor.name, actor.office, "-", votes, "the script", actor.principal, False)
            )
    return tuple(out)


def _agenda(scenario: Scenario) -> tuple[AgendaRow, ...]:
    if scenario.classroom is None:
        return ()
    rows, start = [], 0
    for item in scenario.classroom.agenda:
        rows.append(
            AgendaRow(start, start + item.minutes, item.label, _phase_words(scenario, item.phase))
        )
        start += item.minutes
    return tuple(rows)


def _casting(scenario: Scenario, seating: Seating) -> tuple[CastRow, ...]:
    low, _ = seats_.class_sizes(scenario)
    return tuple(
        CastRow(
            seat,
            seats_.seat_name(scenario, seat),
            f"from {max(low, n)} students",
            seat in seating.seats,
        )
        for n, seat in enumerate(seats_.dealing_order(scenario), 1)
    )


def _grouped(scenario: Scenario, seats: list[str]) -> str:
    """Seat names, the copies of one role said once: 'Molotov, Member of the Central
    Committee ×3'."""
    by_role: dict[str, list[str]] = {}
    for seat in seats:
        by_role.setdefault(seats_.role_of(seat), []).append(seat)
    names = []
    for role_id, held in by_role.items():
        if len(held) == 1:
            names.append(seats_.seat_name(scenario, held[0]))
        else:
            names.append(f"{scenario.roles[role_id].name} \u00d7{len(held)}")
    return ", ".join(names)


def _votes(scenario: Scenario, seating: Seating) -> tuple[VoteLine, ...]:
    out = []
    for vote in scenario.votes.values():
        seated = _voting_seats(scenario, seating, vote)
        held = sum(1 for s in seated if seats_.actor_of(scenario, s) in vote.voters)
        out.append(
            VoteLine(
                vote_title(vote),
                vote.ballot,
                _grouped(scenario, seated),
                len(vote.voters) - held,
                vote.missing,
                vote.minutes,
                vote.id in _called(scenario),
                _hall(scenario, seating, vote),
            )
        )
    return tuple(out)


def _hall(scenario: Scenario, seating: Seating, vote: Vote) -> str:
    """Why a student in the hall (Zhukov, Serov at the 1957 plenum) has no ballot: the
    vote names some voters and counts everyone else as one figure."""
    if not vote.blocs:
        return ""
    inside = [
        seats_.seat_name(scenario, seat)
        for seat in seating.seats
        if seats_.role_of(seat) in scenario.roles
        and standing(scenario, scenario.roles[seats_.role_of(seat)], vote).why == HALL
    ]
    among = f", {_and(inside)} among them," if inside else ""
    figures = " and ".join(f"\u201c{b.label}\u201d" for b in vote.blocs)
    return (
        f"Besides the voters it names, the scenario counts everyone in the hall{among} as one "
        f"figure, {figures}."
    )


def _injections(scenario: Scenario) -> tuple[tuple[str, str, str], ...]:
    out = []
    for injection in scenario.injections.values():
        terms = []
        if injection.window:
            terms.append("in " + _titles(scenario, injection.window))
        if injection.when is not None:
            terms.append(f"only when {injection.when.source}")
        if injection.limit is not None:
            terms.append(
                "once only" if injection.limit == 1 else f"at most {injection.limit} times"
            )
        if injection.counterfactual:
            terms.append(COUNTERFACTUAL)
        else:
            terms.append("sources: " + ", ".join(injection.sources))
        if injection.effects:
            terms.append(_effects(scenario, injection.effects))
        if injection.vote is not None:
            terms.append(f"opens the ballot \u201c{scenario.votes[injection.vote].title}\u201d")
        out.append((injection.id, injection.label, "; ".join(terms)))
    return tuple(out)


def _answers(
    scenario: Scenario, seating: Seating
) -> tuple[tuple[str, str, tuple[Objective, ...]], ...]:
    dealt = {seats_.role_of(s) for s in seating.seats}
    return tuple(
        (role.name, "" if role.id in dealt else "not dealt in this class", _objectives(role))
        for role in scenario.roles.values()
        if role.objectives
    )


def _leader(scenario: Scenario, side: str) -> str:
    leader = scenario.sides[side].leader
    return scenario.actors[leader].name if leader in scenario.actors else leader


def _decisions(scenario: Scenario, side: str) -> tuple[Decision, ...]:
    return tuple(
        Decision(format_date(p.date, p.date_label), p.title, p.prompt or "")
        for p in scenario.phases.values()
        if p.by == side and p.choices
    )


def build(scenario: Scenario, seating: Seating, paper: str = "a4", sized: bool = True) -> Handouts:
    """Everything a class needs on paper. ``sized``: the class size is known (in benches
    mode it may not be: the sheets then leave the bench sizes out)."""
    if seating.mode == "benches":
        benches = tuple(
            BenchSheet(
                seat,
                seats_.seat_name(scenario, seat),
                _leader(scenario, seat[len(seats_.BENCH) :]),
                scenario.sides[seat[len(seats_.BENCH) :]].goal,
                seating.size(seat) if sized else None,
                _decisions(scenario, seat[len(seats_.BENCH) :]),
                scenario.summary,
            )
            for seat in seating.seats
        )
        run = RunSheet(
            agenda=_agenda(scenario),
            minutes=scenario.classroom.minutes if scenario.classroom else None,
            casting=tuple(
                CastRow(
                    key_of(s),
                    seats_.seat_name(scenario, s),
                    f"{seating.size(s)} students" if sized else "",
                    True,
                )
                for s in seating.seats
            ),
            votes=_votes(scenario, seating),
            injections=_injections(scenario),
            answers=tuple(
                (
                    b.name,
                    f"led by {b.leader}",
                    (Objective("The side's goal", b.goal, "", None, None),),
                )
                for b in benches
            ),
            content_notes=scenario.content_notes,
        )
        return Handouts(
            scenario.title,
            scenario.id,
            "benches",
            seating.students if sized else None,
            paper,
            (),
            benches,
            (),
            (),
            (),
            (),
            run,
        )
    run = RunSheet(
        agenda=_agenda(scenario),
        minutes=scenario.classroom.minutes if scenario.classroom else None,
        casting=_casting(scenario, seating),
        votes=_votes(scenario, seating),
        injections=_injections(scenario),
        answers=_answers(scenario, seating),
        content_notes=scenario.content_notes,
    )
    return Handouts(
        scenario.title,
        scenario.id,
        "roles",
        seating.students,
        paper,
        tuple(_role_sheet(scenario, seating, s) for s in seating.seats),
        (),
        _who(scenario, seating),
        _envelopes(scenario, seating),
        _cards(scenario, seating),
        _slips(scenario, seating),
        run,
    )


# ---------------------------------------------------------------------------------------------
# The commands
# ---------------------------------------------------------------------------------------------

HANDOUT_SUFFIXES = (".md", ".markdown", ".html", ".htm")


def _open(args: argparse.Namespace) -> tuple[Scenario, Seating]:
    from presidium import catalog

    scenario = catalog.open_scenario(args.scenario).scenario
    return scenario, deal(scenario, args.students, args.benches)


def cast_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``presidium class cast``: the deal, for the teacher to check before printing."""
    scenario, seating = _open(args)
    out.write(cast_text(scenario, seating, sized=args.students is not None))
    return 0


def sheets_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``presidium class sheets``: the handouts, as HTML to print or as Markdown."""
    from presidium.classroom import paper

    target = args.output
    if target is not None and not target.lower().endswith(HANDOUT_SUFFIXES):
        raise UsageError(f"-o writes Markdown (.md) or HTML (.html), not '{target}'")
    if target is not None and Path(target).is_dir():
        raise UsageError(f"-o '{target}' is a folder; give a file")
    scenario, seating = _open(args)
    handouts = build(scenario, seating, args.paper, sized=args.students is not None)
    as_html = target is not None and target.lower().endswith((".html", ".htm"))
    text = paper.html(handouts) if as_html else paper.markdown(handouts)
    if target is None:
        out.write(text)
        return 0
    _write(Path(target), text)
    out.write(paper.summary(handouts, target, as_html) + "\n")
    return 0


def _write(path: Path, text: str) -> None:
    """Write the whole file or nothing: a full disk never leaves half a handout."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise PresidiumError(f"cannot write the handouts to '{path}': {exc.strerror}") from None


# ---------------------------------------------------------------------------------------------
# ``class cast``: the deal as a table on a terminal
# ---------------------------------------------------------------------------------------------


def _cells(row: list[list[str]], widths: list[int]) -> list[str]:
    import textwrap

    columns = [
        [piece for part in cell for piece in (textwrap.wrap(part, width) or [""])]
        for cell, width in zip(row, widths, strict=True)
    ]
    height = max(len(c) for c in columns)
    return [
        "  ".join(
            (c[i] if i < len(c) else "").ljust(w) for c, w in zip(columns, widths, strict=True)
        ).rstrip()
        for i in range(height)
    ]


def _and(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _wrapped(text: str, indent: str = "") -> list[str]:
    import textwrap

    return textwrap.wrap(text, 78, subsequent_indent=indent)


def cast_text(scenario: Scenario, seating: Seating, sized: bool = True) -> str:
    """The deal as plain text, 80 columns wide."""
    from presidium.printable import one_line

    lines = [one_line(f"{scenario.title} ({scenario.id})")]
    if seating.mode == "benches":
        count = f"{seating.students} students" if sized else "the class"
        lines += [f"Benches: {count} in {len(seating.seats)} benches, one a side.", ""]
        widths = [24, 28, 8]
        rows = [[["seat"], ["bench"], ["students"]]]
        for seat in seating.seats:
            side = scenario.sides[seat[len(seats_.BENCH) :]]
            leader = _leader(scenario, side.id)
            size = str(seating.size(seat)) if sized else "?"
            rows.append(
                [[key_of(seat)], [one_line(side.name), one_line(f"led by {leader}")], [size]]
            )
        for row in rows:
            lines += _cells(row, widths)
        lines.append("")
        if not sized:
            lines.append("Give --students N to share the class out between the benches.")
        lines += _wrapped(
            "Each bench decides its side's choices by a show of hands; the scenario's rules "
            "decide every vote. Everyone else is played by the script."
        )
        return "\n".join(lines) + "\n"
    low, high = seats_.class_sizes(scenario)
    lines += [
        f"The deal for {seating.students} students (this scenario seats {low} to {high}).",
        "",
    ]
    seat_width = min(19, max(12, *(len(s) for s in seating.seats)))
    widths = [2, seat_width, 45 - seat_width, 20, 5]
    rows = [[["#"], ["seat"], ["person and office"], ["side"], ["votes"]]]
    for number, seat in enumerate(seating.seats, 1):
        role = scenario.roles[seats_.role_of(seat)]
        actor = scenario.actors.get(role.actor or "")
        person = [one_line(seats_.seat_name(scenario, seat))]
        if actor is not None:
            person.append(one_line(actor.office))
        numbers = [str(n) for n, s in enumerate(_standings(scenario, role), 1) if s.votes]
        rows.append(
            [
                [str(number)],
                [seat],
                person,
                [one_line(_team(scenario, role))],
                [" ".join(numbers) or "-"],
            ]
        )
    for row in rows:
        lines += _cells(row, widths)
    lines.append("")
    lines.append("Votes (the numbers in the table):")
    for number, (vote, line) in enumerate(
        zip(scenario.votes.values(), _votes(scenario, seating), strict=True), 1
    ):
        who = f"students: {line.students}" if line.students else "no student votes"
        script = f"; the script votes for {line.scripted} more" if line.scripted > 0 else ""
        when = _held(scenario, vote)
        label = "counterfactual; " if vote.counterfactual else ""
        said = [f"{number}. {vote.title} ({label}{line.ballot}, {when}): {who}{script}."]
        apart: dict[str, list[str]] = {}
        for seat in seating.seats:
            stand = standing(scenario, scenario.roles[seats_.role_of(seat)], vote)
            if not stand.votes:
                apart.setdefault(stand.short, []).append(seat)
        said += [
            f"{short[0].upper()}{short[1:]}: {_grouped(scenario, held_by)}."
            for short, held_by in apart.items()
        ]
        lines += _wrapped(one_line(" ".join(said)), "   ")
    held = {seats_.actor_of(scenario, s) for s in seating.seats}
    unheld = [a for a in scenario.actors.values() if a.id not in held]
    scripted = [w for w in _who(scenario, seating) if w.played_by == "the script"]
    principal = [w.name for w in scripted if w.leading]
    others = [w.name for w in scripted if not w.leading]
    lines.append("")
    if principal:
        figures = "the leading figure " if len(principal) == 1 else "the leading figures "
        lines += _wrapped(one_line("The script plays " + figures + _and(principal) + "."))
    if others:
        also = "It also plays " if principal else "The script plays "
        lines += _wrapped(one_line(also + _and(others) + "."))
    persuadable = [a.name for a in unheld if a.persuadable]
    if persuadable:
        lines += _wrapped(one_line("Students may argue with " + _and(persuadable) + "."))
    return "\n".join(lines) + "\n"
