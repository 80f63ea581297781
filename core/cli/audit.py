"""``chartbrief audit``: verify the hash-chained audit log, or show its newest entries."""

from __future__ import annotations

import json
from pathlib import Path

from core import audit

_HIDDEN = {"seq", "time", "action", "app_version", "prev", "hash"}


def register(sub) -> None:
    p = sub.add_parser("audit", help="verify or show the audit log (hashes and ids, never note text)")
    cmds = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = cmds.add_parser("verify", help="check the hash chain; exit 1 naming each bad line")
    v.add_argument("--file", type=Path, help="audit log to check (default: the app's)")
    v.set_defaults(func=run_verify)
    s = cmds.add_parser("show", help="print the newest entries")
    s.add_argument("--file", type=Path, help="audit log to read (default: the app's)")
    s.add_argument("--last", type=int, default=20, metavar="N", help="how many entries (default 20; 0: all)")
    s.add_argument("--json", action="store_true", help="one JSON entry per line")
    s.set_defaults(func=run_show)


def run_verify(args) -> int:
    path = args.file or audit.default_path()
    result = audit.verify(path)
    if result.ok:
        print(f"audit log OK: {result.entries} entries ({path})")
        return 0
    print(f"audit log FAILED verification ({path}): {len(result.problems)} problem(s)")
    for problem in result.problems:
        print(f"  {problem}")
    return 1


def run_show(args) -> int:
    entries = audit.read(args.file or audit.default_path(), limit=max(args.last, 0) or None)
    for e in entries:
        if args.json:
            print(json.dumps(e, sort_keys=True))
            continue
        extra = " ".join(f"{k}={_short(v)}" for k, v in sorted(e.items()) if k not in _HIDDEN)
        print(f"{e['seq']:>6}  {e.get('time', '?')}  {e.get('action', '?'):<16} {extra}".rstrip())
    if not entries and not args.json:
        print("audit log is empty")
    return 0


def _short(value) -> str:
    text = str(value)
    return text[:12] if len(text) == 64 else text
