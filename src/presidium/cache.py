"""A cache of compiled scenarios, so that a large file is compiled once, not on every run.

An entry is keyed by the file's bytes and name, this presidium's version and source code, and
the Python version, so any change to any of them makes a new entry. Entries are written
atomically. They are read with an unpickler that admits only presidium's own classes, and
what it builds is checked field by field and id by id, so a damaged or tampered entry fails to
load (and is ignored, the file compiled again) instead of running anything or crashing later.

``PRESIDIUM_NO_CACHE=1`` turns the cache off; ``PRESIDIUM_CACHE_DIR`` moves it (by default it
lives in ``$XDG_CACHE_HOME/presidium``, usually ``~/.cache/presidium``).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from presidium import __version__


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
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _entry(data: bytes, name: str) -> Path | None:
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
    import dataclasses

    from presidium import model

    names = {("builtins", "set"), ("builtins", "frozenset")}
    names |= {("presidium.model", n) for n, v in vars(model).items() if dataclasses.is_dataclass(v)}
    names |= {("presidium.diagnostics", n) for n in ("Diagnostic", "_span")}
    names |= {
        ("presidium.conditions", n) for n in ("VarType", "Scope", "_recompile", "_recompile_effect")
    }
    return frozenset(names)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _allowed():
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a presidium cache entry")


def load(data: bytes, name: str) -> Any | None:
    """The cached compilation of this file, or None when there is none (or it is unusable)."""
    from presidium.conditions import forget_recompiled

    entry = _entry(data, name)
    if entry is None:
        return None
    was_enabled = gc.isenabled()
    gc.disable()  # tens of thousands of new objects and no cycles: see loader.paused_gc
    try:
        with entry.open("rb") as handle:
            value = _Unpickler(handle).load()
        return value if well_formed(value) else None
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ):
        return None
    except Exception:
        return None
    finally:
        if was_enabled:
            gc.enable()
        forget_recompiled()


def well_formed(value: Any) -> bool:
    """Is ``value`` a (scenario, diagnostics) pair the compiler could have made?

    The unpickler admits only presidium's classes, but those can still be put together in
    ways the compiler never would: a start phase that does not exist, a set where a mapping
    belongs, text where a number belongs. Every field is checked against its declared type,
    and every id the game looks up against what it names; anything else is a cache miss.
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
    return (
        isinstance(scenario, m.Scenario)
        and _typed(scenario)
        and all(_typed(d) for d in diagnostics)
        and _linked(scenario)
    )


def _typed(root: Any) -> bool:
    """Every field of every dataclass reachable from ``root`` holds what its annotation says."""
    stack, seen = [root], {id(root)}
    while stack:
        item = stack.pop()
        found: list[Any] = []
        kind: type = type(item)
        for name, check in _fields(kind):
            if not check(getattr(item, name), found):
                return False
        for child in found:
            if id(child) not in seen:  # expressions share one scope: check it once
                seen.add(id(child))
                stack.append(child)
    return True


Check = Callable[[Any, list[Any]], bool]


@cache
def _fields(cls: type) -> tuple[tuple[str, Check], ...]:
    import dataclasses
    import typing

    hints = typing.get_type_hints(cls)
    return tuple((f.name, _checker(hints[f.name])) for f in dataclasses.fields(cls))


def _checker(hint: Any) -> Check:
    """A test that a value fits ``hint``; dataclasses met on the way are added to the list."""
    import dataclasses
    import types
    import typing
    from collections.abc import Mapping

    from presidium.diagnostics import SourceSpan

    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [_checker(option) for option in args]
        return lambda v, found: any(check(v, found) for check in options)
    if hint is Any:
        return lambda v, found: True
    if hint is type(None):
        return lambda v, found: v is None
    if hint is SourceSpan:
        return lambda v, found: (
            type(v) is SourceSpan and type(v.file) is str and type(v.line) is type(v.col) is int
        )
    if hint in (int, str, bool):
        return lambda v, found: type(v) is hint  # a bool is not a number here, nor the reverse
    if origin in (tuple, frozenset, set):
        item = _checker(args[0])
        kind = tuple if origin is tuple else (set, frozenset)
        return lambda v, found: isinstance(v, kind) and all(item(x, found) for x in v)
    if origin in (dict, Mapping):
        key, val = _checker(args[0]), _checker(args[1])
        return lambda v, found: (
            type(v) is dict and all(key(k, found) and val(x, found) for k, x in v.items())
        )
    if origin is Callable or hint is Callable:
        return lambda v, found: callable(v)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):

        def check(v: Any, found: list[Any]) -> bool:
            if type(v) is not hint:
                return False
            found.append(v)
            return True

        return check
    return lambda v, found: False


def _linked(s: Any) -> bool:
    """Every id the game follows names something that exists."""
    seats = set(s.sides) | set(s.actors)
    tables = (s.sources, s.sides, s.actors, s.variables, s.votes, s.phases, s.endings)
    if any(item.id != key for table in tables for key, item in table.items()):
        return False
    if s.start not in s.phases or s.historical_ending not in (None, *s.endings):
        return False
    cited = [a.sources for a in s.actors.values()]
    targets = []
    for phase in s.phases.values():
        choices = {c.id for c in phase.choices}
        if phase.by not in (None, *seats) or phase.vote not in (None, *s.votes):
            return False
        if phase.history not in (None, *choices) or any(
            r.choose not in choices for r in phase.script
        ):
            return False
        if not phase.choices and not phase.next:
            return False
        outcomes = [o for c in phase.choices for o in c.outcomes()] if phase.choices else []
        targets += [b.target for o in outcomes for b in o.next] + [b.target for b in phase.next]
        cited += [phase.sources, *(n.sources for n in phase.notes)]
    for ending in s.endings.values():
        if any(f.actor not in s.actors for f in ending.fates):
            return False
        cited += [ending.sources, *(f.sources for f in ending.fates)]
    for vote in s.votes.values():
        if any(v not in s.actors for v in vote.voters):
            return False
        cited.append(vote.sources)
    for item in s.status:
        if item.variable not in (None, *s.variables):
            return False
    return all(t in s.phases or t in s.endings for t in targets) and all(
        source in s.sources for group in cited for source in group
    )


def store(data: bytes, name: str, value: Any) -> None:
    """Save a compilation; any failure (read-only home, full disk) is silently a cache miss."""
    entry = _entry(data, name)
    if entry is None:
        return
    with contextlib.suppress(OSError, pickle.PicklingError, RecursionError, TypeError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
