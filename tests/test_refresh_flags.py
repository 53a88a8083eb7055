"""`manage.py refresh_flags PROJECT [--wait]`: aggregates and flags recomputed on demand."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from labeling.models import Item
from review.models import Flag
from review.services.refresh import project_refresh
from tests.factories import AnnotationFactory, ItemFactory, UserFactory


def labelled_item(project, names):
    item = ItemFactory(project=project)
    for i, name in enumerate(names):
        user = UserFactory(username=f"refresh-{item.pk}-{i}")
        AnnotationFactory(item=item, annotator=user, value={"label": name})
    return item


@pytest.fixture
def stale(project):
    """A contested and a settled-by-majority item whose aggregates and flags were never computed."""
    contested = labelled_item(project, ["positive", "negative", "neutral"])
    majority = labelled_item(project, ["positive", "positive", "negative"])
    Item.objects.filter(project=project).update(aggregate_value=None, aggregate_method="")
    Flag.objects.filter(project=project).delete()
    return contested, majority


def test_refresh_flags_wait_recomputes_aggregates_and_raises_flags(project, stale):
    contested, majority = stale
    out = StringIO()
    call_command("refresh_flags", str(project.pk), "--wait", stdout=out)
    majority.refresh_from_db()
    assert majority.aggregate_value == {"label": "positive"}
    assert majority.aggregate_method == "majority"
    assert Flag.objects.filter(item=contested, reason="low_agreement").count() == 1
    assert not Flag.objects.filter(item=majority, reason="low_agreement").exists()
    assert "flags refreshed in 1 batch" in out.getvalue()


def test_refresh_flags_by_name_without_wait_finishes_when_celery_is_eager(project, stale):
    contested, majority = stale
    out = StringIO()
    call_command("refresh_flags", project.name, stdout=out)
    majority.refresh_from_db()
    assert majority.aggregate_value == {"label": "positive"}
    assert Flag.objects.filter(item=contested, reason="low_agreement").exists()
    assert "refresh queued" in out.getvalue()


def test_refresh_flags_applies_a_changed_aggregation_setting(project, stale):
    project.schema = {
        **project.schema,
        "settings": {**project.settings, "aggregation": "dawid_skene"},
    }
    project.save(update_fields=["schema"])
    call_command("refresh_flags", str(project.pk), "--wait", stdout=StringIO())
    methods = set(Item.objects.filter(project=project).values_list("aggregate_method", flat=True))
    assert methods == {"dawid_skene"}


def test_refreshing_twice_changes_nothing_the_second_time(project, stale):
    first = project_refresh(project_id=project.pk)
    flags = list(Flag.objects.filter(project=project).values_list("id", "reason", "status"))
    second = project_refresh(project_id=project.pk)
    assert second.snapshot_id == first.snapshot_id
    assert list(Flag.objects.filter(project=project).values_list("id", "reason", "status")) == flags


def test_refresh_flags_rejects_an_unknown_project(db):
    with pytest.raises(CommandError, match="No project"):
        call_command("refresh_flags", "no-such-project", "--wait")
    assert project_refresh(project_id=987654) is None
