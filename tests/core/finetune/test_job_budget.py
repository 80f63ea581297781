"""The time budget covers training and the evaluation after it (core.finetune.job_budget)."""

from __future__ import annotations

from conftest import follow, quick_options

from core.finetune import job_budget, prepare, start


def test_no_budget_no_split():
    assert job_budget.split(None, eval_notes=24, model_id="m", engine="reference", max_new_tokens=160) is None


def test_without_an_evaluation_training_gets_everything(home):
    s = job_budget.split(15, eval_notes=0, model_id="m", engine="reference", max_new_tokens=160)
    assert s.train_s == s.total_s == 900 and s.eval_s == 0


def test_unmeasured_the_defaults_err_long_and_a_short_budget_evaluates_fewer_notes(home):
    s = job_budget.split(15, eval_notes=24, model_id="m", engine="reference", max_new_tokens=160)
    # 24 notes x 2 passes x 20 s + 2 loads x 20 s = 1,000 s: more than half of 900 s, so 10 notes (440 s) fit
    assert not s.measured and s.eval_notes == 10 and s.eval_s == 440 and s.train_s == 450
    assert s.train_s + s.eval_s + job_budget.REGISTER_S <= s.total_s
    long = job_budget.split(60, eval_notes=24, model_id="m", engine="reference", max_new_tokens=160)
    assert long.eval_notes == 24 and long.train_s == 3600 - 1000 - job_budget.REGISTER_S


def test_a_measurement_replaces_the_defaults_and_training_keeps_half(home):
    key = job_budget.key("m", "reference", 160)
    job_budget.record(key, per_summary_s=2.0, load_s=5.0)
    s = job_budget.split(15, eval_notes=24, model_id="m", engine="reference", max_new_tokens=160)
    assert s.measured and s.eval_notes == 24 and s.eval_s == 2 * 5 + 2 * 24 * 2.0
    assert s.train_s == 900 - s.eval_s - job_budget.REGISTER_S
    assert job_budget.split(15, eval_notes=24, model_id="m", engine="openvino", max_new_tokens=160).measured is False
    job_budget.record(key, per_summary_s=60.0, load_s=5.0)  # even the fewest notes do not fit in half
    slow = job_budget.split(15, eval_notes=24, model_id="m", engine="reference", max_new_tokens=160)
    assert slow.eval_notes == job_budget.MIN_EVAL_NOTES and slow.train_s == 450  # never below half


def test_training_stops_early_enough_to_leave_the_evaluation_its_time(tiny_id, small_data):
    """A 30 s job, 2 held-out notes, summaries and loads measured at 1 s: the evaluation is estimated at
    2·1 + 2·2·1 = 6 s, which would leave training 30 - 6 - 10 = 14 s, below half the budget: it gets 15 s."""
    opts = quick_options(tiny_id, minutes=0.5, max_steps=100_000, checkpoint_every=1000, eval_limit=2)
    job_budget.record(job_budget.key(tiny_id, "reference", opts.eval_max_new_tokens), per_summary_s=1.0,
                      load_s=1.0)
    run = start(small_data, opts, prepared=prepare(small_data, opts))
    events = follow(run)
    started = next(e for e in events if e["event"] == "started")
    assert started["job_budget_s"] == 30 and started["eval_estimate_s"] == 6.0 and started["budget_s"] == 15.0
    assert started["eval_notes"] == 2
    trained = next(e for e in events if e["event"] == "trained")
    assert trained["reason"] == "time" and trained["train_seconds"] <= 15.0
    assert any(e["event"] == "evaluation" for e in events) and events[-1]["event"] == "finished"
    steps = [e for e in events if e["event"] == "step"]
    assert all(e["job_eta_s"] >= e["eta_s"] + 6.0 for e in steps)  # the whole job: training, then evaluation
    evals = [e for e in events if e["event"] == "eval"]
    assert evals and all(e["job_eta_s"] is not None for e in evals) and evals[-1]["job_eta_s"] == 0


def test_the_independent_set_and_the_agreement_check_are_in_the_estimate(home):
    job_budget.record(job_budget.key("m", "openvino", 160), per_summary_s=5.0, load_s=10.0)
    job_budget.record(job_budget.key("m", "reference", 160), per_summary_s=20.0, load_s=15.0)
    plain = job_budget.split(15, eval_notes=24, model_id="m", engine="openvino", max_new_tokens=160)
    full = job_budget.split(15, eval_notes=24, model_id="m", engine="openvino", max_new_tokens=160,
                            independent=4, agreement=2)
    assert plain.eval_s == 2 * 10 + 2 * 24 * 5
    assert full.eval_s == plain.eval_s + 2 * 4 * 5 + (15 + 2 * 20)  # 4 more notes twice; 2 on the reference
    on_reference = job_budget.split(15, eval_notes=24, model_id="m", engine="reference", max_new_tokens=160,
                                    independent=4, agreement=2)
    # no check of the reference against itself; the held-out notes (not the independent ones) are cut to fit half
    assert on_reference.eval_notes == 6 and on_reference.eval_s == 2 * 15 + 2 * (6 + 4) * 20


def test_the_evaluation_eta_counts_the_phases_still_to_come(home, monkeypatch):
    job_budget.record(job_budget.key("m", "openvino", 160), per_summary_s=5.0, load_s=10.0)
    job_budget.record(job_budget.key("m", "reference", 160), per_summary_s=20.0, load_s=15.0)
    clock = iter([0.0, 8.0, 16.0, 100.0, 104.0, 200.0, 230.0])
    eta = job_budget.EvaluationEta(model_id="m", engine="openvino", max_new_tokens=160, agreement=2)
    eta._now = lambda: next(clock)
    # base, first of 4 done: 3 more at the measured 5 s, then load + 4 adapter summaries, then the reference check
    assert eta.update("base", 1, 4) == 3 * 5 + 10 + 4 * 5 + 15 + 2 * 20
    assert eta.update("base", 2, 4) == 2 * 8 + 10 + 4 * 5 + 15 + 2 * 20  # this phase's own pace: 8 s a note
    assert eta.update("base", 3, 4) == 1 * 8 + 10 + 4 * 5 + 15 + 2 * 20
    assert eta.update("adapter", 1, 4) == 3 * 5 + 15 + 2 * 20
    assert eta.update("adapter", 2, 4) == 2 * 4 + 15 + 2 * 20
    assert eta.update("agreement", 1, 2) == 1 * 20
    assert eta.update("agreement", 2, 2) == 0
    on_reference = job_budget.EvaluationEta(model_id="m", engine="reference", max_new_tokens=160, agreement=2)
    assert on_reference.agreement == 0  # the reference engine is not checked against itself


def test_the_first_use_of_auto_is_in_the_estimate(home, monkeypatch):
    job_budget.record(job_budget.key("m", "auto", 160), per_summary_s=5.0, load_s=10.0)
    monkeypatch.setattr(job_budget, "_auto_measured", lambda model_id: False)
    first = job_budget.evaluation_s(4, model_id="m", engine="auto", max_new_tokens=160)
    monkeypatch.setattr(job_budget, "_auto_measured", lambda model_id: True)
    later = job_budget.evaluation_s(4, model_id="m", engine="auto", max_new_tokens=160)
    assert first == later + job_budget.AUTO_PROBE_S and later == 2 * 10 + 2 * 4 * 5
