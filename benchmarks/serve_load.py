"""Load test of ``chartbrief serve``: N concurrent clients send a fixed number of real notes over loopback,
and every answer is checked to be complete and the requester's own.

    python -m benchmarks.serve_load [--clients 4] [--requests 24] [--engine openvino] [--out DIR]

It starts ``chartbrief serve --port 0`` on the embedded model (engine ``auto`` unless ``--engine`` is given,
as a user gets it) in a fresh temporary ``CHARTBRIEF_HOME`` unless one is set, waits for ``/healthz``, answers
each chat prompt once alone (the references, off the clock), then lets the clients loose: half the requests
``POST /v1/summaries`` (a shipped note with a unique sentinel line, four styles), a quarter non-streamed and a
quarter streamed ``POST /v1/chat/completions``. The run is bounded — a fixed number of requests, a timeout per
request, a deadline for the whole run — and the server is stopped at the end whatever happened.
How answers are judged: ``benchmarks/serve_checks.py``.

**429.** The server is started with ``--queue`` = the number of clients (each client has at most one request
in flight, so at most clients − 1 ever wait: a full queue cannot happen). A 429 is still handled the way a
well-behaved client would: wait ``Retry-After`` (at most 10 s) and try again, up to 3 times; those are
reported as ``rejected_retried`` and are not errors. A request refused on every try counts as ``rejected``,
and the run fails. ``--queue 1`` makes the server refuse on purpose.

Writes ``serve-load-<kind>.json`` and ``.png`` (latency per endpoint, and a timeline of the requests) to
``--out`` (default ``benchmarks/results``), ``<kind>`` as the other results name the machine. Nothing of a note
or an answer goes into them or onto the console: counts, timings, ids and sentinel doses only. Exit status 0
only when nothing was lost, mixed, rejected or answered with an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks import serve_checks as checks
from benchmarks.grounding import machine
from core.documents import Document

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
NOTE_SETS = (REPO / "resources" / "evalsets" / "summaries" / "dev.jsonl",)
SAMPLES = REPO / "resources" / "samples"
MAX_NOTE_CHARS = 6000  # one part each: long notes (map/reduce) would measure the chunker, not the server
READY = re.compile(r"^ChartBrief serves (\S+) \(.*\) on (https?://\S+)")
START_TIMEOUT_S = 900  # a fresh home converts the embedded model and measures the engines first
RETRIES_ON_429 = 3


def load_notes() -> list[tuple[str, str]]:
    """(id, text) of the shipped notes short enough to be summarized in one part: the dev evaluation set,
    then the samples."""
    notes = []
    for path in NOTE_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if len(record["note"]) <= MAX_NOTE_CHARS:
                notes.append((record["id"], record["note"]))
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix in (".txt", ".md") and path.name != "README.md":
            text = path.read_text(encoding="utf-8")
            if len(text) <= MAX_NOTE_CHARS:
                notes.append((f"samples/{path.name}", text))
    return notes


# -- the server --------------------------------------------------------------------------------

@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    model: str
    startup_s: float

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # finishes the requests in hand, then exits
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


def start_server(home: Path, args: list[str], stderr: Path) -> Server:
    """``chartbrief serve --port 0 ARGS`` (as ``tests/core/serve/serving.py`` starts it); waits for its
    "ChartBrief serves … on URL" line, then for ``/healthz``."""
    command = [sys.executable, "-m", "gui.launcher", "serve", "--port", "0", *args]
    t0 = time.perf_counter()
    with stderr.open("w") as err:
        proc = subprocess.Popen(command, cwd=REPO, env={**os.environ, "CHARTBRIEF_HOME": str(home)},
                                stdout=subprocess.PIPE, stderr=err, text=True)
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        first = lines.get(timeout=START_TIMEOUT_S) or ""
    except queue.Empty:
        first = ""
    m = READY.match(first)
    if m is None:
        proc.kill()
        proc.wait(10)
        raise SystemExit(f"chartbrief serve did not start (exit status {proc.returncode}); the end of its "
                         f"messages:\n{stderr.read_text(errors='replace')[-2000:]}")
    server = Server(proc, m[2], m[1], 0.0)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise SystemExit("chartbrief serve printed its address but /healthz did not answer within 60 s.")
        time.sleep(0.2)
    server.startup_s = round(time.perf_counter() - t0, 1)
    return server


def scrape(url: str) -> dict[str, float]:
    """The ``chartbrief_*`` samples of ``/metrics`` (name{labels} → value)."""
    out = {}
    for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
        if line.startswith("chartbrief_"):
            key, _, value = line.rpartition(" ")
            out[key] = float(value)
    return out


# -- the clients -------------------------------------------------------------------------------

@dataclass
class Record:
    item: checks.Item
    client: int
    start: float = 0.0
    end: float = 0.0
    status: int = 0
    retried_429: int = 0
    first_token_s: float | None = None
    verdict: checks.Verdict | None = None


class Run:
    def __init__(self, url: str, model: str, notes: list[str], max_tokens: int, timeout_s: float):
        self.url, self.model, self.notes = url, model, notes
        self.max_tokens, self.timeout_s = max_tokens, timeout_s
        self.references: dict[int, str] = {}
        self.t0 = 0.0

    def chat_body(self, item: checks.Item, stream: bool) -> dict:
        body = {"model": self.model, "max_tokens": self.max_tokens, "stream": stream,
                "messages": checks.chat_messages(self.notes[item.prompt])}
        if stream:
            body["stream_options"] = {"include_usage": True}
        return body

    def make_references(self, prompts: int) -> list[float]:
        """Each chat prompt answered alone (non-streamed), one at a time; returns their latencies."""
        times = []
        with httpx.Client(timeout=self.timeout_s) as client:
            for p in range(prompts):
                t = time.perf_counter()
                r = client.post(f"{self.url}/v1/chat/completions",
                                json=self.chat_body(checks.Item(-1, "chat", p, prompt=p), stream=False))
                times.append(time.perf_counter() - t)
                if r.status_code != 200:
                    raise SystemExit(f"the reference answer for chat prompt {p} failed: HTTP {r.status_code}")
                self.references[p] = r.json()["choices"][0]["message"]["content"]
        return times

    def others(self) -> dict[str, int]:
        return {text: p for p, text in self.references.items()}

    def send(self, client: httpx.Client, rec: Record) -> None:
        item = rec.item
        for attempt in range(RETRIES_ON_429 + 1):
            rec.start = time.perf_counter() - self.t0
            try:
                status, retry_after = self._once(client, rec)
            except (httpx.TimeoutException, TimeoutError):
                rec.verdict = checks.Verdict("error", "no complete answer within the per-request timeout")
                status, retry_after = 0, None
            except httpx.HTTPError as exc:
                rec.verdict = checks.Verdict("error", f"transport error: {type(exc).__name__}")
                status, retry_after = 0, None
            rec.end = time.perf_counter() - self.t0
            rec.status = status
            if status != 429:
                return
            if attempt < RETRIES_ON_429:
                rec.retried_429 += 1
                time.sleep(min(10.0, float(retry_after or 1)))
        rec.verdict = checks.Verdict("rejected", f"429 on all {RETRIES_ON_429 + 1} tries ({item.kind})")

    def _once(self, client: httpx.Client, rec: Record) -> tuple[int, str | None]:
        item = rec.item
        deadline = time.monotonic() + self.timeout_s
        ref, others = self.references.get(item.prompt), self.others()
        if item.kind == "summary":
            note = checks.with_sentinel(self.notes[item.note], item.dose)
            r = client.post(f"{self.url}/v1/summaries", json={"note": note, "style": item.style})
            cleaned = Document.from_text(note).text  # the text the server's spans index into
            rec.verdict = checks.check_summary(cleaned, item.dose, r.status_code, r.content)
            return r.status_code, r.headers.get("retry-after")
        if item.kind == "chat":
            r = client.post(f"{self.url}/v1/chat/completions", json=self.chat_body(item, stream=False))
            rec.verdict = checks.check_chat(r.status_code, r.content, ref, others, self.max_tokens)
            return r.status_code, r.headers.get("retry-after")
        with client.stream("POST", f"{self.url}/v1/chat/completions", json=self.chat_body(item, stream=True)) as r:
            if r.status_code != 200:
                r.read()
                rec.verdict = checks.Verdict("error", f"HTTP {r.status_code}")
                return r.status_code, r.headers.get("retry-after")
            lines = []
            for line in r.iter_lines():
                if rec.first_token_s is None and '"content": "' in line and '"content": ""' not in line:
                    rec.first_token_s = round(time.perf_counter() - self.t0 - rec.start, 3)  # since sending
                lines.append(line)
                if time.monotonic() > deadline:
                    raise TimeoutError
            rec.verdict = checks.check_stream(200, checks.parse_stream(lines), ref, others, self.max_tokens)
            return 200, None

    def clients(self, items: list[checks.Item], n: int, deadline_s: float) -> tuple[list[Record], float]:
        """``n`` threads, each with its own connection, take the items in order until none is left or the
        run's deadline has passed (items not sent by then are left without a verdict)."""
        todo: queue.Queue = queue.Queue()
        for item in items:
            todo.put(item)
        records: list[Record] = []
        lock = threading.Lock()
        self.t0 = time.perf_counter()
        stop_at = time.monotonic() + deadline_s

        def client(k: int) -> None:
            with httpx.Client(timeout=httpx.Timeout(self.timeout_s, connect=10)) as c:
                while time.monotonic() < stop_at:
                    try:
                        item = todo.get_nowait()
                    except queue.Empty:
                        return
                    rec = Record(item, k)
                    self.send(c, rec)
                    with lock:
                        records.append(rec)

        threads = [threading.Thread(target=client, args=(k,), name=f"client-{k}") for k in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sorted(records, key=lambda r: r.item.index), time.perf_counter() - self.t0


# -- the report --------------------------------------------------------------------------------

def _ms(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def report(records: list[Record], wall_s: float, requests: int) -> dict:
    verdicts = [r.verdict for r in records if r.verdict is not None]
    dup = checks.duplicate_ids(verdicts)
    for r in records:
        if r.verdict is not None and r.verdict.outcome == "ok" and r.verdict.completion_id in dup:
            r.verdict = checks.Verdict("mixed", "its completion id was given to another answer too",
                                       r.verdict.tokens, r.verdict.completion_id)
    outcomes = Counter(r.verdict.outcome if r.verdict else "not sent" for r in records)
    outcomes["not sent"] += requests - len(records)
    ok = [r for r in records if r.verdict and r.verdict.outcome == "ok"]
    by_endpoint = {}
    for kind in checks.KINDS:
        mine = [r for r in records if r.item.kind == kind]
        lat = [r.end - r.start for r in mine if r.verdict and r.verdict.outcome == "ok"]
        by_endpoint[kind] = {"requests": len(mine), "ok": len(lat), "p50_s": _ms(checks.percentile(lat, 50)),
                             "p95_s": _ms(checks.percentile(lat, 95)), "max_s": _ms(max(lat, default=None))}
        if kind == "chat-stream":
            ttft = [r.first_token_s for r in mine if r.first_token_s is not None]
            by_endpoint[kind]["first_token_p50_s"] = _ms(checks.percentile(ttft, 50))
    lat_all = [r.end - r.start for r in ok]
    chat_tokens = sum(r.verdict.tokens for r in ok if r.item.kind != "summary")
    summary_tokens = sum(r.verdict.tokens for r in ok if r.item.kind == "summary")
    statuses = Counter(str(r.status or "none") for r in records)
    lost = outcomes["incomplete"] + outcomes["error"]
    return {
        "requests": requests, "sent": len(records), "ok": len(ok), "wall_s": round(wall_s, 2),
        "throughput_rps": round(len(ok) / wall_s, 3) if wall_s else None,
        "chat_completion_tokens": chat_tokens,
        "generated_tokens_per_s": round(chat_tokens / wall_s, 2) if wall_s else None,
        "summary_output_tokens": summary_tokens,
        "p50_s": _ms(checks.percentile(lat_all, 50)), "p95_s": _ms(checks.percentile(lat_all, 95)),
        "by_endpoint": by_endpoint,
        "http_status": dict(sorted(statuses.items())),
        "rejected_retried": sum(r.retried_429 for r in records),
        "rejected": outcomes["rejected"], "errors": outcomes["error"], "incomplete": outcomes["incomplete"],
        "lost": lost, "mixed": outcomes["mixed"], "not_sent": outcomes["not sent"],
        "failures": [{"request": r.item.index, "kind": r.item.kind, "client": r.client,
                      "outcome": r.verdict.outcome, "reason": r.verdict.reason}
                     for r in records if r.verdict is not None and r.verdict.outcome != "ok"],
        "requests_detail": [{"request": r.item.index, "kind": r.item.kind, "client": r.client,
                             "note": r.item.note, "dose": r.item.dose or None, "style": r.item.style
                             if r.item.kind == "summary" else None, "prompt": None if r.item.kind == "summary"
                             else r.item.prompt, "start_s": round(r.start, 3), "end_s": round(r.end, 3),
                             "status": r.status, "outcome": r.verdict.outcome if r.verdict else "not sent",
                             "tokens": r.verdict.tokens if r.verdict else 0} for r in records],
    }


def server_counts(before: dict[str, float], after: dict[str, float]) -> dict:
    """What the server's own /metrics counted during the run (a cross-check of the clients' tally)."""
    def delta(key: str) -> float:
        return after.get(key, 0.0) - before.get(key, 0.0)

    out = {}
    for key in after:
        m = re.fullmatch(r'chartbrief_requests_total\{endpoint="(/v1/[^"]+)",status="([^"]+)"\}', key)
        if m and delta(key):
            out[f"{m[1]} {m[2]}"] = int(delta(key))
    return {"requests": out, "queue_rejected": int(delta("chartbrief_queue_rejected_total")),
            "cancelled": int(delta("chartbrief_generations_cancelled_total")),
            "generated_tokens": int(delta("chartbrief_generated_tokens_total"))}


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    rows = result["load"]["requests_detail"]
    colors = {"summary": "#1f77b4", "chat": "#2ca02c", "chat-stream": "#ff7f0e"}
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.9), gridspec_kw={"width_ratios": [1, 1.6]})
    data = [[r["end_s"] - r["start_s"] for r in rows if r["kind"] == k and r["outcome"] == "ok"]
            for k in checks.KINDS]
    labels = [f"{k}\n(n={len(d)})" for k, d in zip(checks.KINDS, data, strict=True)]
    left.boxplot([d or [0.0] for d in data], whis=(5, 95), showfliers=False)
    for i, (k, d) in enumerate(zip(checks.KINDS, data, strict=True), 1):
        left.scatter([i + 0.12 * ((j % 5) - 2) / 2 for j in range(len(d))], d, s=10, color=colors[k], zorder=3)
    left.set_xticks(range(1, len(labels) + 1), labels, fontsize=7)
    left.set_ylabel("latency, s (queue wait + work)", fontsize=8)
    left.set_title("Latency per endpoint (box: p25-p75, whiskers p5-p95)", fontsize=9)
    left.tick_params(axis="y", labelsize=7)
    for r in rows:
        right.broken_barh([(r["start_s"], r["end_s"] - r["start_s"])], (r["client"] - 0.3, 0.6),
                          facecolors=colors[r["kind"]] if r["outcome"] == "ok" else "#d62728", edgecolor="white",
                          linewidth=0.8)
    right.set_yticks(range(result["config"]["clients"]),
                     [f"client {k}" for k in range(result["config"]["clients"])], fontsize=7)
    right.set_xlabel("seconds since the first request", fontsize=8)
    right.tick_params(axis="x", labelsize=7)
    right.set_title("Each request from send to last byte (red: failed)", fontsize=9)
    right.legend(handles=[Line2D([], [], color=c, lw=6, label=k) for k, c in colors.items()], fontsize=7,
                 loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False)
    load, srv = result["load"], result["server"]
    fig.suptitle(f"chartbrief serve, {result['config']['clients']} clients × {load['requests']} requests on "
                 f"{srv['engine']} {srv['variant']} ({result['machine']['cpu']}, {result['date']}): "
                 f"{load['throughput_rps']} req/s, lost {load['lost']}, mixed {load['mixed']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def machine_summary() -> dict:
    from core import hardware

    info = hardware.detect()
    return {**machine(), "physical_cores": info.physical_cores, "sockets": info.sockets,
            "isa_flags": sorted(f for f in hardware.ISA_FLAGS if info.has(f)),
            "mem_gib": round(info.mem_total_bytes / 2**30, 1), "lscpu": _lscpu(), "loadavg_before": _loadavg()}


LSCPU_FIELDS = ("Model name", "CPU family", "Model", "Thread(s) per core", "Core(s) per socket", "Socket(s)",
                "Hypervisor vendor", "L2 cache", "L3 cache")


def _lscpu() -> dict[str, str]:
    """A few lines of ``lscpu`` (its ``Flags`` line is summed up in ``isa_flags``); empty where it is missing."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return {k: fields[k].strip() for k in LSCPU_FIELDS if k in fields}


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_load", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--requests", type=int, default=24, help="requests in all, shared by the clients "
                                                                 "(default 24)")
    parser.add_argument("--engine", help="serve's --engine (default: auto, as a user gets it)")
    parser.add_argument("--max-tokens", type=int, default=32, help="a chat answer's max_tokens (default 32)")
    parser.add_argument("--queue", type=int, help="serve's --queue (default: the number of clients, so nothing "
                                                  "is refused; lower it to see 429s retried)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one request may take (default 300)")
    parser.add_argument("--deadline", type=float, default=1200, help="seconds after which no new request is sent "
                                                                     "(default 1200)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON and PNG")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.requests < 1 or args.max_tokens < 1:
        parser.error("--clients, --requests and --max-tokens must be at least 1")
    pool = load_notes()
    notes = [text for _, text in pool]
    items = checks.plan(args.requests, len(notes), checks.chat_prompt_count(args.requests, len(notes)))
    prompts = max([i.prompt for i in items if i.kind != "summary"], default=-1) + 1
    queue_size = args.queue or args.clients
    serve_args = ["--queue", str(queue_size), "--max-tokens", str(args.max_tokens)]
    if args.engine:
        serve_args += ["--engine", args.engine]

    own_home = "CHARTBRIEF_HOME" not in os.environ
    home = Path(tempfile.mkdtemp(prefix="chartbrief-serve-load-")) if own_home else Path(
        os.environ["CHARTBRIEF_HOME"])
    scratch = Path(tempfile.mkdtemp(prefix="chartbrief-serve-load-log-"))
    the_machine = machine_summary()
    print(f"Starting chartbrief serve {' '.join(serve_args)} (home: {'fresh, temporary' if own_home else home})…",
          file=sys.stderr)
    server = None
    try:
        server = start_server(home, serve_args, scratch / "serve.stderr")
        health = httpx.get(f"{server.url}/healthz", timeout=10).json()
        print(f"Serving {server.model} on {health['engine']} {health['variant']} after {server.startup_s} s; "
              f"{prompts} chat reference(s), then {args.clients} clients × {args.requests} requests…",
              file=sys.stderr)
        run = Run(server.url, server.model, notes, args.max_tokens, args.timeout)
        ref_times = run.make_references(prompts)
        distinct = len(set(run.references.values())) == len(run.references)
        before = scrape(server.url)
        records, wall = run.clients(items, args.clients, args.deadline)
        after = scrape(server.url)
    finally:
        rc = server.stop() if server is not None else None
        if own_home:
            shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    load = report(records, wall, args.requests)
    command = "python -m benchmarks.serve_load " + " ".join(argv if argv is not None else sys.argv[1:])
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"), "command": command.strip(),
        "machine": the_machine,
        "server": {"model": server.model, "engine": health["engine"], "variant": health["variant"],
                   "queue": queue_size, "startup_s": server.startup_s, "home": "fresh" if own_home else "given",
                   "exit_status": rc},
        "config": {"clients": args.clients, "requests": args.requests, "max_tokens": args.max_tokens,
                   "timeout_s": args.timeout, "mix": list(checks.KINDS_CYCLE), "styles": list(checks.STYLES),
                   "notes": [nid for nid, _ in pool], "chat_prompts": prompts,
                   "sentinel": f"'Started {checks.SENTINEL_DRUG} <dose> mg daily.', doses from {checks.FIRST_DOSE}"},
        "chat_references": {"count": prompts, "distinct": distinct,
                            "latency_s": [round(t, 3) for t in ref_times]},
        "load": load,
        "server_metrics": server_counts(before, after),
    }
    passed = not (load["lost"] or load["mixed"] or load["rejected"] or load["not_sent"]) and distinct
    result["passed"] = passed
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"serve-load-{the_machine['isa']}"
    (args.out / f"{stem}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    plot(result, args.out / f"{stem}.png")
    summary = {k: load[k] for k in ("requests", "ok", "wall_s", "throughput_rps", "generated_tokens_per_s",
                                    "p50_s", "p95_s", "http_status", "rejected_retried", "rejected", "lost",
                                    "mixed", "not_sent")}
    print(json.dumps({**summary, "by_endpoint": load["by_endpoint"], "failures": load["failures"],
                      "server_metrics": result["server_metrics"], "passed": passed}, indent=1))
    print(f"Wrote {args.out / stem}.json and .png", file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
