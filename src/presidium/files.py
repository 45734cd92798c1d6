"""Scenario files: read one, take it from the cache or compile it, and collect every problem.

Kept apart from the compiler so that starting a game with a cached scenario imports neither
the YAML parser nor the compiler.
"""

from __future__ import annotations

import bisect
import codecs
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from presidium import model as m
from presidium.bounded import is_regular_file, read_bounded
from presidium.diagnostics import Diagnostic, DiagnosticBag, SourceSpan, suggestion_budget
from presidium.errors import ScenarioError

if TYPE_CHECKING:
    from presidium.loader import LoadResult

MAX_BYTES = 16 * 1024 * 1024  # the largest scenario file read


@dataclass(frozen=True)
class Compilation:
    """The result of compiling one file: the scenario (if it has no errors) and every problem.

    ``files`` holds the lines of every file involved (more than one when a scenario extends
    another), so that each diagnostic can quote its own line.
    """

    scenario: m.Scenario | None
    diagnostics: list[Diagnostic]
    files: Mapping[str, list[str]]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


class _CachedLines(Mapping[str, list[str]]):
    """The lines of a file whose compilation came from the cache, read again and split only
    if a diagnostic quotes one: a game never does, and a large file's bytes are not held
    while the cache entry loads (for syn-8000, a tenth of a game's peak memory). If the file
    has changed since, no line is quoted (the messages still give line and column)."""

    def __init__(self, name: str, path: Path, data: bytes) -> None:
        self._name, self._path = name, path
        self._size, self._crc = len(data), zlib.crc32(data)
        self._lines: list[str] | None = None

    def __getitem__(self, name: str) -> list[str]:
        if name != self._name:
            raise KeyError(name)
        if self._lines is None:
            try:
                data = read_bounded(self._path, MAX_BYTES)
            except OSError:
                data = b""
            same = len(data) == self._size and zlib.crc32(data) == self._crc
            self._lines = data.decode("utf-8-sig", errors="replace").splitlines() if same else []
        return self._lines

    def __contains__(self, name: object) -> bool:  # without reading the file
        return name == self._name

    def __iter__(self) -> Iterator[str]:
        return iter((self._name,))

    def __len__(self) -> int:
        return 1

    def some(self, wanted: Iterable[int]) -> list[str]:
        """The file's lines, as ``self[name]`` gives them, but with only the ``wanted`` ones
        (numbered from 1) read: the others are empty. A check quotes a hundred lines of a
        file of fifty thousand, and splitting and decoding them all took most of its
        printing. Only a file whose lines end in a newline alone, without a BOM, is read so;
        any other is split whole, as ``self[name]`` splits it."""
        if self._lines is not None:
            return self._lines
        try:
            data = read_bounded(self._path, MAX_BYTES)
        except OSError:
            data = b""
        if len(data) != self._size or zlib.crc32(data) != self._crc:
            self._lines = []
            return self._lines
        if data.startswith(codecs.BOM_UTF8) or any(mark in data for mark in _OTHER_BREAKS):
            self._lines = data.decode("utf-8-sig", errors="replace").splitlines()
            return self._lines
        count = data.count(b"\n") + (data[-1:] not in (b"", b"\n"))  # as splitlines()
        lines = [""] * count
        starts, firsts = [0], [1]  # each chunk's offset and first line number
        chunks: dict[int, list[bytes]] = {}
        for n in sorted({n for n in wanted if 1 <= n <= count}):
            while firsts[-1] <= n and starts[-1] < len(data):
                start = starts[-1]
                end = data.find(b"\n", start + _CHUNK)
                end = len(data) if end < 0 else end + 1
                firsts.append(firsts[-1] + data.count(b"\n", start, end))
                starts.append(end)
            at = bisect.bisect_right(firsts, n, 0, len(firsts) - 1) - 1  # a chunk made
            if at not in chunks:
                chunks[at] = data[starts[at] : starts[at + 1]].split(b"\n")
            lines[n - 1] = chunks[at][n - firsts[at]].decode("utf-8", errors="replace")
        return lines


_CHUNK = 16 * 1024  # the bytes counted at once when finding a line (ending on a line's end)
# A byte of every other character that str.splitlines() ends a line with, in UTF-8 (the
# last of U+0085, U+2028 and U+2029: one byte is looked for much faster than three). "\n"
# ends no multibyte sequence, so each line decodes alone as it does within the file.
_OTHER_BREAKS = tuple(bytes([b]) for b in b"\r\x0b\x0c\x1c\x1d\x1e\x85\xa8\xa9")


def quoted_lines(
    files: Mapping[str, list[str]], name: str, wanted: Iterable[int]
) -> list[str] | None:
    """The lines of file ``name`` that diagnostics quote (at line numbers ``wanted``), as
    ``files.get(name)`` gives them, or with the others left empty."""
    if isinstance(files, _CachedLines) and name in files:
        return files.some(wanted)
    return files.get(name)


def _load_file(path: Path, name: str) -> LoadResult:
    from presidium.loader import LoadResult, load_bytes

    try:
        return load_bytes(read_bounded(path, MAX_BYTES), name)
    except OSError as exc:
        problem = Diagnostic(
            "error", f"cannot read '{name}': {exc.strerror}", SourceSpan(name, 1, 1)
        )
        return LoadResult(None, [problem], [])


def compile_file(
    path: str | Path, display: str | None = None, use_cache: bool = True
) -> Compilation:
    """Read, load and compile a scenario file, collecting every problem (raises only ``OSError``).

    A file that compiled without errors before is taken from the cache (see ``presidium.cache``);
    a scenario that extends another is always compiled afresh.
    """
    from presidium import cache

    name = display or str(path)
    data = read_bounded(path, MAX_BYTES)
    entry = cache.entry_path(data, name) if use_cache else None
    if entry is not None and is_regular_file(entry):  # no entry yet: compile, reading once
        lines = _CachedLines(name, Path(path), data)
        del data  # not held while the entry loads
        with m.paused_gc(keep=True):  # settled before the collector could scan it all
            cached = cache.load_entry(entry)
        if cached is not None:  # load_entry has checked its shape (cache.well_formed)
            return Compilation(cached[0], list(cached[1]), lines)
        data = read_bounded(path, MAX_BYTES)  # what is compiled is what is stored
    from presidium import extend
    from presidium.compiler import compile_document
    from presidium.loader import YMap, load_bytes
    from presidium.model import paused_gc

    extended = False
    with paused_gc(), suggestion_budget():
        loaded = load_bytes(data, name)
        files = {name: loaded.lines}
        diagnostics = list(loaded.diagnostics) + loaded.warnings
        document = loaded.document
        scenario = None
        formats: dict[str, int] = {}  # of each base a scenario extends
        if not loaded.diagnostics and isinstance(document, YMap) and "extends" in document:
            extended = True
            bag = DiagnosticBag()
            document = extend.resolve(
                document, Path(path), _load_file, extend.locate, bag, files, formats=formats
            )
            diagnostics += bag.items
        if not any(d.severity == "error" for d in diagnostics):
            scenario, found = compile_document(document, name, files, formats)
            diagnostics += found
    if scenario is not None and any(d.severity == "error" for d in diagnostics):
        scenario = None
    diagnostics = sorted(diagnostics, key=lambda d: (d.span.file != name, d.span, d.message))
    result = Compilation(scenario, diagnostics, files)
    if use_cache and scenario is not None and not extended:
        with paused_gc():
            cache.store(data, name, (scenario, diagnostics))
    m.settle()
    return result


def load_scenario(
    path: str | Path, display: str | None = None
) -> tuple[m.Scenario, list[Diagnostic]]:
    """Load and compile a scenario file; raise ``ScenarioError`` with every problem found.

    Returns the scenario and its warnings.
    """
    result = compile_file(path, display)
    if result.scenario is None:
        raise ScenarioError(result.diagnostics, result.files)
    return result.scenario, result.warnings
