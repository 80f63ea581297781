"""Egress guard: ChartBrief's processes refuse every network connection that leaves the machine.

Installed by ``runtime.setup()`` in the app, the CLI and the fine-tune worker. It wraps Python's
socket layer (``connect``, ``connect_ex``, ``getaddrinfo``, ``create_connection``): loopback and
Unix sockets pass, anything else raises :class:`EgressBlocked` and is recorded (host and port only).
HF offline mode and telemetry opt-outs mean nothing should try; this makes "nothing leaves" hold
even if a dependency misbehaves, and lets tests prove it (``CHARTBRIEF_NETGUARD_REPORT``).
Native code that opens sockets without Python is outside its reach; the offline test covers the
flows that matter end to end.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import threading

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_lock = threading.Lock()
attempts: list[dict] = []
_installed = False


class EgressBlocked(PermissionError):
    """A connection to a non-loopback address was refused by ChartBrief's egress guard."""


def is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def _record(kind: str, host, port) -> None:
    entry = {"kind": kind, "host": str(host), "port": port, "pid": os.getpid()}
    with _lock:
        attempts.append(entry)
        report = os.environ.get("CHARTBRIEF_NETGUARD_REPORT")
        if report:
            with open(report, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")


def _check_address(kind: str, family, address) -> None:
    if family in (getattr(socket, "AF_UNIX", None),) or not isinstance(address, tuple):
        return
    host, port = address[0], address[1] if len(address) > 1 else None
    if not is_local(host):
        _record(kind, host, port)
        raise EgressBlocked(f"ChartBrief blocks network connections that leave this machine ({host}:{port}).")


def install() -> None:
    """Idempotent; ``CHARTBRIEF_ALLOW_NETWORK=1`` turns the guard off (never needed by the app)."""
    global _installed
    if _installed or os.environ.get("CHARTBRIEF_ALLOW_NETWORK") == "1":
        return
    _installed = True
    orig_connect, orig_connect_ex = socket.socket.connect, socket.socket.connect_ex
    orig_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        _check_address("connect", self.family, address)
        return orig_connect(self, address)

    def connect_ex(self, address):
        _check_address("connect", self.family, address)
        return orig_connect_ex(self, address)

    def getaddrinfo(host, port, *args, **kwargs):
        if not is_local(host):
            _record("dns", host, port)
            raise EgressBlocked(f"ChartBrief blocks name lookups for hosts off this machine ({host}).")
        return orig_getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]  # the guard is a patch, on purpose
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    report = os.environ.get("CHARTBRIEF_NETGUARD_REPORT")
    if report:  # lets a test see which processes ran under the guard
        with open(report, "a", encoding="utf-8") as f:
            f.write(json.dumps({"kind": "installed", "pid": os.getpid()}) + "\n")
