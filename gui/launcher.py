"""Entry point of the ``chartbrief`` command.

With a subcommand it runs the headless CLI (``core.cli``) without importing Qt. With no arguments it
opens the window; on a machine with no display it says so and summarizes the bundled sample note in
the terminal instead.
"""

from __future__ import annotations

import os
import sys


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_module(module: str, argv: list[str]) -> int:
    """``python -m module argv…`` for a frozen bundle, which has no ``-m``: the one spawner
    (:func:`core.workers.spawn.command`) starts workers as ``<bundle executable> --run-module MODULE …``."""
    import runpy

    sys.argv = [module, *argv]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from core.workers.spawn import RUN_MODULE  # the one spawner's flag for a frozen bundle's workers

    if argv[:1] == [RUN_MODULE] and len(argv) >= 2:
        return run_module(argv[1], argv[2:])
    from core import runtime

    runtime.setup()
    if argv:
        from core.cli import main as cli_main

        return cli_main(argv)
    if not has_display():
        from core.paths import RESOURCES

        sample = RESOURCES / "samples" / "cardiology_admission.txt"
        print("chartbrief: no display found (DISPLAY/WAYLAND_DISPLAY unset), so the window cannot open.\n"
              f"Summarizing the bundled sample note in the terminal instead: {sample.name}\n", file=sys.stderr)
        from core.cli import main as cli_main

        return cli_main(["summarize", str(sample)])
    from gui.app import run_app

    return run_app()


if __name__ == "__main__":
    sys.exit(main())
