"""The one place a worker's command line and environment are decided."""

from __future__ import annotations

import sys

from core.workers import spawn


def test_command_runs_the_installed_module_with_this_interpreter():
    assert spawn.command("core.evaluate.worker", ["--limit", "2"]) == [
        sys.executable, "-P", "-m", "core.evaluate.worker", "--limit", "2"]


def test_a_frozen_bundle_runs_the_module_through_its_own_executable(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert spawn.command("core.finetune.worker", ["run"]) == [sys.executable, "--run-module", "core.finetune.worker",
                                                             "run"]


def test_training_environment_preloads_tcmalloc_and_binds_threads():
    env = spawn.environment((0, 2), preload_allocator=True, base={"LD_PRELOAD": "/opt/libfoo.so"})
    first, rest = env["LD_PRELOAD"].split(":")
    assert first.endswith("libtcmalloc.so") and rest == "/opt/libfoo.so"
    assert env["OMP_NUM_THREADS"] == "2" and env["OMP_PLACES"] == "{0},{2}"
    assert "PYTHONPATH" not in env and env["PYTHONUNBUFFERED"] == "1"


def test_evaluation_environment_drops_an_inherited_tcmalloc():
    env = spawn.environment((1,), preload_allocator=False,
                            base={"LD_PRELOAD": "/x/libtcmalloc.so:/opt/libfoo.so", "PYTHONPATH": "/p"})
    assert env["LD_PRELOAD"] == "/opt/libfoo.so"
    assert env["OMP_NUM_THREADS"] == "1" and env["PYTHONPATH"] == "/p"  # the caller's, untouched
    assert "LD_PRELOAD" not in spawn.environment((1,), preload_allocator=False, base={})


def test_spawned_worker_gets_the_environment_and_appends_stderr(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "envprobe.py").write_text(
        "import os, sys\n"
        "print(os.environ['OMP_NUM_THREADS'], os.getcwd(), sys.argv[1:])\n"
        "print('to the log', file=sys.stderr)\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    log_file = tmp_path / "worker.log"
    log_file.write_text("earlier\n")
    with spawn.spawn("envprobe", ["--x"], (0,), preload_allocator=False, log_file=log_file) as proc:
        out = proc.stdout.read()
    assert proc.returncode == 0
    assert out.split(maxsplit=2) == ["1", str(tmp_path), "['--x']\n"]  # the caller's folder, not the checkout
    assert log_file.read_text() == "earlier\nto the log\n"
