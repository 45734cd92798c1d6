"""A class cast for the real june_1957, built on the compiled scenario for engine tests.

The bundled scenario gains its roles in its own file; these tests need a cast whose every
part they know (a private move, a chance move, delegates, each ballot kind, a straw poll),
so they add one to the compiled model, as the compiler would build it.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from presidium import actions as act
from presidium.audience import only
from presidium.conditions import BOOL, INT, Scope, VarType, compile_effect, compile_expression
from presidium.engine import Game
from presidium.events import Event
from presidium.model import (
    BALLOT_VALUES,
    Bloc,
    Classroom,
    Delegates,
    Floor,
    Injection,
    Knowledge,
    Move,
    Objective,
    Outcome,
    Role,
    Scenario,
    TextPart,
    Variable,
)
from presidium.seating import Seating


def with_cast(
    june: Scenario,
    showdown: str = "simultaneous",
    plenum: str = "open",
    missing: str = "abstain",
) -> Scenario:
    """june_1957 with roles, floors, a consulted decision, delegates and a straw poll."""
    span = june.span
    variables = dict(june.variables)
    for part in ("passed", "for", "against", "abstain"):
        kind = VarType(BOOL) if part == "passed" else VarType(INT, minimum=0)
        variables[f"straw_poll.{part}"] = Variable(
            f"straw_poll.{part}", part, kind, False if part == "passed" else 0, {}, span
        )
    scope = Scope(
        variables={k: v.type for k, v in variables.items()},
        stances=tuple(june.stances),
    )
    ballot = VarType("enum", BALLOT_VALUES)
    extra: dict[str, VarType] = {
        "ending": VarType("enum", tuple(june.endings)),
        "ending_kind": VarType("enum", ("historical", "counterfactual")),
        "me.stance": VarType("enum", tuple(june.stances)),
    }
    for vote_id in (*june.votes, "straw_poll"):
        extra[f"me.ballot.{vote_id}"] = ballot
    extra["plenum_29_june.ballot.bulganin"] = ballot
    extra["plenum_29_june.ballot.molotov"] = ballot
    goal = Scope(scope.variables, stances=scope.stances, extra=extra)

    def when(source: str) -> Any:
        return compile_expression(source, goal, BOOL)

    def objective(id_: str, source: str, kind: str = "main") -> Objective:
        return Objective(
            id_, f"Objective {id_}", when(source), kind, "Well done.", "Not this time.", span
        )

    def text(words: str) -> tuple[TextPart, ...]:
        return (TextPart(words, None, False, span),)

    def outcome(words: str, *effects: str) -> Outcome:
        return Outcome(text(words), tuple(compile_effect(e, scope) for e in effects), (), span)

    def move(id_: str, *effects: str, public: bool = False, limit: int | None = None,
             chance: int | None = None, target: bool = False, when_: str | None = None) -> Move:  # fmt: skip
        from presidium.model import Chance

        odds = None
        plain: Outcome | None = outcome(f"{id_} done.", *effects)
        if chance is not None:
            odds = Chance(
                compile_expression(str(chance), scope, INT),
                outcome(f"{id_} worked.", *effects),
                outcome(f"{id_} failed."),
                span,
            )
            plain = None
        condition = compile_expression(when_, scope, BOOL) if when_ else None
        return Move(id_, f"Move {id_}", condition, "not now" if when_ else None, plain, odds,
                    limit, (), public, target, (), True, span)  # fmt: skip

    def role(id_: str, priority: int, *, actor: str | None = None, side: str | None = None,
             copies: int = 1, must: bool = False, goals: tuple[Objective, ...] = (),
             knows: tuple[Knowledge, ...] = (), moves: tuple[Move, ...] = (),
             can: tuple[str, ...] = ()) -> Role:  # fmt: skip
        name = june.actors[actor].name if actor else "Member of the Central Committee"
        return Role(id_, actor, name, side, False, priority, copies, must, f"Brief of {id_}.",
                    goals, knows, moves, can, (), span)  # fmt: skip

    def envelope(words: str, at: str | None) -> Knowledge:
        return Knowledge(words, ("serov_diaries",), "attributed", False, at, span)

    roles = {
        "khrushchev": role(
            "khrushchev",
            1,
            actor="khrushchev",
            side="khrushchev",
            must=True,
            goals=(
                objective("stay", "ending == 'anti_party_group' or ending == 'harsh_verdict'"),
                objective("no_dock", "ending != 'harsh_verdict'", "personal"),
            ),
            knows=(
                envelope("Known from the start.", None),
                envelope("Khrushchev's first envelope.", "ambush"),
                envelope("Khrushchev's second envelope.", "plenum_opens"),
            ),
            moves=(move("rally", "cc_lean += 5", public=True, limit=1),),
            can=("declare", "argue", "note"),
        ),
        "molotov": role(
            "molotov",
            2,
            actor="molotov",
            side="molotov",
            must=True,
            goals=(
                objective("remove", "ending == 'khrushchev_removed'"),
                objective("no_self", "me.ballot.plenum_29_june != 'for'", "personal"),
            ),
            knows=(envelope("Molotov's secret.", "presidium_count"),),
            moves=(
                move("whisper", "cc_lean -= 5", chance=50),
                move("lobby", "cc_in_moscow -= 3", limit=2),
            ),
            can=("declare", "argue", "note"),
        ),
        "bulganin": role(
            "bulganin",
            3,
            actor="bulganin",
            goals=(objective("winning_side", "me.stance == 'khrushchev'"),),
            moves=(move("chair", "cc_lean += 1", when_="not published"),),
            can=("declare", "note"),
        ),
        "malenkov": role(
            "malenkov",
            4,
            actor="malenkov",
            side="molotov",
            goals=(objective("bulganin_for", "plenum_29_june.ballot.bulganin == 'for'"),),
            can=("argue", "note"),
        ),
        "mikoyan": role(
            "mikoyan",
            5,
            actor="mikoyan",
            side="khrushchev",
            goals=(objective("passed", "plenum_29_june.passed"),),
            moves=(move("door", "cc_in_moscow += 10", limit=2),),
            can=("argue", "note"),
        ),
        "cc_member": role(
            "cc_member",
            6,
            side=None,
            copies=3,
            goals=(objective("voted_for", "me.ballot.plenum_29_june == 'for'"),),
            moves=(move("speak", "cc_lean += 2", target=True),),
            can=("note",),
        ),
    }
    actors = {
        k: dataclasses.replace(a, persuadable=k in ("pervukhin", "saburov", "voroshilov", "zhukov"))
        for k, a in june.actors.items()
    }
    votes = {  # this cast's own ballot keys: none of the scenario's (stance_after, by_rules)
        k: dataclasses.replace(
            v,
            ballot="open",
            missing="abstain",
            minutes=None,
            delegates=None,
            stance_after=(),
            by_rules=(),
        )
        for k, v in june.votes.items()
    }
    votes["showdown_18_june"] = dataclasses.replace(
        votes["showdown_18_june"], ballot=showdown, missing=missing, minutes=2
    )
    held = votes["plenum_29_june"]
    hall = dataclasses.replace(held.blocs[0], id="cc_hall")
    votes["plenum_29_june"] = dataclasses.replace(
        held,
        ballot=plenum,
        missing=missing,
        blocs=(hall,),
        delegates=Delegates(
            "cc_member", "cc_hall", compile_expression("cc_in_moscow", scope, INT), 60, span
        ),
    )
    votes["straw_poll"] = dataclasses.replace(
        held,
        id="straw_poll",
        title="A secret straw poll of the hall",
        ballot="secret",
        blocs=(
            Bloc(
                "The hall",
                {"for": compile_expression("0", scope, INT)},
                "None.",
                None,
                span,
                "cc_hall",
            ),
        ),
        delegates=Delegates(
            "cc_member", "cc_hall", compile_expression("cc_in_moscow", scope, INT), 100, span
        ),
        counterfactual=True,
    )
    # only the floors and consulted decisions these tests know of (whatever the file has)
    phases = {k: dataclasses.replace(p, floor=None, consult=None) for k, p in june.phases.items()}
    floor = Floor(3, False, span)
    for pid in ("presidium_count", "plenum_opens"):
        phases[pid] = dataclasses.replace(phases[pid], floor=floor)
    for pid in ("ambush", "waverers"):
        phases[pid] = dataclasses.replace(phases[pid], consult="side")
    injections = {
        "konev_speaks": Injection(
            "konev_speaks", "Marshal Konev speaks", text("Konev speaks for the army."),
            (compile_effect("cc_lean += 5", scope),), None,
            ("plenum_opens", "zhukov_speaks"), None, ("military_factor",), False, span,
        ),
        "rumour": Injection(
            "rumour", "A rumour", text("Word spreads."), (compile_effect("cc_in_moscow -= 5", scope),),
            compile_expression("not published", scope, BOOL), (), None, (), True, span,
        ),
        "straw_poll": Injection(
            "straw_poll", "A straw poll", text("Would the hall vote the same in secret?"), (),
            None, (), "straw_poll", (), True, span,
        ),
    }  # fmt: skip
    classroom = Classroom(3, 8, 50, (), ("majority", "wavering", "khrushchev"), span)
    return dataclasses.replace(
        june,
        format=2,
        actors=actors,
        variables=variables,
        votes=votes,
        phases=phases,
        roles=roles,
        injections=injections,
        classroom=classroom,
    )


SEATS = (
    "khrushchev",
    "molotov",
    "bulganin",
    "malenkov",
    "mikoyan",
    "cc_member#1",
    "cc_member#2",
    "cc_member#3",
)


def seating(n: int = 8) -> Seating:
    return Seating("roles", n, SEATS[:n])


def everyone_sees(events: list[Event], viewer: str) -> list[Event]:
    return list(only(events, viewer))


def random_action(game: Game, rng: random.Random) -> act.Action | None:
    """One action a class might take now, chosen by ``rng``: a seeded agent for the whole room."""
    room = game.room
    assert room is not None
    requests = list(room.state.requests.values())
    seats = [s for s in room.seating.seats if s not in room.state.scripted]
    roll = rng.random()
    if seats and roll < 0.12 and not game.over:
        seat = rng.choice(seats)
        kind = rng.choice(("declare", "argue", "note"))
        if kind == "declare":
            return act.Declare(seat, rng.choice(list(game.scenario.stances)))
        if kind == "argue":
            return act.Argue(
                seat, rng.choice(("pervukhin", "saburov", "voroshilov")), "Think of the party."
            )
        return act.Note(seat, "A private word.")
    if roll < 0.16 and not game.over:
        return act.Inject(rng.choice(list(game.scenario.injections)))
    if roll < 0.18:
        return act.Undo()
    if roll < 0.24:
        return teacher_action(game, rng)
    if not requests:
        return None
    request = rng.choice(requests)
    if request.kind == "rating":
        return act.Rate(request.request, rng.randint(1, 5))
    if request.kind == "decision":
        options = [o.id for o in request.options if o.available]
        if rng.random() < 0.15:
            return act.Hands(request.request, tuple((o, rng.randint(0, 4)) for o in options))
        if len(request.roles) > 1 and rng.random() < 0.3:
            return act.Advise(rng.choice(request.roles[1:]), request.request, rng.choice(options))
        if rng.random() < 0.1:
            return act.Close(request.request)
        return act.Choose(request.roles[0], request.request, rng.choice(options))
    if request.kind == "ballot":
        if rng.random() < 0.15:
            return act.Close(request.request, timer=True)
        if rng.random() < 0.1:
            return paper_tally(game, request, rng)
        return act.Cast(
            rng.choice(request.roles), request.request, rng.choice(("for", "against", "abstain"))
        )
    if request.kind == "floor":
        if rng.random() < 0.3:
            return act.Close(request.request)
        seat = rng.choice(request.roles)
        role = game.scenario.roles[seat.split("#")[0]]
        move = rng.choice(role.moves)
        target = rng.choice(persuadable(game)) if move.target else None
        return act.MakeMove(seat, request.request, move.id, target)
    return None


def persuadable(game: Game) -> list[str]:
    return [a.id for a in game.scenario.actors.values() if a.persuadable]


def teacher_action(game: Game, rng: random.Random) -> act.Action:
    """A ruling, an overrule, a seat handed over or back, a reveal, or (rarely) the bell."""
    room = game.room
    assert room is not None
    kind = rng.choice(("set", "overrule", "script", "seat", "reveal", "conclude"))
    if kind == "set":
        numbers = [v for v in game.scenario.variables.values() if v.type.kind == INT]
        var = rng.choice(numbers)
        low, high = var.type.minimum or 0, var.type.maximum or 100
        return act.SetValue(var.id, rng.randint(low, high), "A ruling.")
    if kind == "overrule" and game.trail:
        phase = game.scenario.phases[game.trail[-1].phase]
        return act.Overrule(rng.choice(phase.choices).id, "The teacher knows better.")
    if kind == "script":
        return act.ScriptSeat(rng.choice(room.seating.seats))
    if kind == "seat":
        return act.SeatRole(rng.choice(room.seating.seats))
    if kind == "conclude" and rng.random() < 0.3:
        return act.Conclude()
    return act.Reveal(rng.choice((None, *game.scenario.votes)))


def paper_tally(game: Game, request: Any, rng: random.Random) -> act.Action:
    """Paper totals that add up to the votes the seated voters hold."""
    from presidium.ballots import seated_votes

    room = game.room
    assert room is not None
    seats = [s for s in request.roles if s not in room.state.scripted]
    voters, delegates = room._voters(request.vote, seats)
    vote = game.scenario.votes[request.vote]
    total = seated_votes(game.scenario, vote, game.values, len(voters), len(delegates))
    f = rng.randint(0, total)
    a = rng.randint(0, total - f)
    return act.Tally(request.request, f, a, total - f - a)


class Terminal:
    """What a program has written to a pseudo-terminal's ``leader``, read as it comes."""

    def __init__(self, leader: int) -> None:
        self.leader = leader
        self.seen = b""

    def read_until(self, wanted: bytes, start: int = 0) -> None:
        """Read the terminal until ``wanted`` appears after ``start`` (60 s at most)."""
        import os
        import select
        import time

        deadline = time.monotonic() + 60
        while wanted not in self.seen[start:]:
            assert time.monotonic() < deadline, self.seen.decode("utf-8", "replace")[-2000:]
            ready, _, _ = select.select([self.leader], [], [], 1)
            if ready:
                try:
                    self.seen += os.read(self.leader, 65536)
                except OSError:
                    break


def routine_action(log: list[act.Action], requests: list[Any], vote: Any) -> Any:
    """What a teacher running a class does next that needs no judgement: rate an argument 3,
    close a floor, and take a ballot by roll call: the next seated voter casts
    ``vote(request, seat)`` (with a reason of his own), and once all have voted, close it.
    Otherwise the decision (a blocking request) to take, for the caller's own choice."""
    rating = next((r for r in requests if r.kind == "rating"), None)
    if rating is not None:
        return act.Rate(rating.request, 3)
    request = next(r for r in requests if r.blocking)
    if request.kind == "floor":
        return act.Close(request.request)
    if request.kind != "ballot":
        return request
    cast = {a.role for a in log if isinstance(a, act.Cast) and a.request == request.request}
    waiting = [s for s in request.roles if s not in cast]
    if not waiting:
        return act.Close(request.request)
    seat = waiting[0]
    value = vote(request, seat)
    return act.Cast(seat, request.request, value, f"{seat} says {value}.")
