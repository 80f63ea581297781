"""Training examples use the summarizer's exact prompt; loss only on the summary and its end token."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from core.data import Pair
from core.engines.base import Engine
from core.finetune.dataset import IGNORE, Formatter, collate, pad_id
from core.summarize import templates


@pytest.fixture
def fmt(tiny_model_dir):
    from transformers import AutoTokenizer

    return Formatter.for_tokenizer(AutoTokenizer.from_pretrained(tiny_model_dir))


PAIR = Pair("Pt seen for cough. Started amoxicillin 500 mg.", "Cough; amoxicillin 500 mg started.", "x.jsonl", 1)


def test_prompt_is_the_summarizers(fmt):
    tpl = templates.load("brief")
    expected = Engine.chat_prompt(SimpleNamespace(tokenizer=fmt.tokenizer), tpl.system, tpl.render_user(PAIR.note))
    assert fmt.prompt(PAIR.note) == expected
    assert expected.endswith("<|im_start|>assistant\n")


def test_target_is_the_summary_then_end_of_turn(fmt):
    assert fmt.target(PAIR.note, PAIR.summary) == PAIR.summary + "<|im_end|>"


def test_labels_cover_only_the_target(fmt):
    row = fmt.encode(PAIR)
    ids, labels = row["input_ids"], row["labels"]
    n_prompt = len(fmt.tokenizer(fmt.prompt(PAIR.note), add_special_tokens=False)["input_ids"])
    assert len(ids) == len(labels) == fmt.length(PAIR)
    assert labels[:n_prompt] == [IGNORE] * n_prompt
    assert labels[n_prompt:] == ids[n_prompt:]
    assert ids[-1] == fmt.tokenizer.convert_tokens_to_ids("<|im_end|>")  # the model learns to stop
    assert fmt.tokenizer.decode(ids[n_prompt:-1]) == PAIR.summary


def test_collate_pads_right_without_loss(fmt):
    rows = [fmt.encode(PAIR), fmt.encode(Pair("short", "s", "x", 2))]
    batch = collate(pad_id(fmt.tokenizer))(rows)
    n = len(rows[1]["input_ids"])
    assert batch["input_ids"].shape == batch["labels"].shape == batch["attention_mask"].shape
    assert batch["attention_mask"][1, n:].sum() == 0 and (batch["labels"][1, n:] == IGNORE).all()
    assert batch["attention_mask"][0].sum() == len(rows[0]["input_ids"])
