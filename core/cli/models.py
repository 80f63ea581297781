"""``chartbrief models`` and ``chartbrief import-model PATH``."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("models", help="list the embedded and imported models")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_list)
    p = sub.add_parser("import-model", help="import a GGUF file or a Hugging Face model folder from disk")
    p.add_argument("path")
    p.add_argument("--name")
    p.add_argument("--no-convert", action="store_true", help="record it only; convert on first use")
    p.set_defaults(func=run_import)


def run_list(args) -> int:
    from core.models import list_models

    recs = list_models()
    if args.json:
        print(json.dumps([r.as_dict() | {"estimate": _default_estimate(r).as_dict()} for r in recs], indent=2))
        return 0
    for r in recs:
        est = _default_estimate(r)
        print(f"{r.id:32} {r.architecture:8} {r.parameters / 1e6:8.0f}M params  ctx {r.context_length:6}  "
              f"~{est.needed_gib:.1f} GiB to run  {r.name}")
    return 0


def _default_estimate(record):
    """The memory estimate for the engine the default setting (``auto``) will run."""
    from core.engines.auto import will_run
    from core.models.memory import estimate

    engine, variant = will_run(record, "auto", "sym_int4")
    return estimate(record, variant, engine=engine)


def run_import(args) -> int:
    from core import audit
    from core.engines.auto import will_run
    from core.models import import_model
    from core.models.convert import hf_folder
    from core.models.memory import check_fits

    rec = import_model(args.path, args.name)
    engine, variant = will_run(rec, "auto", "sym_int4")
    est = check_fits(rec, variant, engine=engine)
    print(f"Imported {rec.id}: {rec.architecture}, {rec.parameters / 1e6:.0f}M parameters, context "
          f"{rec.context_length}; needs about {est.needed_gib:.1f} GiB ({est.available_gib:.1f} GiB available).")
    if not args.no_convert and rec.kind == "gguf":
        print("Converting once to a Hugging Face folder in the cache…")
        hf_folder(rec)
    audit.record("import-model", model_id=rec.id)
    return 0
