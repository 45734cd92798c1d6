"""The web classroom's HTTP face: a Starlette app over one ``Classroom``.

Phones, the projector and the teacher's page get static pages from package data, read the
game over server-sent events (each event filtered for the viewer, numbered so a phone that
slept asks again from the last number it has), and act with small JSON posts. Every handler
calls the ``Classroom`` synchronously, with no ``await`` between checking and changing the
game, then wakes the streams. Routes, the state and the stream are described in
docs/classroom-web.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from presidium import events as ev
from presidium.web.classroom import WATCHERS, Classroom, Rejected

SEAT_COOKIE = "presidium_seat"
TEACHER_COOKIE = "presidium_teacher"
MAX_BODY = 4096  # bytes of a post
PING_SECONDS = 15
SEND_TIMEOUT = 10  # seconds a stream may wait for its phone to take what it sent
RETRY_MS = 2000
COOKIE_AGE = 14 * 24 * 3600  # a seat's cookie outlives a week's gap between lessons
FLUSH_SECONDS = 0.005  # how long accepted actions wait to be written together
FLUSH_GAP = 0.05  # in a burst, one write this often on average
FLUSH_BURST = 2  # writes at once after a quiet spell (a teacher's line, then the first votes)
PRESENCE_SECONDS = 0.1  # phones coming and going are told the room and the teacher together
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
ENCODED = [(name.lower().encode(), value.encode()) for name, value in HEADERS.items()]
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript"}


class Hub:
    """Wakes the open streams when the classroom changes, pings them, and tells them when the
    server stops."""

    def __init__(self, classroom: Classroom) -> None:
        self.classroom = classroom
        self.streams: set[EventStream] = set()  # every stream open now
        self.beat = 0  # bumped every PING_SECONDS: each stream then sends a ping
        self.holding = False  # a write is under way: the streams are woken after it
        self.held: bool | None = None  # what it will wake: None nothing, True every stream
        self.closing = asyncio.Event()
        self.drops: dict[str, int] = {}  # viewer -> streams to end now (a test's sleeping phone)
        self.pending: asyncio.Future[None] | None = None  # the next flush, when one is due
        # writes allowed now (a token bucket: one more every FLUSH_GAP, at most FLUSH_BURST),
        # as of the loop's time ``flushed``
        self.allowed, self.flushed = float(FLUSH_BURST), float("-inf")
        self.presence_due = False  # the watchers are woken in a moment for who is connected
        self.syncing: asyncio.Future[None] | None = None  # a write's sync, on a thread
        self.writing: asyncio.Future[None] | None = None  # done once that write is synced
        self.again = False  # a flush came while a sync was under way: it follows the sync
        classroom.listeners.append(self.changed)
        classroom.flush_soon = self.flush_soon

    def flush_soon(self) -> None:
        """Write (and show) what was accepted in a moment, with whatever else arrives by then:
        a ballot's forty votes are written a few times, not forty."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in the server's loop (a test driving the class directly)
            self.classroom.flush()
            return
        if self.pending is None:
            self.pending = loop.create_future()
            # In a burst (a ballot's votes), one write every FLUSH_GAP seconds on average; the
            # first votes after the teacher's line that opened the ballot are not held back
            # by that line's write.
            short = 1.0 - self._allowed(loop.time() + FLUSH_SECONDS)
            loop.call_later(FLUSH_SECONDS + max(0.0, short) * FLUSH_GAP, self._flush)

    def _allowed(self, when: float) -> float:
        """How many writes the bucket allows at the loop's time ``when``."""
        return min(float(FLUSH_BURST), self.allowed + (when - self.flushed) / FLUSH_GAP)

    def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        if self.syncing is not None:  # one write at a time, in order: this one follows it
            self.again = True
            return
        now = loop.time()
        self.allowed, self.flushed = self._allowed(now) - 1.0, now
        pending, self.pending = self.pending, None
        self.holding, self.held = True, None
        sync = None
        try:
            sync = self.classroom.flush()
        finally:
            self.holding = False
            if sync is None:
                self._written(pending)
        if sync is not None:
            # The disk's sync on a thread: a slow disk holds up the answers to what this
            # write holds (an answer means it is saved), not the loop, which goes on serving
            # every page what is already safe.
            self.writing = pending
            self.syncing = loop.run_in_executor(None, sync)
            self.syncing.add_done_callback(lambda done: self._synced(done, pending))

    def _synced(self, done: asyncio.Future[None], pending: asyncio.Future[None] | None) -> None:
        self.syncing = self.writing = None
        self.holding, self.held = True, None
        try:
            self.classroom.synced(done.exception())
        finally:
            self.holding = False
            self._written(pending)
            if self.again:
                self.again = False
                self._flush()

    def _written(self, pending: asyncio.Future[None] | None) -> None:
        """Answer the phones that waited for a write, then wake the streams if it changed
        what they may be sent."""
        if pending is not None and not pending.done():
            pending.set_result(None)
        if self.held is not None:
            # The phones that waited for this write are answered first (the answer's way
            # back to its request takes two turns of the loop), then the streams are sent
            # what changed: a voter is not kept waiting behind forty streams' progress.
            loop = asyncio.get_running_loop()
            loop.call_soon(loop.call_soon, self._wake, self.held)

    async def saved(self) -> None:
        """Wait until what was accepted so far is written and synced: an answer means it is
        saved."""
        for write in [w for w in (self.writing, self.pending) if w is not None]:
            await asyncio.shield(write)

    def changed(self, everyone: bool = True) -> None:
        """Wake the streams: every one, or (``everyone`` false: who is connected changed)
        only the room's and the teacher's, which show it, ``PRESENCE_SECONDS`` later, for
        every phone that came or went meanwhile (a quarter of the class waking at once is
        one presence, not ten). During a write, once the phones waiting for it are answered."""
        if not everyone:
            self._presence_soon()
        elif self.holding:
            self.held = True
        else:
            self._wake(True)

    def _presence_soon(self) -> None:
        if self.presence_due:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in the server's loop (a test driving the class directly)
            self._wake(False)
            return
        self.presence_due = True
        loop.call_later(PRESENCE_SECONDS, self._presence_now)

    def _presence_now(self) -> None:
        self.presence_due = False
        self._wake(False)

    def _wake(self, everyone: bool) -> None:
        for stream in self.streams:
            if everyone or stream.watcher:
                stream.bell.set()

    def drop_streams(self, viewer: str) -> None:
        """End every open stream of ``viewer`` now, as a phone's sleep would (for tests)."""
        self.drops[viewer] = self.drops.get(viewer, 0) + self.classroom.connected.get(viewer, 0)
        self.changed()

    def close(self) -> None:
        self.closing.set()
        self.changed()

    async def tick(self) -> None:
        """Four times a second until the end: close what the countdowns say is over, ping
        every stream when it is time, and end a stream whose phone has taken nothing for
        ``SEND_TIMEOUT`` seconds (gone without hanging up: its answers would pile up)."""
        loop = asyncio.get_running_loop()
        beat_at = loop.time() + PING_SECONDS
        while not self.closing.is_set():
            self.classroom.tick()
            now = loop.time()
            if now >= beat_at:
                beat_at, self.beat = now + PING_SECONDS, self.beat + 1
                self.changed()
            for stream in list(self.streams):
                if stream.sending is not None and now - stream.sending > SEND_TIMEOUT:
                    stream.give_up()
            await asyncio.sleep(0.25)


class Limits:
    """ASGI middleware: the security headers on every answer, and bodies over 4 KB refused."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _too_large(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > MAX_BODY:
                    raise _TooLarge
            return message

        async def headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [h for h in ENCODED if h[0] not in present]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, counted, headed)
        except _TooLarge:
            await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = json.dumps({"error": "the request is too large"}).encode()
    headers = [(b"content-type", b"application/json")]
    headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _page(name: str) -> bytes:
    return resources.files("presidium.web.static").joinpath(name).read_bytes()


SERVER_SEND = "presidium.server_send"  # the scope's key for the server's own ``send``


class _App(Starlette):
    """Starlette, keeping the server's own ``send`` in the scope: an event stream sends its
    answer's start through the middleware (the security headers, an error page while
    nothing is sent), then each piece of its body straight to the server (at every write
    of a ballot's votes, to every phone, the middleware's wrappers only pass it on)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[SERVER_SEND] = send
        await super().__call__(scope, receive, send)


def create_app(classroom: Classroom, hub: Hub | None = None) -> Starlette:
    """The app for one class. ``hub`` (made here if not given) wakes and ends the streams."""
    hub = hub or Hub(classroom)
    pages: dict[str, bytes] = {}

    def static(name: str) -> Response:
        suffix = name[name.rfind(".") :] if "." in name else ""
        if suffix not in TYPES or "/" in name or name.startswith("."):
            return JSONResponse({"error": "not found"}, status_code=404)
        if name not in pages:
            try:
                pages[name] = _page(name)
            except (FileNotFoundError, OSError):
                return JSONResponse({"error": "not found"}, status_code=404)
        return Response(pages[name], media_type=TYPES[suffix])

    def viewer(request: Request) -> str:
        """Who asks: what the page says it is (``?view=room``, its headers) before what the
        browser's cookies say, so a projector opened in a browser that also joined as a phone
        or the teacher still gets the room's view."""
        if request.query_params.get("view") == "room":
            return "room"
        key = request.headers.get("x-presidium-key")
        if key and classroom.is_teacher(key):
            return ev.TEACHER
        seat = classroom.seat_of(request.headers.get("x-presidium-seat"))
        if seat is None:
            seat = classroom.seat_of(request.cookies.get(SEAT_COOKIE))
        if seat is not None:
            return ev.for_role(seat)
        if classroom.is_teacher(request.cookies.get(TEACHER_COOKIE)):
            return ev.TEACHER
        return "room"

    def set_seat(response: Response, token: str) -> None:
        response.set_cookie(
            SEAT_COOKIE, token, httponly=True, samesite="strict", max_age=COOKIE_AGE
        )

    def token_of(request: Request) -> str | None:
        return request.headers.get("x-presidium-seat") or request.cookies.get(SEAT_COOKIE)

    async def body_of(request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise Rejected(400, "the request is not JSON") from None
        if not isinstance(body, dict):
            raise Rejected(400, "the request is not a JSON object")
        return body

    def answering(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except Rejected as exc:
                return JSONResponse({"error": exc.reason}, status_code=exc.status)

        return wrapped

    async def phone_page(_request: Request) -> Response:
        return static("phone.html")

    async def room_page(_request: Request) -> Response:
        return static("room.html")

    async def teacher_page(_request: Request) -> Response:
        return static("teacher.html")

    async def static_file(request: Request) -> Response:
        return static(str(request.path_params["name"]))

    async def qr(_request: Request) -> Response:
        from presidium.web.network import qr_svg

        return Response(qr_svg(classroom.join_url or "/"), media_type="image/svg+xml")

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    @answering
    async def join(request: Request) -> Response:
        body = await body_of(request)
        code = body.get("code")
        if not isinstance(code, str) or not code.strip():
            raise Rejected(400, "type the join code from your role sheet")
        address = request.client.host if request.client else "?"
        seat, name, token = classroom.join(code, address)
        response = JSONResponse({"seat": seat, "name": name, "token": token})
        response.set_cookie(SEAT_COOKIE, token, httponly=True, samesite="strict", max_age=12 * 3600)
        return response

    async def leave(_request: Request) -> Response:
        response = JSONResponse({"ok": True})
        response.delete_cookie(SEAT_COOKIE, httponly=True, samesite="strict")
        return response

    async def state(request: Request) -> Response:
        await hub.saved()  # what is not written yet is no page's to see (and has no countdown)
        who = viewer(request)
        body = classroom.state(who)
        tag = classroom.tag_of(token_of(request)) if body["viewer"] == "room" else None
        if tag is not None:  # a phone waiting for the teacher to seat it
            body["viewer"], body["device"] = "device", tag
        response = JSONResponse(body)
        token = request.headers.get("x-presidium-seat")
        if who.startswith("role:") and token and request.cookies.get(SEAT_COOKIE) != token:
            # the page kept its token but the browser lost the cookie (a day later, say): the
            # stream, which can send only cookies, needs it back
            set_seat(response, token)
        return response

    @answering
    async def device(request: Request) -> Response:
        address = request.client.host if request.client else "?"
        tag, token = classroom.device(address)
        response = JSONResponse({"device": tag, "token": token})
        response.set_cookie(SEAT_COOKIE, token, httponly=True, samesite="strict", max_age=12 * 3600)
        return response

    @answering
    async def act(request: Request) -> Response:
        body = await body_of(request)
        token = token_of(request)
        seat = classroom.seat_of(token)
        if seat is None or token is None:
            raise Rejected(401, "this device holds no role: join with your code")
        if body.get("do") == "hands":
            answer = classroom.raise_hand(seat, token, body)
        else:
            answer = classroom.act(seat, body)
        await hub.saved()
        return JSONResponse(answer)

    @answering
    async def teacher_login(request: Request) -> Response:
        body = await body_of(request)
        key = body.get("key")
        if not isinstance(key, str) or not classroom.is_teacher(key):
            raise Rejected(403, "that is not this class's teacher key")
        response = JSONResponse({"ok": True})
        response.set_cookie(TEACHER_COOKIE, key, httponly=True, samesite="strict")
        return response

    @answering
    async def teacher(request: Request) -> Response:
        if viewer(request) != ev.TEACHER:
            raise Rejected(403, "the teacher's key is needed")
        body = await body_of(request)
        line = body.get("line")
        if not isinstance(line, str):
            raise Rejected(400, "send the console line as 'line'")
        confirm = classroom.confirming(line)  # a 'reveal' asked about: the line that confirms it
        said = classroom.teacher_line(line)
        await hub.saved()
        seq = len(classroom.session.events)
        return JSONResponse({"ok": True, "said": said, "seq": seq, "confirm": confirm})

    async def stream(request: Request) -> Response:
        who = viewer(request)
        token = token_of(request)
        device = who == "room" and token and request.query_params.get("view") != "room"
        if device and classroom.tag_of(token) is None:
            return JSONResponse({"error": "this device's role was signed out"}, status_code=401)
        last = request.headers.get("last-event-id") or request.query_params.get("after") or "0"
        after = int(last) if last.isdigit() else 0
        return EventStream(hub, who, after, waiting_device=bool(device))

    routes = [  # the two asked for most first: a route is found by trying each in turn
        Route("/api/act", act, methods=["POST"]),
        Route("/api/stream", stream),
        Route("/", phone_page),
        Route("/room", room_page),
        Route("/teacher", teacher_page),
        Route("/static/{name}", static_file),
        Route("/qr.svg", qr),
        Route("/healthz", healthz),
        Route("/api/join", join, methods=["POST"]),
        Route("/api/device", device, methods=["POST"]),
        Route("/api/leave", leave, methods=["POST"]),
        Route("/api/state", state),
        Route("/api/teacher/login", teacher_login, methods=["POST"]),
        Route("/api/teacher", teacher, methods=["POST"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        ticker = asyncio.create_task(hub.tick())
        try:
            yield
        finally:
            hub.close()
            ticker.cancel()

    app = _App(routes=routes, lifespan=lifespan, middleware=[Middleware(Limits)])
    app.state.hub = hub
    return app


STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"x-accel-buffering", b"no"),  # a proxy in between must not hold events back
]
OPENING = f": presidium\nretry: {RETRY_MS}\n\n".encode()
PING = b"event: ping\ndata: {}\n\n"  # an event, not a comment: a page's watchdog hears it
BYE = b"event: bye\ndata: {}\n\n"
WAIT_STATE = b"event: state\ndata: {}\n\n"


class EventStream(Response):
    """One viewer's server-sent events, as a response that writes bytes straight to the
    connection.

    What it missed since ``after`` and its state now, then each event as it happens, each
    batch followed by the viewer's new state when it changed what the page draws (the same
    bytes for every page of that viewer). A phone still waiting for a seat is told only that
    its state changed. The stream ends when the server stops (``bye``), when a test drops it,
    when the page hangs up, or when the phone takes nothing for ``SEND_TIMEOUT`` seconds.

    It is ours rather than a library's because of what a ballot costs: forty phones are sent
    something at every write of the votes, and a general-purpose SSE response wraps every
    send in a task group and a timeout of its own, which cost the server more than the
    encoding. Here a stream has one task that sends and one that listens for the page
    hanging up, for its whole life; the hub wakes it, pings it and watches for a phone gone
    silent.
    """

    def __init__(self, hub: Hub, viewer: str, after: int, waiting_device: bool) -> None:
        self.status_code = 200
        self.background = None
        self.raw_headers = list(STREAM_HEADERS)
        self.hub = hub
        self.viewer = viewer
        self.after = after
        self.waiting_device = waiting_device
        self.watcher = viewer in WATCHERS
        self.bell = asyncio.Event()  # rung by the hub: something may be new
        self.sending: float | None = None  # since when a send waits for the phone
        self.sender: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        send = scope.get(SERVER_SEND, send)  # the body: straight to the server
        sender = self.sender = asyncio.ensure_future(self._send_all(send))
        listener = asyncio.ensure_future(_hang_up(receive))
        try:
            await asyncio.wait((sender, listener), return_when=asyncio.FIRST_COMPLETED)
        finally:
            sender.cancel()
            listener.cancel()
            await asyncio.wait((sender, listener))
        if sender.cancelled():
            return  # the page hung up or stopped taking what it is sent: nobody to end it to
        sender.result()  # a failure is the server's to log
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def give_up(self) -> None:
        """The phone has not taken what it was sent for too long: end the stream."""
        if self.sender is not None:
            self.sender.cancel()

    async def _send_all(self, send: Send) -> None:
        hub = self.hub
        classroom = hub.classroom
        viewer = self.viewer
        loop = asyncio.get_running_loop()
        hub.streams.add(self)
        classroom.connect(viewer)
        last = self.after
        presence: dict[str, int] | None = None
        revision = classroom.revision
        beat = hub.beat
        # the page's state is due (a page (re)connecting is sent its whole picture, with what
        # it missed): it is sent once no accepted action waits to be written, since it shows
        # what those did
        due = True
        # first of all, which class this is: a page left open from another class (a new one
        # started on the same port) starts afresh before it takes any of this one's events
        hello = json.dumps({"class": classroom.class_id})
        frames = OPENING + f"event: hello\ndata: {hello}\n\n".encode()
        try:
            while True:
                self.bell.clear()
                # nothing reaches a page before it is in the folder: the events written so
                # far go now, even while a ballot's later votes wait for their write
                upto = classroom.published()
                missed, anew = classroom.frames(viewer, last, upto)
                frames += missed
                last = max(last, upto)
                if classroom.revision != revision:
                    revision, anew = classroom.revision, True
                due = due or anew
                if due and not classroom.waiting():
                    frames += WAIT_STATE if self.waiting_device else classroom.state_frame(viewer)
                    due = False
                if self.watcher:
                    now = classroom.presence()
                    if now != presence:
                        presence = now
                        frames += f"event: presence\ndata: {json.dumps(now)}\n\n".encode()
                if hub.beat != beat:
                    beat, frames = hub.beat, frames + PING
                if hub.closing.is_set():
                    await send(
                        {"type": "http.response.body", "body": frames + BYE, "more_body": True}
                    )
                    return
                if frames:
                    self.sending = loop.time()
                    await send({"type": "http.response.body", "body": frames, "more_body": True})
                    self.sending = None
                    frames = b""
                if hub.drops.get(viewer, 0) > 0:
                    hub.drops[viewer] -= 1
                    return
                await self.bell.wait()
        finally:
            hub.streams.discard(self)
            classroom.disconnect(viewer)


async def _hang_up(receive: Receive) -> None:
    """Return when the page hangs up."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def run_server(server: Any, hub: Hub | None, sockets: list[Any] | None = None) -> None:
    """Run a ``uvicorn.Server`` until it is told to stop, ending every stream of ``hub`` (a
    class's; none for the doctor's test page) at once then.

    Uvicorn's graceful shutdown waits for open responses, and an event stream never ends by
    itself (phones never hang up): so as soon as the server is asked to stop, each stream is
    told ``bye`` and finishes, and the server stops in well under its grace period.

    Uvicorn tells the connections it has to close once, as it stops listening; a phone's
    connection taken in at that moment joins them a turn of the loop later, is never told,
    and would keep the server waiting out its grace period, then be left open. So every
    connection is told here too, as long as the server is stopping, and whatever is still
    open once it has stopped is closed.
    """
    state = server.server_state  # uvicorn's own record of the open connections

    async def watch() -> None:
        while not server.should_exit:
            await asyncio.sleep(0.05)
        if hub is not None:
            hub.close()
        told: set[Any] = set()
        while True:
            for connection in list(state.connections):
                if connection not in told:
                    told.add(connection)
                    connection.shutdown()  # closes it now if idle, else after its answer
            await asyncio.sleep(0.05)

    watcher = asyncio.create_task(watch())
    try:
        await server.serve(sockets=sockets)
    finally:
        watcher.cancel()
        left = [c.transport for c in list(state.connections)]
        for transport in left:
            transport.abort()
        if left:
            await asyncio.sleep(0)  # the sockets close in the loop's next turn
