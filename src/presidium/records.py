"""``record``: a dataclass that is cheap to define and cheap to build.

The engine builds several events and a trail entry for every choice, and a tool exploring a
story builds snapshots by the hundred thousand. A ``@dataclass(frozen=True)`` assigns each field
through ``object.__setattr__`` (about five times the cost of a plain attribute) and compiles six
methods per class when the module is imported (``presidium.events`` alone has some forty).

A record is a real dataclass (``fields``, ``asdict``, ``replace`` and ``is_dataclass`` work on
it; equality, hashing, ``repr`` and the instance's attributes are as a frozen dataclass's), but:

- its ``__init__`` assigns plain attributes, and is compiled the first time the class is
  built, so a class never built in a run costs no compiling at all;
- equality, hashing and ``repr`` are shared functions reading the class's field names
  (honouring each field's ``compare``, ``hash`` and ``repr``);
- ``@record(slots=True)`` gives it ``__slots__`` as ``dataclass(slots=True)`` does (the
  model's classes, loaded by the hundred thousand from the cache, are such records);
- it is read-only by convention: the type checker treats every record as frozen (so no code
  of ours can assign to one), but nothing stops an assignment at run time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator


T = TypeVar("T", bound=type)

_MISSING = dataclasses.MISSING


@overload
def record(cls: T, /) -> T: ...
@overload
def record(*, slots: bool = False) -> Callable[[T], T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: T | None = None, /, *, slots: bool = False) -> T | Callable[[T], T]:
    """Make ``cls`` a record (see the module's docstring); ``@record(slots=True)`` gives it
    ``__slots__``, as ``dataclass(slots=True)`` does, for classes made by the thousand."""
    if cls is None:
        return lambda cls: _made(cls, slots)
    return _made(cls, slots)


def _made(given: T, slots: bool) -> T:
    if not given.__dict__.get("__doc__"):
        # Else dataclass() writes one from the class's signature, through ``inspect``, at a
        # cost; an empty one would not stop it.
        given.__doc__ = given.__name__
    # The same class with fields (with slots, a new class, as dataclass() makes it).
    cls: T = dataclasses.dataclass(init=False, repr=False, eq=False, slots=slots)(given)  # type: ignore[assignment]  # typeshed: type[Never]
    fields = dataclasses.fields(cls)
    compared = tuple(f.name for f in fields if f.compare)
    hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
    cls._record_key = staticmethod(_getter(compared))  # type: ignore[attr-defined]
    cls._record_hash = staticmethod(_getter(hashed))  # type: ignore[attr-defined]
    cls._record_shown = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
    cls.__init__ = _first_init(cls)  # type: ignore[misc]
    cls.__eq__ = _eq  # type: ignore[assignment,method-assign]
    cls.__hash__ = _hash  # type: ignore[assignment,method-assign]
    cls.__repr__ = _repr  # type: ignore[assignment,method-assign]
    return cls


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of ``names`` of an object, as a tuple (``attrgetter`` gives a lone value
    for a single name)."""
    if len(names) > 1:
        return attrgetter(*names)
    if not names:
        return lambda obj: ()
    get = attrgetter(names[0])
    return lambda obj: (get(obj),)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self._record_key
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._record_hash(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_shown)
    return f"{self.__class__.__qualname__}({shown})"


def _first_init(cls: type) -> Callable[..., None]:
    """An ``__init__`` that compiles the class's real one, puts it in its place and calls it."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init = _compile_init(cls)
        cls.__init__ = init  # type: ignore[misc]
        init(self, *args, **kwargs)

    return __init__


def _compile_init(cls: type) -> Callable[..., None]:
    """The ``__init__`` dataclass() would write for ``cls``, with plain assignments: the same
    parameters, defaults and factories, and every field set in the order of ``fields()``.
    As in ``dataclasses`` itself, the source is made from the names of our own classes'
    fields (Python identifiers), never from a scenario, a save or anything typed."""
    fields = dataclasses.fields(cls)
    scope: dict[str, Any] = {"_MISSING": _MISSING}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for n, f in enumerate(fields):
        default = f"_default_{n}"
        if f.default is not _MISSING:
            scope[default] = f.default
        elif f.default_factory is not _MISSING:
            scope[default] = f.default_factory
        if not f.init:  # as dataclass(): a plain default stays on the class, unassigned
            if f.default_factory is not _MISSING:
                body.append(f"self.{f.name} = {default}()")
            continue
        if f.default is not _MISSING:
            parameter = f"{f.name}={default}"
        elif f.default_factory is not _MISSING:
            parameter = f"{f.name}=_MISSING"
            body.append(f"if {f.name} is _MISSING: {f.name} = {default}()")
        else:
            parameter = f.name
        (keyword if f.kw_only else positional).append(parameter)
        body.append(f"self.{f.name} = {f.name}")
    parameters = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    source = f"def __init__({parameters}):\n" + "".join(
        f"    {line}\n" for line in body or ["pass"]
    )
    exec(compile(source, f"<record {cls.__module__}.{cls.__qualname__}>", "exec"), scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
