"""Who may talk to ``chartbrief serve``, and where it may listen.

A bearer token is made by ``chartbrief serve --new-token``: printed once, and only its sha256 is kept, in
``<config dir>/serve-token.json`` (written atomically, readable by this user only). A random 256-bit token
needs no slow hash: nobody can guess one from its sha256. Once a token exists every request but
``/healthz`` must carry ``Authorization: Bearer <token>``.

Listening on anything but a loopback address needs both ``--allow-remote`` and a token: a note must
never reach a server that anyone on the network can call.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core import atomic, paths
from core.errors import ChartBriefError

TOKEN_FILE = "serve-token.json"
PREFIX = "cb-"


def token_path() -> Path:
    return paths.config_dir() / TOKEN_FILE


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(path: Path | None = None) -> str:
    """Make a token, keep its sha256 (replacing any earlier token) and return it; it is not stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    record = {"algorithm": "sha256", "hash": digest(token),
              "created": datetime.now(UTC).isoformat(timespec="seconds")}
    atomic.write_text(path or token_path(), json.dumps(record, indent=2) + "\n")
    return token


def remove_token(path: Path | None = None) -> bool:
    """Forget the token; returns whether there was one."""
    path = path or token_path()
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def stored_hash(path: Path | None = None) -> str | None:
    """The kept sha256, or None when no token was made. Raises for a file that is not ours."""
    path = path or token_path()
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ChartBriefError(f"The server's token file {path} could not be read ({type(exc).__name__}).",
                              hint="Make a new token with: chartbrief serve --new-token") from None
    value = record.get("hash") if isinstance(record, dict) else None
    if record.get("algorithm") != "sha256" or not isinstance(value, str) or len(value) != 64:
        raise ChartBriefError(f"The server's token file {path} is not one ChartBrief wrote.",
                              hint="Make a new token with: chartbrief serve --new-token")
    return value


@dataclass(frozen=True)
class Gate:
    """Checks ``Authorization`` headers against the kept hash (None: no token, everyone may call)."""

    token_hash: str | None

    @property
    def required(self) -> bool:
        return self.token_hash is not None

    def allows(self, authorization: str | None) -> bool:
        if self.token_hash is None:
            return True
        if not authorization:
            return False
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return False
        return hmac.compare_digest(digest(value.strip()), self.token_hash)


def bind_address(host: str) -> str:
    """``host`` as an IP address (``localhost`` → 127.0.0.1). Host names are refused: resolving one
    would be a name lookup, and the address it stands for could change."""
    if host.lower() == "localhost":
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        raise ChartBriefError(f"--host {host} is not an IP address.",
                              hint="Give an address such as 127.0.0.1 (the default), ::1 or 0.0.0.0.") from None


def is_loopback(address: str) -> bool:
    return ipaddress.ip_address(address).is_loopback


def check_bind(address: str, *, allow_remote: bool, gate: Gate) -> None:
    """Refuse a non-loopback address unless ``--allow-remote`` was given and a token exists."""
    if is_loopback(address):
        return
    if not allow_remote:
        raise ChartBriefError(
            f"Listening on {address} would let other machines send notes to this server.",
            hint="Keep the default (127.0.0.1), or add --allow-remote after making a token with "
                 "chartbrief serve --new-token.")
    if not gate.required:
        raise ChartBriefError(
            f"Listening on {address} needs a token, so that only those who have it can call the server.",
            hint="Make one with: chartbrief serve --new-token  (it is printed once; clients send it as "
                 "'Authorization: Bearer <token>').")
