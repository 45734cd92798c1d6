"""Load on the web classroom: N simulated phones against a real ``presidium class serve``.

    python benchmarks/classroom_load.py                  # 40 phones, then 250
    python benchmarks/classroom_load.py --phones 40 --json

Each run starts ``presidium class serve june_1957`` on 127.0.0.1 (a free port, a fixed seed)
and drives a class over loopback, as the design's prototype was measured: the server pinned to
core 0 and this load generator to core 1 where the system allows it. The teacher plays the
game through ``/api/teacher`` (the console's ``close`` and ``inject`` words) until each ballot
opens; every phone holds an event stream and takes its state from it, as the pages do (a
stream starts with the page's state, and sends it again after the events that change what the
page may do), and votes 0-50 ms after the ballot reaches its stream. At the second
ballot a quarter of the phones drop their stream and come back 0.3-0.6 s later with
``Last-Event-ID``; every phone must end with exactly the events its seat may see, each once.

Phones beyond the scenario's seats share seats (phone i holds seat i mod seats): a seat may
have several devices, so a 40-phone class is 25 roles, 15 of them on two phones. Each phone
comes from its own loopback address (127.0.x.y), as phones on a school network do, so the
per-address join limit holds as it would in class.

Figures: vote -> acknowledgement, publish -> phone (from the POST that made an event to its
arrival on each phone's live stream), ballot round time, server CPU per ballot (from /proc),
peak server RSS (VmHWM) and the reconnect catch-up, each beside its target. Bounded: at most
400 phones, a time limit per round and per class; the server is stopped on every way out.
Nothing here runs in the unit tests (tests/test_classroom_load.py only runs a tiny class).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx

SCENARIO = "june_1957"
SEED = 7
MAX_PHONES = 400
MIN_STUDENTS, MAX_STUDENTS = 5, 25  # what june_1957 seats by roles
VOTE_DELAY = (0.0, 0.05)  # seconds after the ballot reaches the phone
BACK_AFTER = (0.3, 0.6)  # a dropped phone's sleep
STATE_DEBOUNCE = 0.1  # a page told "changed" with no state fetches it this long after
RETRY_SECONDS = 2.0  # the stream's "retry:" when the server ends it
ROUND_SECONDS = 30.0
CLASS_SECONDS = 300.0
TEACHER_LINES = 200
START_SECONDS = 30.0
CHOICES = ("for", "against", "abstain")

# (figure, phones, limit, unit): the targets at 40 phones, the design's at 250
TARGETS = {
    40: {"ack_p99_ms": 100.0, "delivery_p99_ms": 100.0, "cpu_per_ballot_ms": 50.0, "rss_mb": 80.0},
    250: {"ack_p99_ms": 1000.0, "delivery_p99_ms": 1000.0, "rss_mb": 120.0},
}


def now() -> float:
    return time.perf_counter()


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile (p in 0..100), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# ---------------------------------------------------------------------- the server


# The server under cProfile, timed by CPU (as the figures are), not by the wall clock: a
# server waiting for the disk or for the other processes of a shared machine is not charged.
# It profiles only while the load generator says so: SIGUSR1 starts a new profile (and drops
# one still running: the teacher's line it covered opened no ballot), SIGUSR2 ends one and
# keeps it (a ballot's round). What is kept is added up at the end: the ballots only.
PROFILED = """
import cProfile, pstats, runpy, signal, sys, time
out = sys.argv.pop(1)
sys.argv[0] = "presidium"
kept, running = [], []

def start(*_):
    while running:
        running.pop().disable()
    running.append(cProfile.Profile(time.process_time))
    running[-1].enable()

def stop(*_):
    while running:
        profile = running.pop()
        profile.disable()
        kept.append(profile)

if hasattr(signal, "SIGUSR1"):
    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
else:  # no such signals here: the whole run
    start()
try:
    runpy.run_module("presidium", run_name="__main__", alter_sys=True)
finally:
    if not hasattr(signal, "SIGUSR1"):
        stop()
    while running:
        running.pop().disable()
    if kept:
        stats = pstats.Stats(kept[0])
        for profile in kept[1:]:
            stats.add(profile)
        stats.dump_stats(out)
"""


class Server:
    """``presidium class serve`` in a subprocess, pinned to core 0; stopped on every exit."""

    def __init__(
        self, students: int, pin: bool, profile: Path | None = None, perf: Path | None = None
    ) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="presidium-load-")
        place = Path(self.folder.name)
        self.port = _free_port()
        self.out_path = place / "stdout.txt"
        self.err_path = place / "stderr.txt"
        env = dict(os.environ, PRESIDIUM_DATA_DIR=str(place / "data"), PYTHONUNBUFFERED="1")
        env.pop("PRESIDIUM_UPDATE_GOLDEN", None)
        if perf is not None:  # Python 3.12 and later name its functions to perf
            env["PYTHONPERFSUPPORT"] = "1"
        command = [sys.executable, "-m", "presidium", "class", "serve", SCENARIO]
        if profile is not None:  # cProfile slows the server down: its figures are not the real ones
            command[1:3] = ["-c", PROFILED, str(profile)]
        command += ["--students", str(students), "--seed", str(SEED)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--plain", "--width", "100"]
        with self.out_path.open("w") as out, self.err_path.open("w") as err:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=out, stderr=err, text=True, env=env
            )
        self.pinned = pin and self.pin({0})
        self.url = f"http://127.0.0.1:{self.port}"
        self.profiled = profile is not None
        self.perf_data = perf
        self.perf: subprocess.Popen[bytes] | None = None
        self.windows: list[tuple[float, float]] = []  # the ballot rounds, CLOCK_MONOTONIC
        self.opened_at: float | None = None

    def profile(self, on: bool) -> None:
        """Under ``--profile``: profile the server from now, dropping what the last ``on``
        started (``on``), or stop and keep what was profiled since the last ``on``."""
        clock = time.clock_gettime(time.CLOCK_MONOTONIC)
        if on:
            self.opened_at = clock
        elif self.opened_at is not None:
            self.windows.append((self.opened_at, clock))
            self.opened_at = None
        if self.profiled and self.process.poll() is None and hasattr(signal, "SIGUSR1"):
            self.process.send_signal(signal.SIGUSR1 if on else signal.SIGUSR2)

    def start_perf(self) -> None:
        """Under ``--perf``: Linux's perf samples the server's CPU from now until it stops."""
        if self.perf_data is not None:
            self.perf = subprocess.Popen(
                [
                    *("perf", "record", "-q", "-k", "CLOCK_MONOTONIC", "-e", "cpu-clock"),
                    *("-F", "2000", "--call-graph", "dwarf,8192", "-p", str(self.process.pid)),
                    *("-o", str(self.perf_data)),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def pin(self, cores: set[int]) -> bool:
        """Pin every thread of the server (those made later inherit it from the main one)."""
        try:
            for task in os.listdir(f"/proc/{self.process.pid}/task"):
                os.sched_setaffinity(int(task), cores)
        except (OSError, AttributeError):
            return False
        return True

    def say(self, line: str) -> None:
        """A line typed at the teacher's console."""
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    async def teacher_key(self) -> str:
        """The teacher's key, from the console's ``teacher-link`` word; waits for /healthz."""
        self.say("teacher-link")
        deadline = now() + START_SECONDS
        key = None
        while key is None:
            if self.process.poll() is not None or now() > deadline:
                raise RuntimeError("the server did not start: " + self.err_path.read_text()[-800:])
            found = re.search(r"teacher#key=([A-Za-z0-9_-]+)", self.out_path.read_text())
            key = found.group(1) if found else None
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as probe:
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if (await probe.get("/healthz")).status_code == 200:
                        break
                if self.process.poll() is not None or now() > deadline:
                    raise RuntimeError("the server does not answer /healthz")
                await asyncio.sleep(0.05)
        if self.pinned:
            self.pin({0})
        return key

    def cpu(self) -> float:
        """Seconds of CPU the server has used: every thread's run time (ns) from schedstat,
        or utime + stime from /proc/PID/stat (10 ms steps) where schedstat is missing."""
        pid = self.process.pid
        try:
            total = 0
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                    total += int(stat.read().split()[0])
            if total:
                return total / 1e9
        except (OSError, ValueError, IndexError):
            pass
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")

    def peak_mb(self) -> float:
        """The server's peak resident memory (VmHWM), in MB."""
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self) -> None:
        """``quit`` at the console; Ctrl-C, then kill, if it does not stop in a few seconds."""
        if self.perf is not None:
            self.perf.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.perf.wait(30)
        try:
            if self.process.poll() is None:
                with contextlib.suppress(OSError, ValueError):
                    self.say("quit")
                    assert self.process.stdin is not None
                    self.process.stdin.close()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(5)
                if self.process.poll() is None:
                    self.process.send_signal(signal.SIGINT)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        self.process.wait(5)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(5)
            self.folder.cleanup()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------------- phones and pages


@dataclass
class Received:
    seq: int
    at: float  # arrival, perf_counter seconds
    opened: float  # when the stream it came on was asked for
    back: bool  # that stream was a return after a drop


@dataclass
class Vote:
    request: str
    sent: float
    answered: float
    status: int
    seq: int | None


class Class:
    """One class in progress: the server, the teacher, the room and the phones."""

    def __init__(self, server: Server, phones: int, rng: random.Random) -> None:
        self.server = server
        self.rng = rng
        self.count = phones
        self.causes: list[tuple[int, float]] = []  # (events after it, when the POST was sent)
        self.votes: list[Vote] = []
        self.gate = asyncio.Event()  # votes wait while the teacher's line has no number yet
        self.gate.set()
        self.gate_waits: list[float] = []
        self.closed_seen: dict[str, int] = {}
        self.busy = 0  # state fetches waiting or in flight, on every page
        self.fetches = 0  # /api/state answered, on every page
        self.pushed = 0  # states the streams sent, on every page
        self.restarts = 0  # streams the server ended unasked, opened again
        self.pages: list[Page] = []
        self.phones: list[Phone] = []
        self.reference: dict[str, list[int]] = {}  # seat -> the events a new stream gives it
        self.tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """A task kept until it ends (and cancelled with the class)."""
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task


class Page:
    """A page with an event stream: the room, the teacher or a phone."""

    def __init__(self, room: Class, name: str, headers: dict[str, str], address: str | None):
        self.room = room
        self.name = name
        self.headers = headers
        transport = httpx.AsyncHTTPTransport(local_address=address) if address else None
        self.http = httpx.AsyncClient(
            base_url=room.server.url,
            headers=headers,
            timeout=httpx.Timeout(20.0, read=60.0),
            transport=transport,
        )
        self.received: list[Received] = []
        self.last = 0
        self.stream_task: asyncio.Task[None] | None = None
        self.state_timer: asyncio.TimerHandle | None = None
        self.connected = asyncio.Event()
        self.returns: list[tuple[float, int]] = []  # (stream asked for again, last seq then)
        self.asleep = False

    def open(self, back: bool = False) -> None:
        self.stream_task = asyncio.create_task(self._keep(back))

    async def _keep(self, back: bool) -> None:
        """The stream, opened again 2 s after the server ends it unasked (as the page does
        on an error: the server gives up on a stream it cannot write to in 10 s)."""
        while True:
            try:
                if await self._stream(back):
                    return
            except httpx.TransportError:
                pass
            self.room.restarts += 1
            self.connected.clear()
            await asyncio.sleep(RETRY_SECONDS)
            back = True

    async def drop(self) -> None:
        """The phone sleeps: its stream ends (the page's timers too)."""
        self.asleep = True
        self.connected.clear()
        if self.stream_task is not None:
            self.stream_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                await self.stream_task
        if self.state_timer is not None:
            self.state_timer.cancel()
            self.state_timer = None
            self.room.busy -= 1

    def wake(self) -> None:
        """Back from sleep: the stream from the last event seen (it sends the whole picture)."""
        self.asleep = False
        self.returns.append((now(), self.last))
        self.open(back=True)

    async def _stream(self, back: bool) -> bool:
        """One stream until it ends: whether the server said goodbye."""
        headers = {"Last-Event-ID": str(self.last)} if self.last else {}
        opened = now()
        async with self.http.stream("GET", "/api/stream", headers=headers) as response:
            if response.status_code != 200:
                raise RuntimeError(f"{self.name}: stream answered {response.status_code}")
            self.connected.set()
            event, data, ident = "", "", ""
            rest = ""
            async for chunk in response.aiter_text():
                # What arrived is stamped as it arrives: the phones of a class read their
                # streams at once, each on its own processor, where this one process reads
                # them in turn; the time it takes over the lines before is not the server's.
                at = now()
                *lines, rest = (rest + chunk).split("\n")
                for line in lines:
                    if line:
                        name, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if name == "event":
                            event = value
                        elif name == "data":
                            data = value
                        elif name == "id":
                            ident = value
                        continue
                    if self._event(event, data, ident, at, opened, back):
                        return True
                    event, data, ident = "", "", ""
        return False

    def _event(
        self, event: str, data: str, ident: str, at: float, opened: float, back: bool
    ) -> bool:
        """One event of the stream, as the page takes it: whether it is the server's goodbye."""
        if event == "game" and ident.isdigit():
            seq = int(ident)
            if seq > self.last:  # the page ignores what it has seen
                self.last = seq
                self.received.append(Received(seq, at, opened, back))
                if '"type":"request"' in data or '"type":"closed"' in data:  # what it acts on
                    self.game(json.loads(data))
        elif event == "state":
            state = json.loads(data)
            if state.get("viewer"):  # the page's new state, in the stream
                self.room.pushed += 1
                self.state(state)
            else:
                self.soon(STATE_DEBOUNCE)
        return event == "bye"

    def game(self, event: dict[str, Any]) -> None:
        if event.get("type") == "closed":
            request = str(event.get("request"))
            self.room.closed_seen[request] = self.room.closed_seen.get(request, 0) + 1

    def soon(self, delay: float) -> None:
        """/api/state once a batch of events has arrived, as the pages do."""
        loop = asyncio.get_running_loop()
        if self.state_timer is not None:
            self.state_timer.cancel()
        else:
            self.room.busy += 1
        self.state_timer = loop.call_later(delay, self._fetch_state)

    def _fetch_state(self) -> None:
        self.state_timer = None
        self.room.spawn(self._state())

    async def _state(self) -> None:
        try:
            answer = await self.http.get("/api/state")
            self.room.fetches += 1
            if answer.status_code == 200 and not self.asleep:
                self.state(answer.json())
        finally:
            self.room.busy -= 1

    def state(self, state: dict[str, Any]) -> None:
        pass


class Phone(Page):
    """A student's phone: a seat's token, and a vote in each ballot its seat has."""

    def __init__(self, room: Class, index: int, seat: str, token: str, address: str | None):
        super().__init__(room, f"phone {index}", {"X-Presidium-Seat": token}, address)
        self.index = index
        self.seat = seat
        self.voted: set[str] = set()
        self.closed: set[str] = set()
        self.pending: dict[str, asyncio.Task[None]] = {}

    def game(self, event: dict[str, Any]) -> None:
        super().game(event)
        kind = event.get("type")
        if kind == "request" and event.get("kind") == "ballot":
            if self.seat in event.get("roles", ()):
                self.vote_soon(str(event["request"]))
        elif kind == "closed":
            self.closed.add(str(event.get("request")))

    def state(self, state: dict[str, Any]) -> None:
        for request in state.get("requests", ()):
            mine = request.get("mine") or {}
            if mine.get("do") == "cast":
                self.vote_soon(str(request["request"]))

    def vote_soon(self, request: str) -> None:
        if request in self.voted or request in self.pending or request in self.closed:
            return
        self.pending[request] = self.room.spawn(self._vote(request))

    async def drop(self) -> None:
        for task in self.pending.values():
            task.cancel()
        self.pending.clear()
        await super().drop()

    async def _vote(self, request: str) -> None:
        try:
            await asyncio.sleep(self.room.rng.uniform(*VOTE_DELAY))
            if not self.room.gate.is_set():
                waited = now()
                await self.room.gate.wait()
                self.room.gate_waits.append(now() - waited)
            if request in self.closed:
                return
            # every phone of a seat votes the same way, so the game takes one path each run
            choice = CHOICES[sum(map(ord, self.seat + request + str(SEED))) % len(CHOICES)]
            body = {"nonce": f"vote-{self.index}-{len(self.voted)}-{request}"[:64]}
            body.update(do="cast", request=request, ballot=choice)
            sent = now()
            answer = await self.http.post("/api/act", json=body)
            answered = now()
            seq = answer.json().get("seq") if answer.status_code == 200 else None
            self.room.votes.append(Vote(request, sent, answered, answer.status_code, seq))
            if seq is not None:
                self.room.causes.append((int(seq), sent))
            self.voted.add(request)
        finally:
            self.pending.pop(request, None)


# ---------------------------------------------------------------------- the class


@dataclass
class Round:
    request: str
    ballot: str
    voters: int  # student seats with a vote
    seconds: float = 0.0
    cpu: float = 0.0
    # the round's CPU in three parts: the teacher's line that opened it (its scene and text
    # too), the votes until the ballot closed, and what the close did (results, next scene)
    cpu_open: float = 0.0
    cpu_votes: float = 0.0
    cpu_close: float = 0.0
    dropped: int = 0
    closed_by_teacher: bool = False
    events: int = 0  # game events the ballot made (each goes to every page that may see it)
    fetches: int = 0  # /api/state fetched by the pages during the round
    pushed: int = 0  # states sent in the pages' streams during the round


@dataclass
class Result:
    phones: int
    students: int
    rounds: list[Round] = field(default_factory=list)
    lines: int = 0
    failure: str = ""


async def play(
    phones: int,
    ballots: int | None,
    pin: bool,
    limit: float,
    profile: Path | None = None,
    perf: Path | None = None,
) -> tuple[Result, dict[str, Any]]:
    """One class of ``phones`` phones: the measurements, raw, and the figures."""
    students = max(MIN_STUDENTS, min(MAX_STUDENTS, phones))
    result = Result(phones, students)
    server = Server(students, pin, profile, perf)
    room: Class | None = None
    started = now()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    try:
        key = await server.teacher_key()
        server.start_perf()
        room = Class(server, phones, random.Random(SEED))
        try:
            await asyncio.wait_for(drive(room, key, result, ballots), limit)
        except asyncio.TimeoutError:
            result.failure = f"the class did not finish within {limit:.0f} s"
        except (RuntimeError, httpx.HTTPError) as exc:
            result.failure = f"{type(exc).__name__}: {exc}"
        figures = measure(room, result, server)
        figures["server_peak_rss_mb"] = round(server.peak_mb(), 1)
        figures["server_cpu_whole_run_s"] = round(server.cpu(), 3)
    finally:
        if room is not None:
            for task in list(room.tasks):
                task.cancel()
            for page in room.pages:
                if page.stream_task is not None:
                    page.stream_task.cancel()
            for page in room.pages:
                with contextlib.suppress(Exception):
                    await page.http.aclose()
        server.stop()
    if perf is not None:
        figures["perf"] = perf_breakdown(perf, server.windows)
    used = resource.getrusage(resource.RUSAGE_SELF)
    figures["load_generator_cpu_s"] = round(
        used.ru_utime - cpu_before.ru_utime + used.ru_stime - cpu_before.ru_stime, 3
    )
    figures["wall_s"] = round(now() - started, 2)
    figures["pinned"] = server.pinned
    return result, figures


def address_of(index: int) -> str:
    """Phone ``index``'s own loopback address (all of 127/8 reaches this machine on Linux)."""
    return f"127.0.{1 + index // 250}.{2 + index % 250}"


async def drive(room: Class, key: str, result: Result, ballots: int | None) -> None:
    teacher = Page(room, "teacher", {"X-Presidium-Key": key}, None)
    projector = Page(room, "room", {}, None)
    room.pages += [teacher, projector]
    state = (await teacher.http.get("/api/state")).json()
    codes = [(r["seat"], r["code"]) for r in state["roster"] if r["code"]]
    for index in range(room.count):
        seat, code = codes[index % len(codes)]
        http = httpx.AsyncClient(
            base_url=room.server.url,
            transport=httpx.AsyncHTTPTransport(local_address=address_of(index)),
        )
        async with http:
            answer = await http.post("/api/join", json={"code": code})
        if answer.status_code != 200:
            raise RuntimeError(f"phone {index} could not join: {answer.text}")
        phone = Phone(room, index, seat, answer.json()["token"], address_of(index))
        room.phones.append(phone)
        room.pages.append(phone)
    for page in room.pages:
        page.open()
    await asyncio.wait_for(asyncio.gather(*(p.connected.wait() for p in room.pages)), ROUND_SECONDS)
    await quiet(room)
    start_seq = (await teacher.http.get("/api/state")).json()["seq"]
    room.causes.append((start_seq, 0.0))  # what came before is not timed

    from presidium import catalog  # the injection's window, from the scenario itself

    scenario = catalog.open_scenario(SCENARIO).scenario
    window = scenario.injections["straw_poll"].window
    seen: set[str] = set()
    injected = False
    while result.lines < TEACHER_LINES:
        state = (await teacher.http.get("/api/state")).json()
        if state["over"] or (ballots is not None and len(result.rounds) >= ballots):
            break
        scene = (state.get("scene") or {}).get("phase")
        if not injected and scene in window:
            line, injected = "inject straw_poll", True
        elif state["requests"]:
            line = f"close {state['requests'][0]['request']}"
        else:
            raise RuntimeError("the game waits for nothing the teacher can close")
        drop = len(result.rounds) == 1 or (ballots == 1 and not result.rounds)
        cpu, fetches, pushed, seq = room.server.cpu(), room.fetches, room.pushed, state["seq"]
        room.server.profile(True)  # kept only if the line opens a ballot (a new one drops it)
        sent, state = await teacher_says(room, teacher, line)
        result.lines += 1
        opened = [
            r for r in state["requests"] if r["kind"] == "ballot" and r["request"] not in seen
        ]
        if not opened:
            await quiet(room)
            continue
        ballot = opened[0]
        seen.add(ballot["request"])
        current = Round(ballot["request"], ballot["ballot"] or "", ballot["of"] or 0)
        result.rounds.append(current)
        current.cpu_open = room.server.cpu() - cpu
        await asyncio.wait_for(ballot_round(room, teacher, current, sent, drop), ROUND_SECONDS)
        current.cpu = room.server.cpu() - cpu
        room.server.profile(False)
        current.cpu_close = current.cpu - current.cpu_open - current.cpu_votes
        current.fetches = room.fetches - fetches
        current.pushed = room.pushed - pushed
        current.events = (await teacher.http.get("/api/state")).json()["seq"] - seq
    await quiet(room)
    await reference(room)


async def teacher_says(room: Class, teacher: Page, line: str) -> tuple[float, dict[str, Any]]:
    """Post a console line; votes wait until its events have their numbers."""
    room.gate.clear()
    try:
        sent = now()
        answer = await teacher.http.post("/api/teacher", json={"line": line})
        if answer.status_code != 200:
            raise RuntimeError(f"the teacher's '{line}' was refused: {answer.text}")
        room.causes.append((int(answer.json()["seq"]), sent))
        state = (await teacher.http.get("/api/state")).json()
    finally:
        room.gate.set()
    return sent, state


async def ballot_round(room: Class, teacher: Page, current: Round, sent: float, drop: bool) -> None:
    """From the line that opened the ballot until every page has seen it closed."""
    request = current.request
    sleepers: list[Phone] = []
    if drop:
        count = max(1, len(room.phones) // 4)
        sleepers = room.rng.sample(room.phones, count)
        current.dropped = count
        await asyncio.gather(*(p.drop() for p in sleepers))

        async def back(phone: Phone) -> None:
            await asyncio.sleep(room.rng.uniform(*BACK_AFTER))
            phone.wake()

        for phone in sleepers:
            room.spawn(back(phone))
    asked_close = False
    settle = None
    start = room.server.cpu()
    while room.closed_seen.get(request, 0) < len(room.pages):
        await asyncio.sleep(0.005)
        if not current.cpu_votes and (asked_close or room.closed_seen.get(request, 0)):
            current.cpu_votes = room.server.cpu() - start
        if asked_close:
            continue
        waiting = any(p.asleep or p.pending for p in room.phones) or any(
            p.stream_task is None or not p.connected.is_set() for p in room.phones
        )
        if waiting or room.busy or room.closed_seen.get(request, 0):
            settle = None
            continue
        settle = settle or now()
        if now() - settle > 0.2:  # every phone has voted; seats with no phone hold it open
            await teacher_says(room, teacher, f"close {request}")
            asked_close = current.closed_by_teacher = True
    current.seconds = now() - sent
    await quiet(room)


async def quiet(room: Class) -> None:
    """Until no page waits for or fetches /api/state (a bounded wait)."""
    deadline = now() + ROUND_SECONDS
    await asyncio.sleep(STATE_DEBOUNCE / 2)
    while room.busy and now() < deadline:
        await asyncio.sleep(0.005)


# ---------------------------------------------------------------------- figures


def measure(room: Class | None, result: Result, server: Server) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "phones": result.phones,
        "students": result.students,
        "phones_per_seat": round(result.phones / result.students, 2),
        "teacher_lines": result.lines,
        "ballots": len(result.rounds),
        "failure": result.failure,
    }
    if room is None:
        return figures
    acks = [v.answered - v.sent for v in room.votes]
    statuses: dict[str, int] = {}
    for vote in room.votes:
        statuses[str(vote.status)] = statuses.get(str(vote.status), 0) + 1
    causes = sorted(room.causes)
    marks = [seq for seq, _ in causes]
    live: list[float] = []
    unattributed = 0
    catch_up: list[float] = []
    import bisect

    for page in room.phones:
        returns = list(page.returns)
        for got in page.received:
            index = bisect.bisect_left(marks, got.seq)
            if index >= len(marks):
                unattributed += 1
                continue
            sent = causes[index][1]
            if sent == 0.0:
                continue  # before the class began
            if sent >= got.opened:
                live.append(got.at - sent)
        for asked, last in returns:
            missed = [g for g in page.received if g.back and g.opened >= asked and g.seq > last]
            before = [g for g in missed if _cause(causes, marks, g.seq) < asked]
            if before:
                catch_up.append(max(g.at for g in before) - asked)
    correct, returned = check_streams(room)
    figures.update(
        votes=len(room.votes),
        vote_answers=statuses,
        ack_p50_ms=_ms(percentile(acks, 50)),
        ack_p99_ms=_ms(percentile(acks, 99)),
        ack_max_ms=_ms(max(acks) if acks else None),
        deliveries=len(live),
        delivery_p50_ms=_ms(percentile(live, 50)),
        delivery_p99_ms=_ms(percentile(live, 99)),
        delivery_max_ms=_ms(max(live) if live else None),
        unattributed_events=unattributed,
        streams_reopened=room.restarts,
        votes_held_for_teacher=len(room.gate_waits),
        votes_held_max_ms=_ms(max(room.gate_waits) if room.gate_waits else None),
        rounds=[
            {
                "request": r.request,
                "ballot": r.ballot,
                "voters": r.voters,
                "round_ms": _ms(r.seconds),
                "server_cpu_ms": _ms(r.cpu),
                "server_cpu_open_votes_close_ms": [
                    _ms(r.cpu_open),
                    _ms(r.cpu_votes),
                    _ms(r.cpu_close),
                ],
                "dropped": r.dropped,
                "closed_by_teacher": r.closed_by_teacher,
                "events": r.events,
                "state_fetches": r.fetches,
                "states_pushed": r.pushed,
            }
            for r in result.rounds
        ],
        round_median_ms=_ms(statistics.median([r.seconds for r in result.rounds]))
        if result.rounds
        else None,
        round_max_ms=_ms(max(r.seconds for r in result.rounds)) if result.rounds else None,
        cpu_per_ballot_ms=_ms(statistics.mean([r.cpu for r in result.rounds]))
        if result.rounds
        else None,
        cpu_per_ballot_max_ms=_ms(max(r.cpu for r in result.rounds)) if result.rounds else None,
        cpu_votes_per_ballot_ms=_ms(statistics.mean([r.cpu_votes for r in result.rounds]))
        if result.rounds
        else None,
        returned_phones=returned,
        returned_complete=correct["returned"],
        all_phones_complete=correct["all"],
        catch_up_p50_ms=_ms(percentile(catch_up, 50)),
        catch_up_max_ms=_ms(max(catch_up) if catch_up else None),
    )
    return figures


def _cause(causes: list[tuple[int, float]], marks: list[int], seq: int) -> float:
    import bisect

    index = bisect.bisect_left(marks, seq)
    return causes[index][1] if index < len(causes) else float("inf")


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


async def reference(room: Class) -> None:
    """What each seat may see, read at the end from a new stream from the first event."""

    async def read(phone: Phone) -> None:
        seqs: list[int] = []
        async with phone.http.stream("GET", "/api/stream") as response:
            lines = response.aiter_lines()
            while True:
                try:
                    line = await asyncio.wait_for(lines.__anext__(), 0.5)
                except (asyncio.TimeoutError, StopAsyncIteration):
                    break
                if line.startswith("id:") and line[3:].strip().isdigit():
                    seqs.append(int(line[3:].strip()))
        room.reference[phone.seat] = seqs

    first = {phone.seat: phone for phone in room.phones}
    await asyncio.gather(*(read(phone) for phone in first.values()))


def check_streams(room: Class) -> tuple[dict[str, int], int]:
    """Whether each phone got exactly the events its seat may see, each once and in order
    (against a new stream of the seat read at the end), and every event the room's own
    stream got. Returns ({"returned": n, "all": n}, how many phones came back from a drop)."""
    projector = next(p for p in room.pages if p.name == "room")
    public = {g.seq for g in projector.received}
    ok_all = ok_returned = returned = 0
    for phone in room.phones:
        seqs = [g.seq for g in phone.received]
        good = seqs == room.reference.get(phone.seat) and public <= set(seqs)
        ok_all += good
        if phone.returns:
            returned += 1
            ok_returned += good
    return {"returned": ok_returned, "all": ok_all}, returned


# ---------------------------------------------------------------------- the report


def verdicts(figures: dict[str, Any]) -> list[tuple[str, float | None, float, bool]]:
    """(figure, measured, target, met) for the targets of this many phones, if any."""
    targets = TARGETS.get(int(figures["phones"]), {})
    rows = []
    for name, target in targets.items():
        key = {"rss_mb": "server_peak_rss_mb"}.get(name, name)
        value = figures.get(key)
        rows.append((name, value, target, value is not None and value <= target))
    complete = figures.get("returned_complete", 0) == figures.get("returned_phones", -1)
    rows.append(
        ("returned_complete_pct", _pct(figures), 100.0, complete and not figures["failure"])
    )
    return rows


def _pct(figures: dict[str, Any]) -> float | None:
    returned = figures.get("returned_phones") or 0
    return round(100 * figures.get("returned_complete", 0) / returned, 1) if returned else None


def show(figures: dict[str, Any]) -> None:
    def f(value: Any, unit: str = " ms") -> str:
        return "-" if value is None else f"{value:g}{unit}"

    print(
        f"\n{figures['phones']} phones on {figures['students']} seats "
        f"({figures['phones_per_seat']} a seat), {figures['ballots']} ballots, "
        f"{figures['teacher_lines']} teacher lines, {figures['wall_s']:.1f} s"
    )
    if figures["failure"]:
        print(f"  FAILED: {figures['failure']}")
    if "votes" not in figures:
        return
    answers = ", ".join(f"{n} x {code}" for code, n in sorted(figures["vote_answers"].items()))
    print(
        f"  vote -> acknowledgement   p50 {f(figures['ack_p50_ms'])}  p99 {f(figures['ack_p99_ms'])}"
        f"  max {f(figures['ack_max_ms'])}   ({figures['votes']} votes: {answers})"
    )
    print(
        f"  publish -> phone          p50 {f(figures['delivery_p50_ms'])}  p99 "
        f"{f(figures['delivery_p99_ms'])}  max {f(figures['delivery_max_ms'])}   "
        f"({figures['deliveries']} live deliveries)"
    )
    for r in figures["rounds"]:
        extra = f", {r['dropped']} phones dropped" if r["dropped"] else ""
        extra += ", closed by the teacher" if r["closed_by_teacher"] else ""
        print(
            f"  ballot {r['request']:<26} {r['ballot']:<12} {r['voters']:>2} seats vote: "
            f"round {f(r['round_ms'])}, server CPU {f(r['server_cpu_ms'])} = "
            f"{' + '.join(f(v, '') for v in r['server_cpu_open_votes_close_ms'])} ({r['events']} "
            f"events, {r['states_pushed']} states sent, {r['state_fetches']} fetched{extra})"
        )
    print(
        f"  server CPU per ballot     mean {f(figures['cpu_per_ballot_ms'])} (the votes "
        f"{f(figures['cpu_votes_per_ballot_ms'])}), max "
        f"{f(figures['cpu_per_ballot_max_ms'])}; whole run {figures['server_cpu_whole_run_s']:.2f} s; "
        f"load generator {figures['load_generator_cpu_s']:.2f} s"
    )
    print(f"  server peak RSS           {figures['server_peak_rss_mb']:.1f} MB")
    print(
        f"  back after a drop         {figures['returned_complete']}/{figures['returned_phones']} "
        f"saw everything they missed (catch-up p50 {f(figures['catch_up_p50_ms'])}, max "
        f"{f(figures['catch_up_max_ms'])}); every phone: {figures['all_phones_complete']}/"
        f"{figures['phones']} complete"
    )
    if figures["votes_held_for_teacher"]:
        print(
            f"  ({figures['votes_held_for_teacher']} vote sends waited, at most "
            f"{f(figures['votes_held_max_ms'])}, for the number of the teacher's last event)"
        )
    if figures["streams_reopened"]:
        print(f"  ({figures['streams_reopened']} streams were ended by the server and reopened)")
    if figures["unattributed_events"]:
        print(f"  ({figures['unattributed_events']} deliveries had no POST to time them from)")
    for name, value, target, met in verdicts(figures):
        at_most = "=" if name == "returned_complete_pct" else "<="
        print(
            f"  target {name:<22} {f(value, ''):>8} {at_most} {target:g}: "
            f"{'met' if met else 'NOT MET'}"
        )
    perf = figures.get("perf")
    if perf:
        if perf.get("error"):
            print(f"  perf: {perf['error']}")
        else:
            print(f"  perf, the ballot rounds' {perf['samples']} samples, by module:")
            print("    " + ", ".join(f"{k} {pct}%" for k, pct in perf["modules_pct"][:14]))
            print("  by function (the innermost Python one):")
            for k, pct in perf["functions_pct"][:20]:
                print(f"    {pct:5.1f}% {k}")


def perf_breakdown(data: Path, windows: list[tuple[float, float]]) -> dict[str, Any]:
    """The server's CPU samples taken during the ballot rounds, by the innermost Python
    function each was in (its module, then the function), as shares of all: where a ballot's
    CPU goes, without a profiler's own cost in the figures. perf names Python functions only
    for a server on Python 3.12 or later; before that every sample is "native"."""
    try:
        script = subprocess.run(
            ["perf", "script", "-i", str(data)], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        return {"error": f"perf script failed: {exc}"}
    return perf_shares(script, windows)


def perf_shares(script: str, windows: list[tuple[float, float]]) -> dict[str, Any]:
    """``perf script``'s samples within ``windows``, counted by module and by function."""
    modules: dict[str, int] = {}
    functions: dict[str, int] = {}
    total = 0
    for sample in script.split("\n\n"):
        stamp = re.search(r" (\d+\.\d+):\s+\d+ cpu-clock", sample)
        if not stamp or not any(a <= float(stamp.group(1)) <= b for a, b in windows):
            continue
        total += 1
        frame = re.search(r"py::([^:]+):(\S+?)\+0x", sample)
        if frame is None:
            kernel = "[kernel" in sample.split("\n", 2)[1] if "\n" in sample else False
            module = name = "kernel" if kernel else "native"
        else:
            path = frame.group(2)  # a package's module by its package, the standard library's
            inner = re.split(r"site-packages/|/lib/python3\.\d+/", path)[-1]  # by its file
            module = inner if inner.startswith("presidium") else inner.split("/")[0]
            name = f"{frame.group(1)} ({Path(path).name})"
        modules[module] = modules.get(module, 0) + 1
        functions[name] = functions.get(name, 0) + 1

    def shares(counts: dict[str, int], top: int) -> list[list[Any]]:
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:top]
        return [[k, round(100 * n / total, 1)] for k, n in ranked]

    if not total:
        return {"samples": 0, "error": "no samples in the ballot rounds (is perf allowed here?)"}
    return {
        "samples": total,
        "modules_pct": shares(modules, 25),
        "functions_pct": shares(functions, 30),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, nargs="+", default=[40, 250], metavar="N")
    parser.add_argument(
        "--ballots", type=int, default=None, help="stop after this many ballots (default: all)"
    )
    parser.add_argument("--no-pin", action="store_true", help="leave both processes unpinned")
    parser.add_argument(
        "--time-limit", type=float, default=CLASS_SECONDS, help="seconds a class may take"
    )
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="profile the server's CPU (cProfile) during the ballot rounds and keep the stats "
        "here (one --phones; slower)",
    )
    parser.add_argument(
        "--perf",
        type=Path,
        metavar="FILE",
        help="sample the server with Linux perf during the whole class (data kept here) and "
        "print where the ballot rounds' CPU went, by Python function (needs perf; names "
        "functions when Python is 3.12 or later; one --phones; the run's own figures are "
        "slower under it)",
    )
    args = parser.parse_args(argv)
    if any(not 1 <= n <= MAX_PHONES for n in args.phones):
        parser.error(f"--phones: from 1 to {MAX_PHONES}")
    if args.profile is not None and len(args.phones) != 1:
        parser.error("--profile: one --phones at a time")
    if args.perf is not None and len(args.phones) != 1:
        parser.error("--perf: one --phones at a time")
    if args.ballots is not None and args.ballots < 1:
        parser.error("--ballots: at least 1")
    pin = not args.no_pin and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2
    if pin:
        try:
            os.sched_setaffinity(0, {1})
        except OSError:
            pin = False
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 4 * MAX_PHONES + 256) if hard != resource.RLIM_INFINITY else 4096
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    from presidium import __version__

    load = [round(x, 2) for x in os.getloadavg()]
    header: dict[str, Any] = {
        "presidium": __version__,
        "python": sys.version.split()[0],
        "cores": os.cpu_count(),
        "load_average": load,
        "pinned": "server on core 0, load generator on core 1" if pin else "not pinned",
        "phones_mean": "phone i holds seat i mod seats (june_1957 seats 5 to 25 by roles)",
    }
    if not args.json:
        print(
            f"presidium {header['presidium']}, Python {header['python']}, {header['cores']} cores, "
            f"load average {' '.join(map(str, load))}; {header['pinned']}"
        )
        print(f"{SCENARIO}, seed {SEED}; {header['phones_mean']}; plus the room and the teacher")
    runs = []
    failed = False
    for n in args.phones:
        _result, figures = asyncio.run(
            play(n, args.ballots, pin, args.time_limit, args.profile, args.perf)
        )
        figures["targets"] = [
            {"figure": name, "value": value, "target": target, "met": met}
            for name, value, target, met in verdicts(figures)
        ]
        failed = failed or bool(figures["failure"])
        runs.append(figures)
        if not args.json:
            show(figures)
    if args.json:
        print(json.dumps({**header, "runs": runs}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
