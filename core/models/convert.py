"""One-time conversion of a model into the forms the engines load fast, cached in ``cache_dir()``.

- GGUF → a Hugging Face folder (safetensors + tokenizer), through transformers' GGUF loader.
  Its config for SmolLM2-style GGUFs (no ``output.weight`` tensor) leaves ``tie_word_embeddings``
  false, which silently leaves ``lm_head`` randomly initialised; we set it from the tensor list.
- The low-bit and IR forms per engine are cached by the engines (``engines/ipex_llm.py``,
  ``engines/openvino.py``) under :func:`engine_cache`.

Cache keys hash the source path, size and mtime, so a replaced file is converted again.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from core import atomic, paths
from core.errors import ModelError
from core.models import inspect as inspect_model
from core.models.registry import ModelRecord

log = logging.getLogger(__name__)


def source_key(path: Path | str) -> str:
    path = Path(path)
    st = path.stat()
    if path.is_dir():
        st_parts = sorted((p.name, p.stat().st_size, int(p.stat().st_mtime)) for p in path.iterdir() if p.is_file())
        sig = repr((str(path.resolve()), st_parts))
    else:
        sig = repr((str(path.resolve()), st.st_size, int(st.st_mtime)))
    return hashlib.sha256(sig.encode()).hexdigest()[:16]


def engine_cache(record: ModelRecord, engine: str, variant: str) -> Path:
    """Folder for an engine's converted form of this model (may not exist yet)."""
    return paths.cache_dir() / "models" / f"{source_key(record.path)}" / f"{engine}-{variant}"


def _conversion(record: ModelRecord) -> Path:
    """Where a GGUF's Hugging Face conversion is cached."""
    return paths.cache_dir() / "models" / source_key(record.path) / "hf"


def converted(record: ModelRecord) -> bool:
    """Whether the model's Hugging Face folder exists already (a GGUF converted once)."""
    return record.kind == "hf" or (_conversion(record) / "config.json").exists()


def hf_folder(record: ModelRecord) -> Path:
    """A Hugging Face folder for this model: the imported folder itself, or the cached GGUF conversion."""
    if record.kind == "hf":
        return Path(record.path)
    target = _conversion(record)
    if converted(record):
        return target
    log.info("converting GGUF %s to a Hugging Face folder (once)", Path(record.path).name)
    _convert_gguf(Path(record.path), target)
    return target


def _convert_gguf(gguf: Path, target: Path) -> None:
    from core import runtime

    runtime.quiet_libraries()
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    facts = inspect_model.inspect(gguf)
    folder, name = str(gguf.parent), gguf.name
    try:
        config = AutoConfig.from_pretrained(folder, gguf_file=name)
        config.tie_word_embeddings = facts.tied_embeddings
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, config=config,
                                                     torch_dtype=torch.float32)
    except Exception as exc:
        raise ModelError(f"{name} could not be converted ({type(exc).__name__}: {exc}).",
                         hint="Check the file is a complete Llama-family GGUF.") from exc
    if facts.tied_embeddings and not torch.equal(model.lm_head.weight, model.get_input_embeddings().weight):
        raise ModelError(f"{name}: lm_head is not tied to the embeddings after loading.",
                         hint="This is a loader bug; report it with the model file name.")
    with atomic.atomic_dir(target) as tmp:
        # fp32 keeps the dequantized GGUF values exact; big models use fp16 to halve the disk cost.
        dtype = torch.float32 if facts.parameters < 2_000_000_000 else torch.float16
        model.to(dtype).save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
