"""Prompt-lookup (copy) decoding against plain decoding, per style, on the prompts ChartBrief really sends.

    python -m benchmarks.prompt_lookup [--notes 3] [--draft 1 3 5] [--out DIR]

For each style, the free-form pipeline (the default fact-anchored one asks the embedded model for no text)
summarizes the first ``--notes`` notes of the summaries *dev* split (never the test split) on the OpenVINO
engine; every generation request it makes (prompt and settings) is recorded, then replayed with plain greedy decoding and with prompt-lookup drafts of each length. Reported
per style and draft length: acceptance rate (accepted ÷ drafted tokens), tokens per forward pass, decode
time ratio (plain ÷ lookup: above 1 = faster) and whether the tokens were identical. Writes
``prompt-lookup-<machine kind>.json`` and a PNG.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks.grounding import machine

RESULTS = Path(__file__).resolve().parent / "results"
DEV = Path(__file__).resolve().parents[1] / "resources" / "evalsets" / "summaries" / "dev.jsonl"


def _requests(engine, notes: list[str], style: str) -> list[tuple[str, object]]:
    """The (prompt, settings) pairs the free-form pipeline sends for ``style`` on ``notes``."""
    from core.summarize import run

    seen: list[tuple[str, object]] = []
    plain = engine.stream

    def recording(prompt, settings=None, should_stop=None):
        seen.append((prompt, settings))
        return plain(prompt, settings, should_stop)

    engine.stream = recording
    try:
        for note in notes:
            run(note, style, engine, mode="free")
    finally:
        engine.stream = plain
    return seen


def _timed(engine, ids: list[int], settings, draft: int) -> tuple[list[int], float, object]:
    import dataclasses

    from core.engines.ov_decode import LookupStats

    stats = LookupStats()
    run = dataclasses.replace(settings, prompt_lookup=draft)
    t0 = time.perf_counter()
    out = list(engine.generate_ids(ids, run, None, stats))
    return out, time.perf_counter() - t0, stats


def measure(n_notes: int, drafts: list[int]) -> dict:
    from core import engines
    from core.engines.base import GenerationSettings
    from core.summarize import STYLES

    notes = [json.loads(line)["note"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    engine = engines.load("openvino", None, "int4")
    rows = []
    for style in STYLES:
        requests = _requests(engine, notes[:n_notes], style)
        for draft in drafts:
            plain_s = look_s = 0.0
            tokens = steps = drafted = accepted = 0
            identical = True
            for prompt, settings in requests:
                settings = settings or GenerationSettings()
                ids = engine.token_ids(prompt)
                base, t_plain, _ = _timed(engine, ids, settings, 0)
                out, t_look, stats = _timed(engine, ids, settings, draft)
                plain_s, look_s = plain_s + t_plain, look_s + t_look
                identical &= out == base
                tokens += len(out)
                steps, drafted, accepted = steps + stats.steps + 1, drafted + stats.drafted, accepted + stats.accepted
            rows.append({"style": style, "draft": draft, "requests": len(requests), "tokens": tokens,
                         "acceptance": round(accepted / drafted, 3) if drafted else None,
                         "tokens_per_pass": round(tokens / steps, 2) if steps else None,
                         "plain_s": round(plain_s, 2), "lookup_s": round(look_s, 2),
                         "speedup": round(plain_s / look_s, 3) if look_s else None, "identical": identical})
            print(json.dumps(rows[-1]), flush=True)
    return {"machine": machine(), "engine": engine.info.name, "variant": engine.info.variant,
            "split": "dev", "notes": n_notes, "rows": rows, "date": time.strftime("%Y-%m-%d")}


def plot(doc: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    styles = sorted({r["style"] for r in doc["rows"]})
    drafts = sorted({r["draft"] for r in doc["rows"]})
    width = 0.8 / len(drafts)
    for j, d in enumerate(drafts):
        vals = [next((r["speedup"] or 0) for r in doc["rows"] if r["style"] == s and r["draft"] == d) for s in styles]
        ax.bar([i + j * width for i in range(len(styles))], vals, width, label=f"draft {d}")
    ax.axhline(1.0, color="black", lw=0.8)
    ax.set_xticks([i + width * (len(drafts) - 1) / 2 for i in range(len(styles))], styles)
    ax.set_ylabel("decode time, plain ÷ prompt lookup")
    ax.set_title(f"Prompt lookup on {doc['engine']} {doc['variant']} ({doc['machine']['isa']})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.prompt_lookup", description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=3)
    parser.add_argument("--draft", type=int, nargs="+", default=[1, 3, 5])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from core import runtime

    runtime.setup()
    doc = measure(args.notes, args.draft)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"prompt-lookup-{doc['machine']['isa']}"
    stem.with_suffix(".json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    plot(doc, stem.with_suffix(".png"))
    print(f"wrote {stem}.json and .png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
