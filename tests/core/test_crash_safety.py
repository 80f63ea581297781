"""SIGKILL a process while it saves settings or appends to the audit log: files stay usable.

The kill moments come from a seeded generator, one stream per test: a failure names its seed, and
``CHARTBRIEF_CRASH_SEED=<n>`` reruns (or explores) other moments.
"""

from __future__ import annotations

import base64
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import adapters, audit, settings

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 8
SEED = int(os.environ.get("CHARTBRIEF_CRASH_SEED", "16"))
SEED_LABEL = f"CHARTBRIEF_CRASH_SEED={SEED}"  # in every failure message


@pytest.fixture
def rng(request) -> random.Random:
    """This test's kill moments: seeded by :data:`SEED` and the test's name."""
    return random.Random(f"{SEED}:{request.node.name}")

_SAVER = """
import base64, os, sys
from core import settings
size, i = 1024, 0
while True:
    geometry = base64.b64encode(os.urandom(size)).decode()
    settings.save(settings.Settings(font_size=6 + i % 40, window_geometry=geometry), sys.argv[1])
    if i == 0:
        print("ready", flush=True)
    size, i = (size * 2 if size < 512 * 1024 else 1024), i + 1
"""

_APPENDER = """
import sys
from core import audit
print("ready", flush=True)
for i in range(10 ** 9):
    audit.record("evaluate", path=sys.argv[1], i=i, model_id="m" * (i % 200))
"""


def _run_and_kill(code: str, path: Path, rng: random.Random) -> None:
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=REPO, stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.3))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()


def test_settings_survive_sigkill_mid_save(tmp_path, rng):
    path = tmp_path / "settings.json"
    for n in range(ROUNDS):
        _run_and_kill(_SAVER, path, rng)
        result = settings.load(path)
        assert result.warning is None, (SEED_LABEL, n, result.warning)
        assert 6 <= result.settings.font_size <= 45
        assert base64.b64decode(result.settings.window_geometry)
    assert not list(tmp_path.glob("*.corrupt-*"))
    # Temp files of killed saves are ignored above; once stale they are removed on load.
    leftovers = list(tmp_path.glob(".settings.json.*.tmp"))
    old = time.time() - settings.STALE_TMP_SECONDS - 1
    for tmp in leftovers:
        os.utime(tmp, (old, old))
    assert settings.load(path).warning is None
    assert not list(tmp_path.glob(".settings.json.*.tmp"))


def test_audit_log_survives_sigkill_mid_append(tmp_path, rng):
    path = tmp_path / "audit.jsonl"
    for n in range(ROUNDS // 2):
        _run_and_kill(_APPENDER, path, rng)
        result = audit.verify(path)
        # a kill can at most leave a torn last line, which the next append steps over
        assert all("truncated last line" in p for p in result.problems), (SEED_LABEL, n, result.problems)
        audit.record("evaluate", path=path, i=-1)
    assert all("garbled line" in p for p in audit.verify(path).problems), SEED_LABEL
    assert [e["seq"] for e in audit.read(path)] == list(range(1, len(audit.read(path)) + 1))


# The fine-tuning worker's own save (core.finetune.train.save_adapter: stock PEFT files into an atomic
# folder swap), then registration of that folder as the next version, over and over with new weights.
_ADAPTER_SAVER = """
import sys
from pathlib import Path
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM
from core import adapters
from core.finetune.train import save_adapter

base, out = sys.argv[2], Path(sys.argv[1])
model = get_peft_model(AutoModelForCausalLM.from_pretrained(base, torch_dtype=torch.float32),
                       LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj", "down_proj"],
                                  task_type="CAUSAL_LM"))
lora = [p for n, p in model.named_parameters() if "lora_" in n]
for i in range(1, 10 ** 9):
    with torch.no_grad():
        for p in lora:
            p.fill_(float(i))  # every tensor of save i holds i: a mix of two saves is visible
    save_adapter(model, out, base_ref=base)
    adapters.register(out, base_model_id="tiny")
    if i == 1:
        print("ready", flush=True)
"""


def _lora_values(base_dir: Path, adapter_dir: Path) -> set[float]:
    """Load ``adapter_dir`` with stock peft onto the base model; the distinct values of its LoRA weights."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base_dir, torch_dtype=torch.float32),
                                      str(adapter_dir))
    return {v for n, p in model.named_parameters() if "lora_" in n for v in p.detach().unique().tolist()}


@pytest.mark.slow
def test_adapter_survives_sigkill_mid_save(tmp_path, tiny_model_dir, monkeypatch, rng):
    from core import atomic

    home = tmp_path / "home"
    monkeypatch.setenv("CHARTBRIEF_HOME", str(home))
    out = tmp_path / "run" / "adapter"
    kept = 0
    for n in range(3):
        proc = subprocess.Popen([sys.executable, "-c", _ADAPTER_SAVER, str(out), str(tiny_model_dir)], cwd=REPO,
                                stdout=subprocess.PIPE, env={**os.environ, "CHARTBRIEF_HOME": str(home)})
        try:
            assert proc.stdout.readline() == b"ready\n", (SEED_LABEL, n)
            time.sleep(rng.uniform(0.0, 1.5))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            proc.stdout.close()
        # the run's adapter folder: the last complete save, loadable by stock peft
        atomic.recover_dir(out)
        values = _lora_values(tiny_model_dir, out)
        assert len(values) == 1, (SEED_LABEL, n, values)
        # the registry: readable, and every registered version complete and loadable
        registered = adapters.list_adapters("tiny")
        assert registered, (SEED_LABEL, n)
        for info in registered:
            _, path = adapters.resolve(info.id)
            assert len(_lora_values(tiny_model_dir, path)) == 1, (SEED_LABEL, n, info.id)
        assert len(registered) >= kept, (SEED_LABEL, n)  # no version registered before the kill was lost
        kept = len(registered)
        assert values.pop() >= 1

