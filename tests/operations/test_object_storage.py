"""Files live in the media storage, here an S3 bucket on a loopback moto server (issue 18).

Every test runs with MEDIA_ROOT pointed at an empty folder and checks it stays empty: the
upload, the imported images and the fitted models are in the bucket, and a "worker" whose
MEDIA_ROOT is another empty folder still imports the upload and loads the model.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from labeling.models import Item, JobStatus, Membership, Prediction, Role
from labeling.prelabel import storage as model_storage
from labeling.prelabel.base import PrelabelInput
from labeling.prelabel.image import entry_features
from labeling.services import prelabel as prelabel_service
from labeling.services.imports import import_job_create, import_job_run
from labeling.tasks.prelabel import run_prelabel_job_task
from tests.factories import ProjectFactory, UserFactory
from tests.factories_import import item_line
from tests.factories_prelabel import labeled_items, unlabeled_items
from tests.operations.conftest import bucket_keys

pytestmark = pytest.mark.django_db

IMAGE_SCHEMA = {"kind": "single", "data": "image", "labels": [{"value": "red"}, {"value": "blue"}]}


def png(colour=(200, 10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def files_under(folder) -> list[str]:
    return sorted(str(path) for path in folder.rglob("*") if path.is_file())


def as_worker(settings, tmp_path, name: str):
    """Switch MEDIA_ROOT to another empty folder, as on a second machine."""
    media = tmp_path / name
    media.mkdir()
    settings.MEDIA_ROOT = media
    return media


def test_an_upload_in_the_bucket_is_imported_by_a_worker_with_an_empty_media_root(
    s3_storage, settings, tmp_path, project, lead
):
    client, bucket, web_media = s3_storage
    body = "".join(json.dumps(item_line(f"a{i}", alice="positive")) + "\n" for i in range(3))
    job = import_job_create(project=project, upload=SimpleUploadedFile("items.jsonl", body.encode()), user=lead)
    worker_media = as_worker(settings, tmp_path, "worker-media")

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.items_created, job.errors) == (JobStatus.DONE, 3, [])
    assert bucket_keys(client, bucket) == [job.file.name]
    assert job.file.name.startswith("imports/")
    assert files_under(web_media) == files_under(worker_media) == []


def test_a_zip_of_images_is_unpacked_into_the_bucket_by_the_worker(s3_storage, settings, tmp_path, lead):
    client, bucket, web_media = s3_storage
    project = ProjectFactory(schema=IMAGE_SCHEMA)
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.png", png())
        zipped.writestr("b.png", png((10, 10, 200)))
    job = import_job_create(project=project, upload=SimpleUploadedFile("photos.zip", archive.getvalue()), user=lead)
    worker_media = as_worker(settings, tmp_path, "worker-media")

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.items_created) == (JobStatus.DONE, 2), job.errors
    images = [key for key in bucket_keys(client, bucket) if key.startswith(f"projects/{project.pk}/images/")]
    assert sorted(images) == sorted(Item.objects.filter(project=project).values_list("image", flat=True))
    assert len(images) == 2
    assert files_under(web_media) == files_under(worker_media) == []


def test_an_item_image_is_streamed_from_the_bucket_with_its_security_headers(s3_storage, project, api_as, reviewer):
    stored = default_storage.save(f"projects/{project.pk}/images/x.png", ContentFile(png() + b"<html>"))
    item = Item.objects.create(project=project, external_id="img", data={"image": "x.png"}, image=stored)

    response = api_as(reviewer).get(f"/api/projects/{project.pk}/items/{item.pk}/image")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png() + b"<html>"
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_an_outsider_gets_no_image_from_the_bucket(s3_storage, project, api_as):
    stored = default_storage.save(f"projects/{project.pk}/images/x.png", ContentFile(png()))
    item = Item.objects.create(project=project, external_id="img", data={}, image=stored)

    response = api_as(UserFactory(username="stranger")).get(f"/api/projects/{project.pk}/items/{item.pk}/image")

    assert response.status_code == 404


def test_a_model_trained_by_one_worker_is_loaded_from_the_bucket_by_another(
    s3_storage, settings, tmp_path, project, lead
):
    client, bucket, web_media = s3_storage
    labeled_items(project)
    items = unlabeled_items(project, 6)
    job = prelabel_service.prelabel_job_create(project=project, user=lead)
    run_prelabel_job_task(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    model_keys = [key for key in bucket_keys(client, bucket) if key.startswith(f"models/{project.pk}/")]
    assert model_keys == [model_storage.model_name(project.pk, job.model_version)]

    model_storage._cache.clear()  # a fresh worker process: nothing cached
    worker_media = as_worker(settings, tmp_path, "worker-media")
    loaded = model_storage.model_load(project_id=project.pk, version=job.model_version)

    assert loaded is not None
    assert Prediction.objects.filter(item__in=items).count() == len(items)
    assert files_under(web_media) == files_under(worker_media) == []


def test_an_image_backend_reads_item_images_through_the_storage(s3_storage):
    stored = default_storage.save("projects/1/images/r.png", ContentFile(png()))

    features = entry_features(PrelabelInput(item_id=1, data={}, image_name=stored))
    missing = entry_features(PrelabelInput(item_id=2, data={}, image_name="projects/1/images/gone.png"))

    assert features is not None
    assert missing is None
