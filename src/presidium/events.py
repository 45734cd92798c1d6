"""What the engine tells front ends. Every event is plain data and serialises to JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    type: str = field(init=False, default="event")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: tuples become lists, so a JSON round trip gives the same value."""
        return _plain(asdict(self))  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class StatusLine:
    label: str
    value: str


@dataclass(frozen=True)
class Status(Event):
    date: str | None
    date_label: str | None
    lines: tuple[StatusLine, ...]
    # No decision can follow: the story is told on to its ending, often months or years later,
    # so a new date alone says nothing new about the state of play.
    aftermath: bool = False
    type: str = field(init=False, default="status")


@dataclass(frozen=True)
class Ballot:
    voter: str
    name: str
    vote: str  # "for", "against" or "abstain"
    reason: str
    counterfactual: bool = False  # the reason is invented

    @property
    def why(self) -> str:
        return f"[Counterfactual] {self.reason}" if self.counterfactual else self.reason


@dataclass(frozen=True)
class BlocBallot:
    label: str
    votes_for: int
    votes_against: int
    abstentions: int
    reason: str


@dataclass(frozen=True)
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
    type: str = field(init=False, default="vote")


@dataclass(frozen=True)
class Option:
    """A choice as offered now. ``available`` false: shown with ``reason``, cannot be taken."""

    number: int
    id: str
    label: str
    available: bool
    reason: str | None
    percent: int | None  # odds of success, for a choice that depends on chance
    counterfactual: bool


@dataclass(frozen=True)
class DecisionNeeded(Event):
    seat: str
    seat_name: str
    phase: str
    prompt: str
    options: tuple[Option, ...]
    type: str = field(init=False, default="decision")


@dataclass(frozen=True)
class ChoiceMade(Event):
    seat: str
    seat_name: str
    phase: str
    choice: str
    label: str
    by: str  # "player" or "script"
    historical: bool | None  # None where the phase records no historical choice
    type: str = field(init=False, default="choice")


@dataclass(frozen=True)
class ChanceRolled(Event):
    choice: str
    percent: int
    roll: int
    success: bool
    type: str = field(init=False, default="chance")


@dataclass(frozen=True)
class Narration(Event):
    text: str
    counterfactual: bool
    type: str = field(init=False, default="narration")


@dataclass(frozen=True)
class Refused(Event):
    """An in-fiction refusal: the choice exists but cannot be taken now. Nothing changed."""

    choice: str
    reason: str
    type: str = field(init=False, default="refused")


@dataclass(frozen=True)
class Fate:
    actor: str
    name: str
    text: str
    sources: tuple[str, ...]
    confidence: str | None


@dataclass(frozen=True)
class GameEnded(Event):
    ending: str
    title: str
    kind: str
    text: str
    fates: tuple[Fate, ...]
    type: str = field(init=False, default="ended")
