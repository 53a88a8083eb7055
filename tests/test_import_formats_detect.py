"""Formats are told from the file (or chosen), image URLs need an allowed host, errors name the format."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from labeling.exceptions import ImportFailed, SchemaError
from labeling.importers.parse.stream import format_detect
from labeling.models import ImportJob, Item, JobStatus
from labeling.schema import schema_validate
from labeling.services.imports import import_file
from tests.factories import ItemFactory, ProjectFactory
from tests.factories_formats import schema, stored_annotations, write_json, write_lines
from tests.factories_settings import setting_post_defaults

pytestmark = pytest.mark.django_db

DETECTED = {
    "accord.jsonl": ('{"id": "a", "data": {"text": "x"}}\n', "jsonl"),
    "doccano.jsonl": ('{"id": 1, "text": "x", "label": ["a"]}\n', "doccano"),
    "prodigy.jsonl": ('{"text": "x", "_input_hash": 1, "_task_hash": 2, "answer": "accept"}\n', "prodigy"),
    "accord.json": ('[{"id": "a", "data": {"text": "x"}, "annotations": [{"annotator": "al", "value": {}}]}]', "json"),
    "ls.json": ('[{"id": 1, "data": {"text": "x"}, "annotations": [{"result": []}]}]', "label_studio"),
    "ls-bare.json": ('[{"id": 1, "data": {"text": "x"}, "annotations": [], "inner_id": 1, "total_annotations": 0}]', "label_studio"),
    "min.json": ('[{"id": 1, "text": "x", "sentiment": "a", "annotator": "al"}]', "label_studio_min"),
    "coco.json": ('{"images": [], "annotations": [], "categories": []}', "coco"),
    "accord.csv": ("id,text,annotator,label\n", "csv"),
    "ls.csv": ("annotation_id,annotator,id,sentiment,text\n", "label_studio_csv"),
    "tagged.txt": ("EU B-ORG\nrejects O\n", "conll"),
    "train.conll": ("EU B-ORG\n", "conll"),
}


@pytest.mark.parametrize("name", sorted(DETECTED))
def test_each_format_is_told_from_the_file(tmp_path, name):
    content, expected = DETECTED[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    assert format_detect(path) == expected


def test_an_explicit_format_wins_over_detection(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text('{"id": 1, "text": "x", "label": ["a"]}\n', encoding="utf-8")

    assert format_detect(path, "prodigy") == "prodigy"


def test_a_text_file_that_is_not_conll_is_refused_at_detection(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n", encoding="utf-8")

    with pytest.raises(ImportFailed, match=r"Cannot tell the format of notes\.txt"):
        format_detect(path)


def test_image_url_on_a_host_the_project_does_not_allow_is_refused_and_nothing_imported(tmp_path):
    project = ProjectFactory(schema=schema("boxes", ["car"]))
    lines = [{"id": "a", "data": {"image": "https://evil.example.net/a.jpg"}}]

    with pytest.raises(ImportFailed) as raised:
        import_file(project=project, path=write_lines(tmp_path / "items.jsonl", lines))

    assert raised.value.details == [{"line": 1, "message": (
        "item a: data.image is a URL on evil.example.net, which the project does not allow; a lead can add it "
        "to the project's image_hosts setting, or upload the images in a zip with the file")}]
    assert not Item.objects.filter(project=project).exists()


def test_allowed_image_url_is_stored_as_given_and_handed_to_the_annotator(tmp_path, project, annotator, api_as):
    project.schema = schema_validate(schema("single", ["positive", "negative"], settings={"image_hosts": ["Images.Example.com"]}))
    project.schema["data"] = "image"
    project.save()
    lines = [{"id": "a", "data": {"image": "https://images.example.com/a.jpg"}}]

    import_file(project=project, path=write_lines(tmp_path / "items.jsonl", lines))
    payload = api_as(annotator).post(f"/api/projects/{project.pk}/next").json()

    assert payload["item"]["image_url"] == "https://images.example.com/a.jpg"
    assert Item.objects.get(project=project, external_id="a").image.name in ("", None)


def test_image_url_of_a_host_no_longer_allowed_is_not_shown(project, annotator, api_as):
    project.schema = {**project.schema, "data": "image", "settings": {**project.schema.get("settings", {}), "image_hosts": []}}
    project.save()
    ItemFactory(project=project, data={"image": "https://images.example.com/a.jpg"})

    payload = api_as(annotator).post(f"/api/projects/{project.pk}/next").json()

    assert payload["item"]["image_url"] is None


@pytest.mark.parametrize("hosts", ["images.example.com", ["https://images.example.com/"], [""], [3]])
def test_image_hosts_setting_must_be_a_list_of_host_names(hosts):
    with pytest.raises(SchemaError, match="image_hosts"):
        schema_validate(schema("single", ["a"], settings={"image_hosts": hosts}))


def test_upload_with_a_chosen_format_runs_with_it(project, lead, api_as, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    body = json.dumps({"id": 1, "text": "Loved it.", "label": ["positive"]}).encode() + b"\n"
    upload = SimpleUploadedFile("alice.jsonl", body, content_type="application/octet-stream")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead).post(f"/api/projects/{project.pk}/imports", {"file": upload, "format": "doccano"}, format="multipart")

    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (response.json()["format"], job.status, job.errors) == ("doccano", JobStatus.DONE, [])
    assert stored_annotations(project) == {("1", "alice"): {"label": "positive"}}


def test_upload_with_an_unknown_format_is_refused(project, lead, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = SimpleUploadedFile("a.jsonl", b'{"id": 1}\n', content_type="application/octet-stream")

    response = api_as(lead).post(f"/api/projects/{project.pk}/imports", {"file": upload, "format": "yaml"}, format="multipart")

    assert response.status_code == 400
    assert ImportJob.objects.count() == 0


def test_label_studio_file_that_is_not_an_array_names_the_format(tmp_path):
    project = ProjectFactory(schema=schema("single", ["a"]))

    with pytest.raises(ImportFailed) as raised:
        import_file(project=project, path=write_json(tmp_path / "x.json", {"tasks": []}), fmt="label_studio")

    assert raised.value.details == [{"line": 1, "message": "Label Studio JSON: the file must be a JSON array of tasks"}]


def settings_form(**overrides):
    return {
        "name": "Photos", "description": "", "kind": "single", "data_type": "image", "scale_min": "1", "scale_max": "5",
        "level": "ordinal", **setting_post_defaults(), "aggregation": "majority",
        "labels-TOTAL_FORMS": "1", "labels-INITIAL_FORMS": "0", "labels-0-value": "cat", "labels-0-ORDER": "1", **overrides,
    }


def test_settings_page_saves_image_hosts_and_refuses_a_url_in_their_place(project, lead, client):
    client.force_login(lead)
    url = reverse("lead-settings", kwargs={"project_id": project.pk})

    saved = client.post(url, settings_form(image_hosts="Images.example.com, cdn.example.org"))
    refused = client.post(url, settings_form(image_hosts="https://cdn.example.org/x"))

    project.refresh_from_db()
    assert saved.status_code == 302
    assert project.settings["image_hosts"] == ["images.example.com", "cdn.example.org"]
    assert refused.status_code == 400
    assert "is not a host name" in refused.content.decode()


def test_review_page_shows_an_allowed_image_url_and_hides_another_host(project, reviewer, client):
    project.schema = {**project.schema, "data": "image", "settings": {**project.settings, "image_hosts": ["images.example.com"]}}
    project.save()
    allowed = ItemFactory(project=project, data={"image": "https://images.example.com/a.jpg"})
    other = ItemFactory(project=project, data={"image": "https://elsewhere.example.org/b.jpg"})
    client.force_login(reviewer)

    pages = [client.get(reverse("review-item", kwargs={"project_id": project.pk, "item_id": item.pk})) for item in (allowed, other)]

    assert '<img src="https://images.example.com/a.jpg" referrerpolicy="no-referrer"' in pages[0].content.decode()
    assert "elsewhere.example.org/b.jpg\" " not in pages[1].content.decode()
    assert "<img src=\"https://elsewhere" not in pages[1].content.decode()
