"""How a fine-tuning job's time budget (``--minutes``) is shared between training and the evaluation after it.

"Fine-tune for 15 minutes" means an evaluated, registered adapter after about 15 minutes, so training
stops early enough to leave the before/after evaluation its time. That time is estimated from what the
last evaluation of the same model on the same engine measured on this machine (seconds per summary and
per engine load, recorded by :mod:`core.evaluate.runner`); before any measurement, from defaults that err
long (the embedded model on the reference engine, one core, 160 tokens: ~16 s a summary, measured).
Training always keeps at least half of the budget; when the evaluation would not fit in the other half, it
evaluates fewer held-out notes (never fewer than :data:`MIN_EVAL_NOTES`) and says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from core import atomic, hardware, paths

DEFAULT_PER_SUMMARY_S = 20.0
DEFAULT_LOAD_S = 20.0
REGISTER_S = 10.0  # saving, registering the adapter and starting the evaluation process
AUTO_PROBE_S = 90.0  # engine "auto" not yet measured for this model here: its first use measures the candidates
MIN_TRAIN_SHARE = 0.5
MIN_EVAL_NOTES = 4  # two seen-like and two unseen-like notes


@dataclass(frozen=True)
class Split:
    total_s: float
    train_s: float
    eval_s: float  # the estimate
    eval_notes: int  # held-out notes to evaluate (fewer than asked when the budget is short)
    measured: bool  # False: the defaults (no evaluation of this model on this engine measured here yet)


def _store():
    return paths.cache_dir() / "evaluation_speed.json"


def key(model_id: str | None, engine: str, max_new_tokens: int) -> str:
    """Per model, engine as asked for (``auto`` too), summary length and CPU model with its ISA (not the
    number of CPUs a process is pinned to: training and evaluation run pinned, the CLI and tests not)."""
    info = hardware.detect()
    return f"{model_id}|{engine}|{max_new_tokens}|{info.model_name}|{','.join(sorted(info.flags & set(hardware.ISA_FLAGS)))}"


def _read() -> dict:
    try:
        data = json.loads(_store().read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def record(key_: str, per_summary_s: float, load_s: float) -> None:
    """Remember what an evaluation measured (seconds per summary, per engine load)."""
    data = _read()
    data[key_] = {"per_summary_s": round(float(per_summary_s), 3), "load_s": round(float(load_s), 3)}
    atomic.write_json(_store(), data)


def measured(key_: str) -> tuple[float, float] | None:
    entry = _read().get(key_)
    if not isinstance(entry, dict):
        return None
    try:
        return float(entry["per_summary_s"]), float(entry["load_s"])
    except (TypeError, KeyError, ValueError):
        return None


def evaluation_s(eval_notes: int, *, model_id: str | None, engine: str, max_new_tokens: int, independent: int = 0,
                 agreement: int = 0) -> float:
    """Estimated seconds of the evaluation after training (see :func:`split`), from this machine's measurements."""
    if not eval_notes:
        return 0.0
    per, load = measured(key(model_id, engine, max_new_tokens)) or (DEFAULT_PER_SUMMARY_S, DEFAULT_LOAD_S)
    return 2 * load + 2 * (eval_notes + independent) * per + _check_s(eval_notes, model_id, engine, max_new_tokens,
                                                                     agreement)


def _check_s(eval_notes: int, model_id: str | None, engine: str, max_new_tokens: int, agreement: int) -> float:
    """The reference-engine check, and the first use of ``auto`` where it has not measured this model yet."""
    probe = AUTO_PROBE_S if engine == "auto" and not _auto_measured(model_id) else 0.0
    if not agreement or engine == "reference":
        return probe
    ref_per, ref_load = measured(key(model_id, "reference", max_new_tokens)) or (DEFAULT_PER_SUMMARY_S, DEFAULT_LOAD_S)
    return probe + ref_load + min(agreement, eval_notes) * ref_per


def _auto_measured(model_id: str | None) -> bool:
    from core.engines import auto
    from core.models import registry

    try:
        return auto.cached_choice(registry.get(model_id)) is not None
    except Exception:  # noqa: BLE001 - an unknown model is the evaluation's error to report, not the estimate's
        return False


def split(minutes: float | None, *, eval_notes: int, model_id: str | None, engine: str,
          max_new_tokens: int, independent: int = 0, agreement: int = 0) -> Split | None:
    """The training share of ``minutes`` (None: no budget). The evaluation summarizes ``eval_notes`` held-out
    notes and ``independent`` notes of the independent set twice (base and adapter; base summaries cached
    from an earlier run only make it end sooner), and ``agreement`` notes once more on the reference engine
    when ``engine`` is another one. Only the held-out notes are cut on a short budget."""
    if not minutes:
        return None
    total = minutes * 60.0
    if not eval_notes:
        return Split(total, total, 0.0, 0, True)
    got = measured(key(model_id, engine, max_new_tokens))
    per, load = got or (DEFAULT_PER_SUMMARY_S, DEFAULT_LOAD_S)
    check = _check_s(eval_notes, model_id, engine, max_new_tokens, agreement)

    def cost(notes: int) -> float:
        return 2 * load + 2 * (notes + independent) * per + check

    room = total * (1 - MIN_TRAIN_SHARE) - REGISTER_S
    notes = eval_notes
    if cost(notes) > room:
        notes = min(eval_notes, max(MIN_EVAL_NOTES, int((room - 2 * load - check) // (2 * per)) - independent))
    eval_s = cost(notes)
    train = max(total - eval_s - REGISTER_S, MIN_TRAIN_SHARE * total)
    return Split(total, round(train, 1), round(eval_s, 1), notes, got is not None)


class EvaluationEta:
    """Seconds left in the evaluation worker, from its progress: the rest of this phase at the pace measured in
    it (or this machine's earlier measurement before the first summary), then the phases after it
    (``base`` → ``adapter`` → ``agreement``, each with its engine load)."""

    def __init__(self, *, model_id: str | None, engine: str, max_new_tokens: int, agreement: int):
        import time

        self._now = time.monotonic
        self.agreement = agreement if engine != "reference" else 0
        self.per, self.load = measured(key(model_id, engine, max_new_tokens)) or (DEFAULT_PER_SUMMARY_S,
                                                                                DEFAULT_LOAD_S)
        self.ref_per, self.ref_load = (measured(key(model_id, "reference", max_new_tokens))
                                       or (DEFAULT_PER_SUMMARY_S, DEFAULT_LOAD_S))
        self._phase: str | None = None
        self._start = (0.0, 0)

    def update(self, phase: str, done: int, total: int) -> float:
        now = self._now()
        if phase != self._phase:  # the phase's first report comes when its first note is done
            self._phase, self._start = phase, (now, done)
        t0, d0 = self._start
        default = self.ref_per if phase == "agreement" else self.per
        pace = (now - t0) / (done - d0) if done > d0 else default
        left = (total - done) * pace
        if phase == "base":  # the adapter pass summarizes the same notes
            left += self.load + total * self.per
        if phase in ("base", "adapter") and self.agreement:
            left += self.ref_load + self.agreement * self.ref_per
        return round(left, 1)
