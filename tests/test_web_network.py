"""Where phones find the laptop (addresses, a port, the QR code) and ``presidium class doctor``.

Every server here listens on loopback and every request goes to 127.0.0.1; nothing is sent
anywhere else. The doctor's test page is served for real, by the real program in a child
process, and must stop within 3 seconds of Enter or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import io
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
import segno
from rich.console import Console

from conftest import run_cli
from presidium.ui.render import make_console
from presidium.web import doctor, network
from presidium.web.network import Address

URL = "http://192.168.100.200:40123/"
STOPS_WITHIN = 3.0


@pytest.fixture
def classroom_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A laptop on a school Wi-Fi, with Docker and a VPN installed: what the system would say."""
    monkeypatch.setattr(
        network,
        "_interface_addresses",
        lambda: [
            ("127.0.0.1", "lo"),
            ("172.17.0.1", "docker0"),
            ("192.168.1.20", "wlan0"),
            ("100.101.102.103", "tailscale0"),
            ("169.254.7.7", "eth1"),
            ("fd12:3456::20", "wlan0"),
            ("fe80::1", "wlan0"),
        ],
    )
    monkeypatch.setattr(network, "_own_name_addresses", lambda: [("127.0.1.1", None)])
    monkeypatch.setattr(network, "_default_route_addresses", lambda: ["192.168.1.20"])


# --- addresses ---------------------------------------------------------------------------


def test_this_machine_has_addresses_with_loopback_last() -> None:
    found = network.addresses()
    assert found
    assert "127.0.0.1" in [address.ip for address in found]
    kinds = [address.kind for address in found]
    loopback = [i for i, kind in enumerate(kinds) if kind == "loopback"]
    assert loopback == list(range(len(found) - len(loopback), len(found)))
    assert all(not address.ip.lower().startswith("fe80") for address in found)
    assert len({address.ip for address in found}) == len(found)


def test_the_local_network_comes_first_and_containers_vpns_and_loopback_after(
    classroom_network: None,
) -> None:
    found = network.addresses()
    assert [address.ip for address in found] == [
        "192.168.1.20",
        "fd12:3456::20",
        "100.101.102.103",
        "172.17.0.1",
        "169.254.7.7",
        "127.0.0.1",
        "127.0.1.1",
    ]
    assert found[0] == Address("192.168.1.20", "wlan0", False, True)
    assert found[1].ip == "fd12:3456::20" and found[1].kind == "lan"
    by_ip = {address.ip: address for address in found}
    assert by_ip["172.17.0.1"].kind == "virtual" and not by_ip["172.17.0.1"].reachable
    assert by_ip["100.101.102.103"].kind == "virtual"
    assert by_ip["169.254.7.7"].kind == "link-local" and not by_ip["169.254.7.7"].reachable
    assert [address.kind for address in found[-2:]] == ["loopback", "loopback"]
    assert "fe80::1" not in by_ip
    assert "phones cannot reach it" in by_ip["172.17.0.1"].describe()
    assert "this laptop only" in found[-1].describe()


def test_join_urls_are_those_the_listening_address_answers_on(classroom_network: None) -> None:
    assert network.join_urls(1957) == [
        "http://192.168.1.20:1957/",
        "http://100.101.102.103:1957/",
        "http://172.17.0.1:1957/",
        "http://169.254.7.7:1957/",
        "http://127.0.0.1:1957/",
        "http://127.0.1.1:1957/",
    ]
    assert network.join_urls(1957, "::")[:2] == [
        "http://192.168.1.20:1957/",
        "http://[fd12:3456::20]:1957/",
    ]
    assert network.join_urls(8000, "192.168.1.20") == ["http://192.168.1.20:8000/"]
    assert network.join_urls(8000, "localhost") == ["http://127.0.0.1:8000/"]


# --- the port ----------------------------------------------------------------------------


def free_port() -> str:
    """A port nothing listens on now (were it taken by then, the doctor takes another)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


@contextlib.contextmanager
def busy_port() -> Iterator[int]:
    """A port another program is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def test_a_free_wanted_port_is_the_one_bound_and_it_is_listening() -> None:
    sock, port = network.pick_port("127.0.0.1", 0)
    sock.close()
    sock, again = network.pick_port("127.0.0.1", port)  # free again, just released
    with sock:
        assert again == port
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    assert network.port_note(port, again) is None


def test_a_busy_port_gives_a_free_one_and_says_so() -> None:
    with busy_port() as taken:
        sock, port = network.pick_port("127.0.0.1", taken)
        with sock:
            assert port != taken
            assert sock.getsockname()[1] == port
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                pass  # bound and listening: nothing can take it before the server starts
        assert (
            network.port_note(taken, port) == f"port {taken} is in use; serving on {port} instead"
        )


def test_an_address_not_on_this_machine_cannot_be_listened_on() -> None:
    with pytest.raises(OSError):
        network.pick_port("203.0.113.7", 0)  # a documentation address: never anyone's


# --- the QR code -------------------------------------------------------------------------


def modules_from_text(text: str) -> list[list[int]]:
    """The text's picture as rows of modules, 1 for dark: each character is two rows, and a
    drawn half is a light module (see ``qr_text``)."""
    top = {" ": 1, "\u2580": 0, "\u2584": 1, "\u2588": 0}
    bottom = {" ": 1, "\u2580": 1, "\u2584": 0, "\u2588": 0}
    rows = []
    for line in text.splitlines():
        rows.append([top[c] for c in line])
        rows.append([bottom[c] for c in line])
    return rows


def test_the_terminal_qr_is_the_code_with_its_quiet_zone_in_half_blocks() -> None:
    text = network.qr_text(URL)
    lines = text.splitlines()
    assert text.endswith("\n")
    assert set(text) <= {" ", "\u2580", "\u2584", "\u2588", "\n"}
    assert len({len(line) for line in lines}) == 1
    assert len(lines[0]) <= 40 and len(lines) <= 20  # fits an 80-column terminal with room
    code = segno.make(URL, error="l", micro=False)
    expected = [list(row) for row in code.matrix_iter(border=4)]
    drawn = modules_from_text(text)
    assert drawn[: len(expected)] == expected
    quiet = [row[:4] + row[-4:] for row in expected] + expected[:4] + expected[-4:]
    assert all(bit == 0 for row in quiet for bit in row)  # four light modules all round
    assert drawn[len(expected) :] == [[0] * len(expected[0])]  # the last half line is light too
    assert not code.is_micro


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) is not installed")
def test_the_terminal_qr_decodes_to_the_url(tmp_path: Path) -> None:
    """Drawn as a terminal shows it (drawn halves light, the rest dark), a reader gets the URL."""
    rows = modules_from_text(network.qr_text(URL))
    scale = 8
    image = tmp_path / "qr.pbm"
    pixels = [
        " ".join(str(bit) for bit in row for _ in range(scale))
        for row in rows
        for _ in range(scale)
    ]
    image.write_text(f"P1\n{len(rows[0]) * scale} {len(rows) * scale}\n" + "\n".join(pixels) + "\n")
    read = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, timeout=30
    )
    assert read.stdout.strip() == URL


def test_printed_in_colour_every_cell_is_white_on_black_and_without_it_as_drawn() -> None:
    """A light terminal would show the plain drawing reversed; in colour it cannot."""
    drawn = network.qr_text(URL)
    for system, paint in (("truecolor", "\x1b[38;2;255;255;255;48;2;0;0;0m"), ("standard", None)):
        console = Console(file=io.StringIO(), force_terminal=True, color_system=system, width=80)
        network.print_qr(console, URL)
        printed = console.file.getvalue()  # type: ignore[attr-defined]
        assert re.sub(r"\x1b\[[0-9;]*m", "", printed) == drawn
        lines = printed.splitlines()
        assert len(lines) == len(drawn.splitlines())
        if paint:
            assert all(line.startswith(paint) for line in lines)
        else:
            assert all(line.startswith("\x1b[") for line in lines)
    plain = make_console(plain=False, file=io.StringIO())  # not a terminal: no colour
    network.print_qr(plain, URL)
    assert plain.file.getvalue() == drawn


def test_the_svg_qr_is_scalable_self_contained_and_titled() -> None:
    svg = network.qr_svg(URL)
    assert svg.startswith("<svg ") and "<?xml" not in svg
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "viewBox" in root.attrib and "width" not in root.attrib and "height" not in root.attrib
    assert root.attrib["role"] == "img"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "QR code to open 192.168.100.200:40123"
    assert re.findall(r"https?:[^\"' ]*", svg) == ["http://www.w3.org/2000/svg"]
    for absent in ("href", "url(", "<image", "<script", "<style", "<foreignObject", "@import"):
        assert absent not in svg
    white = root.find("{http://www.w3.org/2000/svg}path")
    assert white is not None and white.attrib["fill"] == "#fff"  # a light ground on a dark page


def test_a_terminal_that_cannot_draw_blocks_is_told_apart() -> None:
    assert network.can_draw("utf-8") and network.can_draw(None)
    assert not network.can_draw("ascii") and not network.can_draw("latin-1")


# --- presidium class doctor --------------------------------------------------------------


def test_doctor_check_on_a_classroom_network(classroom_network: None) -> None:
    code, out, err = run_cli(["class", "doctor", "--check", "--port", free_port()])
    assert (code, err) == (0, "")
    assert out.startswith("presidium class doctor")
    first = out.index("http://192.168.1.20:")
    assert first < out.index("http://172.17.0.1:") < out.index("http://127.0.0.1:")
    assert "wlan0" in out and "docker0" in out
    assert "fd12:3456::20" not in out  # 0.0.0.0 does not serve IPv6 ...
    assert "--host :: serves on them" in out  # ... and the doctor says how to
    assert re.search(r"Port \d+ is free", out)
    for advice in ("client isolation", "Allow access", "accept incoming", "hotspot", "class run"):
        assert advice in " ".join(out.split()), advice
    assert "Ready" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_doctor_check_fails_when_phones_could_reach_no_address() -> None:
    code, out, _ = run_cli(
        ["class", "doctor", "--check", "--host", "127.0.0.1", "--port", free_port()]
    )
    assert code == 1
    assert "this laptop only" in out and "Leave --host out" in " ".join(out.split())
    assert "Not ready" in out


def test_doctor_check_fails_on_a_laptop_with_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "_interface_addresses", lambda: [("127.0.0.1", "lo")])
    monkeypatch.setattr(network, "_own_name_addresses", lambda: [("127.0.1.1", "")])
    monkeypatch.setattr(network, "_default_route_addresses", lambda: [])
    code, out, err = run_cli(["class", "doctor", "--check", "--port", free_port()])
    assert (code, err) == (1, "")
    assert "is this laptop on a Wi-Fi network?" in " ".join(out.split())
    assert "--host" not in out.split("If your phone")[0]


def test_doctor_check_says_when_the_port_is_in_use() -> None:
    with busy_port() as taken:
        code, out, _ = run_cli(
            ["class", "doctor", "--check", "--host", "127.0.0.1", "--port", str(taken)]
        )
    assert code == 1  # loopback only
    assert f"Port {taken} is in use" in out
    assert "picks a free port" in out


def test_doctor_cleans_what_the_system_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "_interface_addresses", lambda: [("10.1.2.3", "wl\x1b]0;x\x07")])
    monkeypatch.setattr(network, "_own_name_addresses", lambda: [])
    monkeypatch.setattr(network, "_default_route_addresses", lambda: [])
    code, out, _ = run_cli(["class", "doctor", "--check", "--port", free_port()])
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "wl\\x1b]0;x\\x07" in out


def test_doctor_refuses_an_address_not_on_this_machine() -> None:
    code, _, err = run_cli(["class", "doctor", "--check", "--host", "203.0.113.7"])
    assert code == 2
    assert "cannot listen on --host 203.0.113.7" in err and "Traceback" not in err


def test_doctor_refuses_a_port_out_of_range() -> None:
    code, _, err = run_cli(["class", "doctor", "--port", "70000"])
    assert code == 2 and "1 to 65535" in err


def test_doctor_without_the_classroom_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import presidium.web

    monkeypatch.setattr(presidium.web, "missing", lambda: ["uvicorn", "segno"])
    code, out, err = run_cli(["class", "doctor", "--check"])
    assert (code, out) == (2, "")
    assert "presidium class doctor" in err
    assert 'pip install "presidium-1957[classroom]"' in err
    assert "uvicorn" in err and "Traceback" not in err


def test_doctor_serves_and_stops_at_the_end_of_input() -> None:
    """In-process: input that has ended is Enter; the server stops and the report says so.
    No phone opened the page, so the check is not done: a problem found (exit 1)."""
    code, out, err = run_cli(
        ["class", "doctor", "--host", "127.0.0.1", "--port", free_port()], stdin=""
    )
    assert (code, err) == (1, "")
    assert "The test page is served, to this laptop only" in out
    assert "\u2588" not in out  # no QR code for an address phones cannot open
    last = " ".join(out.split("No device opened the test page.\n")[1].split())
    assert last.startswith("Not checked: no address here is one a phone could reach")
    assert "run 'presidium class doctor' again" in last


@pytest.mark.parametrize(
    ("devices", "code", "said"),
    [
        ([], 1, "No device opened the test page."),
        (["127.0.0.1"], 1, "Only this laptop opened the test page; no phone did."),
        (["127.0.0.1", "192.168.1.34"], 0, "A phone reached this laptop: it is ready"),
    ],
)
def test_the_doctor_exits_0_only_when_a_phone_opened_its_page(
    classroom_network: None,
    monkeypatch: pytest.MonkeyPatch,
    devices: list[str],
    code: int,
    said: str,
) -> None:
    """In-process, with the test page served on loopback: a device "at" another address
    stands for a phone (from this machine every request comes from 127.0.0.1)."""
    opened: list[Callable[[str], None]] = []
    serve_page = doctor._app
    monkeypatch.setattr(doctor, "_app", lambda page: opened.append(page) or serve_page(page))
    monkeypatch.setattr(doctor, "_wait_for_enter", lambda: [opened[0](d) for d in devices])
    got, out, err = run_cli(["class", "doctor", "--port", free_port()], stdin="")
    assert (got, err) == (code, "")
    assert said in out
    end = " ".join(out.split(said)[1].split())
    if code == 0:
        assert end.startswith("for 'presidium class serve'.") and "Not checked" not in end
    else:  # what to do next: the page's address, on the phone, on the students' Wi-Fi
        assert re.fullmatch(
            r"Not checked yet: run 'presidium class doctor' again and open "
            r"http://192\.168\.1\.20:\d+/ on your own phone, on the students' Wi-Fi; if it "
            r"will not open, try the advice above\.",
            end,
        ), end


def test_the_doctor_says_who_opened_the_page() -> None:
    said = io.StringIO()
    page = doctor._Page(said, {"192.168.1.20"})
    page.opened("127.0.0.1")
    page.opened("192.168.1.20")
    assert not page.phone
    page.opened("::ffff:192.168.1.34")
    page.opened("192.168.1.34")  # the same phone again: said once
    assert page.phone
    text = " ".join(said.getvalue().split())
    assert text.count("This laptop opened the test page") == 2
    assert "(127.0.0.1): the server works, but only a phone can show that phones reach it" in text
    assert "(192.168.1.20)" in text
    assert text.endswith(
        "A device at 192.168.1.34 opened the test page: phones can reach this laptop."
    )
    assert text.count("192.168.1.34") == 1


class Doctor:
    """``presidium class doctor`` in a child process, its output read as it comes."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "presidium", "class", "doctor", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert self.process.stdout is not None
        stdout = self.process.stdout
        threading.Thread(
            target=lambda: [self.lines.put(line) for line in stdout], daemon=True
        ).start()

    def wait_for(self, text: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while True:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            self.seen.append(line)
            if text in line:
                return line

    def finish(self, seconds: float) -> int:
        return self.process.wait(timeout=seconds)


@pytest.fixture
def served() -> Iterator[tuple[Doctor, str]]:
    running = Doctor("--host", "127.0.0.1", "--port", free_port())
    try:
        running.wait_for("Waiting for a device")
        url = re.search(r"http://127\.0\.0\.1:\d+/", "".join(running.seen))
        assert url is not None
        yield running, url.group()
    finally:
        if running.process.poll() is None:
            running.process.kill()
        running.process.communicate()


def test_the_test_page_is_served_and_enter_stops_it_within_3_seconds(
    served: tuple[Doctor, str],
) -> None:
    running, url = served
    with httpx.Client(timeout=10) as client:
        page = client.get(url)
        assert page.status_code == 200
        assert "It works" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "http" not in page.text.lower().replace("http-equiv", "")
        assert client.get(url + "doctor.css").headers["content-type"].startswith("text/css")
        assert client.get(url + "healthz").json() == {"ok": True}
        assert client.get(url + "nothing").status_code == 404
        running.wait_for("opened the test page (127.0.0.1)")
        with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1][:-1]))) as idle:
            idle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # a request that never ends
            started = time.monotonic()
            assert running.process.stdin is not None
            running.process.stdin.write("\n")
            running.process.stdin.flush()
            code = running.finish(10)
            assert time.monotonic() - started < STOPS_WITHIN
    assert code == 1  # only the laptop itself opened the page: the check is not done
    running.wait_for("Only this laptop opened the test page")


@pytest.mark.skipif(os.name != "posix", reason="signals as POSIX has them")
def test_ctrl_c_stops_the_test_page_within_3_seconds(served: tuple[Doctor, str]) -> None:
    running, url = served
    with httpx.Client(timeout=10) as client:
        assert client.get(url).status_code == 200  # and the connection is kept open
        started = time.monotonic()
        running.process.send_signal(signal.SIGINT)
        code = running.finish(10)
        assert time.monotonic() - started < STOPS_WITHIN
    assert code == 130
    assert running.process.stderr is not None
    err = running.process.stderr.read()
    assert "Traceback" not in err and "uvicorn" not in err.lower()
