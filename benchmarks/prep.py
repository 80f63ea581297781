"""Set-up steps that need torch/transformers, run in a child so the orchestrating process stays small.

``python -m benchmarks.prep hf-folder OUT.json``: the embedded model's Hugging Face folder (converted once
into ChartBrief's own cache, as the app does). ``python -m benchmarks.prep prompts HF_FOLDER OUT.json
T1 T2 ...``: the benchmark prompts for those token targets, rendered with that folder's tokenizer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def hf_folder(out: Path) -> None:
    from core.models import convert, registry

    out.write_text(json.dumps({"folder": str(convert.hf_folder(registry.embedded()))}))


def prompts(folder: Path, out: Path, targets: list[int]) -> None:
    from transformers import AutoTokenizer

    from benchmarks.notes import brief_renderer, build_prompts

    tok = AutoTokenizer.from_pretrained(folder)

    def count(text: str) -> int:
        return len(tok(text, add_special_tokens=False)["input_ids"])

    out.write_text(json.dumps(build_prompts(targets, brief_renderer(tok), count)))


def main(argv: list[str]) -> int:
    from core import runtime

    runtime.setup()
    if argv[0] == "hf-folder":
        hf_folder(Path(argv[1]))
    elif argv[0] == "prompts":
        prompts(Path(argv[1]), Path(argv[2]), [int(t) for t in argv[3:]])
    else:
        raise SystemExit(f"unknown step {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
