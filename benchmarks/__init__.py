"""``chartbrief bench``: ChartBrief's engines, llama.cpp and LoRA/QLoRA training measured on this machine.

Entry points: ``chartbrief bench`` (core/cli/bench.py), ``python -m benchmarks``, and
``python -m benchmarks.report RUN.json`` to re-render ``RESULTS.md`` and the plots from a saved run.
Modules: ``plan`` (what is measured), ``run`` (orchestration), ``runners`` / ``proc`` (one child process
per configuration), ``infer_worker`` / ``train_worker`` / ``timing`` (the measurements), ``limits`` and
``roofline`` (physical limits), ``derive`` / ``report`` / ``tables`` / ``plots`` (results), ``model1b`` and
``gguf_export`` (the 1B-shape model and its GGUF), ``notes`` / ``prep`` / ``setup_models`` (inputs),
``isa_proxy`` (the training rows with every library held to a lower ISA's kernels, e.g. AVX2 on AVX-512).
"""
