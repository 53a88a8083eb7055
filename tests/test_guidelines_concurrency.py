"""Leads publishing at the same moment on PostgreSQL still get consecutive version numbers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from guidelines import services
from guidelines.models import GuidelineVersion
from labeling.models import Project, Role
from tests.conftest import require_service
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LEADS = 6


def test_concurrent_publications_get_consecutive_numbers():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (row locks)")
    project = ProjectFactory()
    leads = [UserFactory(username=f"lead{i}") for i in range(LEADS)]
    for lead in leads:
        MembershipFactory(project=project, user=lead, role=Role.LEAD)
    services.draft_save(project=project, author=leads[0], markdown="## positive\nHappy.")
    start, errors = threading.Barrier(LEADS), []

    def publish(lead) -> None:
        try:
            start.wait(timeout=10)
            services.version_publish(project=project, author=lead, changelog=lead.username)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(lead,)) for lead in leads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    numbers = sorted(
        GuidelineVersion.objects.filter(project=project).values_list("number", flat=True)
    )
    assert errors == []
    assert numbers == list(range(1, LEADS + 1))
    assert Project.objects.get(pk=project.pk).guideline_version == LEADS
