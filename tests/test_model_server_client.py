"""The model server client against a fake server (httpx MockTransport): auth headers, timeout,
batch size, error messages, margins; and the settings validator. No database, no sockets."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from labeling.exceptions import SchemaError
from labeling.prelabel.base import PrelabelInput
from labeling.prelabel.exceptions import PrelabelUnavailable, TransientBackendError
from labeling.prelabel.http_backend import HttpBackend
from labeling.prelabel.http_client import client_for
from labeling.prelabel.margins import margin_of, prediction_probabilities, prediction_score
from labeling.prelabel.server_config import ServerConfig, server_settings_validate
from labeling.schema import schema_validate
from tests.factories import SINGLE_SCHEMA

SCHEMA = schema_validate(SINGLE_SCHEMA)


class FakeServer:
    """Records requests; answers /predict with one "positive" result per task."""

    def __init__(self, *, status: int = 200, body: object = None, delay_error: Exception | None = None):
        self.requests: list[httpx.Request] = []
        self.status, self.body, self.error = status, body, delay_error

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        if self.status != 200:
            return httpx.Response(self.status, json=self.body) if not isinstance(self.body, str) else (
                httpx.Response(self.status, text=self.body)
            )
        if request.url.path == "/health":
            return httpx.Response(200, json={"status": "UP"})
        if request.url.path == "/setup":
            return httpx.Response(200, json={"model_version": "v7"})
        tasks = json.loads(request.content)["tasks"]
        region = {"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["positive"]}}
        return httpx.Response(200, json={"results": [{"result": [region], "score": 0.8} for _ in tasks]})


def backend(server: FakeServer, **config: object) -> HttpBackend:
    settings = {"url": "http://models.test:9090", **config}
    return HttpBackend(
        kind="single", schema=SCHEMA, config=ServerConfig(**settings), project_key="3.1700000000",  # type: ignore[arg-type]
        transport=httpx.MockTransport(server),
    )


def inputs(count: int) -> list[PrelabelInput]:
    return [PrelabelInput(item_id=i, data={"text": f"text {i}"}, text=f"text {i}") for i in range(count)]


def test_basic_auth_sends_the_user_and_password_on_every_request():
    server = FakeServer()
    model = backend(server, auth="basic", username="ml", secret="s3cret:pw")

    model.setup(hostname="https://accord.test", access_token="tok")
    model.predict(inputs(1))

    expected = "Basic " + base64.b64encode(b"ml:s3cret:pw").decode()
    assert [r.headers["Authorization"] for r in server.requests] == [expected] * 3


def test_bearer_auth_sends_the_token_and_no_auth_sends_nothing():
    server = FakeServer()
    backend(server, auth="bearer", secret="abc.def").predict(inputs(1))
    plain = FakeServer()
    backend(plain).predict(inputs(1))

    assert server.requests[0].headers["Authorization"] == "Bearer abc.def"
    assert "Authorization" not in plain.requests[0].headers


def test_setup_sends_what_label_studio_sends():
    server = FakeServer()
    version = backend(server).setup(hostname="https://accord.test", access_token="tok123")

    body = json.loads(server.requests[1].content)
    assert version == "v7"
    assert body["project"] == "3.1700000000"
    assert body["hostname"] == "https://accord.test"
    assert body["access_token"] == "tok123"
    assert body["schema"].startswith("<View>")


def test_predict_sends_tasks_in_requests_of_batch_size():
    server = FakeServer()
    suggestions = backend(server, batch_size=3).predict(inputs(7))

    sizes = [len(json.loads(r.content)["tasks"]) for r in server.requests]
    assert sizes == [3, 3, 1]
    assert len(suggestions) == 7
    assert all(s is not None for s in suggestions)
    assert {s.value["label"] for s in suggestions} == {"positive"}


def test_the_timeout_setting_reaches_the_client():
    client = client_for(ServerConfig(url="http://models.test", timeout=7.5), httpx.MockTransport(FakeServer()))
    assert client.timeout.read == 7.5
    assert client_for(ServerConfig(url="http://models.test")).timeout.read == 100.0


def test_a_timeout_is_transient_and_says_how_long_it_waited():
    server = FakeServer(delay_error=httpx.ReadTimeout("slow"))
    with pytest.raises(TransientBackendError, match="no answer within 12 s"):
        backend(server, timeout=12).predict(inputs(1))


def test_a_5xx_is_transient_and_carries_the_servers_message():
    server = FakeServer(status=500, body={"status": 500, "detail": "RuntimeError: model file missing"})
    with pytest.raises(TransientBackendError, match="HTTP 500: RuntimeError: model file missing"):
        backend(server).predict(inputs(1))


def test_a_4xx_is_permanent_and_an_html_body_is_read_as_text():
    server = FakeServer(status=401, body="<html><body><h1>Unauthorized</h1> bad password</body></html>")
    with pytest.raises(PrelabelUnavailable, match=r"HTTP 401: Unauthorized bad password"):
        backend(server).setup()


def test_too_few_results_fail_the_batch():
    def short(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"results": []})

    model = HttpBackend(
        kind="single", schema=SCHEMA, config=ServerConfig(url="http://m.test"), project_key="1",
        transport=httpx.MockTransport(short),
    )
    with pytest.raises(PrelabelUnavailable, match="0 results for 2 tasks"):
        model.predict(inputs(2))


def test_image_tasks_name_accords_image_endpoint():
    server = FakeServer()
    schema = schema_validate({**SINGLE_SCHEMA, "data": "image"})
    model = HttpBackend(
        kind="single", schema=schema, config=ServerConfig(url="http://m.test"), project_key="1",
        image_url=lambda item_id: f"https://accord.test/api/projects/1/items/{item_id}/image",
        transport=httpx.MockTransport(server),
    )
    model.predict([PrelabelInput(item_id=5, data={"image": "photos/5.jpg"})])

    task = json.loads(server.requests[0].content)["tasks"][0]
    assert task == {"id": 5, "data": {"image": "https://accord.test/api/projects/1/items/5/image"}}


def test_margins_come_from_probabilities_else_from_the_score():
    with_probs = {"result": [{"value": {"choices": ["a"], "probabilities": {"a": 0.5, "b": 0.3, "c": 0.2}}}]}
    assert prediction_probabilities(with_probs) == {"a": 0.5, "b": 0.3, "c": 0.2}
    assert margin_of(score=0.5, probabilities=prediction_probabilities(with_probs), classes=3) == 0.2
    assert margin_of(score=0.9, probabilities={}, classes=2) == 0.8
    assert margin_of(score=0.3, probabilities={}, classes=2) == 0.0
    assert margin_of(score=None, probabilities={}, classes=2) is None
    # A region score stands in when the prediction has none (the least sure region counts).
    assert prediction_score({"result": [{"score": 0.9}, {"score": 0.7}]}) == 0.7
    # Ordering: a less sure prediction always gets a smaller margin.
    margins = [margin_of(score=s, probabilities={}, classes=3) for s in (0.4, 0.6, 0.8, 0.95)]
    assert margins == sorted(margins)
    assert len(set(margins)) == 4


def test_settings_validation_names_each_bad_field():
    with pytest.raises(SchemaError) as caught:
        server_settings_validate(
            {"url": "ftp://x", "auth": "basic", "timeout": 0, "batch_size": 2.5}, {}, secret_set=False
        )
    fields = caught.value.details["fields"]
    assert set(fields) == {"url", "timeout", "batch_size", "username", "password"}
    assert caught.value.details["field"] == "url"


def test_settings_validation_keeps_a_stored_secret_and_clears_it_for_no_auth():
    public, secret = server_settings_validate(
        {"url": "http://m.test/"}, {"auth": "bearer"}, secret_set=True
    )
    assert (public["url"], public["auth"], public["timeout"], public["batch_size"]) == (
        "http://m.test", "bearer", 100.0, 50,
    )
    assert secret is None  # unchanged
    public, secret = server_settings_validate({"auth": "none"}, public, secret_set=True)
    assert secret == ""  # switching auth off drops the stored token
    with pytest.raises(SchemaError, match="credentials"):
        server_settings_validate({"url": "http://u:p@m.test"}, {}, secret_set=False)


def test_changing_the_auth_kind_needs_the_new_kinds_secret():
    current = {"url": "http://m.test", "auth": "basic", "username": "ml"}
    with pytest.raises(SchemaError, match="Bearer auth needs a token"):
        server_settings_validate({"auth": "bearer"}, current, secret_set=True)
    public, secret = server_settings_validate({"auth": "bearer", "token": "t"}, current, secret_set=True)
    assert (public["auth"], secret) == ("bearer", "t")
