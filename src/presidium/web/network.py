"""Provisional: the helper "net" replaces this module (addresses, a free port, the QR)."""

from __future__ import annotations

import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    ip: str
    interface: str
    loopback: bool


def addresses() -> list[Address]:
    found: list[Address] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            ip = probe.getsockname()[0]
            if not ip.startswith("127."):
                found.append(Address(ip, "", False))
    except OSError:
        pass
    found.append(Address("127.0.0.1", "lo", True))
    return found


def pick_port(host: str, wanted: int) -> tuple[socket.socket, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, wanted))
    except OSError:
        sock.bind((host, 0))
    return sock, sock.getsockname()[1]


def qr_text(url: str) -> str:
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def qr_svg(url: str) -> str:
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, xmldecl=False)
    return out.getvalue().decode()
