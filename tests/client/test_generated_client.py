"""A client generated from the OpenAPI document with openapi-python-client imports in full
and runs create project, import, next, submit, agreement and export against a live server
(issue 17).

The generator lives in a virtualenv of its own under the project's (`make install` builds
<venv>/codegen from requirements-codegen.txt: it caps httpx below the version Accord pins).
It reads the schema from a file and runs with every proxy pointed at a closed port, so it
could not download anything without failing; its post-hooks (ruff) are turned off.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import require_service
from tests.live_api import ITEMS, LABELS, SCHEMA

GENERATOR = Path(
    os.environ.get("ACCORD_OPENAPI_CLIENT")
    or Path(sys.prefix) / "codegen" / "bin" / "openapi-python-client"
)
PACKAGE = "accord_api"
CONFIG = "post_hooks: []\ncontent_type_overrides:\n  image/*: application/octet-stream\n"
DEAD_PROXY = "http://127.0.0.1:9"


@pytest.fixture
def generated(tmp_path, monkeypatch):
    """Generate the client into tmp_path and put it on sys.path; drop its modules after."""
    require_service(GENERATOR.exists(), f"openapi-python-client not found at {GENERATOR} (make install)")
    schema, config = tmp_path / "schema.json", tmp_path / "config.yaml"
    call_command("spectacular", "--file", str(schema), "--format", "openapi-json", "--validate")
    config.write_text(CONFIG)
    proxies = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
    env = {**os.environ, **dict.fromkeys(proxies, DEAD_PROXY)}
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    run = subprocess.run(  # noqa: S603 - the venv's own generator, fixed arguments
        [str(GENERATOR), "generate", "--path", str(schema), "--config", str(config),
         "--meta", "none", "--output-path", str(tmp_path / PACKAGE)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(PACKAGE)
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def test_every_generated_module_imports(generated):
    modules = list(pkgutil.walk_packages(generated.__path__, f"{PACKAGE}."))
    failed = []
    for module in modules:
        try:
            importlib.import_module(module.name)
        except Exception as error:  # the failures are the finding
            failed.append(f"{module.name}: {type(error).__name__}: {error}")

    assert len(modules) > 100
    assert failed == []


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_the_generated_client_runs_the_loop(generated, live_world):
    models, types = _module("models"), _module("types")
    projects = "api.projects.projects_"
    token = _module("api.auth.auth_token_create").sync(
        client=generated.Client(live_world.url), body=models.AuthTokenRequest("lead", "pw-secret-123")
    ).token
    lead = generated.AuthenticatedClient(live_world.url, token=token, prefix="Token")

    project = _module(f"{projects}create").sync(
        client=lead, body=models.ProjectCreateRequest(name="Generated", schema=SCHEMA, overlap=2)
    )
    assert isinstance(project, models.Project)
    upload = types.File(payload=io.BytesIO("".join(json.dumps(r) + "\n" for r in ITEMS).encode()),
                        file_name="items.jsonl")  # fmt: skip
    job = _module(f"{projects}imports_create").sync(
        project.id, client=lead, body=models.ImportUploadRequest(file=upload)
    )
    assert isinstance(job, models.ImportJob)
    job = _wait_import(project.id, job.id, lead)
    assert job.items_created == len(ITEMS)
    for name in LABELS:
        _module(f"{projects}members_create").sync(
            project.id, client=lead, body=models.MemberAddRequest(username=name, role=models.RoleEnum.ANNOTATOR)
        )

    for name, key in live_world.tokens.items():
        _label_everything(generated, live_world.url, project.id, name, key)

    report = _module(f"{projects}agreement_retrieve").sync(project.id, client=lead)
    exported = _module(f"{projects}export_retrieve").sync(
        project.id, client=lead, format_=models.ProjectsExportRetrieveFormat.JSON
    )
    assert isinstance(report, models.AgreementReport)
    assert report.items == 4
    assert report.percent_agreement == pytest.approx(0.75)
    assert report.krippendorff_alpha["nominal"] is not None
    assert sorted(row["id"] for row in exported) == [row["id"] for row in ITEMS]


def _wait_import(project_id: int, job_id: int, lead):
    retrieve = _module("api.projects.projects_imports_retrieve")
    deadline = time.monotonic() + 60
    while (job := retrieve.sync(project_id, job_id, client=lead)).status.value not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job.status.value == "done", job.errors
    return job


def _label_everything(generated, url: str, project_id: int, username: str, key: str) -> None:
    """One annotator: next (a typed NextResponse) and submit until next answers 204."""
    models = _module("models")
    client = generated.AuthenticatedClient(url, token=key, prefix="Token")
    next_item = _module("api.projects.projects_next_create")
    submit = _module("api.assignments.assignments_submit_create")
    while True:
        response = next_item.sync_detailed(project_id, client=client, body=models.NextRequest())
        if response.status_code == 204:
            return
        work = response.parsed
        assert isinstance(work, models.NextResponse), response.content
        label = LABELS[username][work.item.external_id]
        done = submit.sync(work.assignment.id, client=client,
                           body=models.SubmitRequest(value={"label": label}, lead_time_ms=900))  # fmt: skip
        assert isinstance(done, models.SubmitResponse)
        assert done.annotation.value == {"label": label}
