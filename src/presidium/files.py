"""Scenario files: read one, take it from the cache or compile it, and collect every problem.

Kept apart from the compiler so that starting a game with a cached scenario imports neither
the YAML parser nor the compiler.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
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

    def __iter__(self) -> Iterator[str]:
        return iter((self._name,))

    def __len__(self) -> int:
        return 1


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
