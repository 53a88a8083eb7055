"""HTTP to a model server: one pooled httpx client per server configuration and process.

Errors are sorted for the tasks' retry rules: connection errors, timeouts and HTTP 5xx are
TransientBackendError (retried with backoff; the job fails once the retries run out), HTTP 4xx
and answers that are not JSON are PrelabelUnavailable (the job fails at once). Either way the
message carries the server's own words (its JSON "detail", "error" or "message", else the start
of its body), so the lead reads why on the pre-label page and in the jobs API.
"""

from __future__ import annotations

import hashlib
import re
import threading
from typing import Any

import httpx

from labeling.prelabel.exceptions import PrelabelUnavailable, TransientBackendError
from labeling.prelabel.server_config import ServerConfig

CONNECT_TIMEOUT = 10.0
CONNECT_RETRIES = 2  # connection attempts retried by the transport, as Label Studio's adapter does
MAX_MESSAGE = 500
USER_AGENT = "accord-model-server-client"
_MAX_CLIENTS = 32
_clients: dict[str, httpx.Client] = {}
_lock = threading.Lock()
_TAGS = re.compile(r"<[^>]+>")


def _key(config: ServerConfig) -> str:
    raw = "\0".join([config.url, config.auth, config.username, config.secret, str(config.timeout)])
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_client(config: ServerConfig, transport: httpx.BaseTransport | None) -> httpx.Client:
    basic = config.basic()
    return httpx.Client(
        base_url=config.url,
        auth=httpx.BasicAuth(*basic) if basic else None,
        headers={"User-Agent": USER_AGENT, **config.headers()},
        timeout=httpx.Timeout(config.timeout, connect=min(CONNECT_TIMEOUT, config.timeout)),
        transport=transport or httpx.HTTPTransport(retries=CONNECT_RETRIES),
        follow_redirects=False,
    )


def client_for(config: ServerConfig, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The pooled client of this configuration (a test transport gets a client of its own)."""
    if transport is not None:
        return _new_client(config, transport)
    key = _key(config)
    with _lock:
        client = _clients.get(key)
        if client is None:
            if len(_clients) >= _MAX_CLIENTS:
                _clients.pop(next(iter(_clients))).close()
            client = _clients[key] = _new_client(config, None)
        return client


def server_call(
    client: httpx.Client, method: str, path: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Send one request and return its JSON object ({} for another JSON value)."""
    try:
        response = client.request(method, path, json=body)
    except httpx.TimeoutException as error:
        raise TransientBackendError(
            f"Model server {path}: no answer within {client.timeout.read:g} s"
        ) from error
    except httpx.TransportError as error:
        raise TransientBackendError(f"Model server {path}: {error or error.__class__.__name__}") from error
    if response.status_code >= 400:
        message = f"Model server {path}: HTTP {response.status_code}: {error_text(response)}"
        if response.status_code >= 500:
            raise TransientBackendError(message)
        raise PrelabelUnavailable(message)
    try:
        payload = response.json() if response.content else {}
    except ValueError as error:
        raise PrelabelUnavailable(f"Model server {path}: the answer is not JSON") from error
    return payload if isinstance(payload, dict) else {"value": payload}


def error_text(response: httpx.Response) -> str:
    """The server's explanation of an error answer, shortened to MAX_MESSAGE characters."""
    text = ""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        for key in ("detail", "error", "message", "msg"):
            if isinstance(payload.get(key), str) and payload[key].strip():
                text = payload[key]
                break
    elif isinstance(payload, str):
        text = payload
    if not text:
        text = _TAGS.sub(" ", response.text)
    text = " ".join(text.split()) or response.reason_phrase or "no message"
    return text[:MAX_MESSAGE]
