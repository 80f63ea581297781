"""A base model with a LoRA adapter merged in, as a full-precision Hugging Face folder (stock peft).

One function for the three places that need it: the ipex_llm engine (before low-bit conversion), the
OpenVINO engine (before IR export, which also needs the tokenizer in the folder) and ``adapters export
--merged``.
"""

from __future__ import annotations

from pathlib import Path

from core import atomic


def merged_copy(base: Path, adapter: Path, target: Path) -> Path:
    """Write ``base`` + ``adapter`` merged, with the base's tokenizer, to ``target`` (atomically)."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(base, torch_dtype=torch.float32)
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    with atomic.atomic_dir(target) as tmp:
        merged.save_pretrained(tmp, safe_serialization=True)
        AutoTokenizer.from_pretrained(base).save_pretrained(tmp)
    return target
