"""Cheap portability guards (installer/README.md, "Windows and macOS"): core imports and starts where there
is no ``fcntl`` or ``/proc``, and a fine-tuning worker can be killed where there is no ``os.killpg``.
Linux behaviour is unchanged; these tests simulate the other systems on Linux."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import atomic, hardware

ROOT = Path(__file__).resolve().parents[2]

# A child interpreter without fcntl (as on Windows) and with a stand-in msvcrt that records lock calls.
_NO_FCNTL = r"""
import json, os, sys, types
sys.modules["fcntl"] = None  # import fcntl now raises ImportError
calls = []
fake = types.ModuleType("msvcrt")
fake.LK_LOCK = 1
fake.locking = lambda fd, mode, n: calls.append([os.lseek(fd, 0, os.SEEK_CUR), mode, n])
sys.modules["msvcrt"] = fake
from core import atomic, audit
import core.adapters.registry  # noqa: F401 - imports without fcntl
log = sys.argv[1]
audit.record("summarize", path=log, note_sha256="ab" * 32)
audit.record("export", path=log, note_sha256="cd" * 32)
print(json.dumps({"ok": audit.verify(log).ok, "fcntl": atomic.fcntl is None, "calls": calls}))
"""


def test_core_locks_files_without_fcntl(tmp_path):
    log = tmp_path / "audit.jsonl"
    proc = subprocess.run([sys.executable, "-c", _NO_FCNTL, str(log)], capture_output=True, text=True,
                          timeout=300, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["ok"] and out["fcntl"]
    # every append and every read took the one-byte lock far past the end of the file
    assert out["calls"] and all(c == [atomic._WINDOWS_LOCK_OFFSET, 1, 1] for c in out["calls"])
    assert log.stat().st_size < atomic._WINDOWS_LOCK_OFFSET
    assert len(log.read_text().splitlines()) == 2


def test_lock_keeps_the_file_position_without_fcntl(tmp_path, monkeypatch):
    import types

    seen = []
    fake = types.SimpleNamespace(LK_LOCK=1, locking=lambda fd, mode, n: seen.append(os.lseek(fd, 0, os.SEEK_CUR)))
    monkeypatch.setattr(atomic, "fcntl", None)
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    f = tmp_path / "x"
    f.write_bytes(b"0123456789")
    fd = os.open(f, os.O_RDWR)
    try:
        os.lseek(fd, 4, os.SEEK_SET)
        atomic.lock(fd)
        assert seen == [atomic._WINDOWS_LOCK_OFFSET]
        assert os.lseek(fd, 0, os.SEEK_CUR) == 4
    finally:
        os.close(fd)


def test_flock_is_still_used_on_linux(tmp_path):
    assert atomic.fcntl is not None
    import fcntl

    f = tmp_path / "x"
    f.write_text("")
    with open(f) as a, open(f) as b:
        atomic.lock(a.fileno())
        with pytest.raises(BlockingIOError):  # another open file description cannot take it
            fcntl.flock(b.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_detect_without_proc_matches_this_machine(tmp_path):
    """With no /proc (Windows, macOS) detect() asks py-cpuinfo and psutil; here both agree with /proc."""
    import psutil

    real = hardware.detect()
    portable = hardware.detect(proc=tmp_path, sys_cpu=tmp_path)
    assert portable.logical_cpus == (psutil.cpu_count(logical=True) or 1)
    assert portable.mem_total_bytes == pytest.approx(real.mem_total_bytes, rel=0.01)
    assert portable.model_name and portable.vendor == real.vendor
    assert portable.flags & set(hardware.ISA_FLAGS) == real.flags & set(hardware.ISA_FLAGS)
    assert hardware.ipex_kernel_variant(portable) == hardware.ipex_kernel_variant(real)
    assert hardware.core_plan(portable).inference


def test_portable_sources_spell_flags_as_proc_does(monkeypatch):
    import cpuinfo

    monkeypatch.setattr(cpuinfo, "get_cpu_info", lambda: {
        "brand_raw": "Some CPU", "vendor_id_raw": "GenuineIntel",
        "flags": ["avx2", "avx512f", "avx512vnni", "avx512bf16", "amxtile", "amxbf16", "amxint8", "avxvnni"]})
    info = hardware.build_info(*hardware.portable_sources())
    assert {"avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8", "avx_vnni"} <= info.flags
    assert info.has_amx and hardware.ipex_kernel_variant(info) == "amx"
    assert info.model_name == "Some CPU" and info.mem_total_bytes > 0


def test_kill_without_killpg_terminates_the_worker(monkeypatch, tmp_path):
    from core.finetune.launcher import Run

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.delattr(os, "killpg")
    run = Run(run=None, proc=proc)  # type: ignore[arg-type]
    started = time.monotonic()
    run.kill()
    assert proc.returncode is not None and proc.returncode != 0
    assert time.monotonic() - started < 30


def test_pin_process_without_sched_setaffinity_uses_psutil(monkeypatch):
    import psutil

    from core.workers import affinity

    pinned = []
    monkeypatch.delattr(os, "sched_setaffinity")
    monkeypatch.setattr(psutil.Process, "cpu_affinity", lambda self, cpus=None: pinned.append(cpus), raising=False)
    affinity.pin_process((1, 0))
    assert pinned == [[0, 1]]
    monkeypatch.delattr(psutil.Process, "cpu_affinity")  # macOS: a process cannot be pinned; nothing happens
    affinity.pin_process((0,))


def test_thread_masks_without_proc_is_empty():
    from core.workers import affinity

    assert affinity.thread_masks("no-such-process") == {}
    assert affinity.thread_masks()  # this process, on Linux: every thread
