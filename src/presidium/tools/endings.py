"""``presidium endings``: which endings this player has reached, across games.

A game counts when a person plays it to its end: not ``--autoplay`` (nobody chose), not
``--json`` (a program at the other end), not ``presidium replay`` (a game already counted).
The record is a small JSON file in the data folder beside the saves, written atomically, so a
crash never leaves half of it. A record that cannot be read is never overwritten: the game
says so and leaves it for the player to look at, and ``presidium endings`` explains.

The endings not yet found are not named: their titles would give the story away. Which of
them is the historical one is said, since the game says that from the start. Each ending
reached says with which side it was reached; a record written before sides were kept has
counts without them, and reads as it did.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from presidium import catalog, saves
from presidium.bounded import NotRegularFile, TooLarge, read_regular
from presidium.errors import PresidiumError
from presidium.model import Scenario
from presidium.printable import clean, mid_sentence, quoted

FORMAT = "presidium-endings"
VERSION = 1
MAX_BYTES = 1024 * 1024  # a record a thousand scenarios long is a few tens of kilobytes
MAX_COUNT = 10**9


class RecordError(PresidiumError):
    """The endings record cannot be read or written; the message says why (exit 1)."""


@dataclass
class Record:
    """Per scenario id, how many games ended in each ending; and of those, per side played,
    how many (``sides``: scenario -> ending -> side -> count; absent from older records)."""

    reached: dict[str, dict[str, int]] = field(default_factory=dict)
    sides: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def add(self, scenario: str, ending: str, side: str | None = None) -> None:
        counts = self.reached.setdefault(scenario, {})
        counts[ending] = min(MAX_COUNT, counts.get(ending, 0) + 1)
        if side is not None:
            by_side = self.sides.setdefault(scenario, {}).setdefault(ending, {})
            by_side[side] = min(MAX_COUNT, by_side.get(side, 0) + 1)

    def to_json(self) -> str:
        body: dict[str, Any] = {"format": FORMAT, "version": VERSION, "reached": self.reached}
        if self.sides:
            body["sides"] = self.sides
        return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def record_path() -> Path:
    return saves.data_dir() / "endings.json"


def _damaged(path: Path, why: str) -> RecordError:
    return RecordError(
        f"the endings record '{path}' {why}; it is left as it is. Move it aside or delete it "
        "to start a new record"
    )


def read_record(path: Path | None = None) -> Record:
    """The record, or an empty one when there is none yet; ``RecordError`` when it is damaged."""
    path = record_path() if path is None else path
    try:
        data = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        return Record()
    except TooLarge:
        raise _damaged(path, "is far too large to be one") from None
    except NotRegularFile:
        raise _damaged(path, "is not a regular file") from None
    except OSError as exc:
        raise RecordError(f"cannot read the endings record '{path}': {exc.strerror}") from None
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _damaged(path, "is damaged or cut short") from None
    return _parse(body, path)


def _parse(body: Any, path: Path) -> Record:
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _damaged(path, f'is not an endings record (it has no "format": "{FORMAT}")')
    version = body.get("version")
    if type(version) is not int or version > VERSION or version < 1:
        raise _damaged(path, f"is format version {version!r}; this presidium reads {VERSION}")
    reached = body.get("reached")
    if type(reached) is not dict:
        raise _damaged(path, "has no list of endings reached")
    out: dict[str, dict[str, int]] = {}
    for scenario, counts in reached.items():
        if type(counts) is not dict or not all(
            type(n) is int and 0 < n <= MAX_COUNT for n in counts.values()
        ):
            raise _damaged(path, f"has a damaged entry for {quoted(scenario)}")
        out[scenario] = dict(counts)
    return Record(out, _parse_sides(body.get("sides", {}), path))


def _parse_sides(sides: Any, path: Path) -> dict[str, dict[str, dict[str, int]]]:
    """The sides the endings were reached with: scenario -> ending -> side -> count."""
    if type(sides) is not dict:
        raise _damaged(path, "has a damaged list of the sides played")
    out: dict[str, dict[str, dict[str, int]]] = {}
    for scenario, endings in sides.items():
        if type(endings) is not dict or not all(
            type(counts) is dict
            and all(type(n) is int and 0 < n <= MAX_COUNT for n in counts.values())
            for counts in endings.values()
        ):
            raise _damaged(path, f"has a damaged entry for the sides of {quoted(scenario)}")
        out[scenario] = {ending: dict(counts) for ending, counts in endings.items()}
    return out


def record_ending(scenario: str, ending: str, side: str | None = None) -> None:
    """Count one more game of ``scenario`` that ended in ``ending``, played as ``side``;
    ``RecordError`` if the record cannot be read (it is then left untouched) or written."""
    path = record_path()
    record = read_record(path)
    record.add(scenario, ending, side)
    try:
        saves.write_atomically(record.to_json().encode("utf-8"), path)
    except saves.SaveError as exc:
        raise RecordError(str(exc).replace("cannot save to", "cannot write")) from None


# --------------------------------------------------------------------------- the command


def found_text(found: int, total: int) -> str:
    return f"{found} of {total} ending{'' if total == 1 else 's'} found"


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def _side_name(scenario: Scenario, side: str) -> str:
    known = scenario.sides.get(side)
    return mid_sentence(known.name) if known is not None else side


def _with_sides(scenario: Scenario, count: int, sides: dict[str, int]) -> str:
    """How often an ending was reached and as which side: "twice, as Khrushchev's side";
    "3 times: twice as …, once as …". Games counted before sides were kept go unnamed."""
    said = _times(count)
    if not sides:
        return said
    named = [(_side_name(scenario, side), n) for side, n in sides.items()]
    if len(named) == 1 and named[0][1] == count:
        return f"{said}, as {named[0][0]}"
    parts = [f"{_times(n)} as {name}" for name, n in named]
    return f"{said}: {', '.join(parts)}"


def scenario_lines(
    scenario: Scenario, counts: dict[str, int], sides: dict[str, dict[str, int]] | None = None
) -> list[str]:
    """One scenario's endings: those reached by title, with how often and as which side; the
    rest unnamed."""
    sides = sides or {}
    found = [e for e in scenario.endings if counts.get(e)]
    lines = [f"{scenario.id}: {scenario.title} — {found_text(len(found), len(scenario.endings))}"]
    for ending in scenario.endings.values():
        historical = ending.id == scenario.historical_ending
        mark = " (the historical ending)" if historical else ""
        if counts.get(ending.id):
            how = _with_sides(scenario, counts[ending.id], sides.get(ending.id, {}))
            lines.append(f"  [x] {ending.title}{mark}: reached {how}")
        else:
            lines.append(f"  [ ] not yet found{mark}")
    gone = sorted(e for e in counts if e not in scenario.endings)
    if gone:
        lines.append(
            f"  (also reached: {len(gone)} ending(s) this version of the scenario no longer has)"
        )
    return lines


def wrapped(line: str, width: int) -> str:
    """A line wrapped to the terminal's width, never inside a word; a wrapped line of a list
    stays under its text ("  [x] …")."""
    hang = len(line) - len(line.lstrip(" "))
    if line.lstrip().startswith("[") and "] " in line:
        hang = line.index("] ") + 2
    return textwrap.fill(
        line,
        width=max(20, width),
        subsequent_indent=" " * hang,
        break_long_words=False,
        break_on_hyphens=False,
    )


def endings(name: str | None, out: IO[str]) -> int:
    """``presidium endings [SCENARIO]``: one scenario in full, or every scenario in a line."""
    record = read_record()
    path = record_path()
    width = shutil.get_terminal_size((80, 24)).columns

    def write(line: str) -> None:
        out.write(wrapped(clean(line), width) + "\n")

    if name is not None:
        scenario = catalog.open_scenario(name).scenario
        counts = record.reached.get(scenario.id, {})
        for line in scenario_lines(scenario, counts, record.sides.get(scenario.id, {})):
            write(line)
    else:
        entries, _warnings = catalog.catalog(Path.cwd())
        listed = set()
        for entry in entries:
            known = entry.scenario
            if known is None or known.id in listed:
                continue
            listed.add(known.id)
            counts = record.reached.get(known.id, {})
            found = sum(1 for e in known.endings if counts.get(e))
            write(f"{entry.name}: {known.title} — {found_text(found, len(known.endings))}")
        for other in sorted(set(record.reached) - listed):
            count = len(record.reached[other])
            write(f"{other}: {count} ending(s) found (the scenario is not in this folder)")
        write("'presidium endings SCENARIO' lists one scenario's endings.")
    write(
        "Counted: games played to their end by a person (not --autoplay, --json or "
        f"replays). The record is kept in {path}."
    )
    return 0
