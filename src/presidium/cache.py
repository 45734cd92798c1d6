"""A cache of compiled scenarios, so that a large file is compiled once, not on every run.

An entry is keyed by the file's bytes and name, this presidium's version and source code, and
the Python version, so any change to any of them makes a new entry. Entries are written
atomically. They are read with an unpickler that admits only presidium's own classes (and
the makers of ``maker``, which make only the model's objects), and what it builds is checked
field by field and id by id, so a damaged or tampered entry fails to load (and is ignored,
the file compiled again) instead of running anything or crashing later.

``PRESIDIUM_NO_CACHE=1`` turns the cache off; ``PRESIDIUM_CACHE_DIR`` moves it (by default it
lives in ``$XDG_CACHE_HOME/presidium``, usually ``~/.cache/presidium``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import operator
import os
import pickle
import re
import sys
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from presidium import __version__
from presidium.bounded import open_regular


def cache_dir() -> Path | None:
    if os.environ.get("PRESIDIUM_NO_CACHE"):
        return None
    explicit = os.environ.get("PRESIDIUM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "presidium"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of presidium's own source: a changed compiler never reads an old entry."""
    digest = hashlib.sha256()
    package = os.path.dirname(os.path.realpath(__file__))
    found = [  # os.walk and open, not Path.rglob and read_bytes: a third of the time
        os.path.join(folder, name)
        for folder, _, names in os.walk(package)
        for name in names
        if name.endswith(".py")
    ]
    for path in sorted(found):
        with open(path, "rb") as source:
            digest.update(source.read())
    return digest.hexdigest()


def entry_path(data: bytes, name: str) -> Path | None:
    """Where the compilation of this file (its bytes and name) is cached; None with no cache."""
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256()
    for part in (__version__, _code_digest(), sys.version, name):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(data)
    return folder / f"{digest.hexdigest()}.pickle"


@lru_cache(maxsize=1)
def _allowed() -> frozenset[tuple[str, str]]:
    """Exactly the classes and rebuilders a compiled scenario is made of; nothing else loads."""
    from presidium import model

    names = {("builtins", "set"), ("builtins", "frozenset")}
    names |= {  # a class with a span only through its maker, which checks the span
        ("presidium.model", n)
        for n, v in vars(model).items()
        if dataclasses.is_dataclass(v) and model.MAKER + n not in model.MAKES
    }
    names |= {("presidium.cache", n) for n in model.MAKES}
    names |= {("presidium.diagnostics", n) for n in ("Diagnostic", "_span")}
    names |= {
        ("presidium.conditions", n) for n in ("VarType", "Scope", "_recompile", "_recompile_effect")
    }
    return frozenset(names)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _allowed():
            if module == __name__:
                return maker(name)  # written when first needed
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a presidium cache entry")


def maker(name: str) -> Callable[..., Any]:
    """The maker called ``name`` (``model.MAKER`` and a model class that has a span):
    ``made(file, line, col, *others)`` gives the object whose span is that place and whose
    other fields are ``others``, in the order of ``fields()``. It is written the first time it
    is asked for, from the class's field names (never from an entry), and kept as this
    module's attribute of that name, where ``pickle`` looks a function up.

    A made object is what the class's ``__init__`` would make (every field is given), in one
    call instead of two: a dispatch and then ``__init__`` took two thirds of the time of
    loading a large story from the cache. The span's parts are checked as it is made, which
    ``_test`` relies on."""
    from presidium.diagnostics import SourceSpan
    from presidium.model import MAKES

    made: Callable[..., Any] | None = globals().get(name)
    if made is not None:
        return made
    cls = MAKES[name]  # KeyError for anything else: the model's classes only
    others = [f.name for f in dataclasses.fields(cls) if f.name != "span"]
    parameters = ", ".join(["file", "line", "col", *(f"a{n}" for n in range(len(others)))])
    body = [
        "if type(file) is not str or type(line) is not int or type(col) is not int:",
        "    raise TypeError('a source span is a file name and two numbers')",
        "o = _new(cls_)",
        *(f"o.{field} = a{n}" for n, field in enumerate(others)),
        "o.span = _new_tuple(SourceSpan, (file, line, col))",
        "return o",
    ]
    source = f"def {name}({parameters}):\n" + "".join(f"    {line}\n" for line in body)
    scope: dict[str, Any] = {
        "cls_": cls,
        "_new": object.__new__,
        "_new_tuple": tuple.__new__,
        "SourceSpan": SourceSpan,
    }
    exec(compile(source, f"<cache maker of {cls.__name__}>", "exec"), scope)
    made = scope[name]
    made.__module__ = __name__
    globals()[name] = made
    return made


def load(data: bytes, name: str) -> Any | None:
    """The cached compilation of this file, or None when there is none (or it is unusable)."""
    entry = entry_path(data, name)
    return None if entry is None else load_entry(entry)


def load_entry(entry: Path) -> Any | None:
    """The compilation cached at ``entry`` (from ``entry_path()``), or None when it is unusable."""
    from presidium.conditions import forget_recompiled
    from presidium.model import paused_gc

    try:  # never blocks on a FIFO, never reads a device: an entry is a regular file
        with paused_gc(), open_regular(entry) as handle:
            value = _read(handle)
            return value if value is not None and well_formed(value) else None
    except Exception:  # damaged, stale or foreign in any way: no entry, compile afresh
        return None
    finally:
        forget_recompiled()


PHASES_PER_PART = 1000  # a larger scenario's phases are written in parts of this many


def _read(handle: BinaryIO) -> tuple[Any, Any] | None:
    """An entry's (scenario, diagnostics): one pickle, or for a large scenario its phases
    in parts (each a pickle of a tuple of phases) and then one of the rest.

    While a pickle loads, the unpickler holds every object it has made, and also the
    arguments of each constructor it called; those are as large again as the objects, and
    the memory they took stays with the process once freed. Parts keep that to one part's.
    """
    from presidium.model import Phase, Scenario

    phases: dict[str, Any] = {}
    while True:
        item = _Unpickler(handle).load()
        if type(item) is tuple and len(item) == 2 and type(item[0]) is Scenario:
            break
        if type(item) is not tuple or not all(type(phase) is Phase for phase in item):
            return None
        for phase in item:
            if phase.id in phases:
                return None
            phases[phase.id] = phase
    scenario, diagnostics = item
    if handle.read(1):  # nothing may follow
        return None
    if phases:
        if scenario.phases:  # in parts or in the scenario, never both
            return None
        scenario = dataclasses.replace(scenario, phases=phases)
    return scenario, diagnostics


def _write(value: tuple[Any, Any], out: BinaryIO) -> None:
    """Write what ``_read`` reads."""
    scenario, diagnostics = value
    phases = list(scenario.phases.values())
    if len(phases) > PHASES_PER_PART:
        for start in range(0, len(phases), PHASES_PER_PART):
            part = tuple(phases[start : start + PHASES_PER_PART])
            pickle.dump(part, out, protocol=pickle.HIGHEST_PROTOCOL)
        scenario = dataclasses.replace(scenario, phases={})
    pickle.dump((scenario, diagnostics), out, protocol=pickle.HIGHEST_PROTOCOL)


def well_formed(value: Any) -> bool:
    """Is ``value`` a (scenario, diagnostics) pair the compiler could have made?

    The unpickler admits only presidium's classes, but those can still be put together in
    ways the compiler never would: a start phase that does not exist, a set where a mapping
    belongs, text where a number belongs, a vote's tally used in a scene's condition. Every
    field is checked against its declared type, every id the game looks up against what it
    names, and every expression's names against the scenario's; anything else is a cache miss.
    """
    from presidium import model as m
    from presidium.diagnostics import Diagnostic

    if not (isinstance(value, tuple) and len(value) == 2):
        return False
    scenario, diagnostics = value
    if not isinstance(diagnostics, list) or not all(
        isinstance(d, Diagnostic) and d.severity == "warning" for d in diagnostics
    ):
        return False
    scopes: list[tuple[str, Any]] = []
    return (
        isinstance(scenario, m.Scenario)
        and _typed(scenario, scopes)
        and all(_typed(d, scopes) for d in diagnostics)
        and _linked(scenario)
        and _scopes_fit(scenario, scopes)
    )


def _typed(root: Any, scopes: list[tuple[str, Any]]) -> bool:
    """Every field of every dataclass reachable from ``root`` holds what its annotation says;
    the scope of each expression met is added to ``scopes``, with the role of its place."""
    kind: type = type(root)
    return _check_of(kind)(root, scopes)


Check = Callable[[Any, list[tuple[str, Any]]], bool]

# Where an expression may name more than the scenario's variables; everywhere else it may not.
_ROLES = {
    ("Vote", "passes"): "tally",
    ("VoteRule", "when"): "voter",
    ("Objective", "when"): "objective",
}


@cache
def _check_of(cls: type) -> Check:
    """A test of one instance of the dataclass ``cls``, made from its annotations.

    It is written out as one small function per class (the annotations spelled as ``type(x)
    is str``, ``all(...)`` and so on), because a scenario of ten thousand phases has a million
    fields and a call per field would cost more than loading the entry. The source is built
    from presidium's own annotations only, never from the entry. A field that holds a
    dataclass is checked by that class's own test, called from this one.

    The model's annotations never lead from a class back to itself (``_building`` makes sure),
    so neither do the values that pass: a damaged entry that loops fails a test instead of
    sending it round for ever, and no object is tested deeper than the model's classes nest.
    An object that the entry shares is tested where it is met each time; the compiler shares
    only compiled expressions, and their test is a type check.
    """
    if cls in _building:
        raise TypeError(f"{cls.__name__} contains itself; the cache's tests cannot recurse")
    _building.add(cls)
    try:
        return _compile_check(cls)
    finally:
        _building.discard(cls)


_building: set[type] = set()


def _compile_check(cls: type) -> Check:
    names: dict[str, Any] = {"cls_": cls}
    hints = _hints(cls)
    tests = [
        _test(f"o.{f.name}", hints[f.name], names, _ROLES.get((cls.__name__, f.name), "plain"))
        for f in dataclasses.fields(cls)
    ]
    own = "type(o) is cls_"  # so a tuple of them is tested by map()
    source = "def check(o, scopes):\n    return " + " and ".join([own, *tests]) + "\n"
    exec(compile(source, f"<cache check of {cls.__name__}>", "exec"), names)
    check: Check = names["check"]
    return check


def _hints(cls: type) -> dict[str, Any]:
    """``typing.get_type_hints(cls)`` for a model class, whose annotations are strings in its
    own module (``from __future__ import annotations``): each distinct string is evaluated
    once for all the classes (``get_type_hints`` compiles every one anew, which was most of
    the time it took to make the tests at each start)."""
    hints = {}
    for klass in reversed(cls.__mro__):  # each annotation in the module that declares it
        for name, hint in vars(klass).get("__annotations__", {}).items():
            hints[name] = _evaluated(hint, klass.__module__) if isinstance(hint, str) else hint
    return hints


@cache
def _evaluated(annotation: str, module: str) -> Any:
    """One annotation of presidium's own source (never a scenario's text), evaluated."""
    import sys

    return eval(annotation, vars(sys.modules[module]))


def _test(value: str, hint: Any, names: dict[str, Any], role: str) -> str:
    """A Python expression that is true when ``value`` (an expression) fits ``hint``."""
    import types
    import typing
    from collections.abc import Mapping

    from presidium.conditions import Compiled, CompiledEffect
    from presidium.diagnostics import SourceSpan

    def name(obj: Any) -> str:
        key = f"_{len(names)}"
        names[key] = obj
        return key

    def variable() -> str:
        key = f"x{len(names)}"
        names[key] = None
        return key

    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        rest = [option for option in args if option is not type(None)]
        if all(option in (int, str, bool) for option in rest):
            test = f"type({value}) in {name(frozenset(rest))}"
        else:
            test = " or ".join(f"({_test(value, option, names, role)})" for option in rest)
        return f"({value} is None or {test})" if len(rest) < len(args) else f"({test})"
    if hint is Any:
        return "True"
    if origin is typing.Literal:  # a diagnostic's severity: one of the values, of their type
        kinds = frozenset(type(option) for option in args)
        return f"(type({value}) in {name(kinds)} and {value} in {name(frozenset(args))})"
    if hint in (int, str, bool, float):
        return f"type({value}) is {hint.__name__}"  # a bool is not a number, nor the reverse
    if hint is SourceSpan:
        # An entry's spans are made only by the makers (``maker``) and ``diagnostics._span``
        # (the unpickler admits no other way to make one), which check their parts as they
        # make them, and a tuple never changes: its type is all there is left to check.
        return f"type({value}) is {name(SourceSpan)}"
    if hint in (Compiled, CompiledEffect):
        # Only their source and scope are pickled, and loading compiles them again: what they
        # hold is the compiler's own work, once their scope is known to be the scenario's.
        return (
            f"(type({value}) is {name(hint)} and scopes.append(({role!r}, {value}.scope)) is None)"
        )
    if origin in (tuple, frozenset, set):
        kind = f"isinstance({value}, {'tuple' if origin is tuple else '(set, frozenset)'})"
        item = args[0]
        if item in (int, str, bool, float):  # one set of the items' types, made in C
            return f"({kind} and {{*map(type, {value})}} <= {name(frozenset([item]))})"
        if item in (Compiled, CompiledEffect):  # their types, then their scopes, all in C
            scopes = f"zip({name(itertools.repeat)}({role!r}), map({name(_SCOPE)}, {value}))"
            return (
                f"({kind} and {{*map(type, {value})}} <= {name(frozenset([item]))}"
                f" and scopes.extend({scopes}) is None)"
            )
        if _is_model(item):  # a call an item, from C; nothing at all for none (the most usual)
            each = f"map({name(_check_of(item))}, {value}, {name(itertools.repeat)}(scopes))"
            return f"({kind} and (not {value} or all({each})))"
        x = variable()
        return f"({kind} and all({_test(x, item, names, role)} for {x} in {value}))"
    if origin in (dict, Mapping):
        k, v = variable(), variable()
        return (
            f"(type({value}) is dict and all({_test(k, args[0], names, role)} and "
            f"{_test(v, args[1], names, role)} for {k}, {v} in {value}.items()))"
        )
    if origin is Callable or hint is Callable:
        return f"callable({value})"
    if _is_model(hint):
        return f"{name(_check_of(hint))}({value}, scopes)"  # its test checks its type first
    return "False"


_SCOPE = operator.attrgetter("scope")


def _is_model(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def _linked(s: Any) -> bool:
    """Every id the game follows names something that exists, and every word it reads is one
    it knows."""
    from presidium import model as m

    seats = set(s.sides) | set(s.actors)
    tables = (s.sources, s.sides, s.actors, s.variables, s.votes, s.phases, s.endings)
    if any(item.id != key for table in tables for key, item in table.items()):
        return False
    named = (s.sources, s.sides, s.actors, s.votes, s.phases, s.endings, s.stances)
    ids = [s.id, *(key for table in named for key in table)]
    ids += [c.id for phase in s.phases.values() for c in phase.choices]
    if not _all_ids(ids):
        return False
    if s.start not in s.phases or s.historical_ending not in (None, *s.endings):
        return False
    for actor in s.actors.values():
        if actor.rank not in m.RANKS or (s.stances and actor.stance not in s.stances):
            return False
    cited = [a.sources for a in s.actors.values()]
    targets: list[str] = []
    dates = [phase.date for phase in s.phases.values() if phase.date is not None]
    seats_or_none, votes_or_none = {None, *seats}, {None, *s.votes}
    for phase in s.phases.values():  # (a large story's phases: no work that is not needed)
        if phase.by not in seats_or_none or phase.vote not in votes_or_none:
            return False
        choices = {c.id for c in phase.choices}
        if phase.history is not None and phase.history not in choices:
            return False
        if not phase.choices and not phase.next:
            return False
        if phase.script and any(rule.choose not in choices for rule in phase.script):
            return False
        for c in phase.choices:
            if (c.outcome is None) == (c.chance is None):
                return False
            for o in c.outcomes():
                targets += [b.target for b in o.next]
        targets += [b.target for b in phase.next]
        cited.append(phase.sources)
        if phase.notes:
            cited += [n.sources for n in phase.notes]
            if any(n.confidence not in m.CONFIDENCE for n in phase.notes):
                return False
    for ending in s.endings.values():
        if ending.kind not in m.ENDING_KINDS:
            return False
        for fate in ending.fates:
            if fate.actor not in s.actors or fate.confidence not in (None, *m.CONFIDENCE):
                return False
        cited += [ending.sources, *(f.sources for f in ending.fates)]
    for vote in s.votes.values():
        if any(v not in s.actors for v in vote.voters):
            return False
        for rule in vote.rules:
            if rule.vote not in m.VOTES or any(a not in s.actors for a in rule.actors):
                return False
        if any(not set(bloc.counts) <= set(m.VOTES) for bloc in vote.blocs):
            return False
        cited.append(vote.sources)
    for item in s.status:
        if item.variable not in (None, *s.variables) or item.rank not in (None, *m.RANKS):
            return False
    if not all(_value_fits(v) for v in s.variables.values()) or not all(map(_date, dates)):
        return False
    if not _classroom_linked(s, cited):
        return False
    return (
        all(source.grade in m.GRADES for source in s.sources.values())
        and set(targets) <= s.phases.keys() | s.endings.keys()
        and set().union(*cited) <= s.sources.keys()
    )


def _all_ids(ids: list[str]) -> bool:
    """Each of ``ids`` (strings) is an id as the compiler accepts one (``model.ID``): the
    lines of one text, matched at once rather than an id at a time (a large story has tens
    of thousands); an id with a line break of its own would add a line."""
    lines = "\n".join(ids)
    return lines.count("\n") == len(ids) - 1 and _ids_pattern().fullmatch(lines) is not None


@cache
def _ids_pattern() -> re.Pattern[str]:
    from presidium.model import ID

    one = ID.pattern.removesuffix(r"\Z")
    return re.compile(f"{one}(?:\n{one})*")


def _classroom_linked(s: Any, cited: list[Any]) -> bool:
    """The format-2 parts name what exists, and only words the game knows (``cited`` gains
    their sources)."""
    from presidium import model as m

    phases = set(s.phases)
    for vote in s.votes.values():
        if vote.ballot not in m.BALLOT_KINDS or vote.missing not in m.MISSING_RULES:
            return False
        if not set(vote.by_rules) <= set(vote.voters):
            return False
        if any(b not in m.VOTES or t not in s.stances for b, t in vote.stance_after):
            return False
        if vote.delegates is not None and (
            vote.delegates.role not in s.roles
            or vote.delegates.bloc not in {b.id for b in vote.blocs}
            or not 1 <= vote.delegates.share <= 100
        ):
            return False
    if any(p.consult not in (None, "side") for p in s.phases.values()):
        return False
    room = s.classroom
    if room is not None and (
        any(item.phase not in phases for item in room.agenda)
        or any(stance not in s.stances for stance in room.stance_line)
    ):
        return False
    for rid, role in s.roles.items():
        if role.id != rid or not m.ID.match(rid) or role.actor not in (None, *s.actors):
            return False
        if role.side not in (None, *s.sides) or not set(role.can) <= set(m.BUILT_INS):
            return False
        if any(o.kind not in m.OBJECTIVE_KINDS for o in role.objectives):
            return False
        for known in role.knows:
            if known.at not in (None, *phases) or known.confidence not in (None, *m.CONFIDENCE):
                return False
            cited.append(known.sources)
        for move in role.moves:
            if not set(move.window) <= phases or (move.outcome is None) == (move.chance is None):
                return False
            sure = (move.outcome,) if move.outcome else (move.chance.success, move.chance.failure)
            if any(outcome.next for outcome in sure):
                return False
            cited.append(move.sources)
    for iid, injection in s.injections.items():
        if injection.id != iid or not m.ID.match(iid) or injection.vote not in (None, *s.votes):
            return False
        if not set(injection.window) <= phases:
            return False
        cited.append(injection.sources)
    return True


def _value_fits(variable: Any) -> bool:
    """A variable starts with a value of its own type, inside its range."""
    from presidium.conditions import BOOL, INT

    kind, value = variable.type, variable.initial
    if kind.kind == INT:
        low, high = kind.minimum, kind.maximum
        return (
            type(value) is int and (low is None or low <= value) and (high is None or value <= high)
        )
    if kind.kind == BOOL:
        return type(value) is bool
    if kind.kind != "enum" or not set(variable.labels) <= set(kind.values):
        return False
    return value in kind.values or (not kind.values and value == "")  # a stance, with none declared


def _date(iso: str) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def _scopes_fit(s: Any, scopes: list[tuple[str, Any]]) -> bool:
    """Each expression was compiled against the names the game gives it where it stands: the
    scenario's variables everywhere, the tally too in a vote's 'passes', the voter too in a
    vote rule. Expressions share a few scopes, so each is compared once."""
    from presidium.conditions import INT, Scope, VarType
    from presidium.objective_scope import objective_names

    variables = {k: v.type for k, v in s.variables.items()}
    ranks: dict[str, tuple[str, ...]] = {}
    for actor in s.actors.values():
        ranks[actor.rank] = (*ranks.get(actor.rank, ()), actor.id)
    stances = tuple(s.stances)
    tally = {k: VarType(INT) for k in ("votes_for", "votes_against", "abstentions")}
    voter = {"stance": VarType("enum", stances)}
    objective = objective_names(stances, s.endings, s.votes, None, None)
    done: set[tuple[str, int]] = set()
    for role, scope in scopes:
        if (role, id(scope)) in done:
            continue
        done.add((role, id(scope)))
        if not (
            type(scope) is Scope
            and scope.variables == variables
            and dict(scope.ranks) == ranks
            and tuple(scope.stances) == stances
            and (
                dict(scope.extra) in ({}, *((tally,) if role == "tally" else ()))
                or (
                    role == "objective"
                    and all(objective.get(k) == v for k, v in scope.extra.items())
                )
            )
            and scope.voter_attributes in (None, *((voter,) if role == "voter" else ()))
        ):
            return False
    return True


def store(data: bytes, name: str, value: Any) -> None:
    """Save a compilation; any failure (read-only home, full disk) is silently a cache miss."""
    entry = entry_path(data, name)
    if entry is None:
        return
    import tempfile  # here, not at the top: a run that only reads the cache never needs it

    with contextlib.suppress(OSError, pickle.PicklingError, RecursionError, TypeError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                _write(value, out)
            os.replace(temporary, entry)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
