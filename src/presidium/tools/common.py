"""What the authoring commands share: finding files and printing diagnostics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from presidium.diagnostics import Diagnostic
from presidium.errors import UsageError
from presidium.files import Compilation, compile_file


def existing_files(paths: Sequence[str]) -> list[Path]:
    """The paths as files; a missing file or a directory is a usage error (exit 2)."""
    problems = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            problems.append(f"'{name}' is a directory; give scenario files (.yaml)")
        elif not path.is_file():
            problems.append(f"no such file: '{name}'")
    if problems:
        raise UsageError("; ".join(problems))
    return [Path(name) for name in paths]


def compile_path(path: Path) -> Compilation:
    try:
        return compile_file(path, str(path))
    except OSError as exc:
        raise UsageError(f"cannot read '{path}': {exc.strerror}") from None


def print_diagnostics(
    diagnostics: Iterable[Diagnostic], files: dict[str, list[str]], out: IO[str]
) -> None:
    for diagnostic in diagnostics:
        out.write(diagnostic.format(files.get(diagnostic.span.file)) + "\n")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
