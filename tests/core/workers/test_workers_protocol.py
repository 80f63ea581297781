"""The worker event protocol: typed events with a version, one writer, one reader that refuses what it
does not know with a clear error."""

from __future__ import annotations

import json
import os

import pytest

from core.workers import protocol


def _step(**changes):
    fields = {"step": 2, "max_steps": 4, "epoch": 0.5, "loss": 1.25, "lr": 1e-3, "tokens_per_s": 90.0, "eta_s": 3.0,
              "elapsed_s": 2.0, "rss_mb": 800.0}
    return protocol.Step(**{**fields, **changes})


def test_a_written_event_reads_back_as_the_same_typed_event():
    line = protocol.encode(_step(time=12.5))
    assert json.loads(line)["v"] == protocol.VERSION and json.loads(line)["event"] == "step"
    event = protocol.read(line)
    assert event == _step(time=12.5) and isinstance(event, protocol.Step)
    assert event["step"] == 2 and event.get("event") == "step" and event.get("missing") is None


def test_lines_that_are_not_events_are_skipped():
    assert protocol.read("Loading checkpoint shards: 100%") is None
    assert protocol.read('{"loss": 1}') is None
    assert protocol.read(b"\xff\xfe") is None


@pytest.mark.parametrize(("line", "says"), [
    ('{"v": 2, "event": "step"}', "version 2"),
    ('{"v": 1, "event": "teleported"}', "unknown event kind 'teleported'"),
    ('{"v": 1, "event": "checkpoint", "step": 3}', "missing: path"),
    ('{"v": 1, "event": "checkpoint", "step": 3, "path": "p", "colour": "red"}', "unexpected: colour"),
])
def test_a_line_from_another_protocol_is_a_clear_error(line, says):
    with pytest.raises(protocol.ProtocolError, match=says):
        protocol.read(line)


def test_lines_written_before_the_version_field_read_as_version_1():
    assert protocol.read('{"event": "checkpoint", "step": 3, "path": "p", "time": 1.0}') == \
        protocol.Checkpoint(step=3, path="p", time=1.0)


def test_the_emitter_stamps_the_time_and_writes_the_stream_and_the_file(tmp_path):
    read_fd, write_fd = os.pipe()
    emitter = protocol.Emitter(tmp_path / "events.jsonl", take_stdout=False)
    emitter._fd = write_fd
    sent = emitter(protocol.Registered(run="r1", adapter_id="m-v1"))
    os.close(write_fd)
    streamed = os.read(read_fd, 65536).decode()
    os.close(read_fd)
    assert sent.time > 0
    assert protocol.read(streamed) == sent == protocol.read((tmp_path / "events.jsonl").read_text())
