"""The ``chartbrief`` subcommands, all headless. (``chartbrief`` with no arguments is handled by
``gui.launcher``, which opens the window, so that core never depends on Qt.)

Each subcommand lives in its own module here exposing ``register(subparsers)`` (adds its parser and
sets ``func``); modules are imported only when listed so ``chartbrief doctor`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from core import __version__
from core.errors import ChartBriefError

SUBCOMMANDS = (
    "doctor",
    "summarize",
    "check",
    "models",
    "finetune",
    "evaluate",
    "adapters",
    "audit",
    "bench",
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chartbrief",
        description="Summarize clinical notes with a local int4 Llama model on the CPU; fine-tune it on local data.",
    )
    parser.add_argument("--version", action="version", version=f"chartbrief {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details (never note text)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"core.cli.{name}").register(sub)
    return parser


def _library(record: logging.LogRecord) -> bool:
    from core import runtime

    return runtime.is_library_record(record)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (not the stream at creation), so it never goes stale."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def configure_logging(verbose: bool = False) -> None:
    """File log (redacted, in log_dir) at INFO; warnings (or everything with -v) on stderr.

    Done before any heavy import so libraries that call ``logging.basicConfig`` (ipex-llm does)
    find the root logger configured and add no console handler of their own.
    """
    from core import logsafe

    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "_chartbrief_console", False)]:
        root.removeHandler(h)
    logsafe.configure(logging.DEBUG if verbose else logging.INFO)
    logging.raiseExceptions = False  # a failing handler must not print tracebacks (with their text) to stderr
    console = _StderrHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.addFilter(logsafe.REDACT_FILTER)
    if not verbose:  # a library's warnings are for the log file; its errors still show
        console.addFilter(lambda record: record.levelno >= logging.ERROR or not _library(record))
    console._chartbrief_console = True  # type: ignore[attr-defined]  # marks ours among the root's handlers
    root.addHandler(console)


def main(argv: list[str] | None = None) -> int:
    from core import runtime

    runtime.setup()
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ChartBriefError as exc:
        print(f"chartbrief: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("chartbrief: cancelled", file=sys.stderr)
        return 130
    finally:
        auto = sys.modules.get("core.engines.auto")
        if auto is not None:  # a command that ran on auto's unmeasured default: measure now, detached
            auto.measure_later()


if __name__ == "__main__":
    sys.exit(main())
