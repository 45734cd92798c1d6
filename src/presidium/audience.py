"""Who may see which event: the one filter every front end uses.

A viewer is ``room`` (the projector: public events only), ``teacher`` (public events and
the teacher's), or one seated role, ``role:SEAT`` (public events and its own). Sealed events
(a secret ballot's full record) reach nobody; the teacher's ``reveal`` makes the engine say
them again in public.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from presidium.events import TEACHER, Event

ROOM = "room"


def visible(event: Event, viewer: str) -> bool:
    """Whether ``viewer`` may see ``event``."""
    return not event.to or (viewer != ROOM and viewer in event.to)


def only(events: Iterable[Event], viewer: str) -> Iterator[Event]:
    """The events ``viewer`` may see, in order."""
    return (e for e in events if visible(e, viewer))


def is_teacher(viewer: str) -> bool:
    return viewer == TEACHER
