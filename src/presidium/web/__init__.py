"""``presidium class serve``: the classroom on the school network (the ``[classroom]`` extra).

Nothing here is imported by solo play, ``--version`` or the other ``class`` verbs; a command
that needs the web server calls ``require()`` first, which says exactly what to install when
the extra is missing.
"""

from __future__ import annotations

import importlib.util

from presidium.errors import UsageError

EXTRA = "presidium-1957[classroom]"
MODULES = ("starlette", "uvicorn", "segno")


def missing() -> list[str]:
    """The web classroom's packages that are not installed."""
    return [name for name in MODULES if importlib.util.find_spec(name) is None]


def require(command: str) -> None:
    """Raise a usage error naming the install command when the extra is missing."""
    absent = missing()
    if absent:
        raise UsageError(
            f"'{command}' needs the web classroom, which is not installed "
            f'(missing: {", ".join(absent)}); install it with: pip install "{EXTRA}"'
        )
