"""What the authoring commands share: finding files and printing diagnostics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO

from presidium.diagnostics import Diagnostic, first_shown
from presidium.errors import UsageError
from presidium.files import Compilation, compile_file, quoted_lines


def existing_files(paths: Sequence[str]) -> list[tuple[Path, str]]:
    """Each scenario (a bundled id or a path) as its file and the name to show.

    Every name is looked at first, and all the problems are one usage error (exit 2).
    """
    from presidium import catalog

    problems, found = [], []
    for name in paths:
        try:
            found.append(catalog.resolve(name))
        except UsageError as exc:
            problems.append(str(exc))
    if problems:
        raise UsageError("; ".join(problems))
    return found


def compile_path(path: Path, display: str) -> Compilation:
    try:
        return compile_file(path, display)
    except OSError as exc:
        raise UsageError(f"cannot read '{display}': {exc.strerror}") from None


def print_diagnostics(
    diagnostics: Iterable[Diagnostic], files: Mapping[str, list[str]], out: IO[str]
) -> None:
    shown, rest = first_shown(list(diagnostics))
    wanted: dict[str, set[int]] = {}
    for diagnostic in shown:
        wanted.setdefault(diagnostic.span.file, set()).add(diagnostic.span.line)
    lines = {name: quoted_lines(files, name, numbers) for name, numbers in wanted.items()}
    for diagnostic in shown:
        out.write(diagnostic.format(lines[diagnostic.span.file]) + "\n")
    if rest:
        out.write(rest + "\n")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
