"""``class serve --resume`` comes back where the phones are (teacher report 6, item 1).

A class served on port 8771 was resumed on the default 1957, with no word that the last
lesson used 8771: the phones' open pages, the printed sheets and the join cards all pointed at
8771, so the phones stayed on "Server stopped". The session now keeps the port (and host) it
was served on, a resume takes it back, the command printed on the way out says it, and when
the port is taken the teacher is told plainly what that means for the phones.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from presidium.classroom import folder
from test_web import free_port, serve_process

CODE = re.compile(r"\b[A-Z]{4}-[0-9A-Z]{5}\b")


class Console:
    """A ``class serve`` process with its keyboard piped: what it has printed so far."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = serve_process(args, env)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def said(self) -> str:
        """What it printed, its lines joined as one (the terminal's wrapping undone)."""
        return " ".join("".join(self.lines).split())

    def port(self) -> int:
        """The port of the address it tells students to open, once it has said it."""
        for _ in range(600):
            found = re.search(r"on the same network: http://[^ ]+?:(\d+)/", self.said)
            if found:
                return int(found.group(1))
            assert self.process.poll() is None, self.said + self.error()
            time.sleep(0.05)
        raise AssertionError("class serve said no address: " + self.said)

    def up(self) -> int:
        """Its port, once it answers there."""
        port = self.port()
        for _ in range(200):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    return port
            time.sleep(0.05)
        raise AssertionError(f"class serve does not answer on {port}")

    def error(self) -> str:
        return self.process.stderr.read() if self.process.stderr else ""

    def quit(self) -> str:
        """The teacher types ``quit``: what it printed, all of it."""
        assert self.process.stdin is not None
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        assert self.process.wait(30) == 0, self.error()
        self.reader.join(10)
        return self.said

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.reader.join(10)
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


@contextlib.contextmanager
def serving(args: list[str], env: dict[str, str]) -> Iterator[Console]:
    console = Console(args, env)
    try:
        yield console
    finally:
        console.kill()


def go_on_command(said: str) -> list[str]:
    """The arguments after ``presidium`` of the command 'quit' printed to go on with."""
    found = re.search(r"To go on with it: (.+?) Once it has ended", said)
    assert found, said
    words = shlex.split(found.group(1))
    return words[words.index("class") :]


def the_class(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, PRESIDIUM_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")


def join(port: int, place: Path, prefix: str = "MOLO") -> str:
    """A phone joins with the code on its printed sheet: its seat token."""
    sheets = (place / "sheets.html").read_text(encoding="utf-8")
    (code,) = {c for c in CODE.findall(sheets) if c.startswith(prefix)}
    answer = httpx.post(f"http://127.0.0.1:{port}/api/join", json={"code": code}, timeout=10)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def hello(port: int, token: str) -> tuple[str, dict[str, object]]:
    """What the phone's stream says first (which class this is), and the phone's state, on
    ``port``: as the page does when it reconnects."""
    phone = {"X-Presidium-Seat": token}
    base = f"http://127.0.0.1:{port}"
    state = httpx.get(base + "/api/state", headers=phone, timeout=10).json()
    with httpx.stream("GET", base + "/api/stream", headers=phone, timeout=10) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:") and '"class"' in line:
                return str(json.loads(line[5:])["class"]), state
    raise AssertionError("the stream said nothing")


def test_a_class_resumed_without_port_comes_back_on_its_own_port(tmp_path: Path) -> None:
    """Served on a port of the teacher's choosing, stopped with 'quit', then resumed with no
    --port (after a lesson at one keyboard with 'class run --resume' too): the server is on
    the same port, and a phone that joined before reconnects there, signed in, to the same
    class. The command 'quit' printed names the port, and brings it back there too."""
    env = the_class(tmp_path)
    port = free_port()
    with serving(
        ["june_1957", "--students", "5", "--seed", "3", "--port", str(port)], env
    ) as first:
        assert first.up() == port
        (place,) = (tmp_path / "classes").iterdir()
        token = join(port, place)
        kept, state = hello(port, token)
        assert state["viewer"] == "seat"
        said = first.quit()
    # a lesson at one keyboard in between: its own command, which has no port
    ran = subprocess.run(
        [sys.executable, "-m", "presidium", "class", "run", "--resume", str(place), "--plain"],
        input="quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert go_on_command(" ".join(ran.stdout.split())) == ["class", "run", "--resume", str(place)]
    with serving(["--resume", str(place)], env) as again:  # no --port
        assert again.up() == port, again.said
        assert "taken" not in again.said and "new address" not in again.said
        back, now = hello(port, token)
        assert back == kept and now["viewer"] == "seat" and now["seat"] == state["seat"]
        said = again.quit()
    printed = go_on_command(said)
    assert printed == ["class", "serve", "--resume", str(place), "--port", str(port)]
    with serving(printed[2:], env) as exactly:  # the printed command, as it is
        assert exactly.up() == port
        assert hello(port, token)[0] == kept
        exactly.quit()
    assert folder.served_on(place) == folder.Served("0.0.0.0", port, kept)


class Other(http.server.BaseHTTPRequestHandler):
    """Another program on the class's port: it answers every page with a 404."""

    def do_GET(self) -> None:
        self.send_error(404)

    def log_message(self, *_args: object) -> None:
        pass


def test_a_class_whose_port_is_taken_says_so_and_moves_with_its_sheets(tmp_path: Path) -> None:
    """Another program has the class's port when it is resumed: the teacher is told that the
    phones and the printed sheets use that port, that it is taken and by what, so the phones
    cannot come back by themselves; the class is served on a free port, whose address the
    role sheets and join cards now hold (every role's code still on them), and the next
    resume, and the command printed, take the new port."""
    env = the_class(tmp_path)
    port = free_port()
    with serving(
        ["june_1957", "--students", "5", "--seed", "3", "--port", str(port)], env
    ) as first:
        first.up()
        (place,) = (tmp_path / "classes").iterdir()
        codes = sorted(set(CODE.findall((place / "sheets.html").read_text(encoding="utf-8"))))
        token = join(port, place)  # a claimed code: no longer shown by 'codes'
        first.quit()
    other = http.server.HTTPServer(("127.0.0.1", port), Other)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        with serving(["--resume", str(place)], env) as again:
            moved = again.up()
            said = again.said
            assert moved != port
            assert (
                f"The last lesson was served on port {port}, which the phones' open pages and "
                "the printed sheets use, but it is taken now (another program is listening on "
                "it), so the phones cannot come back by themselves. Serving on port "
                f"{moved}: the students must open the new address below"
            ) in said, said
            assert f"they look for port {port}): the students must open http://" in said
            sheets = (place / "sheets.html").read_text(encoding="utf-8")
            cards = (place / "join-cards.html").read_text(encoding="utf-8")
            for page in (sheets, cards):
                assert f":{moved}" in page and f":{port}" not in page
            assert sorted(set(CODE.findall(sheets))) == codes
            assert hello(moved, token)[1]["viewer"] == "seat"  # its code signs it in there
            said = again.quit()
        assert go_on_command(said)[-2:] == ["--port", str(moved)]
        assert folder.served_on(place) is not None
        assert folder.served_on(place).port == moved  # type: ignore[union-attr]
    finally:
        other.shutdown()
        other.server_close()


def test_a_class_still_served_is_not_served_twice(tmp_path: Path) -> None:
    """Resumed while its server still runs (another terminal): two servers would write one
    folder, so the second says where the class is served, and stops."""
    env = the_class(tmp_path)
    port = free_port()
    with serving(["june_1957", "--students", "5", "--port", str(port)], env) as first:
        first.up()
        (place,) = (tmp_path / "classes").iterdir()
        twice = subprocess.run(
            [sys.executable, "-m", "presidium", "class", "serve", "--resume", str(place)],
            input="",
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert twice.returncode == 1, twice.stdout
        assert f"this class is still being served on port {port}" in twice.stderr
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        first.quit()


@pytest.mark.parametrize(
    "kept",
    [
        "",
        "{",
        '{"served": {"host": "0.0.0.0", "port": 0}}',
        '{"served": {"host": "0.0.0.0", "port": "8771"}}',
        '{"served": {"host": "0.0.0.0", "port": 70000}}',
        '{"served": {"host": "\\u001b[2J", "port": 8771}}',
        '{"served": {"host": "0.0.0.0", "port": true}}',
        '{"served": [8771]}',
        "[]",
    ],
)
def test_a_damaged_record_of_the_port_is_no_port(tmp_path: Path, kept: str) -> None:
    (tmp_path / folder.WEB_FILE).write_text(kept, encoding="utf-8")
    assert folder.served_on(tmp_path) is None


def test_the_record_of_the_port_is_read_back(tmp_path: Path) -> None:
    kept = {"class": "0123456789ab", "served": {"host": "192.168.1.20", "port": 8771}}
    (tmp_path / folder.WEB_FILE).write_text(json.dumps(kept), encoding="utf-8")
    assert folder.served_on(tmp_path) == folder.Served("192.168.1.20", 8771, "0123456789ab")
    assert folder.served_on(tmp_path / "nothing") is None
