"""The game engine: pure, deterministic, and the same for every front end.

``Game.start()`` and ``Game.step(choice_id)`` return lists of events. The engine never prints,
reads input, looks at a clock or uses global random state: chance comes from ``Dice`` owned by
the game and seeded by the caller, so the same scenario, seed and choices give the same game.

Every decision belongs to a *seat*: a side or an actor. Seats held by humans wait for
``step``; every other seat is played by the scenario's own ``script``. A classroom can seat
several humans at once; a solo game seats one side.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from presidium import events as ev
from presidium import template
from presidium.conditions import INT, CompiledEffect
from presidium.errors import GameOver, IllegalChoice, PresidiumError
from presidium.machine import PhaseMachine, trigger_name
from presidium.model import Choice, Outcome, Phase, Scenario, TextPart, Variable, Vote

MAX_AUTOMATIC_STEPS = 10_000
COUNTERFACTUAL_MARK = "[Counterfactual] "
UNSETTLED = "unsettled"  # a scene's ``decision`` until the run it belongs to has stopped


class Dice(Protocol):
    """Decides chances. ``roll`` returns (success, the number rolled from 1 to 100)."""

    def roll(self, percent: int, what: str) -> tuple[bool, int]: ...


class SeededDice:
    """The default dice: a private ``random.Random`` seeded by the caller."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        number = int(self.rng.random() * 100) + 1
        return number <= percent, number

    def getstate(self) -> Any:
        return self.rng.getstate()

    def setstate(self, state: Any) -> None:
        self.rng.setstate(state)


@dataclass(frozen=True)
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

    @property
    def diverged(self) -> bool:
        """The game left history here: another choice, or history's choice and the dice said no."""
        if self.historical_choice is None:
            return False
        if self.choice != self.historical_choice:
            return True
        return self.chance is not None and not self.chance[1]


@dataclass(frozen=True)
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


class _VoterView(Mapping[str, Any]):
    def __init__(self, values: Mapping[str, Any], voter: str) -> None:
        self._values = values
        self.voter = voter

    def __getitem__(self, key: str) -> Any:
        if key.startswith("voter."):
            return self._values[self.voter + key[5:]]
        return self._values[key]

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class Game:
    """One playthrough of a scenario."""

    def __init__(
        self,
        scenario: Scenario,
        humans: Iterable[str],
        seed: int = 0,
        dice: Dice | None = None,
    ) -> None:
        self.scenario = scenario
        self.humans = frozenset(humans)
        unknown = [s for s in self.humans if s not in scenario.sides and s not in scenario.actors]
        if unknown:
            raise IllegalChoice(f"no side or actor '{unknown[0]}' in scenario '{scenario.id}'")
        self.seed = seed
        self.dice: Dice = dice if dice is not None else SeededDice(seed)
        self.values: dict[str, Any] = dict(scenario.initial_values())
        self.machine = PhaseMachine(scenario)
        self._phase: Phase | None = scenario.phases.get(self.machine.state)
        self.trail: list[TrailEntry] = []
        # Every phase entered, in order, with or without a decision: the scenes the player was
        # shown, whose history notes the prompt and the debrief offer.
        self.scenes: list[str] = []
        self._since_decision = 0  # where in ``scenes`` the latest human decision left off
        self._live = self.machine.deciding()
        self.votes: list[ev.VoteHeld] = []
        self.ending: str | None = None
        self.pending: ev.DecisionNeeded | None = None
        self.started = False
        # Tools that analyse a scenario set this to a list; the engine then records each effect,
        # conditional text and scripted offer as it happens. ``None`` in play: no cost.
        self.trace: list[tuple[str, Any, Any, Any]] | None = None

    # ------------------------------------------------------------------ queries
    @property
    def phase(self) -> Phase | None:
        return self._phase

    @property
    def over(self) -> bool:
        return self.ending is not None

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

    def options(self) -> tuple[ev.Option, ...]:
        """The choices offered in the current phase (available or shown with a reason)."""
        phase = self.phase
        if phase is None:
            return ()
        offered: list[ev.Option] = []
        for choice in phase.choices:
            available = choice.when is None or bool(choice.when.evaluate(self.values))
            if not available and choice.unavailable is None:
                continue
            percent = self._percent(choice) if choice.chance is not None else None
            offered.append(
                ev.Option(
                    len(offered) + 1,
                    choice.id,
                    choice.label,
                    available,
                    None if available else choice.unavailable,
                    percent,
                    choice.counterfactual,
                )
            )
        return tuple(offered)

    def status(self) -> ev.Status:
        phase = self.phase
        lines = []
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
        return ev.Status(date, label, tuple(lines), aftermath)

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
        )

    def restore(self, snap: Snapshot) -> None:
        self.machine.set_state(snap.state)
        self._phase = self.scenario.phases.get(snap.state)
        self.values = dict(snap.values)
        self.trail = list(snap.trail)
        self.votes = list(snap.votes)
        self.ending = snap.ending
        self.pending = snap.pending
        self.started = snap.started
        self.scenes = list(snap.scenes)
        self._since_decision = snap.since_decision
        if isinstance(self.dice, SeededDice) and snap.dice is not None:
            self.dice.setstate(snap.dice)

    def state_key(self) -> tuple[str, tuple[tuple[str, Any], ...]]:
        """The phase and every variable: two games with equal keys play on identically."""
        return self.machine.state, tuple(sorted(self.values.items()))

    # ------------------------------------------------------------------ play
    def start(self) -> list[ev.Event]:
        """Begin the game: run until the first human decision or an ending."""
        if self.started:
            raise PresidiumError("the game has already started")
        self.started = True
        out: list[ev.Event] = []
        self._enter(out)
        self._advance(out)
        return self._settle(out)

    def step(self, choice_id: str) -> list[ev.Event]:
        """Take ``choice_id`` for the seat that must decide now; run on to the next decision."""
        if self.over:
            raise GameOver("the game is over")
        phase = self.phase
        if phase is None or self.pending is None:
            raise IllegalChoice("no decision is waiting; call start() first")
        choice = phase.choice(choice_id)
        offered = {o.id: o for o in self.pending.options}
        if choice is None or choice_id not in offered:
            raise IllegalChoice(f"'{choice_id}' is not a choice in phase '{phase.id}'")
        out: list[ev.Event] = []
        if not offered[choice_id].available:
            out.append(ev.Refused(choice_id, offered[choice_id].reason or ""))
            return out
        self.pending = None
        self._since_decision = len(self.scenes)
        self._take(phase, choice, "player", out)
        self._advance(out)
        return self._settle(out)

    # ------------------------------------------------------------------ internals
    def _settle(self, out: list[ev.Event]) -> list[ev.Event]:
        """Say of each scene passed on the way whether a prompt follows it, now that it is known.

        Whether a human will still be asked depends on the values and the dice along the way,
        not only on the map of phases, so it is known for certain only once the run has
        stopped: at a human's decision ("later") or at an ending ("none").
        """
        after = "later" if self.pending is not None else "none"
        return [
            dataclasses.replace(e, decision=after)
            if isinstance(e, ev.PhaseStarted) and e.decision == UNSETTLED
            else e
            for e in out
        ]

    def _advance(self, out: list[ev.Event]) -> None:
        passed: list[str] = []
        for _ in range(MAX_AUTOMATIC_STEPS):
            passed.append(self.machine.state)
            if self.machine.state in self.scenario.endings:
                self._end(out)
                return
            phase = self.phase
            assert phase is not None
            if not phase.choices:
                self._phase = self.scenario.phases.get(
                    self.machine.fire(trigger_name(phase.id), self.values)
                )
                self._enter(out)
                continue
            assert phase.by is not None
            if phase.by in self.humans:
                options = self.options()
                if not any(o.available for o in options):
                    raise PresidiumError(f"phase '{phase.id}' offers {phase.by} nothing to choose")
                prompt = phase.prompt or "What do you do?"
                self.pending = ev.DecisionNeeded(
                    phase.by, self.scenario.seat_name(phase.by), phase.id, prompt, options
                )
                out.append(self.pending)
                return
            self._take(phase, self._scripted(phase), "script", out)
        raise PresidiumError(_endless(passed))

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
        seat = phase.by or ""
        historical = None if phase.history is None else choice.id == phase.history
        out.append(
            ev.ChoiceMade(
                seat,
                self.scenario.seat_name(seat),
                phase.id,
                choice.id,
                choice.label,
                by,
                historical,
            )
        )
        rolled = None
        if choice.chance is not None:
            percent = self._percent(choice)
            success, number = self.dice.roll(percent, f"{phase.id}:{choice.id}")
            out.append(ev.ChanceRolled(choice.id, percent, number, success))
            outcome = choice.chance.success if success else choice.chance.failure
            trigger = trigger_name(phase.id, choice.id, "success" if success else "failure")
            rolled = (percent, success)
        else:
            assert choice.outcome is not None
            outcome = choice.outcome
            trigger = trigger_name(phase.id, choice.id)
        history_choice = phase.choice(phase.history) if phase.history else None
        closed = None
        when = history_choice.when if history_choice is not None else None
        if when is not None and not when.evaluate(self.values):
            assert history_choice is not None
            closed = history_choice.unavailable or "its condition did not hold in this game"
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
            )
        )
        self._apply_outcome(outcome, choice.counterfactual, out)
        self._phase = self.scenario.phases.get(self.machine.fire(trigger, self.values))
        self._enter(out)

    def _apply_outcome(self, outcome: Outcome, counterfactual: bool, out: list[ev.Event]) -> None:
        text = self._render(outcome.text)
        self._apply(outcome.effects)
        if text:
            out.append(ev.Narration(text, counterfactual))

    def _enter(self, out: list[ev.Event]) -> None:
        phase = self.phase
        if phase is None:
            return
        if self.trace is not None:
            self.trace.append(("phase", phase, None, None))
        self.scenes.append(phase.id)
        self._apply(phase.effects)
        decision = "here" if phase.choices and phase.by in self.humans else UNSETTLED
        out.append(
            ev.PhaseStarted(
                phase.id,
                phase.title,
                phase.date,
                phase.date_label,
                phase.time,
                phase.place,
                self._render(phase.text),
                phase.counterfactual,
                phase.content_note,
                bool(phase.notes),
                decision,
            )
        )
        if phase.vote is not None:
            held = self._hold_vote(self.scenario.votes[phase.vote])
            self.votes.append(held)
            out.append(held)
        out.append(self.status())

    def _hold_vote(self, vote: Vote) -> ev.VoteHeld:
        tally = {"for": 0, "against": 0, "abstain": 0}
        ballots = []
        for voter in vote.voters:
            view = _VoterView(self.values, voter)
            for rule in vote.rules:
                if rule.actors and voter not in rule.actors:
                    continue
                if rule.when is None or rule.when.evaluate(view):
                    tally[rule.vote] += 1
                    actor = self.scenario.actors[voter]
                    ballots.append(
                        ev.Ballot(
                            voter,
                            actor.name,
                            rule.vote,
                            rule.reason,
                            rule.counterfactual and not vote.counterfactual,
                        )
                    )
                    break
        blocs = []
        for bloc in vote.blocs:
            if bloc.when is not None and not bloc.when.evaluate(self.values):
                continue
            counts = {k: max(0, int(c.evaluate(self.values))) for k, c in bloc.counts.items()}
            for key, value in counts.items():
                tally[key] += value
            blocs.append(
                ev.BlocBallot(
                    bloc.label,
                    counts.get("for", 0),
                    counts.get("against", 0),
                    counts.get("abstain", 0),
                    bloc.reason,
                )
            )
        scope = dict(self.values)
        scope.update(
            votes_for=tally["for"], votes_against=tally["against"], abstentions=tally["abstain"]
        )
        passed = bool(vote.passes.evaluate(scope))
        self.values[f"{vote.id}.passed"] = passed
        self.values[f"{vote.id}.for"] = tally["for"]
        self.values[f"{vote.id}.against"] = tally["against"]
        self.values[f"{vote.id}.abstain"] = tally["abstain"]
        return ev.VoteHeld(
            vote.id,
            vote.title,
            vote.motion,
            tuple(ballots),
            tuple(blocs),
            tally["for"],
            tally["against"],
            tally["abstain"],
            passed,
            vote.counterfactual,
        )

    def _end(self, out: list[ev.Event]) -> None:
        ending = self.scenario.endings[self.machine.state]
        self.ending = ending.id
        self.pending = None
        fates = tuple(
            ev.Fate(f.actor, self.scenario.actors[f.actor].name, f.text, f.sources, f.confidence)
            for f in ending.fates
        )
        out.append(
            ev.GameEnded(ending.id, ending.title, ending.kind, self._render(ending.text), fates)
        )

    def _apply(self, effects: Iterable[CompiledEffect]) -> None:
        values, variables, trace = self.values, self.scenario.variables, self.trace
        for effect in effects:
            operand = effect.value.evaluate(values)
            if trace is not None:
                trace.append(
                    ("effect", effect, operand, dict(values) if effect.value.names else None)
                )
            values[effect.target] = combine(
                effect.op, values[effect.target], operand, variables[effect.target]
            )

    def _percent(self, choice: Choice) -> int:
        assert choice.chance is not None
        return _clamp_percent(choice.chance.percent.evaluate(self.values))

    def _render(self, parts: Iterable[TextPart]) -> str:
        values, trace = self.values, self.trace
        chosen = []
        for part in parts:
            shown = part.when is None or bool(part.when.evaluate(values))
            if trace is not None and part.when is not None:
                trace.append(("text", part, shown, dict(values)))
            if shown and part.text.strip():
                prefix = COUNTERFACTUAL_MARK if part.counterfactual else ""
                chosen.append(prefix + self._fill(part.text.strip()))
        return "\n\n".join(chosen)

    def _fill(self, text: str) -> str:
        variables, values = self.scenario.variables, self.values
        return "".join(
            piece if isinstance(piece, str) else variables[piece.name].display(values[piece.name])
            for piece in template.split(text)
        )


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


def _clamp_percent(value: Any) -> int:
    return max(0, min(100, int(value)))
