"""What a class game holds beyond a solo game: its open requests and what was said in them.

A solo game waits for one decision at a time. A class waits for several things at once: a
decision, a ballot, a floor where every seated role may make moves, the teacher's rating of
an argument, a straw poll the teacher injected. Each is a *request* with an id, opened by the
engine as an ``ev.RequestOpened`` and answered by actions (``presidium.actions``).

``Room`` is that state. It is plain data and copied into every ``Snapshot``, so undo, the
explorer and replay see it exactly as the engine does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from presidium import events as ev
from presidium.records import record
from presidium.seating import Seating

DECISION, BALLOT, FLOOR, RATING = "decision", "ballot", "floor", "rating"
# The steps of a phase in a class, after its scene and status: floor, ballot, decision.
FLOOR_STAGE, BALLOT_STAGE, DECISION_STAGE = 0, 1, 2
UNDO_DEPTH = 100  # actions the teacher can take back, newest first


def decision_id(phase: str) -> str:
    return f"{phase}:decision"


def ballot_id(phase: str) -> str:
    return f"{phase}:ballot"


def floor_id(phase: str) -> str:
    return f"{phase}:floor"


def straw_poll_id(injection: str) -> str:
    return f"inject:{injection}:ballot"


def rating_id(number: int) -> str:
    return f"rating:{number}"


@record
class Queued:
    """A move made on a floor, waiting for the floor to close."""

    seat: str
    move: str
    target: str | None


@dataclass
class Room:
    """A class game's state beyond the phase and the variables (see the module docstring)."""

    requests: dict[str, ev.RequestOpened] = field(default_factory=dict)  # in opening order
    scripted: frozenset[str] = frozenset()  # seats handed to the script
    # ballot request -> seat -> (ballot, why): the ballots cast so far, changeable until close
    cast: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    queued: dict[str, tuple[Queued, ...]] = field(default_factory=dict)  # floor -> moves
    uses: dict[tuple[str, str], int] = field(default_factory=dict)  # (seat, move) -> uses
    injected: dict[str, int] = field(default_factory=dict)  # injection -> times injected
    # vote -> voter (an actor, or a delegate seat) -> one of model.BALLOT_VALUES
    ballots: dict[str, dict[str, str]] = field(default_factory=dict)
    arguments: dict[str, tuple[str, str]] = field(default_factory=dict)  # rating -> (seat, target)
    ratings: int = 0  # rating requests opened so far
    stage: int = FLOOR_STAGE  # the next step of the current phase
    sealed: tuple[ev.VoteHeld, ...] = ()  # secret ballots' full records, until revealed
    scored: tuple[ev.ObjectivesScored, ...] = ()  # at the end
    # the values and ballots at the end, which the objectives read (a straw poll or a rating
    # after the end changes neither), kept to score them again when a secret vote is revealed
    final: tuple[
        tuple[tuple[str, Any], ...], tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    ] = (
        (),
        (),
    )
    objectives_revealed: bool = False
    declared: frozenset[str] = frozenset()  # actors whose seated student declared a stance
    declarations: tuple[tuple[str, str], ...] = ()  # (seat, the stance it last declared)
    concluded: bool = False
    # The teacher's pause: its reason while the game is paused, else None. Not part of the
    # game's state: undo and overrule leave it as it is.
    paused: str | None = None
    # The snapshot taken before the latest decision (for overrule), and the snapshots taken
    # before each accepted action still in effect, with its place in the log (for undo).
    before_decision: Any = None
    # Where the latest decision was taken: the index of its ``ChoiceMade`` among the game's
    # events, and the place in the log of the first action after it.
    decided_at: tuple[int, int] = (0, 0)
    # each: (the snapshot, the action's place in the log, where its events begin)
    history: tuple[tuple[Any, int, int], ...] = ()

    def copy(self) -> Room:
        """A copy that shares nothing mutable with this one."""
        return replace(
            self,
            requests=dict(self.requests),
            cast={k: dict(v) for k, v in self.cast.items()},
            queued=dict(self.queued),
            uses=dict(self.uses),
            injected=dict(self.injected),
            ballots={k: dict(v) for k, v in self.ballots.items()},
            arguments=dict(self.arguments),
        )

    def blocking(self) -> bool:
        """Whether the game must wait before it can go on to the next step."""
        return any(r.blocking for r in self.requests.values())

    def key(self) -> tuple[tuple[str, Any], ...]:
        """What, beyond the phase and the variables, decides how the game plays on."""
        return (
            ("~requests", tuple(self.requests)),
            ("~stage", self.stage),
            ("~scripted", tuple(sorted(self.scripted))),
            ("~cast", tuple(sorted((k, tuple(sorted(v.items()))) for k, v in self.cast.items()))),
            ("~queued", tuple(sorted(self.queued.items()))),
            ("~uses", tuple(sorted(self.uses.items()))),
            ("~injected", tuple(sorted(self.injected.items()))),
            ("~concluded", self.concluded),
            ("~declared", tuple(sorted(self.declared))),
            ("~paused", self.paused is not None),
        )


def resolution_order(seating: Seating, queued: tuple[Queued, ...]) -> list[Queued]:
    """Moves in the order they resolve: by seat in the seating's dealing order, then in the
    order each seat made them. Never the order they arrived from different seats, so two
    classes that make the same moves get the same dice, whoever typed first."""
    rank = {seat: n for n, seat in enumerate(seating.seats)}
    return sorted(queued, key=lambda q: rank.get(q.seat, len(rank)))  # a stable sort
