"""``presidium validate``: every problem in every file, at once, with file:line:col."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from presidium.tools.common import compile_path, existing_files, plural, print_diagnostics


def validate(paths: Sequence[str], strict: bool, out: IO[str]) -> int:
    """Exit 0 when every file is valid, 1 when problems were found (warnings too if strict)."""
    failed = False
    for file, path in existing_files(paths):
        result = compile_path(file, path)
        print_diagnostics(result.diagnostics, result.files, out)
        errors, warnings = len(result.errors), len(result.warnings)
        if errors:
            out.write(f"{path}: {plural(errors, 'error')}, {plural(warnings, 'warning')}\n")
        elif warnings:
            out.write(f"{path}: valid, with {plural(warnings, 'warning')}\n")
        else:
            out.write(f"{path}: valid\n")
        failed |= bool(errors) or (strict and bool(warnings))
    return 1 if failed else 0
