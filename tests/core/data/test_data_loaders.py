"""load_pairs: every accepted shape loads; every error names the file and line and hides note text."""

from __future__ import annotations

import json

import pytest

from core.data import Pair, load_pairs
from core.data import loaders as loaders_mod
from core.errors import DatasetError

SECRET = "SECRET-NOTE-TEXT-4471"


def write_jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def error_of(path, **kw) -> str:
    with pytest.raises(DatasetError) as info:
        load_pairs(path, **kw)
    text = str(info.value)
    assert SECRET not in text
    return text


def test_jsonl_note_summary_with_meta_and_lines(tmp_path):
    f = write_jsonl(tmp_path / "d.jsonl", [{"note": "n1", "summary": "s1", "specialty": "cardiology", "id": 7}, "",
                                           {"note": "n2", "summary": "s2"}])
    pairs = load_pairs(f)
    assert pairs == [Pair("n1", "s1", "d.jsonl", 1, {"specialty": "cardiology", "id": 7}),
                     Pair("n2", "s2", "d.jsonl", 3, {})]
    assert pairs[0].where == "d.jsonl line 1"


def test_jsonl_input_output_and_case_insensitive_keys(tmp_path):
    f = write_jsonl(tmp_path / "d.ndjson", [{"Input": "n", "OUTPUT": "s"}])
    assert [(p.note, p.summary) for p in load_pairs(f)] == [("n", "s")]


def test_alpaca_note_is_input_and_instruction_stays_out(tmp_path):
    f = write_jsonl(tmp_path / "a.jsonl", [
        {"instruction": "Summarize this note.", "input": "the note", "output": "the summary"},
        {"instruction": "the whole note as instruction", "input": "", "output": "s2"},
        {"instruction": "the note again", "output": "s3"},
    ])
    a, b, c = load_pairs(f)
    assert (a.note, a.summary, a.meta["instruction"]) == ("the note", "the summary", "Summarize this note.")
    assert (b.note, b.summary) == ("the whole note as instruction", "s2")
    assert c.note == "the note again"


def test_chat_messages(tmp_path):
    msgs = [{"role": "system", "content": "You summarize."}, {"role": "user", "content": "note"},
            {"role": "assistant", "content": "summary"}]
    f = write_jsonl(tmp_path / "c.jsonl", [{"messages": msgs, "layout": "soap"}])
    assert load_pairs(f) == [Pair("note", "summary", "c.jsonl", 1, {"layout": "soap"})]


def test_json_array_and_jsonl_saved_as_json(tmp_path):
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps([{"note": "a", "summary": "b"}, {"note": "c", "summary": "d"}]))
    assert [(p.note, p.line) for p in load_pairs(arr)] == [("a", 1), ("c", 2)]
    lines = write_jsonl(tmp_path / "lines.json", [{"note": "a", "summary": "b"}, {"note": "c", "summary": "d"}])
    assert len(load_pairs(lines)) == 2


def test_csv_autodetect_multiline_field_and_line_numbers(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text('id,note,summary\n1,"line one\nline two",s1\n\n2,n2,"s, two"\n', encoding="utf-8")
    a, b = load_pairs(f)
    assert (a.note, a.line, a.meta) == ("line one\nline two", 2, {"id": "1"})
    assert (b.note, b.summary, b.line) == ("n2", "s, two", 5)


def test_csv_chosen_columns_tsv_and_bom(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("\ufeffText,Brief\nn,s\n", encoding="utf-8")
    assert [(p.note, p.summary) for p in load_pairs(f, note_column="text", summary_column="brief")] == [("n", "s")]
    t = tmp_path / "d.tsv"
    t.write_text("input\toutput\nn\ts\n", encoding="utf-16")
    assert [(p.note, p.summary) for p in load_pairs(t)] == [("n", "s")]


def test_folder_pairs(tmp_path):
    (tmp_path / "b.txt").write_text("note b")
    (tmp_path / "b.summary.txt").write_text("sum b")
    (tmp_path / "a.txt").write_text("note a")
    (tmp_path / "a.summary.txt").write_text("sum a")
    (tmp_path / "README.md").write_text("ignored")
    assert load_pairs(tmp_path) == [Pair("note a", "sum a", "a.txt", 0, {"name": "a"}),
                                    Pair("note b", "sum b", "b.txt", 0, {"name": "b"})]


def test_folder_orphans_are_reported(tmp_path):
    (tmp_path / "a.txt").write_text(SECRET)
    (tmp_path / "a.summary.txt").write_text("s")
    (tmp_path / "lonely.txt").write_text(SECRET)
    (tmp_path / "ghost.summary.txt").write_text("s")
    msg = error_of(tmp_path)
    assert "2 file(s) without a partner" in msg and "lonely.txt" in msg and "ghost.summary.txt" in msg


def test_empty_folder(tmp_path):
    assert "no NAME.txt" in error_of(tmp_path)


def test_bad_json_names_file_and_line(tmp_path):
    f = write_jsonl(tmp_path / "d.jsonl", [{"note": "a", "summary": "b"}, '{"note": "' + SECRET])
    msg = error_of(f)
    assert "d.jsonl line 2: bad JSON" in msg and "line 2" in msg


def test_missing_keys_lists_found_keys(tmp_path):
    f = write_jsonl(tmp_path / "d.jsonl", [{"note": "a", "summary": "b"}, {"text": SECRET, "label": "x"}])
    msg = error_of(f)
    assert "d.jsonl line 2" in msg and "'text'" in msg and "'label'" in msg


def test_long_key_names_are_not_shown(tmp_path):
    f = write_jsonl(tmp_path / "d.jsonl", [{SECRET * 3: "x"}])
    assert "long name not shown" in error_of(f)


@pytest.mark.parametrize("row, expected", [
    ({"note": ["a"], "summary": "b"}, "'note' is a list"),
    ({"note": "a", "summary": None}, "'summary' is null"),
    ({"note": SECRET, "summary": 3}, "'summary' is a number"),
    ({"messages": [{"role": "user", "content": SECRET}]}, "need a user and an assistant"),
    ({"messages": "x"}, "'messages' is a string"),
    ([1, 2], "expected a JSON object, found an array"),
    ('{"note": "\\ud800", "summary": "s"}', "invalid character"),
])
def test_bad_values_name_line(tmp_path, row, expected):
    f = write_jsonl(tmp_path / "d.jsonl", [{"note": "a", "summary": "b"}, row])
    msg = error_of(f)
    assert "d.jsonl line 2" in msg and expected in msg


def test_empty_file_unsupported_extension_and_missing_path(tmp_path):
    empty = tmp_path / "e.jsonl"
    empty.write_text("\n\n")
    assert "e.jsonl: the file is empty" in error_of(empty)
    other = tmp_path / "notes.xlsx"
    other.write_bytes(b"PK")
    assert "unsupported file type '.xlsx'" in error_of(other)
    assert "no such file" in error_of(tmp_path / "absent.jsonl")


def test_non_utf8_names_line(tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_bytes(b'{"note": "a", "summary": "b"}\n{"note": "\xff"}\n')
    assert "d.jsonl line 2: not UTF-8" in error_of(f)


def test_size_limit(tmp_path, monkeypatch):
    f = write_jsonl(tmp_path / "big.jsonl", [{"note": "a" * 200, "summary": "b"}])
    monkeypatch.setattr(loaders_mod, "MAX_FILE_BYTES", 100)
    msg = error_of(f)
    assert "big.jsonl" in msg and "limit" in msg


def test_csv_errors(tmp_path):
    cols = tmp_path / "c.csv"
    cols.write_text(f"text,label\n{SECRET},x\n")
    msg = error_of(cols)
    assert "c.csv" in msg and "'text'" in msg and "'label'" in msg
    assert "no note column 'body'" in error_of(cols, note_column="body", summary_column="label")
    fields = tmp_path / "f.csv"
    fields.write_text(f"note,summary\na,b\n{SECRET}\n")
    assert "f.csv line 3: 1 fields, but the header has 2" in error_of(fields)
    quote = tmp_path / "q.csv"
    quote.write_text(f'note,summary\na,b\n"{SECRET}"x,b\n')
    assert "q.csv line 3: malformed CSV" in error_of(quote)
    header_only = tmp_path / "h.csv"
    header_only.write_text("note,summary\n")
    assert "no rows" in error_of(header_only)


def test_csv_trailing_empty_fields_are_allowed(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("note,summary\na,b,,\n")
    assert len(load_pairs(f)) == 1


def test_pairs_hash_without_meta():
    a = Pair("n", "s", "f", 1, {"k": "v"})
    assert hash(a) == hash(Pair("n", "s", "f", 1, {})) and a != Pair("n", "s", "f", 1, {})
