"""Request bodies of ``chartbrief serve`` (pydantic) and its one error shape.

The chat request follows OpenAI's ``/v1/chat/completions`` closely enough for the ``openai`` client;
fields ChartBriefs engines cannot honour (``n`` > 1, tools, logprobs) are refused with a clear 400
rather than ignored. Unknown extra fields are accepted and ignored, as OpenAI-compatible servers do.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.summarize.templates import STYLES

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    503: "server_error",
}


def error_body(status: int, message: str, code: str) -> dict:
    """``{"error": {"message", "type", "code"}}``, the shape OpenAI's clients read."""
    return {"error": {"message": message, "type": ERROR_TYPES.get(status, "server_error"), "code": code}}


class ApiError(Exception):
    """A request the server answers with ``status`` and :func:`error_body` (``headers`` e.g. Retry-After)."""

    def __init__(self, status: int, message: str, code: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.headers = status, message, code, headers or {}

    def body(self) -> dict:
        return error_body(self.status, self.message, self.code)


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        parts = []
        for part in self.content:
            if part.type != "text" or part.text is None:
                raise ValueError(f"message content of type '{part.type}' is not supported (text only)")
            parts.append(part.text)
        return "".join(parts)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    stop: str | list[str] | None = None
    n: int = Field(default=1, ge=1)
    tools: list[Any] | None = None
    logprobs: bool | None = None

    def stops(self) -> list[str]:
        if self.stop is None:
            return []
        return [s for s in ([self.stop] if isinstance(self.stop, str) else self.stop) if s]


class SummaryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1)
    style: str = "brief"
    free_form: bool = False
    context: int | None = Field(default=None, ge=256)

    @field_validator("style")
    @classmethod
    def _known_style(cls, value: str) -> str:
        if value not in STYLES:
            raise ValueError(f"style must be one of: {', '.join(STYLES)}")
        return value


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1)
    summary: str = Field(min_length=1)
