"""The web classroom's state: who holds which seat, what each viewer may see and do.

A ``Classroom`` wraps one ``classroom.Session`` (the same session ``class run`` plays, kept in
the same folder) and adds what only a server needs: join codes and seat tokens, the teacher's
key, countdowns, who is connected, rate limits and idempotent retries. It is synchronous and
reads no clock of its own (``now`` is given), so a handler checks and updates with no
``await`` in between (two last ballots can never race), and the tests drive it directly.

Secrets: a join code is ``PREF-XXXXX`` (five characters from a 31-letter alphabet with no
look-alikes, about 28 million codes a seat); a seat token and the teacher's key are 128-bit
random. Only their SHA-256 hashes are kept, in memory and in the session folder's
``web.json``, so a copied folder signs nobody in; a code is shown in plain text only while its
seat is unclaimed, on the teacher's screens. No student's name is asked for or stored; the
teacher's own ``label``s stay on the teacher's page.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import secrets
import time as _time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from presidium import audience, seating
from presidium import events as ev
from presidium.actions import (
    MAX_TEXT,
    Action,
    Advise,
    Argue,
    Cast,
    Choose,
    Close,
    Declare,
    Hands,
    MakeMove,
    Note,
)
from presidium.classroom import console as words
from presidium.classroom.session import Session
from presidium.classroom.sheets import UNDECIDED
from presidium.diagnostics import did_you_mean
from presidium.errors import GameOver, IllegalChoice
from presidium.printable import clean
from presidium.saves import SaveError
from presidium.ui.classroom import as_sentence, view_of

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed on a phone
CODE_LENGTH = 5
JOINS_PER_MINUTE = 10  # failed or not, from one address
FAILURES_LOCK = 100  # failed joins in LOCK_WINDOW from anywhere: joining stops for a while
LOCK_WINDOW = 600.0  # seconds
ACTS_PER_SECOND = 5  # a seat's posts, on average; a burst of BURST is allowed
BURST = 10
NONCES_KEPT = 256  # answers kept a viewer, for retries
MAX_LABEL = 40
# the most lines a console line on the teacher's page is answered with: a 'reveal yes' of a
# large class (a vote, then every role's objectives) whole; a 'close' that lets the script
# play on through many scenes is cut, saying so (the feeds below the console have it all)
ANSWER_LINES = 40
LONGEST_TIMER = 24 * 3600  # seconds: a countdown read back from web.json is at most this long
# The events after which what a page draws from its state (what is open, what a seat may do,
# the scene, the sheet) has changed: its stream sends it the new state with them. Others (a
# ballot's progress, advice, a note to someone else) are drawn from the event itself.
RESTATE = frozenset(
    {
        "request",
        "closed",
        "phase",
        "status",
        "paused",
        "resumed",
        "ended",
        "seat",
        "revealed",
        "ruling",
        "concluded",
        "declared",  # a declared actor is no longer a target for anyone's moves
        "hands",
        "objectives",
    }
)
WATCHERS = ("room", ev.TEACHER)  # the pages that show who has voted, and who is connected
_JSON = object()  # a key of ``Classroom._share``'s for what is kept as JSON
Sync = Callable[[], None]  # makes a write safe on the disk (a journal's sync)
STATE_FRESH = 0.25  # seconds a viewer's state is sent again as it was made (one change)
# console words for one shared keyboard, which the network does not need, and why
KEYBOARD_ONLY = ("secret", "note", "wait")
# what a request with no countdown waits for ('time' says it, asked for more time on one)
WAITS = {
    "decision": "until it is taken",
    "ballot": "until everyone has voted",
    "floor": "until everyone on it has moved",
    "rating": "until you rate it",
}
# a ballot's countdown run out: what its vote's ``missing`` rule does with who has not voted
MISSING = {
    "abstain": "whoever has not voted is counted as abstaining",
    "script": "the scenario's rules cast the votes not yet cast",
    "absent": "whoever has not voted is not counted",
}
ON_PHONES = (
    "on the network, students vote and write on their phones; close a request with 'close', "
    "or give it a countdown with 'time 3m' (more time on one: 'time +1m')"
)


class Rejected(Exception):
    """What a request may not do, with the HTTP status a server answers and a reason in words."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _voters_unnamed(event: ev.Event) -> bool:
    """Whether ``event`` is a ballot's progress that does not name who has voted (a secret
    ballot's): the room's and the teacher's pages name them from their state, sent after it.
    A progress that names them, the pages draw from the event itself (common.js)."""
    return (
        isinstance(event, ev.BallotProgress) and not (event.voted or event.waiting) and event.of > 0
    )


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normal_code(typed: str) -> str:
    """A typed join code as it is kept: upper case, no spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def prefix_of(seat: str) -> str:
    """A code's readable start, from the seat's id: ``BULG`` for bulganin, ``KHRU`` for
    Khrushchev's bench, ``CCME`` for any Central Committee member's copy."""
    seat = seat.removeprefix(seating.BENCH)
    letters = "".join(ch for ch in seat.upper() if "A" <= ch <= "Z")
    return (letters or "SEAT")[:4]


@dataclass
class SeatKeys:
    """One seat's secrets: its join code (plain only while unclaimed) and its devices' tokens."""

    seat: str
    name: str
    code: str = ""  # "PREF-XXXXX" while unclaimed and dealt in this run; "" otherwise
    code_hash: str = ""
    tokens: set[str] = field(default_factory=set)  # sha256 of each device's token
    label: str = ""  # the teacher's own name for the student: never sent to phones or the room

    @property
    def claimed(self) -> bool:
        return bool(self.tokens)


class Limiter:
    """A token bucket a key: ``rate`` a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, now: float) -> bool:
        level, then = self.buckets.get(key, (float(self.burst), now))
        level = min(float(self.burst), level + (now - then) * self.rate)
        if level < 1.0:
            self.buckets[key] = (level, now)
            return False
        self.buckets[key] = (level - 1.0, now)
        if len(self.buckets) > 4096:  # forget the oldest quiet keys
            for old in sorted(self.buckets, key=lambda k: self.buckets[k][1])[:1024]:
                del self.buckets[old]
        return True


@dataclass
class Timer:
    """A countdown on an open request: when it runs out the request closes (``Close(timer)``)."""

    deadline: float | None  # monotonic seconds; None while the game is paused
    left: float  # seconds left when paused
    opened: int = 0  # the number of the event that opened the request (which opening it is)


class Classroom:
    """One class on the network: the session, its seats' keys, countdowns and viewers."""

    def __init__(
        self,
        session: Session,
        *,
        now: Callable[[], float] = _time.monotonic,
        now_ms: Callable[[], int] | None = None,
        accepted: Callable[[list[tuple[Action, list[ev.Event]]]], Sync | None] | None = None,
        timers: bool = True,
    ) -> None:
        self.session = session
        self.now = now
        self.now_ms = now_ms or (lambda: int(now() * 1000))
        # the front end that writes the folder and shows the room (the terminal's Teacher);
        # its answer, if any, makes the write safe on the disk (see ``flush``)
        self.accepted = accepted or (lambda _taken: None)
        self.timers_on = timers
        self.keys: dict[str, SeatKeys] = {
            seat: SeatKeys(seat, seating.seat_name(session.scenario, seat))
            for seat in session.seating.seats
        }
        self.teacher_hash = ""
        self.join_url = ""
        # where the server listens ({"host": ..., "port": ...}), kept in web.json: the phones'
        # open pages and the printed sheets use that port, so a resume comes back on it
        self.served: dict[str, Any] | None = None
        self.connected: dict[str, int] = {}  # viewer -> open streams
        self.timers: dict[str, Timer] = {}
        self.seen = len(session.events)  # events already looked at for timers
        # told ``True`` when what every page may see has changed, ``False`` when only who is
        # connected has (which only the room's and the teacher's pages show)
        self.listeners: list[Callable[[bool], None]] = []
        self.join_limit = Limiter(JOINS_PER_MINUTE / 60.0, JOINS_PER_MINUTE)
        self.act_limit = Limiter(float(ACTS_PER_SECOND), BURST)
        self.failures: deque[float] = deque()
        self.answers: dict[str, dict[str, dict[str, Any]]] = {}  # viewer -> nonce -> answer
        self.hands: dict[str, dict[str, str]] = {}  # benches: request -> token hash -> choice
        self.devices: dict[str, str] = {}  # a phone with no code: its tag -> its token's hash
        self.notice: Callable[[str], None] = lambda _text: None  # a warning for the teacher
        # bumped when what pages show changes without a game event (a countdown given more
        # time, a phone seated or signed out, a label): streams then say ``state``
        self.revision = 0
        # this server's run: a page compares the revisions of states from one run only (a
        # resumed class starts again at 0, with the same events)
        self.run = secrets.token_hex(4)
        # which class this is, kept in web.json across a resume: a page left open while
        # another class starts on the same port finds it changed, and starts afresh
        self.class_id = secrets.token_hex(6)
        # keep web.json: the signed-in devices, the labels, the countdowns' time left
        self.keys_changed: Callable[[], None] = lambda: None
        # Accepted actions wait here to be written and shown, together: when several phones
        # act at once, the folder is written and the console drawn once for all of them.
        # ``flush_soon`` (set by the server) arranges a ``flush``; with none, it is at once.
        self.unsaved: list[tuple[Action, list[ev.Event]]] = []
        # while actions wait there, or a write waits for its sync: how many events before them
        self._published = 0
        # a write waits for its sync: how many events it holds with those before (0: none)
        self._syncing_upto = 0
        self.flush_soon: Callable[[], None] | None = None
        self._frames: list[bytes] = []
        self._restate: list[bool] = []  # per event: whether pages draw anew after it
        self._visible: dict[str, list[int]] = {}  # viewer -> the indices of what it may see
        self._visible_to: dict[str, int] = {}  # viewer -> how many events that has looked at
        # (viewer, after, up to) -> frames
        self._chunks: dict[tuple[str, int, int], tuple[bytes, bool]] = {}
        self._chunked = 0  # the number of events the chunks were made with
        self._states: dict[str, tuple[tuple[int, int], float, bytes]] = {}  # viewer -> frame
        self._latest: dict[type[ev.Event], list[int]] = {}
        self._indexed = 0
        self._presence: dict[str, int] | None = None
        self._sheets: dict[str, dict[str, Any]] = {}  # the unchanging part of each seat's sheet
        # viewer -> (envelopes opened to anyone when made, those opened to it, as JSON)
        self._envelopes: dict[str, tuple[int, list[dict[str, Any]], str]] = {}
        self._sheet_json: dict[str, str] = {}  # and as JSON, less its closing brace
        self._seat_names: dict[str, str] = {}  # seat -> what the room calls it, printable
        self._events_json: dict[int, str] = {}  # event index -> its JSON (scenes, states of play)
        self._page_dicts: list[dict[str, Any]] = []  # event index -> as pages are sent it
        # what states share while the game and the revision stay as they are (the public part
        # of each open request, a seat's part, the targets): made once for every viewer
        self._shared: dict[Any, Any] = {}
        self._shared_at: tuple[int, int, int] = (-1, -1, -1)
        opened = {
            e.request: n
            for n, e in enumerate(session.events, 1)
            if isinstance(e, ev.RequestOpened) and e.request in session.game.requests
        }
        for request in session.game.requests.values():
            self._start_timer(request, opened.get(request.request, 0))

    # ------------------------------------------------------------------ secrets
    def deal_codes(self, seats: Iterable[str] | None = None) -> dict[str, str]:
        """A new join code for each unclaimed seat (or each seat named): seat -> code."""
        dealt: dict[str, str] = {}
        for seat in self.keys if seats is None else seats:
            keys = self.keys[seat]
            if seats is None and (keys.claimed or keys.code_hash):  # resumed: its code holds
                continue
            body = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            keys.code = f"{prefix_of(seat)}-{body}"
            keys.code_hash = digest(normal_code(keys.code))
            dealt[seat] = keys.code
        return dealt

    def new_teacher_key(self) -> str:
        key = secrets.token_urlsafe(16)
        self.teacher_hash = digest(key)
        return key

    def is_teacher(self, key: str | None) -> bool:
        return (
            bool(key)
            and bool(self.teacher_hash)
            and (secrets.compare_digest(digest(key or ""), self.teacher_hash))
        )

    def seat_of(self, token: str | None) -> str | None:
        """The seat a device's token holds, or None."""
        if not token or len(token) > 100:
            return None
        hashed = digest(token)
        for keys in self.keys.values():
            if hashed in keys.tokens:
                return keys.seat
        return None

    def device(self, address: str) -> tuple[str, str]:
        """A phone with no code asks to be seated: (its two-character tag, which the teacher
        reads off its screen and types as ``assign TAG ROLE``; a device token)."""
        if not self.join_limit.allow(address, self.now()):
            raise Rejected(429, "too many tries from this device; wait a minute and try again")
        if len(self.devices) >= 500:
            raise Rejected(429, "too many phones are waiting; ask the teacher")
        while True:
            tag = "".join(secrets.choice(ALPHABET) for _ in range(2))
            if tag not in self.devices:
                break
        token = secrets.token_urlsafe(16)
        self.devices[tag] = digest(token)
        self.revised()
        return tag, token

    def tag_of(self, token: str | None) -> str | None:
        """The tag of a waiting phone (one that asked to be seated and is not yet)."""
        if not token or len(token) > 100:
            return None
        hashed = digest(token)
        return next((tag for tag, h in self.devices.items() if h == hashed), None)

    def assign(self, tag: str, seat: str) -> None:
        """Seat the waiting phone ``tag`` at ``seat`` (the teacher's ``assign``)."""
        hashed = self.devices.pop(tag.upper(), None)
        if hashed is None:
            waiting = ", ".join(sorted(self.devices)) or "none"
            raise Rejected(409, f"no phone shows the tag '{tag}'; waiting now: {waiting}")
        keys = self.keys[seat]
        keys.tokens.add(hashed)
        self.keys_changed()
        if not seat.startswith(seating.BENCH):
            keys.code = ""
        self.revised()

    def join(self, typed: str, address: str) -> tuple[str, str, str]:
        """Claim a seat with its join code: (seat, its name, a new device token).

        ``Rejected`` 429 when this address has tried too often (or the whole room has failed
        too often: someone is guessing), 404 when no seat has the code.
        """
        now = self.now()
        while self.failures and self.failures[0] < now - LOCK_WINDOW:
            self.failures.popleft()
        if len(self.failures) >= FAILURES_LOCK:
            raise Rejected(429, "too many wrong codes have been tried; ask the teacher")
        if not self.join_limit.allow(address, now):
            raise Rejected(429, "too many tries from this device; wait a minute and try again")
        code = normal_code(typed[:40])
        hashed = digest(code)
        for keys in self.keys.values():
            if keys.code_hash and secrets.compare_digest(hashed, keys.code_hash):
                token = secrets.token_urlsafe(16)
                keys.tokens.add(digest(token))
                self.keys_changed()
                if not keys.seat.startswith(seating.BENCH):  # a bench's code is shared
                    keys.code = ""  # claimed: no longer shown; still valid for its student
                self.revised()
                return keys.seat, clean(keys.name), token
        self.failures.append(now)
        if len(self.failures) == FAILURES_LOCK:
            self.notice(
                f"{FAILURES_LOCK} wrong join codes in {int(LOCK_WINDOW // 60)} minutes: joining "
                "is paused for a while. Someone may be guessing codes; 'reseat ROLE' gives a "
                "role a new one."
            )
        raise Rejected(404, "no role has that code; check the code on your sheet")

    def reseat(self, seat: str) -> str:
        """Sign every device out of ``seat`` and give it a new code."""
        self.keys[seat].tokens.clear()
        self.keys_changed()
        code = self.deal_codes([seat])[seat]
        self.revised()
        return code

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> str:
        """What ``web.json`` keeps: hashes and labels only, never a code or token; and each
        countdown's time left now, for the next lesson (the session's own times cannot say it:
        they are the times of actions, and ``time +1m`` is none); and where the server listens
        (``folder.served_on`` reads it back before the next lesson's server starts)."""
        body = {
            "class": self.class_id,
            "seats": {
                seat: {"code": k.code_hash, "tokens": sorted(k.tokens), "label": k.label}
                for seat, k in self.keys.items()
                if k.code_hash or k.tokens or k.label
            },
            "timers": {
                request: {"opened": timer.opened, "left_ms": self.remaining_ms(request)}
                for request, timer in self.timers.items()
            },
        }
        if self.served is not None:
            body["served"] = self.served
        return json.dumps(body, indent=1, sort_keys=True)

    def load_json(self, text: str) -> None:
        """Take back the signed-in devices, labels and countdowns of a resumed session (bad
        data: none). A countdown goes on from the time it had left when the server stopped:
        the time the server was off was no class time. One kept for a request closed since
        (by ``class run``) and opened again is another countdown: that one starts afresh."""
        try:
            body = json.loads(text)
            assert isinstance(body, dict)
        except (ValueError, AssertionError):
            return
        kept = body.get("class")
        if isinstance(kept, str) and re.fullmatch(r"[0-9a-f]{12}", kept):
            self.class_id = kept
        self._load_seats(body.get("seats"))
        self._load_timers(body.get("timers"))

    def _load_timers(self, timers: Any) -> None:
        if not isinstance(timers, dict) or not self.timers_on:
            return
        paused = self.session.game.paused is not None
        for request, entry in timers.items():
            if request not in self.session.game.requests or not isinstance(entry, dict):
                continue
            timer = self.timers.get(request)  # none: the teacher gave one with 'time 3m'
            opened = timer.opened if timer is not None else self._opening(request)
            left_ms = entry.get("left_ms")
            if (
                entry.get("opened") == opened
                and isinstance(left_ms, int)
                and 0 <= left_ms <= LONGEST_TIMER * 1000
            ):
                left = left_ms / 1000
                self.timers[request] = Timer(None if paused else self.now() + left, left, opened)

    def _load_seats(self, seats: Any) -> None:
        if not isinstance(seats, dict):
            return
        for seat, entry in seats.items():
            if seat in self.keys and isinstance(entry, dict):
                tokens = entry.get("tokens", [])
                if isinstance(tokens, list):
                    self.keys[seat].tokens = {
                        t for t in tokens if isinstance(t, str) and len(t) == 64
                    }
                code = entry.get("code", "")
                if isinstance(code, str) and len(code) == 64:
                    self.keys[seat].code_hash = code
                label = entry.get("label", "")
                if isinstance(label, str):
                    self.keys[seat].label = clean(label)[:MAX_LABEL]

    # ------------------------------------------------------------------ presence
    def revised(self) -> None:
        """What pages show has changed with no game event: tell them to ask for the state."""
        self.revision += 1
        self.changed()

    def changed(self) -> None:
        """Something a viewer may see has changed: wake every stream."""
        self._sync_timers()
        for listener in list(self.listeners):
            listener(True)

    def _presence_changed(self) -> None:
        """Who is connected has changed: wake the streams that show it (not every phone's)."""
        self._presence = None
        for listener in list(self.listeners):
            listener(False)

    def connect(self, viewer: str) -> None:
        self.connected[viewer] = self.connected.get(viewer, 0) + 1
        self._presence_changed()

    def disconnect(self, viewer: str) -> None:
        left = self.connected.get(viewer, 0) - 1
        if left > 0:
            self.connected[viewer] = left
        else:
            self.connected.pop(viewer, None)
        self._presence_changed()

    def presence(self) -> dict[str, int]:
        """How many phones are connected, and to how many seats (counted once a change)."""
        if self._presence is None:
            phones = sum(n for v, n in self.connected.items() if v.startswith("role:"))
            seats_on = sum(1 for v in self.connected if v.startswith("role:"))
            self._presence = {
                "phones": phones,
                "seats_connected": seats_on,
                "seats": len(self.keys),
            }
        # the seats students hold: a seat handed to the script waits for no phone, and a
        # phone still open on it is no seat's (else "5 of 0" once the bell scripts them all)
        scripted = self.session.game.scripted
        counts = {**self._presence, "seats": len(self.keys) - len(scripted)}
        if scripted:
            counts["seats_connected"] = sum(
                1 for v in self.connected if v.startswith("role:") and v[5:] not in scripted
            )
        return counts

    # ------------------------------------------------------------------ timers
    def _sync_timers(self) -> None:
        """Start a countdown for each request opened since last time, drop closed ones, and
        hold them still while the game is paused."""
        events = self.session.events
        for number, event in enumerate(events[self.seen :], self.seen + 1):
            if isinstance(event, ev.RequestOpened):
                self._start_timer(event, number)
            elif isinstance(event, ev.RequestClosed):
                self.timers.pop(event.request, None)
                self.hands.pop(event.request, None)
        self.seen = len(events)
        open_now = self.session.game.requests
        for request in list(self.timers):
            if request not in open_now:
                del self.timers[request]
        paused = self.session.game.paused is not None
        now = self.now()
        held = False  # a countdown stopped or started by a pause: web.json keeps its time
        for timer in self.timers.values():
            if paused and timer.deadline is not None:
                timer.left, timer.deadline = max(0.0, timer.deadline - now), None
                held = True
            elif not paused and timer.deadline is None:
                timer.deadline = now + timer.left
                held = True
        if held:
            self.keys_changed()

    def _start_timer(self, request: ev.RequestOpened, opened: int) -> None:
        if self.timers_on and request.minutes:
            total = request.minutes * 60.0
            paused = self.session.game.paused is not None
            self.timers[request.request] = Timer(
                None if paused else self.now() + total, total, opened
            )

    def remaining_ms(self, request: str) -> int | None:
        timer = self.timers.get(request)
        if timer is None:
            return None
        left = timer.left if timer.deadline is None else timer.deadline - self.now()
        return max(0, int(left * 1000))

    def set_time(self, request: str, seconds: float, add: bool) -> None:
        left = (self.remaining_ms(request) or 0) / 1000 if add else 0.0
        total = max(0.0, left + seconds)
        paused = self.session.game.paused is not None
        opened = self.timers[request].opened if request in self.timers else self._opening(request)
        self.timers[request] = Timer(None if paused else self.now() + total, total, opened)
        self.keys_changed()
        self.revised()

    def _opening(self, request: str) -> int:
        """The number of the event that opened ``request`` (it is open)."""
        events = self.session.events
        for number in range(len(events), 0, -1):
            event = events[number - 1]
            if isinstance(event, ev.RequestOpened) and event.request == request:
                return number
        return 0

    def tick(self) -> bool:
        """Close every request whose countdown has run out; whether anything closed."""
        now = self.now()
        due = [r for r, t in self.timers.items() if t.deadline is not None and t.deadline <= now]
        closed = False
        for request in due:
            self.timers.pop(request, None)
            if request in self.session.game.requests:
                try:
                    self.submit([self._closing(request, timer=True)])
                    closed = True
                except Rejected:
                    pass
        return closed

    def closes(self, actions: list[Action]) -> list[Action]:
        """The teacher's actions as the game takes them: a lone ``close`` of a bench's decision
        with hands raised on phones becomes those hands (see ``_closing``)."""
        if len(actions) == 1 and isinstance(actions[0], Close):
            return [self._closing(actions[0].request, timer=False)]
        return actions

    def _closing(self, request: str, timer: bool) -> Action:
        """What closing ``request`` submits: a benches decision with hands raised on phones
        is decided by those hands, anything else closes (the script decides what is left)."""
        raised = self.hands.get(request)
        if raised:
            counts: dict[str, int] = {}
            for choice in raised.values():
                counts[choice] = counts.get(choice, 0) + 1
            return Hands(request, tuple(counts.items()))
        return Close(request, timer=timer)

    # ------------------------------------------------------------------ acting
    def submit(self, actions: Iterable[Action]) -> list[ev.Event]:
        """Give actions to the game in order; ``Rejected`` 409 (nothing more is done) for the
        first it refuses. The front end writes the folder and shows the room what was taken."""
        taken: list[tuple[Action, list[ev.Event]]] = []
        out: list[ev.Event] = []
        if not self.waiting():  # every event so far is written and synced
            self._published = len(self.session.events)
        try:
            for action in actions:
                try:
                    events = self.session.submit(action, self.now_ms())
                except (IllegalChoice, GameOver) as exc:
                    raise Rejected(409, as_sentence(str(exc))) from None
                refused = next((e for e in events if isinstance(e, ev.Refused)), None)
                if refused is not None:
                    raise Rejected(409, as_sentence(refused.reason))
                taken.append((action, events))
                out.extend(events)
        finally:
            if taken:
                self.unsaved.extend(taken)
                if self.flush_soon is None:
                    sync = self.flush()
                    if sync is not None:
                        sync()
                        self.synced()
                else:
                    self.flush_soon()
        return out

    def published(self) -> int:
        """How many of the session's events are written in its folder, which a page may be
        sent: all of them, unless accepted actions wait to be written (a ballot's votes
        arriving faster than they are written) or a write waits for its sync; then those
        before the first of them."""
        return self._published if self.waiting() else len(self.session.events)

    def waiting(self) -> bool:
        """Whether some accepted action is not yet safe in the folder."""
        return bool(self.unsaved) or self._syncing_upto > 0

    def flush(self) -> Sync | None:
        """Write and show what was accepted since the last flush, then wake the streams:
        nothing reaches a page before it is in the session folder. What the write leaves
        to do to be safe on the disk (the journal's sync) is returned, for the server to do
        off its loop: then the streams are woken by ``synced``, once it is done."""
        taken, self.unsaved = self.unsaved, []
        try:
            sync = self.accepted(taken) if taken else None
        except SaveError as exc:
            self.not_saved(exc)
            sync = None
        if sync is None:
            self.changed()
        else:
            self._syncing_upto = len(self.session.events)
        return sync

    def synced(self, failure: BaseException | None = None) -> None:
        """The write that ``flush`` returned a sync for is safe on the disk (or ``failure``
        says why not): what it holds may be sent."""
        if failure is not None:
            self.not_saved(failure)
        self._published = max(self._published, self._syncing_upto)
        self._syncing_upto = 0
        self.changed()

    def not_saved(self, failure: BaseException) -> None:
        """A write of the folder failed (a full or lost disk): the teacher is told, and the
        class goes on (the game holds it all; the next write is whole)."""
        self.notice(f"Not saved: {failure}. The next write tries again.")

    def act(self, seat: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """A phone's action (docs/classroom-web.md: ``do`` and its fields): the answer to send."""
        viewer = ev.for_role(seat)
        nonce = body.get("nonce")
        if not isinstance(nonce, str) or not 8 <= len(nonce) <= 64:
            raise Rejected(400, "each action needs a nonce of 8 to 64 characters")
        kept = self.answers.setdefault(viewer, {})
        if nonce in kept:
            return kept[nonce]
        if not self.act_limit.allow(viewer, self.now()):
            raise Rejected(429, "too many actions at once; wait a moment")
        if seat in self.session.game.scripted:
            raise Rejected(409, "the script plays your role now; ask the teacher")
        action = self._action(seat, body)
        if action is None or self._standing(action):
            # a hand raised on a bench (counted when the decision closes), or the very vote
            # the seat has in (its other phone voted alike): nothing to take or write
            answer: dict[str, Any] = {"accepted": True, "seq": len(self.session.events)}
        else:
            self.submit([action])
            answer = {"accepted": True, "seq": len(self.session.events)}
        kept[nonce] = answer
        if len(kept) > NONCES_KEPT:
            del kept[next(iter(kept))]
        return answer

    def _action(self, seat: str, body: Mapping[str, Any]) -> Action | None:
        do = body.get("do")
        request = _text(body, "request", 120)
        if do == "choose":
            return Choose(seat, request, _text(body, "choice", 120))
        if do == "advise":
            return Advise(seat, request, _text(body, "choice", 120))
        if do == "cast":
            return Cast(seat, request, _text(body, "ballot", 20), _text(body, "why", MAX_TEXT))
        if do == "move":
            target = body.get("target")
            if target is not None and not isinstance(target, str):
                raise Rejected(400, "'target' is an actor's id or null")
            return MakeMove(seat, request, _text(body, "move", 120), target or None)
        if do == "declare":
            return Declare(seat, _text(body, "stance", 60))
        if do == "argue":
            return Argue(seat, _text(body, "target", 120), _text(body, "text", MAX_TEXT))
        if do == "note":
            return Note(seat, _text(body, "text", MAX_TEXT))
        raise Rejected(
            400,
            "unknown action: 'do' is one of choose, advise, cast, move, "
            "declare, argue, note, hands",
        )

    def _standing(self, action: Action) -> bool:
        """Whether ``action`` is a vote its seat has already cast, the same ballot with the
        same reason, in a ballot still open: a seat's two phones voting alike at once. The
        game would take it again and change nothing, yet say it again (the room's record of
        an open ballot naming the voter twice) and wake every page for it. The answer then
        waits for the write that holds the standing vote, as any answer does."""
        game = self.session.game
        room = game.room
        if not isinstance(action, Cast) or room is None or game.over or game.paused is not None:
            return False  # a paused or ended game refuses it, as any action
        request = game.requests.get(action.request)
        standing = room.state.cast.get(action.request, {}).get(action.role)
        vote = (action.ballot, action.why)
        return request is not None and request.kind == "ballot" and standing == vote

    def raise_hand(self, seat: str, token: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """A bench student's hand for a choice; the decision is taken when every student of
        the bench has raised one (with no class size given, every device signed in on the
        bench: ``hands_of``), or when it closes (by the teacher or the countdown)."""
        request_id = _text(body, "request", 120)
        choice = _text(body, "choice", 120)
        request = self.session.game.requests.get(request_id)
        if request is None or request.kind != "decision" or seat not in request.roles[:1]:
            raise Rejected(409, "your bench has no decision open")
        option = next((o for o in request.options if o.id == choice), None)
        if option is None or not option.available:
            raise Rejected(409, "that is not a choice here")
        raised = self.hands.setdefault(request_id, {})
        raised[digest(token)] = choice
        self.revised()
        if len(raised) >= self.hands_of(request_id, seat):
            self.submit([self._closing(request_id, timer=False)])
        return {"accepted": True, "seq": len(self.session.events)}

    def hands_of(self, request: str, seat: str) -> int:
        """How many hands the bench ``seat``'s decision ``request`` waits for: the bench's
        students when the class's size was given; else as many as have joined it, every
        device signed in on the bench (and one signed out by ``reseat`` since it raised its
        hand: that hand still counts)."""
        seated = self.session.seating
        if seated.counted:
            return seated.size(seat)
        return len(self.keys[seat].tokens | self.hands.get(request, {}).keys())

    # ------------------------------------------------------------------ the teacher
    def teacher_line(self, line: str) -> list[str]:
        """One line of the teacher's console, typed on the teacher's page (or the terminal,
        for the words only a server has): what to tell the teacher, or ``Rejected``."""
        line = clean(line).strip()
        if len(line) > MAX_TEXT + 80:
            raise Rejected(413, "that line is too long")
        first, _, rest = line.partition(" ")
        word = first.lower()
        if word in WEB_WORDS:
            return WEB_WORDS[word](self, rest.strip())
        helped = network_word(line)
        if helped is not None:  # 'help time': a word only the network has
            return self.word_help(helped)
        if word in KEYBOARD_ONLY:  # before its words are read: 'secret X' is never asked for
            raise Rejected(409, not_on_the_network(word))
        view = view_of(self.session)
        parsed = words.parse(line, view)
        if parsed is None:
            return []
        if isinstance(parsed, words.Problem):
            raise Rejected(409, as_sentence(parsed.reason))
        if isinstance(parsed, words.Actions):
            asked = words.reveal_asked(line, self.session.game.room)  # what becomes public
            if asked:
                return asked
            events = self.submit(self.closes(list(parsed.actions)))
            shown = audience.only(events, ev.TEACHER)
            lines = [words.summary(e, self.session.events) for e in shown]
            return answer_lines([text for text in lines if text]) or ["Done."]
        if parsed.word == "help" and parsed.target:  # the same answer as the terminal's
            return self.word_help(parsed.target)
        if parsed.word == "help":
            usable = [w for w in words.usable(self.session.seating.mode) if w not in KEYBOARD_ONLY]
            said = (words.meaning(w, network=True) for w in usable)
            return [f"{u}: {w}" for u, w in (*said, *WEB_HELP)]
        if parsed.word == "quit":
            raise Rejected(409, "stop the server at the laptop (type 'quit' there, or Ctrl-C)")
        return ["This page shows it already: the roster, the open requests and the feed."]

    def confirming(self, line: str) -> str | None:
        """The console line that confirms ``line`` when ``line`` is a 'reveal' that
        ``teacher_line`` answers with what would become public, revealing nothing yet
        ('reveal yes'; the teacher's page offers it as a button); else None."""
        return words.reveal_confirmation(clean(line).strip(), self.session.game.room)

    def word_help(self, word: str) -> list[str]:
        """'help WORD' on the network, for the teacher's page and the terminal alike."""
        for typed, does in (*WEB_HELP, TEACHER_LINK):
            if typed.split()[0] == word:
                return [f"{typed} - {does}.", *(self._time_help() if word == "time" else ())]
        if word in KEYBOARD_ONLY:
            raise Rejected(409, not_on_the_network(word))
        game = self.session.game
        said = words.word_help(
            word, view_of(self.session), game.machine.state, game.values, network=True
        )
        if isinstance(said, words.Problem):
            raise Rejected(409, as_sentence(said.reason))
        return said

    def _time(self, rest: str) -> list[str]:
        """'time [REQUEST] +1m | 3m': the answer names the request as the room sees it (its
        title, and a decision's scene) and says what happens when the countdown runs out; a
        request is named as 'close' names it (``console.request_named``). More time ('+1m')
        is refused on a request with no countdown: it would start one, and when that runs out
        the script decides for the student."""
        parts = rest.split()
        view = view_of(self.session)
        if not parts:
            raise Rejected(
                409,
                "say 'time +1m' (more time) or 'time 3m' (this long), with what to time "
                "first when several are open ('time floor +1m')",
            )
        if len(parts) == 2:
            named = words.request_named(view, parts[0])
            if named is None:
                raise Rejected(409, as_sentence(words.not_named(parts[0], view)))
            request = named
        elif len(view.requests) == 1:
            request = view.requests[0]
        elif not view.requests:
            raise Rejected(409, "nothing is open to time")
        else:
            raise Rejected(409, words.ask_which(view.requests, "time {} " + parts[-1]) + ".")
        amount = parts[-1]
        add = amount.startswith("+")
        seconds = words.duration(amount.lstrip("+"))
        if seconds is None or seconds > words.LONGEST_WAIT:
            raise Rejected(409, "a time is like 90s, 2m or +1m, and at most an hour")
        title = self.time_title(request)
        name = words.handle(request)
        runs_out = self.runs_out(request)
        had = self.remaining_ms(request.request) is not None
        if add and not had:
            raise Rejected(
                409,
                f"{title}: no countdown. It waits {WAITS.get(request.kind, WAITS['decision'])} "
                f"or you close it ('close {name}'). To give it one, say 'time {name} 3m'; "
                f"when a countdown runs out, {runs_out}.",
            )
        if not seconds and not add:
            raise Rejected(
                409,
                f"a countdown of no time would close it at once: to close it now, "
                f"say 'close {name}'",
            )
        self.set_time(request.request, seconds, add)
        clock = _clock(self.remaining_ms(request.request) or 0)
        said = f"{clock} left" if had else f"a countdown of {clock} starts now"
        if self.session.game.paused is not None:
            said += " (held until you 'resume')"
        return [f"{title}: {said}; when it runs out, {runs_out}."]

    def _time_help(self) -> list[str]:
        """What 'help time' adds: what a countdown's end does, then each open request with
        the name to type and its countdown (or none)."""
        lines = [TIME_MORE]
        for request in view_of(self.session).requests:
            left = self.remaining_ms(request.request)
            clock = "no countdown" if left is None else f"{_clock(left)} left"
            lines.append(f"{words.handle(request)}: {self.time_title(request)}, {clock}")
        return lines if len(lines) > 1 else [*lines, "(Nothing is open now.)"]

    def time_title(self, request: ev.RequestOpened) -> str:
        """An open request as 'time' names it: its title as the room sees it, and for a
        decision the scene it is in ("Vyacheslav Molotov decides (Who takes the chair)")."""
        title = words.titled(request)
        title = f"{title[:1].upper()}{title[1:]}"
        phase = self.session.scenario.phases.get(request.phase)
        if request.kind == "decision" and phase is not None and phase.title.strip():
            title += f" ({clean(phase.title.strip())})"
        return title

    def runs_out(self, request: ev.RequestOpened) -> str:
        """What happens when ``request``'s countdown runs out (what 'close' does to it), said
        to the teacher: "the script decides", "the ballot closes and ..."."""
        if request.kind == "decision":
            if request.roles[:1] and request.roles[0].startswith(seating.BENCH):
                return "the hands raised by then decide (the script, if none are)"
            if len(request.roles) > 1:  # advisers: the script does not read their advice
                return "the script decides for the student, whatever the advice"
            return "the script decides for the student"
        if request.kind == "ballot":
            vote = self.session.scenario.votes.get(request.vote or "")
            missing = vote.missing if vote is not None else "abstain"
            return "the ballot closes, and " + MISSING.get(missing, MISSING["abstain"])
        if request.kind == "floor":
            return "the floor closes, and the moves made on it are played out"
        return "it closes, not rated"

    def _seat_word(self, rest: str) -> str:
        try:
            return words._seat(
                rest.split()[0] if rest.split() else "", view_of(self.session), scripted_ok=True
            )
        except words._Refusal as exc:
            raise Rejected(409, as_sentence(str(exc))) from None

    def _reseat(self, rest: str) -> list[str]:
        seat = self._seat_word(rest)
        code = self.reseat(seat)
        return [f"{clean(self.keys[seat].name)}: every device signed out; the new code is {code}."]

    def _label(self, rest: str) -> list[str]:
        seat_word, _, label = rest.partition(" ")
        view = view_of(self.session)
        table = words.keys(view)
        if seat_word.lower() not in table:  # never quoted: it may be the name, typed first
            roles = ", ".join(words.key_of(s) for s in view.seating.seats)
            raise Rejected(
                409,
                "Say 'label ROLE \"NAME\"', the role first"
                f"{did_you_mean(seat_word.lower(), table)}; the roles are: {roles}.",
            )
        seat = self._seat_word(seat_word)
        self.keys[seat].label = clean(label.strip().strip('"'))[:MAX_LABEL]
        self.keys_changed()
        self.revised()
        name = clean(self.keys[seat].name)
        if not self.keys[seat].label:
            return [f"{name} has no label now."]
        # said on the terminal too, which may be projected: the name is on the page alone
        return [f"{name} has your label now: it shows on your page's roster only."]

    def _assign(self, rest: str) -> list[str]:
        parts = rest.split()
        if len(parts) != 2:
            raise Rejected(409, "say 'assign TAG ROLE', with the tag the phone shows")
        seat = self._seat_word(parts[1])
        self.assign(parts[0], seat)
        return [f"The phone {parts[0].upper()} plays {clean(self.keys[seat].name)}."]

    def _codes(self, _rest: str) -> list[str]:
        def code(k: SeatKeys) -> str:
            if k.code:
                return k.code
            if k.claimed:
                return "signed in"
            if k.code_hash:
                return "the code on its sheet in sheets.html (a new one: reseat ROLE)"
            return "none (reseat ROLE gives one)"

        return [f"{clean(k.name)}: {code(k)}" for k in self.keys.values()]

    # ------------------------------------------------------------------ what a viewer sees
    def deliveries(self, viewer: str, after: int) -> list[tuple[int, dict[str, Any]]]:
        """The events ``viewer`` may see after number ``after``, numbered, as JSON data."""
        events = self.session.events
        return [
            (i + 1, self.page_dict(i))
            for i in range(max(0, after), len(events))
            if audience.visible(events[i], viewer)
        ]

    def frames(self, viewer: str, after: int, upto: int | None = None) -> tuple[bytes, bool]:
        """The events ``viewer`` may see after number ``after`` (up to number ``upto``; by
        default the last) as one piece of an event stream (each event encoded once, for
        everyone), and whether one of them changes what the viewer's page draws from its
        state (``RESTATE``).

        Made once for every page of that viewer that asks from the same number while no event
        is added (a seat's two phones, the room's screens); which events a viewer may see is
        worked out once an event, not again for each of its pages or at each ask."""
        events = self.session.events
        if len(events) != self._chunked:
            self._chunks, self._chunked = {}, len(events)
        upto = len(events) if upto is None else min(upto, len(events))
        key = (viewer, after, upto)
        chunk = self._chunks.get(key)
        if chunk is None:
            chunk = self._chunks[key] = self._chunk(viewer, after, upto)
        return chunk

    def _chunk(self, viewer: str, after: int, upto: int) -> tuple[bytes, bool]:
        events = self.session.events
        frames, restate = self._frames, self._restate
        while len(frames) < len(events):
            n = len(frames)
            body = self.page_dict(n)
            data = json.dumps(body, separators=(",", ":"))
            frames.append(f"id: {n + 1}\nevent: game\ndata: {data}\n\n".encode())
            # a stance the story moved: the seat's declared stance (its state) says so
            restate.append(body.get("type") in RESTATE or isinstance(events[n], ev.StanceMoved))
        seen = self._visible.setdefault(viewer, [])
        for i in range(self._visible_to.get(viewer, 0), len(events)):
            if audience.visible(events[i], viewer):
                seen.append(i)
        self._visible_to[viewer] = len(events)
        new = seen[bisect.bisect_left(seen, max(0, after)) : bisect.bisect_left(seen, upto)]
        watcher = viewer in WATCHERS
        anew = any(
            restate[i]
            or viewer in events[i].to  # a seat's own private news: its vote is in, a note
            or (watcher and _voters_unnamed(events[i]))  # who has voted: in the state
            for i in new
        )
        return b"".join([frames[i] for i in new]), anew

    def state_frame(self, viewer: str) -> bytes:
        """``viewer``'s state as an event of its stream: made once for every page of that
        viewer (a seat's two phones, the room's screens) while nothing changes, and never
        older than ``STATE_FRESH`` seconds (its countdowns say how long is left)."""
        key = (len(self.session.events), self.revision)
        kept = self._states.get(viewer)
        now = self.now()
        if kept is not None and kept[0] == key and now - kept[1] <= STATE_FRESH:
            return kept[2]
        frame = f"event: state\ndata: {self.state_json(viewer)}\n\n".encode()
        self._states[viewer] = (key, now, frame)
        return frame

    def state(self, viewer: str) -> dict[str, Any]:
        """Everything a page needs to draw itself now (``GET /api/state``, docs/classroom-web.md)."""
        head, scene, requests, seat, tail = self._state_parts(viewer)
        dict_of = self.page_dict
        body = {
            **head,
            "scene": None if scene[0] is None else dict_of(scene[0]),
            "status": None if scene[1] is None else dict_of(scene[1]),
            "ended": None if scene[2] is None else dict_of(scene[2]),
            "requests": [
                {**entry, "remaining_ms": left, "mine": mine} for _, entry, left, mine in requests
            ],
        }
        if seat is not None:
            fixed, revealed, targets = seat
            body["seat"] = {**fixed, "revealed": revealed, "targets": targets}
        body.update(tail)
        return body

    def state_json(self, viewer: str) -> str:
        """``json.dumps(state(viewer))`` (compact), put together from pieces encoded once for
        every viewer while nothing changes: the scene, the state of play, each request's
        public part, a seat's sheet; only what is the viewer's own is encoded for it."""
        head, scene, requests, seat, tail = self._state_parts(viewer)
        # the first fields differ between viewers only by the kind of viewer
        parts = [self._share((_JSON, "head", head["viewer"]), lambda: _dumps(head)[:-1])]
        for name, index in zip(('"scene":', '"status":', '"ended":'), scene, strict=True):
            parts.append(name + ("null" if index is None else self._event_json(index)))
        entries = []
        for request, entry, left, mine in requests:
            before, middle = self._share((_JSON, request), partial(_split_entry, entry))
            mine_json = (
                "null"
                if mine is None
                else self._share((_JSON, request, viewer), partial(_dumps, mine))
            )
            left_json = "null" if left is None else str(int(left))
            entries.append(f'{before}"remaining_ms":{left_json},{middle}"mine":{mine_json}}}')
        parts.append('"requests":[' + ",".join(entries) + "]")
        if seat is not None:
            fixed, _revealed, targets = seat  # the envelopes: encoded once, below
            sheet = self._sheet_json.get(fixed["seat"])
            if sheet is None:
                sheet = self._sheet_json[fixed["seat"]] = _dumps(fixed)[:-1]
            parts.append(
                f'"seat":{sheet},"revealed":'
                + self._envelopes_of(viewer)[1]
                + ',"targets":'
                + self._share((_JSON, "targets"), lambda: _dumps(targets))
                + "}"
            )
        if tail:
            parts.append(_dumps(tail)[1:-1])
        return ",".join(parts) + "}"

    def _event_json(self, index: int) -> str:
        """The event at ``index`` as JSON, encoded once."""
        cached = self._events_json.get(index)
        if cached is None:
            cached = self._events_json[index] = _dumps(self.page_dict(index))
        return cached

    def page_dict(self, index: int) -> dict[str, Any]:
        """The event at ``index`` as every page is sent it, in its stream, its state and a
        role's sheet alike: the session's JSON form, with each source cited as the role sheet
        and the terminal cite it ("TIME, July 1957, ..."), never by its id (an envelope, the
        teacher's event, the fates of an ending). Made once an event (shared: do not change
        it); the session's own form, which the save keeps, is left as it is."""
        made = self._page_dicts
        while len(made) <= index:
            made.append(_cited(self.session.scenario, self.session.dict_of(len(made))))
        return made[index]

    def _state_parts(
        self, viewer: str
    ) -> tuple[
        dict[str, Any],
        tuple[int | None, int | None, int | None],
        list[tuple[str, dict[str, Any], int | None, Any]],
        tuple[dict[str, Any], Any, Any] | None,
        dict[str, Any],
    ]:
        """What ``viewer``'s state holds, in order: the first fields; the indices of the
        latest scene, state of play and ending it may see; the open requests it is shown
        (id, public part, countdown, its own part); a seat's sheet (the part that never
        changes, the envelopes opened, the targets); and the fields that follow."""
        session = self.session
        game = session.game
        self._index()

        def latest(kind: type[ev.Event]) -> int | None:
            for index in reversed(self._latest.get(kind, [])):
                if audience.visible(session.events[index], viewer):
                    return index
            return None

        seat = viewer[len("role:") :] if viewer.startswith("role:") else None
        head: dict[str, Any] = {
            "viewer": "seat" if seat else viewer,
            "seq": len(session.events),
            "revision": self.revision,  # with seq: which of two states is the newer
            "run": self.run,
            "class": self.class_id,  # a page finding another class than its own starts afresh
            "scenario": {"id": session.scenario.id, "title": session.scenario.title},
            "mode": session.seating.mode,
            "actions": len(session.log),  # none yet: the class is still joining
            "over": game.over,
            "paused": game.paused,
        }
        ended = latest(ev.GameEnded) if game.over else None  # an undo can take it back
        scene = (latest(ev.PhaseStarted), latest(ev.Status), ended)
        requests = [
            self._request(r, seat)
            for r in game.requests.values()
            if r.kind != "rating" or viewer == ev.TEACHER
        ]
        tail: dict[str, Any] = {}
        if seat is None:
            tail["connected"] = self.presence()
            tail["join_url"] = self.join_url
        else:
            tail["scripted"] = seat in game.scripted  # the phone says who plays it meanwhile
            tail["declared"] = self._declared(seat)  # the stance it declared, and where it is now
        if viewer == ev.TEACHER:
            tail["waiting"] = sorted(self.devices)
            tail["roster"] = [
                {
                    "seat": k.seat,
                    "name": clean(k.name),
                    "code": k.code or None,
                    "claimed": k.claimed,
                    "connected": self.connected.get(ev.for_role(k.seat), 0),
                    "scripted": k.seat in game.scripted,
                    "label": k.label,
                }
                for k in self.keys.values()
            ]
        sheet = None if seat is None else self._sheet(seat, viewer)
        return head, scene, requests, sheet, tail

    def _declared(self, seat: str) -> dict[str, str] | None:
        """The stance ``seat`` last declared and its actor's stance now (the story may have
        moved it since: then the student may declare again), as labels; None before the
        seat declares."""
        game = self.session.game
        room = game.room
        role = room.role(seat) if room is not None else None
        stance = dict(room.state.declarations).get(seat) if room is not None else None
        if role is None or role.actor is None or stance is None:
            return None
        now = str(game.values.get(f"{role.actor}.stance", stance))
        stances = self.session.scenario.stances
        return {"stance": clean(stances.get(stance, stance)), "now": clean(stances.get(now, now))}

    def _share(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()``, made once while no action is taken and nothing else changes what
        pages show (shared by every viewer's state: do not change it)."""
        now = (len(self.session.log), len(self.session.events), self.revision)
        if now != self._shared_at:
            self._shared, self._shared_at = {}, now
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]

    def _request(
        self, request: ev.RequestOpened, seat: str | None
    ) -> tuple[str, dict[str, Any], int | None, Any]:
        """An open request as a viewer's state shows it: its id, the public part (shared),
        its countdown, and what this seat may do there (None: nothing)."""
        entry: dict[str, Any] = self._share(request.request, lambda: self._public(request))
        mine = None
        if seat is not None and seat in request.roles and seat not in self.session.game.scripted:
            mine = self._share((request.request, seat), lambda: self._mine(request, seat))
        return request.request, entry, self.remaining_ms(request.request), mine

    def _public(self, request: ev.RequestOpened) -> dict[str, Any]:
        """What every viewer's state says of an open request (its countdown and what this
        viewer may do there are added for each)."""
        game = self.session.game
        name = self._seat_name
        entry: dict[str, Any] = {
            "request": request.request,
            "name": words.handle(request),  # what the console's lines call it: 'close NAME'
            "kind": request.kind,
            "title": request.title,
            "ballot": request.ballot,
            # what its countdown's end does, for the teacher's page: "the script decides ..."
            "runs_out": self.runs_out(request),
            "remaining_ms": None,
            "voters": [name(s) for s in request.roles],
            "voted": None,
            "waiting": None,
            "count": None,
            "of": None,
            "mine": None,
        }
        if request.kind == "ballot":
            voted = game.voted(request.request)
            seats = [s for s in request.roles if s not in game.scripted]
            entry["count"], entry["of"] = sum(s in voted for s in seats), len(seats)
            # who has voted and who has not, in every kind of ballot; how, never (the room
            # sees a secret ballot's totals only, and a simultaneous one's when it closes)
            entry["voted"] = [name(s) for s in seats if s in voted]
            entry["waiting"] = [name(s) for s in seats if s not in voted]
        elif request.kind == "decision" and request.request in self.hands:
            entry["count"] = len(self.hands[request.request])
            entry["of"] = sum(self.hands_of(request.request, s) for s in request.roles[:1])
        elif request.kind == "rating":  # only the teacher's state holds a rating request
            del entry["mine"]  # which stays last (``_split_entry``)
            entry.update(argument=self._argument(request.request), mine=None)
        return entry

    def _argument(self, rating: str) -> dict[str, Any] | None:
        """The argument a rating request is for, as the teacher rates it: its text, whom it
        is put to, where they stand now, and the stance a success moves them one step
        towards (None: none)."""
        room = self.session.game.room
        argued = next(
            (
                e
                for e in reversed(self.session.events)
                if isinstance(e, ev.Argued) and e.request == rating
            ),
            None,
        )
        role = room.role(argued.seat) if room is not None and argued is not None else None
        if argued is None or role is None or room is None:
            return None
        stances = self.session.scenario.stances
        now = str(self.session.game.values.get(f"{argued.target}.stance", ""))
        towards = room.towards(role)
        return {
            "text": clean(argued.text),
            "target": clean(argued.target_name),
            "stance": clean(stances.get(now, now)) if now else None,
            "towards": clean(stances.get(towards, towards)) if towards else None,
        }

    def _seat_name(self, seat: str) -> str:
        """What the room calls ``seat``, printable (worked out once a seat: a ballot's
        progress names every voter at each vote)."""
        name = self._seat_names.get(seat)
        if name is None:
            name = self._seat_names[seat] = clean(seating.seat_name(self.session.scenario, seat))
        return name

    def _mine(self, request: ev.RequestOpened, seat: str) -> dict[str, Any] | None:
        game = self.session.game
        room = game.room
        assert room is not None
        if request.kind == "decision":
            options = self._share(
                ("options", request.request),
                lambda: [ev.plain(o) for o in request.options],
            )
            if seat.startswith(seating.BENCH):
                return {"do": "hands", "options": options}
            return {"do": "choose" if request.roles[0] == seat else "advise", "options": options}
        if request.kind == "ballot":
            cast = room.state.cast.get(request.request, {}).get(seat)
            # the seat's own reason with its own ballot, to its own phones only (this part of
            # the state is the seat's): a reload shows it, and a changed vote keeps it
            return {
                "do": "cast",
                "choices": list(words.BALLOTS),
                "cast": cast[0] if cast else None,
                "why": cast[1] if cast else None,
            }
        if request.kind == "floor":
            role = room.role(seat)
            phase = game.phase
            if role is None or phase is None:
                return None
            moves = []
            for move in role.moves:
                why = room._usable(seat, move, phase)
                moves.append(
                    {
                        "id": move.id,
                        "label": move.label,
                        "target": move.target,
                        "available": why is None,
                        "reason": why,
                    }
                )
            queued = room.state.queued.get(request.request, ())
            return {
                "do": "move",
                "moves": moves,
                "targets": self._targets(),
                "moved": [q.move for q in queued if q.seat == seat],
            }
        return None

    def _targets(self) -> list[dict[str, str]]:
        scenario = self.session.scenario
        return [
            {"id": a.id, "name": clean(a.name)}
            for a in scenario.actors.values()
            if a.persuadable
            and (self.session.game.room is None or self.session.game.room.holder(a.id) is None)
        ]

    def _index(self) -> None:
        """Where the scenes, states of play, endings and envelopes are among the events."""
        events = self.session.events
        for index in range(self._indexed, len(events)):
            kind = type(events[index])
            if kind in (ev.PhaseStarted, ev.Status, ev.GameEnded, ev.Revealed):
                self._latest.setdefault(kind, []).append(index)
        self._indexed = len(events)

    def _sheet(self, seat: str, viewer: str) -> tuple[dict[str, Any], Any, Any]:
        """A seat's role sheet: what never changes (made once; shared: do not change it), the
        envelopes opened to it, and the targets of moves."""
        fixed = self._sheets.get(seat) or self._fixed_sheet(seat)
        return fixed, self._envelopes_of(viewer)[0], self._share("targets", self._targets)

    def _envelopes_of(self, viewer: str) -> tuple[list[dict[str, Any]], str]:
        """The envelopes opened to ``viewer``, each as its entry in the feed has it (sources
        cited), and the same as JSON: made again when an envelope is opened, not at every
        event (events are only ever added; shared: do not change them)."""
        opened = self._latest.get(ev.Revealed, [])
        kept = self._envelopes.get(viewer)
        if kept is None or kept[0] != len(opened):
            events = self.session.events
            entries = [self.page_dict(i) for i in opened if audience.visible(events[i], viewer)]
            kept = self._envelopes[viewer] = (len(opened), entries, _dumps(entries))
        return kept[1], kept[2]

    def _fixed_sheet(self, seat: str) -> dict[str, Any]:
        scenario = self.session.scenario
        role = scenario.roles.get(seating.role_of(seat))
        sheet: dict[str, Any] = {
            "seat": seat,
            "name": clean(self.keys[seat].name),
            "side": None,
            "brief": "",
            "objectives": [],
            "knows": [],
            "can": [],
            "stances": [{"id": k, "label": v} for k, v in scenario.stances.items()],
        }
        if role is not None:
            side = scenario.sides.get(role.side or "")
            sheet.update(
                # as the role sheet on paper says it: a role of no side is "undecided"
                side=None if role.hidden else (clean(side.name) if side else UNDECIDED),
                brief=role.brief,
                objectives=[o.text for o in role.objectives],
                knows=[
                    {
                        "text": k.text,
                        "sources": [_cite(scenario, s) for s in k.sources],
                        "counterfactual": k.counterfactual,
                    }
                    for k in role.knows
                    if k.at is None
                ],
                can=[c for c in role.can if c in ("declare", "argue", "note")],
            )
        elif seat.startswith(seating.BENCH):
            side = scenario.sides.get(seat[len(seating.BENCH) :])
            sheet["side"] = clean(side.name) if side else None
        self._sheets[seat] = sheet
        return sheet


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _split_entry(entry: dict[str, Any]) -> tuple[str, str]:
    """A request's public part as JSON in two pieces, around its ``remaining_ms`` and
    before its ``mine`` (both None in it), which each viewer's state fills in."""
    text = _dumps(entry)
    blank = '"remaining_ms":null,'
    at = text.index(blank)  # a key: inside a string its quotes would be escaped
    middle = text[at + len(blank) :]
    assert middle.endswith('"mine":null}')
    return text[:at], middle[: -len('"mine":null}')]


def _cite(scenario: Any, source: str) -> str:
    found = scenario.sources.get(source)
    return clean(found.cite) if found is not None else clean(source)


def _cited(scenario: Any, value: Any) -> Any:
    """``value`` (an event's JSON form) with every ``sources`` list in it cited; the same
    object when it has none, and never changed in place (the session's form is shared)."""
    if isinstance(value, dict):
        changed: dict[str, Any] | None = None
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                new = [_cite(scenario, s) if isinstance(s, str) else s for s in item]
            else:
                new = _cited(scenario, item)
            if new is not item:
                changed = changed if changed is not None else dict(value)
                changed[key] = new
        return value if changed is None else changed
    if isinstance(value, list):
        items = [_cited(scenario, item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def _text(body: Mapping[str, Any], key: str, most: int) -> str:
    value = body.get(key, "")
    if not isinstance(value, str):
        raise Rejected(400, f"'{key}' is text")
    if len(value) > most:
        raise Rejected(409, f"'{key}' is longer than {most} characters")
    return clean(value)


def _clock(ms: int) -> str:
    """A countdown's time left as the teacher reads it, in whole seconds rounded up (a
    countdown of 3m just started is 3:00, not 2:59): "2:05"."""
    left = -(-ms // 1000)
    return f"{left // 60}:{left % 60:02d}"


def not_on_the_network(word: str) -> str:
    """Why a console word for one shared keyboard is not used when students have phones."""
    return f"'{word}' is not used on the network: {ON_PHONES}"


WEB_WORDS: dict[str, Callable[[Classroom, str], list[str]]] = {
    "time": Classroom._time,
    "reseat": Classroom._reseat,
    "label": Classroom._label,
    "codes": Classroom._codes,
    "assign": Classroom._assign,
}


def answer_lines(lines: list[str]) -> list[str]:
    """What a console line did, as the teacher's page answers it: every line, up to
    ``ANSWER_LINES``; the first ones of more, and how many are left out."""
    if len(lines) <= ANSWER_LINES:
        return lines
    more = len(lines) - ANSWER_LINES + 1
    return [*lines[: ANSWER_LINES - 1], f"(And {more} lines more: the feeds below have them.)"]


WEB_HELP = (
    (
        "time [REQUEST] 3m | +1m",
        "a countdown of this long from now, or more time on one; when it runs out, what it "
        "times closes as 'close' closes it",
    ),
    ("reseat ROLE", "sign that role's devices out and give it a new join code"),
    (
        'label ROLE "NAME"',
        "your own name for a student, on your page's roster only (never on the projector, "
        "the phones or room.txt)",
    ),
    ("codes", "the join codes of the roles nobody has claimed"),
    ("assign TAG ROLE", "seat a phone with no code: the tag is the one its screen shows"),
)
TIME_MORE = (
    "A request with no countdown waits until it is answered or closed: '+1m' is refused "
    "there, as it would start one. When a countdown runs out, a decision is taken by the "
    "script (whatever the advice), a ballot counts who has not voted by its vote's rule, and "
    "the floor plays out the moves made."
)
TEACHER_LINK = (
    "teacher-link",
    "at the laptop: your page's address and key, for your own phone (not projected)",
)


def network_word(line: str) -> str | None:
    """The word ``line`` asks help for ('help time', '? codes') when it is one only the
    network has (``WEB_HELP``, ``teacher-link``); None for any other line."""
    head, _, rest = line.strip().partition(" ")
    if words.ALIASES.get(head.lower(), head.lower()) != "help" or not rest.split():
        return None
    word = rest.split()[0].lower()
    return word if word in (*WEB_WORDS, TEACHER_LINK[0]) else None
