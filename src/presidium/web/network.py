"""Where phones can find this laptop: its network addresses, a port to serve on, and the QR code.

Everything here asks the operating system only; nothing is sent on the network. The addresses
come from three standard-library sources that differ by platform (the name this machine
resolves to, the address a UDP socket would use towards a private network, and, on Linux and
macOS, each interface's own address), so that at least one of them works on Linux, macOS and
Windows. Interface names are the system's words: clean them before printing.
"""

from __future__ import annotations

import contextlib
import errno
import io
import ipaddress
import socket
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from presidium.errors import UsageError
from presidium.printable import clean

if TYPE_CHECKING:
    from rich.console import Console
    from segno import QRCode

DEFAULT_PORT = 1957
EVERYWHERE = "0.0.0.0"  # the default --host: every IPv4 interface

Kind = Literal["lan", "other", "virtual", "link-local", "loopback"]

# Interfaces that belong to containers, virtual machines or VPNs: private addresses that a
# phone on the classroom's Wi-Fi cannot reach.
_VIRTUAL = (
    "docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "lxc", "lxd", "cni", "flannel",
    "cali", "podman", "tun", "tap", "utun", "wg", "tailscale", "zt", "ham", "ipsec", "vnic",
)  # fmt: skip
_RANK: dict[Kind, int] = {"lan": 0, "other": 1, "virtual": 2, "link-local": 3, "loopback": 4}
_LAN = tuple(
    ipaddress.ip_network(block)
    for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
_LOOKUP_TIME = 2.0  # seconds: resolving the machine's own name can wait on a slow network


@dataclass(frozen=True)
class Address:
    """One address of this machine, and what it is good for."""

    ip: str
    interface: str = ""  # the system's name for it ("wlan0", "en0"); "" when it cannot tell
    loopback: bool = False  # only this machine can open it
    default_route: bool = False  # the address the machine uses to reach other networks

    @property
    def kind(self) -> Kind:
        """Where the address leads: see ``addresses`` for the order."""
        return _kind(self.ip, self.interface) or ("loopback" if self.loopback else "other")

    @property
    def version(self) -> int:
        return 6 if ":" in self.ip else 4

    @property
    def reachable(self) -> bool:
        """Whether a phone on the same network could plausibly reach it."""
        return self.kind in ("lan", "other")

    def url(self, port: int) -> str:
        """The address as a browser takes it."""
        host = f"[{self.ip}]" if self.version == 6 else self.ip
        return f"http://{host}:{port}/"

    def describe(self) -> str:
        """A few words for the teacher: the interface and why it is ranked where it is."""
        words = [self.interface] if self.interface else []
        if self.default_route and self.kind in ("lan", "other"):
            words.append("the network this laptop uses")
        words.append(
            {
                "lan": "local network",
                "other": "not a usual local-network address",
                "virtual": "containers, virtual machines or a VPN: phones cannot reach it",
                "link-local": "self-assigned: the network gave no address",
                "loopback": "this laptop only",
            }[self.kind]
        )
        return ", ".join(words)


def addresses() -> list[Address]:
    """Every address of this machine that a phone might use, best first; loopback last.

    Best means: a private local-network address (10.x, 172.16–31.x, 192.168.x, or an IPv6
    unique-local one) on a real interface, the one the machine's default route uses first;
    then other addresses; then those of containers, VMs and VPNs; then self-assigned ones;
    then loopback, which only this laptop can open. IPv6 link-local addresses are left out:
    a browser cannot open them without naming the interface.
    """
    found: dict[str, str] = {"127.0.0.1": "lo" if sys.platform.startswith("linux") else ""}
    for ip, name in (*_interface_addresses(), *_own_name_addresses()):
        if not found.get(ip):
            found[ip] = name
    routes = _default_route_addresses()
    for ip in routes:
        found.setdefault(ip, "")
    result = []
    for ip, name in found.items():
        kind = _kind(ip, name)
        if kind is not None:
            result.append(Address(ip, name, kind == "loopback", ip in routes))
    return sorted(result, key=_order)


def _order(address: Address) -> tuple[int, bool, int, tuple[int, ...]]:
    parsed = ipaddress.ip_address(address.ip)
    return (_RANK[address.kind], not address.default_route, address.version, tuple(parsed.packed))


def _kind(ip: str, interface: str) -> Kind | None:
    try:
        parsed = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return None
    if parsed.is_loopback:
        return "loopback"
    if parsed.is_unspecified or parsed.is_multicast:
        return None
    if parsed.is_link_local:
        return "link-local" if parsed.version == 4 else None
    if interface and interface.lower().startswith(_VIRTUAL):
        return "virtual"
    return "lan" if any(parsed in network for network in _LAN) else "other"


def _default_route_addresses() -> list[str]:
    """The addresses this machine would send from towards a private network.

    Connecting a UDP socket only chooses a route and a source address: no packet is sent.
    """
    found = []
    for family, target in ((socket.AF_INET, "10.255.255.255"), (socket.AF_INET6, "fdff::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.connect((target, 9))
                found.append(str(probe.getsockname()[0]).split("%")[0])
        except OSError:  # no route, or no IPv6: nothing to learn this way
            pass
    return found


def _own_name_addresses() -> list[tuple[str, str]]:
    """What this machine's own name resolves to (on Windows and macOS, usually every address).

    The lookup can wait on a slow or absent name server, so it gets a short time of its own.
    """
    found: list[tuple[str, str]] = []

    def look_up() -> None:
        with contextlib.suppress(OSError, UnicodeError):
            for *_, sockaddr in socket.getaddrinfo(socket.gethostname(), None):
                found.append((str(sockaddr[0]).split("%")[0], ""))

    worker = threading.Thread(target=look_up, name="presidium-hostname", daemon=True)
    worker.start()
    worker.join(_LOOKUP_TIME)
    return list(found) if not worker.is_alive() else []


def _interface_addresses() -> list[tuple[str, str]]:
    """Each interface's IPv4 address, and on Linux its IPv6 ones, with the interface's name.

    Only Linux and macOS can tell this through the standard library; elsewhere it is empty and
    the other sources give the addresses without names.
    """
    found: list[tuple[str, str]] = []
    if sys.platform.startswith("linux"):
        request = 0x8915  # SIOCGIFADDR
        found.extend(_linux_ipv6())
    elif sys.platform == "darwin":
        request = 0xC0206921  # SIOCGIFADDR
    else:
        return found
    try:
        import fcntl
        import struct

        names = [name for _, name in socket.if_nameindex()]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for name in names:
                encoded = name.encode(errors="replace")[:15]
                try:
                    answer = fcntl.ioctl(probe.fileno(), request, struct.pack("32s", encoded))
                except OSError:  # an interface with no IPv4 address
                    continue
                found.append((socket.inet_ntoa(answer[20:24]), name))
    except (ImportError, OSError):
        pass
    return found


def _linux_ipv6() -> list[tuple[str, str]]:
    """Linux lists every IPv6 address with its interface in ``/proc/net/if_inet6``."""
    found: list[tuple[str, str]] = []
    try:
        with open("/proc/net/if_inet6", encoding="ascii", errors="replace") as table:
            lines = table.read().splitlines()
    except OSError:
        return found
    for line in lines:
        fields = line.split()
        if len(fields) != 6 or len(fields[0]) != 32:
            continue
        hex_address, _index, _prefix, _scope, flags, name = fields
        try:
            if int(flags, 16) & 0x60:  # deprecated or tentative: not one to hand out
                continue
            ip = ipaddress.IPv6Address(bytes.fromhex(hex_address))
        except ValueError:
            continue
        found.append((str(ip), name))
    return found


def served(host: str, found: list[Address] | None = None) -> list[Address]:
    """The addresses a server listening on ``host`` answers on, best first.

    ``0.0.0.0`` answers on every IPv4 address, ``::`` on every address, and any other host only
    on itself.
    """
    found = addresses() if found is None else found
    if host in ("", EVERYWHERE):
        return [address for address in found if address.version == 4]
    if host == "::":
        return found
    ip = _numeric(host)
    same = [address for address in found if address.ip == ip]
    if same:
        return same
    return [Address(ip, "", _kind(ip, "") == "loopback")]


def _numeric(host: str) -> str:
    """``host`` as the address a server given it listens on (``localhost``: ``127.0.0.1``)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        with contextlib.suppress(OSError, UnicodeError, IndexError):
            info = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
            return str(info[0][4][0])
    return host


def join_urls(port: int, host: str = EVERYWHERE) -> list[str]:
    """The addresses phones can open, best first (the first is the one to show); loopback last."""
    return [address.url(port) for address in served(host)]


def pick_port(host: str = EVERYWHERE, wanted: int = DEFAULT_PORT) -> tuple[socket.socket, int]:
    """A socket listening on ``wanted`` on ``host`` or, when that port is taken, on one of the
    next few, or else on a free port the system chooses; and the port.

    The socket is returned already listening, so that nothing can take the port between
    choosing it and serving on it (a phone that connects before the server starts waits in the
    queue): hand it to ``uvicorn.Server(config).serve(sockets=[sock])``, and close it when
    nothing serves on it. When the port is not ``wanted``, say so with ``port_note``. A host
    this machine cannot listen on raises ``OSError``.
    """
    # the next few ports first (1958 is easier to read out to a class than 42743), then any
    for port in (wanted, *range(wanted + 1, min(wanted + NEARBY, 65536))) if wanted else (0,):
        try:
            sock = _bind(host, port)
        except OSError as exc:
            if exc.errno not in _TAKEN:
                raise
            continue
        return sock, int(sock.getsockname()[1])
    sock = _bind(host, 0)
    return sock, int(sock.getsockname()[1])


NEARBY = 10  # ports tried after the one wanted, before one the system chooses
# In use, or kept for administrators (or, on Windows, reserved by the system); Windows's own
# numbers for these (WSAEADDRINUSE, WSAEACCES) are not errno's.
_TAKEN = (errno.EADDRINUSE, errno.EACCES, 10048, 10013)


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, sockaddr = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform == "win32":
            # Windows lets SO_REUSEADDR take a port another program is listening on.
            exclusive = getattr(socket, "SO_EXCLUSIVEADDRUSE", None)
            if exclusive is not None:
                sock.setsockopt(socket.SOL_SOCKET, exclusive, 1)
        else:  # a port just left by a stopped server can be used again at once
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6 and hasattr(socket, "IPV6_V6ONLY"):
            with contextlib.suppress(OSError):  # "::" serves IPv4 too where the system allows
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(sockaddr)
        sock.listen()
    except BaseException:
        sock.close()
        raise
    return sock


Holder = Literal["this class", "another class", "another program", "nobody"]
_PROBE_TIME = 2.0  # seconds: a server on this laptop answers at once, or it is not ours
_PROBE_BYTES = 8 * 1024 * 1024


def holder(host: str, port: int, class_id: str = "") -> Holder:
    """Who listens on ``port`` of this laptop, asked over the loopback (or on ``host`` when
    the server listens there only): ``class_id``'s own server still running ("this class"),
    another class's presidium server, another program, or nobody (the port may then need
    administrator rights). Nothing leaves the laptop; one page is asked for, as the room's
    projector asks for it."""
    import http.client
    import json

    if host in ("", EVERYWHERE):
        target = "127.0.0.1"
    elif host == "::":
        target = "[::1]"
    else:
        target = f"[{host}]" if ":" in host else host
    connection = http.client.HTTPConnection(target, port, timeout=_PROBE_TIME)
    try:
        connection.request("GET", "/api/state?view=room", headers={"Accept": "application/json"})
        body = json.loads(connection.getresponse().read(_PROBE_BYTES))
    except ConnectionRefusedError:
        return "nobody"
    except (OSError, http.client.HTTPException, ValueError, RecursionError):
        return "another program"
    finally:
        connection.close()
    if not isinstance(body, dict) or not isinstance(body.get("scenario"), dict):
        return "another program"
    kept = body.get("class")
    return "this class" if class_id and kept == class_id else "another class"


def port_note(wanted: int, port: int) -> str | None:
    """What to tell the teacher when the server is not on the port they asked for."""
    if wanted in (0, port):
        return None
    if wanted < 1024:  # below 1024 a port may also be kept for administrators
        return f"port {wanted} is in use or needs administrator rights; serving on {port} instead"
    return f"port {wanted} is in use; serving on {port} instead"


def _qr(url: str) -> QRCode:
    import segno

    # Never a Micro QR code: phone cameras do not read them.
    return segno.make(url, error="l", micro=False)


def qr_text(url: str) -> str:
    """``url`` as a QR code drawn with half blocks, two rows of modules to a line of text.

    The light modules and the quiet zone are drawn (as on segno's and qrencode's terminal
    output), so on the usual light-on-dark terminal the code shows dark on light, the way
    cameras expect; most phone cameras read the reversed picture a light terminal gives too.
    A URL of a local address fits in 33 columns and 17 lines. ``print_qr`` prints it so that
    it reads on a light terminal too.
    """
    code = _qr(url)
    text = io.StringIO()
    code.terminal(out=text, border=4, compact=True)
    *rows, last = text.getvalue().splitlines()
    # A code has an odd number of rows, so the last line's lower half lies past the quiet zone:
    # light, like the zone, rather than a dark stripe under it.
    return "\n".join([*rows, last.replace("\u2580", "\u2588")]) + "\n"


def print_qr(console: Console, url: str) -> None:
    """Print ``url``'s QR code so that a phone reads it whatever the terminal's colours.

    A console with colour paints every cell white on black, so a light terminal shows the code
    dark on light too (the plain drawing would come out reversed there, which some phone
    cameras cannot read); without colour (``NO_COLOR``, a pipe, a file) it is ``qr_text``.
    """
    from rich.text import Text

    drawn = qr_text(url).rstrip("\n")
    console.print(Text(drawn, style="#ffffff on #000000"), soft_wrap=True, crop=False)


def qr_svg(url: str, title: str | None = None) -> str:
    """``url`` as an SVG QR code: black on white with its quiet zone, scalable (a viewBox and
    no fixed size), no XML declaration (it can be served alone or put inside a page), and a
    title that screen readers announce."""
    code = _qr(url)
    if title is None:
        title = "QR code to open " + url.split("://", 1)[-1].rstrip("/")
    data = io.BytesIO()
    code.save(
        data,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        title=title,
        dark="#000",
        light="#fff",
        border=4,
        nl=False,
        svgclass=None,
        lineclass=None,
    )
    return data.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" ', 1)


def can_draw(encoding: str | None) -> bool:
    """Whether a stream in ``encoding`` can show the half blocks ``qr_text`` draws with."""
    try:
        "\u2580\u2584\u2588".encode(encoding or "utf-8")
    except (LookupError, UnicodeError):
        return False
    return True


def no_port(host: str, wanted: int, exc: OSError) -> int:
    """Why nothing can listen: a usage error (exit 2) for a ``--host`` not on this machine,
    else the reason on standard error and exit code 1."""
    reason = clean(exc.strerror or str(exc), one_line=True)
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        raise UsageError(
            f"cannot listen on --host {host}: {reason}; give one of this laptop's addresses, "
            "or leave --host out to listen on every network"
        ) from None
    sys.stderr.write(clean(f"presidium: no port to listen on ({wanted} or any other): {reason}\n"))
    return 1
