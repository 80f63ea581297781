"""The FastAPI application of ``chartbrief serve``: routes over one loaded engine and its queue.

Routes: ``POST /v1/chat/completions`` (OpenAI-compatible, streamed as server-sent events or not),
``GET /v1/models``, ``POST /v1/summaries`` (JSON or an uploaded note file → the object of
``chartbrief summarize --json``), ``POST /v1/check`` (note + summary → the grounding report of
``chartbrief check --json``), ``GET /healthz`` and ``GET /metrics``.

Every error is ``{"error": {"message", "type", "code"}}`` — never a traceback, never the request's text.
Work on the model (and the grounding check, which is CPU-bound) goes through :class:`ModelQueue`, one
request at a time, first come first served.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.telemetry import TelemetryConfig
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from core import audit, logsafe
from core.errors import ChartBriefError, EngineError, ModelError
from core.serve import chat
from core.serve.auth import Gate
from core.serve.metrics import CONTENT_TYPE, Metrics
from core.serve.middleware import RequestGate
from core.serve.options import Options
from core.serve.queue import Job, ModelQueue, QueueFull
from core.serve.schemas import ApiError, ChatRequest, CheckRequest, SummaryRequest, error_body

log = logging.getLogger(__name__)

ENDPOINTS = ("/v1/chat/completions", "/v1/models", "/v1/summaries", "/v1/check", "/healthz", "/metrics")
STATUS_CODES = {400: "invalid_request", 401: "invalid_api_key", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "request_too_large", 429: "queue_full", 503: "unavailable"}
CHAT_TEMPLATE = "serve:chat"
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                                  "auto_configure": False}
"""FastAPI's own OpenTelemetry hooks, all off: nothing about requests is recorded or exported."""
UPLOAD_FIELDS = frozenset({"file", "style", "free_form", "context"})


class Service:
    """What the routes share: the engine, its queue, the metrics."""

    def __init__(self, engine, options: Options, gate: Gate):
        self.engine, self.options, self.gate = engine, options, gate
        self.queue = ModelQueue(options.queue_size, on_done=self._done)
        self.prompts = chat.PromptTools(engine)
        self.metrics = Metrics(lambda: self.queue.waiting, lambda: self.queue.busy)
        self.started = int(time.time())

    @property
    def model_id(self) -> str:
        return str(self.engine.info.model_id)

    def _done(self, job: Job, seconds: float) -> None:
        self.metrics.job_seconds.labels(job.kind).observe(seconds)

    def submit(self, fn, kind: str) -> Job:
        try:
            return self.queue.submit(fn, kind)
        except QueueFull as exc:
            self.metrics.rejected.inc()
            raise ApiError(429, f"The server is busy: {exc.size} request(s) are already waiting for the model. "
                                f"Try again in {exc.retry_after} s.", "queue_full",
                           {"Retry-After": str(exc.retry_after)}) from None
        except RuntimeError:
            raise ApiError(503, "The server is shutting down.", "shutting_down") from None

    async def wait(self, job: Job, request: Request):
        """The job's result; cancels it if the client goes away while it waits or runs."""
        future = asyncio.wrap_future(job.future)
        while True:
            done, _ = await asyncio.wait({future}, timeout=0.5)
            if done:
                break
            if await request.is_disconnected():
                job.cancel()
                future.cancel()  # a job still waiting is dropped; one running stops at its next token
                self.metrics.cancelled.inc()
                log.info("client went away; %s request cancelled", job.kind)
                raise ApiError(400, "The request was cancelled: the client disconnected.", "cancelled")
        if job.future.cancelled():
            raise ApiError(503, "The server is shutting down.", "shutting_down")
        exc = job.future.exception()
        if exc is not None:
            raise exc
        return job.future.result()


def _endpoint(path: str) -> str:
    return path if path in ENDPOINTS else "/v1/models" if path.startswith("/v1/models/") else "other"


class _StatusCounter:
    """Counts every response by endpoint and status for ``/metrics`` (the outermost middleware)."""

    def __init__(self, app, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        endpoint = _endpoint(scope.get("path", ""))

        async def counted(message):
            if message["type"] == "http.response.start":
                self.metrics.requests.labels(endpoint, str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counted)


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def _validation_message(errors) -> str:
    """Where and what, never the value sent (which may be note text)."""
    parts = []
    for e in errors[:5]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts)


def _from_core(exc: ChartBriefError) -> ApiError:
    message = exc.message if exc.hint is None else f"{exc.message} {exc.hint}"
    if isinstance(exc, EngineError | ModelError):
        return ApiError(503, message, "model_unavailable")
    return ApiError(400, message, "invalid_input")


def create_app(engine, *, options: Options | None = None, gate: Gate | None = None) -> FastAPI:
    """The application over a loaded ``engine``. Its queue's worker thread starts now; ``app.state.service``
    holds it (``service.queue.close()`` when done, which the lifespan does)."""
    from contextlib import asynccontextmanager

    options = options or Options()
    gate = gate or Gate(None)
    service = Service(engine, options, gate)

    @asynccontextmanager
    async def lifespan(app):
        yield
        service.queue.close()

    app = FastAPI(title="ChartBrief", version="1", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan, telemetry=NO_TELEMETRY)
    app.state.service = service

    @app.exception_handler(ApiError)
    async def api_error(request, exc: ApiError):
        return _error(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request, exc: RequestValidationError):
        return _error(ApiError(400, _validation_message(exc.errors()), "invalid_request"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, exc: StarletteHTTPException):
        code = STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return JSONResponse(error_body(exc.status_code, message, code), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(ChartBriefError)
    async def core_error(request, exc: ChartBriefError):
        return _error(_from_core(exc))

    @app.exception_handler(Exception)
    async def unexpected(request, exc: Exception):
        log.error("unexpected %s in %s", type(exc).__name__, request.url.path, exc_info=exc)
        return JSONResponse(error_body(500, "Internal server error; the server's log file has the details.",
                                       "internal_error"), status_code=500)

    # -- service ---------------------------------------------------------------------------
    @app.get("/healthz")
    async def healthz():
        return {"status": "ok", "model": service.model_id, "engine": engine.info.name,
                "variant": engine.info.variant, "adapter": engine.info.adapter_id,
                "queue": service.queue.waiting, "busy": service.queue.busy}

    @app.get("/metrics")
    async def metrics():
        return Response(service.metrics.render(), media_type=CONTENT_TYPE)

    # -- OpenAI-compatible -----------------------------------------------------------------
    def model_card() -> dict:
        return {"id": service.model_id, "object": "model", "created": service.started, "owned_by": "chartbrief"}

    @app.get("/v1/models")
    async def models():
        return {"object": "list", "data": [model_card()]}

    @app.get("/v1/models/{model_id:path}")
    async def model(model_id: str):
        if model_id != service.model_id:
            raise ApiError(404, f"No model '{model_id}' here; this server runs '{service.model_id}'.",
                           "model_not_found")
        return model_card()

    @app.post("/v1/chat/completions")
    async def chat_completions(body: ChatRequest, request: Request):
        if body.model != service.model_id:
            raise ApiError(404, f"No model '{body.model}' here; this server runs '{service.model_id}' "
                                "(see GET /v1/models).", "model_not_found")
        chat.check_request(body)
        messages = chat.messages_of(body)
        for m in messages:
            logsafe.register_sensitive(m["content"])
        settings = chat.settings_for(body, options.max_tokens)
        prompt = await run_in_threadpool(service.prompts.render, messages)
        prompt_tokens = await run_in_threadpool(chat.check_context, engine, service.prompts.count, prompt, settings)
        stops = body.stops()
        request_id = f"chatcmpl-{uuid.uuid4().hex}"
        prompt_sha = audit.sha256_text(json.dumps(messages, sort_keys=True))

        def finished(completion: chat.Completion) -> None:
            service.metrics.observe_generation(completion.completion_tokens, completion.seconds)
            log.info("chat completion: %d prompt tokens, %d completion tokens, %.2f s, %s", prompt_tokens,
                     completion.completion_tokens, completion.seconds, completion.finish_reason)
            # The audit log's model-run action (its list of actions lives in core/audit.py); the template
            # tells a chat completion apart from a summary.
            audit.record("summarize", note_sha256=prompt_sha, model_id=service.model_id,
                         adapter_id=engine.info.adapter_id, engine=engine.info.name, template=CHAT_TEMPLATE,
                         output_sha256=audit.sha256_text(completion.text), request_id=request_id,
                         prompt_tokens=prompt_tokens, completion_tokens=completion.completion_tokens)

        if not body.stream:
            def work(should_stop):
                completion = chat.generate(engine, prompt, settings, stops, should_stop, lambda s: None,
                                           prompt_tokens)
                finished(completion)
                return completion

            completion = await service.wait(service.submit(work, "chat"), request)
            return {"id": request_id, "object": "chat.completion", "created": int(time.time()),
                    "model": service.model_id,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": completion.text},
                                 "finish_reason": completion.finish_reason, "logprobs": None}],
                    "usage": _usage(completion)}
        return _stream(service, engine, body, request_id, prompt, settings, stops, prompt_tokens, finished)

    # -- ChartBrief ------------------------------------------------------------------------
    @app.post("/v1/summaries")
    async def summaries(request: Request):
        doc, req = await _summary_input(request)
        logsafe.register_sensitive(doc.text)

        def work(should_stop):
            from core.summarize import Finished, summarize
            from core.summarize.batch import as_json

            result = None
            for event in summarize(doc.text, req.style, engine, should_stop=should_stop,
                                   context_limit=req.context or options.context,
                                   mode="free" if req.free_form else None):
                if isinstance(event, Finished):
                    result = event.result
            if result is None:
                raise RuntimeError("the summary ended without a result")
            audit.record_summary(doc.text, result)
            tokens = int(result.timings.get("output_tokens") or 0)
            if tokens:
                service.metrics.tokens.inc(tokens)
            log.info("summary: style %s, %d flags, %.2f s", req.style, len(result.flags),
                     float(result.timings.get("total_s") or 0))
            return as_json(result, doc)

        return await service.wait(service.submit(work, "summary"), request)

    @app.post("/v1/check")
    async def check(body: CheckRequest, request: Request):
        logsafe.register_sensitive(body.note)
        logsafe.register_sensitive(body.summary)
        for text, what in ((body.note, "note"), (body.summary, "summary")):
            if not text.strip():
                raise ApiError(400, f"The {what} has no text.", "invalid_input")

        def work(should_stop):
            from core.grounding import analyze

            report = analyze(body.summary, body.note)
            log.info("check: %d flags, %s", len(report.flags), "supported" if report.clean else "flagged")
            return report.as_dict(body.summary, body.note)

        return await service.wait(service.submit(work, "check"), request)

    return _wrap(app, service, gate, options)


def _wrap(app: FastAPI, service: Service, gate: Gate, options: Options):
    """Token and size gate inside, the status counter outside (so 401 and 413 are counted too)."""
    app.add_middleware(RequestGate, gate=gate, max_body=options.max_body)
    app.add_middleware(_StatusCounter, metrics=service.metrics)
    return app


def _usage(c: chat.Completion) -> dict:
    return {"prompt_tokens": c.prompt_tokens, "completion_tokens": c.completion_tokens,
            "total_tokens": c.prompt_tokens + c.completion_tokens}


def _chunk(request_id: str, created: int, model: str, delta: dict, finish_reason=None) -> str:
    chunk = {"id": request_id, "object": "chat.completion.chunk", "created": created, "model": model,
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}]}
    return f"data: {json.dumps(chunk)}\n\n"


def _stream(service: Service, engine, body: ChatRequest, request_id: str, prompt: str, settings, stops,
            prompt_tokens: int, finished) -> StreamingResponse:
    loop = asyncio.get_running_loop()
    pieces: asyncio.Queue = asyncio.Queue()

    def put(item) -> None:
        try:
            loop.call_soon_threadsafe(pieces.put_nowait, item)
        except RuntimeError:  # the event loop is gone (server stopping)
            pass

    def work(should_stop):
        completion = chat.generate(engine, prompt, settings, stops, should_stop, lambda s: put(("text", s)),
                                   prompt_tokens)
        finished(completion)
        return completion

    job = service.submit(work, "chat")  # a full queue is a 429 before any byte of the stream
    job.future.add_done_callback(lambda f: put(("done", None)))
    created, model = int(time.time()), service.model_id

    async def events():
        try:
            yield _chunk(request_id, created, model, {"role": "assistant", "content": ""})
            while True:
                kind, text = await pieces.get()
                if kind == "done":
                    break
                yield _chunk(request_id, created, model, {"content": text})
            error = None if not job.future.cancelled() else ApiError(503, "The server is shutting down.",
                                                                     "shutting_down")
            exc = job.future.exception() if error is None else None
            if isinstance(exc, ApiError):
                error = exc
            elif isinstance(exc, ChartBriefError):
                error = _from_core(exc)
            elif exc is not None:
                log.error("unexpected %s in a streamed chat completion", type(exc).__name__, exc_info=exc)
                error = ApiError(500, "Internal server error; the server's log file has the details.",
                                 "internal_error")
            if error is not None:
                yield f"data: {json.dumps(error.body())}\n\n"
                return
            completion = job.future.result()
            yield _chunk(request_id, created, model, {}, completion.finish_reason)
            if body.stream_options is not None and body.stream_options.include_usage:
                usage = {"id": request_id, "object": "chat.completion.chunk", "created": created, "model": model,
                         "choices": [], "usage": _usage(completion)}
                yield f"data: {json.dumps(usage)}\n\n"
            yield "data: [DONE]\n\n"
        finally:
            if not job.future.done():  # the client went away mid-stream: stop the model now
                job.cancel()
                service.metrics.cancelled.inc()
                log.info("client went away; streamed chat completion cancelled")

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _summary_input(request: Request):
    """The note and options of a summary request: a JSON body, or a multipart form with the note file."""
    from core.documents import Document, read_bytes

    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=len(UPLOAD_FIELDS))
        try:
            unknown = sorted(set(form.keys()) - UPLOAD_FIELDS)
            if unknown:
                raise ApiError(400, f"Unknown form field(s): {', '.join(unknown)}; expected the note as 'file' "
                                    "and optionally style, free_form, context.", "invalid_request")
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ApiError(400, "The form has no note file: send it as the 'file' field.", "invalid_request")
            data = await upload.read()
            name = upload.filename or "note.txt"
            fields = {k: v for k, v in form.items() if k != "file" and isinstance(v, str)}
        finally:
            await form.close()
        doc = read_bytes(data, name)  # DocumentError (→ 400) names the file and what to do
        try:
            req = SummaryRequest.model_validate({"note": doc.text, **fields})  # "true", "2048": pydantic converts
        except ValidationError as exc:
            raise ApiError(400, _validation_message(exc.errors()), "invalid_request") from None
        return doc, req
    if kind not in ("application/json", ""):
        raise ApiError(400, "Send the note as JSON ({\"note\": ..., \"style\": ...}) or as a multipart form "
                            "with the note file in 'file'.", "invalid_request")
    try:
        req = SummaryRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise ApiError(400, _validation_message(exc.errors()), "invalid_request") from None
    return Document.from_text(req.note, source="request"), req
