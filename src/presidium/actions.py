"""Everything a caller can do to a game, as plain data: the entries of a class's log.

Each action says who did it (``by``): a seated role (``role:molotov``, ``role:cc_member#3``),
the ``teacher``, or the ``timer``. ``Game.submit(action)`` takes one; a class session is its
scenario, seed, seating and the list of actions it accepted, so replaying the list gives the
same game. ``to_dict``/``from_dict`` are the save's and the session log's JSON form:
``{"by": ..., "do": ..., ...fields}``.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any, ClassVar

from presidium.errors import PresidiumError
from presidium.records import record

TEACHER = "teacher"
TIMER = "timer"
MAX_TEXT = 280  # characters of a student's argument, note or "why"


class BadAction(PresidiumError):
    """A log entry that is not an action: damaged or edited by hand."""


@record
class Action:
    do: ClassVar[str] = ""

    @property
    def by(self) -> str:
        role = getattr(self, "role", None)
        return f"role:{role}" if role else TEACHER

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"by": self.by, "do": self.do}
        for f in fields(self):
            value = getattr(self, f.name)
            body[f.name] = list(map(list, value)) if f.name == "counts" else value
        return body


# ---------------------------------------------------------------- a seated role's actions
@record
class Choose(Action):
    """The decider's choice (or a bench's spokesperson's)."""

    do: ClassVar[str] = "choose"
    role: str
    request: str
    choice: str


@record
class Advise(Action):
    """A seated role of the decider's side says which choice it would take (``consult``)."""

    do: ClassVar[str] = "advise"
    role: str
    request: str
    choice: str


@record
class Cast(Action):
    """A seated voter's ballot: "for", "against" or "abstain". It may change until close."""

    do: ClassVar[str] = "cast"
    role: str
    request: str
    ballot: str
    why: str = ""


@record
class MakeMove(Action):
    """A role's floor move; it resolves when the floor closes, in role priority order."""

    do: ClassVar[str] = "move"
    role: str
    request: str
    move: str
    target: str | None = None


@record
class Declare(Action):
    """A role declares its own stance, publicly and at once."""

    do: ClassVar[str] = "declare"
    role: str
    stance: str


@record
class Argue(Action):
    """A role argues with an unseated persuadable actor; the teacher rates it."""

    do: ClassVar[str] = "argue"
    role: str
    target: str
    text: str


@record
class Note(Action):
    """A private message to the teacher."""

    do: ClassVar[str] = "note"
    role: str
    text: str


# ---------------------------------------------------------------- the teacher's actions
@record
class Hands(Action):
    """A counted show of hands for a bench's (or a consulted side's) decision, choice -> count.
    The plurality decides; a tie goes to the choice the script would take."""

    do: ClassVar[str] = "hands"
    request: str
    counts: tuple[tuple[str, int], ...]


@record
class Tally(Action):
    """A paper secret ballot's totals for the seated voters; their own ballots stay unknown."""

    do: ClassVar[str] = "tally"
    request: str
    votes_for: int
    votes_against: int
    abstentions: int


@record
class Rate(Action):
    """The teacher's rating of an argument, 1 to 5 (10, 30, 50, 70 or 90 per cent)."""

    do: ClassVar[str] = "rate"
    request: str
    strength: int


@record
class Close(Action):
    """End a ballot, floor or decision wait now. A decision closed unanswered goes to the
    script; missing voters follow their vote's ``missing`` rule."""

    do: ClassVar[str] = "close"
    request: str
    timer: bool = False

    @property
    def by(self) -> str:
        return TIMER if self.timer else TEACHER


@record
class Pause(Action):
    """Stop the game for the room, with the reason said aloud: until ``Resume`` no student's
    action is taken (the teacher's still are) and no countdown closes anything."""

    do: ClassVar[str] = "pause"
    reason: str = ""


@record
class Resume(Action):
    """The game goes on after a ``Pause``."""

    do: ClassVar[str] = "resume"


@record
class Inject(Action):
    do: ClassVar[str] = "inject"
    injection: str


@record
class SetValue(Action):
    """A ruling: a variable set by the teacher, with the reason said aloud."""

    do: ClassVar[str] = "set"
    variable: str
    value: int | bool | str
    reason: str


@record
class Overrule(Action):
    """The teacher decides: the decision open now, taken for its student, or else the latest
    decision taken, replaced (what was done since is taken back). ``phase`` names which of
    the two; None takes the open one if there is one. Both stay in the log."""

    do: ClassVar[str] = "overrule"
    choice: str
    reason: str
    phase: str | None = None


@record
class Undo(Action):
    """Go back to before the latest accepted action; both stay in the log."""

    do: ClassVar[str] = "undo"


@record
class ScriptSeat(Action):
    """Hand a seated role to the scenario's script."""

    do: ClassVar[str] = "script"
    seat: str


@record
class SeatRole(Action):
    """Take a role back from the script for a student."""

    do: ClassVar[str] = "seat"
    seat: str


@record
class Reveal(Action):
    """Make the sealed record public: secret ballots (all, or one vote's) and objectives."""

    do: ClassVar[str] = "reveal"
    vote: str | None = None


@record
class Conclude(Action):
    """The bell: every seat goes to the script and the game plays on to an ending."""

    do: ClassVar[str] = "conclude"


KINDS: dict[str, type[Action]] = {
    cls.do: cls
    for cls in (
        Choose,
        Advise,
        Cast,
        MakeMove,
        Declare,
        Argue,
        Note,
        Hands,
        Tally,
        Rate,
        Close,
        Pause,
        Resume,
        Inject,
        SetValue,
        Overrule,
        Undo,
        ScriptSeat,
        SeatRole,
        Reveal,
        Conclude,
    )
}


def from_dict(body: Any) -> Action:
    """The action a log entry describes; ``BadAction`` naming what is wrong otherwise."""
    if not isinstance(body, dict):
        raise BadAction("an entry is not an object")
    kind = KINDS.get(body.get("do"))  # type: ignore[arg-type]
    if kind is None:
        raise BadAction(f"unknown action {body.get('do')!r}")
    known = {f.name: f for f in fields(kind)}
    extra = set(body) - set(known) - {"by", "do"}
    if extra:
        raise BadAction(f"'{kind.do}' has no field {sorted(extra)[0]!r}")
    values: dict[str, Any] = {}
    for name, f in known.items():
        if name not in body:
            if f.default is MISSING:
                raise BadAction(f"'{kind.do}' needs {name!r}")
            continue
        value = body[name]
        if name == "counts":
            if not isinstance(value, list) or not all(
                isinstance(p, list)
                and len(p) == 2
                and isinstance(p[0], str)
                and type(p[1]) is int
                and p[1] >= 0
                for p in value
            ):
                raise BadAction("'hands' needs counts as [[choice, number], ...]")
            value = tuple((p[0], p[1]) for p in value)
        elif not _fits(value, str(f.type)):
            raise BadAction(f"'{kind.do}': {name!r} is not {f.type}")
        values[name] = value
    action = kind(**values)
    if body.get("by", action.by) != action.by:
        raise BadAction(f"'{kind.do}' by {body.get('by')!r}, but it is {action.by!r}'s")
    return action


def _fits(value: Any, annotation: str) -> bool:
    kinds = {"str": str, "int": int, "bool": bool, "None": type(None)}
    allowed = [kinds[t.strip()] for t in annotation.split("|")]
    return any(type(value) is k for k in allowed)
