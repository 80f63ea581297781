"""``chartbrief serve`` as a real process on the embedded model (reference engine), called over loopback
with the stock ``openai`` client and plain HTTP: chat (streamed and not), models, summaries, checks, the
size limit, the full queue, a client that goes away, and no note text in any log. A second server listens
beyond loopback with a token and TLS. Each server starts once for the module."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import openai
import pytest

from core import audit
from tests.core.serve.serving import ROOT, Server, cli, start
from tests.core.test_no_leaks import CANARY, scan

pytestmark = pytest.mark.slow

SAMPLE = (ROOT / "resources" / "samples" / "cardiology_admission.txt").read_text()
NOTE = f"{SAMPLE}\n\nSOCIAL HISTORY:\n{CANARY}. Lives with spouse.\n"
AS_JSON_KEYS = {"summary", "style", "flags", "grounding", "chunking", "engine", "timings", "template_source",
                "source"}


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:  # shadows conftest's per-test home: one home for the module's servers
    return tmp_path_factory.mktemp("serve") / "home"


@pytest.fixture(scope="module")
def server(home):
    srv = start(home, "--engine", "reference", "--queue", "1", "--max-tokens", "24",
                stderr=home.parent / "serve.stderr")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    with openai.OpenAI(base_url=f"{server.url}/v1", api_key="not-needed-on-loopback", max_retries=0,
                       timeout=120) as c:
        yield c


def test_it_listens_on_loopback_and_lists_its_model(server, client):
    assert server.url.startswith("http://127.0.0.1:")
    models = client.models.list().data
    assert [m.id for m in models] == [server.model] == ["embedded:smollm2-135m"]
    health = httpx.get(f"{server.url}/healthz").json()
    assert health["status"] == "ok" and health["engine"] == "reference"


def test_chat_completion_streams_through_the_openai_client(server, client):
    stream = client.chat.completions.create(
        model=server.model, stream=True, max_tokens=16, stream_options={"include_usage": True},
        messages=[{"role": "system", "content": "You are a concise clinical assistant."},
                  {"role": "user", "content": f"What does BID mean? ({CANARY})"}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    pieces = [c for c in chunks if c.choices and c.choices[0].delta.content]
    assert text.strip() and len(pieces) > 2, "the text came in pieces"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] in ("stop", "length")
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_chat_completion_without_streaming(server, client, home):
    reply = client.chat.completions.create(model=server.model, max_tokens=12,
                                           messages=[{"role": "user", "content": "Name one heart medicine."}])
    assert reply.object == "chat.completion" and reply.choices[0].message.role == "assistant"
    assert reply.choices[0].message.content.strip()
    assert reply.choices[0].finish_reason == "length" and reply.usage.completion_tokens >= 12
    entries = [json.loads(x) for x in (home / "data" / "audit.jsonl").read_text().splitlines()]
    mine = [e for e in entries if e.get("request_id") == reply.id]
    assert len(mine) == 1 and mine[0]["template"] == "serve:chat" and mine[0]["model_id"] == server.model
    assert mine[0]["output_sha256"] == audit.sha256_text(reply.choices[0].message.content)
    assert mine[0]["completion_tokens"] == reply.usage.completion_tokens
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])


def test_summary_is_the_object_summarize_json_prints(server, home):
    from core.documents import Document

    r = httpx.post(f"{server.url}/v1/summaries", json={"note": NOTE, "style": "handoff"}, timeout=300)
    assert r.status_code == 200, r.text
    out = r.json()
    assert set(out) == AS_JSON_KEYS and out["style"] == "handoff" and out["summary"].strip()
    assert isinstance(out["flags"], list) and "status" in out["grounding"]
    sentences = out["grounding"]["sentences"]
    assert sentences and any(s["sources"] for s in sentences), "sentence provenance: sources in the note"
    for s in sentences:
        for src in s["sources"]:
            assert 0 <= src["start"] < src["end"] <= len(NOTE)
    assert out["timings"]["total_s"] >= 0 and out["engine"]["name"] == "reference"
    entries = [json.loads(x) for x in (home / "data" / "audit.jsonl").read_text().splitlines()]
    note_sha = audit.sha256_text(Document.from_text(NOTE).text)
    assert any(e["action"] == "summarize" and e.get("note_sha256") == note_sha for e in entries)
    assert audit.verify(home / "data" / "audit.jsonl").ok


def test_summary_of_an_uploaded_note_file(server):
    import docx

    doc = docx.Document()
    for para in NOTE.split("\n\n"):
        doc.add_paragraph(para)
    data = io.BytesIO()
    doc.save(data)
    r = httpx.post(f"{server.url}/v1/summaries", files={"file": ("note.docx", data.getvalue())},
                   data={"style": "soap"}, timeout=300)
    assert r.status_code == 200, r.text
    assert r.json()["source"] == {"file": "note.docx", "format": "docx", "warnings": []}
    assert r.json()["style"] == "soap" and r.json()["summary"].strip()
    r = httpx.post(f"{server.url}/v1/summaries", files={"file": ("note.txt", NOTE.encode())}, timeout=300)
    assert r.status_code == 200 and r.json()["source"]["format"] == "txt"  # the canary in a plain multipart body
    r = httpx.post(f"{server.url}/v1/summaries", files={"file": ("scan.pdf", b"%PDF-1.4 not really")})
    assert r.status_code == 400 and "scan.pdf" in r.json()["error"]["message"]


def test_check_flags_an_invented_drug(server):
    summary = "Started zorbicillin 50 mg daily for the chest pain. Aspirin 81 mg daily was started."
    r = httpx.post(f"{server.url}/v1/check", json={"note": NOTE, "summary": summary}, timeout=300)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["supported"] is False
    assert any(f["kind"] == "medication" and "zorbicillin" in f["text"].lower() for f in report["flags"])
    aspirin = [s for s in report["sentences"] if "Aspirin" in s["text"]]
    assert aspirin and aspirin[0]["sources"], "the supported sentence points at its source in the note"


def test_an_oversize_note_gets_413(server):
    r = httpx.post(f"{server.url}/v1/summaries", json={"note": "word " * (3 * 2**20 // 5)}, timeout=120)
    assert r.status_code == 413
    assert r.json()["error"] == {"message": "The request is larger than this server's limit of 2.0 MiB.",
                                 "type": "invalid_request_error", "code": "request_too_large"}


def metric_of(server: Server, name: str) -> float:
    for line in httpx.get(f"{server.url}/metrics").text.splitlines():
        if line.startswith((name + " ", name + "{")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_a_client_that_leaves_a_plain_request_stops_its_generation(server):
    before = metric_of(server, "chartbrief_generations_cancelled_total")
    body = json.dumps({"model": server.model, "max_tokens": 3000,
                       "messages": [{"role": "user", "content": "Write a long essay on the kidney."}]}).encode()
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        deadline = time.monotonic() + 30
        while not httpx.get(f"{server.url}/healthz").json()["busy"]:
            assert time.monotonic() < deadline, "the request never started"
            time.sleep(0.05)
    t0 = time.monotonic()
    r = httpx.post(f"{server.url}/v1/chat/completions", timeout=300,
                   json={"model": server.model, "max_tokens": 4, "messages": [{"role": "user", "content": "Hi"}]})
    assert r.status_code == 200 and time.monotonic() - t0 < 60, "the next request did not wait for 3000 tokens"
    assert metric_of(server, "chartbrief_generations_cancelled_total") == before + 1


def test_a_full_queue_gets_429_and_a_client_that_leaves_stops_its_generation(server):
    """--queue 1: one request runs (a long stream), one waits, the next is refused. Closing the stream
    cancels its generation, so the waiting request runs at once."""
    def metric(name: str) -> float:
        return metric_of(server, name)

    cancelled_before = metric("chartbrief_generations_cancelled_total")
    chat = {"model": server.model, "messages": [{"role": "user", "content": "Write a long essay on the heart."}]}
    with httpx.Client(timeout=300) as long_client:
        with long_client.stream("POST", f"{server.url}/v1/chat/completions",
                                json={**chat, "stream": True, "max_tokens": 3000}) as stream:
            lines = stream.iter_lines()
            assert next(line for line in lines if '"content": "' in line and '"content": ""' not in line)
            waiting: dict = {}

            def second():
                t0 = time.monotonic()
                waiting["response"] = httpx.post(f"{server.url}/v1/chat/completions",
                                                 json={**chat, "max_tokens": 4}, timeout=300)
                waiting["seconds"] = time.monotonic() - t0

            thread = threading.Thread(target=second)
            thread.start()
            deadline = time.monotonic() + 30
            while httpx.get(f"{server.url}/healthz").json()["queue"] < 1:
                assert time.monotonic() < deadline, "the second request never queued"
                time.sleep(0.05)
            refused = httpx.post(f"{server.url}/v1/chat/completions", json={**chat, "max_tokens": 4}, timeout=30)
            assert refused.status_code == 429
            assert int(refused.headers["retry-after"]) >= 1
            assert refused.json()["error"]["type"] == "rate_limit_error"
            assert refused.json()["error"]["code"] == "queue_full"
            time.sleep(0.5)
        # the stream is closed here, 3000 tokens from done
        thread.join(120)
    assert not thread.is_alive()
    assert waiting["response"].status_code == 200
    assert waiting["seconds"] < 60, "the waiting request ran once the stream's generation was cancelled"
    assert metric("chartbrief_generations_cancelled_total") == cancelled_before + 1
    assert metric("chartbrief_queue_rejected_total") >= 1
    assert metric('chartbrief_requests_total{endpoint="/v1/chat/completions",status="429"}') >= 1


def test_metrics_are_prometheus_text(server):
    r = httpx.get(f"{server.url}/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    for name in ("chartbrief_queue_length", "chartbrief_tokens_per_second", "chartbrief_requests_total",
                 "chartbrief_generated_tokens_total"):
        assert f"# TYPE {name.removesuffix('_total')}" in r.text, name
    assert float(next(x for x in r.text.splitlines() if x.startswith("chartbrief_tokens_per_second ")).split()[1]) > 0


# -- beyond loopback -----------------------------------------------------------------------

def test_listening_beyond_loopback_needs_the_flag_and_a_token(tmp_path):
    bare = tmp_path / "bare-home"
    proc = cli(["serve", "--host", "0.0.0.0"], bare)
    assert proc.returncode == 2 and "--allow-remote" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli(["serve", "--host", "0.0.0.0", "--allow-remote"], bare)
    assert proc.returncode == 2 and "needs a token" in proc.stderr and "--new-token" in proc.stderr
    proc = cli(["serve", "--host", "example.org", "--allow-remote"], bare)
    assert proc.returncode == 2 and "not an IP address" in proc.stderr


@pytest.fixture(scope="module")
def remote(home, server, tmp_path_factory):
    """A second server on 0.0.0.0 with a token and TLS (its own home, sharing the converted model)."""
    base = tmp_path_factory.mktemp("remote")
    rhome = base / "home"
    rhome.mkdir()
    (rhome / "cache").symlink_to(home / "cache", target_is_directory=True)
    made = cli(["serve", "--new-token"], rhome)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    cert, key = base / "cert.pem", base / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out",
                    str(cert)], check=True, capture_output=True, timeout=60)
    srv = start(rhome, "--host", "0.0.0.0", "--allow-remote", "--certfile", str(cert), "--keyfile", str(key),
                "--engine", "reference", stderr=base / "remote.stderr", verbose=False)
    yield srv, token, cert
    srv.stop()


def test_the_token_is_printed_once_and_only_its_hash_is_kept(remote):
    srv, token, _ = remote
    stored = (srv.home / "config" / "serve-token.json").read_text()
    assert token.startswith("cb-") and len(token) > 40 and token not in stored
    assert scan(srv.home, token) == [], "the token itself is nowhere on disk"


def test_beyond_loopback_every_request_needs_the_token_over_tls(remote):
    srv, token, cert = remote
    assert srv.url.startswith("https://0.0.0.0:") and "(token required)" in srv.first_line
    url = srv.url.replace("0.0.0.0", "127.0.0.1")
    with httpx.Client(verify=str(cert), timeout=120) as http:
        assert http.get(f"{url}/healthz").status_code == 200
        for headers in ({}, {"Authorization": "Bearer cb-wrong"}, {"Authorization": f"Basic {token}"}):
            r = http.get(f"{url}/v1/models", headers=headers)
            assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
        r = http.post(f"{url}/v1/check", json={"note": NOTE, "summary": "Aspirin."})
        assert r.status_code == 401 and CANARY not in r.text
        with openai.OpenAI(base_url=f"{url}/v1", api_key=token, max_retries=0,
                           http_client=openai.DefaultHttpxClient(verify=str(cert))) as good:
            assert [m.id for m in good.models.list().data] == [srv.model]
        with openai.OpenAI(base_url=f"{url}/v1", api_key="cb-wrong", max_retries=0,
                           http_client=openai.DefaultHttpxClient(verify=str(cert))) as bad, \
                pytest.raises(openai.AuthenticationError):
            bad.models.list()
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{url.replace('https', 'http')}/healthz", timeout=10)  # no plain HTTP on a TLS server


# -- last: nothing of the notes anywhere ----------------------------------------------------

def test_no_note_text_in_logs_files_or_command_line(server, home):
    cmdline = Path(f"/proc/{server.proc.pid}/cmdline").read_bytes()
    assert CANARY.encode() not in cmdline
    log = (home / "log" / "chartbrief.log").read_text()
    assert "POST /v1/summaries" in log and "POST /v1/chat/completions" in log, "the access log went to our log"
    hits = scan(home, CANARY)
    assert hits == [], hits
    stderr = server.stderr.read_text()
    assert "DEBUG" in stderr, "-v: debug logging on stderr (and it was scanned)"
    assert CANARY not in stderr


def test_ctrl_c_stops_it_cleanly(server: Server):
    assert server.stop() == 0
    assert "ChartBrief serve stopped." in server.stderr.read_text()
