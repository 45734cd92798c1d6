"""The class half of the engine: several people in one game.

A ``Game`` with a seating in ``benches`` or ``roles`` mode owns a ``ClassGame``. Inside a
phase a class goes: the phase's effects, its scene, each seated role's envelopes for that
scene (``Revealed``), the status; then a *floor* where every seated role may make moves; then
the phase's vote as a *ballot* the seated voters cast; then the *decision*, by the student
holding the phase's decider (advised by the rest of the side when the phase says
``consult: side``), or by the script. Each of these opens a request and waits. Arguments
open a rating request for the teacher, and an injected straw poll a ballot, which do not
block the game.

Every input is an action (``presidium.actions``), checked, logged and applied by ``submit``.
Simultaneous things resolve in a fixed order (floor moves by seat, then in each seat's own
order), all chance comes from the game's dice, and the teacher's undo and overrule are
actions too, so the same scenario, seed, seating and log replay to the same events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from presidium import actions as act
from presidium import ballots, objectives
from presidium import events as ev
from presidium.conditions import INT, set_by_the_game
from presidium.engine import _endless
from presidium.errors import GameOver, IllegalChoice, PresidiumError
from presidium.model import RATINGS, VOTES, Move, Phase, Role, Scenario, Vote
from presidium.printable import clean
from presidium.requests import (
    BALLOT,
    BALLOT_STAGE,
    DECISION,
    DECISION_STAGE,
    FLOOR,
    FLOOR_STAGE,
    RATING,
    UNDO_DEPTH,
    Queued,
    Room,
    ballot_id,
    decision_id,
    floor_id,
    rating_id,
    resolution_order,
    straw_poll_id,
)
from presidium.seating import BENCH, Seating, holds, role_of, seat_name

if TYPE_CHECKING:
    from presidium.engine import Game


# Who took a decision, as the trail and ``ChoiceMade.by`` say it.
BY_SCRIPT, BY_HANDS, BY_TEACHER, BY_CONCLUDE = "script", "hands", "teacher", "conclude"
# What a rated argument did to its target (``Rated.outcome``).
MOVED, ALREADY, UNMOVED = ev.MOVED, ev.ALREADY, ev.UNMOVED
# What the room is told moved the state of play when the move that did it was private: the
# room sees the panel change, and must not read it as the work of whatever it last saw.
PRIVATE_MOVE = "a move made in private"
PRIVATE_MOVED = "A move made in private changes the state of play."
# What the room hears an undone action called. A private action is named without its
# author: the room never saw it, and must not learn who sent a note or cast a secret ballot.
PRIVATE = {
    "advise": "a piece of advice",
    "move": "a floor move",
    "note": "a note",
    "argue": "an argument",
    "cast": "a ballot",
}
NOUNS = {
    "choose": "decision",
    "declare": "declaration",
    "hands": "show of hands",
    "tally": "paper tally",
    "rate": "rating of an argument",
    "close": "closing of a request",
    "pause": "pause",
    "resume": "resumption",
    "inject": "injected event",
    "set": "ruling",
    "overrule": "overrule",
    "script": "handing of a seat to the script",
    "seat": "return of a seat to its student",
    "reveal": "reveal",
    "conclude": "bell",
}


def _lower(label: str) -> str:
    """A stance's label inside a sentence: "With Khrushchev" -> "with Khrushchev"."""
    return label[:1].lower() + label[1:]


def sentence(text: str) -> str:
    """``text`` ending with a full stop, as every reason the room reads does ("" stays "")."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?" else text + "."


def _ballots(n: int) -> str:
    return f"{n} ballot{'s' if n != 1 else ''} {'were' if n != 1 else 'was'}"


def seated_humans(scenario: Scenario, seating: Seating) -> frozenset[str]:
    """The deciders (side and actor ids) the seating's seats hold; ``IllegalChoice`` naming
    a seat the scenario does not have."""
    for seat in seating.seats:
        if seating.mode == "solo":
            known = seat in scenario.sides
        elif seat.startswith(BENCH):
            known = seating.mode == "benches" and seat[len(BENCH) :] in scenario.sides
        else:
            known = seating.mode == "roles" and role_of(seat) in scenario.roles
        if not known:
            raise IllegalChoice(f"no seat '{seat}' in scenario '{scenario.id}'")
    return frozenset().union(*(holds(scenario, seat) for seat in seating.seats))


class ClassGame:
    """A class game's requests, ballots, floors and teacher's actions (module docstring)."""

    def __init__(self, game: Game) -> None:
        assert game.seating is not None
        self.game = game
        self.scenario = game.scenario
        self.seating: Seating = game.seating
        self.state = Room()
        self.holds = {seat: holds(self.scenario, seat) for seat in self.seating.seats}
        self.names = {seat: seat_name(self.scenario, seat) for seat in self.seating.seats}
        self._submitting: act.Action | None = None
        # each scene as the room was shown it, by its number in the game (``Game.scenes``):
        # an undo that goes back to an earlier scene shows that scene again
        self.scenes_shown: dict[int, ev.PhaseStarted] = {}
        self.handlers: dict[type[act.Action], Callable[[Any, list[ev.Event]], bool]] = {
            act.Choose: self._choose,
            act.Advise: self._advise,
            act.Hands: self._hands,
            act.Cast: self._cast,
            act.Tally: self._tally,
            act.MakeMove: self._move,
            act.Declare: self._declare,
            act.Argue: self._argue,
            act.Note: self._note,
            act.Rate: self._rate,
            act.Close: self._close,
            act.Pause: self._pause,
            act.Resume: self._resume,
            act.Inject: self._inject,
            act.SetValue: self._set,
            act.Overrule: self._overrule,
            act.Undo: self._undo,
            act.ScriptSeat: self._script_seat,
            act.SeatRole: self._seat_role,
            act.Reveal: self._reveal,
            act.Conclude: self._conclude,
        }

    # ------------------------------------------------------------------ queries
    def waiting(self) -> bool:
        return self.state.blocking()

    def seated(self) -> list[str]:
        """The seats students hold now (not handed to the script), in dealing order."""
        return [s for s in self.seating.seats if s not in self.state.scripted]

    def holder(self, decider: str) -> str | None:
        """The seated seat that decides for ``decider``, if a student holds it."""
        for seat in self.seated():
            if decider in self.holds[seat]:
                return seat
        return None

    def role(self, seat: str) -> Role | None:
        return self.scenario.roles.get(role_of(seat))

    def put_back(self, room: Room) -> None:
        self.state = room.copy()
        self._refresh_humans()

    def _refresh_humans(self) -> None:
        held = [self.holds[s] for s in self.seated()]
        self.game.humans = frozenset().union(*held)

    # ------------------------------------------------------------------ hooks from Game
    def entered(self, phase: Phase, out: list[ev.Event]) -> None:
        """A phase's scene was shown: each seated role's envelopes for it, then its steps."""
        self.state.stage = FLOOR_STAGE
        shown = next(
            (e for e in reversed(out) if isinstance(e, ev.PhaseStarted) and e.phase == phase.id),
            None,
        )
        if shown is not None:
            self.scenes_shown[len(self.game.scenes)] = shown
        for seat in self.seating.seats:
            role = self.role(seat)
            if role is None:
                continue
            envelopes = [k for k in role.knows if k.at is not None]
            for number, known in enumerate(envelopes, start=1):
                if known.at == phase.id:
                    out.append(
                        ev.Revealed(
                            seat,
                            phase.id,
                            known.text,
                            known.sources,
                            known.confidence,
                            known.counterfactual,
                            number,
                            to=(ev.for_role(seat),),
                        )
                    )

    def before_decision(self, by: str, at: int) -> str:
        """Called as a decision is taken (its ``ChoiceMade`` the ``at``-th event): remember
        the game as it was, for an overrule."""
        self.state.before_decision = self.game.snapshot()
        later = len(self.game.log) + (1 if self._submitting is not None else 0)
        self.state.decided_at = (at, later)
        if by == BY_SCRIPT and self.state.concluded:
            return BY_CONCLUDE
        return by

    def moved(self, target: str, new: Any, cause: str, out: list[ev.Event]) -> None:
        """Tell the room, by name and with the cause, when the story moves the stance of an
        actor whose seated student has declared one: the declaration is no longer where
        that actor stands, and the student may declare again. A stance that has moved since
        the student declared (his ballot, or the story, moved it) is not called declared:
        the sentence names the stance he did declare beside it."""
        actor = target[: -len(".stance")] if target.endswith(".stance") else ""
        old = self.game.values.get(target)
        seat = self.holder(actor) if actor in self.state.declared and new != old else None
        if seat is None:
            return
        name = self.scenario.actors[actor].name
        stances = self.scenario.stances
        was = _lower(stances.get(str(old), str(old)))
        now = _lower(stances.get(str(new), str(new)))
        by = f" by {cause}" if cause else ""
        declared = dict(self.state.declarations).get(seat, old)
        if declared == old:
            room, own = f"{name}'s declared stance ({was})", f"Your declared stance ({was})"
        else:
            said = _lower(stances.get(str(declared), str(declared)))
            room = f"{name}'s stance ({was}; the student declared {said})"
            own = f"Your stance ({was}; you declared {said})"
        out.append(
            ev.StanceMoved(
                f"{room} is changed{by}: now {now}. The student playing {name} may declare again.",
                False,
                seat=seat,
                own=f"{own} is changed{by}: now {now}. You may declare again.",
            )
        )

    def shown(self) -> tuple[ev.StatusLine, ...]:
        """The lines of the state of play as they stand: what ``restate`` compares with."""
        return self.game.status().lines

    def restate(self, before: tuple[ev.StatusLine, ...], out: list[ev.Event]) -> None:
        """The state of play, right after what changed it, when a line of it differs from
        ``before``: every front end draws the latest ``Status`` (the projector, the teacher's
        console and every page), so a change is shown at once, under its cause, not one
        scene later under whatever happened then. Nothing when no line it shows moved."""
        status = self.game.status()
        if status.lines != before:
            out.append(status)

    def ended(self, out: list[ev.Event]) -> None:
        ballots = tuple((v, tuple(cast.items())) for v, cast in self.state.ballots.items())
        self.state.final = (tuple(self.game.values.items()), ballots)
        self.state.scored = self._score()
        out.extend(self.state.scored)

    def _score(self) -> tuple[ev.ObjectivesScored, ...]:
        """Each seat's objectives, read in the game as it ended."""
        assert self.game.ending is not None
        values, ballots = self.state.final
        sealed = frozenset(v.vote for v in self.state.sealed)
        return tuple(
            objectives.score(
                self.scenario,
                self.seating,
                dict(values),
                self.game.ending,
                {vote: dict(cast) for vote, cast in ballots},
                sealed,
            )
        )

    def advance(self, out: list[ev.Event]) -> None:
        """Run on until something waits for people, or the game ends."""
        game = self.game
        passed: list[str] = []
        for _ in range(10_000):
            if game.machine.state in self.scenario.endings:
                if not game.over:
                    game._end(out)
                return
            if self.state.blocking():
                return
            phase = game.phase
            assert phase is not None
            if self.state.stage == FLOOR_STAGE:
                self.state.stage = BALLOT_STAGE
                if phase.floor is not None and self._open_floor(phase, out):
                    return
                continue
            if self.state.stage == BALLOT_STAGE:
                self.state.stage = DECISION_STAGE
                if phase.vote is not None:
                    self._open_ballot(phase.vote, ballot_id(phase.id), True, out)
                continue
            passed.append(phase.id)
            if not phase.choices:
                game._go_on(phase, out)
                continue
            assert phase.by is not None
            seat = self.holder(phase.by)
            if seat is not None:
                self._open_decision(phase, seat, out)
                return
            game._take(phase, game._scripted(phase), BY_SCRIPT, out)
        raise PresidiumError(_endless(passed))

    # ------------------------------------------------------------------ opening requests
    def _open(self, request: ev.RequestOpened, out: list[ev.Event]) -> None:
        self.state.requests[request.request] = request
        out.append(request)

    def _open_decision(self, phase: Phase, seat: str, out: list[ev.Event]) -> None:
        game = self.game
        options = game.options()
        if not any(o.available for o in options):
            raise PresidiumError(f"phase '{phase.id}' offers {phase.by} nothing to choose")
        assert phase.by is not None
        advisers: tuple[str, ...] = ()
        if phase.consult == "side":
            side = self._side_of(seat, phase.by)
            advisers = tuple(
                s
                for s in self.seated()
                if s != seat and side is not None and (r := self.role(s)) and r.side == side
            )
        prompt = phase.prompt or "What do you do?"
        game.pending = ev.DecisionNeeded(
            phase.by, self.scenario.seat_name(phase.by), phase.id, prompt, options
        )
        self._open(
            ev.RequestOpened(
                decision_id(phase.id),
                DECISION,
                phase.id,
                f"{self.names[seat]} decides",
                (seat, *advisers),
                True,
                None,
                options,
            ),
            out,
        )

    def _side_of(self, seat: str, decider: str) -> str | None:
        role = self.role(seat)
        if role is not None and role.side is not None:
            return role.side
        return decider if decider in self.scenario.sides else None

    def _voters(
        self, vote_id: str, seats: list[str] | None = None
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        """The voters of a vote among ``seats`` (the seated ones by default): actor voter ->
        seat, and the delegate seats. A voter of the vote's ``by_rules`` is not asked: the
        rules cast his ballot, as for a voter nobody holds."""
        vote = self.scenario.votes[vote_id]
        voters: dict[str, str] = {}
        delegates: list[str] = []
        for seat in self.seated() if seats is None else seats:
            role = self.role(seat)
            if role is None:
                continue
            if role.actor is not None and role.actor in vote.by_rules:
                continue  # an earlier decision has settled this ballot: the rules cast it
            if role.actor is not None and role.actor in vote.voters:
                voters[role.actor] = seat
            elif vote.delegates is not None and vote.delegates.role == role.id:
                delegates.append(seat)
        return voters, tuple(delegates)

    def _open_ballot(self, vote_id: str, request: str, blocking: bool, out: list[ev.Event]) -> None:
        """A ballot for the seated voters; with none, the vote is held at once by the rules."""
        vote = self.scenario.votes[vote_id]
        voters, delegates = self._voters(vote_id)
        seats = tuple(s for s in self.seated() if s in voters.values() or s in delegates)
        if not seats:
            self._count(vote_id, None, out)
            return
        phase = self.game.machine.state
        self.state.cast[request] = {}
        self._open(
            ev.RequestOpened(
                request,
                BALLOT,
                phase,
                vote.title,
                seats,
                blocking,
                vote.minutes,
                vote=vote.id,
                ballot=vote.ballot,
            ),
            out,
        )

    def _open_floor(self, phase: Phase, out: list[ev.Event]) -> bool:
        assert phase.floor is not None
        seats = tuple(
            s
            for s in self.seated()
            if (r := self.role(s)) is not None
            and any(self._usable(s, m, phase) is None for m in r.moves)
        )
        if not seats:
            return False
        self.state.queued[floor_id(phase.id)] = ()
        self._open(
            ev.RequestOpened(
                floor_id(phase.id),
                FLOOR,
                phase.id,
                "The floor is open",
                seats,
                True,
                phase.floor.minutes,
            ),
            out,
        )
        return True

    def _usable(self, seat: str, move: Move, phase: Phase) -> str | None:
        """Why ``seat`` cannot use ``move`` now, or None when it can."""
        if move.window and phase.id not in move.window:
            return "not in this scene."
        if move.limit is not None and self.state.uses.get((seat, move.id), 0) >= move.limit:
            times = "once" if move.limit == 1 else f"{move.limit} times"
            return f"it can be used only {times} in a game."
        if move.when is not None and not move.when.evaluate(self.game.values):
            return sentence(move.unavailable or "it is not possible now")
        return None

    # ------------------------------------------------------------------ submit
    def step(self, choice: str) -> list[ev.Event]:
        for request in self.state.requests.values():
            if request.kind == DECISION:
                return self.submit(act.Choose(request.roles[0], request.request, choice))
        if self.game.over:
            raise GameOver("the game is over")
        raise IllegalChoice("no decision is waiting")

    def submit(self, action: act.Action) -> list[ev.Event]:
        handler = self.handlers.get(type(action))
        if handler is None:
            raise IllegalChoice(f"'{type(action).__name__}' is not an action")
        for text in (getattr(action, "text", ""), getattr(action, "why", "")):
            if len(text) > act.MAX_TEXT:
                raise IllegalChoice(f"that text is {len(text)} characters; at most {act.MAX_TEXT}")
        reason = getattr(action, "reason", "")
        if isinstance(reason, str) and len(reason) > act.MAX_TEXT:
            raise IllegalChoice(f"a reason is at most {act.MAX_TEXT} characters")
        self._not_paused(action)
        before = self.game.snapshot()
        out: list[ev.Event] = []
        self._submitting = action
        try:
            if not handler(action, out):
                return out  # refused in the fiction: nothing changed, nothing logged
        finally:
            self._submitting = None
        game = self.game
        game.log.append(action)
        if not isinstance(action, act.Undo | act.Pause | act.Resume):
            history = (*self.state.history, (before, len(game.log) - 1, game.emitted))
            self.state.history = history[-UNDO_DEPTH:]
        if not game.over:
            self._submitting = action
            try:
                game._advance(out)
            finally:
                self._submitting = None
        out = game._settle(out)
        game.emitted += len(out)
        return out

    # ------------------------------------------------------------------ checks
    def _not_paused(self, action: act.Action) -> None:
        """While paused, only the teacher acts: a student's action, or a countdown running
        out, is refused with the pause's reason."""
        paused = self.state.paused
        if paused is None or action.by == act.TEACHER:
            return
        why = f" ({paused.rstrip('.')})" if paused.strip() else ""
        what = "no countdown runs" if action.by == act.TIMER else "no student's action is taken"
        raise IllegalChoice(
            f"the game is paused by the teacher{why}: {what} until the teacher resumes it"
        )

    def _request(self, request_id: str, kind: str) -> ev.RequestOpened:
        request = self.state.requests.get(request_id)
        if request is None:
            known = ", ".join(r for r in self.state.requests if self.state.requests[r].kind == kind)
            hint = f"; open now: {known}" if known else f"; no {kind} is open now"
            raise IllegalChoice(f"no request '{request_id}' is open{hint}")
        if request.kind != kind:
            raise IllegalChoice(f"'{request_id}' is a {request.kind}, not a {kind}")
        return request

    def _seat(self, seat: str) -> Role | None:
        """The role of a seat that may act now; ``IllegalChoice`` for an unknown or scripted seat."""
        if seat not in self.holds:
            raise IllegalChoice(f"no seat '{seat}' in this class")
        if seat in self.state.scripted:
            raise IllegalChoice(f"{self.names[seat]} is played by the script now")
        return self.role(seat)

    def _acting_role(self, seat: str, built_in: str) -> Role:
        role = self._seat(seat)
        if self.game.over:
            raise IllegalChoice("the game is over")
        if role is None or built_in not in role.can:
            raise IllegalChoice(f"{self.names[seat]} cannot {built_in}")
        return role

    def _option(self, request: ev.RequestOpened, choice: str) -> ev.Option:
        for option in request.options:
            if option.id == choice:
                return option
        offered = ", ".join(o.id for o in request.options if o.available)
        raise IllegalChoice(f"'{choice}' is not a choice here; the choices are: {offered}")

    # ------------------------------------------------------------------ decisions
    def _choose(self, a: act.Choose, out: list[ev.Event]) -> bool:
        request = self._request(a.request, DECISION)
        self._seat(a.role)
        if a.role != request.roles[0]:
            decider = self.names[request.roles[0]]
            if a.role in request.roles:
                raise IllegalChoice(f"{self.names[a.role]} advises here; {decider} decides")
            raise IllegalChoice(f"{decider} decides here, not {self.names[a.role]}")
        option = self._option(request, a.choice)
        if not option.available:
            out.append(ev.Refused(a.choice, sentence(option.reason or "")))
            return False
        summary = f"{self.names[a.role]} chose: {option.label}"
        self._decide(request, a.choice, f"role:{a.role}", "complete", summary, out)
        return True

    def _decide(
        self,
        request: ev.RequestOpened,
        choice_id: str,
        by: str,
        closed: str,
        summary: str,
        out: list[ev.Event],
    ) -> None:
        game = self.game
        del self.state.requests[request.request]
        out.append(ev.RequestClosed(request.request, DECISION, closed, summary))
        game.pending = None
        game._since_decision = len(game.scenes)
        phase = game.phase
        assert phase is not None
        choice = phase.choice(choice_id)
        assert choice is not None
        game._take(phase, choice, by, out)

    def _script_decides(self, request: ev.RequestOpened, closed: str, out: list[ev.Event]) -> None:
        game = self.game
        assert game.phase is not None
        choice = game._scripted(game.phase)
        summary = f"No choice was made; the script takes: {choice.label}"
        self._decide(request, choice.id, BY_SCRIPT, closed, summary, out)

    def _advise(self, a: act.Advise, out: list[ev.Event]) -> bool:
        request = self._request(a.request, DECISION)
        self._seat(a.role)
        if a.role not in request.roles[1:]:
            raise IllegalChoice(f"{self.names[a.role]} is not consulted in this decision")
        option = self._option(request, a.choice)
        if not option.available:
            out.append(ev.Refused(a.choice, sentence(option.reason or "")))
            return False
        to = (ev.for_role(request.roles[0]), ev.for_role(a.role), ev.TEACHER)
        out.append(
            ev.Advised(request.request, a.role, self.names[a.role], a.choice, option.label, to=to)
        )
        return True

    def _hands(self, a: act.Hands, out: list[ev.Event]) -> bool:
        request = self._request(a.request, DECISION)
        counts: dict[str, int] = {}
        for choice, n in a.counts:
            option = self._option(request, choice)
            if choice in counts:
                raise IllegalChoice(f"'{choice}' is counted twice")
            if n and not option.available:
                raise IllegalChoice(f"'{choice}' cannot be chosen now: {option.reason or ''}")
            counts[choice] = n
        if sum(counts.values()) == 0:
            raise IllegalChoice("no hands were counted")
        offered = [o.id for o in request.options if o.available]
        most = max(counts.get(c, 0) for c in offered)
        tied = [c for c in offered if counts.get(c, 0) == most]
        chosen, tie_broken = tied[0], len(tied) > 1
        if tie_broken:
            assert self.game.phase is not None
            scripted = self.game._scripted(self.game.phase).id
            chosen = scripted if scripted in tied else tied[0]
        shown = tuple((c, counts.get(c, 0)) for c in offered)
        out.append(ev.HandsCounted(request.request, shown, chosen, tie_broken))
        label = self._option(request, chosen).label
        summary = f"Decided by a show of hands: {label} ({most} of {sum(counts.values())})"
        self._decide(request, chosen, BY_HANDS, BY_TEACHER, summary, out)
        return True

    # ------------------------------------------------------------------ ballots
    def _cast(self, a: act.Cast, out: list[ev.Event]) -> bool:
        request = self._request(a.request, BALLOT)
        self._seat(a.role)
        if a.role not in request.roles:
            raise IllegalChoice(f"{self.names[a.role]} has no vote in this ballot")
        if a.ballot not in VOTES:
            raise IllegalChoice(f"a ballot is one of {', '.join(VOTES)}, not '{a.ballot}'")
        cast = self.state.cast[request.request]
        before = cast.get(a.role)
        cast[a.role] = (a.ballot, a.why)
        # a ballot other than the one in: the room is told it is a change, not a second vote
        changed = before is not None and before != (a.ballot, a.why)
        name = self.names[a.role]
        out.append(ev.BallotReceived(request.request, a.role, a.ballot, to=(ev.for_role(a.role),)))
        if request.ballot == "open":
            was = before[0] if before is not None and changed else ""
            out.append(ev.BallotCast(request.request, a.role, name, a.ballot, a.why, was))
        elif changed and request.ballot == "secret":
            out.append(ev.BallotChanged(request.request, "", ""))
        elif changed:
            out.append(ev.BallotChanged(request.request, a.role, name))
        out.append(self._progress(request))
        if all(s in cast for s in request.roles if s not in self.state.scripted):
            self._close_ballot(request, "complete", out)
        return True

    def _progress(self, request: ev.RequestOpened) -> ev.BallotProgress:
        cast = self.state.cast[request.request]
        seats = [s for s in request.roles if s not in self.state.scripted]
        count = sum(s in cast for s in seats)
        if request.ballot == "secret":
            return ev.BallotProgress(request.request, (), (), count, len(seats))
        voted = tuple(self.names[s] for s in seats if s in cast)
        waiting = tuple(self.names[s] for s in seats if s not in cast)
        return ev.BallotProgress(request.request, voted, waiting, count, len(seats))

    def paper_votes(self, request_id: str) -> tuple[int, int] | None:
        """What a paper tally of an open ballot adds up to now: (the seated actor voters'
        votes, one each; the votes the seated delegates hold between them), counting only
        the seats whose ballot is not in yet. None when no such ballot is open."""
        request = self.state.requests.get(request_id)
        if request is None or request.kind != BALLOT or request.vote is None:
            return None
        vote = self.scenario.votes[request.vote]
        seated = self._seated(request, dict(self.state.cast.get(request.request, {})))
        return ballots.paper_total(self.scenario, vote, self.game.values, seated)

    def _seated(
        self,
        request: ev.RequestOpened,
        cast: dict[str, tuple[str, str]],
        paper: tuple[int, int, int] | None = None,
    ) -> ballots.Seated:
        assert request.vote is not None
        vote = self.scenario.votes[request.vote]
        voters, delegates = self._voters(vote.id, list(request.roles))
        missing = BY_SCRIPT if self.state.concluded else vote.missing
        scripted = frozenset(request.roles) & self.state.scripted
        return ballots.Seated(voters, delegates, cast, self.names, missing, paper, scripted)

    def _tally(self, a: act.Tally, out: list[ev.Event]) -> bool:
        request = self._request(a.request, BALLOT)
        paper = (a.votes_for, a.votes_against, a.abstentions)
        if min(paper) < 0:
            raise IllegalChoice("a tally cannot be negative")
        held = self.paper_votes(request.request)
        assert held is not None
        total = sum(held)
        if sum(paper) != total:
            parts = f" ({held[0]} voters, one each, and {held[1]} for the delegates)"
            cast = len(self.state.cast.get(request.request, {}))
            already = f"; {_ballots(cast)} already in" if cast else ""
            raise IllegalChoice(
                f"the paper tally adds up to {sum(paper)}, but the seated voters"
                f"{' with no ballot in' if cast else ''} hold {total} "
                f"vote{'s' if total != 1 else ''}{parts if held[1] else ''}{already}."
            )
        self._close_ballot(request, BY_TEACHER, out, paper=paper)
        return True

    def _close_ballot(
        self,
        request: ev.RequestOpened,
        by: str,
        out: list[ev.Event],
        paper: tuple[int, int, int] | None = None,
    ) -> None:
        assert request.vote is not None
        vote = self.scenario.votes[request.vote]
        seated = self._seated(request, self.state.cast.pop(request.request, {}), paper)
        seated = replace(seated, by_teacher=by in (BY_TEACHER, BY_CONCLUDE))
        del self.state.requests[request.request]
        self._count(vote.id, seated, out, closing=(request, by))

    def _count(
        self,
        vote_id: str,
        seated: ballots.Seated | None,
        out: list[ev.Event],
        closing: tuple[ev.RequestOpened, str] | None = None,
    ) -> None:
        game = self.game
        vote = self.scenario.votes[vote_id]
        counted = ballots.hold(self.scenario, vote, game.values, seated)
        if closing is not None:
            request, by = closing
            if seated is not None and seated.paper is not None:
                cast = len(seated.cast)
                on_paper = counted.voted - cast
                summary = f"The ballot is closed: {on_paper} counted on paper."
                if cast:
                    summary = (
                        f"The ballot is closed: {_ballots(cast)} already in; "
                        f"the paper tally adds the other {on_paper}."
                    )
            else:
                summary = f"The ballot is closed: {counted.voted} voted"
                if counted.absent:
                    rule = ballots.MISSING_SAID.get(seated.missing, "") if seated else ""
                    early = seated is not None and seated.by_teacher
                    late = "had not voted" if early else "did not vote in time"
                    summary += f", {counted.absent} {late}" + (f" ({rule})" if rule else "")
                summary += "."
            out.append(ev.RequestClosed(request.request, BALLOT, by, summary))
        game._record_vote(counted.full)
        self.state.ballots[vote.id] = dict(counted.record)
        game.add_vote(counted.public)
        out.append(counted.public)
        if counted.public is not counted.full:
            self.state.sealed = (*self.state.sealed, counted.full)
            out.append(replace(counted.full, to=(ev.SEALED,)))
        if seated is not None and vote.stance_after and vote.ballot != "secret":
            self._stances_follow(vote, seated, out)

    def _stances_follow(self, vote: Vote, seated: ballots.Seated, out: list[ev.Event]) -> None:
        """Each seated voter who cast a ballot himself takes the stance the vote's
        ``stance_after`` names for it: the state of play, and every later condition, count
        him as he voted. A side's leader keeps his. The room is told each stance that moves."""
        follows = dict(vote.stance_after)
        values, moved = self.game.values, False
        leaders = {side.leader for side in self.scenario.sides.values()}
        for voter, seat in seated.voters.items():
            if seat not in seated.cast or voter in leaders:
                continue  # a side's leader keeps his: his side's arguments pull towards it
            ballot = seated.cast[seat][0]
            new, old = follows.get(ballot), values[f"{voter}.stance"]
            if new is None or new == old:
                continue
            values[f"{voter}.stance"] = new
            moved = True
            was = _lower(self.scenario.stances.get(str(old), str(old)))
            now = _lower(self.scenario.stances.get(new, new))
            name = self.scenario.actors[voter].name
            out.append(
                ev.Narration(
                    f"The state of play follows the ballot: {name}, who voted {ballot}, "
                    f"is now {now} (was {was}).",
                    False,
                )
            )
        if moved:
            out.append(self.game.status())

    # ------------------------------------------------------------------ the floor
    def _move(self, a: act.MakeMove, out: list[ev.Event]) -> bool:
        request = self._request(a.request, FLOOR)
        role = self._seat(a.role)
        if a.role not in request.roles or role is None:
            raise IllegalChoice(f"{self.names[a.role]} has no moves on this floor")
        move = role.move(a.move)
        if move is None:
            known = ", ".join(m.id for m in role.moves)
            raise IllegalChoice(
                f"{self.names[a.role]} has no move '{a.move}'; the moves are: {known}"
            )
        if move.target:
            actor = self.scenario.actors.get(a.target or "")
            if actor is None or not actor.persuadable:
                can = ", ".join(x.id for x in self.scenario.actors.values() if x.persuadable)
                raise IllegalChoice(f"'{move.id}' names one of: {can}")
        elif a.target is not None:
            raise IllegalChoice(f"'{move.id}' names nobody")
        phase = self.game.phase
        assert phase is not None
        why = self._usable(a.role, move, phase)
        if why is not None:
            out.append(ev.Refused(move.id, why))
            return False
        key = (a.role, move.id)
        self.state.uses[key] = self.state.uses.get(key, 0) + 1
        queued = self.state.queued[request.request]
        self.state.queued[request.request] = (*queued, Queued(a.role, move.id, a.target))
        to = (ev.for_role(a.role), ev.TEACHER)
        out.append(
            ev.FloorMove(
                request.request, a.role, self.names[a.role], move.id, move.label, a.target, to=to
            )
        )
        return True

    def _close_floor(self, request: ev.RequestOpened, by: str, out: list[ev.Event]) -> None:
        game = self.game
        del self.state.requests[request.request]
        queued = self.state.queued.pop(request.request, ())
        made = len(queued)
        summary = f"The floor closes: {made} move{'s' if made != 1 else ''} made."
        out.append(ev.RequestClosed(request.request, FLOOR, by, summary))
        for q in resolution_order(self.seating, queued):
            role = self.role(q.seat)
            assert role is not None
            move = role.move(q.move)
            assert move is not None
            to = () if move.public else (ev.for_role(q.seat), ev.TEACHER)
            if move.when is not None and not move.when.evaluate(game.values):
                reason = sentence(move.unavailable or "it was no longer possible")
                out.append(
                    ev.MoveResolved(
                        q.seat,
                        self.names[q.seat],
                        move.id,
                        move.label,
                        f"It could not be done: {reason}",
                        move.counterfactual,
                        None,
                        to=to,
                    )
                )
                continue
            chance = None
            if move.chance is not None:
                percent = max(0, min(100, int(move.chance.percent.evaluate(game.values))))
                success, number = game.dice.roll(percent, f"move:{q.seat}:{move.id}")
                outcome = move.chance.success if success else move.chance.failure
                chance = (percent, number, success)
            else:
                assert move.outcome is not None
                outcome = move.outcome
            text = game._render(outcome.text)
            before = self.shown()
            said: list[ev.Event] = []  # said after the move itself
            # a private move is not named to the room, which hears only what it changed
            cause = f"{self.names[q.seat]}'s move '{move.label}'" if move.public else PRIVATE_MOVE
            game._apply(outcome.effects, said, cause)
            out.append(
                ev.MoveResolved(
                    q.seat,
                    self.names[q.seat],
                    move.id,
                    move.label,
                    text,
                    move.counterfactual,
                    chance,
                    to=to,
                )
            )
            out.extend(said)
            if not move.public and not said and self.shown() != before:
                out.append(ev.Narration(PRIVATE_MOVED, False))
            self.restate(before, out)

    # ------------------------------------------------------------------ built-ins
    def _declare(self, a: act.Declare, out: list[ev.Event]) -> bool:
        role = self._acting_role(a.role, "declare")
        if role.actor is None:
            raise IllegalChoice(f"{self.names[a.role]} has no stance to declare")
        if a.stance not in self.scenario.stances:
            known = ", ".join(self.scenario.stances)
            raise IllegalChoice(f"no stance '{a.stance}'; the stances are: {known}")
        before = self.shown()
        self.game.values[f"{role.actor}.stance"] = a.stance
        self.state.declared |= {role.actor}
        kept = tuple(pair for pair in self.state.declarations if pair[0] != a.role)
        self.state.declarations = (*kept, (a.role, a.stance))
        label = self.scenario.stances[a.stance]
        out.append(ev.Declared(a.role, self.names[a.role], role.actor, a.stance, label))
        self.restate(before, out)
        return True

    def towards(self, role: Role) -> str | None:
        """The stance an argument by ``role`` pulls towards: its side's leader's, else its own."""
        values = self.game.values
        if role.side is not None and role.side in self.scenario.sides:
            return str(values[f"{self.scenario.sides[role.side].leader}.stance"])
        if role.actor is not None:
            return str(values[f"{role.actor}.stance"])
        return None

    def _argue(self, a: act.Argue, out: list[ev.Event]) -> bool:
        role = self._acting_role(a.role, "argue")
        classroom = self.scenario.classroom
        if classroom is None or not classroom.stance_line:
            raise IllegalChoice("this scenario has no stance line to persuade along")
        actor = self.scenario.actors.get(a.target)
        if actor is None or not actor.persuadable:
            can = ", ".join(x.id for x in self.scenario.actors.values() if x.persuadable)
            raise IllegalChoice(f"'{a.target}' cannot be argued with; try one of: {can}")
        holder = self.holder(a.target)
        if holder is not None:
            raise IllegalChoice(f"{actor.name} is played by a student; talk to them instead")
        if self.towards(role) is None:
            raise IllegalChoice(f"{self.names[a.role]} has no side to argue for")
        if not a.text.strip():
            raise IllegalChoice("an argument needs a sentence for the teacher to rate")
        self.state.ratings += 1
        request = rating_id(self.state.ratings)
        self.state.arguments[request] = (a.role, a.target)
        phase = self.game.machine.state
        title = f"{self.names[a.role]} argues with {actor.name}"
        self._open(ev.RequestOpened(request, RATING, phase, title, (), False, None), out)
        to = (ev.TEACHER, ev.for_role(a.role))
        out.append(
            ev.Argued(request, a.role, self.names[a.role], a.target, actor.name, a.text, to=to)
        )
        return True

    def _rate(self, a: act.Rate, out: list[ev.Event]) -> bool:
        request = self._request(a.request, RATING)
        if a.strength not in RATINGS:
            raise IllegalChoice(f"a rating is 1 to 5, not {a.strength}")
        seat, target = self.state.arguments.pop(request.request)
        role = self.role(seat)
        classroom = self.scenario.classroom
        assert role is not None and classroom is not None
        percent = RATINGS[a.strength]
        success, number = self.game.dice.roll(percent, f"argue:{seat}:{target}")
        key = f"{target}.stance"
        before = self.shown()
        stance = str(self.game.values[key])
        goal = self.towards(role)
        line = classroom.stance_line
        outcome = UNMOVED
        if success and goal in line and stance in line:
            outcome = ALREADY
            if goal != stance:
                here, there = line.index(stance), line.index(goal)
                stance = line[here + (1 if there > here else -1)]
                self.game.values[key] = stance
                outcome = MOVED
        del self.state.requests[request.request]
        name = self.scenario.actors[target].name
        label = self.scenario.stances.get(stance, stance)
        out.append(
            ev.Rated(
                request.request,
                seat,
                target,
                name,
                a.strength,
                percent,
                number,
                success,
                stance,
                label,
                outcome,
            )
        )
        said = {
            MOVED: f"{name} is moved: now {_lower(label)}.",
            ALREADY: f"{name} is persuaded, and already {_lower(label)}.",
            UNMOVED: f"{name} is unmoved.",
        }[outcome]
        out.append(ev.RequestClosed(request.request, RATING, BY_TEACHER, said))
        self.restate(before, out)
        return True

    def _note(self, a: act.Note, out: list[ev.Event]) -> bool:
        self._acting_role(a.role, "note")
        if not a.text.strip():
            raise IllegalChoice("a note needs some text")
        to = (ev.TEACHER, ev.for_role(a.role))
        out.append(ev.NoteSent(a.role, self.names[a.role], a.text, to=to))
        return True

    # ------------------------------------------------------------------ the teacher
    def _close(self, a: act.Close, out: list[ev.Event]) -> bool:
        request = self.state.requests.get(a.request)
        if request is None:
            known = ", ".join(self.state.requests) or "none"
            raise IllegalChoice(f"no request '{a.request}' is open; open now: {known}")
        self._end_request(request, a.by, out)
        return True

    def _end_request(self, request: ev.RequestOpened, by: str, out: list[ev.Event]) -> None:
        if request.kind == DECISION:
            self._script_decides(request, by, out)
        elif request.kind == BALLOT:
            self._close_ballot(request, by, out)
        elif request.kind == FLOOR:
            self._close_floor(request, by, out)
        else:
            del self.state.requests[request.request]
            self.state.arguments.pop(request.request, None)
            out.append(ev.RequestClosed(request.request, RATING, by, "Not rated."))

    def _not_over(self) -> None:
        if self.game.over:
            raise IllegalChoice("the game is over")

    def _pause(self, a: act.Pause, out: list[ev.Event]) -> bool:
        self._not_over()
        if self.state.paused is not None:
            raise IllegalChoice("the game is already paused; 'resume' goes on")
        self.state.paused = a.reason
        out.append(ev.Paused(a.reason))
        return True

    def _resume(self, a: act.Resume, out: list[ev.Event]) -> bool:
        if self.state.paused is None:
            raise IllegalChoice("the game is not paused")
        self.state.paused = None
        out.append(ev.Resumed())
        return True

    def _inject(self, a: act.Inject, out: list[ev.Event]) -> bool:
        injection = self.scenario.injections.get(a.injection)
        if injection is None:
            known = ", ".join(self.scenario.injections) or "none"
            raise IllegalChoice(f"no injection '{a.injection}'; the scenario offers: {known}")
        self._not_over()
        game = self.game
        here = game.machine.state
        times = self.state.injected.get(injection.id, 0)
        if injection.limit is not None and times >= injection.limit:
            most = "once" if injection.limit == 1 else f"{injection.limit} times"
            raise IllegalChoice(
                f"'{injection.id}' has already been injected: it can be injected only {most} "
                "in a game"
            )
        if injection.window and here not in injection.window:
            # the scenes by their titles, as the teacher sees them everywhere else, not by
            # the ids the teacher never types
            phases = self.scenario.phases
            titles = (phases[p].title if p in phases else p for p in injection.window)
            where = clean(", ".join(f"\u201c{title}\u201d" for title in titles))
            raise IllegalChoice(f"'{injection.id}' can be injected only in: {where}")
        if injection.when is not None and not injection.when.evaluate(game.values):
            raise IllegalChoice(f"'{injection.id}' cannot happen now ({injection.when.source})")
        if injection.vote is not None and straw_poll_id(injection.id) in self.state.requests:
            raise IllegalChoice(f"the straw poll of '{injection.id}' is still open")
        text = game._render(injection.text)
        before = self.shown()
        said: list[ev.Event] = []  # said after the event itself
        game._apply(injection.effects, said, f"the teacher's event '{injection.label}'")
        out.append(
            ev.Injected(
                injection.id, injection.label, text, injection.sources, injection.counterfactual
            )
        )
        out.extend(said)
        self.restate(before, out)
        if injection.vote is not None:
            self._open_ballot(injection.vote, straw_poll_id(injection.id), False, out)
        self.state.injected[injection.id] = times + 1  # counted once nothing can refuse it
        return True

    def _set(self, a: act.SetValue, out: list[ev.Event]) -> bool:
        variable = self.scenario.variables.get(a.variable)
        if variable is None:
            raise IllegalChoice(f"no variable '{a.variable}'")
        fixed = set_by_the_game(variable.id)
        if fixed is not None:
            raise IllegalChoice(f"{fixed}; a ruling cannot change it")
        if not a.reason.strip():
            raise IllegalChoice("a ruling needs a reason, said to the room")
        kind, value = variable.type, a.value
        if kind.kind == INT:
            if type(value) is not int:
                raise IllegalChoice(f"{variable.label} is a number")
            low, high = kind.minimum, kind.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                raise IllegalChoice(f"{variable.label} runs from {low} to {high}, not {value}")
        elif kind.kind == "enum":
            if value not in kind.values:
                raise IllegalChoice(f"{variable.label} is one of: {', '.join(kind.values)}")
        elif type(value) is not bool:
            raise IllegalChoice(f"{variable.label} is true or false")
        old, before = self.game.values[a.variable], self.shown()
        self.game.values[a.variable] = value
        text = f"{variable.label}: {variable.display(value)} (was {variable.display(old)})"
        out.append(ev.Ruling("set", text, a.reason))
        self.restate(before, out)
        return True

    def _rewind(self, snap: Any, by: str, out: list[ev.Event], scene: bool = False) -> None:
        """Put the game back as ``snap`` holds it, keeping the log and the undo record, and
        tell front ends which requests that closes or opens again; with ``scene``, when the
        game is back in an earlier scene, that scene and its state of play are shown again
        (front ends draw the scene from the latest ``PhaseStarted``, and the room must not
        be left looking at a scene that was taken back), and in the same scene, the state of
        play when what it shows was changed by what is taken back (a declaration, a move)."""
        game = self.game
        log, history, now = game.log, self.state.history, dict(self.state.requests)
        paused, scenes, before = self.state.paused, list(game.scenes), self.shown()
        game.restore(snap)
        game.log = log
        self.state.history = history
        self.state.paused = paused
        for rid, request in now.items():
            if self.state.requests.get(rid) != request:
                # no line of its own: the ruling just before says what was taken back
                out.append(ev.RequestClosed(rid, request.kind, by, ""))
        again = self.scenes_shown.get(len(game.scenes))
        if (
            scene
            and game.scenes != scenes
            and again is not None
            and game.phase is not None
            and again.phase == game.phase.id
        ):
            out.append(again)
            out.append(game.status())
        elif scene:
            self.restate(before, out)
        for rid, request in self.state.requests.items():
            if now.get(rid) != request:
                out.append(request)

    def _overrule(self, a: act.Overrule, out: list[ev.Event]) -> bool:
        if not a.reason.strip():
            raise IllegalChoice("an overrule needs a reason, said to the room")
        game = self.game
        open_ = next((r for r in self.state.requests.values() if r.kind == DECISION), None)
        latest = game.trail[-1] if game.trail and self.state.before_decision else None
        phase_id = a.phase or (open_.phase if open_ is not None else None)
        if open_ is not None and phase_id == open_.phase:
            return self._overrule_open(open_, a, out)
        if latest is None:
            raise IllegalChoice("no decision has been taken yet")
        if phase_id is not None and phase_id != latest.phase:
            can = [p for p in (open_.phase if open_ else None, latest.phase) if p]
            raise IllegalChoice(
                f"only the decision open now or the latest one taken can be overruled: "
                f"{' or '.join(can)}, not '{phase_id}'"
            )
        return self._overrule_taken(latest, a, out)

    def _overrule_open(
        self, request: ev.RequestOpened, a: act.Overrule, out: list[ev.Event]
    ) -> bool:
        """The teacher takes the open decision in its student's place."""
        option = self._option(request, a.choice)
        if not option.available:
            raise IllegalChoice(f"'{a.choice}' cannot be chosen now: {option.reason or ''}")
        phase = self.scenario.phases[request.phase]
        name = self.names[request.roles[0]]
        text = (
            f"'{phase.title}', for {name} to decide: {option.label} "
            f"(the teacher decides; {name} had not chosen)"
        )
        out.append(ev.Ruling("overrule", text, a.reason))
        summary = f"The teacher decides: {option.label}"
        self._decide(request, a.choice, BY_TEACHER, BY_TEACHER, summary, out)
        return True

    def _overrule_taken(self, old: Any, a: act.Overrule, out: list[ev.Event]) -> bool:
        """The latest decision taken, replaced: the game goes back to it, and what was done
        since is taken back with it and named."""
        game = self.game
        snap = self.state.before_decision
        holder = self.holder(old.seat)
        who = self.names[holder] if holder is not None else self.scenario.seat_name(old.seat)
        whose = f"'{old.phase_title}', decided by {who}"
        if a.choice == old.choice:
            raise IllegalChoice(
                f"'{old.label}' is already the decision in '{old.phase_title}' (by {who}); "
                "an overrule names another choice"
            )
        at, first_later = self.state.decided_at
        later = [
            self._describe(game.log[i], public_moves=True)
            for _snap, i, _at in self.state.history
            if i >= first_later
        ]
        current = game.snapshot()
        self._rewind(snap, BY_TEACHER, [])
        phase = game.phase
        assert phase is not None
        offered = {o.id: o for o in game.options()}
        option = offered.get(a.choice)
        if option is None or not option.available:
            game.restore(current)
            if option is None:
                raise IllegalChoice(
                    f"'{a.choice}' is not a choice in '{phase.title}'; the choices are: "
                    + ", ".join(o.id for o in offered.values() if o.available)
                )
            raise IllegalChoice(f"'{a.choice}' was not open then: {option.reason or ''}")
        game.restore(current)
        text = f"{whose}: {option.label} (was {old.label})"
        if later:
            text += "; taken back with it: " + ", ".join(later)
        out.append(ev.Ruling("overrule", text, a.reason, at))
        self._rewind(snap, BY_TEACHER, out)
        request = self.state.requests.get(decision_id(phase.id))
        if request is not None:
            summary = f"The teacher decides: {option.label}"
            self._decide(request, a.choice, BY_TEACHER, BY_TEACHER, summary, out)
        else:
            game.pending = None
            choice = phase.choice(a.choice)
            assert choice is not None
            game._take(phase, choice, BY_TEACHER, out)
        return True

    def _undo(self, a: act.Undo, out: list[ev.Event]) -> bool:
        if not self.state.history:
            raise IllegalChoice("there is nothing to take back")
        snap, index, at = self.state.history[-1]
        taken = self.game.log[index]
        text = f"The teacher took back {self._describe(taken)}."
        out.append(ev.Ruling("undo", text, "", at))
        self._rewind(snap, "undo", out, scene=True)
        self.state.history = self.state.history[:-1]
        return True

    def _describe(self, action: act.Action, public_moves: bool = False) -> str:
        """An action as the room may hear of it: never a private action's content or author.
        ``public_moves``: a public move the room saw resolve is named with its author."""
        if public_moves and isinstance(action, act.MakeMove):
            role = self.role(action.role)
            move = role.move(action.move) if role is not None else None
            if move is not None and move.public and action.request not in self.state.requests:
                return f"{self.names[action.role]}'s move '{move.label}'"
        if action.do in PRIVATE:
            return PRIVATE[action.do]
        role = getattr(action, "role", None)
        noun = NOUNS.get(action.do, action.do)
        return f"{self.names.get(role, role)}'s {noun}" if role else f"the {noun}"

    def _script_seat(self, a: act.ScriptSeat, out: list[ev.Event]) -> bool:
        if a.seat not in self.holds:
            raise IllegalChoice(f"no seat '{a.seat}' in this class")
        if a.seat in self.state.scripted:
            raise IllegalChoice(f"{self.names[a.seat]} is already played by the script")
        self.state.scripted |= {a.seat}
        self._refresh_humans()
        out.append(ev.SeatChanged(a.seat, self.names[a.seat], False))
        for request in list(self.state.requests.values()):
            if request.request not in self.state.requests or a.seat not in request.roles:
                continue
            left = [s for s in request.roles if s not in self.state.scripted]
            if request.kind == DECISION and request.roles[0] == a.seat:
                self._script_decides(request, BY_TEACHER, out)
            elif request.kind == BALLOT:
                if all(s in self.state.cast[request.request] for s in left):
                    self._close_ballot(request, "complete", out)
            elif request.kind == FLOOR and not left:
                self._close_floor(request, "complete", out)
        return True

    def _seat_role(self, a: act.SeatRole, out: list[ev.Event]) -> bool:
        if a.seat not in self.holds:
            raise IllegalChoice(f"no seat '{a.seat}' in this class")
        if self.state.concluded:
            raise IllegalChoice("the class has concluded; the script plays every seat")
        if a.seat not in self.state.scripted:
            raise IllegalChoice(f"{self.names[a.seat]} is already held by a student")
        self.state.scripted -= {a.seat}
        self._refresh_humans()
        out.append(ev.SeatChanged(a.seat, self.names[a.seat], True))
        return True

    def revealable(self, vote: str | None = None) -> tuple[tuple[ev.VoteHeld, ...], bool]:
        """What 'reveal' (of ``vote``, or of everything) would make public now: the full
        records of the secret ballots still sealed, each voter's ballot and reason; and
        whether every role's objectives would be shown (after the end, once)."""
        sealed = tuple(v for v in self.state.sealed if vote is None or v.vote == vote)
        objectives = vote is None and self.game.over and not self.state.objectives_revealed
        return sealed, objectives

    def _reveal(self, a: act.Reveal, out: list[ev.Event]) -> bool:
        if a.vote is not None and a.vote not in self.scenario.votes:
            raise IllegalChoice(f"no vote '{a.vote}'")
        found, objectives = self.revealable(a.vote)
        sealed = list(found)
        if not sealed and not objectives:
            what = f"of '{a.vote}' " if a.vote else ""
            raise IllegalChoice(f"there is no sealed record {what}to reveal")
        for held in sealed:
            public = replace(held, to=())
            out.append(public)
            votes = self.game.votes
            for n, shown in enumerate(votes):
                if shown.vote == held.vote and not shown.ballots and not shown.blocs:
                    votes[n] = public
                    break
        self.state.sealed = tuple(v for v in self.state.sealed if v not in sealed)
        changed: list[ev.ObjectivesScored] = []
        if self.game.over and sealed:  # what depended on those ballots can now be scored
            scored = self._score()
            changed = [
                new for new, old in zip(scored, self.state.scored, strict=True) if new != old
            ]
            self.state.scored = scored
        if objectives:
            self.state.objectives_revealed = True
            out.extend(replace(s, to=()) for s in self.state.scored)
        elif self.state.objectives_revealed:
            out.extend(replace(s, to=()) for s in changed)
        else:
            out.extend(changed)
        return True

    def _conclude(self, a: act.Conclude, out: list[ev.Event]) -> bool:
        if self.state.concluded:
            raise IllegalChoice("the class has already concluded")
        self._not_over()
        self.state.concluded = True
        if self.state.paused is not None:  # the bell ends the pause: the script plays on
            self.state.paused = None
            out.append(ev.Resumed())
        out.append(ev.Concluded())
        for request in list(self.state.requests.values()):
            if request.request in self.state.requests:
                self._end_request(request, BY_CONCLUDE, out)
        self.state.scripted = frozenset(self.seating.seats)
        self._refresh_humans()
        return True
