"""A lead starts pre-labeling in the browser and watches the progress bar fill as batches run."""

from __future__ import annotations

import pytest

from labeling import events
from labeling.models import JobStatus, PrelabelJob, Role
from labeling.services import prelabel as service
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.factories_prelabel import labeled_items, unlabeled_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def queued_job_task(original):
    """Holds back the Celery job task (the test runs the batches itself, while the page polls);
    every other task is sent as usual."""

    def enqueue(name, args, **options):
        if name != service.RUN_TASK:
            original(name, args, **options)

    return enqueue


def test_lead_starts_pre_labeling_and_watches_it_finish(page, login, screenshot, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(service, "BATCH_SIZE", 3)
    monkeypatch.setattr(events, "enqueue", queued_job_task(events.enqueue))
    project = ProjectFactory(name="Reviews")
    MembershipFactory(project=project, user=UserFactory(username="lead"), role=Role.LEAD)
    labeled_items(project)
    unlabeled_items(project, 9)
    login(page, "lead")

    page.goto(f"{page.base}/projects/{project.pk}/prelabel/")
    page.select_option("#id_backend", "tfidf")
    page.click("[data-testid=start-form] button[type=submit]")
    page.wait_for_selector("[data-testid=job][data-status=pending]")
    assert page.locator("[data-testid=job-counts]").inner_text() == "0 of 9 items (0%)"

    job = PrelabelJob.objects.get()
    for start, end, expected in service.prelabel_job_run(job_id=job.pk):
        service.prelabel_batch_run(job_id=job.pk, start_id=start, end_id=end, expected=expected)
    page.wait_for_selector("[data-testid=job][data-status=done]", timeout=10_000)

    assert page.locator("[data-testid=job-counts]").inner_text() == "9 of 9 items (100%)"
    assert page.locator("[data-testid=cancel]").count() == 0
    assert PrelabelJob.objects.get().status == JobStatus.DONE
    page.reload()
    assert "tfidf-v1" in page.locator("[data-testid=versions]").inner_text()
    screenshot(page, "prelabel-done")
