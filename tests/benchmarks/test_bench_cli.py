"""``chartbrief bench`` is registered and parses its options; importing it does not import the bench,
which it runs as its own program."""

from __future__ import annotations

import subprocess
import sys


def test_bench_subcommand_parses_its_options():
    from core.cli import bench, build_parser

    args = build_parser().parse_args(["bench", "--quick", "--json", "/tmp/x.json", "--out", "d",
                                      "--skip-training"])
    assert args.func is bench.run
    assert args.quick and args.json == "/tmp/x.json" and args.out == "d" and args.skip_training


def test_importing_the_cli_module_does_not_import_benchmarks_or_torch():
    code = "import sys, core.cli.bench; print(any(m.split('.')[0] in ('benchmarks', 'torch') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr


def test_bench_runs_the_suite_as_its_own_program():
    from core.cli import bench, build_parser

    args = build_parser().parse_args(["bench", "--quick", "--json", "x.json", "--skip-training"])
    assert bench.arguments(args) == ["--quick", "--json", "x.json", "--skip-training"]


def test_bench_runs_the_installed_suite_from_any_folder(tmp_path, monkeypatch, capfd):
    from core.cli import bench

    monkeypatch.chdir(tmp_path)  # nothing of the checkout on sys.path: the installed package is run
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.setattr(bench, "arguments", lambda args: ["--help"])
    assert bench.run(None) == 0
    assert "--skip-training" in capfd.readouterr().out


def test_a_run_without_out_writes_to_the_data_folder_per_machine_kind(tmp_path, monkeypatch):
    from benchmarks import run

    monkeypatch.setenv("CHARTBRIEF_HOME", str(tmp_path))
    assert run.default_out(False, "avx512") == tmp_path / "data" / "bench" / "avx512"
    assert run.default_out(True, "avx2") == tmp_path / "data" / "bench" / "quick-avx2"
    assert not run.default_out(False, "amx").is_relative_to(run.PACKAGE_DIR.parent)
