"""Who plays: the seats of a game and the students who hold them.

A *seat* is what one student (or one bench of students) holds in a class:

- in ``roles`` mode, a role of the scenario (``bulganin``), or one copy of a role that
  several students may hold (``cc_member#3``);
- in ``benches`` mode, a side's bench (``bench:khrushchev``), which decides that side's
  choices by the plurality of its students' answers; it works for any scenario, with no
  roles written;
- in ``solo`` mode, one side, as in ``presidium play``.

A seat *holds* the game's deciders (``Phase.by``: side and actor ids): a role holds its
actor and the side that actor leads; a bench holds its side. Every decider nobody holds is
played by the scenario's script. Casting is a pure function of the scenario and the class
size, so a class's seating is the same every time it is dealt.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from presidium.errors import UsageError
from presidium.model import Role, Scenario
from presidium.records import record

MODES = ("solo", "benches", "roles")
BENCH = "bench:"


class CastingError(UsageError):
    """The class cannot be seated as asked (too few or too many students, no roles): the
    command line asked for a class the scenario cannot seat (exit 2)."""


@record
class Seating:
    mode: str  # MODES
    students: int
    seats: tuple[str, ...]  # in dealing order (roles: priority order)
    # benches mode: (seat, students on that bench); otherwise ()
    sizes: tuple[tuple[str, int], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "mode": self.mode,
            "students": self.students,
            "seats": list(self.seats),
        }
        if self.sizes:
            body["sizes"] = {seat: n for seat, n in self.sizes}
        return body

    @staticmethod
    def from_dict(body: Any) -> Seating:
        """The seating a save describes; ``ValueError`` naming what is wrong otherwise."""
        if not isinstance(body, dict):
            raise ValueError("the seating is not an object")
        mode, students, seats = body.get("mode"), body.get("students"), body.get("seats")
        sizes = body.get("sizes", {})
        if mode not in MODES:
            raise ValueError(f"unknown seating mode {mode!r}")
        if type(students) is not int or students < 1:
            raise ValueError("the seating's 'students' is not a positive whole number")
        if not isinstance(seats, list) or not all(isinstance(s, str) for s in seats):
            raise ValueError("the seating's 'seats' is not a list of seats")
        if len(set(seats)) != len(seats):
            raise ValueError("a seat is listed twice in the seating")
        if not isinstance(sizes, dict) or not all(
            isinstance(k, str) and type(v) is int and v > 0 for k, v in sizes.items()
        ):
            raise ValueError("the seating's 'sizes' is not a map of bench -> students")
        return Seating(mode, students, tuple(seats), tuple(sizes.items()))

    def size(self, seat: str) -> int:
        """How many students sit at ``seat`` (a bench may hold several)."""
        return dict(self.sizes).get(seat, 1)

    @property
    def counted(self) -> bool:
        """Whether the class's size is known. Benches dealt without it (``--benches`` alone)
        hold a student each on paper, and saying so would only mislead; on the network such
        a bench holds the phones that join it."""
        return self.mode != "benches" or self.students > len(self.seats)


def role_of(seat: str) -> str:
    """The role id of a seat: ``cc_member#3`` -> ``cc_member``."""
    return seat.split("#", 1)[0]


def copy_number(seat: str) -> int | None:
    """Which copy of its role a seat is (``cc_member#3`` -> 3), None for a single role."""
    _, hash_, number = seat.partition("#")
    return int(number) if hash_ else None


def holds(scenario: Scenario, seat: str) -> frozenset[str]:
    """The deciders (side and actor ids) this seat decides for."""
    if seat.startswith(BENCH):
        return frozenset({seat[len(BENCH) :]})
    if seat in scenario.sides and seat not in scenario.roles:  # a solo game's side
        return frozenset({seat})
    role = scenario.roles.get(role_of(seat))
    if role is None or role.actor is None:
        return frozenset()
    led = {side.id for side in scenario.sides.values() if side.leader == role.actor}
    return frozenset({role.actor} | led)


def holder(scenario: Scenario, seats: tuple[str, ...], decider: str) -> str | None:
    """The seat, among ``seats``, that decides for ``decider`` (a phase's ``by``), if any."""
    for seat in seats:
        if decider in holds(scenario, seat):
            return seat
    return None


def seat_name(scenario: Scenario, seat: str) -> str:
    """What the room calls a seat: "Bulganin", "Member of the Central Committee 3",
    "Khrushchev's side (bench)"."""
    if seat.startswith(BENCH):
        side = scenario.sides.get(seat[len(BENCH) :])
        return f"{side.name if side else seat[len(BENCH) :]} (bench)"
    role = scenario.roles.get(role_of(seat))
    if role is None:
        return scenario.seat_name(seat)
    number = copy_number(seat)
    return role.name if number is None else f"{role.name} {number}"


def actor_of(scenario: Scenario, seat: str) -> str | None:
    """The actor a seat plays, if it plays one."""
    role = scenario.roles.get(role_of(seat))
    return role.actor if role is not None else None


def class_sizes(scenario: Scenario) -> tuple[int, int]:
    """The smallest and largest class the scenario's roles can seat."""
    if scenario.classroom is None or not scenario.roles:
        raise CastingError(
            f"scenario '{scenario.id}' has no roles; play it with --benches, which needs none"
        )
    return scenario.classroom.students_min, scenario.classroom.students_max


def dealing_order(scenario: Scenario) -> list[str]:
    """Every seat the roles offer, in the order students receive them: ``must`` roles
    first, then by priority; a role with copies gives one seat a copy, together."""
    roles: list[Role] = sorted(scenario.roles.values(), key=lambda r: (not r.must, r.priority))
    order: list[str] = []
    for role in roles:
        if role.copies > 1:
            order.extend(f"{role.id}#{n}" for n in range(1, role.copies + 1))
        else:
            order.append(role.id)
    return order


def cast(scenario: Scenario, students: int) -> Seating:
    """Deal the roles to ``students`` students: the first ``students`` seats in dealing order."""
    low, high = class_sizes(scenario)
    order = dealing_order(scenario)
    high = min(high, len(order))
    if not low <= students <= high:
        raise CastingError(
            f"scenario '{scenario.id}' has roles for {low} to {high} students, not {students}"
        )
    return Seating("roles", students, tuple(order[:students]))


def benches(scenario: Scenario, students: int) -> Seating:
    """One bench a side, the students shared out as evenly as possible (the first benches
    take one more when they do not divide evenly)."""
    sides = list(scenario.sides)
    if students < len(sides):
        raise CastingError(
            f"scenario '{scenario.id}' has {len(sides)} sides, so benches need at least "
            f"{len(sides)} students, not {students}"
        )
    seats = tuple(BENCH + side for side in sides)
    share, extra = divmod(students, len(sides))
    sizes = tuple((seat, share + (1 if n < extra else 0)) for n, seat in enumerate(seats))
    return Seating("benches", students, seats, sizes)


def solo(side: str) -> Seating:
    """One player, one side: ``presidium play``."""
    return Seating("solo", 1, (side,))
