"""Running the application under uvicorn: the listening socket, TLS, logging through ChartBrief's own.

The socket is bound here (not by uvicorn) so that the address is checked once, ``--port 0`` gives a free
port that can be printed, and a port in use is a clear error. uvicorn gets ``log_config=None``: its
loggers (server, errors, the access log of method, path and status — never bodies) propagate to the root
logger that :func:`core.logsafe.configure` set up, so they land in the redacted log file.
"""

from __future__ import annotations

import logging
import socket
import ssl
from pathlib import Path

from core.errors import ChartBriefError

log = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_S = 5


def bind(address: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise ChartBriefError(f"Port {port} on {address} is already in use.",
                                  hint="Choose another with --port (0 picks a free one).") from None
        raise ChartBriefError(f"Cannot listen on {address}:{port} ({exc.strerror or type(exc).__name__}).",
                              hint="Check the address belongs to this machine, and the port number.") from None
    sock.set_inheritable(True)
    return sock


def check_tls(certfile: str | None, keyfile: str | None) -> None:
    if (certfile is None) != (keyfile is None):
        raise ChartBriefError("TLS needs both --certfile and --keyfile.", hint="Give both, or neither.")
    for path in (certfile, keyfile):
        if path is not None and not Path(path).is_file():
            raise ChartBriefError(f"{path} was not found.", hint="Give the PEM files of the server's certificate "
                                                                 "and its private key.")


def url(sock: socket.socket, tls: bool) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}"


def make_server(app, *, certfile: str | None = None, keyfile: str | None = None):
    """A ``uvicorn.Server`` for ``app``; ``server.run(sockets=[sock])`` serves until SIGINT/SIGTERM
    (uvicorn's handlers: finish the requests in hand, then stop)."""
    import uvicorn

    config = uvicorn.Config(app, log_config=None, ssl_certfile=certfile, ssl_keyfile=keyfile,
                            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S, server_header=False,
                            proxy_headers=False, lifespan="on")
    try:
        config.load()  # reads the certificate now, so a bad one is a clear error before anything listens
    except (ssl.SSLError, OSError) as exc:
        raise ChartBriefError(f"The TLS certificate or key could not be loaded ({type(exc).__name__}: "
                              f"{getattr(exc, 'reason', None) or exc.strerror or 'unreadable'}).",
                              hint="Give a PEM certificate with --certfile and its unencrypted key with "
                                   "--keyfile.") from None
    return uvicorn.Server(config)
