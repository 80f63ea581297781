"""Set-up steps that need torch/transformers, run in a child so the orchestrating process stays small.

``python -m benchmarks.prep OUT.json T1 T2 ...``: the embedded model's Hugging Face folder (converted once
into ChartBrief's own cache, as the app does) and the benchmark prompts for those token targets,
rendered with that folder's tokenizer: ``{"folder": ..., "prompts": [...]}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def prepare(out: Path, targets: list[int]) -> None:
    from transformers import AutoTokenizer

    from benchmarks.notes import brief_renderer, build_prompts
    from core.models import convert, registry

    folder = convert.hf_folder(registry.embedded())
    tok = AutoTokenizer.from_pretrained(folder)

    def count(text: str) -> int:
        return len(tok(text, add_special_tokens=False)["input_ids"])

    prompts = build_prompts(targets, brief_renderer(tok), count)
    out.write_text(json.dumps({"folder": str(folder), "prompts": prompts}))


def main(argv: list[str]) -> int:
    from core import runtime

    runtime.setup()
    prepare(Path(argv[0]), [int(t) for t in argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
