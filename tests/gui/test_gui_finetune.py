"""The fine-tune view: dataset report and privacy choice, progress from events, the evaluation table, and
real tiny runs (a 2-layer random Llama) that train, evaluate, cancel, resume and stop when the window closes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from core import adapters
from core.evaluate.metrics import NoteScore
from core.evaluate.report import build
from core.finetune import RunDir
from core.workers import protocol
from gui.finetune_view import FinetuneView
from gui.training_panel import LEAVE, STOP
from tests import tiny_model

RUN_TIMEOUT_MS = 240_000


@pytest.fixture
def pairs(tmp_path) -> Path:
    """30 short synthetic rows, plus a duplicate, a blank summary and a row too long for 512 tokens."""
    path = tiny_model.small_dataset(tmp_path / "pairs.jsonl", rows=30)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rows += [rows[3], {**rows[4], "summary": " "}, {**rows[5], "note": rows[5]["note"] * 12, "id": "long"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def quick(tiny_id: str, **changes) -> dict:
    return {"model_id": tiny_id, "grad_accum": 1, "checkpoint_every": 2, "warmup_steps": 1, "eval_limit": 0,
            "eval_engine": "reference", "eval_max_new_tokens": 8, "minutes": None, **changes}


@pytest.fixture
def view(qtbot, tiny_id, pairs, messages):
    v = FinetuneView()
    qtbot.addWidget(v)
    v.overrides = quick(tiny_id)
    v.form.max_length.setValue(512)
    v.choose_data = lambda folder: pairs
    yield v
    v.runs.ask_on_close = lambda: STOP
    v.runs.prepare_to_close()
    if v.runs.run is not None and v.runs.run.proc is not None:
        v.runs.run.kill()
    v.shutdown()


def checked(view, qtbot, folder: bool = False):
    shown = []
    view.worker.failed.connect(shown.append)
    view.choose_and_check(folder)
    qtbot.waitUntil(lambda: shown or (view.prepared is not None and not view.worker.busy), timeout=60_000)
    assert not shown, shown
    return view.prepared


def test_dataset_report_shows_counts_exclusions_split_and_identifiers(view, qtbot, messages):
    prepared = checked(view, qtbot)
    report = view.report
    assert report.summary.text().startswith("33 rows, 30 usable.")
    assert "held out as never seen in training (specialty" in report.summary.text()
    issues = report.issues.text()
    assert "Blank note or summary: 1 (left out)" in issues and "Exact duplicates: 1" in issues
    assert "Longer than 512 tokens: 1 (left out, never cut short" in issues
    assert "EXCLUDED, never truncated" in report.details.toPlainText()
    assert "Split:" in report.details.toPlainText()
    names = prepared.privacy.counts["name"]
    assert names > 0 and report.privacy_table.isVisibleTo(view)
    kinds = {report.privacy_table.item(r, 0).text(): report.privacy_table.item(r, 1).text()
             for r in range(report.privacy_table.rowCount())}
    assert kinds == {"name": str(names)}
    assert report.privacy_table.item(0, 2).text().startswith("1, 2, ")  # row numbers, never the names
    shown = report.summary.text() + issues + report.details.toPlainText() + report.privacy.text()
    assert "Mockley" not in shown and "Morgan" not in shown
    assert report.choice.isVisibleTo(view) and not view.runs.start_button.isEnabled()
    report.proceed_button.click()
    assert view.approved and view.runs.start_button.isEnabled() and not messages

    view.form.max_length.setValue(4096)  # a new max length checks the data again; the choice stands
    view.form.max_length.editingFinished.emit()
    qtbot.waitUntil(lambda: "Longer than 4096 tokens: 0" in report.issues.text() and not view.worker.busy,
                    timeout=60_000)
    assert report.summary.text().startswith("33 rows, 31 usable.")
    assert view.approved and view.runs.start_button.isEnabled() and not report.choice.isEnabled()


def test_scrub_checks_a_clean_copy_and_stop_forgets_the_data(view, qtbot, pairs):
    original = pairs.read_text()
    checked(view, qtbot)
    view.report.scrub_button.click()
    qtbot.waitUntil(lambda: view.prepared is not None and not view.worker.busy, timeout=60_000)
    assert view.data_path.name == "pairs.scrubbed.jsonl" and view.data_path.parent.name == "datasets"
    assert view.prepared.privacy.clean and view.approved and not view.report.choice.isVisibleTo(view)
    assert "[NAME]" in view.data_path.read_text() and pairs.read_text() == original
    assert view.runs.start_button.isEnabled()
    checked(view, qtbot)
    view.report.stop_button.click()
    assert view.prepared is None and view.data_path is None and not view.runs.start_button.isEnabled()


def test_options_come_from_core_defaults_and_bad_values_are_reported(view, messages):
    from core import hardware

    form = view.form
    assert form.cores.text() == hardware.format_cpu_list(hardware.core_plan(hardware.detect()).training)
    assert not form.advanced.isVisibleTo(view)
    form.advanced_button.click()
    assert form.advanced.isVisibleTo(view)
    opts = form.options(None)
    assert (opts.minutes, opts.lora_r, opts.learning_rate, opts.max_length) == (15, 16, 1e-3, 512)
    form.learning_rate.setText("fast")
    assert not view.check_data(Path("x.jsonl"))
    assert "Learning rate 'fast' is not a number" in messages[-1].text
    form.learning_rate.setText("0.001")
    form.cores.setText("9999")
    assert not view.check_data(Path("x.jsonl")) and "Training CPUs" in messages[-1].text


def _report() -> dict:
    def s(group, rl, found, tags=(), flags=None):
        return NoteScore("0" * 64, group, rl + 10, rl - 5, rl, found, 4, flags or {}, tags=list(tags))

    base = [s("seen", 20, 2), s("unseen", 10, 1, ["unseen:specialty"], {"number": 2})]
    tuned = [s("seen", 30, 3), s("unseen", 12, 1, ["unseen:specialty"])]
    return build(base, tuned, model_id="m", adapter_id="a", engine="reference", variant="fp32",
                 max_new_tokens=8, style="brief")


def test_evaluation_table_shows_base_adapter_and_change_per_group(view):
    table = view.table
    table.show_groups(_report()["groups"])
    rows = [[table.cell(r, c) for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert [r[0] for r in rows if r[0]] == ["Seen (1)", "Unseen (1)", "Unseen specialty (1)", "All (2)"]
    assert rows[0][1:] == ["Base model", "30.0", "15.0", "20.0", "0.500", "0.00"]
    assert rows[1][1:] == ["Adapter", "40.0", "25.0", "30.0", "0.750", "0.00"]
    assert rows[2][1:] == ["Change", "+10.0", "+10.0", "+10.0", "+0.250", "+0.00"]
    unseen_change = rows[5]
    assert unseen_change[1] == "Change" and unseen_change[-1] == "-2.00"
    assert table.item(5, 6).foreground().color().name() == "#1b7a2f"  # fewer flags is better
    table.show_message("nothing")
    assert table.rowCount() == 1 and table.cell(0, 0) == "nothing"


class FakeRun:
    """A run whose worker 'prints' a few events, for driving the view without training."""

    def __init__(self, events, run_dir):
        self._events, self.dir, self.proc = events, run_dir, None

    id = "20300101-000000-beef"

    def events(self):
        for e in self._events:
            time.sleep(0.02)
            yield e

    def cancel(self):
        pass


def test_progress_events_update_plot_labels_table_and_buttons(view, qtbot, messages, tmp_path):
    events = [{"event": "started", "train_rows": 20, "max_steps": 3, "cpus": "1", "dtype": "fp32",
               "resumed_from": None}]
    events += [{"event": "step", "step": i, "max_steps": 3, "epoch": i / 3, "loss": 3.0 - i / 2, "lr": 1e-3,
                "tokens_per_s": 250.0 + i, "eta_s": 65 * (3 - i), "elapsed_s": i, "rss_mb": 1536.0} for i in (1, 2, 3)]
    events += [{"event": "registered", "adapter_id": "tiny-v9"},
               {"event": "evaluation", "groups": _report()["groups"]},
               {"event": "finished", "adapter_id": "tiny-v9", "steps": 3, "train_seconds": 3.0}]
    with qtbot.waitSignal(view.training_changed, timeout=10_000, check_params_cb=lambda on: not on):
        view.runs.follow(FakeRun(events, RunDir(tmp_path)))
        assert view.is_training() and view.runs.cancel_button.isEnabled()
    assert view.progress.plot.points() == [(1, 2.5), (2, 2.0), (3, 1.5)]
    stats = {k: v.text() for k, v in view.progress.stats.items()}
    assert stats == {"Step": "3 of 3", "Epoch": "1.00", "Loss": "1.5000", "Tokens/s": "253", "ETA": "–",
                     "Memory": "1.50 GiB"}  # the job is over: no ETA
    assert view.progress.status.text().startswith("Finished: adapter tiny-v9 after 3 steps")
    assert view.table.cell(0, 1) == "Base model" and view.runs.use_button.isEnabled()
    assert not view.runs.cancel_button.isEnabled()
    view.runs.use_button.click()  # not in the registry: the error is shown, nothing breaks
    assert messages and messages[-1].title == "ChartBrief" and "tiny-v9" in messages[-1].text


@pytest.mark.slow
def test_tiny_run_trains_evaluates_and_its_adapter_can_be_used(view, qtbot, tiny_id, messages):
    view.overrides = quick(tiny_id, max_steps=4, eval_limit=2)
    checked(view, qtbot)
    view.report.proceed_button.click()
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(50)
    t0 = time.monotonic()
    view.runs.start_button.click()
    qtbot.waitUntil(lambda: view.runs.adapter_id is not None and not view.is_training(), timeout=RUN_TIMEOUT_MS)
    timer.stop()
    elapsed = time.monotonic() - t0
    assert not messages, messages
    assert [s for s, _ in view.progress.plot.points()] == [1, 2, 3, 4]
    assert view.progress.stats["Step"].text() == "4 of 4" and view.progress.stats["Tokens/s"].text() != "–"
    assert view.progress.status.text().startswith(f"Finished: adapter {view.runs.adapter_id}")
    labels = [view.table.cell(r, 0) for r in range(view.table.rowCount())]
    assert any(x.startswith("Seen") for x in labels) and any(x.startswith("Unseen") for x in labels)
    assert view.table.cell(1, 1) == "Adapter" and view.table.cell(2, 1) == "Change"
    assert len(ticks) > 0.5 * elapsed / 0.05  # the event loop kept running all along
    asked = []
    view.runs.confirm_worse = lambda verdict: asked.append(verdict) or True  # 4 steps on a random model: may be worse
    with qtbot.waitSignal(view.adapter_activated, timeout=5_000):
        view.runs.use_button.click()
    assert adapters.active_for(tiny_id)[0] == view.runs.adapter_id
    assert adapters.get(view.runs.adapter_id).metrics["seen"]["notes"] >= 1


@pytest.mark.slow
def test_cancel_keeps_the_window_responsive_and_resume_finishes(view, qtbot, tiny_id, messages):
    view.overrides = quick(tiny_id, max_steps=40)
    checked(view, qtbot)
    view.report.proceed_button.click()
    view.runs.start_button.click()
    qtbot.waitUntil(lambda: len(view.progress.plot.points()) >= 2, timeout=RUN_TIMEOUT_MS)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    with qtbot.waitSignal(view.training_changed, timeout=60_000, check_params_cb=lambda on: not on):
        view.runs.cancel_button.click()
    timer.stop()
    run = view.runs.run
    assert run.wait() == 130 and RunDir.open(run.id).status()["state"] == "cancelled"
    assert view.progress.status.text().startswith("Cancelled at step") and len(ticks) >= 5
    stopped_at = max(s for s, _ in view.progress.plot.points())
    assert stopped_at < 40 and view.runs.resume_button.isEnabled() and not messages

    other = FinetuneView()  # a later session offers to resume the cancelled run
    qtbot.addWidget(other)
    assert other.runs.resumable and other.runs.run_id == run.id and "did not finish" in other.progress.status.text()
    other.shutdown()

    view.runs.resume_button.click()
    qtbot.waitUntil(lambda: view.runs.adapter_id is not None and not view.is_training(), timeout=RUN_TIMEOUT_MS)
    steps = [s for s, _ in view.progress.plot.points()]
    assert steps == list(range(1, 41)) and not messages
    assert view.table.cell(0, 0).startswith("Not evaluated")


@pytest.mark.slow
def test_closing_the_window_during_training_asks_then_stops_or_leaves_it(make_window, qtbot, tiny_id, reference_engine,
                                                                         pairs, messages):
    from core.engines import GenerationSettings

    window = make_window()
    window.controller.use_engine(reference_engine)
    window.controller.generation = GenerationSettings(max_new_tokens=16)
    ft = window.finetune_view
    ft.overrides, ft.choose_data = quick(tiny_id, max_steps=400, checkpoint_every=50), lambda folder: pairs
    ft.form.max_length.setValue(512)
    window.show()
    checked(ft, qtbot)
    ft.report.proceed_button.click()
    ft.runs.start_button.click()
    qtbot.waitUntil(lambda: len(ft.progress.plot.points()) >= 1, timeout=RUN_TIMEOUT_MS)
    window.note_pane.editor.setPlainText("BP 150/90. Metformin 500 mg twice daily. Plan: recheck in 2 weeks.")
    with qtbot.waitSignal(window.controller.summary_finished, timeout=120_000):
        window.summarize()  # the summarizer works while the model trains
    assert ft.is_training()
    run = ft.runs.run

    ft.runs.ask_on_close = lambda: None  # "Cancel": the window stays open, training goes on
    assert not window.close() and window.isVisible() and ft.is_training()

    ft.runs.ask_on_close = lambda: STOP
    assert window.close()
    assert run.proc.poll() == 130 and RunDir.open(run.id).status()["state"] == "cancelled"
    assert not messages, messages

    again = make_window()
    again.finetune_view.runs.ask_on_close = lambda: LEAVE
    assert again.finetune_view.runs.resumable
    with qtbot.waitSignal(again.finetune_view.training_changed, timeout=60_000):
        again.finetune_view.resume_training()
    left = again.finetune_view.runs.run
    try:
        assert again.close() and left.proc.poll() is None  # still training in the background
    finally:
        left.kill()


def test_a_run_left_training_in_the_background_is_followed_by_the_next_session(qtbot, home, messages):
    import subprocess
    import sys

    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "core.finetune.worker"])
    view = None
    try:
        run = RunDir.create()
        (run.options_file).write_text("{}")
        run.set_status("running", pid=worker.pid)

        def step(i):
            return protocol.Step(step=i, max_steps=3, epoch=0.1 * i, loss=2.0 / i, lr=1e-3, tokens_per_s=100.0,
                                 eta_s=5, elapsed_s=i, rss_mb=900.0)

        def started(pid, resumed_from):
            return protocol.Started(run=run.id, pid=pid, cpus="0", threads=1, dtype="fp32", allocator=None,
                                    train_rows=10, max_steps=3, resumed_from=resumed_from, budget_s=None, model_id="m")

        history = [started(worker.pid - 1, None), step(1), step(2), protocol.Cancelled(message="", step=2),
                   started(worker.pid, 2)]
        with open(run.events_file, "w") as f:
            f.writelines(protocol.encode(e) for e in history)
        view = FinetuneView()
        qtbot.addWidget(view)
        assert view.is_training() and view.runs.run_id == run.id and view.runs.cancel_button.isEnabled()
        qtbot.waitUntil(lambda: len(view.progress.plot.points()) == 2, timeout=10_000)
        with open(run.events_file, "a") as f:
            f.writelines(protocol.encode(e) for e in (step(3), protocol.Finished(
                run=run.id, adapter_id="x-v1", steps=3, train_seconds=3, tokens_per_s=100.0)))
        with qtbot.waitSignal(view.training_changed, timeout=10_000):
            pass
        assert view.progress.plot.points() == [(1, 2.0), (2, 1.0), (3, 2.0 / 3)]
        assert view.runs.adapter_id == "x-v1" and not view.runs.resumable and not messages
    finally:
        worker.kill()
        worker.wait()
        if view is not None:
            view.shutdown()


def test_the_eta_is_the_whole_jobs_with_its_phase(qtbot):
    from gui.training_progress import TrainingProgress, job_eta

    assert job_eta({"eta_s": 90}) == "1 min 30 s"  # no evaluation planned: training's own
    assert job_eta({"eta_s": 90, "job_eta_s": 400}) == "6 min 40 s (training: 1 min 30 s, then evaluation)"
    progress = TrainingProgress()
    qtbot.addWidget(progress)
    progress.show_event({"event": "step", "step": 1, "max_steps": 4, "epoch": 0.1, "loss": 2.0, "lr": 1e-3,
                         "tokens_per_s": 50, "eta_s": 30, "elapsed_s": 10, "rss_mb": 900, "job_eta_s": 130})
    assert progress.stats["ETA"].text() == "2 min 10 s (training: 30 s, then evaluation)"
    progress.show_event({"event": "eval", "phase": "adapter", "done": 1, "total": 4, "job_eta_s": 45})
    assert progress.stats["ETA"].text() == "45 s (evaluating)"
    assert "new adapter" in progress.status.text()
    progress.show_event({"event": "finished", "adapter_id": "a-v1", "steps": 4, "train_seconds": 40})
    assert progress.stats["ETA"].text() == "–"


def test_the_window_evaluates_on_the_training_cpus_keeping_its_own(view, tiny_id):
    opts = view.form.options(tiny_id)
    assert opts.eval_cores == "training"  # the CLI's default is "all": no window is summarizing beside it
