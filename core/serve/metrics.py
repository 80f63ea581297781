"""``GET /metrics`` in the Prometheus text format (``prometheus_client``, one registry per server).

Counts and timings only: never a note, a summary or a token of text.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self, waiting, busy):
        """``waiting()`` and ``busy()`` read the queue when the metrics are scraped."""
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.queue_length = Gauge("chartbrief_queue_length", "Requests waiting for the model", registry=r)
        self.queue_length.set_function(lambda: float(waiting()))
        self.busy = Gauge("chartbrief_model_busy", "1 while the model runs a request", registry=r)
        self.busy.set_function(lambda: 1.0 if busy() else 0.0)
        self.requests = Counter("chartbrief_requests", "HTTP requests by endpoint and status",
                                ["endpoint", "status"], registry=r)
        self.rejected = Counter("chartbrief_queue_rejected", "Requests refused because the queue was full",
                                registry=r)
        self.cancelled = Counter("chartbrief_generations_cancelled",
                                 "Generations stopped because the client went away", registry=r)
        self.tokens = Counter("chartbrief_generated_tokens", "Tokens the model generated", registry=r)
        self.tokens_per_s = Gauge("chartbrief_tokens_per_second",
                                  "Generation speed of the last chat completion", registry=r)
        self.job_seconds = Histogram("chartbrief_job_seconds", "Time a request held the model, by kind",
                                     ["kind"], registry=r,
                                     buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))

    def observe_generation(self, tokens: int, seconds: float) -> None:
        self.tokens.inc(tokens)
        if tokens > 1 and seconds > 0:
            self.tokens_per_s.set(round(tokens / seconds, 3))

    def render(self) -> bytes:
        return generate_latest(self.registry)
