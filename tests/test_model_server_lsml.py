"""Accord against the REAL label-studio-ml server (label-studio-ml 1.0.9 in .venv-lsml, `make
lsml`), run as a subprocess on a loopback port with a tiny model class written here: predict
end to end, training from annotation and START_TRAINING webhooks, a 500 failing the job, and
images downloaded through Accord's image endpoint with the token given at /setup."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from labeling.models import JobStatus, ModelServerEvent, Prediction, Role
from labeling.services import annotation_submit
from labeling.services.model_server import model_server_settings_update
from labeling.services.prelabel import prelabel_job_start
from tests.conftest import require_service
from tests.factories import (
    AssignmentFactory,
    ItemFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)
from tests.factories_model_server import worker_retries  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("worker_retries")
ROOT = Path(__file__).resolve().parents[1]
LSML_PYTHON = Path(os.environ.get("ACCORD_LSML_PYTHON") or ROOT / ".venv-lsml" / "bin" / "python")

MODEL = '''
import json, os
from label_studio_ml.model import LabelStudioMLBase

def log(entry):
    with open(os.environ["TINY_LOG"], "a") as out:
        out.write(json.dumps(entry) + "\\n")

class TinyModel(LabelStudioMLBase):
    # label-studio-ml 1.0.9 fits on annotation events only; newer versions add START_TRAINING.
    TRAIN_EVENTS = LabelStudioMLBase.TRAIN_EVENTS + ("START_TRAINING",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.hostname:
            log({"setup": self.hostname, "token": len(self.access_token)})

    def predict(self, tasks, **kwargs):
        if os.path.exists(os.environ["TINY_FAIL"]):
            raise RuntimeError("tiny model is broken today")
        return [self._one(task["data"]) for task in tasks]

    def _one(self, data):
        if "image" in data:
            from PIL import Image
            with Image.open(self.get_local_path(data["image"])) as image:
                label = "wide" if image.width > image.height else "tall"
            return {"result": [{"from_name": "label", "to_name": "image", "type": "choices",
                                "value": {"choices": [label]}}], "score": 0.8}
        label, score = ("negative", 0.6) if "awful" in data["text"] else ("positive", 0.9)
        return {"result": [{"from_name": "label", "to_name": "text", "type": "choices",
                            "value": {"choices": [label]}}], "score": score}

    def fit(self, tasks, workdir=None, **kwargs):
        log({"fit": kwargs.get("event"), "data": kwargs.get("data")})
        return {"fitted": kwargs.get("event")}
'''

SERVE = """
import sys
from label_studio_ml.api import init_app
from model import TinyModel

app = init_app(model_class=TinyModel, model_dir=sys.argv[2])
app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=False, use_reloader=False)
"""


@dataclass
class LsmlServer:
    url: str
    folder: Path

    def log(self) -> list[dict]:
        path = self.folder / "log.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def wait_for_fit(self, event: str, seconds: float = 30) -> dict:
        """The data the model's fit() received for `event` (fit runs in a child process)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for entry in self.log():
                if entry.get("fit") == event:
                    return entry["data"]
            time.sleep(0.2)
        raise AssertionError(f"fit() never saw {event}; log: {self.log()}")


def png_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _lsml_installed() -> bool:
    if not LSML_PYTHON.exists():
        return False
    check = subprocess.run(  # noqa: S603 - our own interpreter path
        [str(LSML_PYTHON), "-c", "import label_studio_ml.api"], capture_output=True, timeout=60
    )
    return check.returncode == 0


@pytest.fixture(scope="module")
def lsml(tmp_path_factory):
    require_service(_lsml_installed(), f"label-studio-ml is not installed at {LSML_PYTHON} (run make lsml)")
    folder = tmp_path_factory.mktemp("lsml")
    (folder / "model.py").write_text(MODEL)
    (folder / "serve.py").write_text(SERVE)
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(folder), "TINY_LOG": str(folder / "log.jsonl"),
        "TINY_FAIL": str(folder / "fail"), "XDG_CACHE_HOME": str(folder / "cache"),
    }  # fmt: skip
    output = (folder / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our script
        [str(LSML_PYTHON), "serve.py", str(port), str(folder / "models")],
        cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"label-studio-ml did not start: {(folder / 'server.log').read_text()[-2000:]}")
        time.sleep(0.3)
    yield LsmlServer(url=url, folder=folder)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    output.close()


@pytest.fixture
def served(project, lead, lsml):
    return model_server_settings_update(project=project, actor=lead, changes={"url": lsml.url, "batch_size": 2})


def _start(project, user, capture):
    with capture(execute=True):
        job = prelabel_job_start(project=project, user=user, backend="http")
    job.refresh_from_db()
    return job


def test_a_real_server_prelabels_with_margins(served, lead, lsml, settings, django_capture_on_commit_callbacks):
    texts = ["love it", "awful thing", "great", "awful again", "fine"]
    items = [ItemFactory(project=served, data={"text": text}) for text in texts]

    job = _start(served, lead, django_capture_on_commit_callbacks)

    assert job.status == JobStatus.DONE, job.error
    assert (job.done, job.total) == (5, 5)
    rows = {p.item_id: p for p in Prediction.objects.filter(project=served)}
    assert [rows[i.pk].value["label"] for i in items] == ["positive", "negative", "positive", "negative", "positive"]
    # Three labels: margin = score - (1 - score) / 2; the unsure "awful" items sort first.
    assert {rows[i.pk].margin for i in items} == {0.85, 0.4}
    # /setup gave the model Accord's address and a 40-character token (get_local_path uses them).
    assert {"setup": settings.ACCORD_PUBLIC_URL, "token": 40} in lsml.log()


def test_a_real_server_answering_500_fails_the_job_with_its_message(
    served, lead, lsml, django_capture_on_commit_callbacks
):
    ItemFactory(project=served, data={"text": "anything"})
    (lsml.folder / "fail").touch()
    try:
        job = _start(served, lead, django_capture_on_commit_callbacks)
    finally:
        (lsml.folder / "fail").unlink()

    assert job.status == JobStatus.FAILED
    assert "HTTP 500: RuntimeError: tiny model is broken today" in job.error


def test_an_annotation_reaches_the_real_servers_fit(
    served, annotator, lsml, django_capture_on_commit_callbacks
):
    item = ItemFactory(project=served, data={"text": "awful but honest"})
    assignment = AssignmentFactory(item=item, annotator=annotator)
    with django_capture_on_commit_callbacks(execute=True):
        annotation = annotation_submit(assignment_id=assignment.pk, user=annotator, value={"label": "negative"})

    data = lsml.wait_for_fit("ANNOTATION_CREATED")
    assert data["annotation"]["id"] == annotation.pk
    assert data["annotation"]["result"][0]["value"] == {"choices": ["negative"]}
    assert data["task"] == {**data["task"], "id": item.pk, "data": {"text": "awful but honest"}}
    event = ModelServerEvent.objects.get(project=served, annotation_id=annotation.pk)
    assert (event.action, event.status) == ("ANNOTATION_CREATED", "sent")


def test_the_train_button_reaches_the_real_servers_fit(
    client, served, lead, lsml, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("prelabel-train", args=[served.pk]))

    assert response.status_code == 302
    data = lsml.wait_for_fit("START_TRAINING")
    assert data["project"]["id"] == served.pk
    assert "<Choices" in data["project"]["label_config"]
    page = client.get(reverse("prelabel", args=[served.pk])).content.decode()
    assert "START_TRAINING" in page
    assert 'data-status="sent"' in page


@pytest.mark.django_db(transaction=True)
def test_a_real_server_downloads_images_with_the_setup_token(
    live_server, lsml, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACCORD_PUBLIC_URL = live_server.url
    project = ProjectFactory(
        schema={"kind": "single", "data": "image", "labels": [{"value": "wide"}, {"value": "tall"}],
                "settings": {"overlap": 1}},
    )  # fmt: skip
    lead = MembershipFactory(project=project, user=UserFactory(username="imglead"), role=Role.LEAD).user
    model_server_settings_update(project=project, actor=lead, changes={"url": lsml.url})
    project.refresh_from_db()
    items = []
    for width, height in ((8, 3), (3, 8)):
        item = ItemFactory(project=project, data={"image": f"{width}x{height}.png"}, width=width, height=height)
        item.image.save(f"{width}x{height}.png", ContentFile(png_bytes(width, height)))
        items.append(item)

    job = prelabel_job_start(project=project, user=lead, backend="http")  # runs at commit
    job.refresh_from_db()

    assert job.status == JobStatus.DONE, job.error
    labels = [Prediction.objects.get(item=item).value["label"] for item in items]
    assert labels == ["wide", "tall"]
