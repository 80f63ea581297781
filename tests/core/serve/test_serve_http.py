"""``chartbrief serve``'s HTTP layer in-process (FastAPI's TestClient, a model-free engine): the token, the
listening policy, the size limit and the error shape. The real model over a real socket is in
``test_serve_api.py``."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from core.errors import ChartBriefError
from core.serve import auth
from core.serve.app import create_app
from core.serve.options import Options
from tests.stub_engine import StubEngine

CANARY = "Zyxoquint Vellamorph canary phrase 7Q4"  # as tests/core/test_no_leaks.py
TOKEN = "cb-test-token-0123456789"


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "code"}, body
    return body["error"]


@pytest.fixture
def client(home):
    app = create_app(StubEngine("The patient is stable."), options=Options(max_body=4096),
                     gate=auth.Gate(auth.digest(TOKEN)))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def bearer(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


# -- the token -----------------------------------------------------------------------------

def test_new_token_keeps_only_its_sha256(home):
    token = auth.new_token()
    stored = auth.token_path().read_text()
    assert token not in stored
    assert json.loads(stored)["hash"] == auth.digest(token) and auth.stored_hash() == auth.digest(token)
    assert auth.token_path().stat().st_mode & 0o077 == 0, "readable by this user only"
    second = auth.new_token()
    assert second != token and auth.stored_hash() == auth.digest(second), "a new token replaces the old"
    assert auth.remove_token() and auth.stored_hash() is None


def test_a_token_file_chartbrief_did_not_write_is_a_clear_error(home):
    auth.token_path().parent.mkdir(parents=True, exist_ok=True)
    auth.token_path().write_text("{not json")
    with pytest.raises(ChartBriefError, match="could not be read"):
        auth.stored_hash()


def test_gate_accepts_only_the_right_bearer_token():
    gate = auth.Gate(auth.digest(TOKEN))
    assert gate.allows(f"Bearer {TOKEN}") and gate.allows(f"bearer  {TOKEN} ")
    for header in (None, "", "Bearer", f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer wrong"):
        assert not gate.allows(header), header
    assert auth.Gate(None).allows(None), "no token made: loopback callers need none"


def test_requests_without_the_token_get_401_but_health_does_not(client):
    for headers in ({}, bearer("wrong"), {"Authorization": "Basic abc"}):
        r = client.get("/v1/models", headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert error_of(r) == {"message": "A valid 'Authorization: Bearer <token>' header is required.",
                               "type": "authentication_error", "code": "invalid_api_key"}
    r = client.post("/v1/check", json={"note": CANARY, "summary": CANARY})
    assert r.status_code == 401 and CANARY not in r.text
    assert client.get("/metrics").status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get("/v1/models", headers=bearer()).json()["data"][0]["id"] == "stub"


# -- where it may listen -------------------------------------------------------------------

def test_loopback_needs_nothing_but_other_addresses_need_the_flag_and_a_token():
    none, some = auth.Gate(None), auth.Gate(auth.digest(TOKEN))
    for address in ("127.0.0.1", "127.0.0.2", "::1"):
        auth.check_bind(address, allow_remote=False, gate=none)
    with pytest.raises(ChartBriefError, match="other machines") as err:
        auth.check_bind("0.0.0.0", allow_remote=False, gate=some)
    assert "--allow-remote" in str(err.value)
    with pytest.raises(ChartBriefError, match="needs a token") as err:
        auth.check_bind("192.168.1.20", allow_remote=True, gate=none)
    assert "--new-token" in str(err.value)
    auth.check_bind("0.0.0.0", allow_remote=True, gate=some)


def test_host_must_be_an_address_not_a_name():
    assert auth.bind_address("localhost") == "127.0.0.1" and auth.bind_address("[::1]") == "::1"
    with pytest.raises(ChartBriefError, match="not an IP address"):
        auth.bind_address("example.org")


# -- size and errors -----------------------------------------------------------------------

def test_an_oversize_body_gets_413_whether_or_not_it_says_its_length(client):
    big = {"note": "x" * 5000, "summary": "y"}
    r = client.post("/v1/check", headers=bearer(), json=big)
    assert r.status_code == 413 and error_of(r)["code"] == "request_too_large"
    chunks = (b'{"note": "' + b"x" * 1000 + b'"' for _ in range(8))  # no Content-Length: streamed
    r = client.post("/v1/check", headers={**bearer(), "content-type": "application/json"}, content=chunks)
    assert r.status_code == 413 and error_of(r)["type"] == "invalid_request_error"


def test_invalid_requests_get_400_naming_the_field_never_echoing_the_text(client):
    r = client.post("/v1/summaries", headers=bearer(), json={"note": CANARY, "style": "limerick"})
    assert r.status_code == 400
    err = error_of(r)
    assert "style" in err["message"] and CANARY not in r.text
    r = client.post("/v1/chat/completions", headers=bearer(), json={"model": "stub", "messages": CANARY})
    assert r.status_code == 400 and CANARY not in r.text and "messages" in error_of(r)["message"]
    r = client.post("/v1/check", headers={**bearer(), "content-type": "application/json"}, content=b"{broken")
    assert r.status_code == 400 and error_of(r)["code"] == "invalid_request"


def test_unknown_model_and_route_are_json_errors(client):
    r = client.post("/v1/chat/completions", headers=bearer(),
                    json={"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 404 and error_of(r)["code"] == "model_not_found" and "stub" in error_of(r)["message"]
    assert error_of(client.get("/nowhere", headers=bearer()))["type"] == "not_found_error"


def test_an_unreadable_upload_is_a_400_with_the_readers_message(client):
    r = client.post("/v1/summaries", headers=bearer(), files={"file": ("old.doc", b"\xd0\xcf\x11\xe0", "x")})
    assert r.status_code == 400
    assert "old.doc" in error_of(r)["message"] and ".docx" in error_of(r)["message"]


def test_an_unexpected_failure_is_a_500_without_traceback_or_text(home):
    class Broken(StubEngine):
        def stream(self, prompt, settings=None, stop=None):
            raise RuntimeError(f"engine blew up on {CANARY}")
            yield ""

    app = create_app(Broken(), options=Options())
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/v1/chat/completions", json={"model": "stub", "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 500
    assert error_of(r) == {"message": "Internal server error; the server's log file has the details.",
                           "type": "server_error", "code": "internal_error"}
    assert "Traceback" not in r.text and CANARY not in r.text


def test_chat_stop_strings_end_the_text_before_them(client):
    r = client.post("/v1/chat/completions", headers=bearer(),
                        json={"model": "stub", "messages": [{"role": "user", "content": "hi"}], "stop": "stable"})
    body = r.json()
    assert body["choices"][0]["message"]["content"] == "The patient is "
    assert body["choices"][0]["finish_reason"] == "stop"
    r = client.post("/v1/chat/completions", headers=bearer(),
                        json={"model": "stub", "messages": [{"role": "user", "content": "hi"}], "stop": ["stable"],
                              "stream": True})
    text = "".join(json.loads(line[6:])["choices"][0]["delta"].get("content", "")
                   for line in r.text.splitlines() if line.startswith("data: {"))
    assert text == "The patient is " and r.text.rstrip().endswith("data: [DONE]")


def test_an_engine_failure_is_a_503_with_the_engines_message(home):
    from core.errors import EngineError

    class Failing(StubEngine):
        def stream(self, prompt, settings=None, stop=None):
            raise EngineError("The model ran out of memory.", hint="Close other programs and try again.")
            yield ""

    with TestClient(create_app(Failing(), options=Options()), raise_server_exceptions=False) as c:
        chat = {"model": "stub", "messages": [{"role": "user", "content": "hi"}]}
        r = c.post("/v1/chat/completions", json=chat)
        assert r.status_code == 503
        assert error_of(r) == {"message": "The model ran out of memory. Close other programs and try again.",
                               "type": "server_error", "code": "model_unavailable"}
        streamed = c.post("/v1/chat/completions", json={**chat, "stream": True})
        events = [json.loads(x[6:]) for x in streamed.text.splitlines() if x.startswith("data: {")]
        assert events[-1] == {"error": error_of(r)}, "a stream that fails ends with the error as its last event"


def test_max_body_sizes_read_as_bytes():
    from core.cli.serve import size

    assert size("2M") == 2 * 2**20 and size("512K") == 512 * 1024 and size("1048576") == 2**20
    assert size("1.5MiB") == 3 * 2**19 and size("64kb") == 64 * 1024
    for bad in ("", "0", "-1M", "2G", "lots"):
        with pytest.raises(ValueError):
            size(bad)
