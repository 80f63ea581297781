"""``python -m core.engines.auto_probe MODEL_ID``: measure auto's candidates for one model in the background
and store the choice (``auto.choose(..., measure=True)``), at the lowest CPU priority.

Started detached after a command that ran on the per-CPU-kind default (``auto.measure_later``); one at a
time per ChartBrief home (``auto.probe_lock``: an flock on a file in the cache folder). Nothing of any note is involved: the probe uses
ChartBrief's own fixed clinical prompt.
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)


def main(argv: list[str]) -> int:
    from core import runtime
    from core.engines import auto
    from core.models import registry

    os.nice(19)
    runtime.setup()
    model_id = argv[0] if argv else None
    with auto.probe_lock() as mine:
        if not mine:
            return 0  # another probe is measuring
        record = registry.get(model_id)
        if auto.cached_choice(record) is None:
            auto.choose(record, measure=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
