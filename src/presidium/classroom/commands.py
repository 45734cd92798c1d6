"""``presidium class VERB``: each verb's module is imported only when it is used."""

from __future__ import annotations

import argparse
import importlib
from typing import IO

from presidium.errors import UsageError

# verb -> (module, function(args, out) -> exit code)
VERBS: dict[str, tuple[str, str]] = {
    "cast": ("presidium.classroom.sheets", "cast_command"),
    "sheets": ("presidium.classroom.sheets", "sheets_command"),
    "debrief": ("presidium.classroom.postmortem", "debrief_command"),
    "replay": ("presidium.tools.replay", "class_command"),
    "run": ("presidium.ui.classroom", "run_command"),
    "serve": ("presidium.web.serve", "serve_command"),
    "doctor": ("presidium.web.doctor", "doctor_command"),
}


def run_class(args: argparse.Namespace, out: IO[str]) -> int:
    try:
        module, function = VERBS[args.verb]
    except KeyError:
        raise UsageError(f"'presidium class {args.verb}' is not available yet") from None
    handler = getattr(importlib.import_module(module), function)
    return int(handler(args, out))
