"""Frozen dataclasses of a compiled scenario.

The runtime sees only this model, never the YAML. Every item remembers where it was written
(``span``) so that tools can point back at the line an author wrote.
"""

from __future__ import annotations

import contextlib
import gc
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import field, fields
from operator import attrgetter
from typing import Any, TypeVar

from presidium.conditions import Compiled, CompiledEffect, VarType
from presidium.diagnostics import SourceSpan
from presidium.records import record

FORMAT_VERSION = 1
ID = re.compile(r"[a-z][a-z0-9_]*\Z")  # what the compiler accepts as an id: snake_case ASCII
GRADES = ("A", "B", "C")
GRADE_MEANINGS = {"A": "primary or archival", "B": "reputable secondary", "C": "popular or weak"}
# Said wherever a grade is shown: a letter alone tells a student nothing.
GRADE_LEGEND = ", ".join(f"{grade} {meaning}" for grade, meaning in GRADE_MEANINGS.items())
CONFIDENCE_MEANINGS = {
    "authenticated": "a document or transcript, or scholarly agreement",
    "attributed": "one memoir or report",
    "contested": "the sources disagree",
    "doubtful": "probably legend",
}
CONFIDENCE = tuple(CONFIDENCE_MEANINGS)


@contextlib.contextmanager
def paused_gc(keep: bool = False) -> Iterator[None]:
    """Building a large scenario, its cache entry or its state machine creates hundreds of
    thousands of objects and no cycles; the collector's repeated full scans of them would
    cost more than the work itself, and grow with the story (the build would be
    superlinear). With ``keep``, what was built is meant to stay: ``settle()`` follows."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            settle()
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Tell the garbage collector to stop scanning what exists now, when presidium is the
    program that runs.

    A scenario, or what ``check`` learns by exploring it, is hundreds of thousands of objects,
    none in a cycle, kept until the command is done. Each of the collector's passes would scan
    them all again: a fifth to a third of a ``check`` went there, more the larger the story.
    Once the collector is turned back on, its first pass alone would scan everything made
    while it was paused. Frozen objects are still freed as usual when nothing holds them; they
    are only left out of the search for cycles. Inside another program (a test run, an
    application that imports presidium) the collector is left as it is.
    """
    from presidium import launch

    if launch.owns_process:
        gc.freeze()


def confidence_legend(mark: Callable[[str], str] = str) -> str:
    """What each confidence label means, said wherever labels are shown (each label passed
    through ``mark``, for a handout's emphasis)."""
    return ", ".join(f"{mark(label)} ({meaning})" for label, meaning in CONFIDENCE_MEANINGS.items())


BALLOT_KINDS = ("open", "simultaneous", "secret")
MISSING_RULES = ("abstain", "script", "absent")
OBJECTIVE_KINDS = ("main", "personal")
BUILT_INS = ("declare", "argue", "note", "chair")  # a role's ``can``
BALLOT_VALUES = ("for", "against", "abstain", "none", "secret")  # me.ballot.V / V.ballot.A
RATINGS = {1: 10, 2: 30, 3: 50, 4: 70, 5: 90}  # the teacher's rating of an argument -> odds

RANKS = ("full", "candidate", "secretary", "official", "body")
VOTES = ("for", "against", "abstain")
VOTE_RESULTS = ("passed", "failed")  # a vote's 'history'
ENDING_KINDS = ("historical", "counterfactual")


@record(slots=True)
class Source:
    id: str
    cite: str
    grade: str
    ref: str | None
    url: str | None
    span: SourceSpan


@record(slots=True)
class Note:
    """A sourced historical claim shown on demand (``notes``) and in the debrief."""

    text: str
    sources: tuple[str, ...]
    confidence: str
    span: SourceSpan


@record(slots=True)
class Target:
    """One thing a side needs, in words and as the condition the game tests: shown met or
    not, so that the goal's thresholds are never hidden from the player."""

    label: str
    when: Compiled
    span: SourceSpan


@record(slots=True)
class Sourced:
    """A line of text with the sources behind it (an actor's ``about``, a glossary entry);
    ``counterfactual`` for one that is invented, which needs no sources."""

    text: str
    sources: tuple[str, ...]
    counterfactual: bool
    span: SourceSpan


@record(slots=True)
class Side:
    id: str
    name: str
    leader: str
    goal: str
    span: SourceSpan
    targets: tuple[Target, ...] = ()


@record(slots=True)
class Actor:
    id: str
    name: str
    office: str
    rank: str
    stance: str
    principal: bool
    sources: tuple[str, ...]
    span: SourceSpan
    # Classroom (format 2): when no student holds this actor, others may argue its stance
    # one step along ``Classroom.stance_line``.
    persuadable: bool = False
    about: Sourced | None = None  # who this is, in one sourced line (the ``who`` command)


@record(slots=True)
class Variable:
    id: str
    label: str
    type: VarType
    initial: int | bool | str
    labels: dict[str, str]  # enumeration value -> human label
    span: SourceSpan

    def display(self, value: int | bool | str) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str):
            return self.labels.get(value, value)
        return str(value)


@record(slots=True)
class StatusItem:
    """One line of the status panel: a variable, or the alignment of actors of one rank."""

    label: str
    variable: str | None
    rank: str | None
    span: SourceSpan


@record(slots=True)
class TextPart:
    text: str
    when: Compiled | None
    counterfactual: bool
    span: SourceSpan


@record(slots=True)
class Branch:
    target: str
    when: Compiled | None
    span: SourceSpan


@record(slots=True)
class Outcome:
    """What follows a choice (or one side of a chance): narration, effects and the next step."""

    text: tuple[TextPart, ...]
    effects: tuple[CompiledEffect, ...]
    next: tuple[Branch, ...]
    span: SourceSpan


@record(slots=True)
class ChanceOutcome:
    """One outcome of a chance of more than two: its odds (None on the last, which takes what
    the others leave), the words the player reads beside them, and what follows."""

    label: str
    percent: Compiled | None
    outcome: Outcome
    span: SourceSpan


@record(slots=True)
class Chance:
    """Odds and what follows each way the dice fall.

    Two outcomes: ``percent`` of ``success``, else ``failure``. More (``outcomes``): every
    outcome in order, the first the historical one; then ``percent`` is the first's odds,
    ``success`` the first outcome and ``failure`` the last, so that what reads a chance as
    success or failure still reads it as history's outcome or not.
    """

    percent: Compiled
    success: Outcome
    failure: Outcome
    span: SourceSpan
    outcomes: tuple[ChanceOutcome, ...] = ()


@record(slots=True)
class Choice:
    id: str
    label: str
    when: Compiled | None
    unavailable: str | None  # shown (greyed) with this reason when ``when`` fails
    outcome: Outcome | None  # exactly one of outcome and chance is set
    chance: Chance | None
    counterfactual: bool
    span: SourceSpan
    concedes: bool = False  # taking it gives the game up (the player confirms)

    def outcomes(self) -> tuple[Outcome, ...]:
        if self.chance is not None and self.chance.outcomes:
            return tuple(o.outcome for o in self.chance.outcomes)
        if self.chance is not None:
            return (self.chance.success, self.chance.failure)
        assert self.outcome is not None
        return (self.outcome,)


@record(slots=True)
class ScriptRule:
    """How the scenario plays a decision when no human holds the seat."""

    choose: str
    when: Compiled | None
    percent: Compiled | None
    span: SourceSpan


@record(slots=True)
class Phase:
    id: str
    title: str
    date: str | None  # ISO yyyy-mm-dd
    date_label: str | None
    time: str | None
    place: str | None
    counterfactual: bool
    content_note: str | None
    text: tuple[TextPart, ...]
    sources: tuple[str, ...]
    notes: tuple[Note, ...]
    effects: tuple[CompiledEffect, ...]
    vote: str | None
    by: str | None  # the seat that decides: a side id or an actor id
    prompt: str | None
    choices: tuple[Choice, ...]
    history: str | None  # the choice that was really made
    script: tuple[ScriptRule, ...]
    next: tuple[Branch, ...]  # for phases without choices
    span: SourceSpan
    # Classroom (format 2); a solo game ignores them.
    floor: Floor | None = None  # every seated role may use its moves before ballot and decision
    consult: str | None = None  # "side": seated roles of the decider's side advise

    def choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None


@record(slots=True)
class VoteRule:
    actors: tuple[str, ...]  # empty: the rule applies to every voter
    when: Compiled | None
    vote: str
    reason: str
    counterfactual: bool
    span: SourceSpan


@record(slots=True)
class Bloc:
    """Members of a body (the Central Committee) counted together, with one reason."""

    label: str
    counts: dict[str, Compiled]  # "for" / "against" / "abstain" -> number
    reason: str
    when: Compiled | None
    span: SourceSpan
    id: str | None = None  # format 2: so that a vote's ``delegates`` can name it


@record(slots=True)
class Delegates:
    """Seated copies of ``role`` cast ``share`` per cent of bloc ``bloc``'s ``size`` votes.

    The rest of the bloc counts by its own formulas, scaled to (100 - share) per cent.
    """

    role: str
    bloc: str
    size: Compiled  # a number expression
    share: int  # 1..100
    span: SourceSpan


@record(slots=True)
class Vote:
    id: str
    title: str
    motion: str
    voters: tuple[str, ...]
    rules: tuple[VoteRule, ...]
    blocs: tuple[Bloc, ...]
    passes: Compiled
    sources: tuple[str, ...]
    counterfactual: bool
    span: SourceSpan
    # Classroom (format 2); a solo game ignores them.
    ballot: str = "open"  # BALLOT_KINDS
    missing: str = "abstain"  # MISSING_RULES: a seated voter with no ballot at close
    minutes: int | None = None  # the suggested time before the timer closes the ballot
    delegates: Delegates | None = None
    # What the real vote did, when history records it: True passed, False failed (None: it
    # records none, or the vote never happened). The debrief flags a game whose vote went
    # otherwise.
    history: bool | None = None
    # How the real vote was counted, in a few words ("unanimous, Molotov abstaining"), when the
    # sources say: a class's post-mortem shows it beside the class's own count.
    history_count: str | None = None
    # voters whose ballot the rules always cast, even when a student plays them: an earlier
    # decision of theirs has settled it, and a student is not asked the same thing twice
    by_rules: tuple[str, ...] = ()
    # (ballot, stance) pairs: the stance a seated voter takes by casting that ballot himself
    stance_after: tuple[tuple[str, str], ...] = ()


@record(slots=True)
class Fate:
    actor: str
    text: str
    sources: tuple[str, ...]
    confidence: str | None  # how sure the sources are; required in a historical ending
    span: SourceSpan


@record(slots=True)
class Ending:
    id: str
    title: str
    kind: str
    text: tuple[TextPart, ...]
    sources: tuple[str, ...]
    fates: tuple[Fate, ...]
    span: SourceSpan
    winner: str | None = None  # the side whose victory it is; None: nobody's

    @property
    def counterfactual(self) -> bool:
        return self.kind == "counterfactual"


@record(slots=True)
class Floor:
    minutes: int | None
    speakers: bool  # the chair runs a speaker queue
    span: SourceSpan


@record(slots=True)
class Objective:
    """A role's game objective, read once at the end in the role's scope (see ``Role``)."""

    id: str
    text: str
    when: Compiled
    kind: str  # OBJECTIVE_KINDS
    achieved: str | None
    failed: str | None
    span: SourceSpan


@record(slots=True)
class Knowledge:
    """Private knowledge: sourced (``sources`` and ``confidence``) or ``counterfactual``.

    ``at``: revealed when that phase starts (a numbered envelope on paper); else known from
    the start (printed on the role sheet).
    """

    text: str
    sources: tuple[str, ...]
    confidence: str | None
    counterfactual: bool
    at: str | None
    span: SourceSpan


@record(slots=True)
class Move:
    """A choice a role may use during a floor: a choice without ``next``."""

    id: str
    label: str
    when: Compiled | None
    unavailable: str | None
    outcome: Outcome | None  # exactly one of outcome and chance is set; their ``next`` is ()
    chance: Chance | None
    limit: int | None  # uses per game
    window: tuple[str, ...]  # phase ids where it may be used; () = any floor
    public: bool  # the outcome is announced to the room (else only the role sees it)
    target: bool  # names a persuadable actor
    sources: tuple[str, ...]
    counterfactual: bool
    span: SourceSpan


@record(slots=True)
class Role:
    """A person a student plays (format 2)."""

    id: str
    actor: str | None  # the actor played; the role also holds the side that actor leads
    name: str  # the actor's name, or the role's own ``name`` when it has no actor
    side: str | None  # the team (a side id); None for an indeterminate (``side: none``)
    hidden: bool  # the team is kept off other players' sheets
    priority: int  # casting order: lower is dealt first
    copies: int  # up to this many students hold copies (1 for a single person)
    must: bool  # dealt at every class size
    brief: str
    objectives: tuple[Objective, ...]
    knows: tuple[Knowledge, ...]
    moves: tuple[Move, ...]
    can: tuple[str, ...]  # BUILT_INS
    reflect: tuple[str, ...]
    span: SourceSpan

    def move(self, move_id: str) -> Move | None:
        for move in self.moves:
            if move.id == move_id:
                return move
        return None


@record(slots=True)
class Injection:
    """An event the teacher may inject (sourced, or counterfactual)."""

    id: str
    label: str
    text: tuple[TextPart, ...]
    effects: tuple[CompiledEffect, ...]
    when: Compiled | None
    window: tuple[str, ...]  # phase ids where it may be injected; () = anywhere
    vote: str | None  # opens this vote's ballot (a straw poll)
    sources: tuple[str, ...]
    counterfactual: bool
    span: SourceSpan
    limit: int | None = None  # how many times a game it may be injected; None: no limit


@record(slots=True)
class AgendaItem:
    phase: str  # the act begins when this phase starts
    minutes: int
    label: str
    span: SourceSpan


@record(slots=True)
class Classroom:
    students_min: int
    students_max: int
    minutes: int | None
    agenda: tuple[AgendaItem, ...]
    stance_line: tuple[str, ...]  # stance ids, in the order persuasion moves along
    span: SourceSpan


@record(slots=True)
class Bound:
    """A range a probability must lie in, in percent (``35..85``, ``>= 10``, ``< 5``)."""

    low: float
    high: float
    low_open: bool  # ``> N``: N itself is outside
    high_open: bool  # ``< N``
    text: str  # as written, for messages
    span: SourceSpan

    def holds(self, percent: float, slack: float = 1e-9) -> bool:
        above = percent > self.low + slack if self.low_open else percent >= self.low - slack
        below = percent < self.high - slack if self.high_open else percent <= self.high + slack
        return above and below


@record(slots=True)
class Expectation:
    """A claim for ``presidium check``: this ending (or the side's victory, every ending whose
    ``winner`` is the side) is reachable playing this side; with ``best`` and ``random``, its
    probability under best play and under random play lies within those bounds."""

    ending: str | None  # None for the side's victory
    side: str
    span: SourceSpan
    best: Bound | None = None
    random: Bound | None = None

    @property
    def victory(self) -> bool:
        return self.ending is None


@record
class Scenario:
    id: str
    title: str
    format: int
    language: str
    summary: str
    content_notes: tuple[str, ...]
    start: str
    historical_ending: str | None
    sources: dict[str, Source]
    sides: dict[str, Side]
    stances: dict[str, str]
    actors: dict[str, Actor]
    variables: dict[str, Variable]
    status: tuple[StatusItem, ...]
    votes: dict[str, Vote]
    phases: dict[str, Phase]
    endings: dict[str, Ending]
    expectations: tuple[Expectation, ...]
    file: str
    span: SourceSpan
    debrief_questions: tuple[str, ...] = field(default=())
    # Format 2 (classroom); empty in a format-1 file.
    classroom: Classroom | None = None
    roles: dict[str, Role] = field(default_factory=dict)  # in priority order
    injections: dict[str, Injection] = field(default_factory=dict)
    glossary: dict[str, Sourced] = field(default_factory=dict)  # term -> what it means

    def seat_name(self, seat: str) -> str:
        if seat in self.sides:
            return self.sides[seat].name
        if seat in self.actors:
            return self.actors[seat].name
        return seat

    def concedes(self, phase: str, choice: str) -> bool:
        """Whether taking ``choice`` in ``phase`` gives the game up (its ``concedes``)."""
        found = self.phases[phase].choice(choice) if phase in self.phases else None
        return found is not None and found.concedes

    def initial_values(self) -> dict[str, int | bool | str]:
        return {name: var.initial for name, var in self.variables.items()}


_Made = TypeVar("_Made")


def per_scenario(make: Callable[[Scenario], _Made]) -> Callable[[Scenario], _Made]:
    """``make(scenario)``, worked out once for each scenario and shared by all its games
    (made with the collector paused: such things are many objects, none in a cycle), and
    dropped when the scenario goes."""
    kept: dict[int, _Made] = {}

    def get(scenario: Scenario) -> _Made:
        key = id(scenario)
        if key not in kept:
            with paused_gc():
                kept[key] = make(scenario)
            weakref.finalize(scenario, kept.pop, key, None)
        return kept[key]

    return get


def _fields_of(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) == 1:
        return lambda item: (getattr(item, names[0]),)
    get: Callable[[Any], tuple[Any, ...]] = attrgetter(*names)
    return get


MAKER = "_made_"  # the cache's maker of a model class with a span: MAKER + the class's name
MAKES: dict[str, type] = {}  # a maker's name -> the class it makes (``cache.maker``)


def _pickled_by_constructor(cls: type) -> None:
    """Pickle ``cls`` as a call of its constructor with its field values, its span spread out.

    The cache loads hundreds of thousands of these objects at every start. Calling the
    generated ``__init__`` takes half the time of a frozen dataclass's default
    (``__setstate__`` looks its fields up and sets them one call at a time), and a span
    spread among the arguments is one object fewer to rebuild and to hold while loading; a
    class with a span is made by its maker (``presidium.cache.maker``), faster still. The
    unpickler admits only this module's classes and those makers.
    """
    names = [f.name for f in fields(cls)]
    if "span" not in names:
        values = _fields_of(names)

        def plain(self: Any) -> tuple[Any, ...]:
            return (type(self), values(self))

        cls.__reduce__ = plain  # type: ignore[assignment]
        return
    name = MAKER + cls.__name__
    MAKES[name] = cls
    others = _fields_of([name for name in names if name != "span"])

    def spread(self: Any) -> tuple[Any, ...]:
        from presidium.cache import maker  # only a cache entry is pickled

        return (maker(name), (*self.span, *others(self)))

    cls.__reduce__ = spread  # type: ignore[assignment]


for _cls in list(vars().values()):
    if (
        isinstance(_cls, type)
        and _cls.__module__ == __name__
        and hasattr(_cls, "__dataclass_fields__")
    ):
        _pickled_by_constructor(_cls)
del _cls
