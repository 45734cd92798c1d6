"""The way into the ``presidium`` command: ``presidium --version`` is answered without
loading the command line (a script that asks which version is installed should not wait for
the game to load), and anything else goes to ``presidium.cli``."""

from __future__ import annotations

import sys

# True when presidium is the program (the script, or ``python -m presidium``) rather than a
# library inside another: then what it loads lives as long as the process does.
owns_process = False


def main() -> int:
    """The ``presidium`` script and ``python -m presidium``."""
    global owns_process
    owns_process = True
    if sys.argv[1:] == ["--version"]:
        from presidium import __version__
        from presidium.streams import run_guarded

        return run_guarded(lambda: _say(f"presidium {__version__}\n"))
    from presidium.cli import main as command_line

    return command_line()


def _say(text: str) -> int:
    from presidium.streams import OutputFailed

    try:
        sys.stdout.write(text)
    except OutputFailed as failed:  # said once, by ``run_guarded``
        return failed.exit_code
    return 0
