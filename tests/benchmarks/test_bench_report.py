"""The JSON schema check and RESULTS.md rendering (pure string output, no timing)."""

from __future__ import annotations

import json

from benchmarks import report, tables


def test_a_complete_document_validates(doc):
    assert report.validate(json.loads(json.dumps(doc))) == []


def test_validation_names_what_is_missing(doc):
    del doc["limits"]
    doc["schema"] = "other/0"
    del doc["inference"][0]["status"]
    problems = report.validate(doc)
    assert "missing or wrong type: limits" in problems
    assert any("schema is 'other/0'" in p for p in problems)
    assert "inference[0] lacks status" in problems


def test_results_page_has_machine_date_and_every_row(doc):
    md = report.render(doc, "benchmarks/results/bench-x.json")
    assert "Test CPU" in md and "2031-01-01" in md
    assert "python -m benchmarks.report benchmarks/results/bench-x.json" in md
    for row in doc["inference"]:
        assert row["label"] in md
    for row in doc["training"]:
        assert row["label"] in md


def test_inference_table_marks_default_and_ratios(doc):
    lines = tables.inference_section(doc, "smollm2-135m")
    text = "\n".join(lines)
    assert "openvino int4 ×1 **(default)**" in text
    llama = next(ln for ln in lines if ln.startswith("| llama_cpp Q4_1"))
    assert "×1.50" in llama  # summary vs default
    header = next(ln for ln in lines if ln.startswith("| Configuration"))
    assert "Prefill tok/s ~500" in header and "Prefill tok/s ~2000" in header and "Prefill tok/s ~6000" in header
    assert header.count("|") == llama.count("|")  # same number of cells
    assert "prefill_6000 skipped: predicted 900s" in text  # the skipped step is explained


def test_llamacpp_verdicts_say_who_is_ahead(doc):
    text = "\n".join(tables.llamacpp_section(doc))
    assert "decode: llama.cpp ×1.60 (ChartBrief behind)" in text
    assert "summary end-to-end: llama.cpp ×1.50 (ChartBrief behind)" in text


def test_training_table_has_baseline_ratio_and_skip_reason(doc):
    text = "\n".join(tables.training_section(doc))
    assert "baseline LoRA fp32 (Trainer+peft)" in text
    assert "×0.50" in text  # QLoRA vs baseline
    assert "(≈0.10 est.)" in text and "5 steps predicted 9000s" in text


def test_choice_and_missing_sections(doc):
    assert "**openvino int4**" in "\n".join(tables.choice_section(doc))
    doc["choice"] = {"note": "Not written (quick)."}
    assert "Not written (quick)." in "\n".join(tables.choice_section(doc))
    doc["training"] = []
    assert "Not run" in "\n".join(tables.training_section(doc))


def test_number_formatting():
    assert tables.num(None) == tables.DASH
    assert tables.num(1234.5) == "1,234" or tables.num(1234.5) == "1,235"
    assert tables.num(3.14159, 2) == "3.14"
    assert tables.pct(0.256) == "26%" and tables.ratio(1.5) == "×1.50"


def test_write_renders_the_page_and_plots(doc, tmp_path):
    written = report.write(doc, tmp_path / "RESULTS.md", tmp_path / "plots", "x.json")
    md = (tmp_path / "RESULTS.md").read_text()
    assert "## Plots" in md and "plots/inference-smollm2-135m.png" in md
    assert all(p.exists() for p in written)


def test_readme_section_is_regenerated_between_the_markers_only(doc, tmp_path):
    from benchmarks import readme

    kind = readme.kind_of(doc)
    start, end = readme.markers(kind)
    other = readme.markers("amx" if kind != "amx" else "avx2")
    path = tmp_path / "README.md"
    path.write_text(f"# App\n\nintro\n\n## Benchmarks\n{other[0]}\nother machine\n{other[1]}\n\n"
                    f"{start}\nold numbers\n{end}\n\n## Tests\nkept\n")
    plots = [tmp_path / "benchmarks" / "results" / "training.png"]
    assert report.update_readme(path, doc, tmp_path / "benchmarks" / "RESULTS.md", plots)
    text = path.read_text()
    assert "old numbers" not in text and text.startswith("# App\n\nintro") and text.endswith("## Tests\nkept\n")
    assert "other machine" in text, "another machine kind's results are kept beside"
    section = text.split(start)[1].split(end)[0]
    assert "2031-01-01" in section and "Test CPU" in section
    assert "openvino int4 ×1 **(default)**" in section
    assert "decode: llama.cpp ×1.60 (ChartBrief behind)" in section
    assert "baseline LoRA fp32 (Trainer+peft)" in section and "×0.50" in section
    assert "](benchmarks/RESULTS.md)" in section and "![training](benchmarks/results/training.png)" in section
    # a second run replaces the section, it does not stack up
    assert report.update_readme(path, doc, tmp_path / "benchmarks" / "RESULTS.md", plots)
    assert path.read_text() == text


def test_a_new_machine_kind_gets_its_own_readme_block_beside_the_others(doc, tmp_path):
    from benchmarks import readme

    other = readme.markers("amx" if readme.kind_of(doc) != "amx" else "avx2")
    path = tmp_path / "README.md"
    path.write_text(f"# App\n{other[0]}\nother machine\n{other[1]}\n## Tests\n")
    assert report.update_readme(path, doc, tmp_path / "RESULTS.md", [])
    text = path.read_text()
    start, end = readme.markers(readme.kind_of(doc))
    assert text.index(other[1]) < text.index(start) < text.index(end) < text.index("## Tests")
    assert "other machine" in text and "2031-01-01" in text.split(start)[1]


def test_readme_without_markers_is_left_alone(doc, tmp_path):
    path = tmp_path / "README.md"
    path.write_text("# App\n")
    assert not report.update_readme(path, doc, tmp_path / "RESULTS.md", [])
    assert path.read_text() == "# App\n"
