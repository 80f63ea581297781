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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
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
