"""Pre-labeling backends: TF-IDF, image features, Label Studio HTTP protocol, embeddings."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from labeling.prelabel import embeddings
from labeling.prelabel.base import PrelabelInput
from labeling.prelabel.exceptions import PrelabelUnavailable, TransientBackendError
from labeling.prelabel.http_backend import HttpBackend
from labeling.prelabel.image import ImageBackend
from labeling.prelabel.labels import class_of, value_of
from labeling.prelabel.ls_format import label_config
from labeling.prelabel.server_config import ServerConfig
from labeling.prelabel.tfidf import TfidfBackend
from labeling.schema import schema_validate
from tests.factories import SINGLE_SCHEMA

POSITIVE = ["great product, love it", "wonderful and great", "love this, excellent", "excellent value"]
NEGATIVE = ["terrible, broke at once", "awful and bad", "bad quality, terrible", "hate it, awful"]


def http_backend(schema, url):
    return HttpBackend(kind=schema["kind"], schema=schema, config=ServerConfig(url=url), project_key="7")


def texts(values):
    return [PrelabelInput(item_id=i, data={"text": t}, text=t) for i, t in enumerate(values)]


def test_tfidf_backend_predicts_the_class_of_similar_texts_with_scores_and_margins():
    backend = TfidfBackend(kind="single")
    backend.fit(texts(POSITIVE + NEGATIVE), ["positive"] * 4 + ["negative"] * 4)

    good, bad = backend.predict(texts(["great, I love it", "terrible and awful"]))

    assert good.value == {"label": "positive"}
    assert bad.value == {"label": "negative"}
    assert 0.5 < good.score <= 1.0
    assert good.margin == pytest.approx(2 * good.score - 1, abs=1e-5)
    assert set(good.probabilities) == {"positive", "negative"}


def test_tfidf_backend_treats_ratings_as_classes():
    backend = TfidfBackend(kind="rating")
    backend.fit(texts(POSITIVE + NEGATIVE), ["5"] * 4 + ["1"] * 4)

    [suggestion] = backend.predict(texts(["excellent, love it"]))

    assert suggestion.value == {"rating": 5}


def test_class_labels_round_trip_for_single_rating_and_multi_values():
    assert value_of("single", class_of("single", {"label": "a"})) == {"label": "a"}
    assert value_of("rating", class_of("rating", {"rating": 3})) == {"rating": 3}
    assert value_of("multi", class_of("multi", {"labels": ["b", "a"]})) == {"labels": ["a", "b"]}
    assert class_of("spans", {"spans": []}) is None


def make_image(path, colour):
    Image.new("RGB", (24, 16), colour).save(path)
    return str(path)


def test_image_backend_learns_colours_from_tiny_generated_images(tmp_path):
    reds = [make_image(tmp_path / f"r{i}.png", (200 + i * 10, 20, 30)) for i in range(4)]
    blues = [make_image(tmp_path / f"b{i}.png", (10, 30, 200 + i * 10)) for i in range(4)]
    inputs = [PrelabelInput(item_id=i, data={}, image_path=p) for i, p in enumerate(reds + blues)]
    backend = ImageBackend(kind="single")
    backend.fit(inputs, ["red"] * 4 + ["blue"] * 4)

    probe = [
        PrelabelInput(item_id=1, data={}, image_path=make_image(tmp_path / "p.png", (240, 10, 10))),
        PrelabelInput(item_id=2, data={}, image_path=str(tmp_path / "missing.png")),
    ]
    red, missing = backend.predict(probe)

    assert red.value == {"label": "red"}
    assert missing is None


class FakeLabelStudioBackend(BaseHTTPRequestHandler):
    """A tiny ML server speaking Label Studio's protocol: /health, /setup, /predict."""

    requests: list[tuple[str, dict]] = []
    fail_predict_with = 0

    def log_message(self, *args):
        pass

    def _reply(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self.requests.append(("GET " + self.path, {}))
        self._reply(200, {"status": "UP", "model_dir": "models"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append(("POST " + self.path, body))
        if self.path == "/setup":
            self._reply(200, {"model_version": "fake-1"})
            return
        if self.fail_predict_with:
            self._reply(self.fail_predict_with, {"error": "down"})
            return
        results = []
        for task in body["tasks"]:
            label = "negative" if "bad" in task["data"]["text"] else "positive"
            region = {
                "from_name": "label", "to_name": "text", "type": "choices",
                "value": {"choices": [label]},
            }
            results.append({"result": [region], "score": 0.75, "model_version": "fake-1"})
        self._reply(200, {"results": results, "model_version": "fake-1"})


@pytest.fixture
def fake_server():
    FakeLabelStudioBackend.requests = []
    FakeLabelStudioBackend.fail_predict_with = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLabelStudioBackend)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_backend_speaks_the_label_studio_protocol(fake_server):
    schema = schema_validate(SINGLE_SCHEMA)
    backend = http_backend(schema, fake_server)

    assert backend.setup() == "fake-1"
    good, bad = backend.predict(texts(["nice one", "bad one"]))

    assert good.value == {"label": "positive"}
    assert good.score == 0.75
    assert good.margin == 0.625  # three labels: 0.75 - (1 - 0.75) / 2
    assert bad.value == {"label": "negative"}
    paths = [path for path, _ in FakeLabelStudioBackend.requests]
    assert paths == ["GET /health", "POST /setup", "POST /predict"]
    predict_body = FakeLabelStudioBackend.requests[-1][1]
    assert predict_body["tasks"][0] == {"id": 0, "data": {"text": "nice one"}}
    assert '<Choice value="positive"/>' in predict_body["label_config"]


def test_http_backend_drops_values_outside_the_schema(fake_server):
    schema = schema_validate({**SINGLE_SCHEMA, "labels": [{"value": "negative"}, {"value": "x"}]})
    backend = http_backend(schema, fake_server)

    good, bad = backend.predict(texts(["nice one", "bad one"]))

    assert good is None
    assert bad.value == {"label": "negative"}


def test_http_backend_server_errors_are_transient_and_client_errors_are_not(fake_server):
    backend = http_backend(schema_validate(SINGLE_SCHEMA), fake_server)
    FakeLabelStudioBackend.fail_predict_with = 503
    with pytest.raises(TransientBackendError):
        backend.predict(texts(["x"]))
    FakeLabelStudioBackend.fail_predict_with = 400
    with pytest.raises(PrelabelUnavailable):
        backend.predict(texts(["x"]))


def test_http_backend_connection_refused_is_transient():
    backend = http_backend(schema_validate(SINGLE_SCHEMA), "http://127.0.0.1:9")
    with pytest.raises(TransientBackendError):
        backend.setup()


def test_label_config_describes_rating_and_image_box_schemas():
    rating = label_config({"kind": "rating", "data": "text", "scale": {"min": 1, "max": 5}})
    boxes = label_config({"kind": "boxes", "data": "image", "labels": [{"value": "car"}]})

    assert '<Rating name="rating" toName="text" maxRating="5"/>' in rating
    assert '<RectangleLabels name="label" toName="image"><Label value="car"/>' in boxes


@pytest.mark.skipif(not embeddings.available(), reason="embeddings extra not installed")
def test_embeddings_backend_votes_with_neighbours_and_reports_novelty():
    backend = embeddings.EmbeddingsBackend(kind="single")
    backend.fit(texts(POSITIVE + NEGATIVE), ["positive"] * 4 + ["negative"] * 4)

    [suggestion] = backend.predict(texts(["I love it, great"]))

    assert suggestion.value == {"label": "positive"}
    assert 0 <= suggestion.extra["novelty"] <= 2


def test_embeddings_backend_refuses_cleanly_when_the_extra_is_missing(monkeypatch):
    monkeypatch.setattr(embeddings, "available", lambda: False)
    with pytest.raises(PrelabelUnavailable, match="embeddings"):
        embeddings.load_encoder()


def test_tfidf_backend_suggests_label_sets_one_vs_rest_for_multi():
    backend = TfidfBackend(kind="multi")
    train = ["fast delivery", "cheap price", "fast and cheap", "slow delivery", "pricey item", "fast cheap deal"]
    sets = ["speed", "price", "price|speed", "", "", "price|speed"]
    backend.fit(texts(train), sets)

    [both] = backend.predict(texts(["fast and cheap deal"]))

    assert both.value == {"labels": ["price", "speed"]}
    assert set(both.probabilities) == {"price", "speed"}
    assert 0 <= both.margin <= 1
