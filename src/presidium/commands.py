"""The words the game reads as commands at every prompt.

One table serves the game (which reads them), ``help`` (which lists them) and the compiler
(which refuses a choice id that is one of them, since a player could never type that choice).
"""

from __future__ import annotations

# word -> (command, how help shows it, what it does)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "look": ("look", "look", "show this scene and its choices again"),
    "notes": (
        "notes",
        "notes",
        "the history behind this scene and those since your last decision, with sources",
    ),
    "status": ("status", "status", "the state of play and your targets"),
    "who": (
        "who",
        "who [NAME|TERM]",
        "who is who and where they stand now; a person or a word explained, with sources",
    ),
    "history": ("history", "history", "the decisions so far, beside what really happened"),
    "undo": (
        "undo",
        "undo",
        "take back the last decision (as often as you like, back to the start)",
    ),
    "save": (
        "save",
        "save [NAME]",
        "save the game in your saves folder (a NAME with a / in it is a path)",
    ),
    "load": (
        "load",
        "load NAME",
        "load a saved game (by its name in your saves folder, or a path)",
    ),
    "help": ("help", "help", "this list"),
    "?": ("help", "", ""),
    "quit": (
        "quit",
        "quit",
        "leave the game; it is saved, and starting the game with --resume goes on with it",
    ),
    "exit": ("quit", "", ""),
}

# Every command word a choice id could collide with (ids are snake_case, so '?' cannot).
RESERVED = tuple(word for word in COMMANDS if word.isidentifier())


def command(word: str) -> str | None:
    """The command a typed word names, if any."""
    entry = COMMANDS.get(word.strip().lower())
    return entry[0] if entry else None


def help_lines() -> list[tuple[str, str]]:
    """(what to type, what it does), in the order help lists them."""
    return [
        (shown, meaning) for shown, meaning in ((e[1], e[2]) for e in COMMANDS.values()) if shown
    ]
