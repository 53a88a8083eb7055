"""HTTP backend: a model served behind Label Studio's ML backend protocol.

Requests (JSON): GET /health -> {"status": "UP"}; POST /setup {"project", "schema" (label config
XML)} -> {"model_version"}; POST /predict {"tasks": [{"id", "data"}], "label_config", "project",
"params"} -> {"results": [{"result": [{"from_name", "to_name", "type", "value"}], "score"}]}.
Results are mapped back to Accord values and validated against the project's schema; anything
that does not fit is dropped (None). Connection errors, timeouts and 5xx are transient.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from labeling.exceptions import ValueInvalid
from labeling.prelabel.base import Backend, PrelabelInput, Suggestion
from labeling.prelabel.exceptions import PrelabelUnavailable, TransientBackendError
from labeling.prelabel.ls_format import label_config, value_from_results
from labeling.schema import value_validate

TIMEOUT_SECONDS = 30


class HttpBackend(Backend):
    """Forward items to a Label Studio compatible ML server; it is not trained here."""

    name = "http"
    trainable = False

    def __init__(self, *, kind: str, schema: dict[str, Any], url: str, project_id: int) -> None:
        super().__init__(kind=kind)
        self.schema = schema
        self.url = url.rstrip("/")
        self.project_key = str(project_id)
        self.remote_version = ""

    def fit(self, inputs: Sequence[PrelabelInput], labels: Sequence[str]) -> None:
        """No local training: check the server is up and learn its model version."""
        self.setup()

    def setup(self) -> str:
        """GET /health then POST /setup; remember and return the server's model version."""
        health = self._call("GET", "/health", None)
        if str(health.get("status", "UP")).upper() != "UP":
            raise TransientBackendError(f"ML backend at {self.url} is not up: {health}")
        answer = self._call(
            "POST", "/setup", {"project": self.project_key, "schema": label_config(self.schema)}
        )
        self.remote_version = str(answer.get("model_version") or "unversioned")
        return self.remote_version

    def predict(self, inputs: Sequence[PrelabelInput]) -> list[Suggestion | None]:
        """POST /predict with the items as tasks; one suggestion per task (None if unusable)."""
        if not inputs:
            return []
        body = {
            "tasks": [{"id": entry.item_id, "data": entry.data} for entry in inputs],
            "label_config": label_config(self.schema),
            "project": self.project_key,
            "params": {"context": None},
        }
        results = self._call("POST", "/predict", body).get("results") or []
        if len(results) != len(inputs):
            raise PrelabelUnavailable(
                f"ML backend returned {len(results)} results for {len(inputs)} tasks"
            )
        return [self._suggestion(raw, entry) for raw, entry in zip(results, inputs, strict=True)]

    def _suggestion(self, raw: object, entry: PrelabelInput) -> Suggestion | None:
        if not isinstance(raw, dict):
            return None
        value = value_from_results(self.kind, raw.get("result") or [], entry)
        if value is None:
            return None
        try:
            value = value_validate(self.schema, value, text=entry.text or None)
        except ValueInvalid:
            return None
        score = raw.get("score")
        score = float(score) if isinstance(score, int | float) else None
        return Suggestion(value=value, score=score, margin=None)

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the URL is a lead's http(s) setting
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                raise TransientBackendError(f"ML backend {path}: HTTP {error.code}") from error
            raise PrelabelUnavailable(f"ML backend {path}: HTTP {error.code}") from error
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            raise TransientBackendError(f"ML backend {path}: {error}") from error
        except json.JSONDecodeError as error:
            raise PrelabelUnavailable(f"ML backend {path}: the answer is not JSON") from error
        return payload if isinstance(payload, dict) else {}
