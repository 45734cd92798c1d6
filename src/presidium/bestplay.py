"""Best play: how likely each ending is for one side, played as well as possible, or at random.

``explore`` gives every state of a side's game (the player's decisions), every choice open
there, and where each choice can lead with what probability (the product of the odds of the
dice rolled on the way: the choice's own chance, the script's chances). On that graph:

* **best**: the highest probability of reaching an ending that any strategy of the player
  achieves against the script and the dice (expectimax: the player takes the choice worth
  most, the dice weigh their outcomes). Each ending is its own goal with its own strategy, and
  so is the side's *victory* (the endings whose ``winner`` is the side).
* **random**: the probability under uniform random play, as ``--autoplay random`` plays:
  every available choice equally likely.
* **moves**: the best strategy's first decisions along its most likely path.

States are taken in reverse topological order of their strongly connected components, so an
acyclic graph (the usual story) is solved exactly in one pass. A component with cycles (a
story that can come back to a state) is solved by value iteration from zero, which rises to
the exact values; it stops when no value moves by more than ``TOLERANCE`` in a sweep.
Pure: no printing, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from presidium.explore import STOP_EVERY, Exploration, StateBudgetExceeded, StateKey
from presidium.model import Scenario
from presidium.records import record

TOLERANCE = 1e-12  # value iteration stops when no value moves by more than this in a sweep
MAX_SWEEPS = 100_000  # a cycle that converges slower than this is reported by ``residual``
MOVES = 6  # how many of the best strategy's first decisions are kept
VICTORY = "victory"

# Inside, states are numbered (0: the start of the game, before the first decision), so that
# a state's key, a long tuple of values, is hashed once, not at every look-up.
Branch = tuple[float, int, int]  # probability, next state (-1: the game ended), ending (-1: none)
Choices = list[dict[str | None, list[Branch]]]  # per state: each choice's branches


@record
class Move:
    """One decision of a strategy: in phase ``phase``, take ``choice`` (shown as ``label``)."""

    phase: str
    choice: str
    label: str


@record
class Odds:
    """One goal (an ending, or the side's victory): its chance under best and random play."""

    goal: str  # an ending id, or ``VICTORY``
    best: float  # 0..1
    random: float  # 0..1
    moves: tuple[Move, ...]  # the best strategy's first decisions, along its most likely path


@record
class BestPlay:
    side: str
    endings: tuple[Odds, ...]  # one per ending, in the scenario's order
    victory: Odds | None  # None when no ending names the side as its winner
    residual: float  # the largest change in the last sweep of value iteration (0: exact)

    def goal(self, name: str) -> Odds | None:
        """The odds of an ending by id, or of the victory (``VICTORY``)."""
        if name == VICTORY:
            return self.victory
        return next((o for o in self.endings if o.goal == name), None)


def victories(scenario: Scenario, side: str) -> tuple[str, ...]:
    """The endings whose winner is ``side``: its victory."""
    return tuple(e.id for e in scenario.endings.values() if e.winner == side)


def best_play(
    scenario: Scenario,
    run: Exploration,
    moves: int = MOVES,
    stop: Callable[[], str | None] | None = None,
) -> BestPlay:
    """The best and random odds of every ending (and of the victory) for ``run.side``.

    ``stop`` is asked now and then whether to give up (the caller's clock and memory bounds,
    as for ``explore``); ``StateBudgetExceeded`` says why.
    """
    endings = list(scenario.endings)
    won = set(victories(scenario, run.side))
    goals = len(endings) + 1  # the last goal is the victory
    index = {e: i for i, e in enumerate(endings)}
    number: dict[StateKey | None, int] = {None: 0}
    keys: list[StateKey | None] = [None]
    choices: Choices = [{}]

    def numbered(key: StateKey | None) -> int:
        found = number.get(key)
        if found is None:
            found = number[key] = len(keys)
            keys.append(key)
            choices.append({})
        return found

    for edge in run.edges:
        source = numbered(edge.source)
        target = numbered(edge.target) if edge.target is not None else -1
        ending = index[edge.ending] if edge.ending is not None else -1
        choices[source].setdefault(edge.action, []).append((edge.probability, target, ending))

    ends = [[0.0] * goals for _ in endings]
    for i, end in enumerate(ends):
        end[i] = 1.0
        end[-1] = 1.0 if endings[i] in won else 0.0
    zero = [0.0] * goals
    best: list[list[float]] = [zero] * len(keys)
    rand: list[list[float]] = [zero] * len(keys)
    goal_range = range(goals)

    def worth(branches: list[Branch], values: list[list[float]]) -> list[float]:
        if len(branches) == 1:  # no dice: the one way on, as it is (never changed in place)
            p, target, ending = branches[0]
            value = ends[ending] if ending >= 0 else values[target] if target >= 0 else zero
            return value if p == 1.0 else [p * v for v in value]
        total = [0.0] * goals
        for p, target, ending in branches:
            value = ends[ending] if ending >= 0 else values[target] if target >= 0 else zero
            for k in goal_range:
                total[k] += p * value[k]
        return total

    updates = 0

    def update(node: int, measured: bool = True) -> float:
        """Recompute one state's values; return the largest change (0 unless ``measured``)."""
        nonlocal updates
        updates += 1
        if stop is not None and updates % STOP_EVERY == 0:
            reason = stop()
            if reason is not None:
                raise StateBudgetExceeded(f"{reason} while weighing the odds as {run.side}")
        options = choices[node].values()
        new_best: list[float]
        new_rand: list[float]
        if options:
            count = len(options)
            new_best = [max(c) for c in zip(*(worth(b, best) for b in options), strict=True)]
            new_rand = [
                sum(c) / count for c in zip(*(worth(b, rand) for b in options), strict=True)
            ]
        else:
            new_best, new_rand = zero, zero
        old_best, old_rand = best[node], rand[node]
        best[node], rand[node] = new_best, new_rand
        if not measured:
            return 0.0
        return max(
            max(abs(a - b) for a, b in zip(new_best, old_best, strict=True)),
            max(abs(a - b) for a, b in zip(new_rand, old_rand, strict=True)),
        )

    residual = 0.0
    for component in _components(choices):
        cyclic = len(component) > 1 or any(
            t == component[0] for b in choices[component[0]].values() for _, t, _ in b
        )
        if not cyclic:
            update(component[0], measured=False)
            continue
        for _ in range(MAX_SWEEPS):
            change = max(update(node) for node in component)
            if change <= TOLERANCE:
                break
        residual = max(residual, change)

    def odds(goal: str, k: int) -> Odds:
        path = (
            _path(scenario, keys, choices, lambda b: worth(b, best), k, moves)
            if best[0][k] > 0
            else ()
        )
        return Odds(goal, best[0][k], rand[0][k], path)

    return BestPlay(
        run.side,
        tuple(odds(e, i) for i, e in enumerate(endings)),
        odds(VICTORY, goals - 1) if won else None,
        residual,
    )


def _path(
    scenario: Scenario,
    keys: list[StateKey | None],
    choices: Choices,
    worth: Callable[[list[Branch]], list[float]],
    k: int,
    limit: int,
) -> tuple[Move, ...]:
    """The best strategy for goal ``k``: its decisions along its most likely path, the first
    choice offered winning a tie."""
    path: list[Move] = []
    node = 0
    seen: set[int] = set()
    while len(path) < limit and node >= 0 and node not in seen:
        seen.add(node)
        options = choices[node]
        if not options:
            break
        action: str | None = None
        branches: list[Branch] = []
        top = -1.0
        for name, option in options.items():
            value = worth(option)[k]
            if value > top + 1e-9:
                action, branches, top = name, option, value
        key = keys[node]
        if key is not None and action is not None:
            choice = scenario.phases[key[0]].choice(action)
            path.append(Move(key[0], action, choice.label if choice else action))
        likely: dict[int, float] = defaultdict(float)
        for p, target, _ in branches:
            likely[target] += p  # -1: the game ends (or fails) here
        if not likely:
            break
        node = max(likely, key=lambda t: likely[t])
    return tuple(path)


def _components(graph: Choices) -> Iterator[list[int]]:
    """Strongly connected components, each after every component it leads to (Tarjan's
    algorithm without recursion: a long story must not hit Python's recursion limit)."""
    size = len(graph)
    number = [-1] * size
    low = [0] * size
    on_stack = [False] * size
    stack: list[int] = []
    counter = 0

    def successors(node: int) -> list[int]:
        return [t for b in graph[node].values() for _, t, _ in b if t >= 0]

    for root in range(size):
        if number[root] >= 0:
            continue
        work: list[tuple[int, Iterator[int]]] = [(root, iter(successors(root)))]
        number[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, children = work[-1]
            for child in children:
                if number[child] < 0:
                    number[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack[child] = True
                    work.append((child, iter(successors(child))))
                    break
                if on_stack[child]:
                    low[node] = min(low[node], number[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == number[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack[member] = False
                        component.append(member)
                        if member == node:
                            break
                    yield component
