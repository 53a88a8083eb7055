"""seed_demo tells the story: a project with three annotators' labels and real disagreement,
flags, a settled item, two guideline versions and a finished pre-label run; created once."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command

from frontend.demo_story import ANNOTATORS, STORY_PROJECT, story_records
from guidelines.models import GuidelineVersion
from labeling.choices import JobStatus
from labeling.models import (
    Annotation,
    AuditEntry,
    Item,
    Membership,
    Prediction,
    PrelabelJob,
    Project,
)
from review.models import Flag, FlagStatus, ReviewDecision

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> dict[str, int]:
    models = (
        Project,
        Item,
        Annotation,
        Flag,
        ReviewDecision,
        GuidelineVersion,
        PrelabelJob,
        Prediction,
        AuditEntry,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def seeded():
    started = time.process_time()
    call_command("seed_demo", stdout=StringIO())
    return time.process_time() - started


def test_the_story_project_has_labels_flags_a_review_guidelines_and_predictions(seeded):
    project = Project.objects.get(name=STORY_PROJECT)
    names = set(project.annotations.values_list("annotator__username", flat=True))
    assert names == set(ANNOTATORS)
    agreements = list(project.items.exclude(agreement=None).values_list("agreement", flat=True))
    assert min(agreements) < 0.5 < max(agreements)  # real disagreement, not noise everywhere
    assert Flag.objects.filter(project=project, status=FlagStatus.OPEN).count() >= 3
    assert project.items.filter(final_value__isnull=False).count() == 1
    assert ReviewDecision.objects.filter(project=project).exists()
    assert GuidelineVersion.objects.filter(project=project).count() == 2
    assert project.guideline_version == 2
    job = PrelabelJob.objects.get(project=project)
    assert job.status == JobStatus.DONE
    assert job.done == job.total > 0
    assert Prediction.objects.filter(project=project).count() == job.total
    assert project.items.filter(annotation_count=0).exists()  # work left for the dashboard


def test_running_seed_demo_twice_creates_nothing_twice(seeded):
    before = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert "already there" in out.getvalue()


def test_seed_demo_is_fast(seeded):
    assert seeded < 10  # CPU seconds of this process


def test_annotators_of_the_story_must_acknowledge_the_second_version(seeded):
    project = Project.objects.get(name=STORY_PROJECT)
    versions = set(
        Membership.objects.filter(project=project, user__username__in=ANNOTATORS).values_list(
            "acknowledged_version", flat=True
        )
    )
    assert versions == {1}


def test_the_records_disagree_like_people_do():
    records = story_records()
    full = [r for r in records if len(r["annotations"]) == 3]
    split = [r for r in full if len({a["value"]["label"] for a in r["annotations"]}) > 1]
    assert 5 <= len(split) < len(full) // 2


def test_the_demo_spans_and_boxes_projects_get_labeled_items_with_aggregates_and_flags(seeded):
    from labeling import demo

    spans = Project.objects.get(name=demo.DEMO_SPANS_PROJECT)
    boxes = Project.objects.get(name=demo.DEMO_BOXES_PROJECT)
    for project, story in ((spans, "story-news-"), (boxes, "story-shapes-")):
        labeled = project.items.filter(external_id__startswith=story)
        assert labeled.count() in (3, 4)
        assert not labeled.filter(aggregate_value=None).exists()
        assert not labeled.filter(p_wrong=None).exists()
        assert labeled.exclude(aggregate_method="").count() == labeled.count()
        # the items left for the user to label stay unlabeled
        assert project.items.filter(annotation_count=0).count() >= 6
        assert Flag.objects.filter(project=project, status=FlagStatus.OPEN).exists()
    agreed = spans.items.get(external_id="story-news-001").aggregate_value
    assert [(s["label"], s["confidence"]) for s in agreed["spans"]] == [
        ("PER", 1.0), ("ORG", 1.0), ("LOC", 1.0)
    ]  # fmt: skip
    # the contested snippet and picture are the riskiest: within the review budget, with reasons
    for project in (spans, boxes):
        reasons = set(Flag.objects.filter(project=project).values_list("reason", flat=True))
        assert {"low_agreement", "high_risk"} <= reasons
