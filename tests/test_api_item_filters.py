"""The items list filters by external id, status, label, flag and search (issue 17).

Status, label and flag read the consensus and the review queue, so only reviewers and leads
may use them; an annotator who asks gets 403, never a filtered view of their peers' labels.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from review.choices import FlagReason, FlagStatus
from review.models import Flag
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _ids(client, project, **params) -> list[str]:
    response = client.get(reverse("api-items", args=[project.pk]), params)
    assert response.status_code == 200, response.content
    return [row["external_id"] for row in response.json()["results"]]


@pytest.fixture
def items(project):
    """a: unlabeled; b: complete with aggregate 'pos' and an open low-agreement flag;
    c: settled as 'neg' with a dismissed flag; d: complete with aggregate 'neg'."""
    overlap = project.overlap
    made = {
        "a": ItemFactory(project=project, external_id="a"),
        "b": ItemFactory(project=project, external_id="b", annotation_count=overlap,
                         aggregate_value={"label": "pos"}),
        "c": ItemFactory(project=project, external_id="c", annotation_count=overlap,
                         aggregate_value={"label": "pos"}, final_value={"label": "neg"}),
        "d": ItemFactory(project=project, external_id="d", annotation_count=overlap,
                         aggregate_value={"label": "neg"}),
    }  # fmt: skip
    Flag.objects.create(project=project, item=made["b"], reason=FlagReason.LOW_AGREEMENT)
    Flag.objects.create(
        project=project, item=made["c"], reason=FlagReason.LOW_AGREEMENT, status=FlagStatus.DISMISSED
    )
    return made


def test_a_lead_filters_items_by_status_label_flag_and_external_id(api_as, project, lead, items):
    client = api_as(lead)

    assert _ids(client, project, status="unlabeled") == ["a"]
    assert _ids(client, project, status="complete") == ["b", "d"]
    assert _ids(client, project, status="settled") == ["c"]
    assert _ids(client, project, label="neg") == ["c", "d"]
    assert _ids(client, project, flag="low_agreement") == ["b"]
    assert _ids(client, project, external_id="d") == ["d"]
    assert _ids(client, project, label="neg", status="complete") == ["d"]
    assert _ids(client, project, search="c", label="neg") == ["c"]


def test_an_unknown_status_is_a_400(api_as, project, lead, items):
    response = api_as(lead).get(reverse("api-items", args=[project.pk]), {"status": "done"})
    assert response.status_code == 400
    assert "unlabeled" in response.json()["detail"]


@pytest.mark.parametrize("params", [{"status": "settled"}, {"label": "pos"}, {"flag": "low_agreement"}])
def test_an_annotator_cannot_filter_by_the_consensus_or_the_review_queue(
    api_as, project, annotator, items, params
):
    response = api_as(annotator).get(reverse("api-items", args=[project.pk]), params)
    assert response.status_code == 403


def test_an_annotator_may_look_up_an_external_id_among_their_own_items(api_as, project, annotator, items):
    assert _ids(api_as(annotator), project, external_id="a") == []
