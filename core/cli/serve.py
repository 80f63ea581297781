"""``chartbrief serve``: a local HTTP API (OpenAI-compatible chat, summaries, checks) on one loaded model.

Loopback only unless ``--allow-remote`` is given, and then only with a token (``--new-token``). See
``docs/serve.md``.
"""

from __future__ import annotations

import re
import sys

from core.cli import engine_options
from core.errors import ChartBriefError

DEFAULT_PORT = 8765
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kKmM]?)(?:i?[bB])?")


def size(text: str) -> int:
    """``2M``, ``512K``, ``1048576`` → bytes (K = 1024, M = 1024²)."""
    m = _SIZE.fullmatch(text.strip())
    if not m or float(m[1]) <= 0:
        raise ValueError(text)
    return int(float(m[1]) * {"": 1, "k": 1024, "m": 2**20}[m[2].lower()])


size.__name__ = "size"  # argparse names the type in its error message


def register(sub) -> None:
    from core.serve.options import Options

    p = sub.add_parser("serve", help="a local HTTP API on the model: OpenAI-compatible chat completions, "
                                     "/v1/summaries and /v1/check (loopback only by default)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1); any other than loopback needs --allow-remote "
                        "and a token")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: a free one)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow a non-loopback --host (other machines can then call it; a token is required)")
    p.add_argument("--new-token", action="store_true",
                   help="make a new bearer token, print it once and keep only its sha256 (replaces any earlier "
                        "one), then exit")
    p.add_argument("--remove-token", action="store_true", help="forget the token (loopback use only), then exit")
    p.add_argument("--certfile", help="serve HTTPS with this PEM certificate (with --keyfile)")
    p.add_argument("--keyfile", help="the certificate's PEM private key")
    p.add_argument("--queue", type=int, default=Options.queue_size, metavar="N",
                   help=f"requests that may wait for the model (default {Options.queue_size}); more are refused with "
                        "429 and Retry-After")
    p.add_argument("--max-body", type=size, default=Options.max_body, metavar="SIZE",
                   help="largest request accepted, e.g. 512K, 2M (default 2M); larger ones get 413")
    p.add_argument("--max-tokens", type=int, default=Options.max_tokens, metavar="N",
                   help=f"a chat completion's max_tokens when the request gives none (default {Options.max_tokens})")
    engine_options.add(p)
    p.add_argument("--context", type=int, help="summaries use at most this many tokens of the model's context")
    p.set_defaults(func=run)


def run(args) -> int:
    from core.serve import auth

    if args.new_token and args.remove_token:
        raise ChartBriefError("--new-token and --remove-token cannot be used together.", hint="Choose one.")
    if args.new_token:
        token = auth.new_token()
        print(token)
        print(f"This token is shown only now: only its sha256 is kept ({auth.token_path()}). Clients send it as "
              "'Authorization: Bearer <token>'. A running server reads the token when it starts: restart it.",
              file=sys.stderr)
        return 0
    if args.remove_token:
        gone = auth.remove_token()
        print("The token was removed." if gone else "There was no token.", file=sys.stderr)
        return 0
    if args.queue < 1:
        raise ChartBriefError(f"--queue {args.queue}: at least 1 request must be able to wait.", hint="Use --queue 1 "
                              "or more.")
    if not 0 <= args.port <= 65535:
        raise ChartBriefError(f"--port {args.port} is not a port number.", hint="Use 1-65535, or 0 for a free one.")
    address = auth.bind_address(args.host)
    gate = auth.Gate(auth.stored_hash())
    auth.check_bind(address, allow_remote=args.allow_remote, gate=gate)
    from core.serve import server

    server.check_tls(args.certfile, args.keyfile)
    return _serve(args, address, gate)


def _serve(args, address: str, gate) -> int:
    import threading

    from core import adapters, engines
    from core.serve import auth, server
    from core.serve.app import create_app
    from core.serve.options import Options

    def status(msg: str) -> None:
        print(msg, file=sys.stderr)

    preload = threading.Thread(target=_preload, name="grounding-preload", daemon=True)
    preload.start()  # the check's dictionaries load while the model does
    engine = engines.load(args.engine, args.model, args.qtype, adapters.resolve_choice(args.adapter, args.model),
                          on_status=status)
    preload.join()
    options = Options(queue_size=args.queue, max_body=args.max_body, max_tokens=args.max_tokens,
                      context=args.context)
    app = create_app(engine, options=options, gate=gate)
    uv = server.make_server(app, certfile=args.certfile, keyfile=args.keyfile)
    sock = server.bind(address, args.port)
    tls = args.certfile is not None
    info = engine.info
    print(f"ChartBrief serves {info.model_id} ({info.name} {info.variant}"
          f"{', adapter ' + info.adapter_id if info.adapter_id else ''}) on {server.url(sock, tls)}"
          f"{' (token required)' if gate.required else ''} — Ctrl-C stops", flush=True)
    if not auth.is_loopback(address) and not tls:
        status("Warning: without --certfile/--keyfile, notes and the token cross the network unencrypted.")
    try:
        uv.run(sockets=[sock])  # until Ctrl-C or SIGTERM; requests in hand are finished first
    except KeyboardInterrupt:  # uvicorn passes Ctrl-C on after its graceful shutdown: the normal way to stop
        pass
    print("ChartBrief serve stopped.", file=sys.stderr)
    return 0


def _preload() -> None:
    from core import facts, grounding

    grounding.preload()
    facts.preload()
