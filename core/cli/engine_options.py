"""The model flags every command that runs a summary shares: engine, variant, model and adapter."""

from __future__ import annotations

from core.engines import ENGINE_NAMES


def add(p) -> None:
    """``--engine``, ``--qtype``, ``--model`` and ``--adapter`` on the argparse parser ``p``."""
    p.add_argument("--engine", choices=ENGINE_NAMES, default="auto")
    p.add_argument("--qtype", help="engine variant: ipex_llm sym_int4|asym_int4|sym_int8|bf16, openvino int4|int8, "
                                   "reference fp32|bf16")
    p.add_argument("--model", help="model id (see `chartbrief models`); default: the embedded model")
    p.add_argument("--adapter", default="active", help="adapter id, 'active' (default) or 'none'")
