"""The frozen bundle's entry script (installer/chartbrief.spec): the ``chartbrief`` command, as the
executable ``ChartBrief``. Workers re-enter here as ``ChartBrief --run-module MODULE …``
(see :func:`core.workers.spawn.command` and :func:`gui.launcher.run_module`)."""

import multiprocessing
import sys

from gui.launcher import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a library's multiprocessing child re-enters the bundle too
    sys.exit(main())
