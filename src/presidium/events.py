"""What the engine tells front ends. Every event is plain data and serialises to JSON."""

from __future__ import annotations

from dataclasses import field, fields, is_dataclass
from typing import Any, ClassVar

from presidium.records import record

PUBLIC: tuple[str, ...] = ()
TEACHER = "teacher"
SEALED = "sealed"  # delivered to nobody until the teacher reveals it


def for_role(seat: str) -> str:
    """The audience entry of one seated role (``role:bulganin``, ``role:cc_member#3``)."""
    return f"role:{seat}"


@record
class Event:
    type: str = field(init=False, default="event")
    # Who may see it: () everyone; else any of "role:SEAT", "teacher", "sealed". A solo game's
    # events are all public. Front ends filter with ``presidium.audience``.
    to: tuple[str, ...] = field(default=PUBLIC, kw_only=True)
    # Fields left out of the JSON when they are empty (None, "" or none): each was added
    # after the events it joins, so an event without it gives the JSON it always gave.
    unsaid: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: tuples become lists, so a JSON round trip gives the same value.
        ``to`` is left out of a public event, so solo output is as it always was, and so is
        each of ``unsaid`` that is empty."""
        body: dict[str, Any] = plain(self)
        if not self.to:
            del body["to"]
        for name in self.unsaid:
            if not body[name]:
                del body[name]
        return body


def plain(value: Any) -> Any:
    """``value`` as JSON data: a record (or any dataclass) as a dict of its fields, in order,
    tuples as lists. What ``dataclasses.asdict`` then a pass for the tuples gave, in one pass
    (asdict deep-copies every value first: a web class turns every event into JSON)."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass -> its fields' names
_LEAVES = frozenset({str, int, float, bool, type(None)})


@record
class PhaseStarted(Event):
    phase: str
    title: str
    date: str | None
    date_label: str | None
    time: str | None
    place: str | None
    text: str
    counterfactual: bool
    content_note: str | None
    has_notes: bool
    # Whether a human seat decides in this scene ("here"), is asked again before the game ends
    # ("later"), or will not decide again before the ending ("none"): where its notes can be read.
    decision: str = "here"
    type: str = field(init=False, default="phase")


@record
class StatusLine:
    label: str
    value: str


@record
class TargetLine:
    """One of a side's targets, and whether the game's state meets it now."""

    side: str
    label: str
    met: bool


@record
class Status(Event):
    date: str | None
    date_label: str | None
    lines: tuple[StatusLine, ...]
    # No decision can follow: the story is told on to its ending, often months or years later,
    # so a new date alone says nothing new about the state of play.
    aftermath: bool = False
    targets: tuple[TargetLine, ...] = ()  # the targets of the side(s) played, met or not
    type: str = field(init=False, default="status")
    # a scenario without targets, and a class game, give the same JSON as before them
    unsaid: ClassVar[tuple[str, ...]] = ("targets",)


@record
class Changed(Event):
    """A value of the status panel moved (solo play), and what moved it, so that a front end
    can say in one line why a number changed.

    ``variable`` moved; ``label`` is its line in the status panel (for an actor's stance
    counted in a line of alignments, that line's label). ``old`` and ``new`` are as the panel
    shows them (an actor's stance by its label). ``cause`` is in words: the label of the
    choice (``kind`` "choice", or "chance" when it hung on a chance, whose result is
    ``outcome``) taken by ``seat``, or the title of the scene (``kind`` "scene") entered.
    """

    variable: str
    label: str
    old: str
    new: str
    cause: str
    kind: str  # "choice", "chance" or "scene"
    seat: str | None = None  # who chose; None for a scene
    seat_name: str | None = None
    outcome: str | None = None  # a chance's result: "success" or "failure"
    type: str = field(init=False, default="changed")


@record
class AtLimit(Changed):
    """An effect pushed a value of the status panel past its declared bound, and so it did not
    move: without this, a player whose choice added to a number already at its maximum sees
    nothing and thinks the choice did nothing. ``old`` and ``new`` are the same (the bound, as
    the panel shows it); ``limit`` says which bound: "highest" or "lowest". The other fields
    are as in ``Changed``.
    """

    limit: str = "highest"
    type: str = field(init=False, default="at_limit")


@record
class Ballot:
    voter: str
    name: str
    vote: str  # "for", "against" or "abstain"
    reason: str
    counterfactual: bool = False  # the reason is invented

    @property
    def why(self) -> str:
        return f"[Counterfactual] {self.reason}" if self.counterfactual else self.reason


@record
class BlocBallot:
    label: str
    votes_for: int
    votes_against: int
    abstentions: int
    reason: str


@record
class VoteHeld(Event):
    vote: str
    title: str
    motion: str
    ballots: tuple[Ballot, ...]
    blocs: tuple[BlocBallot, ...]
    votes_for: int
    votes_against: int
    abstentions: int
    passed: bool
    counterfactual: bool
    # In a class: the voters (by id) who cast their own ballot, so that its reason is a
    # student's own words; every other ballot, and its reason, is the scenario's rules'.
    own: tuple[str, ...] = ()
    type: str = field(init=False, default="vote")
    # a solo game's votes, and a class's counted by the rules alone, have no ``own``
    unsaid: ClassVar[tuple[str, ...]] = ("own",)


@record
class Option:
    """A choice as offered now. ``available`` false: shown with ``reason``, cannot be taken."""

    number: int
    id: str
    label: str
    available: bool
    reason: str | None
    percent: int | None  # odds of success, for a choice that depends on a two-way chance
    counterfactual: bool
    # A chance of more than two outcomes: each outcome's label and odds (``percent`` is None).
    odds: tuple[tuple[str, int], ...] = ()


@record
class DecisionNeeded(Event):
    seat: str
    seat_name: str
    phase: str
    prompt: str
    options: tuple[Option, ...]
    type: str = field(init=False, default="decision")

    def to_dict(self) -> dict[str, Any]:
        """As every event; an option's ``odds`` only where it has them, so that the data of
        a game without many-outcome chances is as it always was."""
        body = super().to_dict()
        for option in body["options"]:
            if not option["odds"]:
                del option["odds"]
        return body


@record
class ChoiceMade(Event):
    seat: str
    seat_name: str
    phase: str
    choice: str
    label: str
    by: str  # "player" or "script"
    historical: bool | None  # None where the phase records no historical choice
    type: str = field(init=False, default="choice")


@record
class ChanceRolled(Event):
    """A chance decided. With more than two outcomes, ``outcome`` names the one the dice gave,
    ``percent`` is its odds, ``odds`` every outcome's, and ``success`` means the first (the
    historical one)."""

    choice: str
    percent: int
    roll: int
    success: bool
    type: str = field(init=False, default="chance")
    outcome: str | None = None
    odds: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        if self.outcome is None:  # a two-way chance: as it always was
            del body["outcome"], body["odds"]
        return body


@record
class Narration(Event):
    text: str
    counterfactual: bool
    type: str = field(init=False, default="narration")


@record
class StanceMoved(Narration):
    """In a class, the story moved the stance a seated student had declared: ``text`` says it
    to the room and the teacher; ``own`` says it to that student (``seat``) on their own
    phone, in the second person."""

    seat: str = ""
    own: str = ""


@record
class Refused(Event):
    """An in-fiction refusal: the choice exists but cannot be taken now. Nothing changed."""

    choice: str
    reason: str
    type: str = field(init=False, default="refused")


@record
class Fate:
    actor: str
    name: str
    text: str
    sources: tuple[str, ...]
    confidence: str | None


@record
class GameEnded(Event):
    ending: str
    title: str
    kind: str
    text: str
    fates: tuple[Fate, ...]
    # In a solo game of a scenario whose endings name winners: the side whose victory this
    # ending is, or "none" (nobody's). Left out otherwise, so other JSON stays as it was.
    winner: str | None = None
    type: str = field(init=False, default="ended")
    unsaid: ClassVar[tuple[str, ...]] = ("winner",)


# ---------------------------------------------------------------- classroom (several people)
@record
class RequestOpened(Event):
    """The game waits (``blocking``) or listens for someone: a decision, a ballot, a floor or
    a rating. ``roles``: the seats that may act on it."""

    request: str  # its id: "PHASE:decision", "PHASE:ballot", "PHASE:floor", "rating:N"
    kind: str  # "decision", "ballot", "floor" or "rating"
    phase: str
    title: str  # what the room is told: "Khrushchev decides", the vote's title ...
    roles: tuple[str, ...]
    blocking: bool
    minutes: int | None
    options: tuple[Option, ...] = ()  # a decision's choices
    vote: str | None = None  # a ballot's vote id
    ballot: str | None = None  # a ballot's kind: "open", "simultaneous" or "secret"
    type: str = field(init=False, default="request")


@record
class RequestClosed(Event):
    request: str
    kind: str
    # "complete" (everyone answered), "teacher", "timer", "conclude" (the bell) or "undo"
    by: str
    # said to the room: "The ballot is closed: 7 voted, 2 absent (abstain)."; empty when an
    # undo or overrule closes it, since their ruling already says what was taken back
    summary: str
    type: str = field(init=False, default="closed")


@record
class Advised(Event):
    request: str
    seat: str
    name: str
    choice: str
    label: str
    type: str = field(init=False, default="advised")


@record
class HandsCounted(Event):
    request: str
    counts: tuple[tuple[str, int], ...]  # choice -> hands, in the order offered
    chosen: str
    tie_broken: bool  # a tie went to the choice the script would take
    type: str = field(init=False, default="hands")


@record
class BallotProgress(Event):
    """Who has voted (open and simultaneous ballots), or only how many (secret)."""

    request: str
    voted: tuple[str, ...]  # names; () for a secret ballot
    waiting: tuple[str, ...]  # names; () for a secret ballot
    count: int
    of: int
    type: str = field(init=False, default="ballot_progress")


@record
class BallotCast(Event):
    """An open ballot's vote, shown to the room as it is cast."""

    request: str
    voter: str
    name: str
    vote: str
    why: str
    # The voter's ballot this one replaces ("for", "against", "abstain"): a changed vote, or
    # the same vote with another reason. "" for a first vote, and then left out of the JSON,
    # so that a session recorded before it existed replays to the same events.
    was: str = ""
    type: str = field(init=False, default="ballot_cast")
    unsaid: ClassVar[tuple[str, ...]] = ("was",)


@record
class BallotChanged(Event):
    """A voter in a simultaneous or secret ballot cast a ballot other than the one they had
    in (another vote, or another reason, said alike). Never how: a simultaneous ballot's
    votes are said when it closes, a secret one's totals only. Who, in a simultaneous
    ballot, whose progress names who has voted; in a secret one nobody (``voter`` and
    ``name`` are ""), as its progress and an undone ballot there name nobody."""

    request: str
    voter: str  # "" in a secret ballot
    name: str  # "" in a secret ballot
    type: str = field(init=False, default="ballot_changed")


@record
class BallotReceived(Event):
    """To the voter: your ballot is in, and can be changed until the ballot closes."""

    request: str
    seat: str
    vote: str
    type: str = field(init=False, default="ballot_received")


@record
class FloorMove(Event):
    """A move was made on the floor (to the role and the teacher); it resolves at close."""

    request: str
    seat: str
    name: str
    move: str
    label: str
    target: str | None
    type: str = field(init=False, default="floor_move")


@record
class MoveResolved(Event):
    seat: str
    name: str
    move: str
    label: str
    text: str
    counterfactual: bool
    chance: tuple[int, int, bool] | None  # (percent, roll, success)
    type: str = field(init=False, default="move_resolved")


@record
class Declared(Event):
    seat: str
    name: str
    actor: str
    stance: str
    label: str
    type: str = field(init=False, default="declared")


@record
class Argued(Event):
    """A role argues with an actor (the text goes to the teacher, who rates it)."""

    request: str  # the rating request
    seat: str
    name: str
    target: str
    target_name: str
    text: str
    type: str = field(init=False, default="argued")


MOVED, ALREADY, UNMOVED = "moved", "already", "unmoved"


@record
class Rated(Event):
    request: str
    seat: str
    target: str
    target_name: str
    strength: int
    percent: int
    roll: int
    success: bool
    stance: str  # the target's stance afterwards
    stance_label: str
    # What it did: MOVED (one step towards the arguer's side), ALREADY (persuaded, and
    # already where the arguer's side stands: no change) or UNMOVED (the roll failed).
    # Front ends say this, not ``success``, so every screen and the debrief agree.
    outcome: str = "unmoved"
    type: str = field(init=False, default="rated")


@record
class NoteSent(Event):
    seat: str
    name: str
    text: str
    type: str = field(init=False, default="note")


@record
class Revealed(Event):
    """Private knowledge reaching a role when a scene starts (an envelope, on paper)."""

    seat: str
    phase: str
    text: str
    sources: tuple[str, ...]
    confidence: str | None
    counterfactual: bool
    envelope: int  # its number among the role's envelopes, from 1
    type: str = field(init=False, default="revealed")


@record
class Injected(Event):
    """The teacher's event, from those the scenario offers."""

    injection: str
    label: str
    text: str
    sources: tuple[str, ...]
    counterfactual: bool
    type: str = field(init=False, default="injected")


@record
class Ruling(Event):
    """The teacher set a value, overruled a decision or took an action back, with a reason."""

    kind: str  # "set", "overrule" or "undo"
    text: str  # "Central Committee members in Moscow: 70 (was 55)"
    reason: str
    # An overrule of a decision taken, or an undo: the number, counted from 0 among every
    # event the game has given since its start (a session's ``events`` index), of the first
    # event it takes back. Every event from there up to this ruling no longer describes the
    # game (``taken_back``). None: nothing is taken back.
    retracts: int | None = None
    type: str = field(init=False, default="ruling")


def taken_back(events: list[Event]) -> frozenset[int]:
    """The indices of ``events`` (every event of a game, from its start) that a later
    overrule or undo took back: what a debrief must not present as having happened. The
    rulings themselves, and a pause or its end (which no ruling takes back), are kept."""
    gone: set[int] = set()
    for n, e in enumerate(events):
        if isinstance(e, Ruling) and e.retracts is not None:
            gone.update(
                i
                for i in range(e.retracts, n)
                if not isinstance(events[i], Ruling | Paused | Resumed)
                or (isinstance(events[i], Ruling) and events[i].kind == "set")  # type: ignore[attr-defined]
            )
    return frozenset(gone)


@record
class Paused(Event):
    """The teacher paused the game: no student's action is taken until it goes on."""

    reason: str
    type: str = field(init=False, default="paused")


@record
class Resumed(Event):
    """The game goes on after a pause."""

    type: str = field(init=False, default="resumed")


@record
class SeatChanged(Event):
    seat: str
    name: str
    held: bool  # True: a student holds it again; False: the script plays it
    type: str = field(init=False, default="seat")


@record
class Concluded(Event):
    """The bell: every seat is played by the script to an ending."""

    type: str = field(init=False, default="concluded")


@record
class ObjectiveResult:
    id: str
    text: str
    kind: str
    achieved: bool | None  # None: unknown (it depends on a ballot counted on paper)
    comment: str | None  # the objective's ``achieved`` or ``failed`` text


@record
class ObjectivesScored(Event):
    """At the end: one seated role's objectives (to that role and the teacher until revealed)."""

    seat: str
    name: str
    results: tuple[ObjectiveResult, ...]
    type: str = field(init=False, default="objectives")
