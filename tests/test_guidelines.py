"""Guideline versions: numbering, immutability, audit, acknowledgement, stale labels."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, InternalError, OperationalError, connection, transaction

from guidelines import selectors, services
from guidelines.exceptions import (
    InvalidExamples,
    NothingToAcknowledge,
    NothingToPublish,
    VersionImmutable,
)
from guidelines.models import Acknowledgement, GuidelineVersion
from labeling.models import AuditEntry, Membership, Project
from tests.factories import AnnotationFactory, ItemFactory, UserFactory
from tests.factories_guidelines import publish

V1 = "# Intro\nLabel the tone.\n\n## positive\nHappy words.\n\n## negative\nSad words.\n"
V2 = "# Intro\nLabel the tone.\n\n## positive\nHappy words.\n\n## negative\nSad or angry words.\n"


@pytest.fixture
def v1(project, lead):
    return publish(project, lead, V1, "first")


def test_publishing_numbers_versions_consecutively_and_puts_the_newest_in_force(project, lead):
    first = publish(project, lead, V1)
    second = publish(project, lead, V2)
    project.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert project.guideline_version == 2


def test_publishing_an_empty_draft_is_refused(project, lead):
    with pytest.raises(NothingToPublish):
        services.version_publish(project=project, author=lead)
    assert not GuidelineVersion.objects.exists()


def test_publishing_writes_an_audit_entry(project, lead, v1):
    entry = AuditEntry.objects.get(action="guideline.publish")
    assert entry.actor == lead
    assert entry.after["guideline_version"] == 1
    assert entry.before == {"guideline_version": 0}


def test_saving_a_published_version_again_is_refused(v1):
    v1.markdown = "rewritten"
    with pytest.raises(VersionImmutable):
        v1.save()
    assert GuidelineVersion.objects.get(pk=v1.pk).markdown == V1


def test_queryset_update_of_a_published_version_is_refused(v1):
    with pytest.raises(VersionImmutable):
        GuidelineVersion.objects.filter(pk=v1.pk).update(markdown="rewritten")
    assert GuidelineVersion.objects.get(pk=v1.pk).markdown == V1


def test_the_database_refuses_a_raw_update_of_a_published_version(v1):
    table = GuidelineVersion._meta.db_table
    errors = (IntegrityError, InternalError, OperationalError)
    with pytest.raises(errors), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET markdown = %s WHERE id = %s", ["x", v1.pk])  # noqa: S608
    assert GuidelineVersion.objects.get(pk=v1.pk).markdown == V1


def test_deleting_the_author_keeps_the_version(project, v1):
    author = UserFactory(username="leaving")
    version = publish(project, author, V2)
    author.delete()
    assert GuidelineVersion.objects.get(pk=version.pk).author is None


def test_acknowledging_lifts_the_gate_and_is_stored_once(project, annotator, v1):
    membership = Membership.objects.get(project=project, user=annotator)
    assert membership.acknowledged_version < Project.objects.get(pk=project.pk).guideline_version
    services.acknowledge(user=annotator, project=project)
    services.acknowledge(user=annotator, project=project)
    membership.refresh_from_db()
    assert membership.acknowledged_version == 1
    assert Acknowledgement.objects.filter(user=annotator, version=v1).count() == 1


def test_a_new_version_requires_a_new_acknowledgement(project, lead, annotator, v1):
    services.acknowledge(user=annotator, project=project)
    publish(project, lead, V2)
    pending = selectors.acknowledgement_pending(user=annotator, project_id=project.pk)
    assert pending is not None
    assert (pending.old.number, pending.new.number) == (1, 2)
    assert pending.changed_labels == ["negative"]
    assert "<ins>or angry </ins>" in pending.html


def test_acknowledging_without_a_published_version_is_refused(project, annotator):
    with pytest.raises(NothingToAcknowledge):
        services.acknowledge(user=annotator, project=project)


def test_the_publishing_lead_has_acknowledged_their_own_version(project, lead, v1):
    assert Membership.objects.get(project=project, user=lead).acknowledged_version == 1


def test_examples_are_snapshotted_under_their_label(project, lead, reviewer):
    item = ItemFactory(project=project, is_example=True, example_note="sarcasm counts as negative",
                       final_value={"label": "negative"})  # fmt: skip
    version = publish(project, lead, V1, example_item_ids=[item.pk])
    item.final_value = {"label": "positive"}
    item.save()
    groups = selectors.examples_by_label(version=version, schema=project.schema)
    assert [group["label"] for group in groups] == ["negative"]
    assert groups[0]["examples"][0]["note"] == "sarcasm counts as negative"


def test_only_items_marked_as_examples_can_be_included(project, lead):
    item = ItemFactory(project=project)
    services.draft_save(project=project, author=lead, markdown=V1)
    with pytest.raises(InvalidExamples):
        services.version_publish(project=project, author=lead, example_item_ids=[item.pk])
    assert not GuidelineVersion.objects.exists()


def test_stale_items_are_narrowed_to_labels_whose_section_changed(project, lead, annotators, v1):
    sad, happy = ItemFactory(project=project), ItemFactory(project=project)
    AnnotationFactory(item=sad, annotator=annotators[0], value={"label": "negative"},
                      guideline_version=1)  # fmt: skip
    AnnotationFactory(item=happy, annotator=annotators[0], value={"label": "positive"},
                      guideline_version=1)  # fmt: skip
    publish(project, lead, V2)
    stale = selectors.stale_items(user=lead, project_id=project.pk)
    assert [row["item_id"] for row in stale] == [sad.pk]
    assert stale[0]["labels"] == ["negative"]


def test_labels_made_under_the_version_in_force_are_not_stale(project, lead, annotator, v1):
    publish(project, lead, V2)
    item = ItemFactory(project=project)
    AnnotationFactory(item=item, annotator=annotator, value={"label": "negative"},
                      guideline_version=2)  # fmt: skip
    assert selectors.stale_items(user=lead, project_id=project.pk) == []


def test_sending_stale_items_back_opens_a_new_round_for_everyone(project, lead, annotator, v1):
    item = ItemFactory(project=project, final_value={"label": "negative"}, reopened_for=[5])
    AnnotationFactory(item=item, annotator=annotator, value={"label": "negative"},
                      guideline_version=1)  # fmt: skip
    publish(project, lead, V2)
    sent = services.send_back_stale(project=project, lead=lead, item_ids=[item.pk])
    item.refresh_from_db()
    assert sent == [item.pk]
    assert (item.round, item.reopened_for, item.final_value) == (2, [], None)
    assert AuditEntry.objects.filter(action="guideline.send_back_stale").count() == 1
    assert selectors.stale_items(user=lead, project_id=project.pk) == []


def test_sending_back_ignores_items_of_other_projects(project, lead, v1):
    foreign = ItemFactory()
    assert services.send_back_stale(project=project, lead=lead, item_ids=[foreign.pk]) == []
    foreign.refresh_from_db()
    assert foreign.round == 1


def test_drafts_store_browser_line_endings_as_newlines(project, lead):
    draft = services.draft_save(project=project, author=lead, markdown="# a\r\nb\rc")
    assert draft.draft_markdown == "# a\nb\nc"


def test_the_admin_cannot_change_a_published_version(v1, rf, lead):
    admin = site._registry[GuidelineVersion]
    request = rf.get("/admin/")
    request.user = lead
    assert admin.has_change_permission(request, v1) is False
    assert admin.has_add_permission(request) is False
