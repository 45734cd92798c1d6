"""Exceptions that know their exit code; only ``cli.main`` turns them into process exits."""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: every command loads this module, even --version
if TYPE_CHECKING:  # diagnostics is not needed to start: every command imports this module
    from collections.abc import Mapping

    from presidium.diagnostics import Diagnostic


class PresidiumError(Exception):
    """Base class. ``exit_code`` follows the command-line contract."""

    exit_code = 1


class UsageError(PresidiumError):
    """The command line asked for something that does not exist (exit 2)."""

    exit_code = 2


class ScenarioError(PresidiumError):
    """A scenario file has problems; ``diagnostics`` lists all of them (exit 1)."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic], sources: Mapping[str, list[str]]) -> None:
        self.diagnostics = diagnostics
        self.sources = sources
        count = sum(d.severity == "error" for d in diagnostics)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in scenario")

    def report(self) -> str:
        """Every diagnostic with its source excerpt (up to a limit), then a one-line summary."""
        from presidium.diagnostics import first_shown

        shown, rest = first_shown(self.diagnostics)
        lines = [d.format(self.sources.get(d.span.file)) for d in shown]
        lines += [rest] if rest else []
        lines.append(str(self))
        return "\n".join(lines)

    def first_error(self) -> str:
        """The first error on one line, and how many follow: for a message about something
        else that needs the scenario (a save, a replay), where the whole report would not fit."""
        found = [d for d in self.diagnostics if d.severity == "error"]
        if not found:
            return str(self)
        more = len(found) - 1
        rest = f" (and {more:,} more error{'s' if more != 1 else ''})" if more else ""
        return found[0].format() + rest


class IllegalChoice(PresidiumError, ValueError):
    """The caller asked the engine for a choice that is not offered now (a caller error)."""


class GameOver(PresidiumError):
    """The caller stepped a game that has already ended."""
