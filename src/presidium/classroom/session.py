"""One class's game as a front end sees it: the game, every event it gave, who may see which.

A session is its scenario, seed and seating plus the ordered log of the actions the game
accepted (the game keeps the log); the time of each action, in milliseconds since the session
began, is kept beside it for the transcript and the post-mortem, and never read by the game.
Every front end (the teacher's console today, a web page later) submits actions here and asks
for what one viewer may see since the last event it has. Nothing here reads a clock or a file:
the folder (``classroom.folder``) keeps a session on disk.

Replaying a save submits its log to a new game in order; the engine is deterministic, so the
events and the state come out the same as when the class played. An entry the game refuses
stops the replay with the entry's number and the game's reason.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from presidium import audience, saves
from presidium import events as ev
from presidium.actions import Action, Choose
from presidium.engine import Game
from presidium.errors import PresidiumError
from presidium.model import Scenario
from presidium.seating import Seating, solo


class LogRefused(saves.SaveError):
    """A log the game does not replay: entry ``entry`` (from 1) is refused, for ``reason``."""

    def __init__(self, entry: int, action: Action, reason: str) -> None:
        super().__init__(
            f"the game refuses entry {entry} of the log ({action.do} by {saves.brief(action.by)}):"
            f" {saves.brief(reason)}"
        )
        self.entry = entry
        self.reason = reason


@dataclass
class Session:
    """A class's game, the events it has given (numbered from 1) and the time of each action.

    Front ends never touch the game directly: they ``submit`` actions and ask for the
    ``deliveries`` of one viewer, so a web page later can do exactly what the console does.
    """

    scenario: Scenario
    seating: Seating
    seed: int
    game: Game
    events: list[ev.Event] = field(default_factory=list)  # seq = index + 1
    times: list[int] = field(default_factory=list)  # beside game.log, ms since the start
    # where each accepted action's events begin in ``events`` (beside game.log)
    marks: list[int] = field(default_factory=list)
    source: str = ""  # where the scenario was opened from, for the save ("" = its id)
    digest: str = ""  # of the scenario's text, for the save
    # each event's JSON form, made once (events are frozen): the save and every viewer share it
    _dicts: list[dict[str, Any]] = field(default_factory=list, repr=False)
    # which events the room was shown, found once each (the save lists them at every write)
    _public: list[int] = field(default_factory=list, repr=False)
    _looked: int = field(default=0, repr=False)

    @classmethod
    def new(
        cls, scenario: Scenario, seating: Seating, seed: int, *, source: str = "", digest: str = ""
    ) -> Session:
        """A session whose game has started: its first events are in ``events``."""
        game = Game(scenario, seed=seed, seating=seating)
        session = cls(scenario, seating, seed, game, source=source, digest=digest)
        session.events.extend(game.start())
        return session

    @property
    def log(self) -> list[Action]:
        """The actions the game accepted, in order: the session's truth."""
        return self.game.log

    def submit(self, action: Action, at_ms: int = 0) -> list[ev.Event]:
        """Give ``action`` to the game; return its events (a ``Refused`` changes nothing).

        ``IllegalChoice`` (a wrong author, a closed request, an unknown id) passes through
        unchanged, with its one-line reason. Only what the game accepted is kept, so the
        session's events are exactly what replaying its log gives.
        """
        before = len(self.game.log)
        out = self.game.submit(action)
        if len(self.game.log) > before:
            self.times.append(max(0, at_ms))
            self.marks.append(len(self.events))
            self.events.extend(out)
        return out

    def time_of(self, index: int) -> int | None:
        """When the event at ``index`` of ``events`` happened (ms since the start), or None
        for the events of the start, before any action."""
        action = bisect.bisect_right(self.marks, index) - 1
        return self.times[action] if action >= 0 else None

    def deliveries(self, viewer: str, after: int = 0) -> list[tuple[int, ev.Event]]:
        """The events ``viewer`` may see after event number ``after``, each with its number.

        A front end that keeps the last number it has asks again from there (after a sleep,
        a lost connection, a resume) and misses nothing and repeats nothing.
        """
        return [
            (seq, event)
            for seq, event in enumerate(self.events[max(0, after) :], max(0, after) + 1)
            if audience.visible(event, viewer)
        ]

    def dict_of(self, index: int) -> dict[str, Any]:
        """The JSON form of the event at ``index`` of ``events`` (shared: do not change it)."""
        dicts = self._dicts
        while len(dicts) <= index:
            dicts.append(self.events[len(dicts)].to_dict())
        return dicts[index]

    def to_save(self, record: saves.Session | None = None) -> saves.Save:
        """The session as a version 2 save, with the public events the room was shown (for
        ``class replay``) and ``record``, what was typed and seen, if given."""
        return saves.Save.of_class(
            scenario=self.scenario.id,
            source=self.source or self.scenario.id,
            digest=self.digest,
            seating=self.seating,
            seed=self.seed,
            log=list(self.game.log),
            times=list(self.times),
            finished=self.game.over,
            session=record,
            room=[self.dict_of(i) for i in self.public()],
        )

    def public(self) -> list[int]:
        """The indexes of the events the room was shown, in order."""
        events = self.events
        self._public.extend(
            i
            for i in range(self._looked, len(events))
            if audience.visible(events[i], audience.ROOM)
        )
        self._looked = len(events)
        return self._public

    @classmethod
    def replay(cls, scenario: Scenario, save: saves.Save) -> Session:
        """Rebuild a saved session by submitting its log, in order, to a new game.

        A version 1 save (one player's choices) replays as a solo session, its choices
        becoming the side's ``choose`` actions. ``SaveError`` says why a save does not fit
        the scenario; ``LogRefused`` names the first entry the game refuses, and why.
        """
        if save.scenario != scenario.id:
            raise saves.SaveError(
                f"the save is for scenario '{save.scenario}', not '{scenario.id}'"
            )
        if save.seating is None:
            return cls._replay_choices(scenario, save)
        try:
            session = cls.new(
                scenario, save.seating, save.seed, source=save.source, digest=save.digest
            )
        except PresidiumError as exc:
            raise saves.SaveError(f"the save's seating does not fit the scenario: {exc}") from None
        for n, (action, at) in enumerate(zip(save.log, save.times, strict=True), 1):
            session._replay_one(n, action, at)
        return session

    @classmethod
    def _replay_choices(cls, scenario: Scenario, save: saves.Save) -> Session:
        try:
            game = Game(scenario, save.seats, seed=save.seed)
        except PresidiumError as exc:
            raise saves.SaveError(f"the save's seats do not fit the scenario: {exc}") from None
        session = cls(
            scenario, solo(save.side), save.seed, game, source=save.source, digest=save.digest
        )
        session.events.extend(game.start())
        for n, choice in enumerate(save.choices, 1):
            pending = game.pending
            seat = pending.seat if pending is not None else save.side
            request = f"{pending.phase}:decision" if pending is not None else "?"
            session._replay_one(n, Choose(seat, request, choice), 0)
        return session

    def _replay_one(self, n: int, action: Action, at: int) -> None:
        try:
            out = self.submit(action, at)
        except PresidiumError as exc:
            raise LogRefused(n, action, str(exc)) from None
        if len(self.game.log) < n:
            refused = next((e for e in out if isinstance(e, ev.Refused)), None)
            raise LogRefused(n, action, refused.reason if refused else "it changed nothing")
