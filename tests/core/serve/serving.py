"""Start ``chartbrief serve`` as a real process for tests, and stop it."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READY = re.compile(r"^ChartBrief serves (\S+) \(.*\) on (https?://\S+)")
START_TIMEOUT_S = 600  # a fresh home converts the embedded model first


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    model: str
    home: Path
    stderr: Path
    first_line: str

    def stop(self, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


def cli(args: list[str], home: Path, timeout: float = 120, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gui.launcher", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False, env={**os.environ, "CHARTBRIEF_HOME": str(home), **env})


def start(home: Path, *args: str, stderr: Path, verbose: bool = True, environ: dict | None = None) -> Server:
    """Run ``chartbrief [-v] serve --port 0 ARGS`` and wait for its "ChartBrief serves … on URL" line.
    ``environ``: the environment to start from (default: this process's)."""
    command = [sys.executable, "-m", "gui.launcher", *(["-v"] if verbose else []), "serve", "--port", "0", *args]
    err = stderr.open("w")
    proc = subprocess.Popen(command, cwd=ROOT, env={**(os.environ if environ is None else environ),
                                                    "CHARTBRIEF_HOME": str(home)},
                            stdout=subprocess.PIPE, stderr=err, text=True)
    err.close()
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        line = lines.get(timeout=START_TIMEOUT_S)
    except queue.Empty:
        line = None
    m = READY.match(line or "")
    if m is None:
        proc.kill()
        proc.wait(10)
        raise AssertionError(f"serve did not start (rc {proc.returncode}; stdout {line!r}):\n"
                             f"{stderr.read_text()[-3000:]}")
    return Server(proc, m[2], m[1], home, stderr, line)
