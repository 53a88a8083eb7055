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


def test_lead_sees_span_agreement_with_its_tables_in_the_browser(page, login, screenshot):
    from tests.factories_export import SPANS_SCHEMA

    project = ProjectFactory(name="Known spans", schema=dict(SPANS_SCHEMA))
    MembershipFactory(project=project, user=UserFactory(username="lead"), role=Role.LEAD)
    texts = ["Ann met Bob in Rome", "Eve flew to Oslo with Acme", "Nothing here at all"]
    values = [  # (start, end, label) per annotator; see tests/test_agreement_regions.py
        [[(0, 3, "PER"), (8, 11, "PER"), (15, 19, "LOC")], [(0, 3, "PER"), (15, 19, "LOC")]],
        [[(0, 3, "PER"), (12, 16, "LOC"), (22, 26, "ORG")], [(0, 3, "PER"), (12, 16, "LOC")]],
        [[], [(0, 7, "ORG")]],
    ]
    annotators = [UserFactory(username=f"ann{i}") for i in range(2)]
    for text, pair in zip(texts, values, strict=True):
        item = ItemFactory(project=project, data={"text": text})
        for user, spans in zip(annotators, pair, strict=True):
            value = {"spans": [{"start": s, "end": e, "label": label} for s, e, label in spans]}
            AnnotationFactory(item=item, annotator=user, value=value, guideline_version=1)
    report = services.project_snapshot_create(project_id=project.pk).report

    login(page, "lead")
    page.goto(f"{page.base}/projects/{project.pk}/agreement/")
    alpha = report["krippendorff_alpha"]["nominal"]
    assert page.get_by_test_id("alpha").inner_text() == f"{alpha:.3f}"
    assert page.get_by_test_id("f1-overlap").inner_text() == f"{report['span_f1']['overlap']:.3f}"
    assert page.locator("figure svg").count() >= 4
    assert page.get_by_test_id("annotators").locator("tbody tr").count() == 2
    assert page.get_by_test_id("labels").locator("tbody tr").count() == 3
    screenshot(page, "agreement-spans")
