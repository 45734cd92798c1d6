"""The game engine: pure, deterministic, and the same for every front end.

``Game.start()`` and ``Game.step(choice_id)`` return lists of events. The engine never prints,
reads input, looks at a clock or uses global random state: chance comes from ``Dice`` owned by
the game and seeded by the caller, so the same scenario, seed and choices give the same game.

Every decision belongs to a *seat*: a side or an actor. Seats held by humans wait for
``step``; every other seat is played by the scenario's own ``script``. A solo game seats one
side and goes by ``step``. A class (``seating`` in ``benches`` or ``roles`` mode) seats many
people at once: the game opens *requests* (decisions, ballots, floors, ratings; see
``presidium.requests``) and takes ``submit(action)`` from every front end; the class half of
the engine lives in ``presidium.classgame``, so this module reads as the solo game it was.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from presidium import events as ev
from presidium import template
from presidium.ballots import hold
from presidium.conditions import INT, Compiled, CompiledEffect
from presidium.errors import GameOver, IllegalChoice, PresidiumError
from presidium.machine import PhaseMachine, trigger_name
from presidium.model import (
    Choice,
    Outcome,
    Phase,
    Scenario,
    TextPart,
    Variable,
    Vote,
    per_scenario,
)
from presidium.records import record

if TYPE_CHECKING:
    from presidium.actions import Action
    from presidium.classgame import ClassGame
    from presidium.seating import Seating

MAX_AUTOMATIC_STEPS = 10_000
COUNTERFACTUAL_MARK = "[Counterfactual] "
UNSETTLED = "unsettled"  # a scene's ``decision`` until the run it belongs to has stopped


class Dice(Protocol):
    """Decides chances. ``roll`` returns (success, the number rolled from 1 to 100); ``pick``
    chooses among outcomes whose odds (``weights``, in percent) add up to 100, and returns
    (the outcome's index, the number rolled)."""

    def roll(self, percent: int, what: str) -> tuple[bool, int]: ...

    def pick(self, weights: tuple[int, ...], what: str) -> tuple[int, int]: ...


class SeededDice:
    """The default dice: a private ``random.Random`` seeded by the caller."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        # the generator's state as last read or set, kept until a number is drawn: a class
        # game takes a snapshot at every action (every vote), and most roll nothing
        self._state: Any = None

    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        number = self._number()
        return number <= percent, number

    def pick(self, weights: tuple[int, ...], what: str) -> tuple[int, int]:
        """The same one number from 1 to 100 as ``roll``: the outcome whose share of the 100
        it falls in (so two outcomes fall exactly as ``roll`` would)."""
        number = self._number()
        return pick_by(weights, number), number

    def _number(self) -> int:
        self._state = None
        return int(self.rng.random() * 100) + 1

    def getstate(self) -> Any:
        """The generator's state (an immutable tuple: it may be shared)."""
        if self._state is None:
            self._state = self.rng.getstate()
        return self._state

    def setstate(self, state: Any) -> None:
        self.rng.setstate(state)
        self._state = state


class HistoryDice:
    """Dice for watching history: every chance falls as the real one did (its first outcome,
    unless history's odds are nil), and a seat the scenario plays takes none of its scripted
    gambles. Nothing is rolled, so the number reported is 0."""

    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        return percent > 0 and not what.startswith("script:"), 0

    def pick(self, weights: tuple[int, ...], what: str) -> tuple[int, int]:
        return next((i for i, w in enumerate(weights) if w > 0), 0), 0


@record
class TrailEntry:
    """One decision of the game, for the debrief: what was chosen and what history did."""

    phase: str
    phase_title: str
    date: str | None
    date_label: str | None
    seat: str
    choice: str
    label: str
    by: str
    historical_choice: str | None
    historical_label: str | None
    chance: tuple[int, bool] | None  # (percent, success)
    # Why the historical choice could not be taken here, when it was closed at the time.
    historical_closed: str | None = None
    # The outcome the dice gave, for a chance of more than two (``chance`` then holds its
    # odds, and True for the first outcome, the historical one).
    outcome: str | None = None
    # Another choice than history's single one, but documented too ('counterfactual: false').
    documented: bool = False

    @property
    def diverged(self) -> bool:
        """The game left history here: an undocumented other choice, or a choice history made
        and the dice said no."""
        if self.historical_choice is None:
            return False
        if self.choice != self.historical_choice and not self.documented:
            return True
        return self.chance is not None and not self.chance[1]


@record
class Snapshot:
    """Everything needed to put a game back exactly as it was (for undo and exploration)."""

    state: str
    values: tuple[tuple[str, Any], ...]
    trail: tuple[TrailEntry, ...]
    votes: tuple[ev.VoteHeld, ...]
    ending: str | None
    pending: ev.DecisionNeeded | None
    started: bool
    dice: Any
    scenes: tuple[str, ...] = ()
    since_decision: int = 0
    log: tuple[Action, ...] = ()
    room: Any = None  # a class game's ``requests.Room`` (a copy); None in a solo game
    held: tuple[tuple[int, str], ...] = ()  # ``Game.held``


class Game:
    """One playthrough of a scenario."""

    def __init__(
        self,
        scenario: Scenario,
        humans: Iterable[str] = (),
        seed: int = 0,
        dice: Dice | None = None,
        *,
        seating: Seating | None = None,
    ) -> None:
        self.scenario = scenario
        self.seating = seating
        # A class game's other half (requests, ballots, floors, the teacher); None when solo,
        # so a solo game does no class work at all.
        self.room: ClassGame | None = None
        self.log: list[Action] = []  # every action ``submit`` accepted, in order
        # How many events a class game has given since its start (accepted actions only):
        # where a ruling's ``retracts`` counts from. Like the log, never put back.
        self.emitted = 0
        if seating is not None:
            from presidium.classgame import seated_humans

            if tuple(humans):
                raise PresidiumError("a game takes its humans or its seating, not both")
            humans = seated_humans(scenario, seating)
        self.humans = frozenset(humans)
        unknown = [s for s in self.humans if s not in scenario.sides and s not in scenario.actors]
        if unknown:
            raise IllegalChoice(f"no side or actor '{unknown[0]}' in scenario '{scenario.id}'")
        self.seed = seed
        self.dice: Dice = dice if dice is not None else SeededDice(seed)
        self.values: dict[str, Any] = dict(scenario.initial_values())
        if "player" in self.values and (seating is None or seating.mode == "solo"):
            sides = [seat for seat in self.humans if seat in scenario.sides]
            if len(self.humans) == 1 and sides:  # a class game, or nobody's, stays 'none'
                self.values["player"] = sides[0]
        self.machine = PhaseMachine(scenario)
        self._phase: Phase | None = scenario.phases.get(self.machine.state)
        self.trail: list[TrailEntry] = []
        # Every phase entered, in order, with or without a decision: the scenes the player was
        # shown, whose history notes the prompt and the debrief offer.
        self.scenes: list[str] = []
        self._since_decision = 0  # where in ``scenes`` the latest human decision left off
        self._live = self.machine.deciding()
        self.votes: list[ev.VoteHeld] = []
        # Where each vote of ``votes`` was held, for the debrief's path: (how many entries of
        # the trail came before it, the phase the game was in).
        self.held: list[tuple[int, str]] = []
        self.ending: str | None = None
        self.pending: ev.DecisionNeeded | None = None
        self.started = False
        # Tools that analyse a scenario set this to a list; the engine then records each effect,
        # conditional text and scripted offer as it happens (and, in a quiet game, each choice
        # taken). ``None`` in play: no cost.
        self.trace: list[tuple[str, Any, Any, Any]] | None = None
        # A tool that reads only where a game goes (the trace and the state) and never what
        # it says sets this: conditional text is still decided (and traced), but no text is
        # put together, scenes, choices, rolls and the state of play are not said (no events
        # are made for them; a decision, an ending and a vote still are), and no trail is
        # kept (the trace says which choices were taken). Never set in play.
        self.quiet = False
        self._watched = watched(scenario)
        self._fixed = _fixed(scenario)
        self._unsettled = False  # a scene said since the last _settle waits to be settled
        if seating is not None and seating.mode != "solo":
            from presidium.classgame import ClassGame

            self.room = ClassGame(self)

    # ------------------------------------------------------------------ queries
    @property
    def phase(self) -> Phase | None:
        return self._phase

    @property
    def over(self) -> bool:
        return self.ending is not None

    @property
    def requests(self) -> dict[str, ev.RequestOpened]:
        """A class game's open requests by id, in the order they opened (none when solo)."""
        return dict(self.room.state.requests) if self.room is not None else {}

    @property
    def injected(self) -> dict[str, int]:
        """A class game's injections by id, with how many times the teacher injected each."""
        return dict(self.room.state.injected) if self.room is not None else {}

    @property
    def scripted(self) -> frozenset[str]:
        """A class game's seats handed to the script."""
        return self.room.state.scripted if self.room is not None else frozenset()

    @property
    def paused(self) -> str | None:
        """A class game paused by the teacher: the pause's reason ("" if none was given);
        None when the game is not paused."""
        return self.room.state.paused if self.room is not None else None

    def paper_votes(self, request: str) -> tuple[int, int] | None:
        """What a paper tally of the open ballot ``request`` must add up to, in two parts:
        the seated voters' votes (one each) and the seated delegates' share of their bloc.
        None when no such ballot is open."""
        return self.room.paper_votes(request) if self.room is not None else None

    def voted(self, request: str) -> frozenset[str]:
        """The seats whose ballot an open ballot request holds now: an undone ballot is not
        among them, though it stays in the log. Who has voted, never how."""
        if self.room is None:
            return frozenset()
        return frozenset(self.room.state.cast.get(request, {}))

    @property
    def ballots(self) -> dict[str, dict[str, str]]:
        """Each vote held in a class game: every actor voter's and delegate seat's latest
        ballot (``model.BALLOT_VALUES``). Secret ones too: never show this to a room."""
        if self.room is None:
            return {}
        return {vote: dict(cast) for vote, cast in self.room.state.ballots.items()}

    def scenes_since_decision(self) -> tuple[str, ...]:
        """The phases shown since the latest human decision (or the start), the current last.

        A phase without a decision is shown and left at once; at the next prompt these are
        the scenes whose history notes the player has not yet had a chance to read.
        """
        return tuple(self.scenes[self._since_decision :])

    def forget_path(self) -> None:
        """Drop the record of how the game got here: decisions, votes and scenes passed.

        What happens next does not depend on it. A tool that keeps a snapshot of every state
        it explores calls this first, or each snapshot would carry the whole path to it.
        """
        self.trail, self.votes, self.scenes, self._since_decision = [], [], [], 0
        self.held = []

    def options(self) -> tuple[ev.Option, ...]:
        """The choices offered in the current phase (available or shown with a reason)."""
        phase = self.phase
        if phase is None:
            return ()
        if phase.id in self._fixed.options:
            return self._fixed.options[phase.id]
        offered: list[ev.Option] = []
        for choice in phase.choices:
            available = choice.when is None or bool(choice.when.evaluate(self.values))
            if not available and choice.unavailable is None:
                continue
            percent = self._percent(choice) if choice.chance is not None else None
            odds: tuple[tuple[str, int], ...] = ()
            if choice.chance is not None and choice.chance.outcomes:
                labels = (o.label for o in choice.chance.outcomes)
                odds, percent = tuple(zip(labels, self._odds(choice), strict=True)), None
            offered.append(
                ev.Option(
                    len(offered) + 1,
                    choice.id,
                    choice.label,
                    available,
                    None
                    if available or choice.unavailable is None
                    else self._fill(choice.unavailable),
                    percent,
                    choice.counterfactual,
                    odds,
                )
            )
        if not any(c.when is not None or c.chance is not None for c in phase.choices):
            self._fixed.options[phase.id] = tuple(offered)  # the same in every game
        return tuple(offered)

    def status(self) -> ev.Status:
        phase = self.phase
        fixed = self._fixed
        if fixed.plain:  # nothing in it changes with the values: the same for every game
            here = phase.id if phase else None
            status = fixed.status.get(here)
            if status is None:
                status = fixed.status[here] = ev.Status(
                    phase.date if phase else None,
                    phase.date_label if phase else None,
                    (),
                    phase is None or phase.id not in self._live,
                )
            return status
        lines: list[ev.StatusLine] = []
        for item in self.scenario.status:
            if item.variable is not None:
                var = self.scenario.variables[item.variable]
                lines.append(ev.StatusLine(item.label, var.display(self.values[item.variable])))
            else:
                counts: dict[str, int] = {}
                for actor in self.scenario.actors.values():
                    if actor.rank == item.rank:
                        stance = self.values[f"{actor.id}.stance"]
                        counts[stance] = counts.get(stance, 0) + 1
                text = ", ".join(
                    f"{label} {counts[s]}"
                    for s, label in self.scenario.stances.items()
                    if counts.get(s)
                )
                lines.append(ev.StatusLine(item.label, text))
        date = phase.date if phase else None
        label = phase.date_label if phase else None
        aftermath = phase is None or phase.id not in self._live
        return ev.Status(date, label, tuple(lines), aftermath, self.targets())

    def targets(self) -> tuple[ev.TargetLine, ...]:
        """The targets of the side played in a solo game, each met or not as things stand."""
        if self.room is not None or not self._fixed.targets:
            return ()
        return tuple(
            ev.TargetLine(side.id, target.label, bool(target.when.evaluate(self.values)))
            for side in self.scenario.sides.values()
            if side.id in self.humans
            for target in side.targets
        )

    def snapshot(self) -> Snapshot:
        dice_state = self.dice.getstate() if isinstance(self.dice, SeededDice) else None
        return Snapshot(
            self.machine.state,
            tuple(self.values.items()),
            tuple(self.trail),
            tuple(self.votes),
            self.ending,
            self.pending,
            self.started,
            dice_state,
            tuple(self.scenes),
            self._since_decision,
            tuple(self.log),
            None if self.room is None else self.room.state.copy(),
            tuple(self.held),
        )

    def restore(self, snap: Snapshot) -> None:
        self.machine.set_state(snap.state)
        self._phase = self.scenario.phases.get(snap.state)
        self.values = dict(snap.values)
        self.trail = list(snap.trail)
        self.votes = list(snap.votes)
        self.held = list(snap.held)
        self.ending = snap.ending
        self.pending = snap.pending
        self.started = snap.started
        self.scenes = list(snap.scenes)
        self._since_decision = snap.since_decision
        self.log = list(snap.log)
        if isinstance(self.dice, SeededDice) and snap.dice is not None:
            self.dice.setstate(snap.dice)
        if self.room is not None and snap.room is not None:
            self.room.put_back(snap.room)

    def state_key(self) -> tuple[str, tuple[tuple[str, Any], ...]]:
        """The phase and every variable (and in a class, its open requests and what was said
        in them): two games with equal keys play on identically."""
        key = tuple(sorted(self.values.items()))
        if self.room is not None:
            key += self.room.state.key()
        return self.machine.state, key

    # ------------------------------------------------------------------ play
    def start(self) -> list[ev.Event]:
        """Begin the game: run until the first human decision or an ending."""
        if self.started:
            raise PresidiumError("the game has already started")
        self.started = True
        out: list[ev.Event] = []
        self._enter(out)
        self._advance(out)
        out = self._settle(out)
        self.emitted += len(out)
        return out

    def step(self, choice_id: str) -> list[ev.Event]:
        """Take ``choice_id`` for the seat that must decide now; run on to the next decision.

        In a class it is ``submit(Choose(...))`` by the seat holding the one open decision."""
        if self.room is not None:
            return self.room.step(choice_id)
        if self.ending is not None:
            raise GameOver("the game is over")
        phase = self._phase
        if phase is None or self.pending is None:
            raise IllegalChoice("no decision is waiting; call start() first")
        choice = phase.choice(choice_id)
        offered = None
        for option in self.pending.options:
            if option.id == choice_id:
                offered = option
                break
        if choice is None or offered is None:
            raise IllegalChoice(f"'{choice_id}' is not a choice in phase '{phase.id}'")
        out: list[ev.Event] = []
        if not offered.available:
            out.append(ev.Refused(choice_id, offered.reason or ""))
            return out
        self.pending = None
        self._since_decision = len(self.scenes)
        self._take(phase, choice, "player", out)
        self._advance(out)
        return self._settle(out)

    def submit(self, action: Action) -> list[ev.Event]:
        """Take one action from whoever may act now: the way every class front end plays.

        Raises ``IllegalChoice`` with a reason a teacher can act on for an action that cannot
        be taken (a wrong author, an unknown or closed request, an unknown id); an unavailable
        choice or move gives ``[Refused]``. Either way nothing changes and nothing is logged.
        A solo game takes only its player's choices (``Choose``)."""
        if not self.started:
            raise IllegalChoice("the game has not started yet")
        if self.room is not None:
            return self.room.submit(action)
        from presidium.actions import Choose

        if not isinstance(action, Choose):
            raise IllegalChoice(f"a solo game takes only choices, not '{action.do}'")
        if self.over:
            raise GameOver("the game is over")
        pending = self.pending
        if pending is None or action.request != f"{pending.phase}:decision":
            raise IllegalChoice(f"no request '{action.request}' is open")
        if action.role != pending.seat:
            raise IllegalChoice(f"{pending.seat_name} decides here, not '{action.role}'")
        out = self.step(action.choice)
        if not (len(out) == 1 and isinstance(out[0], ev.Refused)):
            self.log.append(action)
        return out

    # ------------------------------------------------------------------ internals
    def _settle(self, out: list[ev.Event]) -> list[ev.Event]:
        """Say of each scene passed on the way whether a prompt follows it, now that it is known.

        Whether a human will still be asked depends on the values and the dice along the way,
        not only on the map of phases, so it is known for certain only once the run has
        stopped: at a human's decision ("later") or at an ending ("none").
        """
        if self.room is None and not self._unsettled:
            return out
        self._unsettled = False
        waiting = self.pending is not None or (self.room is not None and self.room.waiting())
        after = "later" if waiting else "none"
        return [
            dataclasses.replace(e, decision=after)
            if isinstance(e, ev.PhaseStarted) and e.decision == UNSETTLED
            else e
            for e in out
        ]

    def _advance(self, out: list[ev.Event]) -> None:
        if self.room is not None:
            self.room.advance(out)
            return
        passed: list[str] = []
        for _ in range(MAX_AUTOMATIC_STEPS):
            state = self.machine.state
            passed.append(state)
            if state in self.scenario.endings:
                self._end(out)
                return
            phase = self._phase
            assert phase is not None
            if not phase.choices:
                self._go_on(phase, out)
                continue
            assert phase.by is not None
            if phase.by in self.humans:
                decision = self._fixed.decisions.get(phase.id)
                if decision is None:
                    options = self.options()
                    if not any(o.available for o in options):
                        raise PresidiumError(
                            f"phase '{phase.id}' offers {phase.by} nothing to choose"
                        )
                    prompt = phase.prompt or "What do you do?"
                    decision = ev.DecisionNeeded(
                        phase.by, self.scenario.seat_name(phase.by), phase.id, prompt, options
                    )
                    if phase.id in self._fixed.options:
                        self._fixed.decisions[phase.id] = decision
                self.pending = decision
                out.append(decision)
                return
            self._take(phase, self._scripted(phase), "script", out)
        raise PresidiumError(_endless(passed))

    def _go_on(self, phase: Phase, out: list[ev.Event]) -> None:
        """Leave a phase without choices by its first ``next`` branch that holds."""
        self._phase = self.scenario.phases.get(
            self.machine.fire(trigger_name(phase.id), self.values)
        )
        self._enter(out)

    def _scripted(self, phase: Phase) -> Choice:
        """The scenario's own move for a seat no human holds."""
        available = {o.id for o in self.options() if o.available}
        if self.trace is not None:
            self.trace.append(("offered", phase, frozenset(available), None))
        for rule in phase.script:
            if rule.choose not in available:
                continue
            if rule.when is not None and not rule.when.evaluate(self.values):
                continue
            if rule.percent is not None:
                percent = _clamp_percent(rule.percent.evaluate(self.values))
                if not self.dice.roll(percent, f"script:{phase.id}:{rule.choose}")[0]:
                    continue
            choice = phase.choice(rule.choose)
            assert choice is not None
            return choice
        if phase.history in available:
            choice = phase.choice(phase.history or "")
            assert choice is not None
            return choice
        for choice in phase.choices:
            if choice.id in available:
                return choice
        raise PresidiumError(f"phase '{phase.id}' offers {phase.by} nothing to choose")

    def _take(self, phase: Phase, choice: Choice, by: str, out: list[ev.Event]) -> None:
        if self.room is not None:
            by = self.room.before_decision(by, self.emitted + len(out))
        seat = phase.by or ""
        # A tool that reads only where games go is told nothing, and keeps no trail: its trace
        # says which choices were taken.
        says = not self.quiet
        seat_name = self.scenario.seat_name(seat) if says else ""
        if says:
            # A documented choice that is not the phase's single 'history' says so with
            # 'counterfactual: false', and is not shown as leaving history.
            historical = (
                None
                if phase.history is None
                else choice.id == phase.history or not choice.counterfactual
            )
            out.append(
                ev.ChoiceMade(seat, seat_name, phase.id, choice.id, choice.label, by, historical)
            )
        elif self.trace is not None:
            self.trace.append(("choice", phase, choice.id, None))
        rolled = None
        drawn = None
        if choice.chance is not None and choice.chance.outcomes:
            odds = self._odds(choice)
            index, number = self.dice.pick(odds, f"{phase.id}:{choice.id}")
            picked = choice.chance.outcomes[index]
            if says:
                out.append(
                    ev.ChanceRolled(
                        choice.id,
                        odds[index],
                        number,
                        index == 0,
                        outcome=picked.label,
                        odds=tuple(
                            zip((o.label for o in choice.chance.outcomes), odds, strict=True)
                        ),
                    )
                )
            outcome = picked.outcome
            trigger = trigger_name(phase.id, choice.id, str(index))
            rolled, drawn = (odds[index], index == 0), picked.label
        elif choice.chance is not None:
            percent = self._percent(choice)
            success, number = self.dice.roll(percent, f"{phase.id}:{choice.id}")
            if says:
                out.append(ev.ChanceRolled(choice.id, percent, number, success))
            outcome = choice.chance.success if success else choice.chance.failure
            trigger = trigger_name(phase.id, choice.id, "success" if success else "failure")
            rolled = (percent, success)
        else:
            assert choice.outcome is not None
            outcome = choice.outcome
            trigger = trigger_name(phase.id, choice.id)
        if says:
            self._trail(phase, choice, seat, by, rolled, drawn)
        cause, why = "", None  # what a class is told moved a stance; what solo play's panel says
        if self.room is not None:
            cause = f"{seat_name}'s choice '{choice.label}'"
        elif self._watched and says:
            why = Why(
                "chance" if rolled else "choice",
                choice.label,
                seat,
                seat_name,
                None if rolled is None else ("success" if rolled[1] else "failure"),
            )
        self._apply_outcome(outcome, choice.counterfactual, out, cause, why)
        self._phase = self.scenario.phases.get(self.machine.fire(trigger, self.values))
        self._enter(out)

    def _trail(
        self,
        phase: Phase,
        choice: Choice,
        seat: str,
        by: str,
        rolled: tuple[int, bool] | None,
        drawn: str | None,
    ) -> None:
        """Add the choice just taken to the trail, beside what history did there."""
        history_choice = phase.choice(phase.history) if phase.history else None
        closed = None
        when = history_choice.when if history_choice is not None else None
        if when is not None and not when.evaluate(self.values):
            assert history_choice is not None
            said = history_choice.unavailable
            closed = self._fill(said) if said else "its condition did not hold in this game"
        self.trail.append(
            TrailEntry(
                phase.id,
                phase.title,
                phase.date,
                phase.date_label,
                seat,
                choice.id,
                choice.label,
                by,
                phase.history,
                history_choice.label if history_choice else None,
                rolled,
                closed,
                drawn,
                documented=choice.id != phase.history and not choice.counterfactual,
            )
        )

    def _apply_outcome(
        self,
        outcome: Outcome,
        counterfactual: bool,
        out: list[ev.Event],
        cause: str = "",
        why: Why | None = None,
    ) -> None:
        text = self._render(outcome.text)
        said: list[ev.Event] = []  # said after the outcome's own text
        self._apply(outcome.effects, said, cause, why)
        if text:
            out.append(ev.Narration(text, counterfactual))
        out.extend(said)

    def _enter(self, out: list[ev.Event]) -> None:
        phase = self._phase
        if phase is None:
            return
        if self.trace is not None:
            self.trace.append(("phase", phase, None, None))
        self.scenes.append(phase.id)
        says = not self.quiet  # a tool that reads only where games go is told nothing
        kept: list[ev.Event] = []  # said after the scene it belongs to
        if phase.effects:
            why = Why("scene", phase.title) if says else None
            self._apply(phase.effects, kept, f"the scene '{phase.title}'", why)
        decision = "here" if phase.choices and phase.by in self.humans else UNSETTLED
        if decision == UNSETTLED:
            self._unsettled = True
        text = self._render(phase.text)  # decided (and traced) even in a quiet game
        if says:
            out.append(
                ev.PhaseStarted(
                    phase.id,
                    phase.title,
                    phase.date,
                    phase.date_label,
                    phase.time,
                    phase.place,
                    text,
                    phase.counterfactual,
                    phase.content_note,
                    bool(phase.notes),
                    decision,
                )
            )
        out.extend(kept)
        if self.room is not None:  # a class holds its vote after the floor, as a ballot
            self.room.entered(phase, out)
            out.append(self.status())
            return
        if phase.vote is not None:
            held = self._hold_vote(self.scenario.votes[phase.vote])
            self.add_vote(held)
            out.append(held)
        if says:
            out.append(self.status())

    def _hold_vote(self, vote: Vote) -> ev.VoteHeld:
        counted = hold(self.scenario, vote, self.values)
        self._record_vote(counted.full)
        return counted.full

    def add_vote(self, held: ev.VoteHeld) -> None:
        """Keep a vote just held for the record, with where in the game it was held."""
        self.votes.append(held)
        self.held.append((len(self.trail), self.machine.state))

    def _record_vote(self, held: ev.VoteHeld) -> None:
        """Write a vote's results where later branches read them: ``V.passed`` and the counts."""
        self.values[f"{held.vote}.passed"] = held.passed
        self.values[f"{held.vote}.for"] = held.votes_for
        self.values[f"{held.vote}.against"] = held.votes_against
        self.values[f"{held.vote}.abstain"] = held.abstentions
        for ballot in held.ballots:  # who voted how, where the ballot is not kept secret
            name = f"{held.vote}.ballot.{ballot.voter}"
            if name in self.values:
                self.values[name] = ballot.vote
        if self.trace is not None:  # for the explorer, the results are set as effects are
            for name in (f"{held.vote}.{part}" for part in ("passed", "for", "against", "abstain")):
                self.trace.append(("effect", _set_by_vote(name), self.values[name], None))
            for ballot in held.ballots:
                name = f"{held.vote}.ballot.{ballot.voter}"
                if name in self.values:
                    self.trace.append(("effect", _set_by_vote(name), ballot.vote, None))

    def _end(self, out: list[ev.Event]) -> None:
        ending = self.scenario.endings[self.machine.state]
        self.ending = ending.id
        self.pending = None
        fates = tuple(
            ev.Fate(
                f.actor,
                self.scenario.actors[f.actor].name,
                self._fill(f.text),
                f.sources,
                f.confidence,
            )
            for f in ending.fates
        )
        winner = winner_of(self.scenario, ending.id) if self.room is None else None
        out.append(
            ev.GameEnded(
                ending.id, ending.title, ending.kind, self._render(ending.text), fates, winner
            )
        )
        if self.room is not None:
            self.room.ended(out)

    def _apply(
        self,
        effects: Iterable[CompiledEffect],
        out: list[ev.Event] | None = None,
        cause: str = "",
        why: Why | None = None,
        pressed: dict[str, str] | None = None,
    ) -> None:
        """Apply ``effects`` (of ``cause``) in order. In a class, the story moving a stance a
        seated student has declared is said to the room by name (``ClassGame.moved``); in a
        solo game, each value of the status panel that moved is said with ``why``
        (``Changed``), and each that an effect pushed against its bound without moving it
        (``AtLimit``; ``pressed`` collects which bound, by variable)."""
        if why is not None and out is not None and self.room is None and effects and self._watched:
            before = [self.values[name] for name, _ in self._watched]
            held: dict[str, str] = {}
            self._apply(effects, out, cause, pressed=held)
            self._said_changed(before, why, out, held)
            return
        values, variables, trace, room = self.values, self.scenario.variables, self.trace, self.room
        for effect in effects:
            operand = effect.value.evaluate(values)
            if trace is not None:
                trace.append(
                    ("effect", effect, operand, dict(values) if effect.value.names else None)
                )
            new = combine(effect.op, values[effect.target], operand, variables[effect.target])
            if room is not None and out is not None:
                room.moved(effect.target, new, cause, out)
            if pressed is not None:
                limit = past_limit(effect.op, values[effect.target], operand, new)
                if limit:
                    pressed[effect.target] = limit
            values[effect.target] = new

    def _said_changed(
        self, before: list[Any], why: Why, out: list[ev.Event], pressed: Mapping[str, str]
    ) -> None:
        """A ``Changed`` for each watched value that differs from ``before`` (an ``AtLimit``
        for one that stayed put at the bound an effect pushed it against), then the state of
        play as it now is: a front end says what moved right after what moved it, not one
        scene later."""
        variables = self.scenario.variables
        said = len(out)
        for (name, label), old in zip(self._watched, before, strict=True):
            new = self.values[name]
            var = variables[name]
            shown = (
                name,
                label,
                var.display(old),
                var.display(new),
                why.label,
                why.kind,
                why.seat,
                why.seat_name,
                why.outcome,
            )
            if new != old:
                out.append(ev.Changed(*shown))
            elif name in pressed:
                out.append(ev.AtLimit(*shown, limit=pressed[name]))
        if len(out) > said:
            out.append(self.status())

    def _percent(self, choice: Choice) -> int:
        assert choice.chance is not None
        return _clamp_percent(choice.chance.percent.evaluate(self.values))

    def _odds(self, choice: Choice) -> tuple[int, ...]:
        """The odds of each outcome of a chance of more than two, adding up to 100: each
        worked out in order and kept within what the ones before it left; the last takes
        the rest."""
        assert choice.chance is not None
        odds, left = [], 100
        for outcome in choice.chance.outcomes[:-1]:
            assert outcome.percent is not None
            share = min(left, _clamp_percent(outcome.percent.evaluate(self.values)))
            odds.append(share)
            left -= share
        return (*odds, left)

    def _render(self, parts: Iterable[TextPart]) -> str:
        values, trace = self.values, self.trace
        if self.quiet:  # each condition decided (and traced), nothing put together
            seen = None  # the values the trace shows each conditional text with, copied once
            for part in parts:
                when = part.when
                if when is not None:
                    shown = bool(when.evaluate(values))
                    if trace is not None:
                        if seen is None:
                            seen = dict(values)
                        trace.append(("text", part, shown, seen))
            return ""
        chosen = []
        for part in parts:
            when = part.when
            if when is not None:
                shown = bool(when.evaluate(values))
                if trace is not None:
                    trace.append(("text", part, shown, dict(values)))
                if not shown:
                    continue
            text = part.text.strip()
            if text:
                if "{" in text or "}" in text:
                    text = self._fill(text)
                chosen.append(COUNTERFACTUAL_MARK + text if part.counterfactual else text)
        return "\n\n".join(chosen)

    def _fill(self, text: str) -> str:
        """``text`` with its values shown and its inline ``{if}`` blocks decided, as of now."""
        if "{" not in text and "}" not in text:
            return text
        return template.texts_of(self.scenario).fill(text, self.values)


_BY_VOTE = Compiled("the vote", "", lambda values: None, frozenset())


def _set_by_vote(name: str) -> CompiledEffect:
    """A vote's result written to ``name``, recorded as an effect would be (see ``trace``)."""
    return CompiledEffect(f"{name} = (the vote)", name, "=", _BY_VOTE)


@record
class Why:
    """What applies a set of effects, for the ``Changed`` events they cause."""

    kind: str  # "choice", "chance" or "scene"
    label: str  # the choice's label or the scene's title
    seat: str | None = None
    seat_name: str | None = None
    outcome: str | None = None


class _Fixed:
    """What every game of one scenario shows alike, worked out once and shared by its games."""

    def __init__(self, scenario: Scenario) -> None:
        # The options of each phase whose choices have no condition and no chance, by phase,
        # filled in as games first reach it. Records are read-only, so games share them.
        self.options: dict[str, tuple[ev.Option, ...]] = {}
        # The decision of each of those phases, once a game has been asked it.
        self.decisions: dict[str, ev.DecisionNeeded] = {}
        self.targets = any(side.targets for side in scenario.sides.values())
        # No status panel lines and no targets: a phase's status is the same in every game.
        self.plain = not scenario.status and not self.targets
        self.status: dict[str | None, ev.Status] = {}


_fixed = per_scenario(_Fixed)


def watched(scenario: Scenario) -> tuple[tuple[str, str], ...]:
    """The variables the status panel shows, each with its line's label: a variable's own
    line, or for a line of alignments, the stance of each actor of that rank."""
    result: list[tuple[str, str]] = []
    for item in scenario.status:
        if item.variable is not None:
            result.append((item.variable, item.label))
        else:
            result += [
                (f"{actor.id}.stance", item.label)
                for actor in scenario.actors.values()
                if actor.rank == item.rank
            ]
    return tuple(result)


def winner_of(scenario: Scenario, ending: str) -> str | None:
    """Whose victory ``ending`` is: a side's id, "none" for nobody's, or None when no ending
    of the scenario names a winner (then the game says nothing about winning)."""
    if not any(e.winner for e in scenario.endings.values()):
        return None
    return scenario.endings[ending].winner or "none"


def _endless(passed: list[str]) -> str:
    """Name the loop a game went round without a player's decision, for its author."""
    last = passed[-1]
    start = len(passed) - 2 - passed[-2::-1].index(last) if last in passed[:-1] else 0
    loop = sorted(set(passed[start:]), key=passed.index)  # in the order the game met them
    if len(loop) == 1:
        where, waits = f"phase '{loop[0]}'", "it does not wait"
    else:
        names = ", ".join(f"'{p}'" for p in loop[:-1])
        where, waits = f"phases {names} and '{loop[-1]}'", "none of them waits"
    return (
        f"the story loops forever through {where}: {waits} for a player's decision, "
        "and no 'next' leads out of the loop"
    )


def combine(op: str, old: Any, operand: Any, var: Variable) -> Any:
    """The new value of a variable after ``old op operand``, kept inside its declared range."""
    value = operand
    if op == "+=":
        value = old + operand
    elif op == "-=":
        value = old - operand
    if var.type.kind == INT:
        if var.type.minimum is not None and value < var.type.minimum:
            value = var.type.minimum
        if var.type.maximum is not None and value > var.type.maximum:
            value = var.type.maximum
    return value


def past_limit(op: str, old: Any, operand: Any, new: Any) -> str:
    """Which bound ``combine`` held a number at ("highest" or "lowest"), or "" when it held
    none: what ``old op operand`` would have been beyond its declared range."""
    if not isinstance(new, int) or isinstance(new, bool):
        return ""
    wanted = old + operand if op == "+=" else old - operand if op == "-=" else operand
    if wanted > new:
        return "highest"
    if wanted < new:
        return "lowest"
    return ""


def pick_by(weights: tuple[int, ...], number: int) -> int:
    """The outcome a roll of ``number`` (1 to 100) gives: the first whose running total of
    ``weights`` reaches it."""
    total = 0
    for index, weight in enumerate(weights):
        total += weight
        if number <= total:
            return index
    return len(weights) - 1


def _clamp_percent(value: Any) -> int:
    return max(0, min(100, int(value)))
