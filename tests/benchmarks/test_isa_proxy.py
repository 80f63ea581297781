"""The AVX2 proxy really holds each library to AVX2 kernels in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchmarks import isa_proxy

PROBE = """
import json, torch
import ipex_llm.transformers.low_bit_linear  # loads ipex-llm's low-bit kernel library
libs = sorted({line.split()[-1].rsplit('/', 1)[-1] for line in open('/proc/self/maps') if 'libllama' in line})
print(json.dumps({"aten": torch.backends.cpu.get_cpu_capability(), "libs": libs}))
"""


def test_avx2_proxy_env_reaches_torch_and_ipex_llm() -> None:
    env = {**os.environ, **isa_proxy.forced_env("avx2")}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300,
                         check=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["aten"] == "AVX2"
    assert seen["libs"] == ["libllama_avx2.so"]
