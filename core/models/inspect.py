"""Look inside a model file or folder before loading it: kind, architecture, size, context.

Reads only headers (GGUF metadata, ``config.json``), so a wrong or corrupt file is refused in
milliseconds with a specific message instead of failing deep inside a loader.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import ModelError

# Architectures the engines are built and tested for (Llama family).
SUPPORTED = {"llama", "mistral"}
GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class ModelFacts:
    kind: str
    architecture: str
    parameters: int
    context_length: int
    tied_embeddings: bool


def inspect(path: Path | str) -> ModelFacts:
    """Facts about a model file or folder; GGUF results are memoized per (path, size, mtime)."""
    path = Path(path)
    if not path.exists():
        raise ModelError(f"{path} does not exist.", hint="Choose a .gguf file or a Hugging Face model folder.")
    if path.is_dir():
        return _inspect_hf(path)
    if path.suffix.lower() == ".gguf":
        st = path.stat()
        return _inspect_gguf_cached(str(path.resolve()), st.st_size, st.st_mtime_ns)
    raise ModelError(f"{path.name} is not a model: expected a .gguf file or a folder with config.json.",
                     hint="Choose a .gguf file or a Hugging Face model folder (safetensors + tokenizer).")


@functools.lru_cache(maxsize=32)
def _inspect_gguf_cached(path: str, size: int, mtime_ns: int) -> ModelFacts:
    """GGUFReader parses every metadata array (a 49k-entry vocabulary takes ~10 s), so the facts are
    kept in memory and in ``cache_dir()/inspect`` per file version."""
    from dataclasses import asdict

    from core import atomic, paths

    key = hashlib.sha256(f"{path}|{size}|{mtime_ns}".encode()).hexdigest()[:20]
    cached = paths.cache_dir() / "inspect" / f"{key}.json"
    try:
        return ModelFacts(**json.loads(cached.read_text()))
    except (OSError, ValueError, TypeError):
        pass
    facts = _inspect_gguf(Path(path))
    atomic.write_json(cached, asdict(facts))
    return facts


def _inspect_gguf(path: Path) -> ModelFacts:
    with open(path, "rb") as f:
        if f.read(4) != GGUF_MAGIC:
            raise ModelError(f"{path.name} is not a GGUF file (wrong magic bytes).",
                             hint="The file may be corrupt or mislabelled; download or convert it again.")
    try:
        from gguf import GGUFReader

        reader = GGUFReader(str(path))
        arch = _field(reader, "general.architecture")
        ctx = int(_field(reader, f"{arch}.context_length", 2048))
        names = {t.name for t in reader.tensors}
        params = int(sum(int(t.n_elements) for t in reader.tensors))
    except ModelError:
        raise
    except Exception as exc:  # gguf raises many types on truncated or garbled files
        raise ModelError(f"{path.name} is a corrupt GGUF file ({type(exc).__name__}).",
                         hint="The file is truncated or damaged; copy it again.") from exc
    _check_arch(path, arch)
    return ModelFacts("gguf", arch, params, ctx, tied_embeddings="output.weight" not in names)


def _field(reader, key: str, default=None):
    field = reader.fields.get(key)
    if field is None:
        if default is None:
            raise ModelError(f"GGUF metadata lacks '{key}'.", hint="The file is not a complete model.")
        return default
    return field.contents()


def _inspect_hf(path: Path) -> ModelFacts:
    cfg_file = path / "config.json"
    if not cfg_file.is_file():
        raise ModelError(f"{path.name} has no config.json, so it is not a Hugging Face model folder.",
                         hint="Choose the folder that holds config.json, the weights and the tokenizer.")
    try:
        cfg = json.loads(cfg_file.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path.name}/config.json is not valid JSON ({exc}).",
                         hint="The model folder is damaged; copy it again.") from exc
    if not isinstance(cfg, dict):
        raise ModelError(f"{path.name}/config.json does not hold a model configuration (a JSON object).",
                         hint="The model folder is damaged; copy it again.")
    arch = str(cfg.get("model_type", ""))
    _check_arch(path, arch)
    weights = list(path.glob("*.safetensors")) + list(path.glob("pytorch_model*.bin"))
    if not weights:
        raise ModelError(f"{path.name} has no weights (*.safetensors or pytorch_model*.bin).",
                         hint="Copy the whole model folder, weights included.")
    if not any((path / f).exists() for f in ("tokenizer.json", "tokenizer.model", "tokenizer_config.json")):
        raise ModelError(f"{path.name} has no tokenizer files.", hint="Copy the tokenizer files with the model.")
    try:
        h, n, inter = (int(cfg["hidden_size"]), int(cfg["num_hidden_layers"]), int(cfg["intermediate_size"]))
        vocab, heads = int(cfg["vocab_size"]), max(1, int(cfg.get("num_attention_heads", 1)))
        kv = h * int(cfg.get("num_key_value_heads", heads)) // heads
        ctx = int(cfg.get("max_position_embeddings", 2048))
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path.name}/config.json lacks a valid model size ({type(exc).__name__}: {exc}).",
                         hint="The config is incomplete; copy the model folder again.") from exc
    tied = bool(cfg.get("tie_word_embeddings", False))
    params = n * (2 * h * h + 2 * h * kv + 3 * h * inter) + vocab * h * (1 if tied else 2)
    return ModelFacts("hf", arch, params, ctx, tied)


def _check_arch(path: Path, arch: str) -> None:
    if arch not in SUPPORTED:
        raise ModelError(f"{path.name} is a '{arch or 'unknown'}' model; ChartBrief runs Llama-family models "
                         f"({', '.join(sorted(SUPPORTED))}).",
                         hint="Import a Llama-architecture model (Llama, SmolLM, Mistral, TinyLlama...).")
