"""A tiny random Llama (2 layers, hidden 64) with a small BPE tokenizer and a ChatML template, for fast
fine-tuning tests. Built in a second or two; registered as an imported model in the test's home."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / "resources" / "datasets" / "synthetic_notes.jsonl"
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
          "'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")


def build(folder: Path, *, vocab: int = 1000, layers: int = 2, seed: int = 0) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for line in DATASET.read_text(encoding="utf-8").splitlines()[:60]:
        row = json.loads(line)
        texts += [row["note"], row["summary"]]
    special = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=vocab, special_tokens=special,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|im_start|>", eos_token="<|im_end|>",
                                   pad_token="<|endoftext|>", unk_token="<|endoftext|>",
                                   model_input_names=["input_ids", "attention_mask"])
    fast.chat_template = CHATML
    fast.save_pretrained(folder)
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(fast), hidden_size=64, intermediate_size=128, num_hidden_layers=layers,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096,
                         tie_word_embeddings=True, bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id,
                         pad_token_id=fast.pad_token_id, torch_dtype="float32")
    LlamaForCausalLM(config).save_pretrained(folder, safe_serialization=True)
    return folder


def small_dataset(path: Path, rows: int = 50, note_chars: int = 500, summary_chars: int = 160) -> Path:
    """The first ``rows`` synthetic rows, notes and summaries cut short so that a training step is quick
    (every specialty and layout appears in the first 50 rows)."""
    out = []
    for line in DATASET.read_text(encoding="utf-8").splitlines()[:rows]:
        row = json.loads(line)
        row["note"], row["summary"] = row["note"][:note_chars], row["summary"][:summary_chars]
        out.append(json.dumps(row))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
