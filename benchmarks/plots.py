"""Small PNG bar charts from a bench JSON (matplotlib, headless Agg backend)."""

from __future__ import annotations

from pathlib import Path

DPI = 72


def _bars(ax, labels, values, title, fmt="{:.1f}", highlight=None):
    ys = [v if v is not None else 0 for v in values]
    colors = ["#d62728" if (highlight and highlight[i]) else "#1f77b4" for i in range(len(ys))]
    ax.barh(range(len(ys)), ys, color=colors)
    ax.set_yticks(range(len(ys)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    for i, v in enumerate(values):
        ax.text(ys[i], i, " " + (fmt.format(v) if v is not None else "n/a"), va="center", fontsize=6)


def _inference_plot(doc: dict, model: str, path: Path) -> Path | None:
    import matplotlib.pyplot as plt

    rows = [r for r in doc["inference"] if r["model"] == model and r["status"] != "skipped"]
    if not rows:
        return None
    labels = [r["label"] for r in rows]
    key = str(rows[0].get("e2e_target"))
    hi = [r.get("is_default") for r in rows]
    e2e = [(r.get("e2e") or {}).get("total_s") if (r.get("e2e") or {}).get("complete") else None for r in rows]
    fig, axes = plt.subplots(2, 2, figsize=(10, 1.2 + 0.32 * len(rows) * 2))
    _bars(axes[0][0], labels, [r.get("decode_tps") for r in rows], "Decode tok/s (higher is better)", highlight=hi)
    _bars(axes[0][1], labels, [(r.get("prefill", {}).get(key) or {}).get("prefill_tps") for r in rows],
          f"Prefill tok/s, ~{key}-token note", highlight=hi)
    _bars(axes[1][0], labels, e2e, f"{rows[0].get('new_tokens')}-token summary, s (lower is better)", highlight=hi)
    _bars(axes[1][1], labels, [r.get("peak_rss_mib") for r in rows], "Peak RSS MiB", fmt="{:.0f}", highlight=hi)
    fig.suptitle(f"{model} on {doc['machine'].get('cpu_model')} ({doc['date']}); red = ChartBrief default",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _share_plot(doc: dict, path: Path) -> Path | None:
    import matplotlib.pyplot as plt

    rows = [r for r in doc["inference"] if r.get("shares") and r["status"] != "skipped"]
    if not rows:
        return None
    labels = [f"{r['model']}: {r['label']}" for r in rows]
    dec = [(r["shares"].get("decode") or 0) * 100 for r in rows]
    pre = [((r["shares"].get("prefill") or {}).get(str(r.get("e2e_target"))) or 0) * 100 for r in rows]
    fig, axes = plt.subplots(1, 2, figsize=(10, 1.2 + 0.3 * len(rows)))
    _bars(axes[0], labels, dec, "Decode: % of bandwidth limit", fmt="{:.0f}%")
    _bars(axes[1], labels, pre, "Prefill: % of measured GEMM peak", fmt="{:.0f}%")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def training_plot(doc: dict, path: Path) -> Path | None:
    import matplotlib.pyplot as plt

    rows = doc.get("training") or []
    if not rows:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(10, 1.2 + 0.32 * len(rows)))
    labels = [r["label"] for r in rows]
    hi = [r["method"] == "lora" for r in rows]
    _bars(axes[0], labels, [r.get("tokens_per_s") for r in rows], "Training tokens/s (red = fp32 LoRA baseline)",
          fmt="{:.2f}", highlight=hi)
    _bars(axes[1], labels, [r.get("peak_rss_mib") for r in rows], "Peak RSS MiB", fmt="{:.0f}", highlight=hi)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def make_all(doc: dict, out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    out_dir.mkdir(parents=True, exist_ok=True)
    made = [_inference_plot(doc, m, out_dir / f"inference-{m}.png") for m in doc["models"]]
    made += [_share_plot(doc, out_dir / "share-of-limit.png"), training_plot(doc, out_dir / "training.png")]
    return [p for p in made if p is not None]
