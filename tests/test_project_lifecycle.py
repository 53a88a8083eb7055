"""Archive, unarchive and delete projects (typed confirmation, batched deletion); delete items."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from labeling.assignment import engine
from labeling.exceptions import AssignmentClosed, Conflict
from labeling.models import Annotation, AuditEntry, Item, Project
from labeling.services import annotation_submit, lifecycle, project_settings_merge
from tests.factories import AnnotationFactory, ItemFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(name, project, **extra):
    return reverse(name, kwargs={"project_id": project.pk, **extra})


def test_an_archived_project_is_read_only(project, lead, annotator):
    ItemFactory(project=project)
    lease = engine.next_item(project, annotator)
    _client(lead).post(_url("lead-project-archive", project), {"archived": "1"})
    project.refresh_from_db()
    assert project.is_archived
    with pytest.raises(Conflict):
        engine.next_item(project, annotator)
    with pytest.raises(AssignmentClosed):
        annotation_submit(assignment_id=lease.pk, user=annotator, value={"label": "positive"})
    with pytest.raises(Conflict):
        project_settings_merge(project=project, actor=lead, settings={"gold_rate": 0.5})
    assert AuditEntry.objects.filter(project=project, action="project.archive").exists()


def test_archived_projects_are_hidden_from_home_until_asked_for(project, lead):
    _client(lead).post(_url("lead-project-archive", project), {"archived": "1"})
    home = _client(lead).get(reverse("home")).content.decode()
    assert f'data-project="{project.pk}"' not in home
    assert 'id="show-archived"' in home
    shown = _client(lead).get(reverse("home"), {"archived": "1"}).content.decode()
    assert f'data-project="{project.pk}"' in shown
    assert "Archived" in shown


def test_unarchive_through_the_api_restores_work(project, lead, annotator, api):
    ItemFactory(project=project)
    api.force_authenticate(lead)
    url = reverse("api-project-archive", kwargs={"project_id": project.pk})
    assert api.post(url).json()["archived"] is True
    assert api.delete(url).json()["archived"] is False
    assert engine.next_item(project, annotator) is not None


def test_deleting_with_the_wrong_name_is_refused(project, lead, api):
    page = _client(lead).post(_url("lead-project-delete", project), {"confirm": "not the name"})
    assert page.status_code == 400
    assert 'id="error-confirm"' in page.content.decode()
    api.force_authenticate(lead)
    response = api.delete(reverse("api-project", kwargs={"project_id": project.pk}), {"confirm": project.name.upper()}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["field"] == "confirm"
    assert Project.objects.filter(pk=project.pk, deleting=False).exists()


def test_deleting_a_large_project_runs_in_batches_until_it_is_gone(project, lead, api, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(lifecycle, "DELETE_BATCH", 3)
    items = [ItemFactory(project=project) for _ in range(8)]
    AnnotationFactory(item=items[0], project=project)
    api.force_authenticate(lead)
    url = reverse("api-project", kwargs={"project_id": project.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(url, {"confirm": project.name}, format="json")
    assert response.status_code == 202
    assert response.json()["items"] == 8
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Item.objects.filter(pk__in=[item.pk for item in items]).exists()
    assert AuditEntry.objects.filter(action="project.delete", target_id=str(project.pk)).exists()


def test_a_project_being_deleted_is_gone_for_everyone_at_once(project, lead, api):
    ItemFactory(project=project)
    Project.objects.filter(pk=project.pk).update(deleting=True)
    api.force_authenticate(lead)
    assert api.get(reverse("api-project", kwargs={"project_id": project.pk})).status_code == 404
    assert project.pk not in [row["id"] for row in api.get(reverse("api-projects")).json()["results"]]
    assert lifecycle.project_delete_batch(project_id=project.pk) == 0
    assert lifecycle.project_delete_batch(project_id=project.pk) is None  # idempotent


def test_only_leads_archive_or_delete(project, reviewer, annotator, api):
    for user in (reviewer, annotator):
        api.force_authenticate(user)
        assert api.post(reverse("api-project-archive", kwargs={"project_id": project.pk})).status_code == 403
        response = api.delete(reverse("api-project", kwargs={"project_id": project.pk}), {"confirm": project.name}, format="json")
        assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk, deleting=False, archived_at=None).exists()


def test_bulk_delete_asks_first_then_deletes_with_the_annotations(project, lead):
    doomed = [ItemFactory(project=project) for _ in range(2)]
    kept = ItemFactory(project=project)
    AnnotationFactory(item=doomed[0], project=project)
    url = _url("lead-items-bulk", project)
    ids = [item.pk for item in doomed]
    ask = _client(lead).post(url, {"action": "delete", "ids": ids})
    assert ask.status_code == 200
    assert "Delete 2 items?" in ask.content.decode()
    assert Item.objects.filter(pk__in=ids).count() == 2
    _client(lead).post(url, {"action": "delete", "ids": ids, "confirm": "1"})
    assert list(Item.objects.filter(project=project)) == [kept]
    assert not Annotation.objects.filter(item_id=doomed[0].pk).exists()
    entry = AuditEntry.objects.get(project=project, action="items.delete")
    assert sorted(entry.before["external_ids"]) == sorted(item.external_id for item in doomed)


def test_the_api_deletes_one_item_or_many_of_its_own_project_only(project, lead, api):
    mine = [ItemFactory(project=project) for _ in range(3)]
    other = ItemFactory()
    api.force_authenticate(lead)
    url = reverse("api-items-delete", kwargs={"project_id": project.pk})
    assert api.post(url, {"ids": [mine[0].pk, other.pk]}, format="json").json() == {"deleted": 1}
    assert Item.objects.filter(pk=other.pk).exists()
    one = reverse("api-item", kwargs={"project_id": project.pk, "item_id": mine[1].pk})
    assert api.delete(one).status_code == 204
    assert api.delete(one).status_code == 404
    assert list(Item.objects.filter(project=project)) == [mine[2]]


def test_the_settings_page_of_an_archived_project_says_so_and_saves_nothing(project, lead):
    _client(lead).post(_url("lead-project-archive", project), {"archived": "1"})
    page = _client(lead).get(_url("lead-settings", project)).content.decode()
    assert 'id="archived-notice"' in page
    assert 'id="save-project"' not in page
    assert 'id="unarchive-project"' in page


def test_the_home_page_shows_the_lead_how_far_a_deletion_got(project, lead, annotator):
    for _ in range(3):
        ItemFactory(project=project)
    Project.objects.filter(pk=project.pk).update(deleting=True)
    assert "is being deleted: 3 items left" in _client(lead).get(reverse("home")).content.decode()
    assert "being deleted" not in _client(annotator).get(reverse("home")).content.decode()
