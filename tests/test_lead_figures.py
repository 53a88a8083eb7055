"""Lead pages with figures: the members page (add, change, remove, per-member figures) and the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from labeling.models import Membership, Role
from review.models import AgreementSnapshot, AnnotationReview, Flag, FlagReason, Verdict
from tests.factories import AnnotationFactory, ItemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The persona fixtures hash passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(name, project, **extra):
    return reverse(name, kwargs={"project_id": project.pk, **extra})


def test_members_page_adds_by_email_changes_and_removes_roles(project, lead):
    newcomer = UserFactory(username="bob", email="bob@example.org")
    client = _client(lead)
    assert client.post(_url("lead-members", project), {"who": "BOB@example.org", "role": "annotator"}).status_code == 302
    membership = Membership.objects.get(project=project, user=newcomer)
    assert membership.role == Role.ANNOTATOR
    client.post(_url("lead-member-change", project, membership_id=membership.pk), {"role": "reviewer"})
    assert Membership.objects.get(pk=membership.pk).role == Role.REVIEWER
    client.post(_url("lead-member-change", project, membership_id=membership.pk), {"remove": "1"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_unknown_user_gets_a_message_and_the_last_lead_stays(project, lead):
    client = _client(lead)
    response = client.post(_url("lead-members", project), {"who": "nobody", "role": "annotator"})
    assert response.status_code == 400
    assert "No user with the username or email" in response.content.decode()
    mine = Membership.objects.get(project=project, user=lead)
    client.post(_url("lead-member-change", project, membership_id=mine.pk), {"role": "annotator"})
    client.post(_url("lead-member-change", project, membership_id=mine.pk), {"remove": "1"})
    assert Membership.objects.get(pk=mine.pk).role == Role.LEAD


def test_members_page_shows_per_member_figures(project, lead, reviewer, annotators):
    first, second = annotators[0], annotators[1]
    for index, lead_time in enumerate([1000, 3000, 9000]):
        item = ItemFactory(project=project)
        annotation = AnnotationFactory(item=item, annotator=first, lead_time_ms=lead_time)
        AnnotationFactory(item=item, annotator=second, lead_time_ms=500)
        verdict = Verdict.ACCEPTED if index else Verdict.REJECTED
        AnnotationReview.objects.create(annotation=annotation, reviewer=reviewer, verdict=verdict)
    AgreementSnapshot.objects.create(
        project=project,
        report={"per_annotator": [{"annotator": first.username, "agreement_with_others": 0.75}]},
    )
    rows = {row["membership"].user_id: row for row in _client(lead).get(_url("lead-members", project)).context["rows"]}
    figures = rows[first.pk]["figures"]
    assert figures["annotations"] == 3
    assert figures["median_seconds"] == 3.0
    assert figures["acceptance"] == pytest.approx(2 / 3)
    assert rows[first.pk]["agreement"] == 0.75
    assert rows[second.pk]["agreement"] is None


def test_dashboard_reports_progress_labels_flags_and_throughput(project, lead, annotators):
    done = ItemFactory(project=project, annotation_count=3)
    ItemFactory(project=project, annotation_count=1)
    ItemFactory(project=project)
    for user, label in zip(annotators, ["positive", "positive", "negative"], strict=True):
        AnnotationFactory(item=done, annotator=user, value={"label": label})
    Flag.objects.create(project=project, item=done, reason=FlagReason.RARE_LABEL)
    response = _client(lead).get(_url("lead-dashboard", project))
    progress = response.context["progress"]
    assert (progress["done"], progress["in_progress"], progress["remaining"]) == (1, 1, 1)
    assert progress["needed"] == 5
    assert progress["eta_days"] == pytest.approx(5 / (3 / 7))
    page = response.content.decode()
    assert "positive: 2" in page
    assert "negative: 1" in page
    assert "Rare label: 1" in page
    assert response.context["throughput_total"] == 3
    today = timezone.now().date()
    # Dates carry their year: in the tooltip and the table, and under the chart as the span.
    assert f"{today.isoformat()}: 3" in page
    first = (today - timedelta(days=13)).isoformat()
    assert f"({first} to {today.isoformat()}, UTC)" in page
    assert reverse("agreement", kwargs={"project_id": project.pk}) in page


def test_label_distribution_counts_each_annotation_once_per_label_in_schema_order(db):
    from review.selectors.figures import label_distribution
    from tests.factories import ProjectFactory

    spans = ProjectFactory(
        schema={"kind": "spans", "data": "text", "labels": [{"value": "PER"}, {"value": "LOC"}]}
    )
    per, loc = ({"start": 0, "end": 3, "label": "PER"}, {"start": 4, "end": 6, "label": "LOC"})
    for value in (
        {"spans": [per, {**per, "start": 7, "end": 9}, loc]},
        {"spans": [per]},
        {"spans": [{"label": "LOC"}]},  # malformed: no offsets, names nothing
    ):
        AnnotationFactory(item=ItemFactory(project=spans), value=value)
    assert label_distribution(spans) == [("PER", 2), ("LOC", 1)]

    rating = ProjectFactory(
        schema={"kind": "rating", "data": "text", "scale": {"min": 1, "max": 5}}
    )
    for point in (5, 1, 5):
        AnnotationFactory(item=ItemFactory(project=rating), value={"rating": point})
    assert label_distribution(rating) == [("1", 1), ("5", 2)]
