"""The agreement page renders, in a real browser, the numbers of a known project."""

import pytest

from labeling.models import Role
from review import services
from tests.factories import (
    AnnotationFactory,
    ItemFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = [
    ["positive", "positive", "positive"],
    ["positive", "negative", "positive"],
    ["negative", "negative", "neutral"],
    ["neutral", "neutral", "neutral"],
    ["negative", "negative", "negative"],
]


def test_lead_opens_the_agreement_page_from_home_and_sees_the_snapshot(page, login, screenshot):
    project = ProjectFactory(name="Known agreement")
    MembershipFactory(project=project, user=UserFactory(username="lead"), role=Role.LEAD)
    annotators = [UserFactory(username=f"ann{i}") for i in range(3)]
    for labels in LABELS:
        item = ItemFactory(project=project)
        for user, label in zip(annotators, labels, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
    report = services.project_snapshot_create(project_id=project.pk).report

    login(page, "lead")
    # Home -> the project's dashboard -> Agreement in the project navigation.
    page.get_by_role("link", name="Dashboard").click()
    page.click("#nav-agreement")
    page.wait_for_url(f"**/projects/{project.pk}/agreement/")

    alpha = report["krippendorff_alpha"]["nominal"]
    assert page.get_by_test_id("alpha").inner_text() == f"{alpha:.3f}"
    low, high = report["alpha_ci"]["low"], report["alpha_ci"]["high"]
    assert page.get_by_test_id("alpha-ci").inner_text() == f"95% CI {low:.3f} \u2013 {high:.3f}"
    assert page.locator("figure svg").count() >= 3
    assert page.get_by_test_id("annotators").locator("tbody tr").count() == 3
    screenshot(page, "agreement")
