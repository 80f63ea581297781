"""Proof that nothing leaves the machine: the egress guard blocks, and the real flows never try."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core import netguard

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "samples" / "cardiology_admission.txt"


def test_guard_blocks_remote_connect_and_dns_but_not_loopback():
    netguard.install()  # conftest's runtime.setup() already did; idempotent
    with pytest.raises(netguard.EgressBlocked):
        netguard._check_address("connect", socket.AF_INET, ("203.0.113.7", 443))
    with pytest.raises(netguard.EgressBlocked):
        socket.getaddrinfo("huggingface.co", 443)
    with pytest.raises(netguard.EgressBlocked):
        socket.create_connection(("pypi.org", 443), timeout=1)
    # Loopback still works (the GUI tests and local tools use it).
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = socket.create_connection(srv.getsockname(), timeout=2)
    cli.close()
    srv.close()
    assert netguard.is_local("::1") and netguard.is_local("localhost") and not netguard.is_local("10.0.0.1")


def run_cli(args, env, timeout=1800):
    return subprocess.run([sys.executable, "-m", "gui.launcher", *args], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_real_flows_make_no_connection(tmp_path, embedded):
    """First start with conversion, summarize on every engine, import a GGUF, fine-tune + evaluate."""
    report = tmp_path / "netguard.jsonl"
    env = dict(os.environ, CHARTBRIEF_HOME=str(tmp_path / "home"), CHARTBRIEF_NETGUARD_REPORT=str(report))
    env.pop("HF_HUB_OFFLINE", None)  # the app must set offline mode itself
    env.pop("TRANSFORMERS_OFFLINE", None)
    gguf = tmp_path / "imported.gguf"
    shutil.copy(embedded.path, gguf)
    flows = [["import-model", str(gguf)]]
    flows += [["summarize", str(SAMPLE), "--engine", e, "--json", "--context", "2048"]
              for e in ("ipex_llm", "openvino", "reference")]
    data = ROOT / "resources" / "datasets" / "synthetic_notes.jsonl"
    flows.append(["finetune", str(data), "--max-steps", "2", "--grad-accum", "1", "--max-length", "768",
                  "--yes", "--eval-limit", "2", "--max-new-tokens", "16", "--eval-engine", "openvino",
                  "--eval-independent", "1"])  # training + evaluation workers, the fast engine checked on reference
    pids = set()
    for args in flows:
        proc = run_cli(args, env)
        assert proc.returncode == 0, f"{args[0]} failed:\n{proc.stderr[-3000:]}"
    lines = [json.loads(x) for x in report.read_text().splitlines()]
    pids = {x["pid"] for x in lines if x["kind"] == "installed"}
    blocked = [x for x in lines if x["kind"] != "installed"]
    assert len(pids) >= len(flows), "every process (CLI and worker) ran under the guard"
    assert blocked == [], f"connections were attempted: {blocked}"


@pytest.mark.slow
def test_serve_accepts_on_loopback_only_and_never_connects_out(tmp_path):
    """``chartbrief serve`` runs under the guard, listens on loopback only, and answers chat, summary and check
    requests without one connection that leaves the machine (the guard's report and the process's sockets)."""
    import httpx
    import psutil

    from tests.core.serve.serving import start

    report = tmp_path / "netguard.jsonl"
    env = dict(os.environ, CHARTBRIEF_NETGUARD_REPORT=str(report))
    env.pop("HF_HUB_OFFLINE", None)  # the app must set offline mode itself
    env.pop("TRANSFORMERS_OFFLINE", None)
    server = start(tmp_path / "home", "--engine", "reference", stderr=tmp_path / "serve.stderr", verbose=False,
                   environ=env)
    try:
        with httpx.Client(base_url=server.url, timeout=300) as http:
            model = http.get("/v1/models").json()["data"][0]["id"]
            chat = http.post("/v1/chat/completions", json={"model": model, "max_tokens": 8, "messages": [
                {"role": "user", "content": "Summarize: aspirin 81 mg daily started."}]})
            summary = http.post("/v1/summaries", json={"note": SAMPLE.read_text(), "style": "brief"})
            check = http.post("/v1/check", json={"note": SAMPLE.read_text(), "summary": summary.json()["summary"]})
            assert [r.status_code for r in (chat, summary, check)] == [200, 200, 200]
            sockets = psutil.Process(server.proc.pid).net_connections(kind="inet")  # while http's is open
    finally:
        assert server.stop() == 0
    listening = [c for c in sockets if c.status == psutil.CONN_LISTEN]
    assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening), listening
    assert any(c.status == psutil.CONN_ESTABLISHED for c in sockets), "the client's connection was seen"
    assert all(netguard.is_local(c.laddr.ip) and (not c.raddr or netguard.is_local(c.raddr.ip)) for c in sockets)
    lines = [json.loads(x) for x in report.read_text().splitlines()]
    assert server.proc.pid in {x["pid"] for x in lines if x["kind"] == "installed"}, "serve ran under the guard"
    assert [x for x in lines if x["kind"] != "installed"] == [], "connections were attempted"
