"""QLoRA fine-tuning on local note→summary pairs, in a pinned background worker process.

    from core.finetune import TrainOptions, prepare, start, resume
    prepared = prepare("notes.jsonl", TrainOptions(minutes=15))   # dataset + privacy report
    run = start("notes.jsonl", TrainOptions(minutes=15), prepared=prepared)
    for event in run.events(): ...                                # see core.finetune.events
"""

from core.finetune.dataset_record import Prepared, prepare
from core.finetune.launcher import Run, resume, start, worker_command, worker_env
from core.finetune.options import OptionError, TrainOptions, help_text
from core.finetune.rundir import RunDir, RunError, list_runs

__all__ = ["OptionError", "Prepared", "Run", "RunDir", "RunError", "TrainOptions", "help_text", "list_runs", "prepare",
           "resume", "start", "worker_command", "worker_env"]
