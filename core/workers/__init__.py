"""ChartBrief's child processes (fine-tuning, evaluation): which CPUs they run on, how they are pinned,
and how they are started (:mod:`core.workers.affinity`, :mod:`core.workers.spawn`).

Nothing here knows what a worker does; the fine-tuning and evaluation packages both build on it.
"""
