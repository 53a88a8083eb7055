"""HTTP backend: a model served behind Label Studio's ML backend protocol.

Requests (JSON), as Label Studio sends them: GET /health -> {"status": "UP"}; POST /setup
{"project", "schema" (label config XML), "hostname", "access_token"} -> {"model_version"};
POST /predict {"tasks": [{"id", "data"}], "model_version", "project", "label_config",
"params"} -> {"results": [{"result": [{"from_name", "to_name", "type", "value"}], "score"}]}.
Tasks go in requests of `batch_size`. An image task's data.image is the absolute URL of
Accord's image endpoint; with `hostname` and `access_token` from /setup, a server's
get_local_path downloads it. Results are mapped back to Accord values and validated against
the project's schema; anything that does not fit is dropped (None). Scores and any class
probabilities become the suggestion's score and margin (labeling.prelabel.margins).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx

from labeling.exceptions import ValueInvalid
from labeling.prelabel.base import Backend, PrelabelInput, Suggestion
from labeling.prelabel.exceptions import PrelabelUnavailable, TransientBackendError
from labeling.prelabel.http_client import client_for, server_call
from labeling.prelabel.ls_format import label_config, value_from_results
from labeling.prelabel.margins import margin_of, prediction_probabilities, prediction_score
from labeling.prelabel.server_config import ServerConfig
from labeling.schema import value_validate
from labeling.values import declared_labels


class HttpBackend(Backend):
    """Forward items to a Label Studio compatible ML server; it trains on webhooks, not here."""

    name = "http"
    trainable = False

    def __init__(
        self,
        *,
        kind: str,
        schema: dict[str, Any],
        config: ServerConfig,
        project_key: str,
        image_url: Callable[[int], str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(kind=kind)
        self.schema = schema
        self.config = config
        self.project_key = project_key
        self.image_url = image_url
        self.remote_version = ""
        self._transport = transport

    @property
    def url(self) -> str:
        return self.config.url

    @property
    def batch_size(self) -> int:
        return self.config.batch_size

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return server_call(client_for(self.config, self._transport), method, path, body)

    def fit(self, inputs: Sequence[PrelabelInput], labels: Sequence[str]) -> None:
        """No local training: the server trains on webhook events (labeling.services.model_server_events)."""

    def setup(self, *, hostname: str = "", access_token: str = "") -> str:
        """GET /health then POST /setup; remember and return the server's model version."""
        health = self._call("GET", "/health")
        if str(health.get("status", "UP")).upper() != "UP":
            raise TransientBackendError(f"Model server at {self.url} is not up: {health}")
        answer = self._call(
            "POST",
            "/setup",
            {
                "project": self.project_key,
                "schema": label_config(self.schema),
                "hostname": hostname,
                "access_token": access_token,
            },
        )
        self.remote_version = str(answer.get("model_version") or "unversioned")
        return self.remote_version

    def predict(self, inputs: Sequence[PrelabelInput]) -> list[Suggestion | None]:
        """POST /predict in requests of batch_size tasks; one suggestion per task (None if unusable)."""
        suggestions: list[Suggestion | None] = []
        for start in range(0, len(inputs), self.batch_size):
            suggestions.extend(self._predict_batch(inputs[start : start + self.batch_size]))
        return suggestions

    def _predict_batch(self, inputs: Sequence[PrelabelInput]) -> list[Suggestion | None]:
        body = {
            "tasks": [{"id": entry.item_id, "data": self._task_data(entry)} for entry in inputs],
            "model_version": self.remote_version or None,
            "project": self.project_key,
            "label_config": label_config(self.schema),
            "params": {"login": None, "password": None, "context": None},
        }
        results = self._call("POST", "/predict", body).get("results")
        if not isinstance(results, list) or len(results) != len(inputs):
            count = len(results) if isinstance(results, list) else 0
            raise PrelabelUnavailable(
                f"Model server /predict returned {count} results for {len(inputs)} tasks"
            )
        return [self._suggestion(raw, entry) for raw, entry in zip(results, inputs, strict=True)]

    def _task_data(self, entry: PrelabelInput) -> dict[str, Any]:
        """The item's data; an image item's image is the URL of Accord's image endpoint."""
        data = dict(entry.data)
        if self.schema.get("data") == "image" and self.image_url is not None:
            data["image"] = self.image_url(entry.item_id)
        return data

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
        score = prediction_score(raw)
        probabilities = prediction_probabilities(raw)
        classes = len(declared_labels(self.schema)) or 2
        margin = margin_of(score=score, probabilities=probabilities, classes=classes)
        return Suggestion(value=value, score=score, margin=margin, probabilities=probabilities)
