"""Exhaustive exploration of a scenario, one side at a time: every choice, every chance.

A checker that follows labels only (as ChoiceScript's quicktest does) counts branches as
covered that the variables make impossible. This explorer plays the real engine instead,
and is exact without exploring every value of every variable:

* **Control variables** are those that can change what happens next: read by a choice's
  condition, a branch, odds, a script rule or a vote, and every variable whose effects feed
  them. States are (phase, values of the control variables); two states that agree on these
  play on identically, so each is explored once.
* **Text variables** are read only by conditional text. They cannot change where the story
  goes, so they are not part of the state. Instead the *set* of values each can have is
  carried along the explored edges, replaying the effects and text conditions the engine
  recorded on each edge. A text branch is reachable when some value in the set shows it.
* Every other variable (a counter nobody reads) is ignored.

The result lists the states and edges, which phases, choices and text branches were reached,
which choices were ever offered, dead ends, states from which no ending can be reached, and
which endings each side can reach.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from presidium.conditions import INT, CompiledEffect
from presidium.diagnostics import SourceSpan
from presidium.engine import Game, Snapshot, combine
from presidium.errors import PresidiumError
from presidium.model import Scenario, TextPart, paused_gc, per_scenario
from presidium.records import record
from presidium.seating import Seating, role_of

VALUE_SET_CAP = 4096  # beyond this many value combinations at one state, assume any text can show

StateKey = tuple[str, tuple[Any, ...]]
Trace = list[tuple[str, Any, Any, Any]]


STOP_EVERY = 512  # new states between two calls of the caller's ``stop`` (time, memory)


class StateBudgetExceeded(PresidiumError):
    """More distinct states than the caller allowed, or another of its bounds was reached."""


class _NeedRoll(Exception):
    """The dice were asked for a roll the queue does not answer: its odds, outcome by outcome."""

    def __init__(self, weights: tuple[int, ...]) -> None:
        super().__init__(weights)
        self.weights = weights


class _RollAgain(Exception):
    """One step came back to a roll it has already made, in the same state: a loop through
    phases nobody decides in (a script's chance that can lead back). The other outcomes were
    queued at the first visit, so this branch adds nothing new. ``at`` is how many rolls
    the step had made when it first made this one."""

    def __init__(self, at: int) -> None:
        super().__init__(at)
        self.at = at


class _ForcedDice:
    """Dice that answer from a queue and ask the explorer when the queue is empty.

    ``where`` tells the state the game is in; a roll made again in the same state within one
    step ends that branch (``_RollAgain``), so a step cannot go round a loop for ever. The
    queue holds the index of each roll's outcome: 0 success and 1 failure for ``roll``.
    """

    def __init__(self, where: Callable[[], Hashable]) -> None:
        self.queue: list[int] = []
        self.where = where
        self.made: dict[Hashable, int] = {}  # the rolls of the step being replayed, in order

    def _next(self, weights: tuple[int, ...], what: str) -> int:
        point = (what, self.where())
        if point in self.made:
            raise _RollAgain(self.made[point])
        self.made[point] = len(self.made)
        if not self.queue:
            raise _NeedRoll(weights)
        return self.queue.pop(0)

    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        success = self._next((percent, 100 - percent), what) == 0
        return success, (1 if success else 100)

    def pick(self, weights: tuple[int, ...], what: str) -> tuple[int, int]:
        index = self._next(weights, what)
        return index, 1 + sum(weights[:index])


@record
class Relevance:
    """Which variables decide reachability, and which only decide text."""

    control: tuple[str, ...]
    text: tuple[str, ...]


def relevance(scenario: Scenario) -> Relevance:
    reads: set[str] = set()
    # One pass over the phases gathers what is read, and every effect and text part, which
    # are worked on below (the order does not matter: what comes out are sets).
    effects: list[CompiledEffect] = []
    parts: list[TextPart] = []
    for phase in scenario.phases.values():
        effects += phase.effects
        parts += phase.text
        for b in phase.next:
            if b.when:
                reads.update(b.when.names)
        for rule in phase.script:
            for compiled in (rule.when, rule.percent):
                if compiled is not None:
                    reads.update(compiled.names)
        for choice in phase.choices:
            if choice.when is not None:
                reads.update(choice.when.names)
            if choice.chance is not None:
                reads.update(choice.chance.percent.names)
                for drawn in choice.chance.outcomes:
                    reads.update(drawn.percent.names if drawn.percent is not None else ())
            for outcome in choice.outcomes():
                effects += outcome.effects
                parts += outcome.text
                for b in outcome.next:
                    if b.when:
                        reads.update(b.when.names)
    for vote in scenario.votes.values():
        stances = {f"{voter}.stance" for voter in vote.voters}
        for vote_rule in vote.rules:
            if vote_rule.when is not None:
                names = vote_rule.when.names
                reads.update(stances if "voter.stance" in names else ())
                reads.update(n for n in names if not n.startswith("voter."))
        for bloc in vote.blocs:
            for compiled in [*bloc.counts.values(), *([bloc.when] if bloc.when else [])]:
                reads.update(compiled.names)
        reads.update(vote.passes.names)
    reads.add("player")  # fixed for the side explored: part of every state, never a text's
    reads &= set(scenario.variables)
    changed = True
    while changed:  # whatever feeds a control variable is a control variable
        changed = False
        for effect in effects:
            if effect.target in reads and not effect.value.names <= reads:
                reads |= effect.value.names & set(scenario.variables)
                changed = True
    parts += [t for e in scenario.endings.values() for t in e.text]
    text_reads = {n for t in parts if t.when is not None for n in t.when.names}
    return Relevance(tuple(sorted(reads)), tuple(sorted(text_reads - reads)))


_relevance = per_scenario(relevance)


@dataclass(slots=True)
class Edge:
    """One way a step can go: from a state, by the player's choice (``action``; None for the
    start), through the dice's outcomes (``rolls``, each an index among a roll's outcomes),
    to the next state, an ending or a failure, with the ``probability`` of those rolls."""

    source: StateKey | None  # None: the start of the game
    target: StateKey | None  # None when the edge ends the game or fails
    ending: str | None
    error: str | None
    trace: Trace
    action: str | None = None
    probability: float = 1.0
    rolls: tuple[int, ...] = ()


@dataclass
class Exploration:
    side: str
    relevance: Relevance
    states: int = 0
    edges: list[Edge] = field(default_factory=list)
    endings: Counter[str] = field(default_factory=Counter)  # ending -> edges that reach it
    phases: set[str] = field(default_factory=set)
    choices: set[tuple[str, str]] = field(default_factory=set)  # (phase, choice) taken
    offered: set[tuple[str, str]] = field(
        default_factory=set
    )  # (phase, choice) available somewhere
    dead_ends: list[tuple[SourceSpan, str]] = field(default_factory=list)
    no_way_out: list[tuple[SourceSpan, str]] = field(default_factory=list)
    texts: set[SourceSpan] = field(default_factory=set)  # conditional text parts shown somewhere
    # Steps that came round to a roll they had made (``_RollAgain``): (source, action, the
    # rolls before that roll, their probability, this branch's probability). Their weight
    # belongs to the branches that went on from that roll (see ``_share_loops``).
    looped: list[tuple[StateKey | None, str | None, tuple[int, ...], float, float]] = field(
        default_factory=list
    )


def explore(
    scenario: Scenario,
    side: str,
    max_states: int = 200_000,
    stop: Callable[[], str | None] | None = None,
) -> Exploration:
    """Play every path open to ``side`` (the other seats follow the scenario's script).

    ``stop`` is asked every few hundred new states whether to give up (the caller's clock
    and memory bounds, kept out of here); it returns the reason, or None to go on.

    The collector is paused meanwhile, and when presidium is the program that runs what the
    exploration built is then left out of its scans (``model.settle``), as a scenario just
    loaded is: edges, their traces and the snapshots kept hold no cycles and are freed by
    their counts, so each of the collector's passes would only scan them again, more of
    them each time (an eighth of the time exploring a large story).
    """
    with paused_gc(keep=True):
        return _explore(scenario, side, max_states, stop)


def _explore(
    scenario: Scenario,
    side: str,
    max_states: int,
    stop: Callable[[], str | None] | None,
) -> Exploration:
    rel = _relevance(scenario)  # the same for every side: worked out once
    keys = rel.control
    dice = _ForcedDice(lambda: (game.machine.state, tuple(game.values[k] for k in keys)))
    game = Game(scenario, [side], dice=dice)
    game.quiet = True  # where each path goes, not what it says
    result = Exploration(side, rel)
    seen: set[StateKey] = set()

    Item = tuple[Snapshot, StateKey | None, str | None, tuple[int, ...], tuple[float, ...]]
    stack: list[Item] = [(game.snapshot(), None, None, (), ())]
    replays = 0
    machine = game.machine
    choices_add, texts_add, phases_add = result.choices.add, result.texts.add, result.phases.add
    edges_append = result.edges.append
    while stack:
        snap, source, action, rolls, odds = stack.pop()
        replays += 1
        if stop is not None and replays % STOP_EVERY == 0:  # new states or not: bounds hold
            reason = stop()
            if reason is not None:
                raise StateBudgetExceeded(
                    f"{reason} while exploring as {side} ({result.states:,} states so far)"
                )
        # Every snapshot is taken with the path forgotten (below, and the first before any
        # step): only this step's choices and votes are read, and the path that led here
        # stays out of the snapshots, whose number grows with the depth of the search.
        game.restore(snap)
        if rolls or dice.queue or dice.made:  # else the dice are as a step leaves them
            dice.queue, dice.made = list(rolls), {}
        trace: Trace = []
        game.trace = trace
        probability = math.prod(odds) if odds else 1.0

        try:
            game.start() if action is None else game.step(action)
        except _NeedRoll as need:
            total = sum(need.weights)
            stack.extend(
                (snap, source, action, (*rolls, i), (*odds, weight / total))
                for i, weight in reversed(list(enumerate(need.weights)))
                if weight > 0
            )
            continue
        except (
            _RollAgain
        ) as again:  # what this branch reached before it came round is still reached
            _reached(result, trace)
            prefix = rolls[: again.at]
            result.looped.append((source, action, prefix, math.prod(odds[: again.at]), probability))
            continue
        except PresidiumError as exc:
            phase = game.phase
            span = phase.span if phase is not None else scenario.span
            result.dead_ends.append((span, str(exc)))
            _reached(result, trace)
            result.edges.append(
                Edge(source, None, None, str(exc), trace, action, probability, rolls)
            )
            continue
        for kind, item, available, _ in trace:
            if kind == "choice":
                choices_add((item.id, available))
            elif kind == "text":
                # The engine showed it in a game that can be played: reachable, whatever
                # the text variables' other values (``_propagate_text`` need not try it).
                if available:
                    texts_add(item.span)
            elif kind == "phase":
                phases_add(item.id)
            elif kind == "offered":
                result.offered.update((item.id, c) for c in available)
        if game.ending is not None:
            result.endings[game.ending] += 1
            edges_append(Edge(source, None, game.ending, None, trace, action, probability, rolls))
            continue
        values = game.values
        key: StateKey = (machine.state, tuple([values[k] for k in keys]))
        edges_append(Edge(source, key, None, None, trace, action, probability, rolls))
        if key in seen:
            continue
        seen.add(key)
        result.states += 1
        if result.states > max_states:
            raise StateBudgetExceeded(
                f"more than {max_states:,} states to explore as {side}; "
                "raise --max-states, or simplify the variables that decide what is reachable"
            )
        game.forget_path()  # read above; the next steps from here start without it
        here = game.snapshot()
        pending = game.pending
        assert pending is not None
        # The options the decision was put with, worked out as the step ended: as they are now.
        available = [o.id for o in pending.options if o.available]
        result.offered.update((pending.phase, c) for c in available)
        stack.extend((here, key, choice, (), ()) for choice in reversed(available))
    game.trace = None
    _share_loops(result)
    _propagate_text(scenario, result, stop)
    _find_no_way_out(scenario, result)
    return result


def _reached(result: Exploration, trace: Trace) -> None:
    """The phases and choices a step that did not finish (a roll came round, or a failure)
    passed through: reached, all the same."""
    result.choices.update((item.id, taken) for kind, item, taken, _ in trace if kind == "choice")
    result.phases.update(item.id for kind, item, _, _ in trace if kind == "phase")


def _share_loops(result: Exploration) -> None:
    """Give the weight of each branch that came round to a roll it had made to the branches
    that went on from that roll.

    Coming round to the same roll in the same state, the game goes on exactly as it did the
    first time, so the outcomes that follow that roll happen in the same proportions, and
    their probabilities scale up to fill the whole weight of the roll. Deeper rolls first,
    so that an inner loop is settled before the loop around it. Weight with nowhere to go
    (every branch from that roll comes round) stays lost: that loop never ends.
    """
    if not result.looped:
        return
    groups: dict[tuple[StateKey | None, str | None], list[Edge]] = defaultdict(list)
    for edge in result.edges:
        groups[(edge.source, edge.action)].append(edge)
    rolls_at: dict[tuple[StateKey | None, str | None, tuple[int, ...]], float] = {}
    for source, action, prefix, weight, _ in result.looped:
        rolls_at[(source, action, prefix)] = weight
    for source, action, prefix in sorted(rolls_at, key=lambda k: -len(k[2])):
        under = [e for e in groups[(source, action)] if e.rolls[: len(prefix)] == prefix]
        present = sum(e.probability for e in under)
        if present <= 0:
            continue
        scale = rolls_at[(source, action, prefix)] / present
        for e in under:
            e.probability *= scale


MAX_REVISITS = 64  # a state on a cycle whose values keep growing is widened after this many


def _propagate_text(
    scenario: Scenario, result: Exploration, stop: Callable[[], str | None] | None = None
) -> None:
    """Carry the possible values of the text variables along the edges; mark shown text.

    States are taken in topological order, so on an acyclic graph (the usual case) every edge
    is replayed once, with the complete set of values of its source. States on cycles are
    finished by a worklist; values that keep growing are widened (every text then counts as
    possible: the checker may miss an unreachable text there, but never reports a false one).
    """
    tvars = result.relevance.text
    domain: _Domain = (
        _Intervals(scenario, tvars[0])
        if len(tvars) == 1 and scenario.variables[tvars[0]].type.kind == INT
        else _Tuples(scenario, tvars)
    )
    # Each state numbered once (a state's key is a tuple, and hashing it is not free), and
    # what is known of it kept in lists by that number: 0 is the start, -1 the end of a game.
    number: dict[StateKey | None, int] = {None: 0}
    outgoing: list[list[tuple[Trace, int]]] = [[]]
    for edge in result.edges:
        source = number.get(edge.source)
        if source is None:
            source = number[edge.source] = len(outgoing)
            outgoing.append([])
        target = -1
        if edge.target is not None:
            target = number.get(edge.target, -1)
            if target < 0:
                target = number[edge.target] = len(outgoing)
                outgoing.append([])
        outgoing[source].append((edge.trace, target))
    count = len(outgoing)
    indegree = [0] * count
    for out in outgoing:
        for _, target in out:
            if target >= 0:
                indegree[target] += 1
    values: list[Any] = [None] * count
    values[0] = domain.start()
    valued = [0]  # the states with values, in the order they first had them
    widened = [False] * count
    visits = [0] * count
    shown = result.texts
    replay, union, too_big = domain.replay, domain.union, domain.too_big

    def send(state: int) -> list[int]:
        """Replay every edge out of ``state``; return the targets whose values changed."""
        changed = []
        wide = widened[state]
        for trace, target in outgoing[state]:  # (an edge may lead back here: read it anew)
            arriving = replay(trace, values[state], shown, wide)
            if target < 0 or widened[target]:
                continue
            if wide:
                widened[target] = True
                changed.append(target)
                continue
            old = values[target]
            merged, grew = union(old, arriving)
            if grew:
                if old is None:
                    valued.append(target)
                values[target] = merged
                visits[target] += 1
                if too_big(merged) or visits[target] > MAX_REVISITS:
                    widened[target] = True
                changed.append(target)
        return changed

    replayed = 0

    def go_on() -> None:
        nonlocal replayed
        replayed += 1
        if stop is not None and replayed % STOP_EVERY == 0:
            reason = stop()
            if reason is not None:
                raise StateBudgetExceeded(
                    f"{reason} while following the text variables as {result.side}"
                )

    ready: deque[int] = deque([0])
    done = [False] * count
    while ready:  # Kahn's order: a state is replayed once all its predecessors are
        go_on()
        state = ready.popleft()
        done[state] = True
        send(state)
        for _, target in outgoing[state]:
            if target >= 0:
                indegree[target] -= 1
                if indegree[target] == 0:
                    ready.append(target)
    pending = deque(n for n in valued if not done[n])
    while pending:  # what is left lies on or after a cycle
        go_on()
        pending.extend(send(pending.popleft()))


class _Domain:
    """The possible values of the text variables at one state, and how edges change them."""

    def start(self) -> Any:
        raise NotImplementedError

    def replay(self, trace: Trace, value: Any, shown: set[SourceSpan], wide: bool) -> Any:
        raise NotImplementedError

    def union(self, old: Any, new: Any) -> tuple[Any, bool]:
        raise NotImplementedError

    def too_big(self, value: Any) -> bool:
        raise NotImplementedError


def _decided(item: Any, concrete: Any, names: set[str], shown: set[SourceSpan], wide: bool) -> bool:
    """Mark a conditional text shown when the engine's own result settles it; True if settled."""
    if item.span in shown:
        return True
    if wide or (concrete and not item.when.names & names):
        shown.add(item.span)
        return True
    return not item.when.names & names  # decided (not shown) by control variables alone


class _Tuples(_Domain):
    """Sets of tuples of text values: exact for any text variables, with a size cap."""

    def __init__(self, scenario: Scenario, tvars: tuple[str, ...]) -> None:
        self.scenario = scenario
        self.index = {name: i for i, name in enumerate(tvars)}
        self.names = set(tvars)
        self.initial = tuple(scenario.variables[v].initial for v in tvars)

    def start(self) -> set[tuple[Any, ...]]:
        return {self.initial}

    def union(self, old: Any, new: Any) -> tuple[Any, bool]:
        if old is None:
            return set(new), bool(new)
        size = len(old)
        old |= new
        return old, len(old) != size

    def too_big(self, value: Any) -> bool:
        return len(value) > VALUE_SET_CAP

    def replay(self, trace: Trace, value: Any, shown: set[SourceSpan], wide: bool) -> Any:
        current: set[tuple[Any, ...]] = value or set()
        index = self.index
        for kind, item, concrete, snapshot in trace:
            if kind == "text":
                if item.span in shown or _decided(item, concrete, self.names, shown, wide):
                    continue
                for row in current:
                    if item.when.evaluate({**snapshot, **dict(zip(index, row, strict=True))}):
                        shown.add(item.span)
                        break
            elif kind == "effect" and item.target in index:
                i = index[item.target]
                var = self.scenario.variables[item.target]
                updated = set()
                for row in current:
                    operand = concrete
                    if item.value.names & self.names:
                        operand = item.value.evaluate(
                            {**snapshot, **dict(zip(index, row, strict=True))}
                        )
                    new_row = list(row)
                    new_row[i] = combine(item.op, row[i], operand, var)
                    updated.add(tuple(new_row))
                current = updated
        return current


Spans = tuple[tuple[int, int], ...]


class _Intervals(_Domain):
    """The values of one whole-number text variable as sorted, disjoint intervals.

    Exact, and compact where a tuple set is not: a score that drifts by a few points per
    scene soon takes every value in a wide range, which is one interval. Conditions that only
    compare the variable with constants are decided at the intervals' ends and their cuts.
    """

    def __init__(self, scenario: Scenario, name: str) -> None:
        var = scenario.variables[name]
        self.var = var
        self.name = name
        self.names = {name}
        self.lo = var.type.minimum if var.type.minimum is not None else -(10**18)
        self.hi = var.type.maximum if var.type.maximum is not None else 10**18

    def start(self) -> Spans:
        value = int(self.var.initial)
        return ((value, value),)

    def too_big(self, value: Any) -> bool:
        return len(value) > VALUE_SET_CAP

    def union(self, old: Any, new: Any) -> tuple[Any, bool]:
        if old is None or old == new:  # the first values to arrive, or the same again
            return new, old is None and bool(new)
        if len(old) == 1 and len(new) == 1:  # the usual case, as _merge would join them
            (a, b), (c, d) = sorted((old[0], new[0]))
            merged: Spans = ((a, max(b, d)),) if c <= b + 1 else ((a, b), (c, d))
        else:
            merged = _merge(list(old) + list(new))
        return merged, merged != old

    def points(self, spans: Spans, cuts: frozenset[int] | None) -> list[int] | None:
        """The values worth testing, or None when there are too many to list."""
        if cuts is not None:
            return [p for a, b in spans for p in {a, b, *(c for c in cuts if a <= c <= b)}]
        if sum(b - a + 1 for a, b in spans) > VALUE_SET_CAP:
            return None
        return [v for a, b in spans for v in range(a, b + 1)]

    def replay(self, trace: Trace, value: Any, shown: set[SourceSpan], wide: bool) -> Any:
        spans: Spans = value or ()
        name = self.name
        for kind, item, concrete, snapshot in trace:
            if kind == "text":
                if item.span in shown or _decided(item, concrete, self.names, shown, wide):
                    continue
                if not spans:
                    continue
                candidates = self.points(spans, item.when.cuts)
                if candidates is None or any(
                    item.when.evaluate({**snapshot, name: v}) for v in candidates
                ):
                    shown.add(item.span)
            elif kind == "effect" and item.target == name and spans:
                if name not in item.value.names:
                    spans = self.apply(spans, item.op, concrete)
                    continue
                values = self.points(spans, None)
                if values is None:  # too many to follow one by one: any value in range
                    spans = ((self.lo, self.hi),)
                    continue
                results = [
                    combine(item.op, v, item.value.evaluate({**snapshot, self.name: v}), self.var)
                    for v in values
                ]
                spans = _merge([(r, r) for r in results])
        return spans

    def apply(self, spans: Spans, op: str, operand: int) -> Spans:
        if op == "=":
            value = combine(op, 0, operand, self.var)
            return ((value, value),)
        step = operand if op == "+=" else -operand
        lo, hi = self.lo, self.hi
        if lo <= spans[0][0] + step and spans[-1][1] + step <= hi:  # no bound reached: moved
            if len(spans) == 1:  # the usual case: one range of values
                return ((spans[0][0] + step, spans[0][1] + step),)
            return tuple([(a + step, b + step) for a, b in spans])
        return _merge([(min(max(a + step, lo), hi), min(max(b + step, lo), hi)) for a, b in spans])


def _merge(spans: list[tuple[int, int]]) -> Spans:
    """Sorted, disjoint, with touching intervals joined."""
    if not spans:
        return ()
    spans.sort()
    out = [spans[0]]
    for a, b in spans[1:]:
        last_a, last_b = out[-1]
        if a <= last_b + 1:
            if b > last_b:
                out[-1] = (last_a, b)
        else:
            out.append((a, b))
    return tuple(out)


def _find_no_way_out(scenario: Scenario, result: Exploration) -> None:
    """States from which no ending can be reached: loops the player cannot leave."""
    reverse: dict[StateKey, set[StateKey]] = {}
    good: set[StateKey] = set()
    states: set[StateKey] = set()
    for edge in result.edges:
        # A state whose every branch came round to a roll it had made (see _RollAgain) is
        # only ever a target: it is stuck too, unless some edge from it leads on.
        source, target = edge.source, edge.target
        if source is None:
            if target is not None:
                states.add(target)
            continue
        states.add(source)
        if edge.ending is not None or edge.error is not None:
            good.add(source)  # it ends, or it fails in a way reported on its own
        if target is None:
            continue
        states.add(target)
        before = reverse.get(target)
        if before is None:
            reverse[target] = {source}
        else:
            before.add(source)
    queue = deque(good)
    while queue:
        for previous in reverse.get(queue.popleft(), ()):
            if previous not in good:
                good.add(previous)
                queue.append(previous)
    stuck = states - good
    if not stuck:
        return
    dead = {span for span, _ in result.dead_ends}
    linked: dict[str, set[str]] = defaultdict(set)  # stuck phases one step apart
    for edge in result.edges:
        if edge.source in stuck and edge.target in stuck:
            linked[edge.source[0]].add(edge.target[0])
            linked[edge.target[0]].add(edge.source[0])
    order = list(scenario.phases)
    left = sorted({state[0] for state in stuck}, key=order.index)
    while left:  # one message for each group of phases a game can go round in
        group, todo = {left[0]}, [left[0]]
        while todo:
            for other in linked[todo.pop()] - group:
                group.add(other)
                todo.append(other)
        phases = [p for p in left if p in group]
        left = [p for p in left if p not in group]
        span = scenario.phases[phases[0]].span
        if span in dead:
            continue
        if len(phases) == 1:
            where = f"phase '{phases[0]}'"
        else:
            where = "phases " + ", ".join(f"'{p}'" for p in phases[:-1]) + f" and '{phases[-1]}'"
        result.no_way_out.append(
            (
                span,
                f"no ending can be reached from {where}: the story loops there forever, and "
                "no choice leads out",
            )
        )


# --------------------------------------------------------------------------- class games
CLASS_STEPS = 20_000  # actions in one sampled class game before it is called endless


def class_game(scenario: Scenario, seating: Seating, seed: int) -> Game:
    """One class game played to its ending by seeded agents, one for every seat.

    A class cannot be explored exhaustively (every ballot of every student, every move on
    every floor), so ``check --classroom`` samples it. Half the games are played by agents
    that lean to history (history's choice where it is open, most of the time); the others
    choose at random. Every agent casts a random ballot, may make one usable move on a
    floor, and now and then declares a stance or argues with a persuadable actor, which the
    "teacher" rates at random.
    """
    from presidium import actions as act

    game = Game(scenario, seating=seating, seed=seed)
    game.start()
    rng = random.Random(f"class:{seed}")
    history_like = rng.random() < 0.5
    room = game.room
    assert room is not None
    for _ in range(CLASS_STEPS):
        if game.over:
            return game
        requests = list(room.state.requests.values())
        if not requests:
            raise PresidiumError("a class game stopped with nothing open and no ending")
        request = next((r for r in requests if r.kind == "rating"), requests[0])
        action: act.Action
        if request.kind == "rating":
            action = act.Rate(request.request, rng.randint(1, 5))
        elif request.kind == "decision":
            phase = game.phase
            assert phase is not None
            offered = [o.id for o in request.options if o.available]
            pick = offered[int(rng.random() * len(offered))]
            if history_like and phase.history in offered and rng.random() < 0.8:
                pick = phase.history
            action = act.Choose(request.roles[0], request.request, pick)
        elif request.kind == "ballot":
            cast = room.state.cast[request.request]
            waiting = [s for s in request.roles if s not in cast]
            if not waiting:
                action = act.Close(request.request)
            else:
                ballot = ("for", "against", "abstain")[int(rng.random() * 3)]
                action = act.Cast(waiting[0], request.request, ballot)
        else:
            action = _floor_action(game, request, rng)
        game.submit(action)
    raise PresidiumError(f"the class game did not end after {CLASS_STEPS:,} actions")


def _floor_action(game: Game, request: Any, rng: random.Random) -> Any:
    """A move for the next seat that has not yet had its turn on this floor, an argument or
    a declaration now and then, or closing the floor once every seat has had its turn."""
    from presidium import actions as act

    room = game.room
    assert room is not None
    done = {q.seat for q in room.state.queued[request.request]}
    persuadable = [a.id for a in game.scenario.actors.values() if a.persuadable]
    classroom = game.scenario.classroom
    line = classroom.stance_line if classroom is not None else ()
    for seat in request.roles:
        if seat in done:
            continue
        role = game.scenario.roles[role_of(seat)]
        if "declare" in role.can and role.actor and rng.random() < 0.1:
            return act.Declare(seat, rng.choice(list(game.scenario.stances)))
        targets = [t for t in persuadable if room.holder(t) is None]
        if "argue" in role.can and line and targets and role.side and rng.random() < 0.2:
            return act.Argue(seat, rng.choice(targets), "An argument.")
        phase = game.phase
        assert phase is not None
        usable = [m for m in role.moves if room._usable(seat, m, phase) is None]
        if usable and rng.random() < 0.7:
            move = rng.choice(usable)
            target = rng.choice(persuadable) if move.target and persuadable else None
            if not move.target or target is not None:
                return act.MakeMove(seat, request.request, move.id, target)
    return act.Close(request.request)
