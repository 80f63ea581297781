"""The serve load test's judge (``benchmarks/serve_checks.py``) can fail: answers that are mixed between
requests or cut short are caught. Real answers come from the serve app in-process on a model-free engine, so
the formats are the server's own; then they are swapped, truncated or tampered with."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi.testclient import TestClient

from benchmarks import serve_checks as checks
from benchmarks.serve_load import Record, Run, load_notes, report
from core.serve.app import create_app
from core.serve.options import Options
from tests.stub_engine import StubEngine

STUB = "The patient is stable and goes home today."
REPLY = STUB + " "  # what the stub engine writes: word by word, each with a space
MAX_TOKENS = 32


@pytest.fixture(scope="module")
def notes() -> list[str]:
    return [text for _, text in load_notes()]


@pytest.fixture
def client(home):
    with TestClient(create_app(StubEngine(STUB), options=Options(queue_size=4))) as c:
        yield c


def summarize(client, note: str, dose: int, style: str = "brief") -> tuple[str, httpx.Response]:
    sent = checks.with_sentinel(note, dose)
    r = client.post("/v1/summaries", json={"note": sent, "style": style})
    assert r.status_code == 200, r.text
    return sent, r


def stream_lines(client, content: str = "hi") -> list[str]:
    body = {"model": "stub", "stream": True, "stream_options": {"include_usage": True}, "max_tokens": MAX_TOKENS,
            "messages": [{"role": "user", "content": content}]}
    r = client.post("/v1/chat/completions", json=body)
    assert r.status_code == 200
    return r.text.splitlines()


# -- the note pool and the plan ------------------------------------------------------------------

def test_the_pool_is_short_shipped_notes_and_none_names_the_sentinel(notes):
    assert len(notes) >= 10 and all(len(n) <= 6000 for n in notes)
    assert not any(checks.SENTINEL_DRUG in n.lower() for n in notes)


def test_the_plan_mixes_endpoints_and_gives_every_summary_its_own_dose():
    items = checks.plan(24, 14, checks.chat_prompt_count(24, 14))
    kinds = [i.kind for i in items]
    assert kinds.count("summary") == 12 and kinds.count("chat") == 6 and kinds.count("chat-stream") == 6
    doses = [i.dose for i in items if i.kind == "summary"]
    assert len(set(doses)) == len(doses)
    assert {i.prompt for i in items if i.kind != "summary"} == {0, 1, 2, 3}
    assert {i.style for i in items if i.kind == "summary"} == set(checks.STYLES)


# -- summaries -----------------------------------------------------------------------------------

@pytest.mark.parametrize("style", checks.STYLES)
def test_a_summary_of_its_own_note_passes(client, notes, style):
    sent, r = summarize(client, notes[0], 1001, style)
    assert checks.check_summary(sent, 1001, 200, r.content).outcome == "ok"


def test_another_requests_summary_is_mixed(client, notes):
    mine, _ = summarize(client, notes[0], 1001)
    _, theirs = summarize(client, notes[1], 1002)
    v = checks.check_summary(mine, 1001, 200, theirs.content)
    assert v.outcome == "mixed" and "1002" in v.reason
    # the same note with another dose: everything else identical, still caught
    _, twin = summarize(client, notes[0], 1003)
    assert checks.check_summary(mine, 1001, 200, twin.content).outcome == "mixed"


def test_a_summary_whose_spans_point_elsewhere_is_mixed(client, notes):
    sent, r = summarize(client, notes[0], 1001)
    out = r.json()
    for s in out["grounding"]["sentences"]:
        for src in s["sources"]:
            src["start"] += 7
            src["end"] += 7
    v = checks.check_summary(sent, 1001, 200, json.dumps(out).encode())
    assert v.outcome == "mixed"
    out = r.json()
    out["grounding"]["sentences"][0]["sources"] = [{"start": 0, "end": len(sent) + 50}]
    assert "outside this note" in checks.check_summary(sent, 1001, 200, json.dumps(out).encode()).reason


def test_a_truncated_or_hollow_summary_is_incomplete(client, notes):
    sent, r = summarize(client, notes[0], 1001)
    assert checks.check_summary(sent, 1001, 200, r.content[: len(r.content) // 2]).outcome == "incomplete"
    out = r.json()
    del out["grounding"]
    assert checks.check_summary(sent, 1001, 200, json.dumps(out).encode()).outcome == "incomplete"
    assert checks.check_summary(sent, 1001, 503, b"{}").outcome == "error"


# -- chat ----------------------------------------------------------------------------------------

def test_a_whole_stream_with_its_own_text_passes(client):
    s = checks.parse_stream(stream_lines(client))
    assert s.done and s.finish_reason in ("stop", "length") and s.usage and len(s.ids) == 1
    v = checks.check_stream(200, s, REPLY, {REPLY: 0}, MAX_TOKENS)
    assert v.outcome == "ok" and v.tokens > 0 and v.completion_id.startswith("chatcmpl-")


@pytest.mark.parametrize("cut", [1, 2, 3, 5])
def test_a_stream_cut_short_is_incomplete(client, cut):
    lines = stream_lines(client)
    data = [i for i, line in enumerate(lines) if line.startswith("data:")]
    s = checks.parse_stream(lines[: data[-cut]])
    assert checks.check_stream(200, s, REPLY, {REPLY: 0}, MAX_TOKENS).outcome == "incomplete"


def test_two_interleaved_streams_or_anothers_text_are_mixed(client):
    a, b = stream_lines(client, "first"), stream_lines(client, "second")
    pieces_b = [line for line in b if '"content": "' in line and '"content": ""' not in line]
    spliced = a[:4] + pieces_b[:1] + a[4:]  # one of b's chunks inside a's stream
    assert checks.check_stream(200, checks.parse_stream(spliced), REPLY, {REPLY: 0}, MAX_TOKENS).outcome == "mixed"
    s = checks.parse_stream(a)
    other = "A different answer entirely."
    v = checks.check_stream(200, s, other, {other: 1, REPLY: 0}, MAX_TOKENS)
    assert v.outcome == "mixed" and "prompt 0" in v.reason


def test_a_non_streamed_answer_checked_the_same_way(client):
    body = {"model": "stub", "max_tokens": MAX_TOKENS, "messages": [{"role": "user", "content": "hi"}]}
    r = client.post("/v1/chat/completions", json=body)
    assert checks.check_chat(200, r.content, REPLY, {REPLY: 0}, MAX_TOKENS).outcome == "ok"
    assert checks.check_chat(200, r.content[:-20], REPLY, {REPLY: 0}, MAX_TOKENS).outcome == "incomplete"
    assert checks.check_chat(200, r.content, REPLY + " More.", {}, MAX_TOKENS).outcome == "incomplete"
    assert checks.check_chat(200, r.content, "Other.", {"Other.": 1}, MAX_TOKENS).outcome == "mixed"
    assert checks.check_chat(429, b"{}", REPLY, {}, MAX_TOKENS).outcome == "error"


def test_one_completion_id_in_two_answers_marks_the_run_mixed():
    rec = [Record(checks.Item(i, "chat", 0), 0, 0.0, 1.0, 200, verdict=checks.Verdict("ok", tokens=3,
                  completion_id="chatcmpl-same")) for i in range(2)]
    out = report(rec, 2.0, 2)
    assert out["mixed"] == 2 and out["ok"] == 0


# -- the client loop over the in-process app -----------------------------------------------------

def test_the_client_sends_checks_and_retries_a_429(client, notes, monkeypatch):
    run = Run("http://testserver", "stub", notes, MAX_TOKENS, timeout_s=30)
    run.references = {0: REPLY, 1: REPLY + " (1)"}
    items = checks.plan(4, len(notes), 1)
    recs = [Record(item, 0) for item in items]
    for rec in recs:
        run.send(client, rec)
    assert [r.verdict.outcome for r in recs] == ["ok"] * 4, [r.verdict for r in recs]
    assert recs[1].first_token_s is not None

    calls = []
    real_post = client.post

    def busy_once(url, **kw):
        calls.append(url)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": {}})
        return real_post(url, **kw)

    monkeypatch.setattr(client, "post", busy_once)
    rec = Record(items[0], 0)
    run.send(client, rec)
    assert rec.verdict.outcome == "ok" and rec.retried_429 == 1 and len(calls) == 2

    monkeypatch.setattr(client, "post", lambda url, **kw: httpx.Response(429, headers={"Retry-After": "0"}))
    rec = Record(items[0], 0)
    run.send(client, rec)
    assert rec.verdict.outcome == "rejected" and rec.retried_429 == 3
    out = report([rec], 1.0, 1)
    assert out["rejected"] == 1 and out["rejected_retried"] == 3 and out["lost"] == 0


def test_percentile_matches_numpy():
    np = pytest.importorskip("numpy")
    xs = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6]
    for q in (0, 50, 95, 100):
        assert checks.percentile(xs, q) == pytest.approx(float(np.percentile(xs, q)))
    assert checks.percentile([], 50) is None
