"""Lead pages: roles x status codes, form errors beside fields, renames, gold, members, dashboard."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from labeling.models import Annotation, ImportJob, Item, Membership, Project, Role
from review.models import Flag, FlagReason
from tests.factories import AnnotationFactory, ItemFactory, project_creator
from tests.factories_settings import setting_post_defaults

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The persona fixtures hash passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LEAD_PAGES = ("lead-settings", "lead-data", "lead-members", "lead-export")


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(name, project, **extra):
    return reverse(name, kwargs={"project_id": project.pk, **extra})


def _settings_post(**overrides):
    data = {
        "name": "Reviews", "description": "", "kind": "single", "data_type": "text",
        "scale_min": "1", "scale_max": "5", "level": "ordinal",
        **setting_post_defaults(),
        "aggregation": "majority", "ordering": "in_progress_first", "gold_rate": "0.05",
        "lease_minutes": "30", "low_agreement_threshold": "0.6",
        "labels-TOTAL_FORMS": "2", "labels-INITIAL_FORMS": "0",
        "labels-0-value": "good", "labels-0-hotkey": "g", "labels-0-ORDER": "1",
        "labels-1-value": "bad", "labels-1-hotkey": "b", "labels-1-ORDER": "2",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("name", LEAD_PAGES)
def test_lead_pages_are_for_leads_only(name, project, lead, reviewer, annotator, outsider):
    url = _url(name, project)
    assert _client(lead).get(url).status_code == 200
    assert _client(reviewer).get(url).status_code == 403
    assert _client(annotator).get(url).status_code == 403
    assert _client(outsider).get(url).status_code == 404
    assert _client().get(url).status_code == 302  # to the login page


def test_dashboard_is_for_leads_and_reviewers(project, lead, reviewer, annotator, outsider):
    url = _url("lead-dashboard", project)
    assert _client(lead).get(url).status_code == 200
    assert _client(reviewer).get(url).status_code == 200
    assert _client(annotator).get(url).status_code == 403
    assert _client(outsider).get(url).status_code == 404


def test_fragments_are_for_leads_only(project, lead, reviewer, annotator, outsider):
    job = ImportJob.objects.create(project=project, original_name="a.jsonl")
    item = ItemFactory(project=project)
    for url in (
        _url("lead-import-status", project, job_id=job.pk),
        _url("lead-item-gold", project, item_id=item.pk),
    ):
        assert _client(lead).get(url).status_code == 200
        assert _client(reviewer).get(url).status_code == 403
        assert _client(annotator).get(url).status_code == 403
        assert _client(outsider).get(url).status_code == 404
    other = ItemFactory()  # another project's item is not reachable through mine
    assert _client(lead).get(_url("lead-item-gold", project, item_id=other.pk)).status_code == 404


def test_post_endpoints_refuse_annotators_and_outsiders(project, lead, annotator, outsider):
    item = ItemFactory(project=project)
    membership = Membership.objects.get(project=project, user=lead)
    urls = [
        _url("lead-item-gold", project, item_id=item.pk),
        _url("lead-member-change", project, membership_id=membership.pk),
        _url("lead-import", project),
        _url("lead-members", project),
    ]
    for url in urls:
        assert _client(annotator).post(url, {"role": "annotator"}).status_code == 403
        assert _client(outsider).post(url, {"role": "annotator"}).status_code == 404
    assert Membership.objects.get(pk=membership.pk).role == Role.LEAD
    assert Item.objects.get(pk=item.pk).is_gold is False


def test_new_project_page_creates_a_project_and_makes_me_lead(db):
    user = project_creator("newlead")
    response = _client(user).post(reverse("lead-project-new"), _settings_post())
    project = Project.objects.get(name="Reviews")
    assert response.status_code == 302
    assert response.url == _url("lead-data", project)
    assert Membership.objects.get(project=project, user=user).role == Role.LEAD
    assert [label["value"] for label in project.schema["labels"]] == ["good", "bad"]
    assert project.gold_rate == 0.05
    assert project.settings["flags"]["low_agreement"]["threshold"] == 0.6


def test_home_page_offers_new_project_only_to_project_creators(outsider, lead, annotator):
    assert reverse("lead-project-new") in _client(project_creator("maker")).get("/").content.decode()
    for user in (outsider, lead, annotator):  # leading a project is not the site permission
        assert reverse("lead-project-new") not in _client(user).get("/").content.decode()


def test_invalid_settings_show_the_message_beside_the_field(db):
    user = project_creator("newlead")
    response = _client(user).post(
        reverse("lead-project-new"), _settings_post(overlap="0", lease_minutes="0")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-overlap"' in page
    assert "settings.overlap must be an integer from 1 to 50" in page
    assert 'id="error-lease_minutes"' in page
    assert not Project.objects.exists()


def test_duplicate_hotkeys_are_reported_at_the_labels(db):
    user = project_creator("newlead")
    response = _client(user).post(
        reverse("lead-project-new"), _settings_post(overlap="99", **{"labels-1-hotkey": "g"})
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-labels"' in page
    assert "hotkey &#x27;g&#x27; is used twice" in page
    assert 'id="error-overlap"' in page  # reported too, though the validator stops at the first


def test_taken_project_name_is_reported_beside_the_name(project):
    user = project_creator("newlead")
    response = _client(user).post(reverse("lead-project-new"), _settings_post(name=project.name))
    assert response.status_code == 400
    assert 'id="error-name"' in response.content.decode()


def test_renaming_a_label_on_the_settings_page_keeps_annotations_consistent(project, lead, annotators):
    item = ItemFactory(project=project, aggregate_value={"label": "positive"})
    annotation = AnnotationFactory(item=item, annotator=annotators[0], value={"label": "positive"})
    rows = {"labels-TOTAL_FORMS": "3", "labels-INITIAL_FORMS": "3"}
    for index, (value, hotkey) in enumerate([("upbeat", "1"), ("negative", "2"), ("neutral", "3")]):
        original = ["positive", "negative", "neutral"][index]
        rows |= {f"labels-{index}-value": value, f"labels-{index}-hotkey": hotkey,
                 f"labels-{index}-original": original, f"labels-{index}-ORDER": str(index + 1)}
    data = _settings_post(name=project.name, **rows)
    response = _client(lead).post(_url("lead-settings", project), data)
    assert response.status_code == 302
    annotation.refresh_from_db()
    item.refresh_from_db()
    assert annotation.value == {"label": "upbeat"}
    assert item.aggregate_value == {"label": "upbeat"}


def test_removing_a_label_in_use_is_refused_beside_the_labels(project, lead):
    AnnotationFactory(item=ItemFactory(project=project), value={"label": "neutral"})
    rows = {"labels-TOTAL_FORMS": "3", "labels-INITIAL_FORMS": "3", "labels-2-DELETE": "on"}
    for index, value in enumerate(["positive", "negative", "neutral"]):
        rows |= {f"labels-{index}-value": value, f"labels-{index}-original": value,
                 f"labels-{index}-hotkey": str(index + 1)}
    response = _client(lead).post(_url("lead-settings", project), _settings_post(**rows))
    assert response.status_code == 400
    assert "in use and cannot be removed" in response.content.decode()
    assert len(Project.objects.get(pk=project.pk).schema["labels"]) == 3


def test_settings_page_keeps_settings_it_does_not_show(project, lead):
    project.schema = {**project.schema, "settings": {**project.settings, "prelabel": {"x": 1}}}
    project.save()
    response = _client(lead).post(_url("lead-settings", project), _settings_post())
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).settings["prelabel"]["x"] == 1


def test_lead_marks_an_item_gold_and_a_wrong_answer_is_refused(project, lead):
    item = ItemFactory(project=project)
    url = _url("lead-item-gold", project, item_id=item.pk)
    _client(lead).post(url, {"label": "not-a-label"})
    assert Item.objects.get(pk=item.pk).is_gold is False
    response = _client(lead).post(url, {"label": "negative"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.is_gold, item.gold_value) == (True, {"label": "negative"})
    response = _client(lead).get(_url("lead-data", project))
    assert "gold-badge" in response.content.decode()
    assert response.context["rows"][0]["gold_url"] == url
    fragment = _client(lead).get(url, HTTP_HX_CURRENT_URL="http://testserver/x/?after=3")
    assert '<option value="negative" selected>' in fragment.content.decode()
    assert 'value="/x/?after=3"' in fragment.content.decode()


def test_data_page_filters_by_flag_and_pages_with_cursors(project, lead):
    items = ItemFactory.create_batch(60, project=project)
    Flag.objects.create(project=project, item=items[3], reason=FlagReason.LOW_AGREEMENT)
    client = _client(lead)
    flagged = client.get(_url("lead-data", project), {"flag": "low_agreement"}).context["rows"]
    assert [row["item"].pk for row in flagged] == [items[3].pk]
    first = client.get(_url("lead-data", project))
    assert len(first.context["rows"]) == 50
    assert f"after={items[49].pk}" in first.content.decode()
    second = client.get(_url("lead-data", project), {"after": items[49].pk})
    assert [row["item"].pk for row in second.context["rows"]] == [i.pk for i in items[50:]]
    assert f"before={items[50].pk}" in second.content.decode()


def test_text_search_says_which_stretch_it_searched(project, lead):
    first = ItemFactory(project=project, data={"text": "a rare word"})
    response = _client(lead).get(_url("lead-data", project), {"q": "rare"})
    assert [row["item"].pk for row in response.context["rows"]] == [first.pk]
    assert f"searched item ids {first.pk}" in response.content.decode()


def test_data_page_escapes_item_text(project, lead):
    ItemFactory(project=project, data={"text": "<script>alert(1)</script>"})
    page = _client(lead).get(_url("lead-data", project)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_export_page_points_at_the_streaming_export_api(project, lead):
    page = _client(lead).get(_url("lead-export", project)).content.decode()
    assert f'action="/api/projects/{project.pk}/export"' in page
    for value in ("jsonl", "json", "csv", "all", "aggregate", "final"):
        assert f'value="{value}"' in page


def test_the_export_form_downloads_a_stream_with_the_session(project, lead):
    ItemFactory(project=project, external_id="x-1", final_value={"label": "neutral"})
    response = _client(lead).get(
        f"/api/projects/{project.pk}/export", {"format": "jsonl", "include": "final"}
    )
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    assert '"x-1"' in body


def test_import_status_fragment_polls_until_the_job_ends(project, lead):
    job = ImportJob.objects.create(project=project, original_name="a.jsonl", bytes_total=100, bytes_done=40)
    url = _url("lead-import-status", project, job_id=job.pk)
    running = _client(lead).get(url).content.decode()
    assert 'hx-trigger="every 1s"' in running
    assert 'aria-valuenow="40"' in running
    job.status, job.errors, job.finished_at = "failed", [{"line": 3, "message": "bad JSON"}], timezone.now()
    job.save()
    failed = _client(lead).get(url).content.decode()
    assert "hx-trigger" not in failed
    assert "Line 3: bad JSON" in failed
    assert Annotation.objects.count() == 0


def test_uploading_a_file_starts_an_import_job_and_shows_its_status(project, lead, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    lines = b'{"id": "a", "data": {"text": "one"}}\n{"id": "b", "data": {"text": "two"}}\n'
    upload = SimpleUploadedFile("items.jsonl", lines, content_type="application/x-ndjson")
    response = _client(lead).post(_url("lead-import", project), {"file": upload})
    job = ImportJob.objects.get(project=project)
    assert response.status_code == 302
    assert response.url == f"{_url('lead-data', project)}?job={job.pk}"
    assert job.original_name == "items.jsonl"


def test_a_refused_upload_is_reported_as_a_message(project, lead, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("items.exe", b"MZ", content_type="application/octet-stream")
    response = _client(lead).post(_url("lead-import", project), {"file": upload}, follow=True)
    assert "upload a .jsonl, .json, .csv, .conll, .txt or .zip file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_rating_project_needs_no_labels_and_its_scale_is_checked(db):
    user = project_creator("newlead")
    rating = {"kind": "rating", "labels-TOTAL_FORMS": "0", "scale_min": "5", "scale_max": "1"}
    response = _client(user).post(reverse("lead-project-new"), _settings_post(**rating))
    assert response.status_code == 400
    assert 'id="error-scale_max"' in response.content.decode()
    rating |= {"scale_min": "1", "scale_max": "5"}
    response = _client(user).post(reverse("lead-project-new"), _settings_post(**rating))
    project = Project.objects.get(name="Reviews")
    assert response.status_code == 302
    assert (project.kind, project.schema["scale"]) == ("rating", {"min": 1, "max": 5})
