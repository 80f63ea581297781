"""Export a Hugging Face folder to an int4/int8 OpenVINO IR, in a clean child process.

Run as ``python -m core.engines.openvino_export SRC DST BITS``. It is a separate process because
ipex-llm patches transformers' Llama modules in any process that loaded an ipex-llm model, and
tracing a patched model for OpenVINO produces a graph that generates nothing; a fresh interpreter
traces the stock modules. It also keeps the export's peak memory out of the app.
"""

from __future__ import annotations

import sys


def export(source: str, target: str, bits: int) -> None:
    from optimum.intel import OVModelForCausalLM, OVWeightQuantizationConfig
    from transformers import AutoTokenizer

    # group size 64 divides the hidden sizes of every Llama-family model (576 for SmolLM2-135M).
    qcfg = OVWeightQuantizationConfig(bits=bits, sym=True, group_size=64 if bits == 4 else -1, ratio=1.0)
    model = OVModelForCausalLM.from_pretrained(source, export=True, compile=False, quantization_config=qcfg)
    model.save_pretrained(target)
    AutoTokenizer.from_pretrained(source).save_pretrained(target)


if __name__ == "__main__":
    from core import runtime

    runtime.setup()
    export(sys.argv[1], sys.argv[2], int(sys.argv[3]))
