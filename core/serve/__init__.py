"""``chartbrief serve``: a local HTTP API on the same core as the window and the command line.

OpenAI-compatible chat completions and model list, ``/v1/summaries`` and ``/v1/check``, ``/healthz`` and
``/metrics``; one model in memory behind a bounded first-come-first-served queue; loopback only unless
told otherwise, and then only with a bearer token. Modules: ``app`` (routes), ``queue``, ``auth``
(token, where it may listen), ``middleware`` (401/413), ``chat`` (messages → generation), ``schemas``
(request bodies, the error shape), ``metrics``, ``options``, ``server`` (uvicorn, socket, TLS).
"""
