"""Records: dataclasses that are cheap to define and build, and otherwise behave as frozen ones."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from presidium import events as ev
from presidium.records import record


@dataclass(frozen=True)
class FrozenBase:
    kind: str = field(init=False, default="base")
    to: tuple[str, ...] = field(default=(), kw_only=True)


@dataclass(frozen=True)
class Frozen(FrozenBase):
    name: str
    count: int
    notes: list[str] = field(default_factory=list, hash=False)
    hidden: int = field(default=0, repr=False, compare=False)
    kind: str = field(init=False, default="frozen")


@record
class RecordBase:
    kind: str = field(init=False, default="base")
    to: tuple[str, ...] = field(default=(), kw_only=True)


@record
class Record(RecordBase):
    name: str
    count: int
    notes: list[str] = field(default_factory=list, hash=False)
    hidden: int = field(default=0, repr=False, compare=False)
    kind: str = field(init=False, default="frozen")


def test_a_record_is_built_as_a_frozen_dataclass_is() -> None:
    made = [
        (Frozen("a", 1), Record("a", 1)),
        (Frozen("a", 1, ["x"], 5, to=("t",)), Record("a", 1, ["x"], 5, to=("t",))),
        (Frozen(count=2, name="b"), Record(count=2, name="b")),
    ]
    for frozen, rec in made:
        assert vars(frozen) == vars(rec)
        assert list(vars(frozen)) == list(vars(rec))  # the same attributes, in the same order
        assert dataclasses.asdict(frozen) == dataclasses.asdict(rec)
        assert repr(frozen).replace("Frozen", "Record") == repr(rec)
        assert hash(frozen) == hash(rec)
        assert dataclasses.is_dataclass(rec)
    assert [f.name for f in dataclasses.fields(Record)] == [
        f.name for f in dataclasses.fields(Frozen)
    ]
    assert Record.__match_args__ == Frozen.__match_args__
    assert Record("a", 1).notes is not Record("a", 1).notes  # a fresh list from the factory


def test_records_compare_and_hash_by_their_compared_fields() -> None:
    assert Record("a", 1) == Record("a", 1, hidden=9)
    assert hash(Record("a", 1, to=("x",))) == hash(Record("a", 1, to=("x",), hidden=3))
    assert Record("a", 1) != Record("a", 2)
    assert Record("a", 1) != RecordBase()
    assert Record("a", 1) != ("frozen", (), "a", 1, [])
    assert len({ev.Narration("x", False), ev.Narration("x", False), ev.Narration("y", False)}) == 2


def test_replace_and_pickle_give_equal_records() -> None:
    rec = Record("a", 1, ["x"], to=("t",))
    changed = dataclasses.replace(rec, count=2)
    assert (changed.count, changed.name, changed.to, changed.kind) == (2, "a", ("t",), "frozen")
    assert pickle.loads(pickle.dumps(rec)) == rec
    with pytest.raises(TypeError):
        Record("a")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Record("a", 1, kind="other")  # type: ignore[call-arg]


def test_events_are_what_they_were() -> None:
    """Each event class takes the same arguments and gives the same JSON as before."""
    phase = ev.PhaseStarted("p", "T", None, None, None, None, "text", False, None, False)
    assert phase.type == "phase" and phase.decision == "here"
    assert phase.to_dict() == {
        "type": "phase",
        "phase": "p",
        "title": "T",
        "date": None,
        "date_label": None,
        "time": None,
        "place": None,
        "text": "text",
        "counterfactual": False,
        "content_note": None,
        "has_notes": False,
        "decision": "here",
    }
    limit = ev.AtLimit("v", "V", "1", "1", "c", "choice", limit="lowest", to=("teacher",))
    assert limit.to_dict()["type"] == "at_limit" and limit.to_dict()["to"] == ["teacher"]
    assert dataclasses.replace(phase, decision="none").decision == "none"


@dataclass(frozen=True, slots=True)
class FrozenSlots:
    name: str
    count: int = 0
    notes: tuple[str, ...] = field(default=(), compare=False)


@record(slots=True)
class SlotRecord:
    name: str
    count: int = 0
    notes: tuple[str, ...] = field(default=(), compare=False)


def test_a_slots_record_holds_what_a_frozen_slots_dataclass_holds() -> None:
    """The model's classes are slots records: made by the hundred thousand from the cache,
    they must stay as small as a slots dataclass, and otherwise behave as one."""
    frozen, rec = FrozenSlots("a", 2, ("n",)), SlotRecord("a", 2, ("n",))
    assert SlotRecord.__slots__ == FrozenSlots.__slots__
    assert not hasattr(rec, "__dict__")
    assert dataclasses.astuple(rec) == dataclasses.astuple(frozen)
    assert repr(rec) == repr(frozen).replace("FrozenSlots", "SlotRecord")
    assert hash(rec) == hash(frozen)
    assert rec == SlotRecord("a", 2, ("other",))  # notes are not compared
    assert pickle.loads(pickle.dumps(rec)) == rec
    assert dataclasses.replace(rec, count=3).count == 3
    assert SlotRecord.__doc__  # given one, so that dataclass() need not work one out
