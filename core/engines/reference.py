"""Plain transformers engine (fp32 or bf16): the baseline for tests and benchmarks."""

from __future__ import annotations

from core.engines.base import Engine
from core.errors import EngineError
from core.models.convert import hf_folder


class ReferenceEngine(Engine):
    name = "reference"
    VARIANTS = ("fp32", "bf16")

    def _load(self) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if self.variant not in self.VARIANTS:
            raise EngineError(f"The reference engine runs {', '.join(self.VARIANTS)}, not '{self.variant}'.")
        folder = hf_folder(self.record)
        dtype = torch.float32 if self.variant == "fp32" else torch.bfloat16
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=dtype)
        if self.adapter is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, str(self.adapter))
        self.model = model.eval()
