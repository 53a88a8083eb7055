"""Import and export over REST: roles x status codes, the job lifecycle, streamed downloads."""

from __future__ import annotations

import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from labeling.exceptions import ImportFailed
from labeling.models import Annotation, ImportJob, Item, JobStatus
from labeling.services.imports import import_job_create, import_job_run
from labeling.tasks.imports import run_import_job_task
from tests.factories import AnnotationFactory, ItemFactory
from tests.factories_import import item_line

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jsonl_upload(lines, name="items.jsonl"):
    body = "".join(json.dumps(line) + "\n" for line in lines).encode()
    return SimpleUploadedFile(name, body, content_type="application/octet-stream")


def imports_url(project):
    return f"/api/projects/{project.pk}/imports"


def test_lead_upload_runs_the_job_and_imports(project, lead, api_as, django_capture_on_commit_callbacks):
    upload = jsonl_upload([item_line("a1", alice="positive"), item_line("a2")])

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead).post(imports_url(project), {"file": upload}, format="multipart")

    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == JobStatus.DONE
    assert (job.items_created, job.annotations_created) == (2, 1)
    polled = api_as(lead).get(f"{imports_url(project)}/{job.pk}").json()
    assert polled["status"] == "done"
    assert polled["progress"] == 100
    assert polled["items_created"] == 2
    assert Item.objects.filter(project=project).count() == 2


def test_failed_job_keeps_its_errors_and_imports_nothing(project, lead, api_as, django_capture_on_commit_callbacks):
    upload = jsonl_upload([item_line("a1"), item_line("a1", alice="nope")])

    with django_capture_on_commit_callbacks(execute=True):
        job_id = api_as(lead).post(imports_url(project), {"file": upload}, format="multipart").json()["id"]

    polled = api_as(lead).get(f"{imports_url(project)}/{job_id}").json()
    assert polled["status"] == "failed"
    assert {"line": 2, "message": "duplicate id a1 (it appears earlier in the file)"} in polled["errors"]
    assert Item.objects.count() == 0


@pytest.mark.parametrize(("who", "code"), [("anonymous", 401), ("outsider", 404), ("annotator", 403), ("reviewer", 403)])
def test_only_leads_may_upload(project, lead, reviewer, annotator, outsider, api, api_as, who, code):
    client = api if who == "anonymous" else api_as({"outsider": outsider, "annotator": annotator, "reviewer": reviewer}[who])

    response = client.post(imports_url(project), {"file": jsonl_upload([item_line("a1")])}, format="multipart")

    assert response.status_code == code
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(("who", "code"), [("anonymous", 401), ("outsider", 404), ("annotator", 403), ("reviewer", 403), ("lead", 200)])
def test_only_leads_may_read_a_job(project, lead, reviewer, annotator, outsider, api, api_as, who, code):
    job = ImportJob.objects.create(project=project, original_name="x.jsonl", file="imports/x.jsonl")
    users = {"outsider": outsider, "annotator": annotator, "reviewer": reviewer, "lead": lead}
    client = api if who == "anonymous" else api_as(users[who])

    response = client.get(f"{imports_url(project)}/{job.pk}")

    assert response.status_code == code


def test_a_job_of_another_project_is_not_found(project, lead, api_as):
    other = ImportJob.objects.create(project=ItemFactory().project, original_name="x.jsonl", file="imports/x.jsonl")

    assert api_as(lead).get(f"{imports_url(project)}/{other.pk}").status_code == 404


def test_upload_without_a_file_is_a_clear_400(project, lead, api_as):
    response = api_as(lead).post(imports_url(project), {}, format="multipart")

    assert response.status_code == 400
    assert "multipart field 'file'" in response.json()["detail"]


def test_upload_over_the_size_limit_is_refused(project, lead, api_as, settings):
    settings.ACCORD_MAX_UPLOAD_BYTES = 10

    response = api_as(lead).post(imports_url(project), {"file": jsonl_upload([item_line("a1")])}, format="multipart")

    assert response.status_code == 400
    assert "the limit is 10 bytes" in response.json()["detail"]
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [("items.exe", b"MZ...", "upload a .jsonl"), ("items.zip", b"not a zip", "does not match"), ("items.jsonl", b"PK\x03\x04..", "does not match")],
)
def test_upload_of_the_wrong_type_is_refused(project, lead, name, body, message):
    with pytest.raises(ImportFailed, match=message):
        import_job_create(project=project, upload=SimpleUploadedFile(name, body), user=lead)


def test_running_a_job_twice_changes_nothing(project, lead):
    job = import_job_create(project=project, upload=jsonl_upload([item_line("a1")]), user=lead)

    run_import_job_task.apply(args=[job.pk], throw=True)
    second = import_job_run(job_id=job.pk)

    assert second is None
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE
    assert Item.objects.filter(project=project).count() == 1


def _read_elsewhere(job_id):
    """bytes_done/bytes_total as another connection (a poller) sees them."""
    seen = []

    def read():
        try:
            seen.append(ImportJob.objects.values_list("bytes_done", "bytes_total").get(pk=job_id))
        finally:
            connection.close()

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    return seen[0]


@pytest.mark.django_db(transaction=True)
def test_job_progress_is_visible_to_pollers_while_the_job_runs(project, lead, monkeypatch):
    from labeling.services.import_progress import JobProgress

    monkeypatch.setattr("labeling.importers.parse.checks.PROGRESS_EVERY", 1)
    monkeypatch.setattr("labeling.importers.load.copy_producer.BATCH_ITEMS", 1)
    polled = []
    write = JobProgress.__call__

    def report_then_poll(progress, done, total):
        write(progress, done, total)
        polled.append(_read_elsewhere(progress.job_id))

    monkeypatch.setattr(JobProgress, "__call__", report_then_poll)
    job = import_job_create(project=project, upload=jsonl_upload([item_line(f"a{i}") for i in range(4)]), user=lead)

    import_job_run(job_id=job.pk)

    percents = [done * 100 // total for done, total in polled if total]
    assert percents == sorted(percents)
    assert len(set(percents)) > 1  # SQLite: pass 1 is the first half; PostgreSQL: the one pass
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.bytes_done == job.bytes_total


def test_job_task_arguments_survive_json(project, lead, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("labeling.events.enqueue", lambda name, args: sent.append((name, args)))

    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(project=project, upload=jsonl_upload([item_line("a1")]), user=lead)

    assert sent == [("labeling.run_import_job", [job.pk])]
    assert json.loads(json.dumps(sent[0][1])) == [job.pk]


# Export over REST


@pytest.fixture
def exported(project):
    item = ItemFactory(project=project, external_id="x1")
    AnnotationFactory(item=item, value={"label": "neutral"})
    return project


@pytest.mark.parametrize(("who", "code"), [("anonymous", 401), ("outsider", 404), ("annotator", 403), ("reviewer", 403), ("lead", 200)])
def test_export_is_for_leads_only(exported, lead, reviewer, annotator, outsider, api, api_as, who, code):
    users = {"outsider": outsider, "annotator": annotator, "reviewer": reviewer, "lead": lead}
    client = api if who == "anonymous" else api_as(users[who])

    response = client.get(f"/api/projects/{exported.pk}/export")

    assert response.status_code == code


@pytest.mark.parametrize(("fmt", "content_type"), [("jsonl", "application/x-ndjson"), ("json", "application/json"), ("csv", "text/csv")])
def test_export_streams_a_named_file(exported, lead, api_as, fmt, content_type):
    response = api_as(lead).get(f"/api/projects/{exported.pk}/export?format={fmt}&include=all")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == content_type
    assert f'filename="project-{exported.pk}-all.{fmt}"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert "x1" in body
    assert "neutral" in body


def test_export_with_a_bad_option_is_a_400(exported, lead, api_as):
    response = api_as(lead).get(f"/api/projects/{exported.pk}/export?format=xml")

    assert response.status_code == 400
    assert "format must be one of" in response.json()["detail"]


def test_annotators_cannot_export_peer_labels(exported, annotator, api_as):
    response = api_as(annotator).get(f"/api/projects/{exported.pk}/export")

    assert response.status_code == 403
    assert Annotation.objects.filter(project=exported).exists()


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_progress_cannot_be_written_still_imports(project, lead, monkeypatch, caplog):
    from django.db import DatabaseError

    import labeling.services.import_progress as import_progress

    class Refusing:
        def filter(self, **lookup):
            return self

        def update(self, **values):
            raise DatabaseError("could not obtain lock on row in relation labeling_importjob")

    class NoProgress:  # stands in for ImportJob where progress is written, and only there
        objects = Refusing()

    monkeypatch.setattr(import_progress, "ImportJob", NoProgress)
    monkeypatch.setattr("labeling.importers.parse.checks.PROGRESS_EVERY", 1)
    monkeypatch.setattr("labeling.importers.load.copy_producer.BATCH_ITEMS", 1)
    job = import_job_create(project=project, upload=jsonl_upload([item_line(f"p{i}") for i in range(3)]), user=lead)

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.items_created) == (JobStatus.DONE, 3)
    assert "could not write the progress of import job" in caplog.text
